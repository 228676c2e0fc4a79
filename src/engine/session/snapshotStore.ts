/**
 * The session's picture of the engine: the latest snapshot, the Inventory built from it (once per
 * snapshot, so every reader shares one object), and the container inspections asked for so far.
 * Inspections sit beside the snapshot, never written into it: an inspection fires no change and
 * leaves the Inventory as it is (the topology panel inspects every running container; rebuilding
 * would make it redraw again).
 */
import type { ContainerInspectJson, EngineSnapshot } from '../../model/dockerTypes';
import { EndpointNamesLookup, namesFromInspections } from '../../model/endpointNames';
import { buildInventory, Inventory } from '../../model/inventory';
import type { EngineApi } from '../engineApi';

export class SnapshotStore {
  private current: { snapshot: EngineSnapshot; inventory: Inventory } | undefined;
  private readonly inspections = new Map<string, ContainerInspectJson>();
  /** One request per container at a time: concurrent askers share it. */
  private readonly pendingInspections = new Map<string, Promise<ContainerInspectJson | undefined>>();
  private disposed = false;

  constructor(private readonly client: Pick<EngineApi, 'inspectContainer'>) {}

  get snapshot(): EngineSnapshot | undefined {
    return this.current?.snapshot;
  }

  /** The inventory of the latest snapshot, built once per snapshot; undefined while unreachable. */
  get inventory(): Inventory | undefined {
    return this.current?.inventory;
  }

  /** Takes a new snapshot; the inspections of containers it no longer lists are dropped. */
  replace(snapshot: EngineSnapshot): void {
    const ids = new Set(snapshot.containers.map((container) => container.Id));
    for (const id of [...this.inspections.keys()]) {
      if (!ids.has(id)) {
        this.inspections.delete(id);
      }
    }
    this.current = { snapshot, inventory: buildInventory(snapshot) };
  }

  /** The engine is unreachable: nothing it said still holds. */
  clear(): void {
    this.current = undefined;
    this.inspections.clear();
  }

  /** An event named the container: its aliases may have changed, so its inspection is read again when asked. */
  forgetInspection(containerId: string): void {
    this.inspections.delete(containerId);
  }

  /** Aliases and DNS names of the endpoints whose containers were inspected. */
  get endpointNames(): EndpointNamesLookup {
    const inventory = this.current?.inventory;
    return inventory ? namesFromInspections(inventory, (id) => this.inspections.get(id)) : () => undefined;
  }

  /**
   * The container's inspection, fetched once and kept until an event names the container (or it
   * leaves the snapshot). Kept only while there is a snapshot: one read while unreachable describes
   * an engine the session no longer shows.
   */
  containerDetails(id: string): Promise<ContainerInspectJson | undefined> {
    const known = this.inspections.get(id);
    if (known) {
      return Promise.resolve(known);
    }
    const pending = this.pendingInspections.get(id);
    if (pending) {
      return pending;
    }
    const request = this.client
      .inspectContainer(id)
      .then((details) => {
        if (!this.disposed && this.current) {
          this.inspections.set(id, details);
        }
        return details;
      })
      .catch(() => undefined)
      .finally(() => this.pendingInspections.delete(id));
    this.pendingInspections.set(id, request);
    return request;
  }

  dispose(): void {
    this.disposed = true;
  }
}
