import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { buildInventory } from '../../src/model/inventory';
import { cidrsOverlap, parseAuxAddresses, validateGateway, validateIpRange, validateSubnet } from '../../src/model/addresses';
import { parseAliases, validateConnect, validateStaticAddress } from '../../src/model/connectSpec';
import { creatableDrivers, emptySpec, toCreateRequest, validateCreateSpec, validateDriver, validateNetworkName } from '../../src/model/createNetworkSpec';
import { parseKeyValues } from '../../src/model/validation';
import { loadFixture, snapshotOf } from '../support/fixtures';

const fixture = loadFixture();
const inventory = buildInventory(snapshotOf(fixture));
const net = (name: string) => inventory.networks.find((network) => network.name === name)!;
const container = (name: string) => inventory.containers.find((c) => c.name === name)!;
const code = (found: { code: string } | undefined) => found?.code;
const swarmless = { engineDrivers: fixture.info.Plugins?.Network ?? undefined, swarmManager: Boolean(fixture.info.Swarm?.ControlAvailable) };

describe('validation: names', () => {
  test('Docker name rule and names taken on the recorded engine', () => {
    assert.equal(validateNetworkName('mon-bridge', inventory), undefined);
    assert.equal(validateNetworkName('a', inventory), undefined);
    assert.equal(code(validateNetworkName('', inventory)), 'nameEmpty');
    assert.equal(code(validateNetworkName('   ', inventory)), 'nameEmpty');
    assert.equal(code(validateNetworkName('bad name', inventory)), 'nameInvalid');
    assert.equal(code(validateNetworkName('-dash', inventory)), 'nameInvalid');
    assert.equal(code(validateNetworkName('é', inventory)), 'nameInvalid');
    assert.equal(code(validateNetworkName('prod', inventory)), 'nameTaken');
    assert.equal(code(validateNetworkName('bridge', inventory)), 'nameTaken');
  });
});

describe('validation: drivers', () => {
  test('host and null are never offered; overlay needs a swarm manager', () => {
    const drivers = creatableDrivers(fixture.info.Plugins?.Network ?? undefined);
    assert.deepEqual(drivers, ['bridge', 'overlay', 'macvlan', 'ipvlan']);
    assert.equal(code(validateDriver('host', swarmless)), 'driverNotCreatable');
    assert.equal(code(validateDriver('null', swarmless)), 'driverNotCreatable');
    assert.equal(swarmless.swarmManager, false, 'the fixture was recorded without swarm');
    assert.equal(code(validateDriver('overlay', swarmless)), 'overlayNeedsSwarm');
    assert.equal(validateDriver('overlay', { ...swarmless, swarmManager: true }), undefined);
    assert.equal(code(validateDriver('weave', swarmless)), 'driverUnknown');
    assert.equal(validateDriver('macvlan', swarmless), undefined);
  });
});

describe('validation: subnets', () => {
  const v4 = { ipv6Enabled: false, inventory };
  test('CIDR syntax', () => {
    for (const bad of ['172.16.86.0', '172.16.86.0/33', '300.1.1.0/24', 'abc/24', '10.0.0/8', '']) {
      assert.equal(code(validateSubnet(bad, v4)), 'cidrInvalid', bad);
    }
  });
  test('host bits set, with the network address as suggestion', () => {
    const found = validateSubnet('10.99.0.5/24', v4);
    assert.equal(found?.code, 'cidrHostBits');
    assert.equal(found?.params.suggestion, '10.99.0.0/24');
    assert.equal(code(validateSubnet('fd00:1::5/64', { ipv6Enabled: true })), 'cidrHostBits');
  });
  test('IPv6 values only with IPv6 on', () => {
    assert.equal(code(validateSubnet('fd00:1::/64', v4)), 'ipv6Disabled');
    assert.equal(validateSubnet('fd00:1::/64', { ipv6Enabled: true, inventory }), undefined);
  });
  test('overlap with the subnets of the recorded networks', () => {
    const found = validateSubnet('172.16.0.0/16', v4);
    assert.equal(found?.code, 'subnetOverlapsNetwork');
    assert.equal(found?.params.network, 'prod');
    assert.equal(validateSubnet('172.16.86.128/25', v4)?.params.network, 'prod');
    assert.equal(validateSubnet('10.30.0.0/16', v4)?.params.network, 'secure');
    assert.equal(code(validateSubnet('fd00:dead:beef::/48', { ipv6Enabled: true, inventory })), 'subnetOverlapsNetwork');
    assert.equal(validateSubnet('172.16.87.0/24', v4), undefined);
  });
  test('overlap with another subnet of the same form', () => {
    assert.equal(code(validateSubnet('10.50.0.0/25', { ipv6Enabled: false, otherSubnets: ['10.50.0.0/24'] })), 'subnetOverlapsSubnet');
    assert.equal(cidrsOverlap('10.0.0.0/8', '10.1.0.0/16'), true);
    assert.equal(cidrsOverlap('10.1.0.0/16', '10.2.0.0/16'), false);
    assert.equal(cidrsOverlap('10.1.0.0/16', 'fd00::/64'), false);
  });
});

