/**
 * Engine tier for TLS engines: the extension's own resolver, EngineClient and EngineSession
 * against a real TLS endpoint (socat with certificates openssl made for the test, in front of the
 * local engine; test/support/tlsEndpoint.ts). What connects, what is refused and with which
 * sentence, like the docker CLI would.
 */
import { strict as assert } from 'node:assert';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../../src/cli';
import { cliTranslator } from '../../src/messages/translator';
import { tlsFailureMessage as translatedMessage } from '../../src/messages/tlsErrorMessages';
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import { EngineSession } from '../../src/engine/engineSession';
import type { EngineEventJson } from '../../src/model/dockerTypes';
import { classifyTlsFailure, TlsFailure } from '../../src/model/tlsFailure';
import { dockerExecRunner } from '../../src/engine/reachability/runners';
import { runScriptAsUser, sharedTempFolder, UNPRIVILEGED_USER } from '../support/asUser';
import { createNetwork, docker, removeLabelled, runContainer } from '../support/dockerCli';
import { makeTlsMaterial, removeTlsMaterial, startTlsEndpoint, TlsEndpoint, TlsMaterial } from '../support/tlsEndpoint';
import { waitFor } from '../support/waitFor';

const LABEL = 'dne.test.tls';
const PREFIX = 'dnet-tls-';

