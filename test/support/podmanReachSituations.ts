/**
 * The connectivity doctor's situations on a real Podman (CNI backend on this machine), built by
 * the fixture recorder (scripts/recordPodmanReachFixtures.ts) and by the engine tier
 * (test/engine/podmanReach.test.ts) on a service from startPodmanService(), with its `pdm-` names:
 *  - `net-a`, `net-b`: made with `podman network create` (not isolated), one container each;
 *  - `net-i`: `podman network create --opt isolate=true`; `net-k`: made through the
 *    Docker-compatible API with the extension's own client (Podman sets isolate=true on it);
 *  - `net-n`: `--internal` (no gateway), two containers on it.
 * Every container gets NET_RAW (Podman's default capabilities lack it: busybox ping needs it).
 */
import { EngineClient } from '../../src/engine/engineClient';
import { resolveTarget } from '../../src/engine/connection';
import { PODMAN_LABEL, PodmanService } from './podmanService';

export interface PodmanReachSituation {
  /** The network names by key (a, b, i, k, n). */
  networks: Record<'a' | 'b' | 'i' | 'k' | 'n', string>;
  /** The container names: `ca` on net-a … `cn`, `cm` on net-n. */
  containers: Record<'ca' | 'cb' | 'ci' | 'ck' | 'cn' | 'cm', string>;
}

export async function buildPodmanReachSituation(service: PodmanService): Promise<PodmanReachSituation> {
  const networks = { a: service.name('rch-a'), b: service.name('rch-b'), i: service.name('rch-i'), k: service.name('rch-k'), n: service.name('rch-n') };
  const containers = { ca: service.name('rch-ca'), cb: service.name('rch-cb'), ci: service.name('rch-ci'), ck: service.name('rch-ck'), cn: service.name('rch-cn'), cm: service.name('rch-cm') };
  service.createNetwork(networks.a);
  service.createNetwork(networks.b);
  service.createNetwork(networks.i, ['--opt', 'isolate=true']);
  service.createNetwork(networks.n, ['--internal']);
  // What the extension's create (and docker network create on Podman's socket) makes: Podman isolates it.
  const client = new EngineClient(resolveTarget(service.host), 10_000);
  try {
    await client.createNetwork({ Name: networks.k, Driver: 'bridge', Labels: { [PODMAN_LABEL]: '1' } });
  } finally {
    client.dispose();
  }
  const on = (network: string) => ['--cap-add', 'NET_RAW', '--network', network];
  service.runContainer(containers.ca, on(networks.a));
  service.runContainer(containers.cb, on(networks.b));
  service.runContainer(containers.ci, on(networks.i));
  service.runContainer(containers.ck, on(networks.k));
  service.runContainer(containers.cn, on(networks.n));
  service.runContainer(containers.cm, on(networks.n));
  return { networks, containers };
}

/** A container's IPv4 address on its one network, as `podman inspect` gives it. */
export function podmanAddress(service: PodmanService, container: string): string {
  return service.podman(['inspect', container, '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}']);
}

/** The bridge device of a network, as `podman network inspect` names it. */
export function podmanBridge(service: PodmanService, network: string): string {
  return service.podman(['network', 'inspect', network, '--format', '{{.NetworkInterface}}']);
}

export { removeIsolationLeftovers } from './podmanService';
