/**
 * The files an `ssh://` engine reads like OpenSSH does: ~/.ssh/config (through the ssh-config
 * package), ~/.ssh/known_hosts (read, and appended to when the user accepts a key) and the identity
 * files. The decisions on their contents are pure (src/model/sshEndpoint.ts, knownHosts.ts).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import SSHConfig from 'ssh-config';
import { ComputedSshConfig, resolveSshEndpoint, SshEndpoint } from '../../model/sshEndpoint';
import { KnownHostEntry, parseKnownHosts } from '../../model/knownHosts';

/** Where the SSH files are; every field defaults to the user's own (tests point them elsewhere). */
export interface SshFileLocations {
  /** The home folder for `~`, ~/.ssh/config and the default identity files. */
  homeDir?: string;
  /** The ssh config file (default HOME/.ssh/config). */
  configFile?: string;
  /** The known_hosts file (default: the config's UserKnownHostsFile, else HOME/.ssh/known_hosts). */
  knownHostsFile?: string;
  /** The current user name (default: the OS user). */
  localUser?: string;
  /** The SSH agent socket (default SSH_AUTH_SOCK; empty string: no agent). */
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

export function computeSshConfig(configText: string | undefined, alias: string): ComputedSshConfig {
  if (!configText) {
    return {};
  }
  try {
    return SSHConfig.parse(configText).compute(alias) as ComputedSshConfig;
  } catch {
    // A config ssh-config cannot read: connect as if there were none (ssh would say why).
    return {};
  }
}

export interface ResolvedSshSetup {
  endpoint: SshEndpoint;
  knownHostsFile: string;
  agentSocket: string | undefined;
}

/** The effective connection for an ssh:// URL, with the files it will use. */
export function resolveSshSetup(hostUrl: string, locations: SshFileLocations = {}): ResolvedSshSetup {
  const homeDir = locations.homeDir ?? os.homedir();
  const configFile = locations.configFile ?? path.join(homeDir, '.ssh', 'config');
  const alias = new URL(hostUrl.trim()).hostname.replace(/^\[(.*)\]$/, '$1');
  const computed = computeSshConfig(readText(configFile), alias);
  const endpoint = resolveSshEndpoint(hostUrl, computed, { localUser: locations.localUser ?? localUserName(), homeDir });
  const knownHostsFile = locations.knownHostsFile ?? endpoint.knownHostsFiles[0] ?? path.join(homeDir, '.ssh', 'known_hosts');
  const agentSocket = locations.agentSocket ?? process.env.SSH_AUTH_SOCK;
  return { endpoint, knownHostsFile, agentSocket: agentSocket || undefined };
}

export function readKnownHosts(file: string): KnownHostEntry[] {
  return parseKnownHosts(readText(file) ?? '');
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
