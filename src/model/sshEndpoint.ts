/**
 * Where an `ssh://` engine really is, decided like the docker CLI (which runs `ssh`): the URL's
 * user and port win, then what ssh_config gives for the URL's host (src/model/sshConfig.ts, first
 * value wins), then the current OS user and port 22; the identity files, known_hosts files, agent
 * and host key policy as `ssh -G` prints them, and the ProxyJump hops. ProxyCommand and `Match exec`
 * are not followed: they come back as refusals naming the file and line, and the caller does not connect.
 * Pure: the caller reads the config files and passes their text.
 */
import { createHash } from 'node:crypto';
import { canonicalHost, expandHostName, IncludeReader, IncludedFile, ResolvedSshConfig, resolveSshConfig, SshConfigRefusal } from './sshConfig';

export interface LocalFacts {
  /** The current OS user name (os.userInfo().username). */
  localUser: string;
  /** The home folder, for `~` and `%d`. */
  homeDir: string;
  /** The local host name (`%l`, `%L`, `%C`); os.hostname(). */
  localHostName?: string;
  /** The local user id (`%i`). */
  uid?: number;
}

export type StrictHostKeyChecking = 'yes' | 'no' | 'ask' | 'accept-new';

/** Which SSH agent to use: SSH_AUTH_SOCK (the default), none, or a socket path. */
export type IdentityAgent = { use: 'environment' } | { use: 'none' } | { use: 'socket'; path: string };

export interface SshEndpoint {
  /** The host as written in the URL (a Host alias of the config, or a real name). */
  alias: string;
  /** The name or address to connect to: HostName (with %h) or the URL's host, lower case unless an address. */
  hostName: string;
  port: number;
  user: string;
  /** Identity files to try, expanded; the config's when it has some (`none` dropped), else OpenSSH's defaults. */
  identityFiles: string[];
  identityFilesFromConfig: boolean;
  /** IdentitiesOnly yes: the agent's keys are not offered, only the identity files. */
  identitiesOnly: boolean;
  identityAgent: IdentityAgent;
  /** The name looked up in known_hosts: HostKeyAlias as written (no port added), else hostName. */
  hostKeyName: string;
  /** Whether hostKeyName is a HostKeyAlias (then it is looked up as is, without `[ ]:port`). */
  hostKeyAlias: boolean;
  /** UserKnownHostsFile (expanded; empty for `none`); new keys are appended to the first. */
  knownHostsFiles: string[];
  /** GlobalKnownHostsFile (expanded; empty for `none`): read, never written. */
  globalKnownHostsFiles: string[];
  strictHostKeyChecking: StrictHostKeyChecking;
  /** ProxyJump: the hosts to go through, in order (`[user@]host[:port]` each), and where it was set. */
  proxyJump?: { hops: string[]; file: string; line: number };
  /** Directives this client will not follow (ProxyCommand, Match exec): do not connect. */
  refusals: SshConfigRefusal[];
}

/** OpenSSH's default identity files, in the order it tries them (the ones ssh2 can use). */
export const DEFAULT_IDENTITY_FILES = ['~/.ssh/id_rsa', '~/.ssh/id_ecdsa', '~/.ssh/id_ed25519'];
const DEFAULT_USER_KNOWN_HOSTS = ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'];
export const DEFAULT_GLOBAL_KNOWN_HOSTS = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];

/** The values the `%` tokens stand for. */
export interface SshTokens {
  home: string;
  localUser: string;
  /** %h: the host to connect to. */
  host: string;
  /** %n: the host as given. */
  originalHost: string;
  user: string;
  port: number;
  localHostName?: string;
  uid?: number;
  /** %k: HostKeyAlias, else the host as given. */
  hostKeyAlias?: string;
}

function tokenValue(token: string, tokens: SshTokens): string {
  const local = tokens.localHostName ?? 'localhost';
  switch (token) {
    case 'd':
      return tokens.home;
    case 'h':
      return tokens.host;
    case 'n':
      return tokens.originalHost;
    case 'u':
      return tokens.localUser;
    case 'r':
      return tokens.user;
    case 'p':
      return String(tokens.port);
    case 'l':
      return local;
    case 'L':
      return local.split('.')[0];
    case 'i':
      return String(tokens.uid ?? '');
    case 'k':
      return tokens.hostKeyAlias ?? tokens.originalHost;
    case 'C':
      return createHash('sha1').update(`${local}${tokens.host}${tokens.port}${tokens.user}`).digest('hex');
    default:
      return '%';
  }
}

