/**
 * Engine tier for the network actions: every action's core path (src/engine/runNetworkActions.ts,
 * the functions the commands call) against the real dockerd, the seed labs reproduced, each
 * validation failure leaving the engine's networks and endpoints exactly as before, and each
 * translated engine error triggered for real.
 *
 * Every test makes what it needs (containers and networks labelled dne.test.actions.case=1) and
 * `afterEach` removes it, so the tests pass in any order and alone. Everything also carries
 * dne.test=1 and dne.test.actions=1, which `before` and `after` remove even after a failure.
 * Packets are only sent between containers this file created.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { after, afterEach, before, describe, test } from 'node:test';
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import { connectContainers, createNetwork, disconnectEndpoints, pruneNetworks, readDriverContext, readInventory, readSubnetFacts, removeNetworks } from '../../src/engine/runNetworkActions';
import { classifyOperationError, OperationErrorKind } from '../../src/model/engineErrors';
import type { Inventory } from '../../src/model/inventory';
import { disconnectTargets, prunePreview, removalPlans } from '../../src/model/networkActions';
import { CreateNetworkSpec, DriverContext, emptySpec, toCreateRequest, validateCreateSpec } from '../../src/model/createNetworkSpec';
import { apiAtLeast } from '../../src/model/engineFeatures';
import { parseAuxAddresses } from '../../src/model/addresses';
import { parseKeyValues } from '../../src/model/validation';
import { createNetwork as dockerNetworkCreate, docker, engineGet, removeLabelled, runContainer, TEST_LABEL } from '../support/dockerCli';

const OWN = 'dne.test.actions';
/** What one test made; `afterEach` removes it. */
const CASE = 'dne.test.actions.case';
/** What a group of tests reads and never changes; the group's `after` removes it. */
const GROUP = 'dne.test.actions.group';
const LABELS = { [TEST_LABEL]: '1', [OWN]: '1', [CASE]: '1' };
const n = (base: string) => `dna-${base}`;
const labelArgs = [TEST_LABEL, OWN].flatMap((label) => ['--label', `${label}=1`]);

function run(name: string, args: string[] = [], label = CASE): string {
  return runContainer(n(name), [...labelArgs, ...args], label);
}

function net(name: string, args: string[] = [], label = CASE): string {
  return dockerNetworkCreate(n(name), [...labelArgs, ...args], label);
}

/** The seed lab's network: 172.16.86.0/24, gateway .1, containers from .0/25, `router` at .2. */
function lab(): string {
  return net('lab', ['--subnet', '172.16.86.0/24', '--gateway', '172.16.86.1', '--ip-range', '172.16.86.0/25', '--aux-address', 'router=172.16.86.2']);
}

/** lab with c2 at .10 (aliases web, api) and c1 on it; both also stay on the default bridge. */
function labWithTwo(): void {
  lab();
  run('c1');
  run('c2');
  docker(['network', 'connect', '--alias', 'web', '--alias', 'api', '--ip', '172.16.86.10', n('lab'), n('c2')]);
  docker(['network', 'connect', n('lab'), n('c1')]);
}

/** A container on no network at all (started on the default bridge, then disconnected). */
function detached(name: string): void {
  run(name);
  docker(['network', 'disconnect', 'bridge', n(name)]);
}

/** Networks that no other test file makes (this file's own and the engine's): the ones a concurrent run leaves alone. */
function isOursOrUntested(network: { Labels?: Record<string, string> | null }): boolean {
  const labels = Object.keys(network.Labels ?? {});
  return labels.includes(OWN) || !labels.some((label) => label.startsWith(TEST_LABEL));
}

/**
 * The engine's networks with their IPAM and attached containers, as far as this file can change
 * them: its own networks and the engine's, with this file's containers. What "exactly as before" compares.
 */
async function engineState(): Promise<string> {
  const networks = (await engineGet<{ Id: string; Labels?: Record<string, string> | null }[]>('/networks')).filter(isOursOrUntested);
  const details = await Promise.all(networks.map((network) => engineGet<{ Id: string; Name: string; Driver: string; IPAM: unknown; Containers: Record<string, { Name: string; IPv4Address: string }> }>(`/networks/${network.Id}`)));
  return JSON.stringify(
    details
      .map((d) => ({
        id: d.Id,
        name: d.Name,
        driver: d.Driver,
        ipam: d.IPAM,
        containers: Object.entries(d.Containers ?? {})
          .filter(([, c]) => c.Name.startsWith(n('')))
          .map(([id, c]) => `${id}:${c.Name}:${c.IPv4Address}`)
          .sort(),
      }))
      .sort((a, b) => a.id.localeCompare(b.id)),
  );
}

async function networkJson(name: string): Promise<{ Id: string; Driver: string; Options: Record<string, string>; IPAM: { Config: { Subnet?: string; Gateway?: string; IPRange?: string; AuxiliaryAddresses?: Record<string, string> }[] }; Containers: Record<string, { Name: string; IPv4Address: string }> } | undefined> {
  try {
    return await engineGet(`/networks/${name}`);
  } catch {
    return undefined;
  }
}

