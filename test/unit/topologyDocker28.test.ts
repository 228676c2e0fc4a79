/**
 * The seed labs recorded from Docker 28.5 (API 1.51) by scripts/recordTopologyFixtures.ts, run where
 * Docker 28 is the local engine (scripts/engine28.sh run). Docker 28 creates a container's interface
 * inside its namespace: every container's eth0 is ifindex 2 there, so a host veth's iflink ("2")
 * no longer says which container it leads to. Without root the model pairs them with the bridge's
 * forwarding database and the endpoint's network; the root level (netns, link-netnsid) is the truth.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { buildTopology } from '../../src/model/topology/build';
import type { HostFacts } from '../../src/model/topology/facts';
import type { TopoInterface, TopoNamespace, Topology } from '../../src/model/topology/types';
import { fixtureInput, loadTopologyFixture } from './topologySupport';

const fixture = loadTopologyFixture('1.51');
const P = fixture.recordedWith.prefix;
const netns = buildTopology(fixtureInput(fixture, 'netns'));
const sysfs = buildTopology(fixtureInput(fixture, 'sysfs'));

/** veth pairs between the host and a container namespace, as "a <-> b". */
const hostContainerPairs = (topology: Topology) =>
  topology.edges
    .filter((edge) => edge.kind === 'veth')
    .map((edge) => [edge.from, edge.to].sort().join(' <-> '))
    .filter((pair) => pair.includes('ns:host/') && pair.includes('ns:ctr:'))
    .sort();

const nsOf = (topology: Topology, containerName: string): TopoNamespace =>
  topology.namespaces.find((candidate) => candidate.containers.some((container) => container.name === `${P}${containerName}`))!;
const describeInterface = (i: TopoInterface) => `${i.name} ${[...i.addresses].sort().join(',')} ${i.managed ? i.mac : ''} managed=${i.managed}`;

describe('Docker 28.5 (API 1.51): the seed labs without root', () => {
  test('the recording is Docker 28 and its container ends repeat interface indexes', () => {
    assert.match(fixture.recordedWith.engine, /^28\./);
    const hostLinks = fixture.facts.sysfs.namespaces.find((ns) => ns.kind === 'host')!.links;
    const iflinks = hostLinks.filter((link) => link.kind === 'veth' && link.master).map((link) => link.linkIndex);
    assert.ok(iflinks.filter((index) => index === 2).length >= 3, `host veths pointing at ifindex 2: ${JSON.stringify(iflinks)}`);
  });

  test('each host veth is paired with the container end the root level pairs it with', () => {
    const atRoot = hostContainerPairs(netns);
    assert.ok(atRoot.length >= 7, `${atRoot.length} pairs at the root level`);
    assert.deepEqual(hostContainerPairs(sysfs), atRoot);
  });

  test("AppDev's interfaces keep their own addresses and MACs (the hand-made link's address is not on eth0)", () => {
    for (const name of ['AppDev', 'AppProd']) {
      assert.deepEqual(nsOf(sysfs, name).interfaces.map(describeInterface).sort(), nsOf(netns, name).interfaces.map(describeInterface).sort(), name);
    }
  });

  test('without the forwarding database (entries aged out), no end is paired with another container', () => {
    const facts: HostFacts = structuredClone(fixture.facts.sysfs);
    for (const link of facts.namespaces.find((ns) => ns.kind === 'host')!.links) {
      delete link.learnedMacs;
    }
    const aged = buildTopology({ ...fixtureInput(fixture, 'sysfs'), facts });
    const atRoot = new Set(hostContainerPairs(netns));
    // Observed ends have interface ids (`/if:<name>`); an end left unpaired is drawn from the API
    // (an inferred veth, `ns:host/veth:<network>:<container>`, dashed).
    const observed = hostContainerPairs(aged).filter((pair) => !pair.includes('ns:host/veth:'));
    assert.deepEqual(observed.filter((pair) => !atRoot.has(pair)), [], 'paired with the wrong container');
    // Networks with a single container on them are still paired by their network alone.
    assert.ok(observed.length >= 3, `${observed.length} pairs observed`);
    assert.ok(hostContainerPairs(aged).length > observed.length, 'the ambiguous ones are drawn from the API');
  });
});
