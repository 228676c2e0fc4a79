/**
 * Records the engine's own GET /version answer (what engineProduct reads to name the engine) from
 * the engine at DOCKER_HOST (or the default socket) into test/fixtures/engine-<API version>/version.json,
 * or test/fixtures/podman-<major.minor>/version.json for Podman's Docker-compatible API.
 *
 *   npm run compile-tests && DOCKER_HOST=unix:///run/podman/podman.sock node out/scripts/recordEngineVersion.js
 *
 * Never edit the JSON by hand: re-record it.
 */
import Docker from 'dockerode';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { engineProduct } from '../src/model/engineProduct';

async function main(): Promise<void> {
  const socketPath = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');
  const version = (await new Docker({ socketPath }).version()) as { Version?: string; ApiVersion?: string; Components?: { Name?: string }[] };
  const folder = engineProduct(version) === 'Podman' ? `podman-${(version.Version ?? '').split('.').slice(0, 2).join('.')}` : `engine-${version.ApiVersion}`;
  const file = path.join(__dirname, '..', '..', 'test', 'fixtures', folder, 'version.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(version, null, 2) + '\n');
  console.log(`recorded ${engineProduct(version)} ${version.Version} into ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