async function engineErrorOf(action: () => Promise<unknown>): Promise<OperationErrorKind> {
  try {
    await action();
  } catch (error) {
    return classifyOperationError(error).kind;
  }
  assert.fail('the engine accepted what it should refuse');
}

/** A parent interface for macvlan: a dummy, or a veth pair where the kernel has no dummy module. */
function makeParent(): { name: string; remove: () => void } | undefined {
  const ip = (args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    ip(['link', 'add', 'dne-dummy0', 'type', 'dummy']);
    return { name: 'dne-dummy0', remove: () => ip(['link', 'del', 'dne-dummy0']) };
  } catch {
    try {
      ip(['link', 'add', 'dne-dummy0', 'type', 'veth', 'peer', 'name', 'dne-dummy1']);
      ip(['link', 'set', 'dne-dummy0', 'up']);
      return { name: 'dne-dummy0', remove: () => ip(['link', 'del', 'dne-dummy0']) };
    } catch {
      return undefined;
    }
  }
}

describe('network actions against the real engine', () => {
  let client: EngineClient;
  let drivers: DriverContext;
  let parent: { name: string; remove: () => void } | undefined;
  const inventory = (): Promise<Inventory> => readInventory(client);
  const spec = (name: string, extra: Partial<CreateNetworkSpec> = {}): CreateNetworkSpec => ({ ...emptySpec(n(name)), labels: { ...LABELS }, ...extra });
  const idOf = async (kind: 'network' | 'container', name: string) => {
    const inv = await inventory();
    const found = kind === 'network' ? inv.networks.find((x) => x.name === name) : inv.containers.find((x) => x.name === name);
    assert.ok(found, `${kind} ${name} not found`);
    return found.id;
  };

  /** Runs a refused action and asserts the engine did not change. */
  async function unchanged<T>(action: () => Promise<T>): Promise<T> {
    const before = await engineState();
    const result = await action();
    assert.equal(await engineState(), before, 'the engine changed although the action was refused');
    return result;
  }

  before(async () => {
    removeLabelled(OWN);
    try {
      execFileSync('ip', ['link', 'del', 'dne-dummy0'], { stdio: 'ignore' });
    } catch {
      // not there
    }
    client = new EngineClient(resolveTarget(undefined, undefined, { ...process.env, DOCKER_CONTEXT: undefined }), 20_000);
    drivers = await readDriverContext(client);
  });

  afterEach(() => {
    removeLabelled(CASE);
    parent?.remove();
    parent = undefined;
  });

  after(() => {
    removeLabelled(OWN);
  });

  test('reads the engine facts the create dialogue needs', async () => {
    const facts = await readDriverContext(client);
    assert.ok(facts.engineDrivers?.includes('bridge'));
    assert.ok(facts.engineDrivers?.includes('macvlan'));
  });

  test('docker network create --driver bridge mon-bridge', async () => {
    const outcome = await createNetwork(client, spec('mon-bridge', { driver: 'bridge' }), await inventory(), drivers);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.item.id, (await networkJson(n('mon-bridge')))?.Id);
    assert.equal((await networkJson(n('mon-bridge')))?.Driver, 'bridge');
  });

  test('--subnet 172.16.86.0/24 --gateway 172.16.86.1 (with ip-range and aux address)', async () => {
    const outcome = await createNetwork(
      client,
      spec('lab', { subnets: [{ subnet: '172.16.86.0/24', gateway: '172.16.86.1', ipRange: '172.16.86.0/25', auxAddresses: { router: '172.16.86.2' } }] }),
      await inventory(),
      drivers,
    );
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const config = (await networkJson(n('lab')))!.IPAM.Config[0];
    assert.deepEqual(config, { Subnet: '172.16.86.0/24', Gateway: '172.16.86.1', IPRange: '172.16.86.0/25', AuxiliaryAddresses: { router: '172.16.86.2' } });
  });

  describe('refused creations (next to an existing mon-bridge and lab, which they leave alone)', () => {
    before(() => {
      net('mon-bridge', [], GROUP);
      net('lab', ['--subnet', '172.16.86.0/24'], GROUP);
    });
    after(() => removeLabelled(GROUP));

    const refusedCreates: [string, Partial<CreateNetworkSpec>, string][] = [
      ['name taken', { name: n('mon-bridge') }, 'nameTaken'],
      ['invalid name', { name: 'dna bad name' }, 'nameInvalid'],
      ['host driver', { driver: 'host' }, 'driverNotCreatable'],
      ['bad CIDR', { subnets: [{ subnet: '10.200.0.0/33' }] }, 'cidrInvalid'],
      ['host bits', { subnets: [{ subnet: '10.200.0.5/24' }] }, 'cidrHostBits'],
      ['gateway outside', { subnets: [{ subnet: '10.200.0.0/24', gateway: '10.201.0.1' }] }, 'gatewayOutside'],
      ['gateway = network address', { subnets: [{ subnet: '10.200.0.0/24', gateway: '10.200.0.0' }] }, 'gatewayIsNetworkAddress'],
      ['gateway = broadcast', { subnets: [{ subnet: '10.200.0.0/24', gateway: '10.200.0.255' }] }, 'gatewayIsBroadcast'],
      ['ip-range outside', { subnets: [{ subnet: '10.200.0.0/24', ipRange: '10.201.0.0/25' }] }, 'rangeOutside'],
      ['aux outside', { subnets: [{ subnet: '10.200.0.0/24', auxAddresses: { r: '10.201.0.2' } }] }, 'auxOutside'],
      ['IPv6 subnet with IPv6 off', { subnets: [{ subnet: 'fd00:200::/64' }] }, 'ipv6Disabled'],
      ['overlap with lab', { subnets: [{ subnet: '172.16.86.0/25' }] }, 'subnetOverlapsNetwork'],
      ['overlap inside the form', { subnets: [{ subnet: '10.200.0.0/16' }, { subnet: '10.200.1.0/24' }] }, 'subnetOverlapsSubnet'],
      ['name `default` (reserved by the engine)', { name: 'default' }, 'nameReserved'],
      ['IPv4-mapped IPv6 subnet with IPv6 off', { subnets: [{ subnet: '::ffff:10.0.0.0/104' }] }, 'subnetIpv4Mapped'],
      ['IPv4-embedded IPv6 subnet with host bits', { ipv6: true, subnets: [{ subnet: 'fd00:e0::10.0.0.0/96' }] }, 'cidrHostBits'],
      ['IPv6 zone in the subnet', { ipv6: true, subnets: [{ subnet: 'fe80::%eth0/64' }] }, 'ipv6Zone'],
      ['aux = network address', { subnets: [{ subnet: '10.200.0.0/24', auxAddresses: { r: '10.200.0.0' } }] }, 'auxIsNetworkAddress'],
      ['aux = broadcast address', { subnets: [{ subnet: '10.200.0.0/24', auxAddresses: { r: '10.200.0.255' } }] }, 'auxIsBroadcast'],
    ];
    for (const [what, extra, code] of refusedCreates) {
      test(`create refused before sending: ${what}`, async () => {
        const outcome = await unchanged(async () => createNetwork(client, spec('refused', extra), await inventory(), drivers));
        assert.equal(outcome.ok, false);
        assert.equal(outcome.issues?.[0]?.code, code);
      });
    }

    test('overlay without a swarm manager: refused by validation, and by the engine (swarmRequired)', async (t) => {
      if (drivers.swarmManager) {
        t.skip('this engine is a swarm manager');
        return;
      }
      const outcome = await unchanged(async () => createNetwork(client, spec('ov', { driver: 'overlay' }), await inventory(), drivers));
      assert.equal(outcome.issues?.[0]?.code, 'overlayNeedsSwarm');
      assert.equal(await unchanged(() => engineErrorOf(() => client.createNetwork({ Name: n('ov'), Driver: 'overlay', Labels: LABELS }))), 'swarmRequired');
    });

    test('the refused `host` creation, as the engine says it (onlyOneInstance)', async () => {
      assert.equal(await unchanged(() => engineErrorOf(() => client.createNetwork({ Name: n('host2'), Driver: 'host', Labels: LABELS }))), 'onlyOneInstance');
    });

    test('engine refusals of create: name taken, pool overlaps, unknown driver, gateway out of range', async () => {
      assert.equal(await unchanged(() => engineErrorOf(() => client.createNetwork({ Name: n('mon-bridge'), CheckDuplicate: true, Labels: LABELS }))), 'nameTaken');
      assert.equal(await unchanged(() => engineErrorOf(() => client.createNetwork({ Name: n('ovl'), Labels: LABELS, IPAM: { Config: [{ Subnet: '172.16.0.0/16' }] } }))), 'poolOverlaps');
      assert.equal(await unchanged(() => engineErrorOf(() => client.createNetwork({ Name: n('nodrv'), Driver: 'nosuchdriver', Labels: LABELS }))), 'driverNotFound');
      assert.equal(await unchanged(() => engineErrorOf(() => client.createNetwork({ Name: n('gw'), Labels: LABELS, IPAM: { Config: [{ Subnet: '10.202.0.0/24', Gateway: '10.203.0.1' }] } }))), 'addressOutOfRange');
      // What nameReserved prevents: "operation is not permitted on predefined default network".
      assert.notEqual(await unchanged(() => engineErrorOf(() => client.createNetwork({ Name: 'default', Labels: LABELS }))), undefined);
    });
  });

  describe('IPv4-mapped IPv6 values and padded prefixes: the extension says what the engine does', () => {
    /** What the engine does with the create body of `extra`, sent as is (no validation first). */
    async function engineVerdict(name: string, extra: Partial<CreateNetworkSpec>): Promise<{ accepted: boolean; detail: string }> {
      try {
        await client.createNetwork(toCreateRequest(spec(name, extra)));
        return { accepted: true, detail: JSON.stringify((await networkJson(n(name)))?.IPAM.Config) };
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        // A refused bridge can be left behind by the engine (its IPv6 set-up failed): ours, removed.
        for (const [bridge, id] of detail.matchAll(/br-([0-9a-f]{12})/g)) {
          if (!docker(['network', 'ls', '-q', '--no-trunc']).split('\n').some((line) => line.startsWith(id))) {
            execFileSync('ip', ['link', 'del', bridge], { stdio: 'ignore' });
          }
        }
        return { accepted: false, detail };
      }
    }

    // Docker 20.10 reads an IPv4-mapped gateway, range or aux address as IPv4 and takes it in an IPv4
    // subnet; Docker 25+ (API 1.44) reads it as IPv6 and refuses it ("parent subnet is an IPv4 block").
    const readsAsIpv4 = () => !apiAtLeast(drivers.apiVersion, '1.44');
    const cases: [string, Partial<CreateNetworkSpec>, () => boolean][] = [
      ['mapped subnet ::ffff:198.18.0.0/112, IPv6 on', { ipv6: true, subnets: [{ subnet: '::ffff:198.18.0.0/112' }] }, () => false],
      ['mapped subnet ::ffff:198.18.0.0/112, IPv6 off', { subnets: [{ subnet: '::ffff:198.18.0.0/112' }] }, () => false],
      ['mapped gateway ::ffff:198.18.0.1 in 198.18.0.0/16', { subnets: [{ subnet: '198.18.0.0/16', gateway: '::ffff:198.18.0.1' }] }, readsAsIpv4],
      ['mapped gateway ::ffff:198.18.0.1 in fd00:5ec::/64', { ipv6: true, subnets: [{ subnet: 'fd00:5ec::/64', gateway: '::ffff:198.18.0.1' }] }, () => false],
      ['mapped ip-range ::ffff:198.18.5.0/120 in 198.18.0.0/16', { subnets: [{ subnet: '198.18.0.0/16', ipRange: '::ffff:198.18.5.0/120' }] }, readsAsIpv4],
      ['mapped aux address ::ffff:198.18.0.9 in 198.18.0.0/16', { subnets: [{ subnet: '198.18.0.0/16', auxAddresses: { r: '::ffff:198.18.0.9' } }] }, readsAsIpv4],
    ];
    for (const [what, extra, expected] of cases) {
      test(`same verdict as the engine: ${what}`, async () => {
        const ours = validateCreateSpec(spec('mapped', extra), await inventory(), drivers);
        const engine = await engineVerdict('mapped', extra);
        removeLabelled(CASE);
        assert.equal(engine.accepted, expected(), `the engine (API ${drivers.apiVersion}): ${engine.detail}`);
        assert.equal(ours.length === 0, engine.accepted, `ours: ${JSON.stringify(ours)}; the engine: ${engine.detail}`);
      });
    }

    test('a prefix with leading zeros (/024): engine 20.10 stores it as typed; the extension asks for the /24 it means, which the engine takes', async () => {
      const padded = { subnets: [{ subnet: '198.18.0.0/16', ipRange: '198.18.5.0/024' }] };
      const engine = await engineVerdict('padded', padded);
      removeLabelled(CASE);
      const ours = validateCreateSpec(spec('padded', padded), await inventory(), drivers);
      assert.deepEqual(ours.map((found) => [found.code, found.params.suggestion]), [['prefixLeadingZeros', '198.18.5.0/24']]);
      if (engine.accepted) {
        assert.match(engine.detail, /"IPRange":"198\.18\.5\.0\/024"/, 'stored as typed, not as /24');
      }
      const plain = { subnets: [{ subnet: '198.18.0.0/16', ipRange: '198.18.5.0/24' }] };
      assert.deepEqual(validateCreateSpec(spec('plain', plain), await inventory(), drivers), []);
      const suggested = await engineVerdict('plain', plain);
      assert.ok(suggested.accepted, suggested.detail);
    });
  });

  test('labels, driver options and aux names called __proto__, constructor, toString all reach the engine', async () => {
    const own = `${TEST_LABEL}=1, ${OWN}=1, ${CASE}=1`;
    const labels = parseKeyValues(`${own}, __proto__=a, constructor=b, toString=c`, 'labels');
    const options = parseKeyValues('__proto__=1, constructor=2, toString=3', 'options');
    const aux = parseAuxAddresses('__proto__=10.205.0.3, constructor=10.205.0.4, toString=10.205.0.5', '10.205.0.0/24');
    assert.deepEqual([labels.issue, options.issue, aux.issue], [undefined, undefined, undefined]);
    const outcome = await createNetwork(
      client,
      spec('tricky', { labels: labels.value, options: options.value, subnets: [{ subnet: '10.205.0.0/24', auxAddresses: aux.value }] }),
      await inventory(),
      drivers,
    );
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const inspect = (format: string) => JSON.parse(docker(['network', 'inspect', '--format', format, n('tricky')])) as Record<string, string>;
    const shown = Object.entries(inspect('{{json .Labels}}')).filter(([key]) => !key.startsWith(TEST_LABEL));
    assert.deepEqual(shown.sort(), [['__proto__', 'a'], ['constructor', 'b'], ['toString', 'c']]);
    assert.deepEqual(Object.entries(inspect('{{json .Options}}')).sort(), [['__proto__', '1'], ['constructor', '2'], ['toString', '3']]);
    assert.deepEqual(Object.entries(inspect('{{json (index .IPAM.Config 0).AuxiliaryAddresses}}')).sort(), [
      ['__proto__', '10.205.0.3'],
      ['constructor', '10.205.0.4'],
      ['toString', '10.205.0.5'],
    ]);
  });

  test('an IPv6 gateway written with an embedded IPv4 part is accepted and sent as such', async () => {
    const outcome = await createNetwork(client, spec('v6gw', { ipv6: true, subnets: [{ subnet: 'fd00:e2::/64', gateway: 'fd00:e2::172.30.0.1' }] }), await inventory(), drivers);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const config = (await networkJson(n('v6gw')))!.IPAM.Config.find((c) => c.Subnet === 'fd00:e2::/64');
    assert.ok(config?.Gateway === 'fd00:e2::ac1e:1' || config?.Gateway === 'fd00:e2::172.30.0.1', JSON.stringify(config));
  });

  test('connect with --alias and --ip, and the alias answers in DNS', async () => {
    lab();
    run('c1');
    run('c2');
    const inv = await inventory();
    const [c1, c2, labId] = [await idOf('container', n('c1')), await idOf('container', n('c2')), await idOf('network', n('lab'))];
    const outcomes = await connectContainers(client, inv, [{ containerId: c2, networkId: labId }], { aliases: ['web', 'api'], ipv4Address: '172.16.86.10' });
    assert.deepEqual(outcomes.map((o) => o.ok), [true], JSON.stringify(outcomes));
    const settings = (await engineGet<{ NetworkSettings: { Networks: Record<string, { IPAddress: string; Aliases: string[] }> } }>(`/containers/${c2}/json`)).NetworkSettings.Networks[n('lab')];
    assert.equal(settings.IPAddress, '172.16.86.10');
    assert.ok(settings.Aliases.includes('web') && settings.Aliases.includes('api'));
    const second = await connectContainers(client, await inventory(), [{ containerId: c1, networkId: labId }], { aliases: [] });
    assert.ok(second[0].ok);
    // Our own two containers only.
    docker(['exec', n('c1'), 'ping', '-c', '1', '-W', '2', 'web']);
  });

  test('connect refused before sending: address in use, reserved, outside, alias on the default bridge, already connected', async () => {
    labWithTwo();
    net('mon-bridge');
    run('hostbox', ['--network', 'host']);
    run('c3');
    const inv = await inventory();
    const [c1, c2, c3, labId, bridge, hostbox] = [
      await idOf('container', n('c1')),
      await idOf('container', n('c2')),
      await idOf('container', n('c3')),
      await idOf('network', n('lab')),
      await idOf('network', 'bridge'),
      await idOf('container', n('hostbox')),
    ];
    const check = async (containerId: string, networkId: string, options: { aliases: string[]; ipv4Address?: string }, code: string, from = inv) => {
      const outcome = await unchanged(() => connectContainers(client, from, [{ containerId, networkId }], options));
      assert.equal(outcome[0].ok, false);
      assert.equal(outcome[0].issues?.[0]?.code, code, JSON.stringify(outcome[0]));
    };
    // Already connected as asked (a retry after a failure half-way): done, nothing sent.
    const again = await unchanged(() => connectContainers(client, inv, [{ containerId: c1, networkId: labId }], { aliases: [] }));
    assert.deepEqual([again[0].ok, again[0].already], [true, true]);
    const sameAsAsked = await unchanged(() => connectContainers(client, inv, [{ containerId: c2, networkId: labId }], { aliases: ['web', 'api'], ipv4Address: '172.16.86.10' }));
    assert.deepEqual([sameAsAsked[0].ok, sameAsAsked[0].already], [true, true], 'the aliases read back from the engine match');
    await check(c2, labId, { aliases: ['web', 'other'] }, 'alreadyConnected');
    await check(c1, labId, { aliases: [], ipv4Address: '172.16.86.99' }, 'alreadyConnected');
    await check(c2, await idOf('network', n('mon-bridge')), { aliases: [], ipv4Address: 'not-an-ip' }, 'addressInvalid');
    await check(c2, bridge, { aliases: ['x'] }, 'alreadyConnected');
    await check(hostbox, labId, { aliases: [] }, 'containerNotConnectable');
    await check(c1, await idOf('network', 'host'), { aliases: [] }, 'networkNotConnectable');
    await check(c3, labId, { aliases: [], ipv4Address: '172.16.86.10' }, 'staticIpInUse');
    await check(c3, labId, { aliases: [], ipv4Address: '172.16.86.1' }, 'staticIpIsGateway');
    await check(c3, labId, { aliases: [], ipv4Address: '172.16.86.2' }, 'staticIpReserved');
    await check(c3, labId, { aliases: [], ipv4Address: '172.16.87.5' }, 'staticIpOutside');
    await check(c3, labId, { aliases: ['r1 web'] }, 'aliasHasSpace');
    await check(c3, labId, { aliases: ['a..b'] }, 'aliasEmptyLabel');
    await check(c3, labId, { aliases: ['web.'] }, 'aliasTrailingDot');
    docker(['network', 'disconnect', 'bridge', n('c3')]);
    await check(c3, bridge, { aliases: ['x'] }, 'aliasNeedsUserNetwork', await inventory());
  });

  test('what the API tells of a subnet: automatic (Subnet + Gateway) vs --subnet (no Gateway unless --gateway), alike in GET /networks and GET /networks/{id}', async () => {
    net('auto');
    net('sub', ['--subnet', '10.206.0.0/24']);
    net('subgw', ['--subnet', '10.207.0.0/24', '--gateway', '10.207.0.1']);
    net('mixed', ['--ipv6', '--subnet', 'fd00:e3::/64']);
    const listed = await engineGet<{ Name: string; IPAM: { Config: unknown[] } }[]>('/networks');
    const config = async (name: string) => {
      const fromList = listed.find((x) => x.Name === n(name))!.IPAM.Config;
      const fromInspect = (await networkJson(n(name)))!.IPAM.Config;
      assert.deepEqual(fromList, fromInspect, `${name}: list and inspect differ`);
      return fromInspect;
    };
    const auto = await config('auto');
    assert.equal(auto.length, 1);
    assert.deepEqual(Object.keys(auto[0]).sort(), ['Gateway', 'Subnet'], JSON.stringify(auto));
    assert.deepEqual(await config('sub'), [{ Subnet: '10.206.0.0/24' }]);
    assert.deepEqual(await config('subgw'), [{ Subnet: '10.207.0.0/24', Gateway: '10.207.0.1' }]);
    // --ipv6 --subnet for IPv6 only: the IPv4 subnet is the engine's (with its Gateway), the IPv6 one the
    // user's. Docker 20.10 lists the IPv4 one first, Docker 28 the IPv6 one: the order carries no meaning.
    const family = (entry: { Subnet?: string }) => (entry.Subnet?.includes(':') ? 'IPv6' : 'IPv4');
    const mixed = (await config('mixed')) as { Subnet?: string }[];
    assert.deepEqual(mixed.map((entry) => `${family(entry)} ${Object.keys(entry).sort().join(',')}`).sort(), ['IPv4 Gateway,Subnet', 'IPv6 Subnet']);
    const inv = await inventory();
    const origin = async (name: string) =>
      (await readSubnetFacts(client, inv.networks.find((x) => x.name === n(name))!)).map((f) => `${f.subnet.includes(':') ? 'IPv6' : 'IPv4'} ${f.origin}`).sort();
    assert.deepEqual(await origin('auto'), ['IPv4 engine']);
    assert.deepEqual(await origin('sub'), ['IPv4 user']);
    assert.deepEqual(await origin('subgw'), ['IPv4 user']);
    assert.deepEqual(await origin('mixed'), ['IPv4 engine', 'IPv6 user']);
  });

  test('a fixed address on a subnet the engine chose is refused before sending (the engine would refuse it too)', async () => {
    net('auto');
    detached('c3');
    const inv = await inventory();
    const auto = inv.networks.find((x) => x.name === n('auto'))!;
    const c3 = inv.containers.find((x) => x.name === n('c3'))!;
    const inside = auto.subnets[0].subnet!.replace(/\.0\/\d+$/, '.77');
    const outcome = await unchanged(() => connectContainers(client, inv, [{ containerId: c3.id, networkId: auto.id }], { aliases: [], ipv4Address: inside }));
    assert.equal(outcome[0].issues?.[0]?.code, 'staticIpAutomaticSubnet', JSON.stringify(outcome[0]));
    assert.equal(await unchanged(() => engineErrorOf(() => client.connect(auto.id, c3.id, { ipv4Address: inside }))), 'staticIpNeedsSubnet');
  });

  test('the gateway the engine took without --gateway is known before sending, and refused as a fixed address', async () => {
    net('sub', ['--subnet', '10.206.0.0/24']);
    net('ranged', ['--subnet', '10.208.0.0/24', '--ip-range', '10.208.0.128/25']);
    detached('c3');
    const inv = await inventory();
    const c3 = inv.containers.find((x) => x.name === n('c3'))!;
    for (const name of ['sub', 'ranged']) {
      const network = inv.networks.find((x) => x.name === n(name))!;
      const facts = await readSubnetFacts(client, network);
      assert.equal(facts[0].gatewaySource, 'allocator', name);
      assert.ok(facts[0].gateway, name);
      const outcome = await unchanged(() => connectContainers(client, inv, [{ containerId: c3.id, networkId: network.id }], { aliases: [], ipv4Address: facts[0].gateway }));
      assert.equal(outcome[0].issues?.[0]?.code, 'staticIpIsGateway', `${name}: ${JSON.stringify(outcome[0])}`);
      // Sent, dockerd 20.10 refuses it ("Address already in use") and keeps a stale entry in the container: nothing was sent here.
      assert.deepEqual(Object.keys((await engineGet<{ NetworkSettings: { Networks: object } }>(`/containers/${c3.id}/json`)).NetworkSettings.Networks), [], name);
      // The inferred gateway is the one the engine uses: a container on the network sees it.
      run(`${name}-probe`, ['--network', n(name)]);
      const seen = JSON.parse(docker(['inspect', '--format', `{{json (index .NetworkSettings.Networks "${n(name)}").Gateway}}`, n(`${name}-probe`)])) as string;
      assert.equal(seen, facts[0].gateway, name);
      const after = (await readSubnetFacts(client, (await inventory()).networks.find((x) => x.id === network.id)!))[0];
      assert.deepEqual([after.gateway, after.gatewaySource], [seen, 'endpoint']);
    }
  });

  test('connect refused by the engine, translated', async () => {
    labWithTwo();
    net('mon-bridge');
    run('hostbox', ['--network', 'host']);
    detached('c3');
    const [c1, c3, hostbox] = [await idOf('container', n('c1')), await idOf('container', n('c3')), await idOf('container', n('hostbox'))];
    const [labId, monBridge] = [await idOf('network', n('lab')), await idOf('network', n('mon-bridge'))];
    const mon = (await inventory()).networks.find((x) => x.id === monBridge)!;
    const inside = mon.subnets[0].subnet!.replace(/\.0\/\d+$/, '.77');
    assert.equal(await unchanged(() => engineErrorOf(() => client.connect(monBridge, c3, { ipv4Address: inside }))), 'staticIpNeedsSubnet');
    await client.connect(mon.id, c1);
    assert.equal(await unchanged(() => engineErrorOf(() => client.connect(mon.id, c1))), 'endpointExists');
    assert.equal(await unchanged(() => engineErrorOf(() => client.connect('bridge', c3, { aliases: ['x'] }))), 'aliasNeedsUserNetwork');
    assert.equal(await unchanged(() => engineErrorOf(() => client.connect('bridge', c3, { ipv4Address: '172.17.0.200' }))), 'staticIpNeedsUserNetwork');
    assert.equal(await unchanged(() => engineErrorOf(() => client.connect(labId, c3, { ipv4Address: '172.16.86.10' }))), 'addressInUse');
    assert.equal(await unchanged(() => engineErrorOf(() => client.connect(labId, c3, { ipv4Address: '10.99.0.5' }))), 'addressOutOfRange');
    assert.equal(await unchanged(() => engineErrorOf(() => client.connect('host', c3))), 'hostNetworkConnection');
    assert.equal(await unchanged(() => engineErrorOf(() => client.disconnect('host', hostbox))), 'hostNetworkConnection');
    assert.equal(await unchanged(() => engineErrorOf(() => client.connect(labId, hostbox))), 'sharedNamespace');
    assert.equal(await unchanged(() => engineErrorOf(() => client.connect('none', c3))), 'noneNetworkExclusive');
    assert.equal(await unchanged(() => engineErrorOf(() => client.connect(labId, 'dna-no-such-container'))), 'containerNotFound');
  });

  test('disconnect (and the error when it is already gone)', async () => {
    labWithTwo();
    const inv = await inventory();
    const [c2, labId] = [await idOf('container', n('c2')), await idOf('network', n('lab'))];
    const targets = disconnectTargets(inv, [{ containerId: c2, networkId: labId }]);
    assert.equal(targets[0].leavesLoopbackOnly, false);
    const outcomes = await disconnectEndpoints(client, targets, false);
    assert.ok(outcomes[0].ok, JSON.stringify(outcomes));
    assert.ok(!Object.values((await networkJson(n('lab')))!.Containers).some((c) => c.Name === n('c2')));
    const again = await unchanged(() => disconnectEndpoints(client, targets, false));
    assert.equal(again[0].error?.kind, 'notConnected');
  });

  test('disconnecting the last network leaves loopback only, and is said', async () => {
    labWithTwo();
    const c2 = (await inventory()).containers.find((c) => c.name === n('c2'))!;
    assert.deepEqual(c2.memberships.map((m) => m.networkName).sort(), ['bridge', n('lab')]);
    const all = disconnectTargets(await inventory(), c2.memberships.map((m) => ({ containerId: c2.id, networkId: m.networkId })));
    assert.ok(all.every((t) => t.leavesLoopbackOnly));
    const outcomes = await disconnectEndpoints(client, all, false);
    assert.ok(outcomes.every((o) => o.ok), JSON.stringify(outcomes));
    assert.deepEqual((await inventory()).containers.find((c) => c.name === n('c2'))!.memberships, []);
  });

  test('rm: refused with active endpoints, then "disconnect N endpoints and remove"', async () => {
    lab();
    run('c1');
    docker(['network', 'connect', n('lab'), n('c1')]);
    const inv = await inventory();
    const labNetwork = inv.networks.find((x) => x.name === n('lab'))!;
    const plans = removalPlans(inv, [labNetwork.id]);
    assert.deepEqual(plans[0].endpoints.map((e) => e.containerName), [n('c1')]);
    const refused = await unchanged(() => removeNetworks(client, plans, { disconnectEndpoints: false }));
    assert.equal(refused[0].error?.kind, 'hasActiveEndpoints');
    const removed = await removeNetworks(client, plans, { disconnectEndpoints: true });
    assert.ok(removed[0].ok, JSON.stringify(removed));
    assert.deepEqual(removed[0].partial, [n('c1')]);
    assert.equal(await networkJson(n('lab')), undefined);
  });

  test('rm of a predefined network is refused (plan and engine), and a vanished network is reported', async () => {
    run('c3');
    const inv = await inventory();
    const bridge = inv.networks.find((x) => x.name === 'bridge')!;
    const outcome = await unchanged(() => removeNetworks(client, removalPlans(inv, [bridge.id]), { disconnectEndpoints: false }));
    assert.equal(outcome[0].error?.kind, 'predefinedNetwork');
    assert.equal(await unchanged(() => engineErrorOf(() => client.removeNetwork('bridge'))), 'predefinedNetwork');
    const gone = net('gone');
    const stale = await inventory();
    docker(['network', 'rm', gone]);
    const lost = await connectContainers(client, stale, [{ containerId: stale.containers.find((c) => c.name === n('c3'))!.id, networkId: gone }], { aliases: [] });
    assert.equal(lost[0].error?.kind, 'networkNotFound');
    const lostRm = await removeNetworks(client, removalPlans(stale, [gone]), { disconnectEndpoints: false });
    assert.equal(lostRm[0].error?.kind, 'networkNotFound');
  });

  test('prune: preview with a label filter, then exactly those are removed and every other network stays', async () => {
    const prune = ['--label', 'dne.test.prune=yes'];
    net('p1', prune);
    net('p2', prune);
    net('p3', prune);
    run('p3-user', ['--network', n('p3')]); // in use: never pruned
    net('keep'); // unused, but without the label
    const preview = prunePreview(await inventory(), ['dne.test.prune=yes']);
    assert.deepEqual(preview.map((c) => c.network.name).sort(), [n('p1'), n('p2')]);
    const pruned = new Set(preview.map((c) => c.network.id));
    const listed = async () => (await engineGet<{ Id: string; Name: string; Labels?: Record<string, string> | null }[]>('/networks')).filter(isOursOrUntested);
    const others = (await listed()).filter((network) => !pruned.has(network.Id));
    assert.ok(others.some((network) => network.Name === n('keep')) && others.some((network) => network.Name === n('p3')));
    const outcomes = await pruneNetworks(client, preview);
    assert.ok(outcomes.every((o) => o.ok), JSON.stringify(outcomes));
    const after = new Set((await listed()).map((network) => network.Id));
    assert.deepEqual([...pruned].filter((id) => after.has(id)), [], 'a previewed network is still there');
    assert.deepEqual(others.filter((network) => !after.has(network.Id)).map((network) => network.Name), [], 'a network that was not previewed is gone');
  });

  test('macvlan with a parent interface; the same parent twice and a missing parent are translated', async (t) => {
    parent = makeParent();
    if (!parent) {
      t.skip('cannot create a dummy or veth interface here (needs root)');
      return;
    }
    const outcome = await createNetwork(client, spec('mv', { driver: 'macvlan', parent: parent.name, mode: 'bridge', subnets: [{ subnet: '10.210.0.0/24', gateway: '10.210.0.1' }] }), await inventory(), drivers);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const json = (await networkJson(n('mv')))!;
    assert.equal(json.Driver, 'macvlan');
    assert.equal(json.Options.parent, parent.name);
    // A second macvlan network on the same parent: Docker 20.10 (API 1.41) refuses it, Docker 28.5
    // (API 1.51) makes it (each network its own subnet). Engines between were not tried.
    if (apiAtLeast(drivers.apiVersion, '1.51')) {
      const second = await createNetwork(client, spec('mv2', { driver: 'macvlan', parent: parent.name }), await inventory(), drivers);
      assert.ok(second.ok, JSON.stringify(second));
      const both = [(await networkJson(n('mv')))!, (await networkJson(n('mv2')))!];
      assert.deepEqual(both.map((network) => [network.Driver, network.Options.parent]), [['macvlan', parent.name], ['macvlan', parent.name]]);
    } else {
      assert.ok(!apiAtLeast(drivers.apiVersion, '1.42'), `API ${drivers.apiVersion}: not tried`);
      const second = await unchanged(async () => createNetwork(client, spec('mv2', { driver: 'macvlan', parent: parent!.name }), await inventory(), drivers));
      assert.equal(second.error?.kind, 'parentInUse');
    }
    const missing = await unchanged(async () => createNetwork(client, spec('mv3', { driver: 'macvlan', parent: 'dne-nosuch0' }), await inventory(), drivers));
    assert.equal(missing.error?.kind, 'parentInvalid');
  });
});
