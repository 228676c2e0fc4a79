/**
 * OpenSSH's known_hosts, read and written the way `ssh` does: host patterns (comma lists, `*` and
 * `?` wildcards, `!` negation), `[host]:port` for ports other than 22, hashed names
 * (`|1|base64(salt)|base64(HMAC-SHA1(salt, name))`), the `@revoked` marker, a key of another type
 * for the host being a CHANGED key, the fallback to the bare name for another port, a HostKeyAlias
 * looked up as written, and a `@cert-authority` line alone leaving a plain key unknown (ssh2 does
 * not check host certificates). Also the SHA256 fingerprint as `ssh-keygen -l` prints it. Pure: the
 * caller reads the files (the user's and the global ones) and appends to the user's.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { patternListMatches } from './sshConfig';

export interface KnownHostEntry {
  marker?: 'revoked' | 'cert-authority';
  /** The host field as written (patterns, or one hashed name). */
  hosts: string;
  keyType: string;
  /** The key blob, base64 as written. */
  key: string;
  /** The file and line it was read from (for messages). */
  file?: string;
  line?: number;
}

export type HostKeyVerdict = 'known' | 'changed' | 'unknown' | 'revoked';

export function parseKnownHosts(text: string, file?: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) {
      continue;
    }
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') {
      marker = fields[0].slice(1) as KnownHostEntry['marker'];
      fields.shift();
    }
    if (fields.length >= 3) {
      entries.push({ marker, hosts: fields[0], keyType: fields[1], key: fields[2], file, line: index + 1 });
    }
  }
  return entries;
}

/** The name ssh looks up: `host` on port 22, `[host]:port` otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function hashedName(name: string, salt: Buffer): string {
  return createHmac('sha1', salt).update(name).digest('base64');
}

/** A hashed host field (`|1|salt|hash`) for a name; a fresh random salt unless one is given. */
export function hashKnownHostName(name: string, salt: Buffer = randomBytes(20)): string {
  return `|1|${salt.toString('base64')}|${hashedName(name, salt)}`;
}

/** Whether a host field (patterns or a hashed name) names `name` (already in `[host]:port` form). */
export function hostFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    return Boolean(salt && hash) && hashedName(name, Buffer.from(salt, 'base64')) === hash;
  }
  return patternListMatches(hosts, name, true);
}

/** Who is being checked: the host to connect to and its port, or a HostKeyAlias (looked up as written). */
export interface HostKeyTarget {
  host: string;
  port: number;
  /** HostKeyAlias: the name looked up as is (no `[ ]:port`), and no fallback to port 22's name. */
  alias?: boolean;
}

export interface HostKeyCheck {
  verdict: HostKeyVerdict;
  /** The line that decided a `changed` or `revoked` verdict (its file and line number). */
  entry?: KnownHostEntry;
  /** `unknown` although a @cert-authority line matches: the server showed a plain key, not a certificate. */
  certAuthorityOnly?: boolean;
}

/** The name known_hosts is searched for. */
export function lookupName(target: HostKeyTarget): string {
  return target.alias ? target.host : knownHostName(target.host, target.port);
}

function checkName(entries: readonly KnownHostEntry[], name: string, keyType: string, key: string): HostKeyCheck {
  const forHost = entries.filter((entry) => entry.marker !== 'cert-authority' && hostFieldMatches(entry.hosts, name));
  const revoked = forHost.find((entry) => entry.marker === 'revoked' && entry.key === key);
  if (revoked) {
    return { verdict: 'revoked', entry: revoked };
  }
  const plain = forHost.filter((entry) => entry.marker === undefined);
  if (plain.some((entry) => entry.keyType === keyType && entry.key === key)) {
    return { verdict: 'known' };
  }
  // A line with another key of this type, else (as strict as can be) a line with a key of another type.
  const other = plain.find((entry) => entry.keyType === keyType) ?? plain[0];
  return other ? { verdict: 'changed', entry: other } : { verdict: 'unknown' };
}

/**
 * What known_hosts says about the key a server presented: `known` (a line with this host and
 * this very key), `changed` (lines for this host, none with this key, whatever their key type:
 * refuse), `revoked`, or `unknown` (ask the user). Like ssh, a host on another port than 22 with no
 * line of its own is also looked up under its bare name (accepted there only with the same key).
 */
export function checkKnownHost(entries: readonly KnownHostEntry[], target: HostKeyTarget, keyType: string, key: string): HostKeyCheck {
  const name = lookupName(target);
  const result = checkName(entries, name, keyType, key);
  if (result.verdict === 'unknown' && !target.alias && target.port !== 22 && checkName(entries, target.host, keyType, key).verdict === 'known') {
    return { verdict: 'known' };
  }
  if (result.verdict === 'unknown' && entries.some((entry) => entry.marker === 'cert-authority' && hostFieldMatches(entry.hosts, name))) {
    return { verdict: 'unknown', certAuthorityOnly: true };
  }
  return result;
}

/** checkKnownHost's verdict for `host` on `port`. */
export function checkHostKey(entries: readonly KnownHostEntry[], host: string, port: number, keyType: string, key: string): HostKeyVerdict {
  return checkKnownHost(entries, { host, port }, keyType, key).verdict;
}

/** The key types known_hosts holds for a host, so the client can ask the server for one of them first. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], target: HostKeyTarget): string[] {
  const name = lookupName(target);
  const types = entries.filter((entry) => entry.marker === undefined && hostFieldMatches(entry.hosts, name)).map((entry) => entry.keyType);
  return [...new Set(types)];
}

/** The line to append for an accepted key (hashed host name, as Debian's HashKnownHosts does). */
export function knownHostsLine(target: HostKeyTarget, keyType: string, key: string, salt?: Buffer): string {
  return `${hashKnownHostName(lookupName(target), salt)} ${keyType} ${key}`;
}

/** The key type written inside an SSH public key blob (its first length-prefixed string). */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) {
    return '';
  }
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('ascii');
}

/** `SHA256:` + unpadded base64 of the blob's SHA-256, as `ssh-keygen -l` and `ssh` print it. */
export function sha256Fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

const CLIENT_HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

/**
 * The host key algorithms to ask the server for first, for the key types known_hosts holds (as
 * ssh does): otherwise a server with both an RSA and an Ed25519 key, known by its RSA key, would
 * present the Ed25519 one and look unknown. An `ssh-rsa` key is used with the rsa-sha2 signatures.
 */
export function preferredHostKeyAlgorithms(knownTypes: readonly string[]): string[] {
  const algorithms = knownTypes.flatMap((type) => (type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type]));
  return [...new Set(algorithms)].filter((algorithm) => CLIENT_HOST_KEY_ALGORITHMS.includes(algorithm));
}
