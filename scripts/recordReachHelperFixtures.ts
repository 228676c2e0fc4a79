/**
 * Records, from a dockerd node (test/support/dockerdNode.ts, hub `dnerh`, group 2, index 8) reached
 * as a remote engine, what the doctor's filter helper prints (model/reachability/filterDump.ts)
 * before and after two pings from A to B sent through a probe helper, with a DROP rule
 * `-I DOCKER-USER -s A -d B` in the node's own iptables; and the node's `iptables-save -c` read
 * from this machine at the same moments (`nsenter --net`), for the unit tests of the dumps' parser;
 * and A's /etc/hosts and /etc/resolv.conf as the Engine API's archive sends them (raw tar) beside
 * what A's own `cat` prints, for the unit tests of model/reachability/archiveFile.ts.
 * Saved into test/fixtures/reach-helper/engine-<API version>.json. Removes everything it made.
 *
 *   npx tsc -p test/tsconfig.json && node out/scripts/recordReachHelperFixtures.js
 *   bash scripts/engine28.sh run node out/scripts/recordReachHelperFixtures.js
 *
 * Never edit the JSON by hand: re-record it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { EngineClient } from '../src/engine/engineClient';
import { runHelperToEnd, runInProbeHelper } from '../src/engine/reachability/helperRunner';
import { parseDockerHost } from '../src/model/connectionResolution';
import { filterDumpArgv } from '../src/model/reachability/filterDump';
import { TEST_IMAGE } from '../test/support/dockerCli';
import { nodeDocker, startDockerdNode } from '../test/support/dockerdNode';

const HUB = 'dnerh';
const PREFIX = 'dnerh-rec-';

async function main(): Promise<void> {
  const node = await startDockerdNode({ hub: HUB, group: 2, index: 8 });
  const client = new EngineClient({ source: 'setting', contextName: 'default', ...parseDockerHost(node.host) }, 30_000);
  try {
    const network = `${PREFIX}net`;
    nodeDocker(node, ['network', 'create', network]);
    const [from, to] = [`${PREFIX}a`, `${PREFIX}b`];
    for (const name of [from, to]) {
      nodeDocker(node, ['run', '-d', '--name', name, '--network', network, TEST_IMAGE, 'sleep', '600']);
    }
    const address = (name: string) => nodeDocker(node, ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', name]);
    const bridge = `br-${nodeDocker(node, ['network', 'inspect', '-f', '{{.Id}}', network]).slice(0, 12)}`;
    const iptables = (args: string[]) => execFileSync('nsenter', [`--net=/var/run/netns/${node.name}`, '--', ...args], { encoding: 'utf8' });
    iptables(['iptables', '-I', 'DOCKER-USER', '-s', `${address(from)}/32`, '-d', `${address(to)}/32`, '-j', 'DROP']);
    const dump = async () => {
      const result = await runHelperToEnd(client, { purpose: 'filter', image: TEST_IMAGE, argv: filterDumpArgv() }, 15_000, 16 * 1024 * 1024);
      if (result.code !== 0) throw new Error(`the filter helper failed: ${result.output}`);
      return { helper: result.output, iptablesSave: iptables(['iptables-save', '-c']) };
    };
    const before = await dump();
    const id = nodeDocker(node, ['inspect', '-f', '{{.Id}}', from]);
    const ping = await runInProbeHelper(client, id, TEST_IMAGE, ['ping', '-c', '2', '-W', '1', '--', address(to)], 10_000);
    const after = await dump();
    // A's files through the Engine API's archive (raw tar, base64), and as A's own cat prints them.
    const archives: Record<string, { tar: string; cat: string }> = {};
    for (const file of ['/etc/hosts', '/etc/resolv.conf']) {
      const tar = await client.containerArchive(id, file, 72 * 1024);
      archives[file] = { tar: Buffer.from(tar ?? new Uint8Array()).toString('base64'), cat: nodeDocker(node, ['exec', from, 'cat', file]) };
    }
    const version = await client.version();
    const file = path.join(__dirname, '..', '..', 'test', 'fixtures', 'reach-helper', `engine-${version.ApiVersion}.json`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(
      file,
      `${JSON.stringify({ engine: version.Version, apiVersion: version.ApiVersion, from: address(from), to: address(to), bridge, ping, before, after, archives }, null, 2)}\n`,
    );
    console.log(`recorded ${file}`);
  } finally {
    client.dispose();
    await node.stop();
    execFileSync('ip', ['netns', 'del', HUB], { stdio: 'ignore' });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
