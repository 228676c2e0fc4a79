/**
 * The connectivity doctor on Podman, on the fixture recorded from a real Podman 4.3 with the CNI
 * backend (scripts/recordPodmanReachFixtures.ts): Podman routes between its networks; networks made
 * with isolate=true (or through the Docker-compatible API) are cut off from each other only, which
 * the packet filter shows (CNI-ISOLATION-STAGE-1) even when Podman's API has dropped the option;
 * internal networks have no gateway; a hand-made CNI-ADMIN DROP is named with its table.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { reportText } from '../../src/cli/reach';
import { NOTES, RULES } from '../../src/messages/reachMessages';
import { englishTranslator } from '../../src/messages/translator';
import type { PodmanNetworkJson } from '../../src/model/dockerTypes';
import { buildInventory, Inventory } from '../../src/model/inventory';
import { concludeReach } from '../../src/model/reachability/conclude';
import { explainReach, Explanation } from '../../src/model/reachability/explain';
import { deleteCommand, droppedBetween, parseIptablesSave, podmanIsolatedBridges } from '../../src/model/reachability/packetFilter';
import { reachPath } from '../../src/model/reachability/path';
import type { PodmanFacts } from '../../src/model/reachability/podmanRules';
import { findContainer } from '../../src/model/reachability/sides';
import type { ReachSide } from '../../src/model/reachability/types';
import { loadFixture, RecordedFixture } from '../support/fixtures';
import type { PodmanReachSituation } from '../support/podmanReachSituations';

interface Counters {
  from: string;
  to: string;
  before: string;
  after: string;
}

interface PodmanReachFixture extends RecordedFixture {
  situation: PodmanReachSituation;
  podmanNetworksAfterCompat: PodmanNetworkJson[];
  networkInterfaces: Record<string, string>;
  networkOptions: Record<string, Record<string, string>>;
  isolationCounters: Counters;
  adminCounters: Counters & { rule: string[] };
}

const fixture = loadFixture('podman-4.3', 'reachability.json') as PodmanReachFixture;
const { networks: net, containers: ctr } = fixture.situation;
const inventoryOf = (podmanNetworks: PodmanNetworkJson[]) => buildInventory({ networks: fixture.networks, containers: fixture.containers, podmanNetworks });
const inventory = inventoryOf(fixture.podmanNetworks!);
/** The packet filter as the doctor reads it before explaining (root, local engine). */
const filterFacts: PodmanFacts = { isolatedBridges: podmanIsolatedBridges(parseIptablesSave(fixture.isolationCounters.before)) };

function side(inv: Inventory, ref: string): ReachSide {
  if (ref === 'host') {
    return { kind: 'host' };
  }
  const container = findContainer(inv, ref);
  assert.ok(container, `${ref} is in the fixture`);
  return { kind: 'container', id: container.id, name: container.name };
}

function explain(from: string, to: string, options: { podman?: PodmanFacts; inv?: Inventory; name?: string } = {}): Explanation {
  const inv = options.inv ?? inventory;
  return explainReach({
    inventory: inv,
    inspectionOf: (id) => fixture.containerDetails[id],
    question: { from: side(inv, from), to: side(inv, to), name: options.name },
    cli: 'podman',
    podman: options.podman ?? filterFacts,
  });
}

const addressOf = (container: string) => Object.values(fixture.containers.find((c) => c.Names?.[0] === `/${container}`)!.NetworkSettings!.Networks!)[0].IPAddress!;
const english = (explanation: Explanation) => [...explanation.blockers.map((b) => RULES[b.rule](b.params, englishTranslator)), ...explanation.notes.map((n) => NOTES[n.code](n.params, englishTranslator))].join('\n');

