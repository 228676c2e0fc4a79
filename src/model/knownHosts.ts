/**
 * OpenSSH's known_hosts, read and written the way `ssh` does: host patterns (comma lists, `*` and
 * `?` wildcards, `!` negation), `[host]:port` for ports other than 22, hashed names
 * (`|1|base64(salt)|base64(HMAC-SHA1(salt, name))`), and the `@revoked` marker. Also the SHA256
 * fingerprint as `ssh-keygen -l` prints it. Pure: the caller reads and appends the file.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

export interface KnownHostEntry {
  marker?: 'revoked' | 'cert-authority';
  /** The host field as written (patterns, or one hashed name). */
  hosts: string;
  keyType: string;
  /** The key blob, base64 as written. */
  key: string;
}

export type HostKeyVerdict = 'known' | 'changed' | 'unknown' | 'revoked';

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
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
      entries.push({ marker, hosts: fields[0], keyType: fields[1], key: fields[2] });
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

function wildcardMatch(pattern: string, name: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return regex.test(name);
}

/** Whether a host field (patterns or a hashed name) names `name` (already in `[host]:port` form). */
export function hostFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    return Boolean(salt && hash) && hashedName(name, Buffer.from(salt, 'base64')) === hash;
  }
  let matched = false;
  for (const pattern of hosts.split(',')) {
    if (pattern.startsWith('!')) {
      if (wildcardMatch(pattern.slice(1), name)) {
        return false;
      }
    } else if (wildcardMatch(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/**
 * What known_hosts says about the key a server presented: `known` (a line with this host and
 * this very key), `changed` (lines for this host and key type, none with this key: refuse),
 * `revoked`, or `unknown` (ask the user).
 */
export function checkHostKey(entries: readonly KnownHostEntry[], host: string, port: number, keyType: string, key: string): HostKeyVerdict {
  const name = knownHostName(host, port);
  const forHost = entries.filter((entry) => entry.marker !== 'cert-authority' && hostFieldMatches(entry.hosts, name));
  if (forHost.some((entry) => entry.marker === 'revoked' && entry.key === key)) {
    return 'revoked';
  }
  const plain = forHost.filter((entry) => entry.marker === undefined);
  if (plain.some((entry) => entry.keyType === keyType && entry.key === key)) {
    return 'known';
  }
  return plain.some((entry) => entry.keyType === keyType) ? 'changed' : 'unknown';
}

/** The key types known_hosts holds for a host, so the client can ask the server for one of them first. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const name = knownHostName(host, port);
  const types = entries.filter((entry) => entry.marker === undefined && hostFieldMatches(entry.hosts, name)).map((entry) => entry.keyType);
  return [...new Set(types)];
}

/** The line to append for an accepted key (hashed host name, as Debian's HashKnownHosts does). */
export function knownHostsLine(host: string, port: number, keyType: string, key: string, salt?: Buffer): string {
  return `${hashKnownHostName(knownHostName(host, port), salt)} ${keyType} ${key}`;
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
