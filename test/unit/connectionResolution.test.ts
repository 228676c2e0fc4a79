import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import {
  ConnectionResolutionError,
  ContextMeta,
  missingTlsFile,
  parseDockerHost,
  resolveEngineTarget,
  ResolutionInputs,
  tlsFromEnvironment,
} from '../../src/model/connectionResolution';
import { describeTargetOrigin } from '../../src/engine/connection';

const contexts: Record<string, ContextMeta> = {
  remote: { name: 'remote', host: 'ssh://deploy@build.example:2222', skipTlsVerify: false },
  insecure: { name: 'insecure', host: 'tcp://10.0.0.6', skipTlsVerify: true },
  insecureWithCa: { name: 'insecureWithCa', host: 'tcp://10.0.0.7:2376', skipTlsVerify: true, tlsFolder: '/cfg/contexts/tls/def/docker' },
  plain: { name: 'plain', host: 'tcp://10.0.0.8', skipTlsVerify: false },
  secure: { name: 'secure', host: 'tcp://10.0.0.5:2376', skipTlsVerify: false, tlsFolder: '/cfg/contexts/tls/abc/docker' },
};

function inputs(overrides: Partial<ResolutionInputs>): ResolutionInputs {
  return {
    env: { HOME: '/home/u' },
    platform: 'linux',
    findContext: (name) => contexts[name],
    socketExists: (path) => path === '/var/run/docker.sock',
    ...overrides,
  };
}

