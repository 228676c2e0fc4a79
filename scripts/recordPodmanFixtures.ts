/**
 * Records what Podman says through its Docker-compatible API and its own API, for the unit tier:
 * a bridge network of its own and two containers on it, on Podman's default network (which the
 * compatible API calls `bridge`) a stopped container and two running ones, the compatible lists and inspections, Podman's own network list
 * (`GET /v4.0.0/libpod/networks/json`, which names each bridge device) and what `podman network
 * inspect --format '{{.NetworkInterface}}'` says of each network (the name `ip link` shows), into
 * test/fixtures/podman-<major.minor>/networks.json. It starts its own `podman system service`
 * (test/support/podmanService.ts) and removes everything it made.
 *
 *   npm run compile-tests && node out/scripts/recordPodmanFixtures.js
 *
 * Never edit the JSON by hand: re-record it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { engineGet } from '../test/support/dockerCli';
import { startPodmanService } from '../test/support/podmanService';

async function main(): Promise<void> {
  const service = await startPodmanService();
  try {
    const networkName = service.name('fx-net');
    service.createNetwork(networkName);
    service.runContainer(service.name('fx-ctr'), ['--network', networkName]);
    // A second one there: by name, the doctor meets Podman's DNS (off on CNI networks without the dnsname plugin).
    service.runContainer(service.name('fx-peer'), ['--network', networkName]);
    // One on Podman's default network, stopped: the doctor's fixes on it (start, connect) name podman commands.
    service.runContainer(service.name('fx-default'));
    service.podman(['stop', '-t', '0', service.name('fx-default')]);
    // Two running on the default network: no names there (the doctor's fix: a user-defined network).
    service.runContainer(service.name('fx-dflt-a'));
    service.runContainer(service.name('fx-dflt-b'));
    const get = <T>(apiPath: string) => engineGet<T>(apiPath, service.socketPath);
    const version = await get<{ Version: string; ApiVersion: string; Components?: { Name?: string; Version?: string }[] }>('/version');
    const ours = (name: string) => name === networkName || name === 'bridge' || name === 'podman';
    const networks = (await get<{ Id: string; Name: string }[]>('/networks')).filter((network) => ours(network.Name));
    const podmanNetworks = (await get<{ id: string; name: string }[]>('/v4.0.0/libpod/networks/json')).filter((network) => ours(network.name));
    const filter = encodeURIComponent(JSON.stringify({ label: ['dne.test.podman=1'], name: [networkName.slice(networkName.lastIndexOf('-') + 1)] }));
    const containers = await get<{ Id: string }[]>(`/containers/json?all=1&filters=${filter}`);
    const containerDetails: Record<string, unknown> = {};
    for (const container of containers) {
      containerDetails[container.Id] = await get(`/containers/${container.Id}/json`);
    }
    const networkDetails: Record<string, unknown> = {};
    const networkInterfaces: Record<string, string> = {};
    for (const network of networks) {
      networkDetails[network.Id] = await get(`/networks/${network.Id}`);
      networkInterfaces[network.Id] = service.podman(['network', 'inspect', network.Id, '--format', '{{.NetworkInterface}}']);
    }
    const info = await get<Record<string, unknown>>('/info');
    const folder = path.join(__dirname, '..', '..', 'test', 'fixtures', `podman-${version.Version.split('.').slice(0, 2).join('.')}`);
    mkdirSync(folder, { recursive: true });
    const fixture = {
      recordedWith: { engine: `Podman ${version.Version}`, apiVersion: version.ApiVersion, script: 'scripts/recordPodmanFixtures.ts' },
      version,
      info: { Name: info.Name, ServerVersion: info.ServerVersion, OSType: info.OSType, Swarm: info.Swarm, Plugins: info.Plugins },
      networks,
      containers,
      containerDetails,
      networkDetails,
      podmanNetworks,
      /** `podman network inspect <id> --format '{{.NetworkInterface}}'`, by network id: the device each bridge is. */
      networkInterfaces,
    };
    writeFileSync(path.join(folder, 'networks.json'), JSON.stringify(fixture, null, 2) + '\n');
    console.log(`recorded Podman ${version.Version}: ${networks.length} networks, ${containers.length} containers into ${folder}`);
  } finally {
    await service.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
