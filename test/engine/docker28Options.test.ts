/**
 * Engine tier for Docker 28's network options (issue 18), through the extension's own code path
 * (src/engine/runNetworkActions.ts, what the create and connect commands call), on whichever engine
 * is the local one: the system's Docker 20.10 (API 1.41) or Docker 28.5 (API 1.51, run it with
 * `bash scripts/engine28.sh run node --test …`). Every test runs on both and means something on
 * both: where the engine's API has the option, it is sent and the engine's state is read back with
 * `docker network inspect` / `docker inspect`; where it has not, the option is not offered and the
 * request is refused before sending, the engine left as it was.
 *
 * Everything made here is named `o28-e-…` and labelled dne.test.opts28=1 (removed before and after).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { after, afterEach, before, describe, test } from 'node:test';
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import { EngineSession } from '../../src/engine/engineSession';
import { checkReach } from '../../src/engine/reachability/checkReach';
import type { ReachReport } from '../../src/model/reachability/types';
import { connectContainers, createNetwork, readDriverContext, readInventory } from '../../src/engine/runNetworkActions';
import { CreateNetworkSpec, DriverContext, emptySpec } from '../../src/model/createNetworkSpec';
import { engineFeatures, EngineFeatures, GATEWAY_MODE_OPTION } from '../../src/model/engineFeatures';
import type { Inventory } from '../../src/model/inventory';
import { createNetwork as dockerNetworkCreate, docker, removeLabelled, runContainer } from '../support/dockerCli';

const LABEL = 'dne.test.opts28';
const n = (base: string) => `o28-e-${base}`;

interface InspectedNetwork {
  Name: string;
  EnableIPv4?: boolean;
  EnableIPv6?: boolean;
  Options?: Record<string, string>;
  IPAM?: { Config?: { Subnet?: string }[] | null };
}

/** `docker network inspect NAME`, or undefined when there is no such network. */
function inspectNetwork(name: string): InspectedNetwork | undefined {
  const text = docker(['network', 'inspect', name], { allowFailure: true });
  return text ? (JSON.parse(text) as InspectedNetwork[])[0] : undefined;
}

/** The container's endpoint settings on each of its networks, as `docker inspect` gives them. */
function endpointsOf(container: string): Record<string, { GwPriority?: number }> {
  return (JSON.parse(docker(['inspect', container])) as { NetworkSettings: { Networks: Record<string, { GwPriority?: number }> } }[])[0].NetworkSettings.Networks;
}

