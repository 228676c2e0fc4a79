/**
 * The connectivity doctor on the real engine: one situation per rule (test/support/reachSituations),
 * each report compared with what ping / nslookup / nc really do inside the source container (the
 * test runs them with docker exec, or on the host for `host`), plus a hand-made DROP in DOCKER-USER
 * that makes the explanation and the observation disagree. Packets go only to the containers and
 * the veth this test made; the DROP rule is removed in `after`, even on failure.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import { EngineSession } from '../../src/engine/engineSession';
import { checkReach } from '../../src/engine/reachability/checkReach';
import { apiAtLeast } from '../../src/model/engineFeatures';
import type { ReachReport } from '../../src/model/reachability/types';
import { docker, TEST_IMAGE } from '../support/dockerCli';
import { buildReachSituations, REACH_CASES, ReachCase, removeReachSituations } from '../support/reachSituations';

const root = path.join(__dirname, '..', '..', '..');

/** `[-t TABLE] CHAIN args…` as the argv that inserts (-I) or deletes (-D) it. */
function ruleArgs(rule: string[], action: '-I' | '-D'): string[] {
  return rule[0] === '-t' ? ['-t', rule[1], action, ...rule.slice(2)] : [action, ...rule];
}
const isRoot = process.getuid?.() === 0;

