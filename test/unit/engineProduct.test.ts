/**
 * The engine named as what it is, from its own GET /version recorded from the real engines
 * (scripts/recordEngineVersion.ts): Docker 20.10, and Podman 4.3 serving the Docker-compatible API
 * (`podman system service`), which must not be called Docker in the views' header.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { engineProduct, engineTitle, type VersionFacts } from '../../src/model/engineProduct';

const root = path.join(__dirname, '..', '..', '..');
const recorded = (folder: string) => JSON.parse(readFileSync(path.join(root, 'test', 'fixtures', folder, 'version.json'), 'utf8')) as VersionFacts;

test('Docker 20.10 is named Docker, with its version', () => {
  const version = recorded('engine-1.41');
  assert.equal(engineProduct(version), 'Docker');
  assert.equal(engineTitle(engineProduct(version), version.Version), `Docker ${version.Version}`);
  assert.match(version.Version ?? '', /^20\.10\./);
});

test('Podman through its Docker-compatible API is named Podman, with its own version', () => {
  const version = recorded('podman-4.3');
  assert.equal(engineProduct(version), 'Podman');
  assert.equal(engineTitle(engineProduct(version), version.Version), 'Podman 4.3.1');
});

test('an engine whose version is not known is Docker ?, as before', () => {
  assert.equal(engineTitle(engineProduct(undefined), undefined), 'Docker ?');
});
