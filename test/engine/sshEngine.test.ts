/**
 * ssh:// engines against a real OpenSSH server (test/support/sshServer.ts) whose
 * `docker system dial-stdio` reaches the shared local engine: listing and events through our own
 * HTTP-over-SSH agent, the host key checked against known_hosts (unknown -> asked with the
 * fingerprint ssh-keygen prints; changed -> refused without asking), ~/.ssh/config aliases, a
 * passphrase asked once, and a port that never speaks SSH failing within the timeout.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseDockerHost } from '../../src/model/connectionResolution';
import type { EngineTarget } from '../../src/model/connectionResolution';
import type { EngineEventJson } from '../../src/model/dockerTypes';
import { SshConnectionError } from '../../src/model/sshErrors';
import { EngineClient } from '../../src/engine/engineClient';
import { EngineSession } from '../../src/engine/engineSession';
import type { SshFileLocations } from '../../src/engine/ssh/sshFiles';
import { checkReach } from '../../src/engine/reachability/checkReach';
import { dockerExecRunner } from '../../src/engine/reachability/runners';
import { createNetwork, docker, removeLabelled, runContainer } from '../support/dockerCli';
import { KEY_PASSPHRASE, SshTestServer, startSshServer } from '../support/sshServer';
import { sleep, waitFor } from '../support/waitFor';

const LABEL = 'dne.test.ssh';
const root = path.join(__dirname, '..', '..', '..');

/** The built command line (dist/cli.js) with another HOME (its ~/.ssh) and no SSH agent. */
function cli(args: string[], homeDir: string) {
  const env = { ...process.env, HOME: homeDir, LANG: 'C.UTF-8', LC_ALL: '', SSH_AUTH_SOCK: '' };
  const started = performance.now();
  const result = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), ...args], { encoding: 'utf8', timeout: 60_000, env });
  return { code: result.status, out: result.stdout, err: result.stderr, ms: performance.now() - started };
}

function targetOf(url: string): EngineTarget {
  return { source: 'setting', contextName: 'default', ...parseDockerHost(url) };
}

/** Prompts that record what they were asked and answer as told. */
function recordingPrompts(acceptHostKey: boolean, passphrase?: string) {
  const asked = { hostKeys: [] as { host: string; keyType: string; fingerprint: string }[], passphrases: [] as string[] };
  return {
    asked,
    prompts: {
      confirmHostKey: (host: string, keyType: string, fingerprint: string) => {
        asked.hostKeys.push({ host, keyType, fingerprint });
        return Promise.resolve(acceptHostKey);
      },
      passphrase: (file: string) => {
        asked.passphrases.push(file);
        return Promise.resolve(passphrase);
      },
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<SshConnectionError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SshConnectionError, `an SshConnectionError, got ${String(error)}`);
    return error;
  }
  assert.fail('the request should have failed');
}

