import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { classifyOperationError } from '../../src/model/engineErrors';
import { buildInventory } from '../../src/model/inventory';
import { connectableContainers, connectableNetworks, disconnectTargets, matchesLabelFilter, prunePreview, removalPlans } from '../../src/model/networkActions';
import { loadFixture, snapshotOf } from '../support/fixtures';

const fixture = loadFixture();
const inventory = buildInventory(snapshotOf(fixture));
const net = (name: string) => inventory.networks.find((network) => network.name === name)!;
const container = (name: string) => inventory.containers.find((c) => c.name === name)!;

describe('network action planning (recorded seed labs)', () => {
  test('connect candidates: networks a container is not on, never host/none', () => {
    const names = connectableNetworks(inventory, container('AppDev')).map((n) => n.name).sort();
    assert.deepEqual(names, ['bnet', 'bridge', 'dev', 'named', 'prod', 'secure']);
    assert.deepEqual(connectableNetworks(inventory, container('hostbox')), []);
    assert.deepEqual(connectableNetworks(inventory, container('sidecar')), []);
    const onDev = connectableContainers(inventory, net('dev')).map((c) => c.name);
    assert.ok(!onDev.includes('es') && !onDev.includes('c2') && !onDev.includes('hostbox') && !onDev.includes('isolated'));
    assert.ok(onDev.includes('AppDev'));
  });
  test('disconnecting every network of a container leaves loopback only', () => {
    const appProd = container('AppProd');
    const one = disconnectTargets(inventory, [{ containerId: appProd.id, networkId: net('prod').id }]);
    assert.equal(one[0].leavesLoopbackOnly, false);
    const both = disconnectTargets(inventory, appProd.memberships.map((m) => ({ containerId: appProd.id, networkId: m.networkId })));
    assert.deepEqual(both.map((t) => t.leavesLoopbackOnly), [true, true]);
    const stopped = disconnectTargets(inventory, [{ containerId: container('stopped').id, networkId: net('named').id }]);
    assert.equal(stopped[0].stopped, true);
  });
  test('removal: predefined networks are blocked, endpoints listed', () => {
    const plans = removalPlans(inventory, [net('bridge').id, net('devops').id]);
    assert.equal(plans[0].blocked, 'predefined');
    assert.deepEqual(plans[1].endpoints.map((e) => e.containerName).sort(), ['AppDev', 'AppProd']);
  });
  test('prune preview: user networks without a running container, with label filter', () => {
    // Only `named` (its one container is stopped) is unused in the recorded labs.
    assert.deepEqual(prunePreview(inventory).map((c) => c.network.name), ['named']);
    assert.deepEqual(prunePreview(inventory)[0].stoppedContainers, ['stopped']);
    assert.deepEqual(prunePreview(inventory, ['env=prod']), []);
    assert.deepEqual(prunePreview(inventory, ['dne.fixture']).map((c) => c.network.name), ['named']);
    assert.equal(matchesLabelFilter({ env: 'prod' }, ['env=prod', 'env']), true);
    assert.equal(matchesLabelFilter({ env: 'prod' }, ['env=dev']), false);
  });
});

