/**
 * Decides which Docker engine to talk to, in the order the docker CLI uses:
 * the extension setting, DOCKER_HOST (+ DOCKER_TLS_VERIFY / DOCKER_CERT_PATH), DOCKER_CONTEXT or the
 * current context of the docker config folder, then the default sockets. Pure: the caller reads
 * the files and passes their contents.
 */

export type EngineSource = 'setting' | 'environment' | 'context' | 'default';

export interface TlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
  /** False: encrypted but the server's certificate is not checked (the user asked for it). */
  verify: boolean;
  /**
   * What turned TLS on: DOCKER_TLS_VERIFY / DOCKER_TLS ('environment'), an https:// host
   * ('scheme'), or a docker context's TLS material or SkipTLSVerify ('context').
   */
  origin: 'environment' | 'scheme' | 'context';
}

export interface EngineTarget {
  source: EngineSource;
  /** The docker context name, when the target came from a context ("default" otherwise). */
  contextName: string;
  /** The host URL as the user would write it: unix:///var/run/docker.sock, tcp://h:2376, ssh://u@h. */
  host: string;
  protocol: 'unix' | 'npipe' | 'tcp' | 'ssh';
  socketPath?: string;
  hostname?: string;
  port?: number;
  username?: string;
  tls?: TlsFiles;
  /** From the default sockets only: which one was taken, and why (the ones before it are absent). */
  defaultSocket?: DefaultSocketChoice;
}

/** Whose default socket: Docker's (rootful, rootless, Desktop's) or Podman's (rootful, rootless). */
export type DefaultSocketKind = 'docker' | 'dockerRootless' | 'dockerDesktop' | 'podman' | 'podmanRootless';

export interface DefaultSocketChoice {
  kind: DefaultSocketKind;
  /** False: none of the default sockets exists; the first is tried anyway (and its error shown). */
  found: boolean;
  /** The default sockets looked at before this one, absent. */
  absent: string[];
  /**
   * The default sockets before this one that exist but this user may not use (Docker's, on a machine
   * where the user is not in the docker group and runs rootless Podman): skipped for one they can use.
   */
  denied?: string[];
}

export interface ContextMeta {
  name: string;
  host: string;
  skipTlsVerify: boolean;
  /** Folder holding ca.pem/cert.pem/key.pem for this context, when it has TLS material. */
  tlsFolder?: string;
}

export interface ResolutionInputs {
  setting?: string;
  env: Record<string, string | undefined>;
  platform: string;
  /** The `currentContext` of the docker config.json, if any. */
  configCurrentContext?: string;
  /** Finds a context by name (reads the meta.json of the docker config folder). */
  findContext: (name: string) => ContextMeta | undefined;
  /** Whether a unix socket path exists (for the default-socket probe). */
  socketExists: (path: string) => boolean;
  /**
   * Whether this user may connect to an existing socket (read and write permission). Absent: every
   * existing socket counts as usable.
   */
  socketUsable?: (path: string) => boolean;
}