describe('engine connection resolution', () => {
  test('the setting wins over everything', () => {
    const target = resolveEngineTarget(inputs({ setting: 'tcp://127.0.0.1:2375', env: { DOCKER_HOST: 'unix:///x.sock', DOCKER_CONTEXT: 'remote' } }));
    assert.equal(target.source, 'setting');
    assert.equal(target.protocol, 'tcp');
    assert.equal(target.port, 2375);
  });

  test('DOCKER_HOST with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH', () => {
    const target = resolveEngineTarget(inputs({ env: { DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' } }));
    assert.equal(target.source, 'environment');
    assert.deepEqual(target.tls, { verify: true, origin: 'environment', ca: '/certs/ca.pem', cert: '/certs/cert.pem', key: '/certs/key.pem' });
  });

  test('DOCKER_CONTEXT beats the config current context; ssh contexts parse user and port', () => {
    const target = resolveEngineTarget(inputs({ env: { DOCKER_CONTEXT: 'remote' }, configCurrentContext: 'secure' }));
    assert.equal(target.source, 'context');
    assert.equal(target.contextName, 'remote');
    assert.equal(target.protocol, 'ssh');
    assert.equal(target.username, 'deploy');
    assert.equal(target.port, 2222);
  });

  test('the current context of config.json, with its TLS material', () => {
    const target = resolveEngineTarget(inputs({ configCurrentContext: 'secure' }));
    assert.equal(target.contextName, 'secure');
    assert.equal(target.tls?.ca, '/cfg/contexts/tls/abc/docker/ca.pem');
    assert.equal(target.tls?.verify, true);
  });

  test('"default" context and no settings: the first default socket that exists', () => {
    const target = resolveEngineTarget(inputs({ configCurrentContext: 'default' }));
    assert.equal(target.source, 'default');
    assert.equal(target.socketPath, '/var/run/docker.sock');
    const rootless = resolveEngineTarget(inputs({ env: { XDG_RUNTIME_DIR: '/run/user/1000' }, socketExists: (p) => p === '/run/user/1000/docker.sock' }));
    assert.equal(rootless.socketPath, '/run/user/1000/docker.sock');
    const windows = resolveEngineTarget(inputs({ platform: 'win32' }));
    assert.equal(windows.protocol, 'npipe');
    assert.equal(windows.socketPath, '//./pipe/docker_engine');
  });

  test("Podman's sockets are found like Docker's default one, only when no Docker socket is there; the log says which and why", () => {
    const env = { HOME: '/home/u', XDG_RUNTIME_DIR: '/run/user/1000' };
    const rootful = resolveEngineTarget(inputs({ env, socketExists: (p) => p === '/run/podman/podman.sock' }));
    assert.equal(rootful.host, 'unix:///run/podman/podman.sock');
    assert.equal(rootful.source, 'default');
    assert.equal(
      `engine: ${rootful.host} (${describeTargetOrigin(rootful)})`,
      "engine: unix:///run/podman/podman.sock (from default: Podman's socket (podman system service, rootful); absent: /var/run/docker.sock, /run/user/1000/docker.sock, /home/u/.docker/run/docker.sock, /home/u/.docker/desktop/docker.sock)",
    );
    const rootless = resolveEngineTarget(inputs({ env, socketExists: (p) => p === '/run/user/1000/podman/podman.sock' }));
    assert.equal(rootless.socketPath, '/run/user/1000/podman/podman.sock');
    assert.match(describeTargetOrigin(rootless), /^from default: Podman's rootless socket \(podman system service\); absent: \/var\/run\/docker\.sock, .*\/run\/podman\/podman\.sock$/);
    // Docker's default socket, when there, is taken before Podman's.
    const both = resolveEngineTarget(inputs({ env, socketExists: (p) => p === '/var/run/docker.sock' || p.endsWith('podman.sock') }));
    assert.equal(both.socketPath, '/var/run/docker.sock');
    assert.equal(describeTargetOrigin(both), "from default: Docker's default socket");
    // Docker's socket there but not this user's (not in the docker group), rootless Podman running: Podman's,
    // and the log says why Docker's was passed over.
    const denied = resolveEngineTarget(inputs({ env, socketExists: (p) => p === '/var/run/docker.sock' || p === '/run/user/1000/podman/podman.sock', socketUsable: (p) => p !== '/var/run/docker.sock' }));
    assert.equal(denied.socketPath, '/run/user/1000/podman/podman.sock');
    assert.match(describeTargetOrigin(denied), /^from default: Podman's rootless socket \(podman system service\); absent: \/run\/user\/1000\/docker\.sock, .*; no permission: \/var\/run\/docker\.sock$/);
    assert.doesNotMatch(describeTargetOrigin(denied).split('; no permission')[0], /\/var\/run\/docker\.sock/, 'an existing socket is not called absent');
    // None usable: the first that exists, so its own permission error is what the user sees.
    const noneUsable = resolveEngineTarget(inputs({ env, socketExists: (p) => p === '/var/run/docker.sock' || p === '/run/podman/podman.sock', socketUsable: () => false }));
    assert.equal(noneUsable.socketPath, '/var/run/docker.sock');
    assert.equal(describeTargetOrigin(noneUsable), "from default: Docker's default socket");
    // Never in place of what the user configured.
    const configured = resolveEngineTarget(inputs({ env: { ...env, DOCKER_HOST: 'tcp://10.0.0.9:2375' }, socketExists: (p) => p.endsWith('podman.sock') }));
    assert.equal(configured.host, 'tcp://10.0.0.9:2375');
    assert.equal(describeTargetOrigin(configured), 'from environment');
    const none = resolveEngineTarget(inputs({ env, socketExists: () => false }));
    assert.equal(none.socketPath, '/var/run/docker.sock');
    assert.match(describeTargetOrigin(none), /^from default: no default socket exists, trying Docker's default socket; absent: .*\/run\/user\/1000\/podman\/podman\.sock$/);
  });

  test('an unknown context and a malformed host are reported, not guessed', () => {
    assert.throws(() => resolveEngineTarget(inputs({ env: { DOCKER_CONTEXT: 'nope' } })), (e: unknown) => e instanceof ConnectionResolutionError && e.reason === 'unknownContext');
    assert.throws(() => parseDockerHost('ftp://x'), (e: unknown) => e instanceof ConnectionResolutionError && e.reason === 'badHost');
    assert.throws(() => parseDockerHost('not a url'), ConnectionResolutionError);
  });

  test('unix and npipe hosts', () => {
    assert.equal(parseDockerHost('unix:///run/docker.sock').socketPath, '/run/docker.sock');
    assert.equal(parseDockerHost('npipe:////./pipe/docker_engine').protocol, 'npipe');
  });

  describe('TLS like the docker CLI (cli/flags/options.go, opts/hosts.go)', () => {
    const fromEnv = (env: Record<string, string>, host = 'tcp://engine.example') =>
      resolveEngineTarget(inputs({ env: { HOME: '/home/u', DOCKER_HOST: host, ...env } }));

    test('DOCKER_TLS_VERIFY set to any non-empty value, even "0" or "false", means TLS and verify', () => {
      for (const value of ['1', '0', 'false', 'no']) {
        const target = fromEnv({ DOCKER_TLS_VERIFY: value, DOCKER_CERT_PATH: '/certs' });
        assert.equal(target.tls?.verify, true, `DOCKER_TLS_VERIFY=${value}`);
        assert.equal(target.port, 2376, 'TLS: the default port is 2376');
      }
      const empty = fromEnv({ DOCKER_TLS_VERIFY: '', DOCKER_CERT_PATH: '/certs' });
      assert.equal(empty.tls, undefined, 'an empty value is unset');
      assert.equal(empty.port, 2375, 'no TLS: the default port is 2375');
    });

    test('DOCKER_TLS alone: TLS without verifying; DOCKER_CERT_PATH alone does not turn TLS on', () => {
      const tlsOnly = fromEnv({ DOCKER_TLS: '1' });
      assert.deepEqual(tlsOnly.tls, { verify: false, origin: 'environment', ca: '/home/u/.docker/ca.pem', cert: '/home/u/.docker/cert.pem', key: '/home/u/.docker/key.pem' });
      assert.equal(fromEnv({ DOCKER_CERT_PATH: '/certs' }).tls, undefined);
      assert.equal(fromEnv({ DOCKER_TLS: '1', DOCKER_TLS_VERIFY: '1' }).tls?.verify, true);
    });

    test('the certificate folder: DOCKER_CERT_PATH, else DOCKER_CONFIG, else ~/.docker', () => {
      assert.equal(fromEnv({ DOCKER_TLS_VERIFY: '1', DOCKER_CONFIG: '/cfg' }).tls?.ca, '/cfg/ca.pem');
      assert.equal(fromEnv({ DOCKER_TLS_VERIFY: '1', DOCKER_CONFIG: '/cfg', DOCKER_CERT_PATH: '/certs' }).tls?.key, '/certs/key.pem');
      assert.equal(fromEnv({ DOCKER_TLS_VERIFY: '1' }).tls?.cert, '/home/u/.docker/cert.pem');
    });

    test('an https:// host means TLS (verified) even without variables; port 2376 by default', () => {
      const target = fromEnv({}, 'https://engine.example');
      assert.equal(target.protocol, 'tcp');
      assert.equal(target.port, 2376);
      assert.deepEqual(target.tls, { verify: true, origin: 'scheme', ca: '/home/u/.docker/ca.pem', cert: '/home/u/.docker/cert.pem', key: '/home/u/.docker/key.pem' });
      assert.equal(fromEnv({}, 'https://engine.example:9443').port, 9443);
      assert.equal(fromEnv({ DOCKER_TLS: '1' }, 'https://engine.example').tls?.verify, false, 'DOCKER_TLS alone still skips verification');
      assert.equal(fromEnv({}, 'tcp://engine.example').tls, undefined);
      assert.equal(fromEnv({}, 'http://engine.example').tls, undefined);
    });

    test('TLS variables without any host: tcp://localhost:2376, as the CLI (a context still wins)', () => {
      const target = resolveEngineTarget(inputs({ env: { HOME: '/home/u', DOCKER_TLS: '1' } }));
      assert.equal(target.host, 'tcp://localhost:2376');
      assert.equal(target.port, 2376);
      assert.equal(target.tls?.verify, false);
      assert.equal(resolveEngineTarget(inputs({ env: { DOCKER_TLS_VERIFY: '1' }, configCurrentContext: 'remote' })).protocol, 'ssh');
    });

    test('the setting follows the same TLS rules as DOCKER_HOST; unix and ssh hosts never get TLS', () => {
      const target = resolveEngineTarget(inputs({ setting: 'tcp://h', env: { HOME: '/home/u', DOCKER_TLS_VERIFY: '0' } }));
      assert.equal(target.tls?.verify, true);
      assert.equal(target.port, 2376);
      assert.equal(tlsFromEnvironment({ DOCKER_TLS_VERIFY: '1' }, 'unix:///var/run/docker.sock'), undefined);
      assert.equal(tlsFromEnvironment({ DOCKER_TLS_VERIFY: '1' }, 'ssh://u@h'), undefined);
    });

    test("contexts: TLS when the context stores TLS material or SkipTLSVerify, verified unless SkipTLSVerify", () => {
      const insecure = resolveEngineTarget(inputs({ env: { DOCKER_CONTEXT: 'insecure' } }));
      assert.deepEqual(insecure.tls, { verify: false, origin: 'context' });
      assert.equal(insecure.port, 2376);
      const withCa = resolveEngineTarget(inputs({ env: { DOCKER_CONTEXT: 'insecureWithCa' } }));
      assert.equal(withCa.tls?.verify, false);
      assert.equal(withCa.tls?.ca, '/cfg/contexts/tls/def/docker/ca.pem');
      const plain = resolveEngineTarget(inputs({ env: { DOCKER_CONTEXT: 'plain' } }));
      assert.equal(plain.tls, undefined);
      assert.equal(plain.port, 2375);
    });

    test('missing files: the CA when verifying with the variables, and half a client key pair; never optional ones', () => {
      const tls = tlsFromEnvironment({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/c' }, 'tcp://h')!;
      const only = (...files: string[]) => (file: string) => files.includes(file);
      assert.equal(missingTlsFile(tls, only('/c/cert.pem', '/c/key.pem')), '/c/ca.pem');
      assert.equal(missingTlsFile(tls, only('/c/ca.pem')), undefined, 'no client pair at all: sent without one, like the CLI');
      assert.equal(missingTlsFile(tls, only('/c/ca.pem', '/c/cert.pem')), '/c/key.pem');
      assert.equal(missingTlsFile(tls, only('/c/ca.pem', '/c/key.pem')), '/c/cert.pem');
      assert.equal(missingTlsFile({ ...tls, verify: false }, only()), '/c/ca.pem', 'docker 28 reads the CA even without verifying');
      const scheme = tlsFromEnvironment({ HOME: '/h' }, 'https://h')!;
      assert.equal(missingTlsFile(scheme, only()), undefined, 'https:// without files: the system CAs');
      assert.equal(missingTlsFile(undefined, only()), undefined);
    });
  });
});
