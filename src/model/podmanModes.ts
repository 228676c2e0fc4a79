/**
 * Podman's container list, read as Docker's: its compatible `GET /containers/json` gives no
 * `HostConfig` (so a host or none container looks like one on the default network) and lists, for
 * a container in another's network stack (`--network container:x`), x's networks as its own. Its
 * own list names the networks each container joined itself; the session adds the network mode of
 * each container that joined none (from its inspection, once). Joined, they give the summaries
 * Docker would have listed, which the inventory reads as it reads Docker's. Pure.
 */
import type { ContainerSummaryJson, EngineSnapshot } from './dockerTypes';

export function podmanSummaries(snapshot: Pick<EngineSnapshot, 'containers' | 'podmanContainers' | 'podmanNetworkModes'>): ContainerSummaryJson[] {
  if (!snapshot.podmanContainers) {
    return snapshot.containers;
  }
  const joined = new Map(snapshot.podmanContainers.map((container) => [container.Id, container.Networks ?? []]));
  return snapshot.containers.map((summary) => {
    const own = joined.get(summary.Id);
    if (!own) {
      // Not in Podman's own list (made between the two calls): as the compatible list says.
      return summary;
    }
    const mode = snapshot.podmanNetworkModes?.[summary.Id];
    const networks = Object.fromEntries(Object.entries(summary.NetworkSettings?.Networks ?? {}).filter(([name]) => own.includes(name)));
    return {
      ...summary,
      ...(mode ? { HostConfig: { ...summary.HostConfig, NetworkMode: mode } } : {}),
      NetworkSettings: { ...summary.NetworkSettings, Networks: networks },
    };
  });
}
