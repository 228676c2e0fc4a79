/**
 * Records Podman's refusals through its Docker-compatible API, the way scripts/recordEngineErrors.ts
 * records Docker's: for each action the extension offers and Podman refuses, the HTTP status and
 * the message exactly as Podman sent them through the extension's own client, and the refusal the
 * extension must recognise, into test/fixtures/podman-<major.minor>/engine-errors.json (the unit
 * tier classifies them: test/unit/engineRefusals.test.ts). It starts its own `podman system
 * service` (test/support/podmanService.ts); everything it makes has a `pdm-` name and the test
 * label and is removed. A refused connect is undone at once: Podman 4.3 keeps the container
 * half-connected after its network plugin refused the address (and then fails every container
 * list until that membership is removed).
 *
 *   npm run compile-tests && node out/scripts/recordPodmanErrors.js
 *
 * Never edit the JSON by hand: re-record it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { resolveTarget } from '../src/engine/connection';
import { EngineClient } from '../src/engine/engineClient';
import type { OperationErrorKind } from '../src/model/engineErrors';
import { PODMAN_LABEL, startPodmanService } from '../test/support/podmanService';
import type { RecordedRefusal } from './recordEngineErrors';

interface ErrorLike {
  statusCode?: number;
  json?: { message?: string };
  message?: string;
}

async function main(): Promise<void> {
  const service = await startPodmanService();
  const client = new EngineClient(resolveTarget(service.host), 30_000);
  const labels = { [PODMAN_LABEL]: '1' };
  const refusals: RecordedRefusal[] = [];
  const refused = async (action: string, expected: OperationErrorKind, attempt: () => Promise<unknown>, undo?: () => Promise<unknown>) => {
    try {
      await attempt();
    } catch (error) {
      const e = error as ErrorLike;
      refusals.push({ action, expected, statusCode: e.statusCode, message: e.json?.message ?? e.message ?? String(error) });
      await undo?.().catch(() => undefined);
      return;
    }
    await undo?.().catch(() => undefined);
    throw new Error(`Podman accepted: ${action}`);
  };
  try {
    const version = await client.version();
    const lab = service.name('err-lab');
    service.createNetwork(lab, ['--subnet', '10.231.27.0/24']);
    const c1 = service.name('err-c1');
    const c2 = service.name('err-c2');
    service.runContainer(c1, ['--network', lab]);
    service.runContainer(c2);
    const hostbox = service.name('err-hostbox');
    service.runContainer(hostbox, ['--network', 'host']);
    const nonebox = service.name('err-nonebox');
    service.runContainer(nonebox, ['--network', 'none']);
    const c1Address = service.podman(['inspect', c1, '--format', `{{(index .NetworkSettings.Networks "${lab}").IPAddress}}`]);
    const undoConnect = (container: string) => () => client.disconnect(lab, container, true);
    const create = (name: string, body: Record<string, unknown>) => () => client.createNetwork({ Name: name, Labels: labels, ...body });

    await refused('create: a gateway outside its subnet', 'addressOutOfRange', create(service.name('err-gw'), { IPAM: { Config: [{ Subnet: '10.231.28.0/24', Gateway: '10.231.29.1' }] } }));
    await refused('create: a subnet overlapping another network', 'poolOverlaps', create(service.name('err-ovl'), { IPAM: { Config: [{ Subnet: '10.231.27.0/25' }] } }));
    await refused('create: a name taken', 'nameTaken', create(lab, { CheckDuplicate: true }));
    await refused('create: an unknown driver', 'driverUnsupported', create(service.name('err-nodrv'), { Driver: 'nosuchdriver' }));
    await refused('create: an overlay network', 'driverUnsupported', create(service.name('err-ovr'), { Driver: 'overlay' }));
    await refused('create: a name Podman keeps for a network mode', 'nameReserved', create('slirp4netns', {}));
    await refused('create: a macvlan parent that does not exist', 'parentInvalid', create(service.name('err-par'), { Driver: 'macvlan', Options: { parent: 'dnenosuch0' }, IPAM: { Config: [{ Subnet: '10.231.30.0/24' }] } }));
    await refused('create: a macvlan mode that does not exist', 'invalidDriverMode', create(service.name('err-mode'), { Driver: 'macvlan', Options: { mode: 'bogus' }, IPAM: { Config: [{ Subnet: '10.231.31.0/24' }] } }));
    await refused('connect: an address outside the subnet', 'addressOutOfRange', () => client.connect(lab, c2, { ipv4Address: '10.99.0.5' }), undoConnect(c2));
    await refused('connect: an address in use', 'addressInUse', () => client.connect(lab, c2, { ipv4Address: c1Address }), undoConnect(c2));
    await refused('connect: a container already on the network', 'endpointExists', () => client.connect(lab, c1));
    await refused('connect: a container in host mode', 'noNetworksMode', () => client.connect(lab, hostbox));
    await refused('connect: a container in none mode', 'noNetworksMode', () => client.connect(lab, nonebox));
    await refused('connect: a container that does not exist', 'containerNotFound', () => client.connect(lab, service.name('err-no-such-container')));
    await refused('connect: a network that does not exist', 'networkNotFound', () => client.connect(service.name('err-no-such-network'), c2));
    await refused('disconnect: a container not on the network', 'notConnected', () => client.disconnect(lab, c2));
    await refused('remove: a network with containers', 'hasActiveEndpoints', () => client.removeNetwork(lab));
    await refused('remove: a network that does not exist', 'networkNotFound', () => client.removeNetwork(service.name('err-no-such-network')));

    const folder = path.join(__dirname, '..', '..', 'test', 'fixtures', `podman-${(version.Version ?? "unknown").split('.').slice(0, 2).join('.')}`);
    mkdirSync(folder, { recursive: true });
    const file = path.join(folder, 'engine-errors.json');
    writeFileSync(file, JSON.stringify({ recordedWith: { engine: `Podman ${version.Version}`, apiVersion: version.ApiVersion, script: 'scripts/recordPodmanErrors.ts' }, refusals }, null, 2) + '\n');
    console.log(`${refusals.length} refusals recorded from Podman ${version.Version} into ${file}`);
  } finally {
    client.dispose();
    await service.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
