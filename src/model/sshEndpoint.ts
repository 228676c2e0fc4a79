/**
 * Where an `ssh://` engine really is, decided like the docker CLI (which runs `ssh`): the URL's
 * user and port win, then the `~/.ssh/config` entry computed for the URL's host (HostName, User,
 * Port, IdentityFile, HostKeyAlias, UserKnownHostsFile), then the current OS user and port 22.
 * Pure: the caller computes the config entry (ssh-config's `compute(host)`) and passes it.
 */

/** What `SSHConfig.compute(host)` returns: directive name -> value (IdentityFile is a list). */
export type ComputedSshConfig = Record<string, string | string[] | undefined>;

export interface LocalFacts {
  /** The current OS user name (os.userInfo().username). */
  localUser: string;
  /** The home folder, for `~` and `%d`. */
  homeDir: string;
}

export interface SshEndpoint {
  /** The host as written in the URL (a Host alias of the config, or a real name). */
  alias: string;
  /** The name or address to connect to (HostName of the config, else the URL's host). */
  hostName: string;
  port: number;
  user: string;
  /** Identity files to try, expanded; the config's when it has some, else OpenSSH's defaults. */
  identityFiles: string[];
  identityFilesFromConfig: boolean;
  /** The name looked up in known_hosts (HostKeyAlias, else hostName). */
  hostKeyName: string;
  /** UserKnownHostsFile of the config (expanded), when set. */
  knownHostsFiles: string[];
}

/** OpenSSH's default identity files, in the order it tries them (the ones ssh2 can use). */
export const DEFAULT_IDENTITY_FILES = ['~/.ssh/id_ed25519', '~/.ssh/id_ecdsa', '~/.ssh/id_rsa'];

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function list(value: string | string[] | undefined): string[] {
  if (value === undefined) {
    return [];
  }
  return (Array.isArray(value) ? value : [value]).filter((item) => item && item.toLowerCase() !== 'none');
}

/** Expands `~` and the tokens OpenSSH allows in IdentityFile and UserKnownHostsFile. */
export function expandSshPath(value: string, tokens: { home: string; localUser: string; host: string; user: string; port: number }): string {
  const withHome = value === '~' ? tokens.home : value.startsWith('~/') ? `${tokens.home}/${value.slice(2)}` : value;
  return withHome.replace(/%([%dhupr])/g, (_match, token: string) => {
    switch (token) {
      case 'd':
        return tokens.home;
      case 'h':
        return tokens.host;
      case 'u':
        return tokens.localUser;
      case 'r':
        return tokens.user;
      case 'p':
        return String(tokens.port);
      default:
        return '%';
    }
  });
}

/** The user, port and host of the URL itself (`ssh://[user@]host[:port]`); the port only when written. */
export function sshUrlParts(hostUrl: string): { host: string; user?: string; port?: number } {
  const url = new URL(hostUrl.trim());
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    user: url.username ? decodeURIComponent(url.username) : undefined,
    port: url.port ? Number(url.port) : undefined,
  };
}

/** Directive names are case-insensitive in ssh_config; ssh-config keeps them as written. */
function normalized(computed: ComputedSshConfig): ComputedSshConfig {
  const canonical = ['HostName', 'Port', 'User', 'IdentityFile', 'HostKeyAlias', 'UserKnownHostsFile'];
  const result: ComputedSshConfig = {};
  for (const [key, value] of Object.entries(computed)) {
    const name = canonical.find((candidate) => candidate.toLowerCase() === key.toLowerCase()) ?? key;
    result[name] = value;
  }
  return result;
}

export function resolveSshEndpoint(hostUrl: string, computedAsWritten: ComputedSshConfig, local: LocalFacts): SshEndpoint {
  const computed = normalized(computedAsWritten);
  const parts = sshUrlParts(hostUrl);
  const hostName = first(computed.HostName) ?? parts.host;
  const configPort = Number(first(computed.Port));
  const port = parts.port ?? (Number.isInteger(configPort) && configPort > 0 ? configPort : 22);
  const user = parts.user ?? first(computed.User) ?? local.localUser;
  const tokens = { home: local.homeDir, localUser: local.localUser, host: hostName, user, port };
  const configured = list(computed.IdentityFile);
  const identityFiles = (configured.length > 0 ? configured : DEFAULT_IDENTITY_FILES).map((file) => expandSshPath(file, tokens));
  const knownHostsFiles = list(computed.UserKnownHostsFile)
    .flatMap((value) => value.split(/\s+/))
    .filter(Boolean)
    .map((file) => expandSshPath(file, tokens));
  return {
    alias: parts.host,
    hostName,
    port,
    user,
    identityFiles,
    identityFilesFromConfig: configured.length > 0,
    hostKeyName: first(computed.HostKeyAlias) ?? hostName,
    knownHostsFiles,
  };
}