/** What the tools really do: exit code 0 of ping/nc from the source (docker exec, or the host's busybox). */
function groundTruth(situation: ReachCase, report: ReachReport): { reachable: boolean; output: string } | undefined {
  const probe = report.checks.find((check) => check.kind === 'icmp' || check.kind === 'tcp');
  const target = situation.name ?? probe?.target;
  if (!target) {
    return undefined;
  }
  const tool = situation.port !== undefined ? ['busybox', 'nc', '-w', '2', target, String(situation.port)] : ['ping', '-c', '1', '-W', '1', target];
  // A name the embedded DNS does not know waits for the test's loopback upstream: about 10 s.
  const result =
    situation.from === 'host'
      ? spawnSync('/bin/busybox', tool[0] === 'busybox' ? tool.slice(1) : tool, { encoding: 'utf8', timeout: 30_000 })
      : spawnSync('docker', ['exec', situation.from, ...tool], { encoding: 'utf8', timeout: 30_000 });
  if (result.error) {
    throw new Error(`${tool.join(' ')} in ${situation.from}: ${result.error.message}`);
  }
  return { reachable: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

/** nslookup inside the source, against the resolver its resolv.conf names (the embedded DNS or the test's loopback). */
function nslookupInside(from: string, name: string): boolean {
  const result = spawnSync('docker', ['exec', from, 'nslookup', name], { encoding: 'utf8', timeout: 30_000 });
  if (result.error) {
    throw new Error(`nslookup ${name} in ${from}: ${result.error.message}`);
  }
  return result.status === 0;
}

/** The story of a drop on the bridge: A's eth0, A's veth and the bridge saw the 2 echo requests; B's veth and eth0 none. */
function assertStoryStopsAtBridge(report: ReachReport, chain: string | undefined): void {
  const { hops, unreached, dropAt } = report.path;
  assert.deepEqual(
    hops.map((hop) => [hop.kind, hop.seen]),
    [['interface', 2], ['veth', 2], ['bridge', 2], ['drop', undefined]],
    JSON.stringify(report.path),
  );
  assert.equal(dropAt, 3);
  assert.deepEqual(unreached?.map((hop) => [hop.kind, hop.seen]), [['veth', 0], ['interface', 0]]);
  if (chain) {
    assert.equal(hops[3].rule?.chain, chain);
    assert.equal(hops[3].rule?.packets, 2, 'the rule counted the two packets the captures lost');
  }
  // The hops are the engine's own: B's host-side veth is the one `ip link` shows on the bridge.
  const bridge = hops[2].name!;
  const ports = execFileSync('ip', ['-o', 'link', 'show', 'master', bridge], { encoding: 'utf8' });
  assert.ok(ports.includes(`${unreached![0].name}@`), `${unreached![0].name} is a port of ${bridge}: ${ports}`);
}

/** The story's own captures (`-w /dev/null`; other captures on this machine write a file or stdout). */
function pgrepTcpdump(): string {
  return spawnSync('pgrep', ['-a', '-f', '^/usr/(s)?bin/tcpdump .*-w /dev/null'], { encoding: 'utf8' }).stdout.trim();
}

describe('connectivity doctor on the real engine', { skip: isRoot ? false : 'needs root (nsenter, iptables, a veth for macvlan)' }, () => {
  let session: EngineSession;
  const reports = new Map<string, ReachReport>();
  const dropRule: string[] = [];
  /** Hand-made rules of the tests below (tool and argv after -I/-D), removed in `after` even on failure. */
  const madeRules: [string, string[]][] = [];
  const makeRule = (tool: string, rule: string[]) => {
    execFileSync(tool, ruleArgs(rule, '-I'));
    madeRules.push([tool, rule]);
  };

  /** The engine's API version: Docker 28 (1.48+) drops in other places than 20.10. */
  let engineApiVersion: string | undefined;

  before(async () => {
    buildReachSituations();
    session = new EngineSession(new EngineClient(resolveTarget(undefined, undefined), 10_000), { debounceMs: 0, watch: false });
    await session.start();
    const state = session.state;
    engineApiVersion = state.kind === 'connected' ? state.apiVersion : undefined;
  });

  /** A native nftables table of the test below (family and name), deleted in `after` even on failure. */
  const NFT_TABLE = ['inet', `dne-rch-${process.pid}`];

  after(() => {
    spawnSync('nft', ['delete', 'table', ...NFT_TABLE]);
    if (dropRule.length > 0) {
      spawnSync('iptables', ['-D', ...dropRule]);
    }
    for (const [tool, rule] of madeRules) spawnSync(tool, ruleArgs(rule, '-D'));
    docker(['rm', '-f', 'rch-v6a', 'rch-v6b'], { allowFailure: true });
    docker(['network', 'rm', 'rch-v6'], { allowFailure: true });
    session?.dispose();
    removeReachSituations();
  });

  for (const situation of REACH_CASES) {
    const question = `${situation.from} -> ${situation.to}${situation.name ? ` by "${situation.name}"` : ''}${situation.port ? ` :${situation.port}` : ''}`;
    test(`${situation.title}: ${question}: explained ${situation.explained}, observed ${situation.observed}, as ping/nc say`, async () => {
      const report = await checkReach(session, { from: situation.from, to: situation.to, name: situation.name, port: situation.port });
      reports.set(situation.title, report);
      const detail = JSON.stringify({ verdict: report.verdict, blockers: report.blockers.map((blocker) => blocker.rule), checks: report.checks, observation: report.observation });
      assert.equal(report.verdict.explained, situation.explained, detail);
      assert.equal(report.verdict.observed, situation.observed, detail);
      if (situation.rule) {
        assert.equal(report.blockers[0]?.rule, situation.rule, detail);
      }
      for (const rule of situation.alsoRules ?? []) {
        assert.ok(report.blockers.some((blocker) => blocker.rule === rule), detail);
      }
      const truth = groundTruth(situation, report);
      if (truth) {
        assert.equal(truth.reachable ? 'reachable' : 'unreachable', situation.observed, `the real tool said: ${truth.output}`);
      }
      const dns = report.checks.find((check) => check.kind === 'dns');
      const resolvConf = situation.from === 'host' ? '' : docker(['exec', situation.from, 'cat', '/etc/resolv.conf']);
      if (dns && situation.from !== 'host' && /127\.0\.0\.11/.test(resolvConf)) {
        assert.equal(nslookupInside(situation.from, situation.name!), dns.observed === 'pass', `nslookup ${situation.name} in ${situation.from}`);
      }
    });
  }

  test('the packet filter names Docker\'s own rule where the explanation expects a drop', () => {
    const filterOf = (title: string) => reports.get(title)?.checks.find((check) => check.kind === 'filter');
    // Docker 28 drops a packet routed to a container from another bridge in the raw table, before the
    // filter table's isolation chains see it; an ICC-off bridge's drop moved to DOCKER-FORWARD.
    const docker28 = apiAtLeast(engineApiVersion, '1.48');
    const isolatedRule = docker28 ? /raw: -A PREROUTING -d [\d.]+\/32 ! -i br-\w+ -j DROP/ : /DOCKER-ISOLATION-STAGE-2 -o br-\w+ -j DROP/;
    assert.match(filterOf('no common network (bridges isolated)')?.detail ?? '', isolatedRule);
    if (docker28) {
      // Docker 28 gives a container on an internal network no route off it: the probe is never sent,
      // so the packet filter is not reached (not "passed").
      assert.equal(filterOf('internal network')?.observed, 'skipped');
      assert.match(filterOf('internal network')?.detail ?? '', /Network is unreachable/);
    } else {
      assert.match(filterOf('internal network')?.detail ?? '', /DOCKER-ISOLATION-STAGE-1 .*-i br-\w+ -j DROP/);
    }
    assert.match(filterOf('ICC disabled on the bridge')?.detail ?? '', docker28 ? /DOCKER-FORWARD -i (br-\w+) -o \1 -j DROP/ : /FORWARD -i (br-\w+) -o \1 -j DROP/);
    for (const title of ['no common network (bridges isolated)', 'internal network', 'ICC disabled on the bridge']) {
      assert.equal(reports.get(title)?.disagreement, undefined, `${title}: explanation and observation agree`);
    }
  });

  test('the packet story of ICC off: last seen on the bridge, never on the other veth; of a reachable pair: every hop', () => {
    assertStoryStopsAtBridge(reports.get('ICC disabled on the bridge')!, undefined);
    const reachable = reports.get('same user-defined network, by alias')!;
    assert.equal(reachable.verdict.final, 'reachable');
    assert.deepEqual(reachable.path.hops.map((hop) => hop.seen), [2, 2, 2, 2, 2], JSON.stringify(reachable.path.hops));
    assert.equal(reachable.path.unreached, undefined);
  });

  test('the path uses the topology\'s interface ids', () => {
    const report = reports.get('same user-defined network, by alias')!;
    assert.deepEqual(report.path.hops.map((hop) => hop.kind), ['interface', 'veth', 'bridge', 'veth', 'interface']);
    assert.match(report.path.hops[0].topologyId ?? '', /^ns:ctr:[0-9a-f]{64}\/if:eth0$/);
    assert.match(report.path.hops[1].topologyId ?? '', /^ns:host\/if:veth\w+$/);
    assert.match(report.path.hops[2].topologyId ?? '', /^ns:host\/if:br-[0-9a-f]{12}$/);
  });

  test('a hand-made DROP in DOCKER-USER: explained reachable, observed unreachable, said first, rule named; the exit code follows the observation', async () => {
    const from = docker(['inspect', '-f', '{{(index .NetworkSettings.Networks "rch-user").IPAddress}}', 'rch-a']);
    const to = docker(['inspect', '-f', '{{(index .NetworkSettings.Networks "rch-user").IPAddress}}', 'rch-b']);
    dropRule.push('DOCKER-USER', '-s', `${from}/32`, '-d', `${to}/32`, '-j', 'DROP');
    execFileSync('iptables', ['-I', ...dropRule]);
    const report = await checkReach(session, { from: 'rch-a', to: 'rch-b' });
    assert.deepEqual(report.verdict, { explained: 'reachable', observed: 'unreachable', final: 'unreachable' });
    assert.equal(report.disagreement?.droppedBy?.chain, 'DOCKER-USER');
    assert.equal(report.blockers[0].rule, 'filterDrop');
    assert.equal(spawnSync('docker', ['exec', 'rch-a', 'ping', '-c', '1', '-W', '1', to]).status, 1, 'ping inside rch-a fails too');
    const cli = (args: string[]) => spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'reach', ...args], { encoding: 'utf8', timeout: 60_000 });
    const verified = cli(['rch-a', 'rch-b']);
    assert.equal(verified.status, 1, verified.stderr);
    assert.match(verified.stdout.split('\n')[0], /^DISAGREEMENT: .*DOCKER-USER/);
    assert.equal(cli(['rch-a', 'rch-b', '--no-verify']).status, 0, 'without verification the explanation decides');
    const json = cli(['rch-a', 'rch-b', '--format', 'json']);
    const fromJson = JSON.parse(json.stdout) as ReachReport;
    assert.equal(fromJson.disagreement?.droppedBy?.chain, 'DOCKER-USER');
    // The packet story: the two echo requests left A, crossed A's veth and the bridge, never reached B's veth.
    assertStoryStopsAtBridge(report, 'DOCKER-USER');
    assertStoryStopsAtBridge(fromJson, 'DOCKER-USER');
    assert.match(verified.stdout, /Packets of the check, captured on each hop: eth0 \(2\) -> veth\w+ \(2\) -> br-\w+ \(2\)\. They never reached veth\w+ \(0\), eth0 \(0\)\. Dropped by filter DOCKER-USER: -A DOCKER-USER -s [\d.]+\/32 -d [\d.]+\/32 -j DROP \(2 packets\)\./);
    assert.equal(pgrepTcpdump(), '', 'no capture is left running');
    execFileSync('iptables', ['-D', ...dropRule]);
    dropRule.length = 0;
    assert.equal(cli(['rch-a', 'rch-b']).status, 0, 'reachable again once the rule is gone');
  });

  test('a hand-made DROP in the raw table (where Docker 28 drops): named with its table; the filter check does not pass; the fix deletes it there', async () => {
    const from = docker(['inspect', '-f', '{{(index .NetworkSettings.Networks "rch-user").IPAddress}}', 'rch-a']);
    const to = docker(['inspect', '-f', '{{(index .NetworkSettings.Networks "rch-user").IPAddress}}', 'rch-b']);
    makeRule('iptables', ['-t', 'raw', 'PREROUTING', '-s', `${from}/32`, '-d', `${to}/32`, '-j', 'DROP']);
    const report = await checkReach(session, { from: 'rch-a', to: 'rch-b' });
    assert.deepEqual(report.verdict, { explained: 'reachable', observed: 'unreachable', final: 'unreachable' });
    assert.deepEqual([report.disagreement?.droppedBy?.table, report.disagreement?.droppedBy?.chain], ['raw', 'PREROUTING']);
    const filter = report.checks.find((check) => check.kind === 'filter');
    assert.equal(filter?.observed, 'fail', JSON.stringify(filter));
    assert.match(filter?.detail ?? '', /^raw: -A PREROUTING -s [\d.]+\/32 -d [\d.]+\/32 .*-j DROP$/);
    assert.deepEqual(report.blockers[0].fix?.command?.slice(0, 5), ['iptables', '-t', 'raw', '-D', 'PREROUTING']);
    assert.equal(spawnSync('docker', ['exec', 'rch-a', 'ping', '-c', '1', '-W', '1', to]).status, 1, 'ping inside rch-a fails too');
    // The fix the report gives removes the rule: reachable again.
    execFileSync(report.blockers[0].fix!.command![0], report.blockers[0].fix!.command!.slice(1));
    madeRules.pop();
    assert.equal((await checkReach(session, { from: 'rch-a', to: 'rch-b' })).verdict.observed, 'reachable');
  });

  test('a hand-made DROP in ip6tables on a dual-stack network: the IPv6 probe fails while IPv4 passes, the rule is named as IPv6, the fix is an ip6tables command', async () => {
    docker(['network', 'create', '--label', 'dne.test=1', '--ipv6', '--subnet', '10.213.66.0/24', '--subnet', 'fd00:dead:66::/64', 'rch-v6']);
    for (const name of ['rch-v6a', 'rch-v6b']) docker(['run', '-d', '--label', 'dne.test=1', '--name', name, '--network', 'rch-v6', TEST_IMAGE, 'sleep', '600']);
    const v6 = (name: string) => docker(['inspect', '-f', '{{(index .NetworkSettings.Networks "rch-v6").GlobalIPv6Address}}', name]);
    const [from, to] = [v6('rch-v6a'), v6('rch-v6b')];
    assert.ok(from && to, 'both have an IPv6 address');
    await session.refresh(); // the session does not watch events here
    const icmpTo = (report: ReachReport, address: string) => report.checks.find((check) => check.kind === 'icmp' && check.target === address);
    const before = await checkReach(session, { from: 'rch-v6a', to: 'rch-v6b' });
    assert.equal(icmpTo(before, to)?.observed, 'pass', `the IPv6 address is probed and answers before the rule: ${JSON.stringify(before.checks)}`);
    makeRule('ip6tables', ['FORWARD', '-s', `${from}/128`, '-d', `${to}/128`, '-j', 'DROP']);
    const report = await checkReach(session, { from: 'rch-v6a', to: 'rch-v6b' });
    const detail = JSON.stringify(report.checks);
    assert.equal(icmpTo(report, to)?.observed, 'fail', detail);
    assert.equal(report.checks.find((check) => check.kind === 'icmp' && !check.target.includes(':'))?.observed, 'pass', detail);
    const filter = report.checks.find((check) => check.kind === 'filter');
    assert.equal(filter?.observed, 'fail', detail);
    assert.match(filter?.detail ?? '', /^filter \(IPv6\): -A FORWARD -s fd00:dead:66::\S+ -d fd00:dead:66::\S+ .*-j DROP$/);
    assert.equal(spawnSync('docker', ['exec', 'rch-v6a', 'ping', '-6', '-c', '1', '-W', '1', to]).status, 1, 'ping -6 inside rch-v6a fails too');
  });

  test('a DROP in a native nftables table (as Docker 29\'s nftables backend or firewalld writes): named with its family and table in nft\'s words; the fix deletes it by handle', async () => {
    const from = docker(['inspect', '-f', '{{(index .NetworkSettings.Networks "rch-user").IPAddress}}', 'rch-a']);
    const to = docker(['inspect', '-f', '{{(index .NetworkSettings.Networks "rch-user").IPAddress}}', 'rch-b']);
    // Before the filter table (priority -10): the packet never reaches Docker's own accept rules.
    const ruleset = `table ${NFT_TABLE.join(' ')} {\n chain forward {\n  type filter hook forward priority -10; policy accept;\n  ip saddr ${from} ip daddr ${to} counter drop comment "dne test"\n }\n}\n`;
    execFileSync('nft', ['-f', '-'], { input: ruleset });
    const report = await checkReach(session, { from: 'rch-a', to: 'rch-b' });
    assert.deepEqual(report.verdict, { explained: 'reachable', observed: 'unreachable', final: 'unreachable' });
    const drop = report.disagreement?.droppedBy;
    assert.deepEqual([drop?.table, drop?.chain, drop?.nftables?.family], [NFT_TABLE[1], 'forward', 'inet'], JSON.stringify(drop));
    assert.equal(drop?.rule, `ip saddr ${from} ip daddr ${to} counter drop comment "dne test"`);
    const filter = report.checks.find((check) => check.kind === 'filter');
    assert.equal(filter?.observed, 'fail', JSON.stringify(filter));
    assert.equal(filter?.detail, `inet ${NFT_TABLE[1]} (nftables): ip saddr ${from} ip daddr ${to} counter drop comment "dne test"`);
    assert.equal(spawnSync('docker', ['exec', 'rch-a', 'ping', '-c', '1', '-W', '1', to]).status, 1, 'ping inside rch-a fails too');
    const handle = /"dne test" # handle (\d+)/.exec(execFileSync('nft', ['-a', 'list', 'chain', ...NFT_TABLE, 'forward'], { encoding: 'utf8' }))?.[1];
    assert.deepEqual(report.blockers[0].fix?.command, ['nft', 'delete', 'rule', ...NFT_TABLE, 'forward', 'handle', handle]);
    const cli = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'reach', 'rch-a', 'rch-b'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(cli.status, 1, cli.stderr);
    assert.match(cli.stdout.split('\n')[0], new RegExp(`^DISAGREEMENT: .*Dropped by inet ${NFT_TABLE[1]} \\(nftables\\) forward: ip saddr`));
    // The fix the report gives removes the rule: reachable again.
    execFileSync(report.blockers[0].fix!.command![0], report.blockers[0].fix!.command!.slice(1));
    assert.equal((await checkReach(session, { from: 'rch-a', to: 'rch-b' })).verdict.observed, 'reachable');
  });

  test('usage: an unknown container is exit 2 with a sentence', () => {
    const result = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'reach', 'rch-a', 'rch-missing'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /there is no container "rch-missing"/);
  });
});
