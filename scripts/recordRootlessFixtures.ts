/**
 * Records rootless Podman for the unit tier: a test user's own `podman system service`
 * (test/support/rootlessPodman.ts) with a container on its default network (slirp4netns) and two on
 * a network of the user's (bridge in the rootless network namespace). Into
 * test/fixtures/podman-<major.minor>/rootless.json: the compatible lists and Podman's network list
 * (as the session reads them), /info's Rootless, each running container's pid, SandboxKey and network mode, the
 * host probe's facts as that user (sysfs level, the extension's usual case) and as root (netns
 * level), and the truth to check them against: `ip -j -d addr` inside each container's namespace
 * and inside the rootless network namespace, and the slirp4netns processes' command lines.
 * The root-level facts keep the host and this engine's namespaces only (the machine's other engines
 * have theirs too). Removes everything it made.
 *
 *   npx tsc -p test/tsconfig.json && node out/scripts/recordRootlessFixtures.js
 *
 * Never edit the JSON by hand: re-record it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { SandboxInfo } from '../src/model/topology/facts';
import { probeHost } from '../src/probe/hostProbe';
import { engineGet } from '../test/support/dockerCli';
import { startRootlessPodman } from '../test/support/rootlessPodman';
import { ipInProcess, ipInRootlessNetns, rootlessNetnsFile, slirp4netnsProcesses } from '../test/support/rootlessTruth';
import { probeAsUnprivilegedUser } from '../test/engine/unprivilegedProbe';

interface Inspected {
  Id: string;
  State: { Pid: number };
  NetworkSettings: { SandboxKey: string };
  HostConfig?: { NetworkMode?: string };
}

async function main(): Promise<void> {
  const podman = await startRootlessPodman();
  try {
    const networkName = podman.name('fx-rnet');
    podman.createNetwork(networkName);
    podman.runContainer(podman.name('fx-slirp'));
    podman.runContainer(podman.name('fx-ra'), ['--network', networkName]);
    podman.runContainer(podman.name('fx-rb'), ['--network', networkName]);
    const get = <T>(apiPath: string) => engineGet<T>(apiPath, podman.socketPath);
    const version = await get<{ Version: string; ApiVersion: string; Components?: { Name?: string; Version?: string }[] }>('/version');
    const info = await get<{ Rootless?: boolean }>('/info');
    const ours = (name: string) => name === networkName || name === 'bridge' || name === 'podman';
    const networks = (await get<{ Id: string; Name: string }[]>('/networks')).filter((network) => ours(network.Name));
    const podmanNetworks = (await get<{ id: string; name: string }[]>('/v4.0.0/libpod/networks/json')).filter((network) => ours(network.name));
    const filter = encodeURIComponent(JSON.stringify({ label: ['dne.test.podman=1'], name: [networkName.slice(networkName.lastIndexOf('-') + 1)] }));
    const containers = await get<{ Id: string }[]>(`/containers/json?all=1&filters=${filter}`);
    const sandboxes: SandboxInfo[] = [];
    const ipInContainers: Record<string, unknown> = {};
    for (const container of containers) {
      const details = await get<Inspected>(`/containers/${container.Id}/json`);
      // As collectTopology reads them (its sandboxesOf): pid, SandboxKey and the inspection's network mode.
      sandboxes.push({ containerId: container.Id, pid: details.State.Pid, sandboxKey: details.NetworkSettings.SandboxKey, ...(details.HostConfig?.NetworkMode ? { networkMode: details.HostConfig.NetworkMode } : {}) });
      ipInContainers[container.Id] = ipInProcess(details.State.Pid);
    }
    const rootlessFile = rootlessNetnsFile(podman.user.runtimeDir)!;
    const keys = new Set([...sandboxes.map((sandbox) => sandbox.sandboxKey!), rootlessFile]);
    const slirp4netns = slirp4netnsProcesses().filter((process) => process.argv.some((word) => keys.has(word)));
    const userFacts = probeAsUnprivilegedUser(sandboxes, podman.user.name, { rootless: true });
    const rootFacts = await probeHost({ local: true, sandboxes, rootless: true });
    const ids = new Set(sandboxes.map((sandbox) => sandbox.containerId));
    rootFacts.namespaces = rootFacts.namespaces.filter((ns) => ns.kind === 'host' || ns.kind === 'rootless' || ns.containerIds.some((id) => ids.has(id)));
    rootFacts.warnings = [];
    const folder = path.join(__dirname, '..', '..', 'test', 'fixtures', `podman-${version.Version.split('.').slice(0, 2).join('.')}`);
    mkdirSync(folder, { recursive: true });
    const fixture = {
      recordedWith: { engine: `Podman ${version.Version} (rootless)`, apiVersion: version.ApiVersion, script: 'scripts/recordRootlessFixtures.ts' },
      version,
      info: { Rootless: info.Rootless },
      networks,
      containers,
      podmanNetworks,
      sandboxes,
      /** The host probe as the user running rootless Podman (no root), and as root. */
      facts: { user: userFacts, root: rootFacts },
      truth: {
        /** `podman network inspect --format '{{.NetworkInterface}}'` of the user's network. */
        network: { name: networkName, bridge: podman.podman(['network', 'inspect', networkName, '--format', '{{.NetworkInterface}}']) },
        /** `ip -j -d addr show` inside each container's namespace, by container id. */
        ipInContainers,
        rootlessNetns: { file: rootlessFile, ip: ipInRootlessNetns(podman.user.runtimeDir) },
        slirp4netns,
      },
    };
    writeFileSync(path.join(folder, 'rootless.json'), JSON.stringify(fixture, null, 2) + '\n');
    console.log(`recorded rootless Podman ${version.Version}: ${containers.length} containers, ${slirp4netns.length} slirp4netns processes into ${folder}`);
  } finally {
    await podman.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
