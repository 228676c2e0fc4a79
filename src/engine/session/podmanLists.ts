/**
 * What a refresh reads from Podman's own API beside the compatible lists: its network list (the
 * bridge devices, the default network's name) and its container list (the networks each container
 * joined itself), one call each whatever the engine's size; and the network mode of each container
 * that joined none (host, none, another container's stack), which no list gives: read from that
 * container's inspection once in its life (a network mode is fixed when the container is created)
 * and kept by id, so a refresh costs the same two calls once every container has been seen.
 */
import type { EngineSnapshot, PodmanContainerJson, PodmanNetworkJson } from '../../model/dockerTypes';
import type { EngineApi } from '../engineApi';

type PodmanParts = Pick<EngineSnapshot, 'podmanNetworks' | 'podmanContainers' | 'podmanNetworkModes'>;

export class PodmanLists {
  /** `HostConfig.NetworkMode` by container id, for the containers that joined no network themselves. */
  private readonly modes = new Map<string, string>();

  constructor(
    private readonly client: Pick<EngineApi, 'listPodmanNetworks' | 'listPodmanContainers' | 'inspectContainer'>,
    private readonly log?: (line: string) => void,
  ) {}

  /** Podman's parts of a snapshot. A list that fails is left out: the trees then read the compatible lists alone. */
  async read(): Promise<PodmanParts> {
    const [podmanNetworks, podmanContainers] = await Promise.all([
      this.client.listPodmanNetworks().catch((error: unknown) => {
        // Then no bridge is named, rather than drawn under Docker's rule (which names no device on Podman).
        this.note("Podman's network list could not be read, so no bridge is named", error);
        return [] as PodmanNetworkJson[];
      }),
      this.client.listPodmanContainers().catch((error: unknown) => {
        this.note("Podman's container list could not be read, so network modes are not known", error);
        return undefined;
      }),
    ]);
    if (!podmanContainers) {
      return { podmanNetworks };
    }
    return { podmanNetworks, podmanContainers, podmanNetworkModes: await this.modesOf(podmanContainers) };
  }

  /** A new connection: the containers may be others (another engine behind the same socket). */
  forget(): void {
    this.modes.clear();
  }

  private note(what: string, error: unknown): void {
    this.log?.(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }

  /** The network mode of each container without a network of its own: inspected the first time it is seen. */
  private async modesOf(containers: PodmanContainerJson[]): Promise<Record<string, string>> {
    const listed = new Set(containers.map((container) => container.Id));
    for (const id of [...this.modes.keys()]) {
      if (!listed.has(id)) {
        this.modes.delete(id);
      }
    }
    const unseen = containers.filter((container) => (container.Networks ?? []).length === 0 && !this.modes.has(container.Id));
    await Promise.all(
      unseen.map(async (container) => {
        const inspected = await this.client.inspectContainer(container.Id).catch(() => undefined);
        const mode = inspected?.HostConfig?.NetworkMode;
        if (typeof mode === 'string' && mode) {
          this.modes.set(container.Id, mode);
        }
      }),
    );
    return Object.fromEntries(containers.filter((container) => this.modes.has(container.Id)).map((container) => [container.Id, this.modes.get(container.Id)!]));
  }
}
