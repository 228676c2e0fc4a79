/**
 * Records, from a real engine, what the observation helper prints (model/topology/helperScript.ts)
 * for the unit tests of its parser (model/topology/helperReadout.ts), with what the machine's own
 * tools say of the same plumbing at the same moment:
 *  - a user bridge network with two containers, one container on the default bridge;
 *  - a hand-made veth `dneobs-rh` on the user network's bridge whose peer is `eth1` in the second
 *    container's namespace (as the seed labs' int_hote), with an IPv4 and an IPv6 address;
 *  - on the machine's engine (not in Docker 28's box, whose `ip netns` the engine's host does not
 *    see), a named namespace `dneobs-rec-x` (`ip netns add`) holding a veth pair of its own.
 * Saved into test/fixtures/helper-observation/engine-<API version>.json: the helper's stdout, the
 * sandboxes it was given, `ip -j -d addr show` on the host and in each of those namespaces, the
 * netns level's facts (the local probe, as root), and the engine's lists for these containers and
 * networks (so the unit test builds the topology). Removes everything it made.
 *
 *   npx tsc -p test/tsconfig.json && node out/scripts/recordHelperObservation.js
 *   bash scripts/engine28.sh run node out/scripts/recordHelperObservation.js
 *
 * Never edit the JSON by hand: re-record it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { resolveTarget } from '../src/engine/connection';
import { EngineClient } from '../src/engine/engineClient';
import { startHelper } from '../src/engine/helperContainer';
import type { ContainerInspectJson } from '../src/model/dockerTypes';
import type { SandboxInfo } from '../src/model/topology/facts';
import { observeArgv } from '../src/model/topology/helperScript';
import { probeHost } from '../src/probe/hostProbe';

const PREFIX = 'dneobs-rec-';
const LABEL = 'dne.record.helperobservation';
const IMAGE = 'local/busybox:latest';
const NAMED = `${PREFIX}x`;
const HAND_MADE = 'dneobs-rh';
const run = (file: string, args: string[]) => execFileSync(file, args, { encoding: 'utf8' }).trim();
const silent = (file: string, args: string[]) => execFileSync(file, args, { stdio: 'ignore' });
const docker = (args: string[]) => run('docker', args);
const ipJson = (nsPath?: string): unknown => JSON.parse(nsPath ? run('nsenter', [`--net=${nsPath}`, '--', 'ip', '-j', '-d', 'addr', 'show']) : run('ip', ['-j', '-d', 'addr', 'show']));

function quietly(action: () => void): void {
  try {
    action();
  } catch {
    // already gone
  }
}

/** Removes what this script makes (also what a crashed run of it left). */
function cleanup(withNamed: boolean): void {
  quietly(() => {
    for (const id of docker(['ps', '-aq', '--filter', `label=${LABEL}`]).split('\n').filter(Boolean)) {
      silent('docker', ['rm', '-f', id]);
    }
  });
  quietly(() => silent('docker', ['network', 'rm', `${PREFIX}net`]));
  quietly(() => silent('ip', ['link', 'del', HAND_MADE]));
  if (withNamed) quietly(() => silent('ip', ['netns', 'del', NAMED]));
}

