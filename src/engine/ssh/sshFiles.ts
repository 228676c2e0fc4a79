/**
 * The files an `ssh://` engine reads like OpenSSH does: ~/.ssh/config then /etc/ssh/ssh_config
 * (with their Include files), the user's known_hosts (read, and appended to when the user accepts a
 * key), the global ones (/etc/ssh/ssh_known_hosts*, read only) and the identity files. The decisions on their contents are pure (src/model/sshEndpoint.ts, knownHosts.ts).
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IncludeReader, wildcardMatch } from '../../model/sshConfig';
import { resolveSshEndpoint, SshEndpoint } from '../../model/sshEndpoint';
import { KnownHostEntry, parseKnownHosts } from '../../model/knownHosts';

/** Where the SSH files are; every field defaults to the user's own (tests point them elsewhere). */
export interface SshFileLocations {
  /** The home folder for `~`, ~/.ssh/config and the default identity files. */
  homeDir?: string;
  /** The ssh config file (default HOME/.ssh/config). */
  configFile?: string;
  /** The system-wide ssh config, read after the user's as ssh does (default /etc/ssh/ssh_config; '' for none). */
  systemConfigFile?: string;
  /** The known_hosts file to read and append to (default: the config's first UserKnownHostsFile). */
  knownHostsFile?: string;
  /** The current user name (default: the OS user). */
  localUser?: string;
  /** The SSH agent socket used in place of SSH_AUTH_SOCK (empty string: no agent). */
  agentSocket?: string;
}

export function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function localUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'root';
  }
}

/** The files a glob names, sorted as glob(3) sorts them (`*`, `?` in any path component). */
export function globFiles(pattern: string): string[] {
  const absolute = path.resolve(pattern);
  const parts = absolute.split(path.sep).filter(Boolean);
  let found = [path.parse(absolute).root];
  for (const part of parts) {
    if (!/[*?]/.test(part)) {
      found = found.map((folder) => path.join(folder, part));
      continue;
    }
    found = found.flatMap((folder) => {
      try {
        return readdirSync(folder)
          .filter((name) => !name.startsWith('.') && wildcardMatch(part, name))
          .sort()
          .map((name) => path.join(folder, name));
      } catch {
        return [];
      }
    });
  }
  return found.filter((file) => existsSync(file) && statSync(file).isFile());
}

/** Reads an Include's files: `~` expanded, a relative path under ~/.ssh (or /etc/ssh for the system config). */
function includeReader(homeDir: string, systemConfigFile: string): IncludeReader {
  return (pattern, from) => {
    const expanded = pattern === '~' ? homeDir : pattern.startsWith('~/') ? path.join(homeDir, pattern.slice(2)) : pattern;
    const base = systemConfigFile && from.file.startsWith(path.dirname(systemConfigFile) + path.sep) ? path.dirname(systemConfigFile) : path.join(homeDir, '.ssh');
    const files = globFiles(path.isAbsolute(expanded) ? expanded : path.join(base, expanded));
    return files.flatMap((file) => {
      const text = readText(file);
      return text === undefined ? [] : [{ file: displayPath(file, homeDir), text }];
    });
  };
}

export interface ResolvedSshSetup {
  endpoint: SshEndpoint;
  /** Where an accepted key is appended (undefined: UserKnownHostsFile none, nothing is written). */
  knownHostsFile: string | undefined;
  /** Every known_hosts file read: the user's, then the global ones. */
  knownHostsFiles: string[];
  /** The agent socket, unless IdentityAgent none or IdentitiesOnly yes (or no agent at all). */
  agentSocket: string | undefined;
}

function agentSocketOf(endpoint: SshEndpoint, locations: SshFileLocations): string | undefined {
  if (endpoint.identitiesOnly) {
    return undefined;
  }
  switch (endpoint.identityAgent.use) {
    case 'none':
      return undefined;
    case 'socket':
      return endpoint.identityAgent.path.startsWith('$') ? process.env[endpoint.identityAgent.path.slice(1)] || undefined : endpoint.identityAgent.path;
    default:
      return (locations.agentSocket ?? process.env.SSH_AUTH_SOCK) || undefined;
  }
}

/** The effective connection for an ssh:// URL, with the files it will use. */
export function resolveSshSetup(hostUrl: string, locations: SshFileLocations = {}): ResolvedSshSetup {
  const homeDir = locations.homeDir ?? os.homedir();
  const configFile = locations.configFile ?? path.join(homeDir, '.ssh', 'config');
  const systemConfigFile = locations.systemConfigFile ?? '/etc/ssh/ssh_config';
  const configFiles = [configFile, systemConfigFile].filter(Boolean).flatMap((file) => {
    const text = readText(file);
    return text === undefined ? [] : [{ file: displayPath(file, homeDir), text }];
  });
  const local = { localUser: locations.localUser ?? localUserName(), homeDir, localHostName: os.hostname(), uid: process.getuid?.() };
  const endpoint = resolveSshEndpoint(hostUrl, configFiles, local, includeReader(homeDir, systemConfigFile));
  const userFiles = locations.knownHostsFile ? [locations.knownHostsFile] : endpoint.knownHostsFiles;
  return {
    endpoint,
    knownHostsFile: userFiles[0],
    knownHostsFiles: [...userFiles, ...endpoint.globalKnownHostsFiles],
    agentSocket: agentSocketOf(endpoint, locations),
  };
}

/** `~/...` for a file under the home folder (how messages name it). */
export function displayPath(file: string, homeDir: string): string {
  return file.startsWith(homeDir + path.sep) ? `~/${file.slice(homeDir.length + 1)}` : file;
}

/** The entries of every known_hosts file, each with its file and line. */
export function readKnownHosts(files: readonly string[]): KnownHostEntry[] {
  return files.flatMap((file) => parseKnownHosts(readText(file) ?? '', file));
}

export function appendKnownHost(file: string, line: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const existing = readText(file);
  const separator = existing && !existing.endsWith('\n') ? '\n' : '';
  appendFileSync(file, `${separator}${line}\n`, { mode: 0o600 });
}

/** The identity files that exist, with their contents. */
export function readIdentityFiles(files: readonly string[]): { file: string; data: Buffer }[] {
  return files.filter((file) => existsSync(file)).flatMap((file) => {
    try {
      return [{ file, data: readFileSync(file) }];
    } catch {
      return [];
    }
  });
}
