/**
 * The ssh_config resolver (src/model/sshConfig.ts, sshEndpoint.ts) against OpenSSH's own answer:
 * `ssh -G -F FILE [-l user] [-p port] host` on generated configs (a seeded generator: keyword case,
 * `Keyword=value`, repeated keywords, Host and Match orders, negations, Include files, tokens,
 * `none` values), compared on what the connection uses. `ssh -G` only prints: it connects nowhere.
 * Match exec is never generated (ssh -G would run it); its refusal is tested on its own.
 */
import { strict as assert } from 'node:assert';
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { globFiles } from '../../src/engine/ssh/sshFiles';
import { canonicalHost, IncludeReader, resolveSshConfig } from '../../src/model/sshConfig';
import { DEFAULT_IDENTITY_FILES, endpointFromConfig, LocalFacts } from '../../src/model/sshEndpoint';

/** A small seeded generator (mulberry32), so a failing case can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTS = ['web', 'WEB', 'db.lab', 'db.Lab', '10.0.0.7', 'bastion'];
const HOST_PATTERNS = ['web', 'WEB', '*.lab', '*', 'db*', '!db.lab', '10.0.0.?', 'b?stion', '!web'];
const MATCHES = ['host web', 'host *.lab,!db.lab', '!host db*', 'originalhost WEB', 'originalhost db.lab', 'user bob', 'user !bob,*', 'user Carol', 'localuser root', '!localuser root', 'all', 'final', 'canonical', 'host web.example'];
const VALUES: Record<string, string[]> = {
  HostName: ['target.example', '%h.example', 'Target.Example', '10.0.0.9', 'WEB.example', '%h'],
  User: ['bob', 'alice', 'Carol'],
  Port: ['2201', '2202', '2203'],
  IdentityFile: ['~/.ssh/k1', '%d/k2-%r', 'none', '~/id_%h', '/keys/%C', '~/.ssh/k1'],
  UserKnownHostsFile: ['~/.ssh/kh1 ~/.ssh/kh2', 'none', '/tmp/kh_%h_%p', '%d/kh-%r-%n'],
  GlobalKnownHostsFile: ['/etc/g1 /etc/g2', 'none', '/etc/g_%h'],
  HostKeyAlias: ['Alias1', 'al:2200'],
  ProxyJump: ['jump1', 'none', 'bob@jump2:2222'],
  ProxyCommand: ['nc %h %p', 'none'],
  StrictHostKeyChecking: ['yes', 'no', 'ask', 'accept-new', 'off'],
  IdentitiesOnly: ['yes', 'no'],
  IdentityAgent: ['none', 'SSH_AUTH_SOCK', '~/agent-%h', '/tmp/a-%C-%L-%u'],
};

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)];
}

/** The keyword in a random case, and sometimes with `=`. */
function directive(rand: () => number, keyword: string, value: string): string {
  const cased = pick(rand, [keyword, keyword.toLowerCase(), keyword.toUpperCase()]);
  return rand() < 0.2 ? `${cased}=${value}` : `${cased} ${value}`;
}

function block(rand: () => number): string[] {
  let header: string;
  if (rand() < 0.55) {
    const patterns = [pick(rand, HOST_PATTERNS.filter((p) => !p.startsWith('!'))), ...(rand() < 0.5 ? [pick(rand, HOST_PATTERNS)] : [])];
    header = `Host ${patterns.join(' ')}`;
  } else {
    const first = pick(rand, MATCHES);
    const second = ['all'].includes(first) || rand() < 0.5 ? [] : [pick(rand, MATCHES.filter((m) => m !== 'all'))];
    header = `Match ${[first, ...second].join(' ')}`;
  }
  const lines = [header];
  const count = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < count; i++) {
    const keyword = pick(rand, Object.keys(VALUES));
    lines.push(`  ${directive(rand, keyword, pick(rand, VALUES[keyword]))}`);
  }
  return lines;
}

interface Case {
  config: string;
  includes: { name: string; text: string }[];
  host: string;
  user?: string;
  port?: number;
}

