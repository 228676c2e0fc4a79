import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { buildInventory } from '../../src/model/inventory';
import { cidrsOverlap, parseAuxAddresses, validateGateway, validateIpRange, validateSubnet } from '../../src/model/addresses';
import { parseAliases, staticAddressBlocked, validateConnect, validateStaticAddress } from '../../src/model/connectSpec';
import { BUILTIN_LOCAL_POOLS, isPoolBlock, subnetFacts } from '../../src/model/subnetFacts';
import { creatableDrivers, emptySpec, toCreateRequest, validateCreateSpec, validateDriver, validateNetworkName } from '../../src/model/createNetworkSpec';
import { parseKeyValues } from '../../src/model/validation';
import { loadFixture, snapshotOf } from '../support/fixtures';

const fixture = loadFixture();
const inventory = buildInventory(snapshotOf(fixture));
const net = (name: string) => inventory.networks.find((network) => network.name === name)!;
const container = (name: string) => inventory.containers.find((c) => c.name === name)!;
const code = (found: { code: string } | undefined) => found?.code;
/** What goes over the wire (the request's maps have no prototype; strict deepEqual compares prototypes). */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
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
  test('`default` is reserved by the engine although no network has that name', () => {
    assert.ok(!inventory.networks.some((network) => network.name === 'default'));
    assert.equal(code(validateNetworkName('default', inventory)), 'nameReserved');
    assert.equal(validateNetworkName('default2', inventory), undefined);
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
  test('IPv4-embedded IPv6 is IPv6: family and host bits from the address, not from ip-address\'s .v4 flag', () => {
    const v6 = { ipv6Enabled: true };
    assert.equal(validateSubnet('fd00::10.0.0.0/104', v6), undefined);
    // /96 keeps the whole IPv4 part as host bits: 10.0.0.0 is not zero there.
    const hostBits = validateSubnet('fd00::10.0.0.0/96', v6);
    assert.equal(hostBits?.code, 'cidrHostBits');
    assert.equal(hostBits?.params.suggestion, 'fd00::/96');
    assert.equal(code(validateSubnet('fd00::10.0.0.0/104', v4)), 'ipv6Disabled');
    assert.equal(validateGateway('fd00:1::172.30.0.1', 'fd00:1::/64'), undefined);
    assert.equal(code(validateGateway('fd00:1::172.30.0.1', '172.30.0.0/16')), 'addressWrongFamily');
    assert.equal(code(validateGateway('172.30.0.1', 'fd00:1::/64')), 'addressWrongFamily');
    assert.equal(validateIpRange('::ffff:10.0.0.0/112', '::ffff:10.0.0.0/104'), undefined);
    assert.deepEqual({ ...parseAuxAddresses('r=fd00:1::10.0.0.2', 'fd00:1::/64').value }, { r: 'fd00:1::10.0.0.2' });
    assert.equal(cidrsOverlap('::ffff:10.0.0.0/104', '10.0.0.0/8'), false);
  });
  test('IPv4-mapped IPv6 subnets (::ffff:a.b.c.d/n) are refused, as the engine refuses them, with the IPv4 subnet meant', () => {
    for (const ipv6Enabled of [true, false]) {
      const found = validateSubnet('::ffff:10.0.0.0/104', { ipv6Enabled });
      assert.equal(found?.code, 'subnetIpv4Mapped');
      assert.equal(found?.params.suggestion, '10.0.0.0/8');
    }
    assert.equal(validateSubnet('::ffff:198.18.0.0/112', { ipv6Enabled: true })?.params.suggestion, '198.18.0.0/16');
    assert.equal(code(validateSubnet('::ffff:0:0/96', { ipv6Enabled: true })), 'subnetIpv4Mapped');
    // Not mapped: the block does not lie in ::ffff:0:0/96.
    assert.equal(validateSubnet('::fffe:0:0/96', { ipv6Enabled: true }), undefined);
    assert.equal(code(validateSubnet('::ffff:0:0/80', { ipv6Enabled: true })), 'cidrHostBits');
  });
  test('an IPv4-mapped gateway, range or auxiliary address is the IPv4 one, as the engine reads it', () => {
    assert.equal(validateGateway('::ffff:172.30.0.1', '172.30.0.0/16'), undefined);
    assert.equal(code(validateGateway('::ffff:172.30.0.1', 'fd00:dead::/64')), 'addressWrongFamily');
    assert.equal(code(validateGateway('::ffff:172.31.0.1', '172.30.0.0/16')), 'gatewayOutside');
    assert.equal(code(validateGateway('::ffff:172.30.0.0', '172.30.0.0/16')), 'gatewayIsNetworkAddress');
    assert.equal(validateIpRange('::ffff:172.30.5.0/120', '172.30.0.0/16'), undefined);
    assert.equal(code(validateIpRange('::ffff:172.31.5.0/120', '172.30.0.0/16')), 'rangeOutside');
    assert.deepEqual({ ...parseAuxAddresses('a=::ffff:172.30.0.9', '172.30.0.0/16').value }, { a: '::ffff:172.30.0.9' });
  });
  test('a prefix length with leading zeros (/024) is refused, with the plain one as suggestion', () => {
    const range = validateIpRange('172.31.5.0/024', '172.31.0.0/16');
    assert.equal(range?.code, 'prefixLeadingZeros');
    assert.equal(range?.params.suggestion, '172.31.5.0/24');
    assert.equal(validateSubnet('172.31.0.0/016', { ipv6Enabled: false })?.params.suggestion, '172.31.0.0/16');
    assert.equal(code(validateSubnet('fd00:beef::/064', { ipv6Enabled: true })), 'prefixLeadingZeros');
    assert.equal(code(validateSubnet('0.0.0.0/00', { ipv6Enabled: false })), 'prefixLeadingZeros');
    assert.equal(code(validateSubnet('0.0.0.0/0', { ipv6Enabled: false })), undefined);
    assert.equal(validateIpRange('172.31.5.0/24', '172.31.0.0/16'), undefined);
    // A subnet the engine stored with leading zeros still counts for overlaps.
    assert.equal(cidrsOverlap('172.31.0.0/016', '172.31.5.0/24'), true);
  });
  test('IPv6 zones are refused, with their own message', () => {
    assert.equal(code(validateSubnet('fe80::%eth0/64', { ipv6Enabled: true })), 'ipv6Zone');
    assert.equal(code(validateGateway('fd00:1::1%eth0', 'fd00:1::/64')), 'ipv6Zone');
    assert.equal(code(validateIpRange('fd00:1::%eth0/80', 'fd00:1::/64')), 'ipv6Zone');
    assert.equal(code(parseAuxAddresses('r=fd00:1::2%eth0', 'fd00:1::/64').issue), 'ipv6Zone');
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
    assert.deepEqual({ ...parseAuxAddresses('router=172.16.86.2, printer=172.16.86.3', subnet).value }, { router: '172.16.86.2', printer: '172.16.86.3' });
    assert.equal(code(parseAuxAddresses('router=172.16.87.2', subnet).issue), 'auxOutside');
    assert.equal(code(parseAuxAddresses('172.16.86.2', subnet).issue), 'auxInvalid');
    assert.equal(code(parseAuxAddresses('r=172.16.86.2,r=172.16.86.3', subnet).issue), 'auxDuplicate');
    assert.equal(code(parseAuxAddresses('r=banana', subnet).issue), 'addressInvalid');
    assert.deepEqual(Object.keys(parseAuxAddresses('', subnet).value), []);
  });
  test('auxiliary addresses are not the network or broadcast address', () => {
    assert.equal(code(parseAuxAddresses('r=172.16.86.0', subnet).issue), 'auxIsNetworkAddress');
    assert.equal(code(parseAuxAddresses('r=172.16.86.255', subnet).issue), 'auxIsBroadcast');
    assert.equal(code(parseAuxAddresses('r=fd00:1::', 'fd00:1::/64').issue), 'auxIsNetworkAddress');
    // IPv6 has no broadcast address; /31 has neither (RFC 3021).
    assert.equal(parseAuxAddresses('r=fd00:1::ffff:ffff:ffff:ffff', 'fd00:1::/64').issue, undefined);
    assert.equal(parseAuxAddresses('r=10.0.0.1', '10.0.0.0/31').issue, undefined);
    const spec = { ...emptySpec('aux'), subnets: [{ subnet: '10.70.0.0/24', auxAddresses: { r: '10.70.0.255' } }] };
    assert.deepEqual(validateCreateSpec(spec, inventory, swarmless).map((found) => found.code), ['auxIsBroadcast']);
  });
  test('keys named like Object.prototype members are plain keys (labels, options, aux names), all the way to the request', () => {
    const tricky = '__proto__=a, constructor=b, toString=c, hasOwnProperty=d';
    const labels = parseKeyValues(tricky, 'labels');
    assert.equal(labels.issue, undefined);
    assert.deepEqual(Object.entries(labels.value), [['__proto__', 'a'], ['constructor', 'b'], ['toString', 'c'], ['hasOwnProperty', 'd']]);
    const aux = parseAuxAddresses('__proto__=172.16.86.3, constructor=172.16.86.4, toString=172.16.86.5', subnet);
    assert.equal(aux.issue, undefined, JSON.stringify(aux.issue));
    assert.deepEqual(Object.keys(aux.value), ['__proto__', 'constructor', 'toString']);
    assert.equal(code(parseAuxAddresses('constructor=172.16.86.3, constructor=172.16.86.4', subnet).issue), 'auxDuplicate');
    const spec = {
      ...emptySpec('tricky'),
      labels: labels.value,
      options: parseKeyValues('__proto__=1, toString=2', 'options').value,
      subnets: [{ subnet: '10.71.0.0/24', auxAddresses: parseAuxAddresses('__proto__=10.71.0.3, constructor=10.71.0.4', '10.71.0.0/24').value }],
    };
    assert.deepEqual(validateCreateSpec(spec, inventory, swarmless), []);
    const body = JSON.parse(JSON.stringify(toCreateRequest(spec))) as { Labels: object; Options: object; IPAM: { Config: { AuxiliaryAddresses: object }[] } };
    assert.deepEqual(Object.entries(body.Labels), [['__proto__', 'a'], ['constructor', 'b'], ['toString', 'c'], ['hasOwnProperty', 'd']]);
    assert.deepEqual(Object.entries(body.Options), [['__proto__', '1'], ['toString', '2']]);
    assert.deepEqual(Object.entries(body.IPAM.Config[0].AuxiliaryAddresses), [['__proto__', '10.71.0.3'], ['constructor', '10.71.0.4']]);
  });
  test('labels and options as key=value', () => {
    assert.deepEqual({ ...parseKeyValues('env=prod, team=net', 'labels').value }, { env: 'prod', team: 'net' });
    assert.deepEqual({ ...parseKeyValues('flag', 'labels').value }, { flag: '' });
    assert.equal(code(parseKeyValues('=x', 'options').issue), 'keyValueInvalid');
    assert.equal(code(parseKeyValues('a b=c', 'options').issue), 'keyValueInvalid');
  });
});

