/** Loads the fixtures recorded from a real engine by scripts/recordFixtures.ts. */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ContainerInspectJson, ContainerSummaryJson, EngineInfoJson, EngineSnapshot, NetworkJson, PodmanContainerJson, PodmanNetworkJson, SwarmSnapshot } from '../../src/model/dockerTypes';
import { EndpointNamesLookup, namesFromInspections } from '../../src/model/endpointNames';
import type { Inventory } from '../../src/model/inventory';

export interface RecordedFixture {
  recordedWith: { engine: string; apiVersion: string };
  info: EngineInfoJson;
  networks: NetworkJson[];
  containers: ContainerSummaryJson[];
  containerDetails: Record<string, ContainerInspectJson>;
  networkDetails: Record<string, NetworkJson>;
  /** Recorded on a swarm node (scripts/recordSwarmFixtures.ts): the swarm lists and verbose network inspections. */
  swarm?: SwarmSnapshot & { verboseNetworks: Record<string, NetworkJson> };
  /** Recorded from Podman (scripts/recordPodmanFixtures.ts): its own network list and its /version. */
  podmanNetworks?: PodmanNetworkJson[];
  /** Recorded from Podman (scripts/recordPodmanModes.ts): its own container list and the network modes read from inspections. */
  podmanContainers?: PodmanContainerJson[];
  podmanNetworkModes?: Record<string, string>;
  version?: { Version?: string; ApiVersion?: string; Components?: { Name?: string; Version?: string }[] };
}

export const FIXTURES_FOLDER = path.join(__dirname, '..', '..', '..', 'test', 'fixtures');

export function fixtureVersions(): string[] {
  return readdirSync(FIXTURES_FOLDER).filter((name) => name.startsWith('engine-'));
}

export function loadFixture(version = 'engine-1.41', name = 'seed-labs.json'): RecordedFixture {
  return JSON.parse(readFileSync(path.join(FIXTURES_FOLDER, version, name), 'utf8')) as RecordedFixture;
}

/** The snapshot a refresh would produce (2 list calls). */
export function snapshotOf(fixture: RecordedFixture): EngineSnapshot {
  if (fixture.swarm) {
    const { nodes, tasks, services, info } = fixture.swarm;
    return { networks: fixture.networks, containers: fixture.containers, swarm: { nodes, tasks, services, info } };
  }
  if (fixture.info?.Swarm?.LocalNodeState === 'active') {
    // A worker: no swarm lists, only its role from /info.
    return { networks: fixture.networks, containers: fixture.containers, swarm: { nodes: [], tasks: [], services: [], info: fixture.info.Swarm } };
  }
  if (fixture.podmanNetworks) {
    const modes = fixture.podmanContainers ? { podmanContainers: fixture.podmanContainers, podmanNetworkModes: fixture.podmanNetworkModes ?? {} } : {};
    return { networks: fixture.networks, containers: fixture.containers, podmanNetworks: fixture.podmanNetworks, ...modes };
  }
  return { networks: fixture.networks, containers: fixture.containers };
}

/** Endpoint names as known after every container of the fixture was inspected. */
export function recordedNames(fixture: RecordedFixture, inventory: Inventory): EndpointNamesLookup {
  return namesFromInspections(inventory, (id) => fixture.containerDetails[id]);
}