describe('Docker 28 network options on the local engine: sent where its API has them, refused before sending where not', () => {
  let client: EngineClient;
  let drivers: DriverContext;
  let features: EngineFeatures;
  const inventory = (): Promise<Inventory> => readInventory(client);
  const spec = (name: string, extra: Partial<CreateNetworkSpec> = {}): CreateNetworkSpec => ({ ...emptySpec(n(name)), labels: { [LABEL]: '1' }, ...extra });

  before(async () => {
    removeLabelled(LABEL);
    client = new EngineClient(resolveTarget(undefined, undefined, { ...process.env, DOCKER_CONTEXT: undefined }), 20_000);
    // What the create form reads: the engine's API version comes with its drivers.
    drivers = await readDriverContext(client);
    features = engineFeatures(drivers.apiVersion);
  });

  afterEach(() => removeLabelled(LABEL));
  after(() => removeLabelled(LABEL));

  test('the options offered follow the API version the engine reports', async () => {
    const version = await client.version();
    assert.equal(drivers.apiVersion, version.ApiVersion);
    const modern = Number(version.ApiVersion?.split('.')[1]) >= 48;
    assert.deepEqual(features.gatewayModes, modern ? ['nat', 'nat-unprotected', 'routed', 'isolated'] : []);
    assert.equal(features.ipv4Off, modern);
    assert.equal(features.gatewayPriority, modern);
    // The engine named by scripts/engine28.sh says what the form must offer there.
    if (process.env.DNE_ENGINE === '28') {
      assert.ok(modern, `Docker 28 speaks API ${version.ApiVersion}`);
    }
  });

  test('gateway mode routed: kept by the engine that has it, refused before sending by one that has not', async () => {
    const outcome = await createNetwork(client, spec('routed', { gatewayModeIpv4: 'routed' }), await inventory(), drivers);
    const inspected = inspectNetwork(n('routed'));
    if (features.gatewayModes.includes('routed')) {
      assert.ok(outcome.ok, JSON.stringify(outcome));
      assert.equal(inspected?.Options?.[GATEWAY_MODE_OPTION[4]], 'routed');
    } else {
      assert.deepEqual(outcome.issues?.map((found) => found.code), ['gatewayModeUnsupported']);
      assert.equal(inspected, undefined, 'nothing was sent');
    }
  });

  test('IPv4 off (with IPv6 on, gateway mode routed for IPv6): an IPv6-only network where the engine has it, refused before sending where not', async () => {
    const request = spec('v6only', { ipv4: false, ipv6: true, subnets: [{ subnet: 'fd00:28:e1::/64' }], gatewayModeIpv6: 'routed' });
    const outcome = await createNetwork(client, request, await inventory(), drivers);
    const inspected = inspectNetwork(n('v6only'));
    if (features.ipv4Off) {
      assert.ok(outcome.ok, JSON.stringify(outcome));
      assert.equal(inspected?.EnableIPv4, false);
      assert.equal(inspected?.EnableIPv6, true);
      assert.deepEqual(inspected?.IPAM?.Config?.map((config) => config.Subnet), ['fd00:28:e1::/64'], 'no IPv4 subnet');
      assert.equal(inspected?.Options?.[GATEWAY_MODE_OPTION[6]], 'routed');
    } else {
      assert.deepEqual(outcome.issues?.map((found) => found.code), ['ipv4OffUnsupported', 'gatewayModeUnsupported']);
      assert.equal(inspected, undefined, 'nothing was sent');
    }
  });

  test('gateway mode isolated on an internal network: kept where the engine has it, refused before sending where not', async () => {
    const outcome = await createNetwork(client, spec('internal', { internal: true, gatewayModeIpv4: 'isolated' }), await inventory(), drivers);
    const inspected = inspectNetwork(n('internal'));
    if (features.gatewayModes.includes('isolated')) {
      assert.ok(outcome.ok, JSON.stringify(outcome));
      assert.equal(inspected?.Options?.[GATEWAY_MODE_OPTION[4]], 'isolated');
    } else {
      assert.deepEqual(outcome.issues?.map((found) => found.code), ['gatewayModeUnsupported']);
      assert.equal(inspected, undefined, 'nothing was sent');
    }
  });

  test('IPv4 off without IPv6, and isolated on a network that is not internal: refused before sending on every engine', async () => {
    const noFamily = await createNetwork(client, spec('nofamily', { ipv4: false }), await inventory(), drivers);
    const isolated = await createNetwork(client, spec('isolated', { gatewayModeIpv4: 'isolated' }), await inventory(), drivers);
    assert.deepEqual(noFamily.issues?.map((found) => found.code), [features.ipv4Off ? 'ipv4OffNeedsIpv6' : 'ipv4OffUnsupported']);
    assert.deepEqual(isolated.issues?.map((found) => found.code), [features.gatewayModes.includes('isolated') ? 'gatewayModeIsolatedNeedsInternal' : 'gatewayModeUnsupported']);
    assert.equal(inspectNetwork(n('nofamily')), undefined);
    assert.equal(inspectNetwork(n('isolated')), undefined);
  });

  test('connect with a gateway priority: the engine reports it where it has it; refused before sending where not', async () => {
    dockerNetworkCreate(n('first'), [], LABEL);
    dockerNetworkCreate(n('second'), [], LABEL);
    runContainer(n('box'), ['--network', n('first')], LABEL);
    const inv = await inventory();
    const box = inv.containers.find((container) => container.name === n('box'))!;
    const second = inv.networks.find((network) => network.name === n('second'))!;
    const [outcome] = await connectContainers(client, inv, [{ containerId: box.id, networkId: second.id }], { aliases: [], gwPriority: 10 });
    const endpoints = endpointsOf(n('box'));
    if (features.gatewayPriority) {
      assert.ok(outcome.ok, JSON.stringify(outcome));
      assert.equal(endpoints[n('second')]?.GwPriority, 10);
      assert.equal(endpoints[n('first')]?.GwPriority, 0);
      // Read back by the extension's own inventory: what the trees show.
      const after = (await inventory()).containers.find((container) => container.name === n('box'))!;
      assert.deepEqual(after.memberships.map((endpoint) => [endpoint.networkName, endpoint.gwPriority]).sort(), [[n('first'), 0], [n('second'), 10]]);
    } else {
      assert.deepEqual(outcome.issues?.map((found) => found.code), ['gwPriorityUnsupported']);
      assert.deepEqual(Object.keys(endpoints), [n('first')], 'not connected: nothing was sent');
    }
  });

  test('the doctor from the host: an isolated gateway keeps the host out (Docker 28), a routed one is said; an older engine ignores the option', async () => {
    // Made with the docker CLI, which sends the option to any engine: 20.10 stores it and ignores it.
    dockerNetworkCreate(n('iso'), ['--internal', '-o', `${GATEWAY_MODE_OPTION[4]}=isolated`], LABEL);
    dockerNetworkCreate(n('rtd'), ['-o', `${GATEWAY_MODE_OPTION[4]}=routed`], LABEL);
    runContainer(n('in-iso'), ['--network', n('iso')], LABEL);
    runContainer(n('in-rtd'), ['--network', n('rtd')], LABEL);
    const session = new EngineSession(client, { debounceMs: 0, watch: false });
    try {
      await session.start();
      const isolated = await checkReach(session, { from: 'host', to: n('in-iso') });
      const routed = await checkReach(session, { from: 'host', to: n('in-rtd') });
      const rules = (report: ReachReport) => report.blockers.map((blocker) => blocker.rule);
      const notes = (report: ReachReport) => report.notes.map((note) => note.code);
      if (features.gatewayModes.includes('isolated')) {
        assert.deepEqual([isolated.verdict.explained, isolated.verdict.observed, rules(isolated)], ['unreachable', 'unreachable', ['isolatedGateway']]);
        assert.deepEqual([routed.verdict.explained, routed.verdict.observed], ['reachable', 'reachable']);
        assert.ok(notes(routed).includes('gatewayRouted'), JSON.stringify(routed.notes));
      } else {
        assert.deepEqual([isolated.verdict.explained, isolated.verdict.observed, rules(isolated)], ['reachable', 'reachable', []]);
        assert.ok(!notes(routed).includes('gatewayRouted'), JSON.stringify(routed.notes));
      }
      // The report matches the host's own ping (busybox's: Debian 12 has no ping by default).
      const address = (name: string) => docker(['inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', name]);
      const pings = (name: string) => spawnSync('busybox', ['ping', '-c', '1', '-W', '1', address(name)]).status === 0;
      assert.equal(pings(n('in-iso')), isolated.verdict.observed === 'reachable');
      assert.equal(pings(n('in-rtd')), routed.verdict.observed === 'reachable');
    } finally {
      session.dispose();
    }
  });
});