export class ConnectionResolutionError extends Error {
  /** `tlsFile`: a certificate file TLS needs is missing, or one that exists cannot be read; `detail` is its path. */
  constructor(
    readonly reason: 'badHost' | 'unknownContext' | 'tlsFile',
    readonly detail: string,
    /** The host that was being resolved, when known (tlsFile). */
    readonly host?: string,
    /** tlsFile: the error that reading the file raised (EACCES, EISDIR…); absent when the file is missing. */
    readonly readError?: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

/** The IANA ports of the Docker API: 2376 with TLS, 2375 without. */
export const DOCKER_TLS_PORT = 2376;
export const DOCKER_PLAIN_PORT = 2375;

/**
 * Parses a docker host URL. Throws ConnectionResolutionError for what docker would refuse.
 * `defaultToTls`: TLS is on (variables, context), so a tcp host without a port means 2376.
 */
export function parseDockerHost(
  host: string,
  defaultToTls = false,
): Pick<EngineTarget, 'host' | 'protocol' | 'socketPath' | 'hostname' | 'port' | 'username'> {
  const trimmed = host.trim();
  if (trimmed.startsWith('unix://')) {
    return { host: trimmed, protocol: 'unix', socketPath: trimmed.slice('unix://'.length) || '/var/run/docker.sock' };
  }
  if (trimmed.startsWith('npipe://')) {
    return { host: trimmed, protocol: 'npipe', socketPath: trimmed.slice('npipe://'.length) || '//./pipe/docker_engine' };
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new ConnectionResolutionError('badHost', trimmed);
  }
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    if (!url.hostname) {
      throw new ConnectionResolutionError('badHost', trimmed);
    }
    const port = url.port ? Number(url.port) : url.protocol === 'https:' || defaultToTls ? DOCKER_TLS_PORT : DOCKER_PLAIN_PORT;
    return { host: trimmed, protocol: 'tcp', hostname: url.hostname, port };
  }
  if (url.protocol === 'ssh:') {
    if (!url.hostname) {
      throw new ConnectionResolutionError('badHost', trimmed);
    }
    return {
      host: trimmed,
      protocol: 'ssh',
      hostname: url.hostname,
      port: url.port ? Number(url.port) : 22,
      username: url.username ? decodeURIComponent(url.username) : undefined,
    };
  }
  throw new ConnectionResolutionError('badHost', trimmed);
}

const nonEmpty = (value: string | undefined): boolean => value !== undefined && value !== '';
const isHttpsHost = (host: string): boolean => /^https:\/\//i.test(host.trim());
const isTcpHost = (host: string): boolean => /^(tcp|http|https):\/\//i.test(host.trim());

/** The docker CLI's config folder: DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigDir(env: Record<string, string | undefined>): string | undefined {
  const home = env.HOME || env.USERPROFILE;
  return env.DOCKER_CONFIG || (home ? `${home}/.docker` : undefined);
}

function filesIn(folder: string | undefined): Pick<TlsFiles, 'ca' | 'cert' | 'key'> {
  return folder ? { ca: `${folder}/ca.pem`, cert: `${folder}/cert.pem`, key: `${folder}/key.pem` } : {};
}

/**
 * TLS for a host given by the setting or DOCKER_HOST, with the docker CLI's rules (cli/flags):
 * DOCKER_TLS_VERIFY set to ANY non-empty value (even "0" or "false") means TLS and verify;
 * DOCKER_TLS non-empty alone means TLS without verifying; the files are ca.pem, cert.pem and
 * key.pem in DOCKER_CERT_PATH, else the config folder. An https:// host means TLS too, verified
 * unless DOCKER_TLS alone asks otherwise. DOCKER_CERT_PATH alone does not turn TLS on.
 */
export function tlsFromEnvironment(env: Record<string, string | undefined>, host: string): TlsFiles | undefined {
  const tlsVerify = nonEmpty(env.DOCKER_TLS_VERIFY);
  const tlsOnly = nonEmpty(env.DOCKER_TLS);
  const https = isHttpsHost(host);
  if (!isTcpHost(host) || (!tlsVerify && !tlsOnly && !https)) {
    return undefined;
  }
  const certPath = env.DOCKER_CERT_PATH || dockerConfigDir(env);
  return { verify: tlsVerify || !tlsOnly, origin: tlsVerify || tlsOnly ? 'environment' : 'scheme', ...filesIn(certPath) };
}

/**
 * TLS for a context's endpoint (docker CLI's context/docker rules): on when the context stores
 * TLS material or SkipTLSVerify (or its host is https://); what is stored is used, the rest is not.
 */
export function tlsFromContext(context: ContextMeta): TlsFiles | undefined {
  if (!isTcpHost(context.host) || (!context.tlsFolder && !context.skipTlsVerify && !isHttpsHost(context.host))) {
    return undefined;
  }
  return { verify: !context.skipTlsVerify, origin: 'context', ...filesIn(context.tlsFolder) };
}

/**
 * The certificate file that TLS needs and that is missing, if any (what the CLI would refuse):
 * the CA when TLS comes from the variables (docker 28 loads it even without verifying: "open
 * …/ca.pem: no such file or directory"), and the other half of a client key pair. A missing
 * client pair is not an error: the CLI then sends no certificate, like here. Files that are
 * absent otherwise (an https:// host, a context) are simply not used.
 */
export function missingTlsFile(tls: TlsFiles | undefined, exists: (file: string) => boolean): string | undefined {
  if (!tls) {
    return undefined;
  }
  if (tls.origin === 'environment' && tls.ca && !exists(tls.ca)) {
    return tls.ca;
  }
  const hasCert = Boolean(tls.cert && exists(tls.cert));
  const hasKey = Boolean(tls.key && exists(tls.key));
  if (hasCert !== hasKey) {
    return hasCert ? tls.key : tls.cert;
  }
  return undefined;
}

function fromContext(context: ContextMeta): EngineTarget {
  const tls = tlsFromContext(context);
  const parsed = parseDockerHost(context.host, Boolean(tls));
  return { source: 'context', contextName: context.name, ...parsed, tls };
}

/**
 * The default sockets, in order: Docker's as the CLI and Docker Desktop use them, then Podman's
 * (`podman system service`: rootful /run/podman/podman.sock, rootless $XDG_RUNTIME_DIR/podman/podman.sock),
 * which serve the same API. Podman's come last: taken only when no Docker socket is there.
 */
export function defaultSockets(env: Record<string, string | undefined>, platform: string): { path: string; kind: DefaultSocketKind }[] {
  if (platform === 'win32') {
    return [
      { path: '//./pipe/docker_engine', kind: 'docker' },
      { path: '//./pipe/dockerDesktopLinuxEngine', kind: 'dockerDesktop' },
    ];
  }
  const candidates: { path: string; kind: DefaultSocketKind }[] = [{ path: '/var/run/docker.sock', kind: 'docker' }];
  if (env.XDG_RUNTIME_DIR) {
    candidates.push({ path: `${env.XDG_RUNTIME_DIR}/docker.sock`, kind: 'dockerRootless' });
  }
  if (env.HOME) {
    candidates.push({ path: `${env.HOME}/.docker/run/docker.sock`, kind: 'dockerDesktop' }, { path: `${env.HOME}/.docker/desktop/docker.sock`, kind: 'dockerDesktop' });
  }
  candidates.push({ path: '/run/podman/podman.sock', kind: 'podman' });
  if (env.XDG_RUNTIME_DIR) {
    candidates.push({ path: `${env.XDG_RUNTIME_DIR}/podman/podman.sock`, kind: 'podmanRootless' });
  }
  return candidates;
}

/** The default sockets' paths, in the order they are tried. */
export function defaultSocketCandidates(env: Record<string, string | undefined>, platform: string): string[] {
  return defaultSockets(env, platform).map((candidate) => candidate.path);
}

export function resolveEngineTarget(inputs: ResolutionInputs): EngineTarget {
  const { env } = inputs;
  if (inputs.setting && inputs.setting.trim()) {
    const tls = tlsFromEnvironment(env, inputs.setting);
    return { source: 'setting', contextName: 'default', ...parseDockerHost(inputs.setting, Boolean(tls)), tls };
  }
  if (env.DOCKER_HOST && env.DOCKER_HOST.trim()) {
    const tls = tlsFromEnvironment(env, env.DOCKER_HOST);
    return { source: 'environment', contextName: 'default', ...parseDockerHost(env.DOCKER_HOST, Boolean(tls)), tls };
  }
  const contextName = env.DOCKER_CONTEXT?.trim() || inputs.configCurrentContext?.trim();
  if (contextName && contextName !== 'default') {
    const context = inputs.findContext(contextName);
    if (!context) {
      throw new ConnectionResolutionError('unknownContext', contextName);
    }
    return fromContext(context);
  }
  if (nonEmpty(env.DOCKER_TLS_VERIFY) || nonEmpty(env.DOCKER_TLS)) {
    // The CLI's default host when TLS is on and no host is given (opts.ParseHost with defaultToTLS).
    const host = `tcp://localhost:${DOCKER_TLS_PORT}`;
    return { source: 'environment', contextName: 'default', ...parseDockerHost(host, true), tls: tlsFromEnvironment(env, host) };
  }
  const candidates = defaultSockets(env, inputs.platform);
  const existing = (candidate: { path: string }) => inputs.socketExists(candidate.path);
  const usable = (candidate: { path: string }) => existing(candidate) && (inputs.socketUsable?.(candidate.path) ?? true);
  // The first socket this user can use; else the first that exists (its permission error is then shown).
  const firstUsable = candidates.findIndex(usable);
  const index = inputs.platform === 'win32' ? 0 : firstUsable >= 0 ? firstUsable : candidates.findIndex(existing);
  const chosen = candidates[Math.max(index, 0)];
  const protocol = inputs.platform === 'win32' ? 'npipe' : 'unix';
  const before = candidates.slice(0, index >= 0 ? index : candidates.length);
  const denied = inputs.platform === 'win32' ? [] : before.filter(existing).map((candidate) => candidate.path);
  const defaultSocket: DefaultSocketChoice = {
    kind: chosen.kind,
    found: index >= 0,
    absent: before.filter((candidate) => inputs.platform === 'win32' || !existing(candidate)).map((candidate) => candidate.path),
    ...(denied.length > 0 ? { denied } : {}),
  };
  return { source: 'default', contextName: 'default', host: `${protocol}://${chosen.path}`, protocol, socketPath: chosen.path, defaultSocket };
}

/** What decides whether an engine's network namespaces and interfaces are this machine's. */
export interface LocalityFacts {
  platform: string;
  /** This machine's host name (os.hostname()). */
  localHostName: string;
  /** The host name the engine reports (GET /info `Name`), when known. */
  engineHostName?: string;
}

/**
 * The one answer to "is this engine local?": the host probe and the macvlan parent picker both
 * read this machine's interfaces, which describe the engine only when it runs here. Local means:
 * Linux, reached through a unix socket that is not Docker Desktop's (Desktop runs the engine in a
 * VM) or through tcp to a loopback address, and, when the engine told its host name, it is ours.
 * Windows named pipes and macOS sockets lead to a VM: not local.
 */
export function isLocalEngine(target: EngineTarget, facts: LocalityFacts): boolean {
  if (facts.platform !== 'linux') {
    return false;
  }
  const localTransport =
    (target.protocol === 'unix' && !/\.docker\/desktop\//.test(target.socketPath ?? '')) ||
    (target.protocol === 'tcp' && ['localhost', '127.0.0.1', '::1'].includes(target.hostname ?? ''));
  if (!localTransport) {
    return false;
  }
  return facts.engineHostName === undefined || facts.engineHostName === facts.localHostName;
}
