import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { buildInventory } from '../../src/model/inventory';
import { childrenOf, containerRoots, copyValuesOf, mayHaveChildren, networkRoots, parentOf, TreeNode } from '../../src/model/treeModel';
import { loadFixture, recordedNames, snapshotOf } from '../support/fixtures';

const fixture = loadFixture();
const inventory = buildInventory(snapshotOf(fixture));
const namesOf = recordedNames(fixture, inventory);
const all = { showStoppedContainers: true };
const label = (node: TreeNode): string => {
  switch (node.kind) {
    case 'network':
      return inventory.networkById.get(node.networkId)!.name;
    case 'endpoint':
    case 'container':
    case 'sharedBy':
      return inventory.containerById.get(node.containerId)!.name;
    case 'membership':
      return inventory.networkById.get(node.networkId)!.name;
    case 'dnsName':
      return node.name;
    case 'link':
      return node.link.alias;
    case 'address':
      return node.value;
    case 'sharedStack':
      return inventory.containerById.get(node.ownerId)!.name;
    case 'composeProject':
      return node.project;
    case 'swarmNode':
    case 'swarmTask':
      return node.id;
    case 'port':
      return `${node.port.hostPort}`;
  }
};
const container = (name: string) => containerRoots(inventory, all).find((n) => label(n) === name)!;

