/**
 * Records what an engine with Docker 28's network options (API 1.48+) says of them, for the unit
 * tier: bridge networks with gateway modes (routed, nat-unprotected on IPv6, isolated on an internal
 * network), a network with IPv4 off (`--ipv4=false --ipv6`), a plain one, and a container on two of
 * them with a gateway priority on one (`--gw-priority 10`). Only what it made is recorded (its
 * label), into test/fixtures/engine-<API version>/gateway-options.json, in the shape of the seed
 * labs' fixture; then everything it made is removed.
 *
 *   npm run compile-tests && bash scripts/engine28.sh run node out/scripts/recordGatewayFixtures.js
 *
 * Never edit the JSON by hand: re-record it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { apiAtLeast, GW_PRIORITY_API } from '../src/model/engineFeatures';
import { createNetwork, docker, engineGet, removeLabelled, runContainer } from '../test/support/dockerCli';

const LABEL = 'dne.fixture.gateway';
/** The label every object of this part of the work carries on the shared engines. */
const SHARED_LABEL = ['--label', 'dne.test.opts28=1'];
const MODE4 = 'com.docker.network.bridge.gateway_mode_ipv4';
const MODE6 = 'com.docker.network.bridge.gateway_mode_ipv6';

function buildSituations(): void {
  const net = (name: string, args: string[] = []) => createNetwork(name, [...SHARED_LABEL, ...args], LABEL);
  const run = (name: string, args: string[] = []) => runContainer(name, [...SHARED_LABEL, ...args], LABEL);
  net('o28-fx-plain');
  net('o28-fx-routed', ['--subnet', '10.231.1.0/24', '--opt', `${MODE4}=routed`]);
  net('o28-fx-v6only', ['--ipv4=false', '--ipv6', '--subnet', 'fd00:28:1::/64', '--opt', `${MODE6}=nat-unprotected`]);
  net('o28-fx-isolated', ['--internal', '--opt', `${MODE4}=isolated`]);
  run('o28-fx-single', ['--network', 'o28-fx-plain']);
  run('o28-fx-multi', ['--network', 'o28-fx-routed']);
  docker(['network', 'connect', '--gw-priority', '10', 'o28-fx-v6only', 'o28-fx-multi']);
}

async function record(): Promise<void> {
  const version = await engineGet<{ ApiVersion: string; Version: string }>('/version');
  const filter = encodeURIComponent(JSON.stringify({ label: [`${LABEL}=1`] }));
  const networks = await engineGet<{ Id: string }[]>(`/networks?filters=${filter}`);
  const containers = await engineGet<{ Id: string }[]>(`/containers/json?all=1&filters=${filter}`);
  const containerDetails: Record<string, unknown> = {};
  for (const container of containers) {
    containerDetails[container.Id] = await engineGet(`/containers/${container.Id}/json`);
  }
  const networkDetails: Record<string, unknown> = {};
  for (const network of networks) {
    networkDetails[network.Id] = await engineGet(`/networks/${network.Id}`);
  }
  const info = await engineGet<Record<string, unknown>>('/info');
  const folder = path.join(__dirname, '..', '..', 'test', 'fixtures', `engine-${version.ApiVersion}`);
  mkdirSync(folder, { recursive: true });
  const fixture = {
    recordedWith: { engine: version.Version, apiVersion: version.ApiVersion, script: 'scripts/recordGatewayFixtures.ts' },
    info: { Name: info.Name, ServerVersion: info.ServerVersion, OSType: info.OSType, Swarm: info.Swarm, Plugins: info.Plugins },
    networks,
    containers,
    containerDetails,
    networkDetails,
  };
  writeFileSync(path.join(folder, 'gateway-options.json'), JSON.stringify(fixture, null, 2) + '\n');
  console.log(`recorded ${networks.length} networks and ${containers.length} containers into ${folder}`);
}

async function main(): Promise<void> {
  const version = await engineGet<{ ApiVersion: string }>('/version');
  if (!apiAtLeast(version.ApiVersion, GW_PRIORITY_API)) {
    throw new Error(`the engine speaks API ${version.ApiVersion}: these options need ${GW_PRIORITY_API} or later (scripts/engine28.sh run …)`);
  }
  removeLabelled(LABEL);
  try {
    buildSituations();
    await record();
  } finally {
    removeLabelled(LABEL);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
