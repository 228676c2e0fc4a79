import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { ConnectionResolutionError, ContextMeta, parseDockerHost, resolveEngineTarget, ResolutionInputs } from '../../src/model/connectionResolution';

const contexts: Record<string, ContextMeta> = {
  remote: { name: 'remote', host: 'ssh://deploy@build.example:2222', skipTlsVerify: false },
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
    assert.deepEqual(target.tls, { verify: true, ca: '/certs/ca.pem', cert: '/certs/cert.pem', key: '/certs/key.pem' });
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

  test('an unknown context and a malformed host are reported, not guessed', () => {
    assert.throws(() => resolveEngineTarget(inputs({ env: { DOCKER_CONTEXT: 'nope' } })), (e: unknown) => e instanceof ConnectionResolutionError && e.reason === 'unknownContext');
    assert.throws(() => parseDockerHost('ftp://x'), (e: unknown) => e instanceof ConnectionResolutionError && e.reason === 'badHost');
    assert.throws(() => parseDockerHost('not a url'), ConnectionResolutionError);
  });

  test('unix and npipe hosts', () => {
    assert.equal(parseDockerHost('unix:///run/docker.sock').socketPath, '/run/docker.sock');
    assert.equal(parseDockerHost('npipe:////./pipe/docker_engine').protocol, 'npipe');
  });
});