describe('the doctor on Podman 4.3 (recorded): between networks', () => {
  test('two networks made with podman network create: routed through the host, reached at B\'s own address, masqueraded from B\'s gateway', () => {
    const explanation = explain(ctr.ca, ctr.cb);
    assert.equal(explanation.verdict, 'reachable', english(explanation));
    assert.deepEqual(explanation.blockers, []);
    assert.deepEqual(explanation.sharedNetworks, []);
    assert.deepEqual(explanation.targets.map((t) => [t.address, t.expected]), [[addressOf(ctr.cb), 'pass']]);
    const gateway = fixture.podmanNetworks!.find((n) => n.name === net.b)!.subnets![0].gateway!;
    assert.deepEqual(explanation.notes.map((n) => n.code), ['routedBetweenNetworks', 'masqueradedFromGateway']);
    assert.equal(explanation.notes[1].params.gateway, gateway);
    // The path leaves by A's bridge and reaches B's, through the host, as `podman network inspect` names them.
    const path = reachPath({ inventory, explanation, final: 'reachable' });
    assert.deepEqual(path.hops.filter((hop) => hop.kind === 'bridge').map((hop) => hop.name), [fixture.networkInterfaces[net.a], fixture.networkInterfaces[net.b]]);
  });

  test('the packet filter lists the isolated bridges: the isolate=true network and the one made through the compatible API, as podman network inspect says', () => {
    const isolated = Object.entries(fixture.networkOptions).filter(([, options]) => options.isolate === 'true').map(([name]) => fixture.networkInterfaces[name]);
    assert.deepEqual(isolated.sort(), [fixture.networkInterfaces[net.i], fixture.networkInterfaces[net.k]].sort());
    for (const bridge of isolated) {
      assert.ok(filterFacts.isolatedBridges!.includes(bridge), `${bridge} in ${filterFacts.isolatedBridges!.join(', ')}`);
    }
    for (const name of [net.a, net.b, net.n]) {
      assert.ok(!filterFacts.isolatedBridges!.includes(fixture.networkInterfaces[name]), `${name} is not isolated`);
    }
  });

  test('both networks isolated: unreachable (isolatedNetworks), the fix a podman network connect; one isolated network alone still routes', () => {
    const explanation = explain(ctr.ci, ctr.ck);
    assert.equal(explanation.verdict, 'unreachable');
    assert.equal(explanation.blockers[0]?.rule, 'isolatedNetworks');
    assert.deepEqual(explanation.blockers[0].fix?.command, ['podman', 'network', 'connect', net.k, ctr.ci]);
    assert.match(english(explanation), new RegExp(`CNI-ISOLATION-STAGE-2, from ${fixture.networkInterfaces[net.i]} to ${fixture.networkInterfaces[net.k]}`));
    assert.equal(explain(ctr.ca, ctr.ci).verdict, 'reachable');
    assert.equal(explain(ctr.ck, ctr.cb).verdict, 'reachable');
  });

  test("Podman's API drops isolate after a compatible call (recorded): the packet filter still says isolated; without it the report says where the fact came from", () => {
    const erased = inventoryOf(fixture.podmanNetworksAfterCompat);
    assert.ok(!fixture.podmanNetworksAfterCompat.some((n) => n.options?.isolate), 'recorded with the option gone');
    assert.equal(explain(ctr.ci, ctr.ck, { inv: erased }).blockers[0]?.rule, 'isolatedNetworks');
    // From the API alone (no root): as recorded before the compatible call it knows; after it, it cannot, and says so.
    assert.equal(explain(ctr.ci, ctr.ck, { podman: {} }).blockers[0]?.rule, 'isolatedNetworks');
    const apiOnly = explain(ctr.ci, ctr.ck, { inv: erased, podman: {} });
    assert.equal(apiOnly.verdict, 'reachable');
    assert.ok(apiOnly.notes.some((n) => n.code === 'isolationFromApi'), JSON.stringify(apiOnly.notes));
  });
});

