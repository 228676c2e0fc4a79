/**
 * The connectivity doctor on a real Podman 4.3 (CNI backend; its own `podman system service`,
 * test/support/podmanService.ts): `reach` from the built CLI, as a user runs it, compared with what
 * the real tools say — `iptables-save -c` (which rule counted the packets, which bridges the CNI
 * firewall plugin isolates) and a ping from inside the container with `podman exec`. Situations:
 * test/support/podmanReachSituations.ts (two plain networks, two isolated ones, an internal one).
 * Packets go only between the containers made here; none is sent where the host has no route.
 * Needs root (nsenter, iptables); everything it makes is `pdm-…`, labelled, and removed, with the
 * isolation rules the CNI firewall plugin leaves behind.
 */
import '../support/vscodeFake';
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { reportText } from '../../src/cli/reach';
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import { EngineSession } from '../../src/engine/engineSession';
import { checkReach } from '../../src/engine/reachability/checkReach';
import type { ReachReport } from '../../src/model/reachability/types';
import { podmanInstalled, PodmanService, startPodmanService } from '../support/podmanService';
import { buildPodmanReachSituation, podmanAddress, podmanBridge, PodmanReachSituation, removeIsolationLeftovers } from '../support/podmanReachSituations';

const root = path.join(__dirname, '..', '..', '..');
const isRoot = process.getuid?.() === 0;

/** `iptables-save -c`'s filter table: each rule line's packet counter by its text. */
function filterCounters(): Map<string, number> {
  const counters = new Map<string, number>();
  for (const line of execFileSync('iptables-save', ['-c', '-t', 'filter'], { encoding: 'utf8' }).split('\n')) {
    const match = /^\[(\d+):\d+\] (-A .*)$/.exec(line);
    if (match) {
      counters.set(match[2], Number(match[1]));
    }
  }
  return counters;
}

/** The bridges the CNI firewall plugin isolates now, as `iptables-save` lists them. */
function isolatedBridges(): string[] {
  return [...filterCounters().keys()].flatMap((rule) => /^-A CNI-ISOLATION-STAGE-1 -i (\S+) ! -o \1 .*-j CNI-ISOLATION-STAGE-2$/.exec(rule)?.[1] ?? []);
}

