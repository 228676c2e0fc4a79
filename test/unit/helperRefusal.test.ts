/**
 * Whether the helper observation level is refused, decided from GET /info as real engines answer it
 * (test/fixtures/helper-refusal/, recorded by scripts/recordHelperRefusalInfo.ts): Docker 20.10 and
 * 28.5 rootful, Docker 20.10 rootless, both with --userns-remap, Podman 4.3 rootful and rootless.
 * Where the engine itself was asked to run what the helper would send, its recorded answer is
 * checked too, so a refusal here is one the engine would have made (or, for rootless Podman, a
 * helper that would read the wrong host).
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { helperObservationRefusal, securityOptionNames, type EngineInfoForHelper, type HelperRefusal } from '../../src/model/helperRefusal';

const FOLDER = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'helper-refusal');

interface Recorded {
  recordedWith: { engine: string; daemonArgs?: string[] };
  info: EngineInfoForHelper & { OperatingSystem?: string; ServerVersion?: string };
  helperRun?: { hostConfig: Record<string, unknown>; answer: { stage: 'create' | 'start'; statusCode?: number; message: string } };
}

const recorded = (file: string) => JSON.parse(readFileSync(path.join(FOLDER, file), 'utf8')) as Recorded;

/** Every recorded engine and what the helper level makes of it. */
const EXPECTED: Record<string, HelperRefusal | undefined> = {
  'docker-20.10.json': undefined,
  'docker-28.5.json': undefined,
  'docker-20.10-rootless.json': 'rootless',
  'docker-20.10-userns-remap.json': 'usernsRemap',
  'docker-28.5-userns-remap.json': 'usernsRemap',
  'podman-4.3.json': undefined,
  'podman-4.3-rootless.json': 'podmanRootless',
};

describe('helper observation refusal, from recorded engines', () => {
  test('every recorded engine is classified here (a new recording must say what it expects)', () => {
    assert.deepEqual(readdirSync(FOLDER).filter((name) => name.endsWith('.json')).sort(), Object.keys(EXPECTED).sort());
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    test(`${file}: ${expected ?? 'offered'}`, () => {
      const fixture = recorded(file);
      assert.equal(fixture.info.OSType, 'linux', 'recorded from a Linux engine');
      assert.equal(helperObservationRefusal(fixture.info), expected);
    });
  }

  test('Docker with --userns-remap says name=userns, and refuses the helper\'s create request itself', () => {
    for (const file of ['docker-20.10-userns-remap.json', 'docker-28.5-userns-remap.json']) {
      const fixture = recorded(file);
      assert.deepEqual(fixture.recordedWith.daemonArgs, ['--userns-remap=default']);
      assert.ok(securityOptionNames(fixture.info.SecurityOptions).includes('userns'), file);
      assert.deepEqual(fixture.helperRun?.hostConfig, { Privileged: true, PidMode: 'host', NetworkMode: 'host' });
      assert.equal(fixture.helperRun?.answer.stage, 'create', file);
      assert.equal(fixture.helperRun?.answer.statusCode, 400, file);
      assert.match(fixture.helperRun?.answer.message ?? '', /privileged mode is incompatible with user namespaces/, file);
    }
  });

  test('rootless Docker says name=rootless, creates the helper but cannot start it (the host\'s /proc)', () => {
    const fixture = recorded('docker-20.10-rootless.json');
    assert.ok(securityOptionNames(fixture.info.SecurityOptions).includes('rootless'));
    assert.equal(fixture.helperRun?.answer.stage, 'start');
    assert.match(fixture.helperRun?.answer.message ?? '', /error mounting "proc" to rootfs at "\/proc".*operation not permitted/);
  });

  test('rootless Podman is told only by its Rootless field: its SecurityOptions do not say rootless', () => {
    const rootless = recorded('podman-4.3-rootless.json');
    assert.equal(rootless.info.Rootless, true);
    assert.deepEqual(securityOptionNames(rootless.info.SecurityOptions).filter((name) => name === 'rootless'), []);
    assert.equal(recorded('podman-4.3.json').info.Rootless, false);
  });

  test('the rootful engines list only their confinement options (seccomp), nothing that refuses', () => {
    for (const file of ['docker-20.10.json', 'docker-28.5.json', 'podman-4.3.json']) {
      assert.deepEqual(securityOptionNames(recorded(file).info.SecurityOptions), ['seccomp'], file);
    }
  });
});

describe('helper observation refusal, cases this Linux machine cannot record (a recorded /info with one field changed)', () => {
  const docker28 = () => recorded('docker-28.5.json').info;

  test('Windows: the recorded Docker 28.5 /info with only OSType set to "windows" is refused as windows', () => {
    assert.equal(helperObservationRefusal({ ...docker28(), OSType: 'windows' }), 'windows');
  });

  test('another operating system: the recorded Docker 28.5 /info with only OSType changed is refused as notLinux', () => {
    assert.equal(helperObservationRefusal({ ...docker28(), OSType: 'freebsd' }), 'notLinux');
  });

  test('Windows wins over the other reasons: the recorded userns-remap /info with only OSType set to "windows"', () => {
    assert.equal(helperObservationRefusal({ ...recorded('docker-28.5-userns-remap.json').info, OSType: 'windows' }), 'windows');
  });

  test('Docker Desktop (Linux in a VM): the recorded Docker 28.5 /info with only OperatingSystem set to "Docker Desktop" is offered', () => {
    const desktop = { ...docker28(), OperatingSystem: 'Docker Desktop' };
    assert.equal(helperObservationRefusal(desktop), undefined);
  });

  test('an engine that does not say its OSType is not refused on that ground (the recorded /info without OSType)', () => {
    const { OSType: _dropped, ...withoutOs } = docker28();
    assert.equal(helperObservationRefusal(withoutOs), undefined);
    const { OSType: _also, ...usernsWithoutOs } = recorded('docker-20.10-userns-remap.json').info;
    assert.equal(helperObservationRefusal(usernsWithoutOs), 'usernsRemap');
  });

  test('engines before API 1.25 listed bare option names: the recorded userns-remap /info with its options written that way', () => {
    const info = recorded('docker-20.10-userns-remap.json').info;
    const bare = securityOptionNames(info.SecurityOptions);
    assert.deepEqual(bare, ['seccomp', 'userns']);
    assert.equal(helperObservationRefusal({ ...info, SecurityOptions: bare }), 'usernsRemap');
    assert.equal(helperObservationRefusal({ ...info, SecurityOptions: null }), undefined);
  });
});
