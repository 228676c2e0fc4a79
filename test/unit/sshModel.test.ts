/**
 * The pure parts of ssh:// engines, checked against OpenSSH's own tools where they have an answer:
 * known_hosts lines hashed by `ssh-keygen -H` and looked up like `ssh-keygen -F` does, fingerprints
 * as `ssh-keygen -lf` prints them, and ~/.ssh/config computed by the ssh-config package.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
