/**
 * Records the connectivity doctor's Podman fixture from a real Podman 4.3 (CNI backend): the
 * situations of test/support/podmanReachSituations.ts (two plain networks, one isolated with
 * `--opt isolate=true`, one made through the Docker-compatible API, one internal), what the doctor
 * reads through the compatible API and Podman's own network list, and the packet filter's counters
 * (`iptables-save -c`) around two pings: one between the two isolated networks (dropped in
 * CNI-ISOLATION-STAGE-2) and one a hand-made CNI-ADMIN DROP stops. Podman's own list is read before
 * any compatible call and again after one: Podman 4.3 deletes `isolate` from its in-memory copy
 * when it answers the compatible API, and the second reading shows it gone. Writes
 * test/fixtures/podman-<major.minor>/reachability.json and removes everything it made (the rule too,
 * and the isolation rules the CNI firewall plugin leaves behind).
 * Separate from recordPodmanFixtures.ts so that each fixture can be re-recorded alone.
 *
 *   npx tsc -p test/tsconfig.json && node out/scripts/recordPodmanReachFixtures.js   (root: iptables, nsenter)
 *
 * Never edit the JSON by hand: re-record it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { engineGet } from '../test/support/dockerCli';
import { startPodmanService, PodmanService } from '../test/support/podmanService';
import { buildPodmanReachSituation, podmanAddress, podmanBridge, removeIsolationLeftovers } from '../test/support/podmanReachSituations';

function run(file: string, args: string[]): string {
  return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
}

/** The filter's counters before and after two pings from `from` to `to`'s address (busybox in `from`'s namespace). */
function countersAround(service: PodmanService, from: string, to: string): { from: string; to: string; before: string; after: string } {
  const address = podmanAddress(service, to);
  const pid = service.podman(['inspect', from, '--format', '{{.State.Pid}}']);
  const before = run('iptables-save', ['-c']);
  try {
    run('nsenter', [`--net=/proc/${pid}/ns/net`, '--', '/bin/busybox', 'ping', '-c', '2', '-W', '1', address]);
  } catch {
    // dropped, as intended
  }
  return { from, to, before, after: run('iptables-save', ['-c']) };
}

async function main(): Promise<void> {
  const service = await startPodmanService();
  const isolatedBridges: string[] = [];
  try {
    const situation = await buildPodmanReachSituation(service);
    isolatedBridges.push(podmanBridge(service, situation.networks.i), podmanBridge(service, situation.networks.k));
    const get = <T>(apiPath: string) => engineGet<T>(apiPath, service.socketPath);
    const ours = (name: string) => Object.values(situation.networks).includes(name);
    // Podman's own list first: no compatible call has been answered since the last network was made.
    const podmanNetworks = (await get<{ name: string }[]>('/v4.0.0/libpod/networks/json')).filter((network) => ours(network.name));
    const version = await get<{ Version: string; ApiVersion: string; Components?: { Name?: string; Version?: string }[] }>('/version');
    const networks = (await get<{ Name: string }[]>('/networks')).filter((network) => ours(network.Name));
    // Right after a compatible call: `isolate` gone. Another user of the machine making or removing a
    // network makes Podman reload its configuration (and the option) in between: try again then.
    let podmanNetworksAfterCompat: { name: string; options?: Record<string, string> | null }[] = [];
    for (let attempt = 0; attempt < 10; attempt++) {
      await get('/networks');
      podmanNetworksAfterCompat = (await get<typeof podmanNetworksAfterCompat>('/v4.0.0/libpod/networks/json')).filter((network) => ours(network.name));
      if (!podmanNetworksAfterCompat.some((network) => network.options?.isolate)) {
        break;
      }
    }
    const names = Object.values(situation.containers);
    const containers = (await get<{ Id: string; Names: string[] }[]>('/containers/json?all=1')).filter((container) => names.includes(container.Names[0].replace(/^\//, '')));
    const containerDetails: Record<string, unknown> = {};
    for (const container of containers) {
      containerDetails[container.Id] = await get(`/containers/${container.Id}/json`);
    }
    const networkInterfaces = Object.fromEntries(Object.values(situation.networks).map((name) => [name, podmanBridge(service, name)]));
    /** `podman network inspect`'s options, read from the configuration on disk by the CLI: the truth the API may hide. */
    const networkOptions = Object.fromEntries(Object.values(situation.networks).map((name) => [name, JSON.parse(service.podman(['network', 'inspect', name, '--format', '{{json .Options}}'])) as unknown]));
    const isolation = countersAround(service, situation.containers.ci, situation.containers.ck);
    const from = podmanAddress(service, situation.containers.ca);
    const to = podmanAddress(service, situation.containers.cb);
    const rule = ['CNI-ADMIN', '-s', `${from}/32`, '-d', `${to}/32`, '-j', 'DROP'];
    run('iptables', ['-I', ...rule]);
    let admin: ReturnType<typeof countersAround>;
    try {
      admin = countersAround(service, situation.containers.ca, situation.containers.cb);
    } finally {
      run('iptables', ['-D', ...rule]);
    }
    const folder = path.join(__dirname, '..', '..', 'test', 'fixtures', `podman-${version.Version.split('.').slice(0, 2).join('.')}`);
    mkdirSync(folder, { recursive: true });
    const fixture = {
      recordedWith: { engine: `Podman ${version.Version}`, apiVersion: version.ApiVersion, script: 'scripts/recordPodmanReachFixtures.ts' },
      version,
      situation,
      networks,
      containers,
      containerDetails,
      networkDetails: {},
      podmanNetworks,
      podmanNetworksAfterCompat,
      networkInterfaces,
      networkOptions,
      isolationCounters: isolation,
      adminCounters: { ...admin, rule },
    };
    writeFileSync(path.join(folder, 'reachability.json'), JSON.stringify(fixture, null, 2) + '\n');
    console.log(`recorded Podman ${version.Version}: ${networks.length} networks, ${containers.length} containers into ${folder}`);
  } finally {
    await service.stop();
    removeIsolationLeftovers(isolatedBridges);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