describe('the doctor on Podman 4.3 (recorded): internal networks', () => {
  test('from an internal network: no route off it (internalNoRoute), the path stops at A', () => {
    const explanation = explain(ctr.cn, ctr.ca);
    assert.equal(explanation.verdict, 'unreachable');
    assert.equal(explanation.blockers[0]?.rule, 'internalNoRoute');
    const path = reachPath({ inventory, explanation, final: 'unreachable' });
    assert.equal(path.dropAt, 1);
  });

  test('to an internal network from elsewhere, or from the host: the host has no route there; the target is withheld, never sent', () => {
    assert.ok(fixture.podmanNetworks!.find((n) => n.name === net.n)!.subnets!.every((s) => !s.gateway), 'recorded without a gateway');
    for (const from of [ctr.ca, 'host']) {
      const explanation = explain(from, ctr.cn);
      assert.equal(explanation.verdict, 'unreachable', from);
      assert.equal(explanation.blockers[0]?.rule, 'internalNoHostRoute', from);
      assert.deepEqual(explanation.targets.map((t) => [t.address, t.withheld]), [[addressOf(ctr.cn), true]], from);
    }
    // Sent nothing: the observation says so, and the filter check is skipped, not passed.
    const explanation = explain(ctr.ca, ctr.cn);
    const report = concludeReach(explanation, { observation: { method: 'nsenter', reason: 'targetOffHost' }, probes: [], drops: [] }, (final) => reachPath({ inventory, explanation, final }));
    assert.equal(report.checks.find((c) => c.kind === 'filter')?.observed, 'skipped');
    assert.equal(report.disagreement, undefined);
    assert.match(reportText(report), /Nothing sent: the host has no route to the target's address/);
  });

  test('two containers on the same internal network reach each other', () => {
    const explanation = explain(ctr.cn, ctr.cm);
    assert.equal(explanation.verdict, 'reachable');
    assert.ok(!explanation.targets.some((t) => t.withheld));
  });
});

describe('the doctor on Podman 4.3 (recorded): the packet filter', () => {
  test('between two isolated networks the rule whose counter grew is CNI-ISOLATION-STAGE-2 -o <B\'s bridge>, in table filter', () => {
    const explanation = explain(ctr.ci, ctr.ck);
    const drops = droppedBetween(parseIptablesSave(fixture.isolationCounters.before), parseIptablesSave(fixture.isolationCounters.after), explanation.bridges);
    assert.equal(drops[0]?.table, 'filter');
    assert.equal(drops[0]?.chain, 'CNI-ISOLATION-STAGE-2');
    assert.match(drops[0].rule, new RegExp(`^-A CNI-ISOLATION-STAGE-2 -o ${fixture.networkInterfaces[net.k]} `));
    const report = concludeReach(explanation, { observation: { method: 'nsenter' }, probes: [{ kind: 'icmp', address: addressOf(ctr.ck), outcome: 'fail' }], drops }, (final, drop) =>
      reachPath({ inventory, explanation, final, drop }),
    );
    assert.equal(report.disagreement, undefined);
    assert.deepEqual(report.checks.find((c) => c.kind === 'filter'), { kind: 'filter', target: 'CNI-ISOLATION-STAGE-2', expected: 'fail', observed: 'fail', detail: `filter: ${drops[0].rule}` });
  });

  test('a hand-made DROP in CNI-ADMIN: the disagreement comes first and names it with its table; the fix deletes exactly it', () => {
    const explanation = explain(ctr.ca, ctr.cb);
    const drops = droppedBetween(parseIptablesSave(fixture.adminCounters.before), parseIptablesSave(fixture.adminCounters.after), explanation.bridges);
    assert.equal(drops.length, 1, JSON.stringify(drops));
    assert.equal(drops[0].chain, 'CNI-ADMIN');
    assert.deepEqual(deleteCommand(drops[0]), ['iptables', '-t', 'filter', '-D', ...fixture.adminCounters.rule]);
    const report = concludeReach(explanation, { observation: { method: 'nsenter' }, probes: [{ kind: 'icmp', address: addressOf(ctr.cb), outcome: 'fail' }], drops }, (final, drop) =>
      reachPath({ inventory, explanation, final, drop }),
    );
    const text = reportText(report);
    assert.match(text.split('\n')[0], /^DISAGREEMENT: the engine's facts say reachable, but the observation says unreachable .*Dropped by filter CNI-ADMIN: -A CNI-ADMIN -s /, text);
    assert.match(text, /\$ iptables -t filter -D CNI-ADMIN -s /, text);
    assert.equal(report.path.hops[report.path.dropAt!].rule?.chain, 'CNI-ADMIN');
  });
});
