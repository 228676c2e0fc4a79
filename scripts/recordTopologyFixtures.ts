/**
 * Records the topology fixtures from the real engine and the real host (root): it builds the seed
 * labs with test/engine/probeSeed.ts (hand-made veth, swarm overlay, macvlan included), reads the
 * Engine API JSON and the host probe's facts at both levels (netns via nsenter + `ip -j -d addr`,
 * and sysfs/procfs, read as the unprivileged user nobody as a user without root would), keeps only what belongs to the seed (other containers running on this engine
 * are left out), writes test/fixtures/engine-<api>/topology-seed.json, then removes everything.
 *
 *   npx tsc -p test/tsconfig.json && node out/scripts/recordTopologyFixtures.js
 *
 * Never edit the JSON by hand: re-record it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ContainerInspectJson, ContainerSummaryJson, NetworkJson } from '../src/model/dockerTypes';
import type { HostFacts, NamespaceFact, SandboxInfo } from '../src/model/topology/facts';
import { probeHost } from '../src/probe/hostProbe';
import { engineGet } from '../test/support/dockerCli';
import { buildSeed, Seed, teardownSeed } from '../test/engine/probeSeed';
import { probeAsUnprivilegedUser } from '../test/engine/unprivilegedProbe';

const LABEL = 'dne.fixture';
const PREFIX = 'dnefix-';

function keepFacts(facts: HostFacts, keptContainers: Set<string>, keptBridges: Set<string>, seed: Seed): HostFacts {
  const namespaces: NamespaceFact[] = [];
  const uplinks = new Set((facts.defaultRoutes ?? []).map((route) => route.interface));
  // The seed's own host links: the hand-made veths, the macvlan parent and its peer, the veth into the named namespace.
  const seedLinks = new Set([seed.hostVeth, seed.devVeth, seed.dummy, seed.netnsVeth]);
  const host = facts.namespaces.find((ns) => ns.kind === 'host')!;
  const dummyIndex = host.links.find((link) => link.name === seed.dummy)?.ifindex;
  for (const ns of facts.namespaces) {
    if (ns.kind === 'host') {
      const links = ns.links.filter(
        (link) =>
          link.kind === 'loopback' ||
          keptBridges.has(link.name) ||
          (link.master && keptBridges.has(link.master)) ||
          seedLinks.has(link.name) ||
          (dummyIndex !== undefined && link.linkIndex === dummyIndex) ||
          uplinks.has(link.name),
      );
      namespaces.push({ ...ns, links });
    } else if (ns.kind === 'container' ? ns.containerIds.some((id) => keptContainers.has(id)) : ns.kind === 'named' ? ns.name === seed.netns : ns.kind !== 'other') {
      namespaces.push(ns);
    }
  }
  return { ...facts, namespaces, warnings: [] };
}

async function record(seed: Seed): Promise<void> {
  const version = await engineGet<{ ApiVersion: string; Version: string }>('/version');
  const allNetworks = await engineGet<NetworkJson[]>('/networks');
  const allContainers = await engineGet<ContainerSummaryJson[]>('/containers/json?all=1');
  const containers = allContainers.filter((container) => (container.Names ?? []).some((name) => name.startsWith(`/${PREFIX}`)));
  const networks = allNetworks.filter((network) => network.Name.startsWith(PREFIX) || ['bridge', 'host', 'none', 'ingress', 'docker_gwbridge'].includes(network.Name));
  const containerDetails: Record<string, ContainerInspectJson> = {};
  for (const container of containers) {
    containerDetails[container.Id] = await engineGet<ContainerInspectJson>(`/containers/${container.Id}/json`);
  }
  const sandboxes: SandboxInfo[] = containers
    // As the panel asks (collect.ts): one sandbox per stack, `container:` guests read through their owner.
    .filter((container) => container.State === 'running' && container.HostConfig?.NetworkMode !== 'host' && !container.HostConfig?.NetworkMode?.startsWith('container:'))
    .map((container) => ({
      containerId: container.Id,
      pid: containerDetails[container.Id].State?.Pid || undefined,
      sandboxKey: containerDetails[container.Id].NetworkSettings?.SandboxKey || undefined,
    }));
  const keptContainers = new Set(containers.map((container) => container.Id));
  const keptBridges = new Set(
    networks
      .filter((network) => network.Driver === 'bridge')
      .map((network) => network.Options?.['com.docker.network.bridge.name'] || (network.Name === 'bridge' ? 'docker0' : `br-${network.Id.slice(0, 12)}`)),
  );
  const netns = keepFacts(await probeHost({ local: true, sandboxes }), keptContainers, keptBridges, seed);
  const sysfs = keepFacts(probeAsUnprivilegedUser(sandboxes), keptContainers, keptBridges, seed);
  const folder = path.join(__dirname, '..', '..', 'test', 'fixtures', `engine-${version.ApiVersion}`);
  mkdirSync(folder, { recursive: true });
  const fixture = {
    recordedWith: { engine: version.Version, apiVersion: version.ApiVersion, script: 'scripts/recordTopologyFixtures.ts', prefix: PREFIX },
    networks,
    containers,
    containerDetails,
    sandboxes,
    facts: { netns, sysfs },
  };
  writeFileSync(path.join(folder, 'topology-seed.json'), JSON.stringify(fixture, null, 2) + '\n');
  console.log(`recorded ${networks.length} networks, ${containers.length} containers, ${netns.namespaces.length} namespaces into ${folder}`);
}

async function main(): Promise<void> {
  await teardownSeed(undefined, LABEL, PREFIX);
  let seed: Seed | undefined;
  try {
    seed = await buildSeed({ prefix: PREFIX, label: LABEL });
    await record(seed);
  } finally {
    await teardownSeed(seed, LABEL, PREFIX);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