describe('validation: gateway, ip-range, auxiliary addresses', () => {
  const subnet = '172.16.86.0/24';
  test('gateway inside its subnet, not the network or broadcast address', () => {
    assert.equal(validateGateway('172.16.86.1', subnet), undefined);
    assert.equal(code(validateGateway('172.16.87.1', subnet)), 'gatewayOutside');
    assert.equal(code(validateGateway('172.16.86.0', subnet)), 'gatewayIsNetworkAddress');
    assert.equal(code(validateGateway('172.16.86.255', subnet)), 'gatewayIsBroadcast');
    assert.equal(code(validateGateway('172.16.86.300', subnet)), 'addressInvalid');
    assert.equal(code(validateGateway('172.16.86.1/24', subnet)), 'addressInvalid');
    assert.equal(code(validateGateway('fd00::1', subnet)), 'addressWrongFamily');
    assert.equal(validateGateway('fd00:1::1', 'fd00:1::/64'), undefined);
    assert.equal(code(validateGateway('fd00:2::1', 'fd00:1::/64')), 'gatewayOutside');
  });
  test('ip-range inside its subnet', () => {
    assert.equal(validateIpRange('172.16.86.128/25', subnet), undefined);
    assert.equal(code(validateIpRange('172.16.87.0/25', subnet)), 'rangeOutside');
    assert.equal(code(validateIpRange('172.16.0.0/16', subnet)), 'rangeOutside');
    assert.equal(code(validateIpRange('172.16.86.130/25', subnet)), 'cidrHostBits');
    assert.equal(code(validateIpRange('nope', subnet)), 'cidrInvalid');
  });
  test('auxiliary addresses inside their subnet', () => {
    assert.deepEqual(parseAuxAddresses('router=172.16.86.2, printer=172.16.86.3', subnet), { value: { router: '172.16.86.2', printer: '172.16.86.3' } });
    assert.equal(code(parseAuxAddresses('router=172.16.87.2', subnet).issue), 'auxOutside');
    assert.equal(code(parseAuxAddresses('172.16.86.2', subnet).issue), 'auxInvalid');
    assert.equal(code(parseAuxAddresses('r=172.16.86.2,r=172.16.86.3', subnet).issue), 'auxDuplicate');
    assert.equal(code(parseAuxAddresses('r=banana', subnet).issue), 'addressInvalid');
    assert.deepEqual(parseAuxAddresses('', subnet), { value: {} });
  });
  test('labels and options as key=value', () => {
    assert.deepEqual(parseKeyValues('env=prod, team=net', 'labels').value, { env: 'prod', team: 'net' });
    assert.deepEqual(parseKeyValues('flag', 'labels').value, { flag: '' });
    assert.equal(code(parseKeyValues('=x', 'options').issue), 'keyValueInvalid');
    assert.equal(code(parseKeyValues('a b=c', 'options').issue), 'keyValueInvalid');
  });
});