describe('TLS engines against a real TLS endpoint', () => {
  let material: TlsMaterial;
  let scratch: string;
  const endpoints: Record<'good' | 'otherCa' | 'wrongSan' | 'plain', TlsEndpoint> = {} as never;
  const sessions: EngineSession[] = [];
  /** The sentence the user sees, in English (the CLI's translator formats like vscode.l10n). */
  const tlsFailureMessage = (failure: TlsFailure) => translatedMessage(failure, cliTranslator('en'));
  /** A folder with the given files of the client side (ca.pem, cert.pem, key.pem). */
  const certFolder = (name: string, files: Record<string, string>) => {
    const folder = path.join(scratch, name);
    mkdirSync(folder, { recursive: true });
    for (const [target, source] of Object.entries(files)) {
      copyFileSync(source, path.join(folder, target));
    }
    return folder;
  };
  const client = () => ({ 'ca.pem': material.ca, 'cert.pem': path.join(material.clientFolder, 'cert.pem'), 'key.pem': path.join(material.clientFolder, 'key.pem') });
  /** The environment of a shell with only these docker variables (HOME is an empty folder). */
  const env = (vars: Record<string, string>) => ({ PATH: process.env.PATH, HOME: path.join(scratch, 'home'), ...vars });

  async function connect(vars: Record<string, string>, contextName?: string) {
    const log: string[] = [];
    const target = resolveTarget(undefined, contextName, env(vars));
    const session = new EngineSession(new EngineClient(target, 5000), { debounceMs: 50, log: (line) => log.push(line), minBackoffMs: 60_000 });
    sessions.push(session);
    const started = Date.now();
    await session.start();
    return { session, log, target, ms: Date.now() - started };
  }

  async function refusedWith(vars: Record<string, string>, check: TlsFailure['check']) {
    const { session, log } = await connect(vars);
    const state = session.state;
    assert.equal(state.kind, 'unreachable', `expected a refusal, got ${state.kind}`);
    assert.equal(state.kind === 'unreachable' && state.cause, 'tls');
    assert.equal(state.kind === 'unreachable' && state.tls?.check, check, state.kind === 'unreachable' ? state.detail : '');
    assert.ok(log.some((line) => line.includes(`tls: ${check}`)), log.join('\n'));
    return state.kind === 'unreachable' && state.tls ? tlsFailureMessage(state.tls) : '';
  }

  before(async () => {
    removeLabelled(LABEL);
    material = makeTlsMaterial();
    scratch = mkdtempSync(path.join(os.tmpdir(), 'dne-tls-env-'));
    mkdirSync(path.join(scratch, 'home'));
    endpoints.good = await startTlsEndpoint({ cert: material.serverCert, key: material.serverKey, ca: material.ca });
    endpoints.otherCa = await startTlsEndpoint({ cert: material.otherServerCert, key: material.otherServerKey, ca: material.ca });
    endpoints.wrongSan = await startTlsEndpoint({ cert: material.wrongSanCert, key: material.wrongSanKey, ca: material.ca });
    endpoints.plain = await startTlsEndpoint({ plain: true });
  });

  after(async () => {
    for (const session of sessions) {
      session.dispose();
    }
    for (const endpoint of Object.values(endpoints)) {
      await endpoint?.stop();
    }
    removeLabelled(LABEL);
    if (material) {
      removeTlsMaterial(material);
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  const host = (endpoint: TlsEndpoint, scheme = 'tcp', name = '127.0.0.1') => `${scheme}://${name}:${endpoint.port}`;

  test('verified TLS connects: the networks equal `docker network ls`, and an event arrives over TLS', async () => {
    const folder = certFolder('client', client());
    const { session, log, target, ms } = await connect({ DOCKER_HOST: host(endpoints.good), DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: folder });
    const local = await connect({ DOCKER_HOST: 'unix:///var/run/docker.sock' });
    console.log(`connect time over TLS (resolve, handshake, first refresh: list calls, version, info): ${ms} ms; same over the unix socket: ${local.ms} ms`);
    assert.equal(session.state.kind, 'connected', log.join('\n'));
    assert.equal(target.tls?.verify, true);
    assert.ok(!log.some((line) => /NOT VERIFIED/.test(line)));
    // Version and info come after the two list calls, on new connections: a resumed TLS session
    // that the server refuses would leave them unknown.
    assert.equal(session.state.kind === 'connected' && session.state.engineVersion, docker(['version', '--format', '{{.Server.Version}}']));
    const names = docker(['network', 'ls', '--format', '{{.Name}}']).split('\n').sort();
    assert.deepEqual(session.inventory!.networks.map((n) => n.name).sort(), names);
    const name = `${PREFIX}verified`;
    createNetwork(name, [], LABEL);
    await waitFor(`network ${name} in the tree (through an event over TLS)`, () => session.inventory?.networks.some((n) => n.name === name));
  });

  test('DOCKER_TLS_VERIFY=0 still means TLS and verify, like the docker CLI', async () => {
    const folder = certFolder('client0', client());
    const ok = await connect({ DOCKER_HOST: host(endpoints.good), DOCKER_TLS_VERIFY: '0', DOCKER_CERT_PATH: folder });
    assert.equal(ok.session.state.kind, 'connected');
    assert.equal(ok.target.tls?.verify, true);
    const message = await refusedWith({ DOCKER_HOST: host(endpoints.otherCa), DOCKER_TLS_VERIFY: '0', DOCKER_CERT_PATH: folder }, 'unknownCa');
    assert.match(message, /certificate authority that is not trusted/);
  });

  test('skip-verify (DOCKER_TLS without DOCKER_TLS_VERIFY) connects to a server whose CA is unknown, says so, and streams events', async () => {
    const folder = certFolder('clientSkip', client());
    const { session, log, target } = await connect({ DOCKER_HOST: host(endpoints.otherCa), DOCKER_TLS: '1', DOCKER_CERT_PATH: folder });
    assert.equal(session.state.kind, 'connected', log.join('\n'));
    assert.equal(target.tls?.verify, false);
    assert.ok(log.some((line) => /TLS NOT VERIFIED/.test(line)), log.join('\n'));
    assert.ok(session.state.kind === 'connected' && session.state.engineVersion, 'the engine version over unverified TLS');
    for (let i = 0; i < 3; i++) {
      await session.refresh();
      assert.equal(session.state.kind, 'connected', `refresh ${i + 1} over unverified TLS`);
    }
    const events: EngineEventJson[] = [];
    const subscription = await session.client.subscribe((event) => events.push(event), () => undefined);
    const name = `${PREFIX}skip`;
    createNetwork(name, [], LABEL);
    await waitFor(`the create event of ${name} over unverified TLS`, () => events.some((e) => e.Type === 'network' && e.Action === 'create' && e.Actor?.Attributes?.name === name));
    subscription.close();
  });

  test("a docker context with SkipTLSVerify connects the same way", async () => {
    const config = path.join(scratch, 'config-skip');
    const id = createHash('sha256').update('tls-skip').digest('hex');
    mkdirSync(path.join(config, 'contexts', 'meta', id), { recursive: true });
    writeFileSync(
      path.join(config, 'contexts', 'meta', id, 'meta.json'),
      JSON.stringify({ Name: 'tls-skip', Metadata: {}, Endpoints: { docker: { Host: host(endpoints.otherCa), SkipTLSVerify: true } } }),
    );
    const tlsFolder = path.join(config, 'contexts', 'tls', id, 'docker');
    mkdirSync(tlsFolder, { recursive: true });
    copyFileSync(client()['cert.pem'], path.join(tlsFolder, 'cert.pem'));
    copyFileSync(client()['key.pem'], path.join(tlsFolder, 'key.pem'));
    const { session, target, log } = await connect({ DOCKER_CONFIG: config }, 'tls-skip');
    assert.equal(target.source, 'context');
    assert.equal(target.tls?.verify, false);
    assert.equal(session.state.kind, 'connected', log.join('\n'));
  });

  test('an unknown CA is refused with the unknown-CA sentence', async () => {
    const folder = certFolder('clientUnknown', client());
    const message = await refusedWith({ DOCKER_HOST: host(endpoints.otherCa), DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: folder }, 'unknownCa');
    assert.equal(message, "TLS refused: the engine's certificate is signed by a certificate authority that is not trusted. Put the CA that signed it in ca.pem (DOCKER_CERT_PATH or the context's TLS folder).");
  });

  test('a certificate for another host name is refused with the host-name sentence', async () => {
    const folder = certFolder('clientSan', client());
    const message = await refusedWith({ DOCKER_HOST: host(endpoints.wrongSan), DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: folder }, 'hostName');
    assert.match(message, /does not name the host that was dialled/);
    // The good certificate names localhost too: dialling by that name works.
    const byName = await connect({ DOCKER_HOST: host(endpoints.good, 'tcp', 'localhost'), DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: folder });
    assert.equal(byName.session.state.kind, 'connected');
  });

  test('no client certificate, or one from another CA, is refused with the client-certificate sentence', async () => {
    const caOnly = certFolder('caOnly', { 'ca.pem': material.ca });
    const none = await refusedWith({ DOCKER_HOST: host(endpoints.good), DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: caOnly }, 'clientCert');
    assert.match(none, /requires a client certificate signed by a CA it trusts/);
    assert.ok(none.includes(path.join(caOnly, 'cert.pem')), none);
    const foreign = certFolder('foreign', { 'ca.pem': material.ca, 'cert.pem': material.otherServerCert, 'key.pem': material.otherServerKey });
    await refusedWith({ DOCKER_HOST: host(endpoints.good), DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: foreign }, 'clientCert');
  });

  test('plain HTTP sent to the TLS port, and TLS sent to a plain port, each say so', async () => {
    const plainToTls = await refusedWith({ DOCKER_HOST: host(endpoints.good) }, 'plainToTls');
    assert.match(plainToTls, /this port probably expects TLS/);
    const folder = certFolder('clientPlain', client());
    const tlsToPlain = await refusedWith({ DOCKER_HOST: host(endpoints.plain), DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: folder }, 'tlsToPlain');
    assert.match(tlsToPlain, /speaks plain HTTP, not TLS/);
  });

  test('a missing CA file is named before anything is sent', async () => {
    const empty = certFolder('empty', {});
    assert.throws(
      () => resolveTarget(undefined, undefined, env({ DOCKER_HOST: host(endpoints.good), DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: empty })),
      (error: unknown) => {
        const failure = classifyTlsFailure(error);
        assert.deepEqual(failure, { check: 'certFile', file: path.join(empty, 'ca.pem') });
        assert.equal(tlsFailureMessage(failure!), `TLS cannot start: the certificate file ${path.join(empty, 'ca.pem')} is missing. Check DOCKER_CERT_PATH (or the context's TLS folder).`);
        return true;
      },
    );
  });

  test('a ca.pem, cert.pem or key.pem that exists but cannot be read (a folder in its place) is named, never left out', async () => {
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) {
      const folder = certFolder(`unreadable-${file}`, client());
      rmSync(path.join(folder, file));
      mkdirSync(path.join(folder, file));
      const unreadable = path.join(folder, file);
      assert.throws(
        () => resolveTarget(undefined, undefined, env({ DOCKER_HOST: host(endpoints.good), DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: folder })),
        (error: unknown) => {
          const failure = classifyTlsFailure(error);
          assert.deepEqual(failure, { check: 'certFileUnreadable', file: unreadable, readError: 'EISDIR' });
          assert.equal(
            tlsFailureMessage(failure!),
            `TLS cannot start: the certificate file ${unreadable} exists but cannot be read (EISDIR). Fix its permissions, or remove it; it is not left out silently.`,
          );
          return true;
        },
        file,
      );
    }
  });

  test('as a user who may not read ca.pem (mode 000): the command line names the file, and the docker CLI refuses too', { skip: process.getuid?.() === 0 ? false : 'needs root to run as nobody' }, () => {
    const shared = sharedTempFolder();
    try {
      for (const [name, source] of Object.entries(client())) {
        copyFileSync(source, path.join(shared, name));
        chmodSync(path.join(shared, name), 0o644);
      }
      const ca = path.join(shared, 'ca.pem');
      chmodSync(ca, 0o000);
      const vars = { PATH: process.env.PATH ?? '', HOME: shared, LANG: 'C.UTF-8', LC_ALL: '', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: shared, DOCKER_HOST: host(endpoints.good) };
      const ours = runScriptAsUser(path.join(__dirname, '..', '..', '..', 'dist', 'cli.js'), ['diagram'], { env: vars });
      assert.equal(ours.status, 1, ours.stderr);
      assert.ok(ours.stderr.includes(`TLS cannot start: the certificate file ${ca} exists but cannot be read (EACCES).`), ours.stderr);
      // The docker CLI, as the same user, refuses the same folder (it does not fall back either).
      const cli = spawnSync('runuser', ['-u', UNPRIVILEGED_USER, '--', 'docker', 'version', '--format', '{{.Server.Version}}'], { env: vars, encoding: 'utf8', timeout: 30_000 });
      assert.notEqual(cli.status, 0, cli.stdout);
      assert.match(cli.stderr, /ca\.pem.*permission denied/i);
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });

  test('https://127.0.0.1:PORT with no TLS variable is TLS (files from the config folder)', async () => {
    const config = certFolder('config-https', client());
    const { session, target, log } = await connect({ DOCKER_HOST: host(endpoints.good, 'https'), DOCKER_CONFIG: config });
    assert.equal(target.tls?.origin, 'scheme');
    assert.equal(session.state.kind, 'connected', log.join('\n'));
    // Without the CA it is still TLS (refused for the unknown CA, not sent as plain HTTP).
    await refusedWith({ DOCKER_HOST: host(endpoints.good, 'https'), DOCKER_CONFIG: certFolder('config-empty', {}) }, 'unknownCa');
  });

  test('a password in the host URL is never logged', async () => {
    const folder = certFolder('clientSecret', client());
    const { session, log } = await connect({ DOCKER_HOST: `tcp://admin:s3cr3t-pw@127.0.0.1:${endpoints.good.port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: folder });
    assert.equal(session.state.kind, 'connected');
    const refused = await connect({ DOCKER_HOST: `tcp://admin:s3cr3t-pw@127.0.0.1:${endpoints.otherCa.port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: folder });
    const lines = [...log, ...refused.log];
    assert.ok(lines.some((line) => line.includes('tcp://admin:***@127.0.0.1')), lines.join('\n'));
    assert.ok(!lines.some((line) => line.includes('s3cr3t-pw')), lines.join('\n'));
  });

  test('the command line says which check failed, in English and in French', async () => {
    const folder = certFolder('clientCli', client());
    const variables: Record<string, string> = { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: folder, LC_ALL: 'C' };
    const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
    const run = async () => {
      let err = '';
      const code = await runCli(['diagram', '--host', `tcp://admin:s3cr3t-pw@127.0.0.1:${endpoints.otherCa.port}`], { out: () => undefined, err: (text) => (err += text) });
      return { code, err };
    };
    try {
      Object.assign(process.env, variables);
      const english = await run();
      assert.equal(english.code, 1);
      assert.ok(english.err.includes('TLS refused: the engine\'s certificate is signed by a certificate authority that is not trusted.'), english.err);
      assert.ok(!english.err.includes('s3cr3t-pw'), english.err);
      process.env.LC_ALL = 'fr_FR.UTF-8';
      const french = await run();
      assert.ok(french.err.includes('TLS refusé\u00a0: le certificat du moteur est signé par une autorité de certification qui n\'est pas reconnue.'), french.err);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  test("the connectivity doctor's docker exec runs over TLS too (hijacked exec stream)", async () => {
    const folder = certFolder('clientExec', client());
    const target = resolveTarget(undefined, undefined, env({ DOCKER_HOST: host(endpoints.good), DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: folder }));
    const id = runContainer(`${PREFIX}exec`, [], LABEL);
    const engine = new EngineClient(target, 5000);
    const result = await dockerExecRunner(engine, id).run('echo', ['over-tls'], 10_000);
    engine.dispose();
    assert.deepEqual({ code: result.code, output: result.output }, { code: 0, output: 'over-tls' });
  });
});