function generate(seed: number, folder: string): Case {
  const rand = random(seed);
  const includes: { name: string; text: string }[] = [];
  const lines: string[] = [];
  if (rand() < 0.3) {
    lines.push(directive(rand, 'User', pick(rand, VALUES.User)));
  }
  const blocks = 1 + Math.floor(rand() * 5);
  for (let i = 0; i < blocks; i++) {
    lines.push(...block(rand));
    if (rand() < 0.25) {
      const name = `inc-${seed}-${i}.conf`;
      includes.push({ name, text: [...block(rand), ...block(rand)].join('\n') });
      lines.push(`  Include ${path.join(folder, `inc-${seed}-${i}.c*`)}`);
    }
  }
  return {
    config: `${lines.join('\n')}\n`,
    includes,
    host: pick(rand, HOSTS),
    user: rand() < 0.3 ? pick(rand, ['bob', 'dave']) : undefined,
    port: rand() < 0.3 ? 2299 : undefined,
  };
}

/** `ssh -G`'s answer: keyword -> values (identityfile may repeat). */
async function sshG(file: string, c: Case): Promise<Map<string, string[]>> {
  const args = ['-G', '-F', file, ...(c.user ? ['-l', c.user] : []), ...(c.port ? ['-p', String(c.port)] : []), c.host];
  const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = execFile('ssh', args, { encoding: 'utf8', env: { ...process.env, SSH_AUTH_SOCK: '' } }, (error, stdout, stderr) =>
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
  assert.equal(result.status, 0, `ssh ${args.join(' ')}: ${result.stderr}`);
  const printed = new Map<string, string[]>();
  for (const line of result.stdout.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) {
      const key = line.slice(0, space);
      printed.set(key, [...(printed.get(key) ?? []), line.slice(space + 1)]);
    }
  }
  return printed;
}

const hasSsh = spawnSync('ssh', ['-V'], { stdio: 'ignore' }).error === undefined;
const account = os.userInfo();
const local: LocalFacts = { localUser: account.username, homeDir: account.homedir, localHostName: os.hostname(), uid: account.uid };

/** Our answer, printed the way ssh -G prints it (for the fields compared). */
function ours(c: Case, file: string, readInclude: IncludeReader): Record<string, string | undefined> {
  const config = resolveSshConfig([{ file, text: c.config }], { host: c.host, user: c.user, port: c.port, localUser: local.localUser }, readInclude);
  const url = `ssh://${c.user ? `${c.user}@` : ''}${c.host}${c.port ? `:${c.port}` : ''}`;
  const endpoint = endpointFromConfig(url, config, local);
  const proxies = endpoint.refusals.map((refusal) => refusal.directive);
  const agent = endpoint.identityAgent;
  return {
    hostname: endpoint.hostName,
    user: endpoint.user,
    port: String(endpoint.port),
    identityfile: (endpoint.identityFilesFromConfig ? config.identityFiles.map((d) => d.args[0]) : DEFAULT_IDENTITY_FILES).join(' | '),
    userknownhostsfile: endpoint.knownHostsFiles.join(' ') || 'none',
    globalknownhostsfile: endpoint.globalKnownHostsFiles.join(' ') || 'none',
    hostkeyalias: endpoint.hostKeyAlias ? endpoint.hostKeyName : undefined,
    proxy: endpoint.proxyJump ? `ProxyJump ${endpoint.proxyJump.hops.join(',')}` : proxies.includes('ProxyCommand') ? 'ProxyCommand' : undefined,
    stricthostkeychecking: endpoint.strictHostKeyChecking,
    identitiesonly: endpoint.identitiesOnly ? 'yes' : 'no',
    identityagent: agent.use === 'none' ? 'none' : agent.use === 'socket' ? agent.path : undefined,
  };
}