describe('tree model', () => {
  test('Networks tree: dev -> es -> search', () => {
    const dev = networkRoots(inventory).find((n) => label(n) === 'dev')!;
    const endpoints = childrenOf(inventory, dev, all);
    assert.deepEqual(endpoints.map(label), ['c2', 'es']);
    const es = endpoints.find((n) => label(n) === 'es')!;
    assert.deepEqual(childrenOf(inventory, es, all, namesOf).map(label).slice(0, 2), ['search', 'es']);
    assert.equal(parentOf(es)?.id, dev.id);
  });

  test('Containers tree: c2 -> bnet, dev with MAC and gateway', () => {
    const c2 = containerRoots(inventory, all).find((n) => label(n) === 'c2')!;
    const memberships = childrenOf(inventory, c2, all);
    assert.deepEqual(memberships.map(label), ['bnet', 'dev']);
    const details = childrenOf(inventory, memberships[0], all).filter((n) => n.kind === 'address');
    const recorded = fixture.containerDetails[inventory.containers.find((c) => c.name === 'c2')!.id].NetworkSettings!.Networks!.bnet;
    assert.deepEqual(details.map(label), [recorded.MacAddress, recorded.Gateway]);
  });

  test('stopped containers can be hidden', () => {
    const running = containerRoots(inventory, { showStoppedContainers: false }).map(label);
    assert.ok(!running.includes('stopped'));
    assert.ok(containerRoots(inventory, all).map(label).includes('stopped'));
    const named = networkRoots(inventory).find((n) => label(n) === 'named')!;
    assert.equal(mayHaveChildren(inventory, named, { showStoppedContainers: false }), false);
    assert.equal(mayHaveChildren(inventory, named, all), true);
  });

  test('node ids are stable across two builds of the same snapshot', () => {
    const again = buildInventory(snapshotOf(fixture));
    assert.deepEqual(networkRoots(again).map((n) => n.id), networkRoots(inventory).map((n) => n.id));
    const ids = new Set<string>();
    for (const root of [...networkRoots(inventory), ...containerRoots(inventory, all)]) {
      for (const node of [root, ...childrenOf(inventory, root, all)]) {
        assert.ok(!ids.has(node.id), `duplicate id ${node.id}`);
        ids.add(node.id);
      }
    }
  });

  test('sidecar (container: mode) shows the stack it shares', () => {
    const sidecar = containerRoots(inventory, all).find((n) => label(n) === 'sidecar')!;
    const children = childrenOf(inventory, sidecar, all);
    assert.deepEqual(children.map((n) => `${n.kind}:${label(n)}`), ['sharedStack:c1']);
    const borrowed = childrenOf(inventory, children[0], all);
    assert.deepEqual(borrowed.map(label), ['bnet']);
    const c1 = containerRoots(inventory, all).find((n) => label(n) === 'c1')!;
    const own = childrenOf(inventory, c1, all).map((n) => n.id);
    assert.ok(!own.includes(borrowed[0].id), 'the same membership must not have one id in two places');
  });

  test('host and none memberships have nothing below them: no chevron', () => {
    for (const name of ['hostbox', 'isolated']) {
      const [membership] = childrenOf(inventory, container(name), all, namesOf);
      assert.equal(membership.kind, 'membership');
      assert.deepEqual(childrenOf(inventory, membership, all, namesOf), [], name);
      assert.equal(mayHaveChildren(inventory, membership, all, namesOf), false, name);
      // Before any inspection too: no names can exist on host or none.
      assert.equal(mayHaveChildren(inventory, membership, all), false, name);
    }
    // A membership with a MAC and a gateway still expands.
    const [bnet] = childrenOf(inventory, container('c1'), all);
    assert.equal(mayHaveChildren(inventory, bnet, all), true);
  });

  test('predefined networks can be hidden', () => {
    const names = networkRoots(inventory, { showStoppedContainers: true, showPredefinedNetworks: false }).map(label);
    for (const predefined of ['bridge', 'host', 'none']) {
      assert.ok(!names.includes(predefined), predefined);
      assert.ok(networkRoots(inventory, all).map(label).includes(predefined), predefined);
    }
    assert.ok(names.includes('dev'));
  });

  test('the name filter keeps what matches, and the networks and containers around it', () => {
    const filter = { showStoppedContainers: true, nameFilter: 'ES' };
    const networks = networkRoots(inventory, filter);
    // "dev" holds the container "es"; only that endpoint is shown below it.
    const dev = networks.find((n) => label(n) === 'dev')!;
    assert.deepEqual(childrenOf(inventory, dev, filter).map(label), ['es']);
    assert.ok(!networks.map(label).includes('bnet'));
    // A network found by its own name shows all its endpoints.
    const devops = networkRoots(inventory, { showStoppedContainers: true, nameFilter: 'devops' });
    assert.deepEqual(devops.map(label), ['devops']);
    assert.deepEqual(childrenOf(inventory, devops[0], all).map(label), ['AppDev', 'AppProd']);
    // Containers: by their name, or by the name of a network they are on.
    assert.deepEqual(containerRoots(inventory, { showStoppedContainers: true, nameFilter: 'bnet' }).map(label), ['c1', 'c2']);
    assert.deepEqual(containerRoots(inventory, { showStoppedContainers: true, nameFilter: 'zzz' }), []);
  });

  test('without Compose labels, grouping changes nothing', () => {
    const grouped = { showStoppedContainers: true, groupByComposeProject: true };
    assert.deepEqual(networkRoots(inventory, grouped).map((n) => n.id), networkRoots(inventory, all).map((n) => n.id));
    assert.deepEqual(containerRoots(inventory, grouped).map((n) => n.id), containerRoots(inventory, all).map((n) => n.id));
    assert.equal(parentOf(containerRoots(inventory, grouped)[0], inventory, grouped), undefined);
  });

  test('Copy offers the recorded values: addresses with and without prefix, names and ids', () => {
    const c2 = inventory.containers.find((c) => c.name === 'c2')!;
    const recorded = fixture.containers.find((c) => c.Id === c2.id)!.NetworkSettings!.Networks!.dev;
    const dev = childrenOf(inventory, container('c2'), all).find((n) => label(n) === 'dev')!;
    const values = copyValuesOf(inventory, dev);
    assert.equal(values.ipv4, recorded.IPAddress);
    assert.equal(values.ipv4Cidr, `${recorded.IPAddress}/${recorded.IPPrefixLen}`);
    assert.equal(values.mac, recorded.MacAddress);
    assert.equal(values.gateway, recorded.Gateway);
    assert.equal(values.containerName, 'c2');
    assert.equal(values.containerId, c2.id);
    assert.equal(values.networkName, 'dev');
    assert.equal(values.networkId, recorded.NetworkID);
    assert.equal(values.ipv6, undefined);
    // A container on one network: its addresses there; on two: only its name and id.
    assert.equal(copyValuesOf(inventory, container('es')).ipv4Cidr?.split('/')[0], copyValuesOf(inventory, container('es')).ipv4);
    assert.deepEqual(Object.keys(copyValuesOf(inventory, container('c2'))).sort(), ['containerId', 'containerName']);
    const network = networkRoots(inventory).find((n) => label(n) === 'dev')!;
    assert.deepEqual(copyValuesOf(inventory, network), { networkName: 'dev', networkId: recorded.NetworkID });
  });
});