describe('validation: whole create request', () => {
  test('the seed lab request is valid and maps to the engine body', () => {
    const spec = { ...emptySpec('prod2'), subnets: [{ subnet: '172.16.90.0/24', gateway: '172.16.90.1', ipRange: '172.16.90.128/25', auxAddresses: { router: '172.16.90.2' } }], labels: { env: 'lab' } };
    assert.deepEqual(validateCreateSpec(spec, inventory, swarmless), []);
    const body = toCreateRequest(spec);
    assert.deepEqual(body.IPAM, { Driver: 'default', Config: [{ Subnet: '172.16.90.0/24', Gateway: '172.16.90.1', IPRange: '172.16.90.128/25', AuxiliaryAddresses: { router: '172.16.90.2' } }] });
    assert.equal(body.CheckDuplicate, true);
  });
  test('macvlan parent and mode become driver options', () => {
    const body = toCreateRequest({ ...emptySpec('mv', 'macvlan'), parent: 'eth0', mode: 'vepa' });
    assert.deepEqual(body.Options, { parent: 'eth0', macvlan_mode: 'vepa' });
    assert.deepEqual(toCreateRequest({ ...emptySpec('iv', 'ipvlan'), parent: 'eth0', mode: 'l3' }).Options, { parent: 'eth0', ipvlan_mode: 'l3' });
  });
  test('every problem is reported, in form order', () => {
    const spec = {
      ...emptySpec('prod', 'host'),
      subnets: [
        { subnet: '172.16.86.0/24' },
        { subnet: '10.60.0.0/24', gateway: '10.61.0.1', ipRange: '10.62.0.0/25', auxAddresses: { r: '10.63.0.1' } },
        { subnet: 'fd00:9::/64' },
      ],
    };
    assert.deepEqual(validateCreateSpec(spec, inventory, swarmless).map((found) => found.code), [
      'nameTaken', 'driverNotCreatable', 'subnetOverlapsNetwork', 'gatewayOutside', 'rangeOutside', 'auxOutside', 'ipv6Disabled',
    ]);
  });
});

describe('validation: connect', () => {
  test('aliases: syntax, and only on user-defined networks', () => {
    assert.deepEqual(parseAliases('web, api web').value, ['web', 'api']);
    assert.equal(code(parseAliases('we"b').issue), 'aliasInvalid');
    assert.deepEqual(validateConnect(container('AppDev'), net('bridge'), { aliases: ['x'] }).map((f) => f.code), ['aliasNeedsUserNetwork']);
    assert.deepEqual(validateConnect(container('AppDev'), net('dev'), { aliases: ['x'] }), []);
  });
  test('containers that cannot join, networks that cannot be joined, already connected', () => {
    assert.equal(validateConnect(container('hostbox'), net('dev'), { aliases: [] })[0].code, 'containerNotConnectable');
    assert.equal(validateConnect(container('sidecar'), net('dev'), { aliases: [] })[0].code, 'containerNotConnectable');
    assert.equal(validateConnect(container('AppDev'), net('host'), { aliases: [] })[0].code, 'networkNotConnectable');
    assert.equal(validateConnect(container('AppDev'), net('none'), { aliases: [] })[0].code, 'networkNotConnectable');
    assert.equal(validateConnect(container('c2'), net('dev'), { aliases: [] })[0].code, 'alreadyConnected');
  });
  test('static addresses against the subnets and the addresses in use', () => {
    const prod = net('prod');
    assert.equal(validateStaticAddress('172.16.86.140', 4, prod), undefined);
    assert.equal(code(validateStaticAddress('172.16.87.5', 4, prod)), 'staticIpOutside');
    assert.equal(code(validateStaticAddress('172.16.86.130', 4, prod)), 'staticIpInUse', 'AppProd has it');
    assert.equal(validateStaticAddress('172.16.86.130', 4, prod)?.params.container, 'AppProd');
    assert.equal(code(validateStaticAddress('172.16.86.1', 4, prod)), 'staticIpReserved', 'gateway');
    assert.equal(code(validateStaticAddress('172.16.86.2', 4, prod)), 'staticIpReserved', 'aux address');
    assert.equal(code(validateStaticAddress('172.16.86.0', 4, prod)), 'staticIpReserved', 'network address');
    assert.equal(code(validateStaticAddress('172.16.86.255', 4, prod)), 'staticIpReserved', 'broadcast');
    assert.equal(code(validateStaticAddress('nope', 4, prod)), 'addressInvalid');
    assert.equal(code(validateStaticAddress('fd00::5', 6, prod)), 'ipv6Disabled');
    assert.equal(code(validateStaticAddress('172.17.0.50', 4, net('bridge'))), 'staticIpNeedsUserNetwork');
    assert.equal(validateStaticAddress('fd00:dead:beef::50', 6, net('secure')), undefined);
    assert.equal(code(validateStaticAddress('fd00:dead:bee0::50', 6, net('secure'))), 'staticIpOutside');
  });
});