describe('ssh:// engines against a real OpenSSH server', { skip: !existsSync('/usr/sbin/sshd') && 'openssh-server is not installed (scripts/ensure-system.sh installs it)' }, () => {
  let server: SshTestServer;
  let home: string;
  let files: SshFileLocations;
  let url: string;
  const clients: EngineClient[] = [];
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);

  const homes: string[] = [];

  /**
   * A home folder of its own (removed after the tests) with `.ssh/`: the plain key as the default
   * identity (id_ed25519) unless `defaultKey` is false, and the given config and known_hosts.
   */
  function sshHome(contents: { config?: string; knownHosts?: string; defaultKey?: boolean } = {}): string {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'dne-ssh-home-'));
    homes.push(folder);
    mkdirSync(path.join(folder, '.ssh'), { mode: 0o700 });
    if (contents.defaultKey !== false) {
      copyFileSync(server.plainKey, path.join(folder, '.ssh', 'id_ed25519'));
    }
    if (contents.config !== undefined) {
      writeFileSync(path.join(folder, '.ssh', 'config'), contents.config);
    }
    if (contents.knownHosts !== undefined) {
      writeFileSync(path.join(folder, '.ssh', 'known_hosts'), contents.knownHosts);
    }
    return folder;
  }

  /** The server's own host key line (type and base64). */
  const hostKeyLine = () => readFileSync(`${server.hostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');

  /** The known_hosts the first tests filled (the server's key, accepted). */
  const acceptedKnownHosts = () => readFileSync(path.join(home, '.ssh', 'known_hosts'), 'utf8');

  function client(target: string, options: ConstructorParameters<typeof EngineClient>[2], timeoutMs = 5000): EngineClient {
    const made = new EngineClient(targetOf(target), timeoutMs, options);
    clients.push(made);
    return made;
  }

  before(async () => {
    process.on('uncaughtException', onUncaught);
    server = await startSshServer();
    home = sshHome();
    files = { homeDir: home, agentSocket: '' };
    url = `ssh://${server.user}@127.0.0.1:${server.port}`;
  });

  after(async () => {
    process.off('uncaughtException', onUncaught);
    clients.forEach((made) => made.dispose());
    removeLabelled(LABEL);
    await server?.stop();
    homes.forEach((folder) => rmSync(folder, { recursive: true, force: true }));
    assert.deepEqual(uncaught, [], 'no uncaught exception');
  });

  test('an unknown host key asks with the fingerprint ssh-keygen prints; declined: nothing is sent', async () => {
    const { asked, prompts } = recordingPrompts(false);
    const error = await rejection(client(url, { sshPrompts: prompts, sshFiles: files }).ping());
    assert.equal(error.kind, 'hostKeyNotAccepted');
    assert.match(error.message, /not accepted/);
    assert.deepEqual(asked.hostKeys, [{ host: `[127.0.0.1]:${server.port}`, keyType: 'ssh-ed25519', fingerprint: server.hostFingerprint() }]);
    assert.equal(readFileSync(path.join(home, '.ssh', 'known_hosts'), { encoding: 'utf8', flag: 'a+' }), '');
  });

  test('accepted: known_hosts gets a hashed line and the next connection does not ask', async () => {
    const first = recordingPrompts(true);
    await client(url, { sshPrompts: first.prompts, sshFiles: files }).ping();
    assert.equal(first.asked.hostKeys.length, 1);
    const knownHosts = readFileSync(path.join(home, '.ssh', 'known_hosts'), 'utf8');
    assert.match(knownHosts, /^\|1\|[^|]+\|[^ ]+ ssh-ed25519 AAAA\S+\n$/);
    assert.ok(knownHosts.includes(readFileSync(`${server.hostKey}.pub`, 'utf8').split(' ')[1]), 'the server key itself');
    const second = recordingPrompts(false);
    await client(url, { sshPrompts: second.prompts, sshFiles: files }).ping();
    assert.deepEqual(second.asked.hostKeys, []);
  });

  test('lists the networks `docker network ls` lists and receives an event; connect time', async () => {
    const started = performance.now();
    const engine = client(url, { sshFiles: files });
    await engine.ping();
    const connectMs = performance.now() - started;
    const pingStarted = performance.now();
    await engine.ping();
    console.log(`SSH engine: connect + first ping ${connectMs.toFixed(0)} ms, next ping ${(performance.now() - pingStarted).toFixed(0)} ms`);
    const session = new EngineSession(engine, { debounceMs: 0, watch: false });
    await session.start();
    assert.deepEqual(
      session.inventory?.networks.filter((network) => ['bridge', 'host', 'none'].includes(network.name)).map((network) => network.name).sort(),
      ['bridge', 'host', 'none'],
    );
    session.dispose();
    // The engine is shared: other test files may add or remove networks meanwhile, so read both
    // sides again until they agree.
    let seen = '';
    await waitFor(
      'the networks over SSH to be those `docker network ls` lists',
      async () => {
        const cli = docker(['network', 'ls', '-q', '--no-trunc']).split('\n').sort();
        const ours = (await engine.listNetworks()).map((network) => network.Id).sort();
        seen = `cli ${cli.length}, ssh ${ours.length}`;
        return JSON.stringify(cli) === JSON.stringify(ours);
      },
      { timeoutMs: 15_000, intervalMs: 200, lastSeen: () => seen },
    );

    const events: EngineEventJson[] = [];
    const subscription = await engine.subscribe((event) => events.push(event), () => undefined);
    try {
      const id = createNetwork(`dne-ssh-event-${process.pid}`, [], LABEL);
      await waitFor('the create event over SSH', () => events.some((event) => event.Actor?.ID === id && event.Action === 'create'), {
        timeoutMs: 10_000,
        lastSeen: () => JSON.stringify(events.map((event) => `${event.Type}/${event.Action}`)),
      });
    } finally {
      subscription.close();
    }
  });

  test("the connectivity doctor observes from inside A over SSH: docker exec through the session's own SSH client", async () => {
    const engine = client(url, { sshFiles: files });
    const network = `dne-ssh-reach-${process.pid}`;
    createNetwork(network, [], LABEL);
    const [from, to] = [`dne-ssh-reach-a-${process.pid}`, `dne-ssh-reach-b-${process.pid}`];
    const id = runContainer(from, ['--network', network], LABEL);
    runContainer(to, ['--network', network], LABEL);
    const echoed = await dockerExecRunner(engine, id).run('echo', ['over-ssh'], 10_000);
    assert.deepEqual({ code: echoed.code, output: echoed.output }, { code: 0, output: 'over-ssh' });
    const session = new EngineSession(engine, { debounceMs: 0, watch: false });
    try {
      await session.start();
      const report = await checkReach(session, { from, to });
      const detail = JSON.stringify({ verdict: report.verdict, observation: report.observation, checks: report.checks });
      assert.equal(report.observation.method, 'dockerExec', detail);
      assert.deepEqual(report.verdict, { explained: 'reachable', observed: 'reachable', final: 'reachable' }, detail);
    } finally {
      session.dispose();
    }
  });

  test('a ~/.ssh/config Host alias gives HostName, User, Port and IdentityFile', async () => {
    const config = `Host dne-ssh-alias\n  HostName 127.0.0.1\n  User ${server.user}\n  Port ${server.port}\n  IdentityFile ${server.plainKey}\n`;
    const aliasHome = sshHome({ config, defaultKey: false });
    const { asked, prompts } = recordingPrompts(true);
    // No user in the URL, and a local user name the server does not know: the config's User wins.
    const engine = client('ssh://dne-ssh-alias', { sshPrompts: prompts, sshFiles: { homeDir: aliasHome, localUser: 'no-such-user', agentSocket: '' } });
    await engine.ping();
    assert.equal(asked.hostKeys[0]?.host, `[127.0.0.1]:${server.port}`);
    assert.match(readFileSync(path.join(aliasHome, '.ssh', 'known_hosts'), 'utf8'), /ssh-ed25519/);
  });

  test('an encrypted identity file asks its passphrase once per connection: the decrypted key is dropped at the idle close', async () => {
    const keyHome = sshHome({ config: `Host 127.0.0.1\n  IdentityFile ${server.passphraseKey}\n`, knownHosts: `[127.0.0.1]:${server.port} ${hostKeyLine()}\n`, defaultKey: false });
    const { asked, prompts } = recordingPrompts(false, KEY_PASSPHRASE);
    const engine = client(url, { sshPrompts: prompts, sshFiles: { homeDir: keyHome, agentSocket: '', idleCloseMs: 1000 } });
    await engine.ping();
    await engine.listNetworks();
    assert.deepEqual(asked.passphrases, [server.passphraseKey], 'asked once while the connection is open');
    await waitFor('the idle SSH connection closed', () => engine.sshConnections.open === 0, { timeoutMs: 5000 });
    await engine.listNetworks();
    assert.equal(engine.sshConnections.opened, 2, 'two SSH connections');
    assert.deepEqual(asked.passphrases, [server.passphraseKey, server.passphraseKey], 'asked again: nothing decrypted was kept');
  });

  test('a host known by another key type (ECDSA) is asked for that type first: no prompt', async () => {
    const [keyType, key] = readFileSync(`${server.ecdsaHostKey}.pub`, 'utf8').split(' ');
    const ecdsaHome = sshHome({ knownHosts: `[127.0.0.1]:${server.port} ${keyType} ${key}\n` });
    const { asked, prompts } = recordingPrompts(false);
    await client(url, { sshPrompts: prompts, sshFiles: { homeDir: ecdsaHome, agentSocket: '' } }).ping();
    assert.deepEqual(asked.hostKeys, []);
  });

  test('the SSH agent logs in when there is no identity file', async () => {
    const agentHome = sshHome({ knownHosts: acceptedKnownHosts(), defaultKey: false });
    const socket = path.join(agentHome, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
      await waitFor('the ssh-agent socket', () => existsSync(socket), { timeoutMs: 5000 });
      const added = spawnSync('ssh-add', [server.plainKey], { env: { ...process.env, SSH_AUTH_SOCK: socket }, encoding: 'utf8' });
      assert.equal(added.status, 0, added.stderr);
      await client(url, { sshFiles: { homeDir: agentHome, agentSocket: socket } }).ping();
      const withoutAgent = await rejection(client(url, { sshFiles: { homeDir: agentHome, agentSocket: '' } }).ping());
      assert.equal(withoutAgent.kind, 'authFailed');
      assert.deepEqual(withoutAgent.params.tried, []);
    } finally {
      agent.kill();
    }
  });

  test('no usable key: the authentication failure says what was tried', async () => {
    const { prompts } = recordingPrompts(false);
    const noKeyHome = sshHome({ config: `Host 127.0.0.1\n  IdentityFile ${server.passphraseKey}\n`, knownHosts: acceptedKnownHosts(), defaultKey: false });
    const error = await rejection(client(url, { sshPrompts: prompts, sshFiles: { homeDir: noKeyHome, agentSocket: '' } }).ping());
    assert.equal(error.kind, 'authFailed');
    assert.deepEqual(error.params.tried, [`${server.passphraseKey} (no passphrase given)`]);
  });

  test('a port that accepts TCP but never speaks SSH fails within the timeout', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const started = performance.now();
      const error = await rejection(client(`ssh://${server.user}@127.0.0.1:${port}`, { sshFiles: files }, 1500).ping());
      const elapsed = performance.now() - started;
      assert.equal(error.kind, 'timeout');
      assert.equal(error.code, 'ETIMEDOUT');
      assert.ok(elapsed >= 1400 && elapsed < 4000, `failed after ${elapsed.toFixed(0)} ms`);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      silent.close();
    }
  });

  test('the far side without docker, or with an engine dial-stdio cannot reach, fails with its own kind', async () => {
    const cases = [
      { config: 'SetEnv PATH=/nonexistent', kind: 'dockerNotFound', detail: /docker: (command )?not found/ },
      { config: 'SetEnv DOCKER_HOST=unix:///nonexistent/docker.sock', kind: 'dialStdioFailed', detail: /nonexistent\/docker\.sock/ },
    ];
    for (const { config, kind, detail } of cases) {
      const odd = await startSshServer({ extraConfig: [config] });
      try {
        const oddHome = sshHome({ config: `Host 127.0.0.1\n  IdentityFile ${odd.plainKey}\n`, defaultKey: false });
        const engine = client(`ssh://${odd.user}@127.0.0.1:${odd.port}`, { sshPrompts: recordingPrompts(true).prompts, sshFiles: { homeDir: oddHome, agentSocket: '' } });
        const error = await rejection(engine.ping());
        assert.equal(error.kind, kind, error.message);
        assert.match(error.params.detail ?? '', detail);
      } finally {
        await odd.stop();
      }
    }
  });

  test('the command line refuses an unknown host key, says to run ssh once, and works (and exits) once it is known', () => {
    const cliHome = sshHome();
    const refused = cli(['diagram', '--host', url], cliHome);
    assert.equal(refused.code, 1, refused.err);
    assert.match(refused.err, /can't be established/);
    assert.ok(refused.err.includes(`run "ssh -p ${server.port} 127.0.0.1" once`), refused.err);
    assert.ok(refused.err.includes(server.hostFingerprint()), refused.err);
    writeFileSync(path.join(cliHome, '.ssh', 'known_hosts'), acceptedKnownHosts());
    const drawn = cli(['diagram', '--host', url], cliHome);
    assert.equal(drawn.code, 0, drawn.err);
    assert.match(drawn.out, /^flowchart /m);
    assert.ok(drawn.ms < 20_000, `the command exited after ${drawn.ms.toFixed(0)} ms`);
  });

  /** What OpenSSH's ssh says with the same files (strict checking, no agent, the test key): the reference. */
  function realSsh(knownHosts: string, target = `${server.user}@127.0.0.1`, options: string[] = []) {
    const args = ['-F', 'none', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null'];
    const result = spawnSync('ssh', [...args, ...options, '-o', 'IdentitiesOnly=yes', '-i', server.plainKey, '-p', String(server.port), target, 'true'], {
      encoding: 'utf8',
      timeout: 20_000,
      env: { ...process.env, SSH_AUTH_SOCK: '' },
    });
    return { code: result.status, err: result.stderr };
  }

  test('a host known only by a key of another type is refused as CHANGED, naming the line, as ssh refuses it', async () => {
    const rsaFolder = mkdtempSync(path.join(os.tmpdir(), 'dne-ssh-rsa-'));
    homes.push(rsaFolder);
    spawnSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', path.join(rsaFolder, 'rsa')]);
    const rsa = readFileSync(path.join(rsaFolder, 'rsa.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    const otherTypeHome = sshHome({ knownHosts: `# another key type only\n[127.0.0.1]:${server.port} ${rsa}\n` });
    const { asked, prompts } = recordingPrompts(true);
    const error = await rejection(client(url, { sshPrompts: prompts, sshFiles: { homeDir: otherTypeHome, agentSocket: '' } }).ping());
    assert.equal(error.kind, 'hostKeyChanged', error.message);
    assert.deepEqual([error.params.knownHostsLine, error.params.knownKeyType], [2, 'ssh-rsa']);
    assert.deepEqual(asked.hostKeys, [], 'not asked');
    assert.match(readFileSync(path.join(otherTypeHome, '.ssh', 'known_hosts'), 'utf8'), /^# another key type only\n[^\n]+\n$/, 'nothing appended');
    const reference = realSsh(path.join(otherTypeHome, '.ssh', 'known_hosts'));
    assert.equal(reference.code, 255);
    assert.match(reference.err, /REMOTE HOST IDENTIFICATION HAS CHANGED/);
    assert.match(reference.err, /known_hosts:2/);
  });

  test('GlobalKnownHostsFile is read, never written; @revoked there refuses', async () => {
    const global = path.join(home, `global_known_hosts_${process.pid}`);
    writeFileSync(global, `[127.0.0.1]:${server.port} ${hostKeyLine()}\n`);
    const globalHome = sshHome({ config: `Host 127.0.0.1\n  GlobalKnownHostsFile ${global}\n` });
    const { asked, prompts } = recordingPrompts(false);
    await client(url, { sshPrompts: prompts, sshFiles: { homeDir: globalHome, agentSocket: '' } }).ping();
    assert.deepEqual(asked.hostKeys, []);
    assert.equal(existsSync(path.join(globalHome, '.ssh', 'known_hosts')), false, 'the user file was not written');
    writeFileSync(global, `[127.0.0.1]:${server.port} ${hostKeyLine()}\n@revoked [127.0.0.1]:${server.port} ${hostKeyLine()}\n`);
    const error = await rejection(client(url, { sshPrompts: prompts, sshFiles: { homeDir: globalHome, agentSocket: '' } }).ping());
    assert.deepEqual([error.kind, error.params.knownHostsFile, error.params.knownHostsLine], ['hostKeyRevoked', global, 2]);
  });

  test('StrictHostKeyChecking yes refuses an unknown key without asking; accept-new records it without asking', async () => {
    const strictHome = sshHome({ config: 'Host 127.0.0.1\n  StrictHostKeyChecking yes\n' });
    const { asked, prompts } = recordingPrompts(true);
    const error = await rejection(client(url, { sshPrompts: prompts, sshFiles: { homeDir: strictHome, agentSocket: '' } }).ping());
    assert.equal(error.kind, 'hostKeyUnknownStrict');
    const acceptHome = sshHome({ config: 'Host 127.0.0.1\n  StrictHostKeyChecking accept-new\n' });
    await client(url, { sshPrompts: prompts, sshFiles: { homeDir: acceptHome, agentSocket: '' } }).ping();
    assert.deepEqual(asked.hostKeys, [], 'never asked');
    assert.match(readFileSync(path.join(acceptHome, '.ssh', 'known_hosts'), 'utf8'), /ssh-ed25519/);
  });

  test('ProxyJump: the engine host is reached through the jump host (a channel of its connection); a jump host that may not forward fails', async () => {
    const jump = await startSshServer();
    const closed = await startSshServer({ extraConfig: ['AllowTcpForwarding no'] });
    try {
      const config = (bastion: SshTestServer) =>
        [
          'Host dne-engine-behind',
          '  HostName 127.0.0.1',
          `  Port ${server.port}`,
          `  User ${server.user}`,
          `  IdentityFile ${server.plainKey}`,
          '  ProxyJump dne-bastion',
          'Host dne-bastion',
          '  HostName 127.0.0.1',
          `  Port ${bastion.port}`,
          `  User ${bastion.user}`,
          `  IdentityFile ${bastion.plainKey}`,
          '',
        ].join('\n');
      const engineKnown = `[127.0.0.1]:${server.port} ${hostKeyLine()}\n`;
      const jumpHome = sshHome({ config: config(jump), knownHosts: engineKnown, defaultKey: false });
      const { asked, prompts } = recordingPrompts(true);
      const engine = client('ssh://dne-engine-behind', { sshPrompts: prompts, sshFiles: { homeDir: jumpHome, agentSocket: '', localUser: 'no-such-user' } });
      await engine.ping();
      assert.deepEqual(asked.hostKeys.map((each) => each.host), [`[127.0.0.1]:${jump.port}`], "only the jump host's key was new");
      assert.equal(engine.sshConnections.opened, 1);

      // The same path with a jump host that refuses to forward: the engine host is not reached
      // (it would be, directly), so the connection above went through the jump host.
      const closedHome = sshHome({ config: config(closed), knownHosts: engineKnown, defaultKey: false });
      const error = await rejection(client('ssh://dne-engine-behind', { sshPrompts: prompts, sshFiles: { homeDir: closedHome, agentSocket: '' } }).ping());
      assert.equal(error.kind, 'other', error.message);
      assert.match(error.message, new RegExp(`jump host ${closed.user}@127\\.0\\.0\\.1:${closed.port} did not open a channel to 127\\.0\\.0\\.1:${server.port}`));
    } finally {
      await jump.stop();
      await closed.stop();
    }
  });

  test('ProxyCommand, and a jump host with its own ProxyJump, are refused with a sentence naming the line; nothing is dialled', async () => {
    let dialled = 0;
    const listener = net.createServer((socket) => {
      dialled++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    try {
      const port = (listener.address() as net.AddressInfo).port;
      const proxiedHome = sshHome({ config: `Host dne-behind-proxy\n  HostName 127.0.0.1\n  Port ${port}\n  ProxyCommand nc %h %p\n` });
      const error = await rejection(client('ssh://dne-behind-proxy', { sshFiles: { homeDir: proxiedHome, agentSocket: '' } }).ping());
      assert.equal(error.kind, 'configRefused');
      assert.match(error.message, /ProxyCommand in ~\/\.ssh\/config line 4 is not supported/);
      // A jump host that has its own ProxyJump (two levels) is refused the same way.
      const nestedHome = sshHome({ config: `Host dne-a\n  HostName 127.0.0.1\n  Port ${port}\n  ProxyJump dne-b\nHost dne-b\n  HostName 127.0.0.1\n  Port ${port}\n  ProxyJump dne-c\n` });
      const nested = await rejection(client('ssh://dne-a', { sshFiles: { homeDir: nestedHome, agentSocket: '' } }).ping());
      assert.deepEqual([nested.kind, nested.params.directive, nested.params.configLine], ['configRefused', 'ProxyJump (of a jump host)', 8]);
      await sleep(200);
      assert.equal(dialled, 0, 'no connection to the host behind the proxy');
    } finally {
      listener.close();
    }
  });

  test('a @cert-authority line alone: the plain host key is unknown, as for ssh, and the question says why', async () => {
    const caHome = sshHome({ knownHosts: `@cert-authority [127.0.0.1]:${server.port} ${hostKeyLine()}\n` });
    const notes: unknown[] = [];
    const prompts = {
      confirmHostKey: (_host: string, _type: string, _fingerprint: string, note?: unknown) => {
        notes.push(note);
        return Promise.resolve(false);
      },
      passphrase: () => Promise.resolve(undefined),
    };
    const error = await rejection(client(url, { sshPrompts: prompts, sshFiles: { homeDir: caHome, agentSocket: '' } }).ping());
    assert.equal(error.kind, 'hostKeyNotAccepted');
    assert.deepEqual(notes, [{ certAuthorityOnly: true }]);
    const reference = realSsh(path.join(caHome, '.ssh', 'known_hosts'));
    assert.equal(reference.code, 255);
    assert.match(reference.err, /No ED25519 host key is known/);
  });

  test('a URL host in capitals, a bare host line on another port and a HostKeyAlias are found as ssh finds them', async () => {
    const cases = [
      { name: 'capitals (hashed line)', target: `ssh://${server.user}@LOCALHOST:${server.port}`, knownHosts: `[localhost]:${server.port} ${hostKeyLine()}\n`, hash: true, ssh: [`${server.user}@LOCALHOST`, []] },
      { name: 'bare host, port fallback', target: url, knownHosts: `127.0.0.1 ${hostKeyLine()}\n`, hash: false, ssh: [`${server.user}@127.0.0.1`, []] },
      { name: 'HostKeyAlias with a port, as written', target: url, knownHosts: `dne-alias:22 ${hostKeyLine()}\n`, hash: false, config: 'Host 127.0.0.1\n  HostKeyAlias dne-alias:22\n', ssh: [`${server.user}@127.0.0.1`, ['-o', 'HostKeyAlias=dne-alias:22']] },
    ] as const;
    for (const each of cases) {
      const caseHome = sshHome({ knownHosts: each.knownHosts, config: 'config' in each ? each.config : undefined });
      const knownHostsFile = path.join(caseHome, '.ssh', 'known_hosts');
      if (each.hash) {
        spawnSync('ssh-keygen', ['-H', '-f', knownHostsFile], { stdio: 'ignore' });
        assert.ok(!readFileSync(knownHostsFile, 'utf8').includes('localhost'), 'hashed');
      }
      const reference = realSsh(knownHostsFile, each.ssh[0], [...each.ssh[1]]);
      assert.equal(reference.code, 0, `${each.name}: ssh ${reference.err}`);
      const { asked, prompts } = recordingPrompts(false);
      await client(each.target, { sshPrompts: prompts, sshFiles: { homeDir: caseHome, agentSocket: '' } }).ping();
      assert.deepEqual(asked.hostKeys, [], `${each.name}: not asked`);
    }
  });

  test('a changed host key is refused with its own message, without asking', async () => {
    await server.restartWithNewHostKey();
    const { asked, prompts } = recordingPrompts(true);
    const error = await rejection(client(url, { sshPrompts: prompts, sshFiles: files }).ping());
    assert.equal(error.kind, 'hostKeyChanged');
    assert.equal(error.params.fingerprint, server.hostFingerprint());
    assert.match(error.message, /CHANGED/);
    assert.deepEqual(asked.hostKeys, []);
  });
});
