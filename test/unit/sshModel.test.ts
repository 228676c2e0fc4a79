/**
 * The pure parts of ssh:// engines, checked against OpenSSH's own tools where they have an answer:
 * known_hosts lines hashed by `ssh-keygen -H` and looked up like `ssh-keygen -F` does, fingerprints
 * as `ssh-keygen -lf` prints them, and ~/.ssh/config computed by the ssh-config package.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolveSshSetup } from '../../src/engine/ssh/sshFiles';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  checkHostKey,
  checkKnownHost,
  hostFieldMatches,
  knownHostName,
  knownHostsLine,
  knownKeyTypes,
  keyTypeOfBlob,
  parseKnownHosts,
  preferredHostKeyAlgorithms,
  sha256Fingerprint,
} from '../../src/model/knownHosts';
import { resolveSshEndpoint } from '../../src/model/sshEndpoint';
import { dialStdioFailureKind, SshConnectionError } from '../../src/model/sshErrors';
import { classifyUnreachable } from '../../src/model/engineErrors';

const hasKeygen = spawnSync('ssh-keygen', ['-?'], { stdio: 'ignore' }).error === undefined;
const local = { localUser: 'alice', homeDir: '/home/alice' };
const configFile = (text: string) => [{ file: '~/.ssh/config', text }];

describe('known_hosts and fingerprints (against ssh-keygen)', { skip: !hasKeygen && 'ssh-keygen is not installed' }, () => {
  let folder: string;
  const keys: { type: string; blob: Buffer; base64: string; pub: string }[] = [];

  before(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'dne-known-hosts-'));
    for (const type of ['ed25519', 'ecdsa', 'rsa']) {
      const file = path.join(folder, `key_${type}`);
      execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file], { stdio: 'ignore' });
      const [keyType, base64] = readFileSync(`${file}.pub`, 'utf8').split(' ');
      keys.push({ type: keyType, blob: Buffer.from(base64, 'base64'), base64, pub: `${file}.pub` });
    }
  });

  after(() => rmSync(folder, { recursive: true, force: true }));

  test('the SHA256 fingerprint and key type are what ssh-keygen -l prints', () => {
    for (const key of keys) {
      const printed = execFileSync('ssh-keygen', ['-lf', key.pub], { encoding: 'utf8' }).split(/\s+/)[1];
      assert.equal(sha256Fingerprint(key.blob), printed);
      assert.equal(keyTypeOfBlob(key.blob), key.type);
    }
  });

  test('hashed entries written by ssh-keygen -H are found, for port 22 and [host]:port', () => {
    const file = path.join(folder, 'known_hosts');
    writeFileSync(file, `build.example ${keys[0].type} ${keys[0].base64}\n[10.0.0.7]:2222 ${keys[1].type} ${keys[1].base64}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes('build.example'), 'ssh-keygen hashed the names');
    const entries = parseKnownHosts(text);
    assert.equal(entries.length, 2);
    assert.equal(checkHostKey(entries, 'build.example', 22, keys[0].type, keys[0].base64), 'known');
    assert.equal(checkHostKey(entries, '10.0.0.7', 2222, keys[1].type, keys[1].base64), 'known');
    assert.equal(checkHostKey(entries, '10.0.0.7', 22, keys[1].type, keys[1].base64), 'unknown', 'another port is another host');
    assert.equal(checkHostKey(entries, 'other.example', 22, keys[0].type, keys[0].base64), 'unknown');
  });

  test('our own hashed line is one ssh-keygen -F finds', () => {
    const file = path.join(folder, 'ours');
    writeFileSync(file, `${knownHostsLine({ host: '127.0.0.1', port: 2022 }, keys[2].type, keys[2].base64)}\n`);
    const found = spawnSync('ssh-keygen', ['-F', '[127.0.0.1]:2022', '-f', file], { encoding: 'utf8' });
    assert.equal(found.status, 0, found.stdout + found.stderr);
    assert.match(found.stdout, /\|1\|/);
    assert.equal(spawnSync('ssh-keygen', ['-F', '127.0.0.1', '-f', file]).status, 1, 'not under the port-22 name');
  });

  test('a different key of the same type is a changed key, and so is a key of another type (as ssh says); @revoked refuses', () => {
    const [ed, ecdsa] = keys;
    const text = `# comment\nbuild.example,10.0.0.5 ${ed.type} ${ed.base64}\n@revoked * ${ecdsa.type} ${ecdsa.base64}\n`;
    const entries = parseKnownHosts(text);
    const otherEd = Buffer.from(ed.blob);
    otherEd[otherEd.length - 1] ^= 1;
    assert.equal(checkHostKey(entries, '10.0.0.5', 22, ed.type, otherEd.toString('base64')), 'changed');
    const otherType = checkKnownHost(entries, { host: '10.0.0.5', port: 22 }, keys[2].type, keys[2].base64);
    assert.equal(otherType.verdict, 'changed');
    assert.deepEqual([otherType.entry?.line, otherType.entry?.keyType], [2, ed.type]);
    assert.equal(checkHostKey(entries, 'other.example', 22, keys[2].type, keys[2].base64), 'unknown');
    assert.equal(checkHostKey(entries, 'anything', 22, ecdsa.type, ecdsa.base64), 'revoked');
    assert.deepEqual(knownKeyTypes(entries, { host: 'build.example', port: 22 }), [ed.type]);
  });
});

describe('known_hosts host patterns', () => {
  test('wildcards, negation and the [host]:port form', () => {
    assert.equal(knownHostName('h', 22), 'h');
    assert.equal(knownHostName('h', 2222), '[h]:2222');
    assert.ok(hostFieldMatches('*.example,!bad.example', 'good.example'));
    assert.ok(!hostFieldMatches('*.example,!bad.example', 'bad.example'));
    assert.ok(hostFieldMatches('10.0.0.?', '10.0.0.7'));
    assert.ok(!hostFieldMatches('10.0.0.?', '10.0.0.17'));
    assert.ok(hostFieldMatches('[10.0.0.7]:2222', '[10.0.0.7]:2222'));
    assert.ok(!hostFieldMatches('10.0.0.7', '[10.0.0.7]:2222'));
  });
});

describe('ssh:// endpoint from the URL and ~/.ssh/config', () => {
  const config = [
    'Host build',
    '  HostName 10.0.0.7',
    '  User deploy',
    '  Port 2222',
    '  IdentityFile ~/.ssh/build_key',
    '  IdentityFile %d/.ssh/%r@%h',
    'Host *.lab',
    '  user labuser',
    '  HostKeyAlias lab-alias',
    '  UserKnownHostsFile ~/.ssh/lab_hosts',
  ].join('\n');

  test('a Host alias gives HostName, User, Port and IdentityFile (tokens and ~ expanded)', () => {
    const endpoint = resolveSshEndpoint('ssh://build', configFile(config), local);
    assert.equal(endpoint.hostName, '10.0.0.7');
    assert.equal(endpoint.user, 'deploy');
    assert.equal(endpoint.port, 2222);
    assert.deepEqual(endpoint.identityFiles, ['/home/alice/.ssh/build_key', '/home/alice/.ssh/deploy@10.0.0.7']);
    assert.equal(endpoint.identityFilesFromConfig, true);
    assert.equal(endpoint.hostKeyName, '10.0.0.7');
  });

  test('the URL user and port win over the config', () => {
    const endpoint = resolveSshEndpoint('ssh://root@build:2200', configFile(config), local);
    assert.equal(endpoint.user, 'root');
    assert.equal(endpoint.port, 2200);
    assert.equal(endpoint.hostName, '10.0.0.7');
  });

  test('without config: the current user, port 22, the default identity files', () => {
    const endpoint = resolveSshEndpoint('ssh://plain.example', [], local);
    assert.equal(endpoint.user, 'alice');
    assert.equal(endpoint.port, 22);
    assert.deepEqual(endpoint.identityFiles, ['/home/alice/.ssh/id_rsa', '/home/alice/.ssh/id_ecdsa', '/home/alice/.ssh/id_ed25519']);
    assert.equal(endpoint.identityFilesFromConfig, false);
  });

  test('lower-case directives, HostKeyAlias and UserKnownHostsFile', () => {
    const endpoint = resolveSshEndpoint('ssh://db.lab', configFile(config), local);
    assert.equal(endpoint.user, 'labuser');
    assert.equal(endpoint.hostName, 'db.lab');
    assert.equal(endpoint.hostKeyName, 'lab-alias');
    assert.deepEqual(endpoint.knownHostsFiles, ['/home/alice/.ssh/lab_hosts']);
  });
});

describe('SSH failures', () => {
  test('refusals and timeouts classify like any engine; the others as ssh', () => {
    const destination = 'root@h:22';
    assert.equal(classifyUnreachable(new SshConnectionError('refused', { destination, host: 'h', port: 22 })), 'refused');
    assert.equal(classifyUnreachable(new SshConnectionError('timeout', { destination, host: 'h', port: 22, timeoutMs: 5 })), 'timeout');
    for (const kind of ['authFailed', 'hostKeyChanged', 'hostKeyNotAccepted', 'dockerNotFound', 'dialStdioFailed'] as const) {
      assert.equal(classifyUnreachable(new SshConnectionError(kind, { destination, host: 'h', port: 22, tried: ['agent'] })), 'ssh', kind);
    }
  });

  test('dial-stdio: exit 127 or "not found" is a missing docker, the rest a dial-stdio failure', () => {
    assert.equal(dialStdioFailureKind(127, 'sh: 1: docker: not found'), 'dockerNotFound');
    assert.equal(dialStdioFailureKind(1, 'bash: docker: command not found'), 'dockerNotFound');
    assert.equal(dialStdioFailureKind(1, 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock'), 'dialStdioFailed');
    // What dial-stdio really says when DOCKER_HOST names a missing socket (seen in sshEngine.test.ts).
    assert.equal(
      dialStdioFailureKind(1, 'failed to open the raw stream connection: dial unix /nonexistent/docker.sock: connect: no such file or directory'),
      'dialStdioFailed',
    );
  });
});

describe('host key algorithms', () => {
  test('the known key types are asked for first; ssh-rsa with its rsa-sha2 signatures', () => {
    assert.deepEqual(preferredHostKeyAlgorithms(['ssh-rsa']), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    assert.deepEqual(preferredHostKeyAlgorithms(['ecdsa-sha2-nistp256', 'sk-ssh-ed25519@openssh.com']), ['ecdsa-sha2-nistp256']);
  });
});

describe('known_hosts lookups as ssh does them (port fallback, HostKeyAlias, @cert-authority, line numbers)', () => {
  const key = Buffer.from('0000000b7373682d65643235353139', 'hex').toString('base64') + 'AAAA';
  const other = `${key}BBBB`;

  test('a bare `host` line is found for another port only when it holds the very key', () => {
    const entries = parseKnownHosts(`10.0.0.7 ssh-ed25519 ${key}\n`, '/kh');
    assert.equal(checkKnownHost(entries, { host: '10.0.0.7', port: 2222 }, 'ssh-ed25519', key).verdict, 'known');
    assert.equal(checkKnownHost(entries, { host: '10.0.0.7', port: 2222 }, 'ssh-ed25519', other).verdict, 'unknown', 'not "changed": ssh only accepts the fallback');
    assert.equal(checkKnownHost(entries, { host: '10.0.0.7', port: 22 }, 'ssh-ed25519', other).verdict, 'changed');
  });

  test('a HostKeyAlias is looked up as written, without [ ]:port and without the port fallback', () => {
    const entries = parseKnownHosts(`lab-alias:22 ssh-ed25519 ${key}\n[lab-alias]:2222 ssh-ed25519 ${other}\n`);
    assert.equal(checkKnownHost(entries, { host: 'lab-alias:22', port: 2222, alias: true }, 'ssh-ed25519', key).verdict, 'known');
    assert.equal(checkKnownHost(entries, { host: 'lab-alias', port: 2222, alias: true }, 'ssh-ed25519', other).verdict, 'unknown');
    assert.match(knownHostsLine({ host: 'lab-alias:22', port: 2222, alias: true }, 'ssh-ed25519', key, Buffer.alloc(20)), /^\|1\|/);
  });

  test('changed and revoked name the line that decided; a @cert-authority line alone leaves a plain key unknown, and says so', () => {
    const entries = parseKnownHosts(`# one\n\n[h]:2022 ssh-rsa ${other}\n@revoked h ssh-ed25519 ${other}\n@cert-authority *.lab ssh-ed25519 ${other}\n`, '/etc/ssh/ssh_known_hosts');
    const changed = checkKnownHost(entries, { host: 'h', port: 2022 }, 'ssh-ed25519', key);
    assert.deepEqual([changed.verdict, changed.entry?.file, changed.entry?.line, changed.entry?.keyType], ['changed', '/etc/ssh/ssh_known_hosts', 3, 'ssh-rsa']);
    const revoked = checkKnownHost(entries, { host: 'h', port: 22 }, 'ssh-ed25519', other);
    assert.deepEqual([revoked.verdict, revoked.entry?.line], ['revoked', 4]);
    assert.deepEqual(checkKnownHost(entries, { host: 'db.lab', port: 22 }, 'ssh-ed25519', key), { verdict: 'unknown', certAuthorityOnly: true });
  });
});

describe('ssh_config: what is refused, what is lower-cased, what the glue reads', () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'dne-ssh-config-'));
  after(() => rmSync(home, { recursive: true, force: true }));

  function withConfig(config: string, extra: Record<string, string> = {}): string {
    rmSync(path.join(home, '.ssh'), { recursive: true, force: true });
    mkdirSync(path.join(home, '.ssh', 'conf.d'), { recursive: true });
    writeFileSync(path.join(home, '.ssh', 'config'), config);
    Object.entries(extra).forEach(([name, text]) => writeFileSync(path.join(home, name), text));
    return home;
  }

  test('Match exec is never run: it is a refusal naming the file and line', () => {
    const marker = path.join(home, 'exec-ran');
    withConfig(`Host other\n  Port 1\nMatch exec "touch ${marker}"\n  Port 2\n`);
    const { endpoint } = resolveSshSetup('ssh://web', { homeDir: home, systemConfigFile: '' });
    assert.equal(existsSync(marker), false, 'the command did not run');
    assert.deepEqual(endpoint.refusals, [{ directive: 'Match exec', file: '~/.ssh/config', line: 3 }]);
    assert.equal(endpoint.port, 22);
  });

  test('ProxyJump gives the hops to go through; ProxyCommand is refused with its file and line (not dialled directly)', () => {
    withConfig('Host web\n  User deploy\n  ProxyJump bastion,ops@jump2:2222\nHost db\n  ProxyCommand nc %h %p\nHost *\n  ProxyJump none\n');
    const web = resolveSshSetup('ssh://web', { homeDir: home, systemConfigFile: '' }).endpoint;
    assert.deepEqual([web.proxyJump, web.refusals], [{ hops: ['bastion', 'ops@jump2:2222'], file: '~/.ssh/config', line: 3 }, []]);
    assert.deepEqual(resolveSshSetup('ssh://db', { homeDir: home, systemConfigFile: '' }).endpoint.refusals, [{ directive: 'ProxyCommand', file: '~/.ssh/config', line: 5 }]);
    const other = resolveSshSetup('ssh://other', { homeDir: home, systemConfigFile: '' }).endpoint;
    assert.deepEqual([other.proxyJump, other.refusals], [undefined, []], 'ProxyJump none is no proxy');
    const error = new SshConnectionError('configRefused', { destination: 'deploy@db:22', directive: 'ProxyCommand', configFile: '~/.ssh/config', configLine: 5 });
    assert.match(error.message, /ProxyCommand in ~\/\.ssh\/config line 5 is not supported; nothing was sent/);
  });

  test('first value wins whatever the keyword case; a relative Include is under ~/.ssh (globs); the system config comes after', () => {
    withConfig('Host web\n  port 2201\n  PORT 2202\n  Include conf.d/*.conf\n', { '.ssh/conf.d/b.conf': 'Host *\n  User fromB\n', '.ssh/conf.d/a.conf': 'Host web\n  User fromA\n', system: 'Host *\n  User system\n  Port 9\n  StrictHostKeyChecking yes\n' });
    const { endpoint } = resolveSshSetup('ssh://web', { homeDir: home, systemConfigFile: path.join(home, 'system') });
    assert.deepEqual([endpoint.port, endpoint.user, endpoint.strictHostKeyChecking], [2201, 'fromA', 'yes']);
  });

  test('the URL host is lower-cased for connecting and known_hosts (Host lines still see it as written, like ssh)', () => {
    withConfig('Host Build\n  Port 2201\n  HostKeyAlias Lab-Alias\n');
    const endpoint = resolveSshEndpoint('ssh://Build', [{ file: '~/.ssh/config', text: 'Host Build\n  Port 2201\n' }], local);
    assert.deepEqual([endpoint.hostName, endpoint.hostKeyName, endpoint.port], ['build', 'build', 2201]);
    assert.equal(resolveSshEndpoint('ssh://build', [{ file: 'c', text: 'Host Build\n  Port 2201\n' }], local).port, 22);
    const aliased = resolveSshSetup('ssh://Build', { homeDir: home, systemConfigFile: '' }).endpoint;
    assert.deepEqual([aliased.hostKeyName, aliased.hostKeyAlias], ['lab-alias', true]);
  });

  test('UserKnownHostsFile: every file is read, none reads none; GlobalKnownHostsFile defaults to /etc/ssh', () => {
    withConfig('Host *\n  UserKnownHostsFile ~/.ssh/one %d/two\n');
    const setup = resolveSshSetup('ssh://web', { homeDir: home, systemConfigFile: '' });
    assert.deepEqual(setup.knownHostsFiles, [`${home}/.ssh/one`, `${home}/two`, '/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']);
    assert.equal(setup.knownHostsFile, `${home}/.ssh/one`);
    withConfig('Host *\n  UserKnownHostsFile none\n  GlobalKnownHostsFile none\n  IdentityFile none\n');
    const none = resolveSshSetup('ssh://web', { homeDir: home, systemConfigFile: '' });
    assert.deepEqual([none.knownHostsFiles, none.knownHostsFile, none.endpoint.identityFiles], [[], undefined, []]);
  });

  test('IdentitiesOnly yes and IdentityAgent none keep the agent out; IdentityAgent names another socket', () => {
    withConfig('Host a\n  IdentitiesOnly yes\nHost b\n  IdentityAgent none\nHost c\n  IdentityAgent ~/agent-%h.sock\n');
    const agentOf = (host: string) => resolveSshSetup(`ssh://${host}`, { homeDir: home, systemConfigFile: '', agentSocket: '/run/agent.sock' }).agentSocket;
    assert.deepEqual([agentOf('a'), agentOf('b'), agentOf('c'), agentOf('d')], [undefined, undefined, `${home}/agent-c.sock`, '/run/agent.sock']);
  });
});