describe('engine operation errors (messages recorded from dockerd 20.10, API 1.41)', () => {
  const dockerode = (status: number, message: string) => Object.assign(new Error(`(HTTP code ${status}) unexpected - ${message} `), { statusCode: status, json: { message } });
  const cases: [number, string, string, Record<string, string>?][] = [
    [409, 'network with name mon-bridge already exists', 'nameTaken', { name: 'mon-bridge' }],
    [403, 'Pool overlaps with other one on this address space', 'poolOverlaps'],
    [403, 'only one instance of "host" network is allowed', 'onlyOneInstance', { driver: 'host' }],
    [400, 'container cannot be disconnected from host network or connected to host network', 'hostNetworkConnection'],
    [400, 'container sharing network namespace with another container or host cannot be connected to any other network', 'sharedNamespace'],
    [400, 'container cannot be connected to multiple networks with one of the networks in private (none) mode', 'noneNetworkExclusive'],
    [400, 'network-scoped alias is supported only for containers in user defined networks', 'aliasNeedsUserNetwork'],
    [400, 'user specified IP address is supported on user defined networks only', 'staticIpNeedsUserNetwork'],
    [400, 'user specified IP address is supported only when connecting to networks with user configured subnets', 'staticIpNeedsSubnet'],
    [403, 'Address already in use', 'addressInUse'],
    [500, 'failed to allocate gateway (10.89.0.0): Address already in use', 'addressInUse', { address: '10.89.0.0' }],
    [500, 'failed to allocate gateway (10.79.0.1): Requested address is out of range', 'addressOutOfRange', { address: '10.79.0.1' }],
    [500, "Invalid address 10.99.0.5: It does not belong to any of this network's subnets", 'addressOutOfRange', { address: '10.99.0.5' }],
    [500, 'Invalid subnet 10.78.0.0/33 : invalid CIDR address: 10.78.0.0/33', 'invalidSubnet', { subnet: '10.78.0.0/33' }],
    [403, 'endpoint with name c1 already exists in network mon-bridge', 'endpointExists', { container: 'c1', network: 'mon-bridge' }],
    [500, 'container 3a87 is not connected to the network probe-a', 'notConnected', { container: '3a87', network: 'probe-a' }],
    [500, 'container 36d1 is not connected to network probe-nosub', 'notConnected', { container: '36d1', network: 'probe-nosub' }],
    [403, 'error while removing network: network mon-bridge id 41a5 has active endpoints', 'hasActiveEndpoints', { network: 'mon-bridge' }],
    [403, 'bridge is a pre-defined network and cannot be removed', 'predefinedNetwork', { network: 'bridge' }],
    [404, 'network nosuchnet not found', 'networkNotFound', { network: 'nosuchnet' }],
    [404, 'No such container: nosuchcontainer', 'containerNotFound', { container: 'nosuchcontainer' }],
    [500, 'Container 7394f086 is not running', 'containerNotRunning', { container: '7394f086' }],
    [500, 'cannot join network of a non running container: 7394f086', 'containerNotRunning', { container: '7394f086' }],
    [404, 'plugin "nosuchdriver" not found', 'driverNotFound', { driver: 'nosuchdriver' }],
    [500, 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.', 'swarmRequired'],
    [500, 'network dm-72627474b647 is already using parent interface dne-probe0', 'parentInUse', { network: 'dm-72627474b647', parent: 'dne-probe0' }],
    [500, 'invalid subinterface vlan name nosuchif0, example formatting is eth0.10', 'parentInvalid', { parent: 'nosuchif0' }],
    [500, "requested macvlan mode 'weird' is not valid, 'bridge' mode is the macvlan driver default", 'invalidDriverMode', { driver: 'macvlan', mode: 'weird' }],
    [500, 'failed to parse com.docker.network.driver.mtu value: abc (strconv.Atoi: parsing "abc": invalid syntax)', 'invalidOption', { option: 'com.docker.network.driver.mtu', value: 'abc' }],
    [404, 'could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network', 'noIpv6Pool'],
    [500, 'operation not supported', 'notSupported'],
    [500, 'something new', 'unknown'],
  ];
  for (const [status, message, kind, params] of cases) {
    test(`${kind}: ${message.slice(0, 60)}`, () => {
      const classified = classifyOperationError(dockerode(status, message));
      assert.equal(classified.kind, kind);
      assert.equal(classified.engineMessage, message);
      if (params) {
        assert.deepEqual(classified.params, params);
      }
    });
  }
  test('a connection failure is not an engine refusal', () => {
    const error = Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT' });
    assert.equal(classifyOperationError(error).kind, 'unreachable');
  });
});
