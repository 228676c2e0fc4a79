/**
 * Records, from a real Podman, what its lists say of containers in each network mode, for the unit
 * tier: on a network of its own a container and one in its network stack (`--network container:`),
 * one in host mode (running, and one never started), one in none mode, one on Podman's default
 * network, and an internal network (its compatible list writes its missing gateway as "<nil>").
 * Saved: the compatible lists and inspections, Podman's own network and container lists, the
 * network modes as the extension's session reads them (src/engine/session/podmanLists.ts), and, as
 * the truth to compare with, what `podman inspect --format '{{.HostConfig.NetworkMode}}'` says of
 * each container; into test/fixtures/podman-<major.minor>/network-modes.json. It starts its own
 * `podman system service` (test/support/podmanService.ts) and removes everything it made.
 *
 *   npm run compile-tests && node out/scripts/recordPodmanModes.js
 *
 * Never edit the JSON by hand: re-record it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { resolveTarget } from '../src/engine/connection';
import { EngineClient } from '../src/engine/engineClient';
import { PodmanLists } from '../src/engine/session/podmanLists';
import { startPodmanService } from '../test/support/podmanService';

async function main(): Promise<void> {
  const service = await startPodmanService();
  const client = new EngineClient(resolveTarget(service.host), 30_000);
  try {
    const lab = service.name('md-lab');
    const internal = service.name('md-int');
    service.createNetwork(lab);
    service.createNetwork(internal, ['--internal']);
    const box = service.name('md-box');
    const names = {
      box,
      shared: service.name('md-shared'),
      host: service.name('md-host'),
      hostNeverStarted: service.name('md-hostnew'),
      none: service.name('md-none'),
      dflt: service.name('md-dflt'),
      inside: service.name('md-inside'),
    };
    service.runContainer(box, ['--network', lab]);
    service.runContainer(names.shared, ['--network', `container:${box}`]);
    service.runContainer(names.host, ['--network', 'host']);
    service.podman(['create', '--name', names.hostNeverStarted, '--label', 'dne.test.podman=1', '--network', 'host', 'local/busybox:latest', 'sleep', '1']);
    service.runContainer(names.none, ['--network', 'none']);
    service.runContainer(names.dflt);
    service.runContainer(names.inside, ['--network', internal]);

    const ours = new Set<string>(Object.values(names));
    const version = await client.version();
    const info = await client.info();
    const networks = (await client.listNetworks()).filter((network) => [lab, internal, 'bridge'].includes(network.Name));
    const containers = (await client.listContainers()).filter((container) => ours.has((container.Names ?? [''])[0].slice(1)));
    const ids = new Set(containers.map((container) => container.Id));
    const podman = await new PodmanLists(client).read();
    const podmanContainers = (podman.podmanContainers ?? []).filter((container) => ids.has(container.Id));
    const podmanNetworkModes = Object.fromEntries(Object.entries(podman.podmanNetworkModes ?? {}).filter(([id]) => ids.has(id)));
    const podmanNetworks = (podman.podmanNetworks ?? []).filter((network) => networks.some((n) => n.Id === network.id));
    const containerDetails: Record<string, unknown> = {};
    const inspectModes: Record<string, string> = {};
    for (const container of containers) {
      containerDetails[container.Id] = await client.inspectContainer(container.Id);
      inspectModes[container.Id] = service.podman(['inspect', container.Id, '--format', '{{.HostConfig.NetworkMode}}']);
    }
    const networkDetails: Record<string, unknown> = {};
    for (const network of networks) {
      networkDetails[network.Id] = await client.inspectNetwork(network.Id);
    }
    const folder = path.join(__dirname, '..', '..', 'test', 'fixtures', `podman-${(version.Version ?? 'unknown').split('.').slice(0, 2).join('.')}`);
    mkdirSync(folder, { recursive: true });
    const fixture = {
      recordedWith: { engine: `Podman ${version.Version}`, apiVersion: version.ApiVersion, script: 'scripts/recordPodmanModes.ts' },
      version,
      info: { Name: info.Name, ServerVersion: info.ServerVersion, OSType: info.OSType, Swarm: info.Swarm, Plugins: info.Plugins },
      names,
      networkNames: { lab, internal },
      networks,
      containers,
      containerDetails,
      networkDetails,
      podmanNetworks,
      podmanContainers,
      podmanNetworkModes,
      /** `podman inspect <id> --format '{{.HostConfig.NetworkMode}}'`, by container id: the truth the unit tier compares with. */
      inspectModes,
    };
    writeFileSync(path.join(folder, 'network-modes.json'), JSON.stringify(fixture, null, 2) + '\n');
    console.log(`recorded Podman ${version.Version}: ${containers.length} containers in their network modes into ${folder}`);
  } finally {
    client.dispose();
    await service.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
