import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { buildInventory } from '../../src/model/inventory';
import { childrenOf, containerRoots, mayHaveChildren, networkRoots, parentOf, TreeNode } from '../../src/model/treeModel';
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
  }
};

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
});
