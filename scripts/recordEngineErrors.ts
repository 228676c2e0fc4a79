/**
 * Records `engine-errors.json`, the engine's own refusals, from the real engine at DOCKER_HOST (or
 * the default socket), into test/fixtures/engine-<API version>/: for each action the extension
 * offers and the engine refuses (a gateway outside its subnet, an address outside the network, a
 * name taken, a predefined network removed…), the HTTP status and the message exactly as the
 * engine sent them through the extension's own client, and the refusal the extension must
 * recognise. Docker 28 words several of them differently from 20.10: the unit tier classifies the
 * recordings of both (test/unit/engineRefusals.test.ts). Everything it made (labelled
 * `dne.fixture.errors`) is removed.
 *
 *   npm run compile-tests && DOCKER_HOST=unix:///path/to/docker.sock node out/scripts/recordEngineErrors.js
 *
 * Never edit the JSON by hand: re-record it.
 */
import Docker from 'dockerode';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { resolveTarget } from '../src/engine/connection';
import { EngineClient } from '../src/engine/engineClient';
import type { OperationErrorKind } from '../src/model/engineErrors';

const LABELS = { 'dne.fixture.errors': '1' };
const IMAGE = 'local/busybox:latest';

export interface RecordedRefusal {
  action: string;
  /** The refusal the extension must recognise in this message. */
  expected: OperationErrorKind;
  statusCode?: number;
  message: string;
}

interface ErrorLike {
  statusCode?: number;
  json?: { message?: string };
  message?: string;
}

async function main(): Promise<void> {
  const client = new EngineClient(resolveTarget(undefined, undefined), 20_000);
  // The containers and the version through dockerode itself (the client offers network actions only).
  const socketPath = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');
  const docker = new Docker({ socketPath });
  const version = await docker.version();
  const refusals: RecordedRefusal[] = [];
  const made = { networks: [] as string[], containers: [] as string[] };
  const refused = async (action: string, expected: OperationErrorKind, attempt: () => Promise<unknown>) => {
    try {
      await attempt();
    } catch (error) {
      const e = error as ErrorLike;
      refusals.push({ action, expected, statusCode: e.statusCode, message: e.json?.message ?? e.message ?? String(error) });
      return;
    }
    throw new Error(`the engine accepted: ${action}`);
  };
  const network = async (name: string, subnet?: string) => {
    const id = await client.createNetwork({ Name: name, Labels: LABELS, ...(subnet ? { IPAM: { Config: [{ Subnet: subnet }] } } : {}) });
    made.networks.push(id);
    return id;
  };
  const container = async (name: string, networkMode: string) => {
    const created = await docker.createContainer({ name, Image: IMAGE, Cmd: ['sleep', '600'], Labels: LABELS, HostConfig: { NetworkMode: networkMode } });
    made.containers.push(created.id);
    await created.start();
    return created.id;
  };
  try {
    const lab = await network('dne-err-lab', '10.231.7.0/24');
    const auto = await network('dne-err-auto');
    const c1 = await container('dne-err-c1', 'dne-err-lab');
    const c2 = await container('dne-err-c2', 'bridge');
    const hostbox = await container('dne-err-hostbox', 'host');
    const c1Address = (await docker.getContainer(c1).inspect()).NetworkSettings.Networks['dne-err-lab'].IPAddress;

    await refused('create: a gateway outside its subnet', 'addressOutOfRange', () => client.createNetwork({ Name: 'dne-err-gw', Labels: LABELS, IPAM: { Config: [{ Subnet: '10.231.8.0/24', Gateway: '10.231.9.1' }] } }));
    await refused('create: a subnet overlapping another network', 'poolOverlaps', () => client.createNetwork({ Name: 'dne-err-ovl', Labels: LABELS, IPAM: { Config: [{ Subnet: '10.231.7.0/25' }] } }));
    await refused('create: a name taken', 'nameTaken', () => client.createNetwork({ Name: 'dne-err-lab', CheckDuplicate: true, Labels: LABELS }));
    await refused('create: an unknown driver', 'driverNotFound', () => client.createNetwork({ Name: 'dne-err-nodrv', Driver: 'nosuchdriver', Labels: LABELS }));
    await refused('create: a second host network', 'onlyOneInstance', () => client.createNetwork({ Name: 'dne-err-host2', Driver: 'host', Labels: LABELS }));
    await refused('connect: an address outside the subnet', 'addressOutOfRange', () => client.connect(lab, c2, { ipv4Address: '10.99.0.5' }));
    await refused('connect: an address in use', 'addressInUse', () => client.connect(lab, c2, { ipv4Address: c1Address }));
    await refused('connect: an address on a network without a user subnet', 'staticIpNeedsSubnet', () => client.connect(auto, c2, { ipv4Address: '10.231.250.5' }));
    await refused('connect: an alias on the default bridge', 'aliasNeedsUserNetwork', () => client.connect('bridge', c1, { aliases: ['x'] }));
    await refused('connect: an address on the default bridge', 'staticIpNeedsUserNetwork', () => client.connect('bridge', c1, { ipv4Address: '172.17.0.200' }));
    await refused('connect: a container already on the network', 'endpointExists', () => client.connect(lab, c1));
    await refused('connect: a container in host mode', 'sharedNamespace', () => client.connect(lab, hostbox));
    await refused('connect: to the host network', 'hostNetworkConnection', () => client.connect('host', c2));
    await refused('disconnect: a container in host mode from the host network', 'hostNetworkConnection', () => client.disconnect('host', hostbox));
    await refused('connect: to none beside another network', 'noneNetworkExclusive', () => client.connect('none', c2));
    await refused('connect: a container that does not exist', 'containerNotFound', () => client.connect(lab, 'dne-err-no-such-container'));
    await refused('connect: a network that does not exist', 'networkNotFound', () => client.connect('dne-err-no-such-network', c2));
    await refused('disconnect: a container not on the network', 'notConnected', () => client.disconnect(lab, c2));
    await refused('remove: a network with endpoints', 'hasActiveEndpoints', () => client.removeNetwork(lab));
    await refused('remove: a predefined network', 'predefinedNetwork', () => client.removeNetwork('bridge'));
  } finally {
    for (const id of made.containers) await docker.getContainer(id).remove({ force: true }).catch(() => undefined);
    for (const id of made.networks) await client.removeNetwork(id).catch(() => undefined);
  }
  const folder = path.join(__dirname, '..', '..', 'test', 'fixtures', `engine-${version.ApiVersion}`);
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, 'engine-errors.json');
  writeFileSync(file, JSON.stringify({ recordedWith: { engine: version.Version, apiVersion: version.ApiVersion }, refusals }, null, 2) + '\n');
  console.log(`${refusals.length} refusals recorded from Docker ${version.Version} (API ${version.ApiVersion}) into ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