/** ssh -G's answer on the same fields; the identity files ssh2 cannot use dropped from its defaults. */
function theirs(printed: Map<string, string[]>): Record<string, string | undefined> {
  const one = (key: string) => printed.get(key)?.[0];
  const defaults = ['~/.ssh/id_rsa', '~/.ssh/id_ecdsa', '~/.ssh/id_ecdsa_sk', '~/.ssh/id_ed25519', '~/.ssh/id_ed25519_sk', '~/.ssh/id_xmss', '~/.ssh/id_dsa'];
  const files = printed.get('identityfile') ?? [];
  const strict = one('stricthostkeychecking');
  const jump = one('proxyjump');
  const command = one('proxycommand');
  const agent = one('identityagent');
  return {
    hostname: canonicalHost(one('hostname') ?? ''),
    user: one('user'),
    port: one('port'),
    identityfile: (JSON.stringify(files) === JSON.stringify(defaults) ? DEFAULT_IDENTITY_FILES : files).join(' | '),
    userknownhostsfile: one('userknownhostsfile'),
    globalknownhostsfile: one('globalknownhostsfile'),
    hostkeyalias: one('hostkeyalias'),
    proxy: jump && jump !== 'none' ? `ProxyJump ${jump}` : command && command !== 'none' ? 'ProxyCommand' : undefined,
    stricthostkeychecking: strict === 'true' ? 'yes' : strict === 'false' ? 'no' : strict,
    identitiesonly: one('identitiesonly'),
    identityagent: agent === 'SSH_AUTH_SOCK' ? undefined : agent,
  };
}

describe('ssh_config resolved like `ssh -G` (generated configs)', { skip: !hasSsh && 'ssh is not installed (scripts/ensure-system.sh installs openssh-client)' }, () => {
  let folder: string;

  before(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'dne-ssh-g-'));
  });

  after(() => rmSync(folder, { recursive: true, force: true }));

  /** Include through the glue's own glob (absolute patterns here; relative ones are tested in sshModel). */
  const readInclude: IncludeReader = (pattern) => globFiles(pattern).map((file) => ({ file, text: readFileSync(file, 'utf8') }));

  test('250 generated configs: hostname, user, port, identity files, known_hosts files, alias, proxies, policy, agent', async () => {
    const mismatches: string[] = [];
    const seeds = Array.from({ length: 250 }, (_, index) => index + 1);
    const compare = async (seed: number) => {
      const c = generate(seed, folder);
      const file = path.join(folder, `config-${seed}`);
      writeFileSync(file, c.config);
      c.includes.forEach((include) => writeFileSync(path.join(folder, include.name), include.text));
      const expected = theirs(await sshG(file, c));
      const actual = ours(c, file, readInclude);
      for (const key of Object.keys(expected)) {
        if (expected[key] !== actual[key]) {
          mismatches.push(`seed ${seed} (${c.user ?? ''}@${c.host}:${c.port ?? ''}) ${key}: ssh -G ${JSON.stringify(expected[key])}, ours ${JSON.stringify(actual[key])}\n${c.config}${c.includes.map((include) => `--- ${include.name}\n${include.text}\n`).join('')}`);
        }
      }
    };
    // ssh -G only reads files and prints: 16 at a time.
    for (let start = 0; start < seeds.length; start += 16) {
      await Promise.all(seeds.slice(start, start + 16).map(compare));
    }
    assert.equal(seeds.length, 250);
    assert.deepEqual(mismatches.slice(0, 5), [], `${mismatches.length} mismatches`);
  });

  test('an Include file is read in place, and an Include inside a block that does not apply is not', async () => {
    mkdirSync(path.join(folder, 'inc'), { recursive: true });
    writeFileSync(path.join(folder, 'inc', 'a.conf'), 'Host web\n  Port 2301\n  User fromA\n');
    writeFileSync(path.join(folder, 'inc', 'b.conf'), 'Host *\n  Port 2302\n  User fromB\n');
    const file = path.join(folder, 'config-include');
    writeFileSync(file, `Host db\n  Include ${folder}/inc/b.conf\nHost *\n  Include ${folder}/inc/*.conf\n  Port 2300\n`);
    const c: Case = { config: readFileSync(file, 'utf8'), includes: [], host: 'web' };
    const expected = theirs(await sshG(file, c));
    assert.deepEqual([expected.port, expected.user], ['2301', 'fromA'], 'what ssh -G says');
    const actual = ours(c, file, readInclude);
    assert.deepEqual([actual.port, actual.user], [expected.port, expected.user]);
  });
});
