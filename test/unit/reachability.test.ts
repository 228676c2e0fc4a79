/**
 * The connectivity doctor's explanation on the fixture recorded from the real engine
 * (scripts/recordReachFixtures.ts): one situation per rule, the verdict and the rule named; the
 * packet-filter counters recorded around a ping that a hand-made DOCKER-USER DROP stopped; the
 * report's disagreement and the CLI's text and grammar.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { parseCommandLine, UsageError } from '../../src/cli/arguments';
import { reportText } from '../../src/cli/reach';
import { FIXES, NOTES, RULES } from '../../src/messages/reachMessages';
import { hostsLookup, nslookupAddresses } from '../../src/engine/reachability/observe';
import { buildInventory } from '../../src/model/inventory';
import { concludeReach } from '../../src/model/reachability/conclude';
import { explainReach, Explanation } from '../../src/model/reachability/explain';
import { deleteCommand, droppedBetween, parseIptablesSave } from '../../src/model/reachability/packetFilter';
import { reachPath } from '../../src/model/reachability/path';
import { findContainer } from '../../src/model/reachability/sides';
import type { ReachSide } from '../../src/model/reachability/types';
import { loadFixture, RecordedFixture, snapshotOf } from '../support/fixtures';
import { REACH_CASES } from '../support/reachSituations';

interface ReachFixture extends RecordedFixture {
  hostAddresses: Record<string, string[]>;
  filterCounters: { rule: string[]; before: string; after: string };
}

const fixture = loadFixture('engine-1.41', 'reachability.json') as ReachFixture;
const inventory = buildInventory(snapshotOf(fixture));

function side(ref: string): ReachSide {
  if (ref === 'host') {
    return { kind: 'host' };
  }
  const container = findContainer(inventory, ref);
  assert.ok(container, `${ref} is in the fixture`);
  return { kind: 'container', id: container.id, name: container.name };
}

function explain(from: string, to: string, name?: string, port?: number): Explanation {
  return explainReach({
    inventory,
    inspectionOf: (id) => fixture.containerDetails[id],
    question: { from: side(from), to: side(to), name, port },
    hostAddresses: fixture.hostAddresses,
  });
}

describe('reachability: the explanation on recorded situations', () => {
  for (const situation of REACH_CASES) {
    const question = `${situation.from} -> ${situation.to}${situation.name ? ` by "${situation.name}"` : ''}${situation.port ? ` :${situation.port}` : ''}`;
    test(`${situation.title}: ${question} is ${situation.explained}${situation.rule ? ` (${situation.rule})` : ''}`, () => {
      const explanation = explain(situation.from, situation.to, situation.name, situation.port);
      assert.equal(explanation.verdict, situation.explained, JSON.stringify(explanation.blockers));
      if (situation.rule) {
        assert.equal(explanation.blockers[0]?.rule, situation.rule, JSON.stringify(explanation.blockers));
      } else {
        assert.deepEqual(explanation.blockers, []);
      }
      for (const rule of situation.alsoRules ?? []) {
        assert.ok(explanation.blockers.some((blocker) => blocker.rule === rule), `${rule} in ${JSON.stringify(explanation.blockers)}`);
      }
    });
  }

  test('the names A can use for B: container name, alias and short id on a user-defined network; --link names on the default bridge', () => {
    const byAlias = explain('rch-a', 'rch-b', 'rch-bee');
    const shared = byAlias.sharedNetworks.find((network) => network.networkName === 'rch-user');
    assert.ok(shared?.fromAddress && shared.toAddress && shared.bridge?.startsWith('br-'));
    assert.deepEqual(shared.names.map((name) => name.source).slice(0, 2), ['containerName', 'alias']);
    assert.deepEqual(shared.names.slice(0, 2).map((name) => name.name), ['rch-b', 'rch-bee']);
    assert.ok(!byAlias.sharedNetworks.some((network) => network.networkName === 'rch-other'), 'rch-a is not on rch-other');
    const linked = explain('rch-l2', 'rch-l1', 'rch-db').sharedNetworks[0];
    assert.equal(linked.networkName, 'bridge');
    assert.deepEqual(linked.names.map((name) => name.name).slice(0, 2), ['rch-db', 'rch-l1']);
    assert.ok(linked.names.every((name) => name.source === 'link'));
    assert.deepEqual(explain('rch-l3', 'rch-l1').sharedNetworks[0].names, [], 'no names on the default bridge without --link');
  });

  test('each fix carries what to run or change', () => {
    const isolated = explain('rch-a', 'rch-c').blockers[0];
    assert.deepEqual(isolated.fix?.command, ['docker', 'network', 'connect', 'rch-other', 'rch-a']);
    assert.equal(explain('rch-a', 'rch-b', 'rch-oth').blockers[0].fix?.params.network, 'rch-other');
    assert.deepEqual(explain('rch-a', 'rch-stop', 'rch-stop').blockers[0].fix?.command, ['docker', 'start', 'rch-stop']);
    assert.equal(explain('rch-x1', 'rch-x2').blockers[0].params.option, 'com.docker.network.bridge.enable_icc=false');
    assert.equal(explain('rch-m', 'host').blockers[0].params.parent, 'rchp0');
    assert.equal(explain('rch-b', 'rch-side', 'rch-side').blockers[0].fix?.params.owner, 'rch-a');
  });

  test('host -> container: the bridge gateway is the host side; the published port is noted', () => {
    const published = explain('host', 'rch-p', undefined, 8080);
    assert.equal(published.sharedNetworks[0].fromAddress, inventory.networks.find((network) => network.name === 'rch-user')?.subnets[0].gateway);
    const note = published.notes.find((candidate) => candidate.code === 'publishedPort');
    assert.equal(note?.params.containerPort, '8080/tcp');
    assert.equal(note?.params.hostIp, '127.0.0.1');
    assert.ok(explain('host', 'rch-p', undefined, 9999).notes.some((candidate) => candidate.code === 'portNotPublished'));
    assert.ok(explain('rch-a', 'rch-h').notes.some((candidate) => candidate.code === 'targetIsHostViaGateway'));
  });

  test('the path carries the topology namespaces and bridge names, and stops where the rule stops it', () => {
    const ok = explain('rch-a', 'rch-b');
    const path = reachPath({ inventory, explanation: ok, final: 'reachable' });
    assert.deepEqual(path.hops.map((hop) => hop.kind), ['interface', 'veth', 'bridge', 'veth', 'interface']);
    assert.equal(path.hops[0].namespace, `ns:ctr:${side('rch-a').kind === 'container' ? (side('rch-a') as { id: string }).id : ''}`);
    assert.match(path.hops[2].name ?? '', /^br-[0-9a-f]{12}$/);
    const icc = reachPath({ inventory, explanation: explain('rch-x1', 'rch-x2'), final: 'unreachable' });
    assert.deepEqual(icc.hops.map((hop) => hop.kind), ['interface', 'veth', 'bridge', 'drop']);
    assert.equal(icc.hops[icc.dropAt!].blocker, 'iccDisabled');
    const isolated = reachPath({ inventory, explanation: explain('rch-a', 'rch-c'), final: 'unreachable' });
    assert.deepEqual(isolated.hops.map((hop) => hop.kind), ['interface', 'veth', 'bridge', 'host', 'drop']);
  });
});

describe('reachability: the packet filter and the disagreement', () => {
  const before = parseIptablesSave(fixture.filterCounters.before);
  const after = parseIptablesSave(fixture.filterCounters.after);
  const drops = droppedBetween(before, after, []);

  test('the hand-made DOCKER-USER DROP is the rule whose counter grew during the ping', () => {
    assert.equal(drops.length, 1);
    assert.equal(drops[0].chain, 'DOCKER-USER');
    assert.equal(drops[0].packets, 2);
    assert.deepEqual(deleteCommand(drops[0]), ['iptables', '-t', 'filter', '-D', ...fixture.filterCounters.rule]);
    assert.ok(before.some((rule) => rule.rule === ':FORWARD DROP'), 'chain policies are read');
  });

  test('an IPv6 (ip6tables) or legacy-backend dump keeps its family and backend: counters are compared within it, the fix deletes there', () => {
    const v6 = droppedBetween(parseIptablesSave(fixture.filterCounters.before, { family: 'ipv6' }), parseIptablesSave(fixture.filterCounters.after, { family: 'ipv6' }), []);
    assert.equal(v6.length, 1);
    assert.equal(v6[0].family, 'ipv6');
    assert.deepEqual(deleteCommand(v6[0]), ['ip6tables', '-t', 'filter', '-D', ...fixture.filterCounters.rule]);
    const legacy = droppedBetween(parseIptablesSave(fixture.filterCounters.before, { legacy: true }), parseIptablesSave(fixture.filterCounters.after, { legacy: true }), []);
    assert.deepEqual(deleteCommand(legacy[0]), ['iptables-legacy', '-t', 'filter', '-D', ...fixture.filterCounters.rule]);
    // The same rule in both families: the IPv4 counter did not grow, the IPv6 one did (each read twice).
    const both = droppedBetween(
      [...parseIptablesSave(fixture.filterCounters.before), ...parseIptablesSave(fixture.filterCounters.before, { family: 'ipv6' })],
      [...parseIptablesSave(fixture.filterCounters.before), ...parseIptablesSave(fixture.filterCounters.after, { family: 'ipv6' })],
      [],
    );
    assert.deepEqual(both.map((rule) => [rule.family, rule.chain]), [['ipv6', 'DOCKER-USER']]);
  });

  test('explained reachable, observed unreachable: the report says so and names the rule', () => {
    const explanation = explain('rch-a', 'rch-b');
    const target = explanation.targets[0].address;
    const report = concludeReach(
      explanation,
      { observation: { method: 'nsenter', tools: ['nsenter', '/bin/busybox'] }, probes: [{ kind: 'icmp', address: target, outcome: 'fail' }], drops },
      (final, drop) => reachPath({ inventory, explanation, final, drop }),
    );
    assert.deepEqual(report.verdict, { explained: 'reachable', observed: 'unreachable', final: 'unreachable' });
    assert.deepEqual(report.disagreement?.checks, ['icmp', 'filter']);
    assert.equal(report.disagreement?.droppedBy?.chain, 'DOCKER-USER');
    assert.equal(report.blockers[0].rule, 'filterDrop');
    assert.equal(report.blockers[0].source, 'observed');
    assert.equal(report.path.hops[report.path.dropAt!].rule?.chain, 'DOCKER-USER');
    const text = reportText(report);
    assert.match(text.split('\n')[0], /^DISAGREEMENT: the engine's facts say reachable, but the observation says unreachable.*DOCKER-USER/);
    assert.match(text, /\$ iptables -t filter -D DOCKER-USER -s /);
  });

  test('a refused port: observed unreachable with portClosed, no disagreement about the network', () => {
    const explanation = explain('rch-a', 'rch-p', undefined, 8081);
    const address = explanation.targets[0].address;
    const report = concludeReach(explanation, { observation: { method: 'nsenter' }, probes: [{ kind: 'tcp', address, port: 8081, outcome: 'refused' }], drops: [] }, (final) =>
      reachPath({ inventory, explanation, final }),
    );
    assert.equal(report.verdict.final, 'unreachable');
    assert.equal(report.disagreement, undefined);
    assert.equal(report.blockers.at(-1)?.rule, 'portClosed');
  });
});

describe('reachability: readers and the command line', () => {
  test('hosts files and busybox nslookup output', () => {
    assert.deepEqual(hostsLookup('127.0.0.1\tlocalhost\n172.17.0.2\trch-db 1a2b3c rch-l1\n', 'rch-db'), ['172.17.0.2']);
    assert.deepEqual(hostsLookup('172.17.0.2\trch-db\n', 'rch'), []);
    const output = 'Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nNon-authoritative answer:\nName:\tbee\nAddress: 172.19.0.3\n';
    assert.deepEqual(nslookupAddresses(output), ['172.19.0.3']);
  });

  test('reach A B takes --port, --name, --no-verify, --format', () => {
    assert.deepEqual(parseCommandLine(['reach', 'c1', 'c2', '--port=80', '--name', 'web', '--no-verify', '--format', 'json']), {
      command: 'reach', from: 'c1', to: 'c2', port: 80, name: 'web', verify: false, format: 'json', host: undefined, context: undefined,
    });
    assert.equal((parseCommandLine(['reach', 'host', 'c2']) as { verify: boolean }).verify, true);
    for (const [argv, expected] of [
      [['reach', 'c1'], /needs two containers/],
      [['reach', 'c1', 'c2', 'c3'], /unexpected argument "c3"/],
      [['reach', 'c1', 'c2', '--port', '0'], /--port takes a TCP port/],
      [['reach', 'c1', 'c2', '--port', '80x'], /--port takes a TCP port/],
      [['reach', 'c1', 'c2', '--format', 'mermaid'], /--format takes text or json/],
      [['reach', 'c1', 'c2', '--name', 'a b'], /--name takes/],
    ] as [string[], RegExp][]) {
      assert.throws(() => parseCommandLine(argv), (error: unknown) => error instanceof UsageError && expected.test(error.message), argv.join(' '));
    }
  });

  test('every code has an English sentence with only known placeholders filled', () => {
    // The templates themselves: a translator that neither translates nor fills.
    const template = { t: (message: string) => message };
    for (const table of [RULES, FIXES, NOTES]) {
      for (const [code, sentence] of Object.entries(table)) {
        assert.ok(sentence({}, template).length > 10, code);
      }
    }
    for (const situation of REACH_CASES) {
      for (const blocker of explain(situation.from, situation.to, situation.name, situation.port).blockers) {
        for (const placeholder of RULES[blocker.rule]({}, template).match(/\{\w+\}/g) ?? []) {
          assert.ok(placeholder.slice(1, -1) in blocker.params, `${blocker.rule} has ${placeholder}`);
        }
        for (const placeholder of blocker.fix ? FIXES[blocker.fix.code]({}, template).match(/\{\w+\}/g) ?? [] : []) {
          assert.ok(placeholder.slice(1, -1) in blocker.fix!.params, `${blocker.fix!.code} has ${placeholder}`);
        }
      }
    }
  });
});