/** The containers and the hand-made links; returns the names it made. */
function build(withNamed: boolean): { containers: string[]; network: string } {
  const network = `${PREFIX}net`;
  docker(['network', 'create', '--label', LABEL, network]);
  const containers = [`${PREFIX}a`, `${PREFIX}b`, `${PREFIX}c`];
  docker(['run', '-d', '--name', containers[0], '--label', LABEL, '--network', network, IMAGE, 'sleep', '600']);
  docker(['run', '-d', '--name', containers[1], '--label', LABEL, '--network', network, IMAGE, 'sleep', '600']);
  docker(['run', '-d', '--name', containers[2], '--label', LABEL, IMAGE, 'sleep', '600']);
  const bridge = `br-${docker(['network', 'inspect', '-f', '{{.Id}}', network]).slice(0, 12)}`;
  const pid = docker(['inspect', '-f', '{{.State.Pid}}', containers[1]]);
  run('ip', ['link', 'add', HAND_MADE, 'type', 'veth', 'peer', 'name', 'eth1', 'netns', pid]);
  run('ip', ['link', 'set', HAND_MADE, 'master', bridge]);
  run('ip', ['link', 'set', HAND_MADE, 'up']);
  run('nsenter', ['-t', pid, '-n', 'ip', 'addr', 'add', '10.199.77.2/24', 'dev', 'eth1']);
  // Docker turns IPv6 off in a container's namespace when its networks have none: on for this link only.
  run('nsenter', ['-t', pid, '-n', 'sysctl', '-q', '-w', 'net.ipv6.conf.eth1.disable_ipv6=0']);
  run('nsenter', ['-t', pid, '-n', 'ip', 'addr', 'add', 'fd00:dead:77::2/64', 'dev', 'eth1', 'nodad']);
  run('nsenter', ['-t', pid, '-n', 'ip', 'link', 'set', 'eth1', 'up']);
  if (withNamed) {
    run('ip', ['netns', 'add', NAMED]);
    run('ip', ['-n', NAMED, 'link', 'add', 'dneobs-xa', 'type', 'veth', 'peer', 'name', 'dneobs-xb']);
    run('ip', ['-n', NAMED, 'addr', 'add', '10.199.78.1/24', 'dev', 'dneobs-xa']);
    run('ip', ['-n', NAMED, 'addr', 'add', '10.199.79.1', 'peer', '10.199.79.2/32', 'dev', 'dneobs-xb']);
    run('ip', ['-n', NAMED, 'addr', 'add', 'fd00:dead:78::1/64', 'dev', 'dneobs-xb', 'nodad']);
  }
  return { containers, network };
}

async function main(): Promise<void> {
  // In Docker 28's box (scripts/engine28.sh run) `ip netns` is private: the engine's host does not see it.
  const withNamed = process.env.DNE_ENGINE !== '28';
  cleanup(withNamed);
  const client = new EngineClient(resolveTarget(process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'), 30_000);
  try {
    const { containers, network } = build(withNamed);
    const details: Record<string, ContainerInspectJson> = {};
    const sandboxes: SandboxInfo[] = [];
    for (const name of containers) {
      const inspected = await client.inspectContainer(name);
      details[inspected.Id] = inspected;
      sandboxes.push({ containerId: inspected.Id, pid: inspected.State?.Pid, sandboxKey: inspected.NetworkSettings?.SandboxKey ?? undefined });
    }
    const argv = observeArgv(sandboxes);
    let stdout = '';
    let stderr = '';
    const decoder = new TextDecoder();
    const started = Date.now();
    const helper = await startHelper(client, {
      purpose: 'observe',
      image: IMAGE,
      argv,
      deadline: Date.now() / 1000 + 60,
      onStdout: (chunk) => (stdout += decoder.decode(chunk, { stream: true })),
      onStderr: (chunk) => (stderr += Buffer.from(chunk).toString()),
    });
    await helper.ended;
    await helper.remove();
    const helperMs = Date.now() - started;
    const truth: Record<string, unknown> = { host: ipJson() };
    for (const sandbox of sandboxes) {
      truth[path.basename(sandbox.sandboxKey!)] = ipJson(sandbox.sandboxKey);
    }
    if (withNamed) {
      truth[NAMED] = ipJson(`/var/run/netns/${NAMED}`);
    }
    const netns = await probeHost({ local: true, sandboxes });
    const version = await client.version();
    const ids = new Set(Object.keys(details));
    const file = path.join(__dirname, '..', '..', 'test', 'fixtures', 'helper-observation', `engine-${version.ApiVersion}.json`);
    mkdirSync(path.dirname(file), { recursive: true });
    const networks = (await client.listNetworks()).filter((n) => n.Name === network || n.Name === 'bridge');
    const listed = (await client.listContainers()).filter((c) => ids.has(c.Id));
    writeFileSync(
      file,
      JSON.stringify({ recordedWith: { engine: version.Version, apiVersion: version.ApiVersion, prefix: PREFIX, handMade: HAND_MADE, named: withNamed ? NAMED : undefined, helperMs }, argv, stdout, stderr, sandboxes, truth, netns, networks, containers: listed, containerDetails: details }, null, 1) + '\n',
    );
    console.log(`recorded ${stdout.length} bytes of helper output from ${version.Version} (${helperMs} ms) into ${file}`);
  } finally {
    client.dispose();
    cleanup(withNamed);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