describe('validation: whole create request', () => {
  test('the seed lab request is valid and maps to the engine body', () => {
    const spec = { ...emptySpec('prod2'), subnets: [{ subnet: '172.16.90.0/24', gateway: '172.16.90.1', ipRange: '172.16.90.128/25', auxAddresses: { router: '172.16.90.2' } }], labels: { env: 'lab' } };
    assert.deepEqual(validateCreateSpec(spec, inventory, swarmless), []);
    const body = toCreateRequest(spec);
    assert.deepEqual(wire(body.IPAM), { Driver: 'default', Config: [{ Subnet: '172.16.90.0/24', Gateway: '172.16.90.1', IPRange: '172.16.90.128/25', AuxiliaryAddresses: { router: '172.16.90.2' } }] });
    assert.equal(body.CheckDuplicate, true);
  });
  test('macvlan parent and mode become driver options', () => {
    const body = toCreateRequest({ ...emptySpec('mv', 'macvlan'), parent: 'eth0', mode: 'vepa' });
    assert.deepEqual(wire(body.Options), { parent: 'eth0', macvlan_mode: 'vepa' });
    assert.deepEqual(wire(toCreateRequest({ ...emptySpec('iv', 'ipvlan'), parent: 'eth0', mode: 'l3' }).Options), { parent: 'eth0', ipvlan_mode: 'l3' });
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
  test('aliases: comma separated DNS names, and only on user-defined networks', () => {
    assert.deepEqual(parseAliases('web, api,web').value, ['web', 'api']);
    assert.deepEqual(parseAliases(' r1.lab , db_1 ,, ').value, ['r1.lab', 'db_1']);
    assert.equal(code(parseAliases('we"b').issue), 'aliasInvalid');
    assert.equal(code(parseAliases('-web').issue), 'aliasInvalid');
    assert.equal(code(parseAliases('web-').issue), 'aliasInvalid');
    assert.equal(code(parseAliases('é').issue), 'aliasInvalid');
    assert.deepEqual(validateConnect(container('AppDev'), net('bridge'), { aliases: ['x'] }).map((f) => f.code), ['aliasNeedsUserNetwork']);
    assert.deepEqual(validateConnect(container('AppDev'), net('dev'), { aliases: ['x'] }), []);
  });
  test('an alias with a space inside is refused, never split in two', () => {
    const parsed = parseAliases('r1 web');
    assert.equal(parsed.issue?.code, 'aliasHasSpace');
    assert.equal(parsed.issue?.params.value, 'r1 web');
    assert.equal(code(parseAliases('api, r1 web').issue), 'aliasHasSpace');
    assert.deepEqual(validateConnect(container('AppDev'), net('dev'), { aliases: ['r1 web'] }).map((f) => f.code), ['aliasHasSpace']);
  });
  test('aliases that are not DNS names: empty labels, trailing dot, label over 63, name over 253', () => {
    assert.equal(code(parseAliases('a..b').issue), 'aliasEmptyLabel');
    assert.equal(code(parseAliases('.a').issue), 'aliasEmptyLabel');
    assert.equal(code(parseAliases('web.').issue), 'aliasTrailingDot');
    const label63 = 'a'.repeat(63);
    assert.deepEqual(parseAliases(label63).value, [label63]);
    const tooLong = parseAliases(`${'a'.repeat(64)}.lab`).issue;
    assert.equal(tooLong?.code, 'aliasLabelTooLong');
    assert.equal(tooLong?.params.label, 'a'.repeat(64));
    const name253 = [label63, label63, label63, 'a'.repeat(61)].join('.');
    assert.equal(name253.length, 253);
    assert.deepEqual(parseAliases(name253).value, [name253]);
    assert.equal(code(parseAliases(`${name253}b`).issue), 'aliasTooLong');
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
    assert.equal(code(validateStaticAddress('172.16.86.1', 4, prod)), 'staticIpIsGateway', 'gateway');
    assert.equal(code(validateStaticAddress('172.16.86.2', 4, prod)), 'staticIpReserved', 'aux address');
    assert.equal(code(validateStaticAddress('172.16.86.0', 4, prod)), 'staticIpReserved', 'network address');
    assert.equal(code(validateStaticAddress('172.16.86.255', 4, prod)), 'staticIpReserved', 'broadcast');
    assert.equal(code(validateStaticAddress('nope', 4, prod)), 'addressInvalid');
    assert.equal(code(validateStaticAddress('fd00::5', 6, prod)), 'ipv6Disabled');
    assert.equal(code(validateStaticAddress('172.17.0.50', 4, net('bridge'))), 'staticIpNeedsUserNetwork');
    assert.equal(validateStaticAddress('fd00:dead:beef::50', 6, net('secure')), undefined);
    assert.equal(code(validateStaticAddress('fd00:dead:bee0::50', 6, net('secure'))), 'staticIpOutside');
    assert.equal(code(validateStaticAddress('fd00:dead:beef::50%eth0', 6, net('secure'))), 'ipv6Zone');
    assert.equal(validateStaticAddress('fd00:dead:beef::10.0.0.50', 6, net('secure')), undefined, 'IPv4-embedded IPv6 is IPv6');
  });
  test('the gateway the engine took without --gateway: from the inspect, the endpoints, or the allocator', () => {
    // secure was created with --subnet 10.30.0.0/24 and fd00:dead:beef::/64, no --gateway: its inspect shows no Gateway.
    const secure = net('secure');
    const inspect = fixture.networkDetails[secure.id];
    assert.deepEqual(inspect.IPAM?.Config?.map((config) => config.Gateway), [undefined, undefined]);
    const facts = subnetFacts(secure, inspect);
    assert.deepEqual(facts.map((f) => [f.subnet, f.origin, f.gateway, f.gatewaySource]), [
      ['10.30.0.0/24', 'user', '10.30.0.1', 'endpoint'],
      ['fd00:dead:beef::/64', 'user', 'fd00:dead:beef::1', 'endpoint'],
    ]);
    assert.equal(code(validateStaticAddress('10.30.0.1', 4, secure, facts)), 'staticIpIsGateway');
    assert.equal(code(validateStaticAddress('fd00:dead:beef::1', 6, secure, facts)), 'staticIpIsGateway');
    assert.equal(validateStaticAddress('10.30.0.9', 4, secure, facts), undefined);
    // Without any endpoint, the first address the allocator hands out (of the ip-range when there is one).
    const empty = { ...secure, endpoints: [] };
    assert.deepEqual(subnetFacts(empty, inspect).map((f) => [f.gateway, f.gatewaySource]), [['10.30.0.1', 'allocator'], ['fd00:dead:beef::1', 'allocator']]);
    const ranged = { ...inspect, IPAM: { Config: [{ Subnet: '10.30.0.0/24', IPRange: '10.30.0.128/25' }] } };
    assert.deepEqual(subnetFacts(empty, ranged).map((f) => f.gateway), ['10.30.0.128']);
  });
  test('a subnet the engine chose: no fixed address, said before typing; one given by the user: allowed', () => {
    // dev, bnet, devops, named: docker network create without --subnet (Subnet + Gateway, one block of the default pools).
    for (const name of ['dev', 'bnet', 'devops', 'named']) {
      const facts = subnetFacts(net(name), fixture.networkDetails[net(name).id]);
      assert.deepEqual(facts.map((f) => f.origin), ['engine'], name);
      assert.equal(code(staticAddressBlocked(4, net(name), facts)), 'staticIpAutomaticSubnet', name);
    }
    assert.equal(code(validateStaticAddress('172.23.0.50', 4, net('dev'))), 'staticIpAutomaticSubnet');
    // prod (--subnet --gateway --ip-range --aux-address) and secure (--subnet only) are the user's.
    assert.equal(staticAddressBlocked(4, net('prod'), subnetFacts(net('prod'))), undefined);
    assert.equal(staticAddressBlocked(6, net('secure'), subnetFacts(net('secure'))), undefined);
    assert.equal(code(staticAddressBlocked(6, net('prod'), subnetFacts(net('prod')))), 'staticIpNeedsSubnet');
    // --subnet with --gateway outside the default pools cannot be the engine's choice; inside, it looks like one.
    assert.equal(isPoolBlock('172.18.0.0/16', BUILTIN_LOCAL_POOLS), true);
    assert.equal(isPoolBlock('192.168.32.0/20', BUILTIN_LOCAL_POOLS), true);
    assert.equal(isPoolBlock('172.16.86.0/24', BUILTIN_LOCAL_POOLS), false);
    assert.equal(isPoolBlock('172.18.5.0/24', BUILTIN_LOCAL_POOLS), false);
    const userGw = { ...net('dev').raw, IPAM: { Config: [{ Subnet: '10.44.0.0/24', Gateway: '10.44.0.1' }] } };
    assert.deepEqual(subnetFacts(net('dev'), userGw).map((f) => f.origin), ['user']);
    // The engine's own pools (GET /info DefaultAddressPools) replace the built-in ones.
    assert.deepEqual(subnetFacts(net('dev'), userGw, [{ base: '10.44.0.0/16', size: 24 }]).map((f) => f.origin), ['engine']);
  });
});