/** Expands `~` and the tokens OpenSSH allows in IdentityFile, UserKnownHostsFile and IdentityAgent. */
export function expandSshPath(value: string, tokens: SshTokens): string {
  const withHome = value === '~' ? tokens.home : value.startsWith('~/') ? `${tokens.home}/${value.slice(2)}` : value;
  return withHome.replace(/%([%dhnurplLiCk])/g, (_match, token: string) => tokenValue(token, tokens));
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

function strictness(value: string | undefined): StrictHostKeyChecking {
  switch (value?.toLowerCase()) {
    case 'yes':
    case 'true':
      return 'yes';
    case 'no':
    case 'false':
    case 'off':
      return 'no';
    case 'accept-new':
      return 'accept-new';
    default:
      return 'ask';
  }
}

function identityAgent(value: string | undefined, tokens: SshTokens): IdentityAgent {
  if (value === undefined || value === 'SSH_AUTH_SOCK') {
    return { use: 'environment' };
  }
  return value.toLowerCase() === 'none' ? { use: 'none' } : { use: 'socket', path: expandSshPath(value, tokens) };
}

/** A list directive's paths, expanded (without tokens: ssh expands only `~` in GlobalKnownHostsFile); `none` gives none; absent gives the defaults. */
function pathList(config: ResolvedSshConfig, keyword: string, defaults: readonly string[], tokens: SshTokens | undefined): string[] {
  const args = config.first.get(keyword)?.args ?? defaults;
  if (args.some((arg) => arg.toLowerCase() === 'none')) {
    return [];
  }
  return args.map((file) => (tokens ? expandSshPath(file, tokens) : file));
}

/** ProxyCommand (unless `none`): a command this client does not run. */
function proxyCommandRefusals(config: ResolvedSshConfig): SshConfigRefusal[] {
  const directive = config.first.get('proxycommand');
  return directive && directive.args[0]?.toLowerCase() !== 'none' ? [{ directive: 'ProxyCommand', file: directive.file, line: directive.line }] : [];
}

/** ProxyJump (unless `none`): `host1,user@host2:port` -> the hops in order. */
function proxyJump(config: ResolvedSshConfig): SshEndpoint['proxyJump'] {
  const directive = config.first.get('proxyjump');
  const value = directive?.args[0];
  if (!directive || value === undefined || value.toLowerCase() === 'none') {
    return undefined;
  }
  const hops = value.split(',').map((hop) => hop.replace(/^ssh:\/\//, '')).filter(Boolean);
  return { hops, file: directive.file, line: directive.line };
}

/** The connection settings from the URL and a resolved config (resolveSshConfig for the URL's host). */
export function endpointFromConfig(hostUrl: string, config: ResolvedSshConfig, local: LocalFacts): SshEndpoint {
  const parts = sshUrlParts(hostUrl);
  const value = (keyword: string) => config.first.get(keyword)?.args[0];
  const configured = value('hostname');
  const hostName = canonicalHost(configured !== undefined ? expandHostName(configured, parts.host) : parts.host);
  const configPort = Number(value('port'));
  const port = parts.port ?? (Number.isInteger(configPort) && configPort > 0 ? configPort : 22);
  const user = parts.user ?? value('user') ?? local.localUser;
  const alias = value('hostkeyalias')?.toLowerCase();
  const tokens: SshTokens = { home: local.homeDir, localUser: local.localUser, host: hostName, originalHost: parts.host, user, port, localHostName: local.localHostName, uid: local.uid, hostKeyAlias: alias };
  const configuredFiles = config.identityFiles.map((directive) => directive.args[0]);
  const identityFiles = (configuredFiles.length > 0 ? configuredFiles : DEFAULT_IDENTITY_FILES).filter((file) => file.toLowerCase() !== 'none');
  return {
    alias: parts.host,
    hostName,
    port,
    user,
    identityFiles: identityFiles.map((file) => expandSshPath(file, tokens)),
    identityFilesFromConfig: configuredFiles.length > 0,
    identitiesOnly: ['yes', 'true'].includes(value('identitiesonly')?.toLowerCase() ?? ''),
    identityAgent: identityAgent(value('identityagent'), tokens),
    hostKeyName: alias ?? hostName,
    hostKeyAlias: alias !== undefined,
    knownHostsFiles: pathList(config, 'userknownhostsfile', DEFAULT_USER_KNOWN_HOSTS, tokens),
    globalKnownHostsFiles: pathList(config, 'globalknownhostsfile', DEFAULT_GLOBAL_KNOWN_HOSTS, undefined),
    strictHostKeyChecking: strictness(value('stricthostkeychecking')),
    proxyJump: proxyJump(config),
    refusals: [...config.refusals, ...proxyCommandRefusals(config)],
  };
}

/** Resolves the config files for an ssh:// URL and gives the connection settings. */
export function resolveSshEndpoint(hostUrl: string, configFiles: readonly IncludedFile[], local: LocalFacts, readInclude?: IncludeReader): SshEndpoint {
  const parts = sshUrlParts(hostUrl);
  const config = resolveSshConfig(configFiles, { host: parts.host, user: parts.user, port: parts.port, localUser: local.localUser }, readInclude);
  return endpointFromConfig(hostUrl, config, local);
}
