/**
 * Records `natural-order.json`, the fixture of the lists' order and states, from the real engine:
 * networks and containers whose names sort differently by characters (n1, n10, n11, n2) and
 * naturally (n1, n2, n10, n11), containers running, stopped and created (never started). Only what
 * it made (labelled `dne.fixture.order`) and the predefined networks are kept, so that other work
 * on a shared engine does not leak into it; everything it made is removed.
 *
 *   npm run compile-tests && node out/scripts/recordOrderFixtures.js
 *
 * Never edit the JSON by hand: re-record it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createNetwork, docker, engineGet, removeLabelled, runContainer } from '../test/support/dockerCli';

const LABEL = 'dne.fixture.order';
const PREDEFINED = new Set(['bridge', 'host', 'none']);

function build(): void {
  for (const name of ['ord-n1', 'ord-n2', 'ord-n10', 'ord-n11']) {
    createNetwork(name, [], LABEL);
  }
  runContainer('ord-c1', ['--network', 'ord-n1'], LABEL);
  runContainer('ord-c2', ['--network', 'ord-n2'], LABEL);
  runContainer('ord-c10', ['--network', 'ord-n10'], LABEL);
  runContainer('ord-c11', ['--network', 'ord-n1'], LABEL);
  docker(['stop', '-t', '0', 'ord-c11']);
  docker(['create', '--name', 'ord-c3', '--label', `${LABEL}=1`, '--network', 'ord-n11', 'local/busybox:latest', 'sleep', '100000']);
}

type Labelled = { Id: string; Name?: string; Labels?: Record<string, string> | null };

async function record(): Promise<void> {
  const version = await engineGet<{ ApiVersion: string; Version: string }>('/version');
  const mine = (entry: Labelled) => entry.Labels?.[LABEL] === '1';
  const networks = (await engineGet<Labelled[]>('/networks')).filter((network) => mine(network) || PREDEFINED.has(network.Name ?? ''));
  const containers = (await engineGet<Labelled[]>('/containers/json?all=1')).filter(mine);
  const containerDetails: Record<string, unknown> = {};
  for (const container of containers) {
    containerDetails[container.Id] = await engineGet(`/containers/${container.Id}/json`);
  }
  const networkDetails: Record<string, unknown> = {};
  for (const network of networks) {
    networkDetails[network.Id] = await engineGet(`/networks/${network.Id}`);
  }
  const info = await engineGet<Record<string, unknown>>('/info');
  const folder = path.join(__dirname, '..', '..', 'test', 'fixtures', `engine-${version.ApiVersion}`);
  mkdirSync(folder, { recursive: true });
  const fixture = {
    recordedWith: { engine: version.Version, apiVersion: version.ApiVersion, script: 'scripts/recordOrderFixtures.ts' },
    info: { Name: info.Name, ServerVersion: info.ServerVersion, OSType: info.OSType, Swarm: info.Swarm, Plugins: info.Plugins },
    networks,
    containers,
    containerDetails,
    networkDetails,
  };
  writeFileSync(path.join(folder, 'natural-order.json'), JSON.stringify(fixture, null, 2) + '\n');
  console.log(`recorded ${networks.length} networks and ${containers.length} containers into ${folder}`);
}

async function main(): Promise<void> {
  removeLabelled(LABEL);
  try {
    build();
    await record();
  } finally {
    removeLabelled(LABEL);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