describe('the doctor on a real Podman 4.3: its routing, isolation, internal networks and firewall chains', { skip: !podmanInstalled() ? 'podman is not installed' : !isRoot ? 'needs root (nsenter, iptables)' : false }, () => {
  let service: PodmanService;
  let situation: PodmanReachSituation;
  const isolatedOnes: string[] = [];

  const reach = (from: string, to: string, extra: string[] = []) => {
    const once = () =>
      spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'reach', from, to, ...extra], {
        encoding: 'utf8',
        timeout: 90_000,
        env: { ...process.env, DOCKER_HOST: service.host, LANG: 'C.UTF-8', LC_ALL: '' },
      });
    // Exit 2 (the engine did not answer: our arguments are valid): the service waits on storage locks while other Podman users of this machine work; once more.
    let result = once();
    if (result.status === 2) {
      result = once();
    }
    return { text: result.stdout, status: result.status, all: `${result.stdout}${result.stderr}` };
  };
  const reachJson = (from: string, to: string) => JSON.parse(reach(from, to, ['--format', 'json']).text) as ReachReport;
  /** What the container's own ping says (podman exec; NET_RAW was given). */
  const pings = (from: string, to: string) => spawnSync('podman', ['exec', from, 'ping', '-c', '1', '-W', '1', podmanAddress(service, to)], { encoding: 'utf8', timeout: 20_000, env: { ...process.env } });

  before(async () => {
    service = await startPodmanService();
    situation = await buildPodmanReachSituation(service);
    isolatedOnes.push(podmanBridge(service, situation.networks.i), podmanBridge(service, situation.networks.k));
  });

  after(async () => {
    await service?.stop();
    removeIsolationLeftovers(isolatedOnes);
  });

  test('two networks made with podman network create: explained reachable (routed through the host), observed reachable, no DISAGREEMENT; the container\'s own ping agrees', () => {
    const { ca, cb } = situation.containers;
    const bridges = [podmanBridge(service, situation.networks.a), podmanBridge(service, situation.networks.b)];
    // The filter decides: a bridge name left isolated by an earlier network (the plugin does not remove its rules) is isolated still.
    const bothIsolated = bridges.every((bridge) => isolatedBridges().includes(bridge));
    const { text, status } = reach(ca, cb);
    assert.doesNotMatch(text, /DISAGREEMENT/, text);
    const own = pings(ca, cb);
    if (bothIsolated) {
      assert.equal(status, 1, text);
      assert.notEqual(own.status, 0, 'the isolation rules left on these bridge names drop it');
      return;
    }
    assert.equal(own.status, 0, own.stdout + own.stderr);
    assert.equal(status, 0, text);
    assert.match(text, /REACHABLE \(observed; explained: reachable\)/, text);
    assert.match(text, /Podman routes between its networks through the host/, text);
    // Each hop with the probes' packets the packet story counted there (as root).
    assert.match(text, new RegExp(`Path: .*${bridges[0]} \\(2\\) -> host -> ${bridges[1]} \\(2\\) `), text);
    assert.match(text, /Packets of the check, captured on each hop: .* They reached every hop\./, text);
  });

  test('both networks isolated (isolate=true, and one made through the compatible API): NOT REACHABLE, no DISAGREEMENT, the CNI-ISOLATION-STAGE-2 rule named with its table, the one whose counter grew in iptables-save -c', () => {
    const { ci, ck } = situation.containers;
    const toBridge = podmanBridge(service, situation.networks.k);
    assert.ok(isolatedBridges().includes(podmanBridge(service, situation.networks.i)) && isolatedBridges().includes(toBridge), `iptables-save isolates both: ${isolatedBridges().join(', ')}`);
    const rule = [...filterCounters().keys()].find((candidate) => candidate.startsWith(`-A CNI-ISOLATION-STAGE-2 -o ${toBridge} `) && candidate.endsWith('-j DROP'));
    assert.ok(rule, 'iptables-save has the DROP for the target bridge');
    const counted = filterCounters().get(rule)!;
    const { text, status } = reach(ci, ck);
    assert.equal(status, 1, text);
    assert.doesNotMatch(text, /DISAGREEMENT/, text);
    assert.match(text, /NOT REACHABLE \(observed; explained: unreachable\)/, text);
    assert.match(text, /both of their networks are isolated/, text);
    assert.ok(text.includes(`filter CNI-ISOLATION-STAGE-2    fail -> fail  filter: ${rule}`), text);
    assert.match(text, new RegExp(`\\$ podman network connect ${situation.networks.k} ${ci}`), text);
    assert.ok(filterCounters().get(rule)! > counted, 'the counter of the rule named grew');
    assert.notEqual(pings(ci, ck).status, 0, 'the container\'s own ping fails too');
    // One isolated network alone still routes (the plugin drops only between isolated bridges).
    const mixed = reach(situation.containers.ca, ci);
    assert.doesNotMatch(mixed.text, /DISAGREEMENT/, mixed.text);
    assert.equal(mixed.status, pings(situation.containers.ca, ci).status === 0 ? 0 : 1, mixed.text);
  });

  test('internal network: from it, no route off it (the probe never leaves, no DISAGREEMENT); to it from elsewhere or from the host, nothing is sent (the CNI-FORWARD counter of the source does not move); inside it, reachable', () => {
    const { ca, cn, cm } = situation.containers;
    const out = reach(cn, ca);
    assert.equal(out.status, 1, out.text);
    assert.doesNotMatch(out.text, /DISAGREEMENT/, out.text);
    assert.match(out.text, /is only on the internal network .* which has no gateway: it has no route off that network/, out.text);
    assert.match(out.text, /Network is unreachable/, out.text);
    assert.match(pings(cn, ca).stderr + pings(cn, ca).stdout, /Network is unreachable/);

    const fromA = `-A CNI-FORWARD -s ${podmanAddress(service, ca)}/32 -j ACCEPT`;
    const sentBefore = filterCounters().get(fromA);
    assert.notEqual(sentBefore, undefined, `iptables-save has ${fromA}`);
    const towards = reach(ca, cn);
    assert.equal(towards.status, 1, towards.text);
    assert.doesNotMatch(towards.text, /DISAGREEMENT/, towards.text);
    assert.match(towards.text, /the host has no address on its bridge .* and no route to/, towards.text);
    assert.match(towards.text, /Nothing sent: the host has no route to the target's address/, towards.text);
    assert.match(towards.text, new RegExp(`\\$ podman network connect ${situation.networks.n} ${ca}`), towards.text);
    assert.equal(filterCounters().get(fromA), sentBefore, 'nothing left the source towards the host');
    const fromHost = reach('host', cn);
    assert.equal(fromHost.status, 1, fromHost.text);
    assert.match(fromHost.text, /Nothing sent/, fromHost.text);
    // The host really has no route of its own there: `ip route get` names no bridge of Podman's.
    const route = execFileSync('ip', ['route', 'get', podmanAddress(service, cn)], { encoding: 'utf8' });
    assert.doesNotMatch(route, new RegExp(`dev ${podmanBridge(service, situation.networks.n)}\\b`), route);

    const inside = reach(cn, cm);
    assert.equal(inside.status, 0, inside.text);
    assert.doesNotMatch(inside.text, /DISAGREEMENT/, inside.text);
  });

  test('a hand-made DROP in CNI-ADMIN (the admins\' chain): the DISAGREEMENT comes first and names the rule with its table, the fix deletes it, and iptables-save -c shows its counter grew', () => {
    const { ca, cb } = situation.containers;
    const rule = ['CNI-ADMIN', '-s', `${podmanAddress(service, ca)}/32`, '-d', `${podmanAddress(service, cb)}/32`, '-j', 'DROP'];
    const saved = `-A ${rule.join(' ')}`;
    execFileSync('iptables', ['-I', ...rule]);
    try {
      const { text, status } = reach(ca, cb);
      assert.equal(status, 1, text);
      const first = text.split('\n')[0];
      // Unless iptables-save shows both bridges isolated already (left-over rules on reused names), the engine's facts say reachable.
      if ([situation.networks.a, situation.networks.b].every((network) => isolatedBridges().includes(podmanBridge(service, network)))) {
        assert.match(text, /explained: unreachable/, text);
        return;
      }
      assert.equal(first, `DISAGREEMENT: the engine's facts say reachable, but the observation says unreachable (checks: icmp, filter). Dropped by filter CNI-ADMIN: ${saved}`);
      assert.ok(text.includes(`$ iptables -t filter -D ${rule.join(' ')}`), text);
      assert.ok((filterCounters().get(saved) ?? 0) >= 2, `iptables-save -c counts the probes on ${saved}`);
      const report = reachJson(ca, cb);
      assert.deepEqual(report.disagreement?.droppedBy && { table: report.disagreement.droppedBy.table, chain: report.disagreement.droppedBy.chain, rule: report.disagreement.droppedBy.rule }, { table: 'filter', chain: 'CNI-ADMIN', rule: saved });
    } finally {
      execFileSync('iptables', ['-D', ...rule]);
    }
  });

  test('observed without root through the engine: the report says podman exec, never docker exec', async () => {
    const client = new EngineClient(resolveTarget(service.host), 10_000);
    const session = new EngineSession(client, { debounceMs: 0, watch: false });
    try {
      await session.start();
      if (session.state.kind !== 'connected') {
        // As in reach(): a service held up by other Podman users of this machine answers the second time.
        await session.refresh();
      }
      assert.equal(session.state.kind, 'connected', JSON.stringify(session.state));
      const report = await checkReach(session, { from: situation.containers.cn, to: situation.containers.cm, isRoot: false });
      assert.deepEqual([report.observation.method, report.observation.tools, report.observation.reason], ['dockerExec', ['podman exec'], undefined]);
      const text = reportText(report);
      assert.match(text, /Observed from inside \S+ with podman exec\./, text);
      assert.doesNotMatch(text, /docker exec/, text);
      assert.equal(report.verdict.observed, 'reachable', text);
    } finally {
      session.dispose();
      client.dispose();
    }
  });
});
