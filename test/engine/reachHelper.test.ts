/**
 * The connectivity doctor on an engine that is not this machine's, observed through helper
 * containers: a second dockerd in its own network namespace (test/support/dockerdNode.ts, hub
 * `dnerh`, group 2, index 7; its host name differs, so the session does not count it as local),
 * reached through its unix socket. On it, a user network with A (an image holding one static
 * binary, `/sleep`: no shell, no ping, no busybox, so `docker exec` cannot observe anything) and B
 * (busybox).
 * (a) A reaches B: observed through a probe helper joined to A's namespace; without the helper the
 *     same question is not observed (A has no tools).
 * (b) A DROP rule in the node's DOCKER-USER chain (its own iptables, `nsenter --net`): not
 *     reachable, observed, and the rule whose counter grew named with its packets (the node's
 *     packet filter read by a filter helper on the node).
 * (c) No helper container is left on the node after each run, and the CLI's `reach --helper`
 *     gives the same method in its JSON.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import { EngineSession } from '../../src/engine/engineSession';
import { checkReach } from '../../src/engine/reachability/checkReach';
import { runInProbeHelper } from '../../src/engine/reachability/helperRunner';
import { parseDockerHost } from '../../src/model/connectionResolution';
import type { ReachReport } from '../../src/model/reachability/types';
import { TEST_IMAGE } from '../support/dockerCli';
import { waitFor } from '../support/waitFor';
import { DockerdNode, nodeDocker, startDockerdNode } from '../support/dockerdNode';
import { startSshServer } from '../support/sshServer';
import type { SshTestServer } from '../support/sshServer';
import { makeTlsMaterial, removeTlsMaterial, startTlsEndpoint } from '../support/tlsEndpoint';
import type { TlsEndpoint, TlsMaterial } from '../support/tlsEndpoint';

const HUB = 'dnerh';
const PREFIX = 'dnerh-';
const NO_TOOLS_IMAGE = 'dnerh/sleep:latest';
const isRoot = process.getuid?.() === 0;
const cli = path.join(__dirname, '..', '..', '..', 'dist', 'cli.js');

const detail = (report: ReachReport) => JSON.stringify({ verdict: report.verdict, observation: report.observation, checks: report.checks });

describe('the connectivity doctor through helper containers on a remote engine (a second dockerd)', { skip: !isRoot && 'needs root (a dockerd node)' }, () => {
  let node: DockerdNode;
  let folder: string;
  let client: EngineClient;
  let session: EngineSession;
  let ssh: SshTestServer | undefined;
  let material: TlsMaterial | undefined;
  let tls: TlsEndpoint | undefined;
  const others: EngineClient[] = [];
  const logged: string[] = [];
  const [from, to] = [`${PREFIX}a`, `${PREFIX}b`];
  // A helper that exited is being removed by the engine (AutoRemove) when the run returns: gone within moments.
  const noHelperLeft = () => waitFor('no helper left on the node', () => helpersOnNode().length === 0, { timeoutMs: 10_000, lastSeen: () => helpersOnNode().join(', ') });
  const helpersOnNode = () => nodeDocker(node, ['ps', '-a', '-q', '--filter', 'label=io.github.dne.helper']).split('\n').filter(Boolean);
  const nodeIptables = (args: string[]) => execFileSync('nsenter', [`--net=/var/run/netns/${node.name}`, '--', 'iptables', ...args], { encoding: 'utf8' });
  const addressOf = (name: string) => nodeDocker(node, ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', name]);

  async function reach(helper: boolean): Promise<ReachReport> {
    await session.refresh();
    return checkReach(session, { from, to, ...(helper ? { helper: { image: TEST_IMAGE, log: (line: string) => logged.push(line) } } : {}) });
  }

  before(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'dnerh-'));
    node = await startDockerdNode({ hub: HUB, group: 2, index: 7 });
    // An image with one static binary and nothing else: busybox-static named `sleep` (its applet by argv[0]).
    const root = path.join(folder, 'image');
    mkdirSync(root);
    copyFileSync('/bin/busybox', path.join(root, 'sleep'));
    execFileSync('tar', ['-C', root, '-cf', path.join(folder, 'image.tar'), '.']);
    nodeDocker(node, ['import', path.join(folder, 'image.tar'), NO_TOOLS_IMAGE]);
    const network = `${PREFIX}net`;
    nodeDocker(node, ['network', 'create', network]);
    nodeDocker(node, ['run', '-d', '--name', from, '--network', network, NO_TOOLS_IMAGE, '/sleep', '100000']);
    nodeDocker(node, ['run', '-d', '--name', to, '--network', network, TEST_IMAGE, 'sleep', '100000']);
    client = new EngineClient({ source: 'setting', contextName: 'default', ...parseDockerHost(node.host) }, 30_000);
    session = new EngineSession(client, { debounceMs: 0, watch: false });
    await session.start();
    assert.equal(session.isLocal, false, 'the node is another machine to this process (its host name differs)');
    console.log(`dockerd node ${node.name}: Docker ${nodeDocker(node, ['version', '-f', '{{.Server.Version}}'])}`);
  });

  after(async () => {
    session?.dispose();
    client?.dispose();
    others.forEach((other) => other.dispose());
    await ssh?.stop();
    await tls?.stop();
    if (material) removeTlsMaterial(material);
    await node?.stop();
    spawnSync('ip', ['netns', 'del', HUB], { stdio: 'ignore' });
    rmSync(folder, { recursive: true, force: true });
  });

  test('(a) A (no shell, no ping) reaches B: observed through a probe helper in A\'s namespace; without it, not observed', async () => {
    const withoutHelper = await reach(false);
    assert.equal(withoutHelper.verdict.observed, undefined, detail(withoutHelper));
    const report = await reach(true);
    assert.equal(report.observation.method, 'helper', detail(report));
    assert.deepEqual(report.observation.tools, ['helper container', TEST_IMAGE]);
    assert.deepEqual(report.verdict, { explained: 'reachable', observed: 'reachable', final: 'reachable' }, detail(report));
    const icmp = report.checks.find((check) => check.kind === 'icmp')!;
    assert.equal(icmp.target, addressOf(to));
    assert.equal(icmp.observed, 'pass', detail(report));
    assert.match(icmp.detail ?? '', /2 packets transmitted, 2 packets received/);
    assert.ok(logged.some((line) => /^probe helper on unix:\/\/.*: image local\/busybox:latest, container dne-helper-probe-[0-9a-f]+, ping .*, \d+ ms, exit 0$/.test(line)), logged.join('\n'));
    await noHelperLeft();
  });

  test('(a) by name: A (no nslookup, no cat) resolves B through the embedded DNS from a probe helper, its resolv.conf read through the Engine API', async () => {
    await session.refresh();
    const report = await checkReach(session, { from, to, name: to, helper: { image: TEST_IMAGE, log: (line: string) => logged.push(line) } });
    assert.equal(report.observation.method, 'helper', detail(report));
    const dns = report.checks.find((check) => check.kind === 'dns')!;
    assert.equal(dns.observed, 'pass', detail(report));
    assert.deepEqual(dns.resolved, [addressOf(to)]);
    assert.deepEqual(report.verdict, { explained: 'reachable', observed: 'reachable', final: 'reachable' }, detail(report));
    await noHelperLeft();
  });

  test('(b) a DROP rule in the node\'s DOCKER-USER: not reachable, observed, the rule named with its packets', async () => {
    const rule = ['DOCKER-USER', '-s', `${addressOf(from)}/32`, '-d', `${addressOf(to)}/32`, '-j', 'DROP'];
    nodeIptables(['-I', ...rule]);
    try {
      const report = await reach(true);
      assert.equal(report.observation.method, 'helper', detail(report));
      assert.equal(report.verdict.observed, 'unreachable', detail(report));
      assert.equal(report.verdict.final, 'unreachable');
      const filter = report.checks.find((check) => check.kind === 'filter');
      assert.ok(filter, `the filter check: ${detail(report)}`);
      assert.equal(filter.observed, 'fail', detail(report));
      const drop = report.disagreement?.droppedBy;
      assert.ok(drop, detail(report));
      assert.equal(drop.chain, 'DOCKER-USER');
      assert.equal(drop.target, 'DROP');
      assert.equal(drop.packets, 2, 'the two echo requests');
      assert.match(drop.rule, new RegExp(`-A DOCKER-USER -s ${addressOf(from).replace(/\./g, '\\.')}/32 -d ${addressOf(to).replace(/\./g, '\\.')}/32 .*-j DROP`));
      assert.ok(logged.some((line) => /^filter helper on unix:\/\/.*: image local\/busybox:latest, container dne-helper-filter-[0-9a-f]+/.test(line)), logged.join('\n'));
    } finally {
      nodeIptables(['-D', ...rule]);
    }
    await noHelperLeft();
  });

  test('(d) one probe helper\'s paths on the real engine: the exit status is the engine\'s wait status; a command not in the image is `missing`; past the time limit the helper is removed', async () => {
    const id = nodeDocker(node, ['inspect', '-f', '{{.Id}}', from]);
    const exited = await runInProbeHelper(client, id, TEST_IMAGE, ['sh', '-c', 'echo out; echo err >&2; exit 7'], 10_000);
    // stdout and stderr both kept (their order between the two streams is the engine's).
    assert.deepEqual({ ...exited, output: exited.output.split('\n').sort() }, { code: 7, output: ['err', 'out'], missing: false });
    const missing = await runInProbeHelper(client, id, NO_TOOLS_IMAGE, ['ping', '-c', '1', '--', addressOf(to)], 10_000);
    assert.equal(missing.missing, true, JSON.stringify(missing));
    const started = Date.now();
    const late = await runInProbeHelper(client, id, TEST_IMAGE, ['sleep', '30'], 1_500);
    assert.deepEqual(late, { code: null, output: 'timeout', truncated: false });
    assert.ok(Date.now() - started < 10_000, `${Date.now() - started} ms`);
    await noHelperLeft();
  });

  /** The doctor through helpers over another transport to the same node: the wait status comes back over it too. */
  async function overTransport(other: EngineClient): Promise<void> {
    others.push(other);
    assert.equal((await other.info()).Name, node.name);
    const id = nodeDocker(node, ['inspect', '-f', '{{.Id}}', from]);
    assert.equal((await runInProbeHelper(other, id, TEST_IMAGE, ['sh', '-c', 'exit 3'], 10_000)).code, 3);
    const otherSession = new EngineSession(other, { debounceMs: 0, watch: false });
    try {
      await otherSession.start();
      const report = await checkReach(otherSession, { from, to, helper: { image: TEST_IMAGE } });
      assert.equal(report.observation.method, 'helper', detail(report));
      assert.deepEqual(report.verdict, { explained: 'reachable', observed: 'reachable', final: 'reachable' }, detail(report));
    } finally {
      otherSession.dispose();
    }
    await noHelperLeft();
  }

  test('(e) over SSH (the private OpenSSH server, its sessions\' docker CLI on the node\'s socket): observed through the helper', { skip: !existsSync('/usr/sbin/sshd') && 'openssh-server is not installed' }, async () => {
    ssh = await startSshServer({ extraConfig: [`SetEnv DOCKER_HOST=${node.host}`] });
    const home = path.join(folder, 'home');
    mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
    copyFileSync(ssh.plainKey, path.join(home, '.ssh', 'id_ed25519'));
    const accept = { confirmHostKey: () => Promise.resolve(true), passphrase: () => Promise.resolve(undefined) };
    await overTransport(new EngineClient(resolveTarget(`ssh://${ssh.user}@127.0.0.1:${ssh.port}`, undefined, { DOCKER_CONFIG: folder }), 30_000, { sshPrompts: accept, sshFiles: { homeDir: home, agentSocket: '' } }));
  });

  test('(e) over TLS (socat in front of the node\'s socket, client certificate): observed through the helper', async () => {
    material = makeTlsMaterial();
    tls = await startTlsEndpoint({ cert: material.serverCert, key: material.serverKey, ca: material.ca }, node.socketPath);
    await overTransport(new EngineClient(resolveTarget('', undefined, { DOCKER_HOST: `tcp://127.0.0.1:${tls.port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: material.clientFolder, DOCKER_CONFIG: folder }), 30_000));
  });

  test('(c) the CLI: reach A B --helper IMAGE --format json on the node gives the helper method; no helper left', async () => {
    const result = spawnSync(process.execPath, [cli, 'reach', from, to, '--helper', TEST_IMAGE, '--format', 'json', '--host', node.host], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as ReachReport;
    assert.equal(report.observation.method, 'helper', result.stdout);
    assert.equal(report.verdict.observed, 'reachable');
    assert.match(result.stderr, /probe helper on unix:\/\//);
    const text = spawnSync(process.execPath, [cli, 'reach', from, to, '--helper', TEST_IMAGE, '--host', node.host], { encoding: 'utf8', timeout: 120_000 });
    assert.match(text.stdout, /Observed from inside dnerh-a through a helper container \(local\/busybox:latest\) on the engine, joined to its network namespace\./, text.stdout);
    await noHelperLeft();
  });
});
