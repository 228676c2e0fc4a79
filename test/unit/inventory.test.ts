import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { buildInventory, bridgeDeviceName, isConnectable, isDisconnectable, parseNetworkMode } from '../../src/model/inventory';
import { NO_NAMES_KNOWN, namesFromInspections } from '../../src/model/endpointNames';
import { loadFixture, recordedNames, snapshotOf } from '../support/fixtures';

const fixture = loadFixture();
const inventory = buildInventory(snapshotOf(fixture));
const namesOf = recordedNames(fixture, inventory);
const byName = (name: string) => inventory.networks.find((network) => network.name === name)!;
const container = (name: string) => inventory.containers.find((c) => c.name === name)!;

describe('inventory from the recorded seed labs (API 1.41)', () => {
  test('has one network per network the engine listed, predefined ones first', () => {
    assert.deepEqual(
      inventory.networks.map((network) => network.name).sort(),
      fixture.networks.map((network) => network.Name).sort(),
    );
    assert.deepEqual(inventory.networks.slice(0, 3).map((n) => n.name), ['bridge', 'host', 'none']);
    assert.equal(byName('bridge').predefined, 'bridge');
    assert.equal(byName('host').predefined, 'host');
    assert.equal(byName('none').predefined, 'none');
    assert.equal(byName('bnet').predefined, undefined);
  });

  test('endpoints match what `docker network inspect` recorded for every network', () => {
    for (const network of inventory.networks) {
      const inspected = fixture.networkDetails[network.id];
      const expected = Object.entries(inspected.Containers ?? {}).map(([id, c]) => ({ id, name: c.Name, ip: c.IPv4Address || undefined }));
      const own = network.endpoints.filter((e) => !e.viaContainer);
      // The network inspect lists running endpoints only; stopped containers keep theirs in the container list.
      const running = own.filter((e) => e.running);
      assert.deepEqual(
        running.map((e) => ({ id: e.containerId, name: e.containerName, ip: e.ipv4 ? `${e.ipv4}/${e.ipv4PrefixLength}` : undefined })).sort((a, b) => a.id.localeCompare(b.id)),
        expected.sort((a, b) => a.id.localeCompare(b.id)),
        `endpoints of ${network.name}`,
      );
    }
  });

  test('dev -> es carries the alias search and the DNS names of es (once inspected)', () => {
    const es = byName('dev').endpoints.find((e) => e.containerName === 'es')!;
    const names = namesOf(es)!;
    assert.deepEqual(names.aliases, ['search']);
    assert.deepEqual(names.dnsNames.map((d) => d.name), ['es', 'search', es.containerId.slice(0, 12)]);
    assert.equal(names.dnsNames[0].source, 'containerName');
  });

  test('aliases stay unknown until the container is inspected (the list call has none)', () => {
    const es = byName('dev').endpoints.find((e) => e.containerName === 'es')!;
    assert.equal(NO_NAMES_KNOWN(es), undefined);
    assert.equal(namesFromInspections(inventory, () => undefined)(es), undefined);
    assert.ok(es.ipv4);
  });

  test('a container on two networks has two memberships with their own addresses', () => {
    const c2 = container('c2');
    assert.deepEqual(c2.memberships.map((m) => m.networkName), ['bnet', 'dev']);
    for (const membership of c2.memberships) {
      const recorded = fixture.containerDetails[c2.id].NetworkSettings!.Networks![membership.networkName];
      assert.equal(membership.ipv4, recorded.IPAddress);
      assert.equal(membership.mac, recorded.MacAddress);
      assert.equal(membership.gateway, recorded.Gateway);
    }
  });

  test('host, none and container: modes are where a user looks for them', () => {
    assert.equal(container('hostbox').networkMode.kind, 'host');
    assert.deepEqual(byName('host').endpoints.map((e) => e.containerName), ['hostbox']);
    assert.deepEqual(byName('none').endpoints.map((e) => e.containerName), ['isolated']);
    const sidecar = container('sidecar');
    assert.equal(sidecar.networkMode.kind, 'container');
    assert.equal(sidecar.sharesStackOf?.name, 'c1');
    assert.deepEqual(container('c1').sharedBy.map((g) => g.name), ['sidecar']);
    const borrowed = byName('bnet').endpoints.find((e) => e.containerName === 'sidecar')!;
    assert.equal(borrowed.viaContainer?.name, 'c1');
    assert.equal(borrowed.ipv4, byName('bnet').endpoints.find((e) => e.containerName === 'c1')!.ipv4);
    assert.equal(isDisconnectable(borrowed, byName('bnet')), false);
    assert.equal(isConnectable(sidecar), false);
    assert.equal(isConnectable(container('hostbox')), false);
    assert.equal(isConnectable(container('c1')), true);
  });

  test('legacy links come from the container list names and match HostConfig.Links', () => {
    const web2 = container('web2');
    assert.deepEqual(web2.links.map((l) => `${l.alias}->${l.toName}`), ['db->web1']);
    assert.deepEqual(fixture.containerDetails[web2.id].HostConfig!.Links, ['/web1:/web2/db']);
    const endpoint = byName('bridge').endpoints.find((e) => e.containerName === 'web2')!;
    assert.equal(endpoint.links.length, 1);
  });

  test('aliases on the default bridge are not DNS names (no embedded DNS there)', () => {
    const web1 = byName('bridge').endpoints.find((e) => e.containerName === 'web1')!;
    assert.deepEqual(namesOf(web1)!.dnsNames, []);
  });

  test('stopped containers keep their membership, without an address', () => {
    const stopped = byName('named').endpoints.find((e) => e.containerName === 'stopped')!;
    assert.equal(stopped.running, false);
    assert.equal(stopped.ipv4, undefined);
  });

  test('subnets, gateways, ip-range, aux addresses, labels and options are read', () => {
    const prod = byName('prod');
    assert.deepEqual(prod.subnets, [
      { subnet: '172.16.86.0/24', gateway: '172.16.86.1', ipRange: '172.16.86.128/25', auxiliaryAddresses: { router: '172.16.86.2' }, family: 4 },
    ]);
    assert.equal(prod.labels.env, 'prod');
    assert.equal(prod.options['com.docker.network.driver.mtu'], '1400');
    const secure = byName('secure');
    assert.equal(secure.internal, true);
    assert.equal(secure.ipv6, true);
    assert.deepEqual(secure.subnets.map((s) => s.family).sort(), [4, 6]);
    const sleeper = secure.endpoints.find((e) => e.containerName === 'sleeper')!;
    assert.match(sleeper.ipv6 ?? '', /^fd00:dead:beef::/);
  });

  test('bridge device names follow the driver rule and the custom option', () => {
    assert.equal(byName('bridge').bridgeName, 'docker0');
    assert.equal(byName('named').bridgeName, 'br-named');
    assert.equal(byName('bnet').bridgeName, `br-${byName('bnet').id.slice(0, 12)}`);
    assert.equal(byName('host').bridgeName, undefined);
    assert.equal(bridgeDeviceName({ Id: 'abc', Name: 'x', Driver: 'overlay', Options: {} }), undefined);
  });

  test('hostile aliases are kept verbatim in the model (renderers escape them)', () => {
    const appProd = byName('devops').endpoints.find((e) => e.containerName === 'AppProd')!;
    assert.ok(namesOf(appProd)!.aliases.includes('x"]; click a call alert(1); y["'));
    assert.ok(namesOf(appProd)!.aliases.includes('<img src=x onerror=alert(1)>'));
  });

  test('network modes parse as the engine writes them', () => {
    assert.deepEqual(parseNetworkMode('default'), { kind: 'default' });
    assert.deepEqual(parseNetworkMode('bnet'), { kind: 'network', target: 'bnet' });
    assert.deepEqual(parseNetworkMode('container:abc'), { kind: 'container', target: 'abc' });
  });
});
