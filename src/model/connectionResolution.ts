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
  verify: boolean;
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
}

export class ConnectionResolutionError extends Error {
  constructor(readonly reason: 'badHost' | 'unknownContext', readonly detail: string) {
    super(`${reason}: ${detail}`);
  }
}

/** Parses a docker host URL. Throws ConnectionResolutionError for what docker would refuse. */
export function parseDockerHost(host: string): Pick<EngineTarget, 'host' | 'protocol' | 'socketPath' | 'hostname' | 'port' | 'username'> {
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
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 2376 : 2375;
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

function tlsFromEnvironment(env: Record<string, string | undefined>, protocol: EngineTarget['protocol']): TlsFiles | undefined {
  const verify = Boolean(env.DOCKER_TLS_VERIFY) && env.DOCKER_TLS_VERIFY !== '0';
  const certPath = env.DOCKER_CERT_PATH || (env.HOME ? `${env.HOME}/.docker` : undefined);
  if (protocol !== 'tcp' || (!verify && !env.DOCKER_CERT_PATH)) {
    return undefined;
  }
  return {
    verify,
    ca: certPath ? `${certPath}/ca.pem` : undefined,
    cert: certPath ? `${certPath}/cert.pem` : undefined,
    key: certPath ? `${certPath}/key.pem` : undefined,
  };
}

function fromContext(context: ContextMeta): EngineTarget {
  const parsed = parseDockerHost(context.host);
  const tls: TlsFiles | undefined =
    parsed.protocol === 'tcp' && context.tlsFolder
      ? { verify: !context.skipTlsVerify, ca: `${context.tlsFolder}/ca.pem`, cert: `${context.tlsFolder}/cert.pem`, key: `${context.tlsFolder}/key.pem` }
      : undefined;
  return { source: 'context', contextName: context.name, ...parsed, tls };
}

/** The default sockets, in the order the CLI and Docker Desktop use them. */
export function defaultSocketCandidates(env: Record<string, string | undefined>, platform: string): string[] {
  if (platform === 'win32') {
    return ['//./pipe/docker_engine', '//./pipe/dockerDesktopLinuxEngine'];
  }
  const candidates = ['/var/run/docker.sock'];
  if (env.XDG_RUNTIME_DIR) {
    candidates.push(`${env.XDG_RUNTIME_DIR}/docker.sock`);
  }
  if (env.HOME) {
    candidates.push(`${env.HOME}/.docker/run/docker.sock`, `${env.HOME}/.docker/desktop/docker.sock`);
  }
  return candidates;
}

export function resolveEngineTarget(inputs: ResolutionInputs): EngineTarget {
  const { env } = inputs;
  if (inputs.setting && inputs.setting.trim()) {
    const parsed = parseDockerHost(inputs.setting);
    return { source: 'setting', contextName: 'default', ...parsed, tls: tlsFromEnvironment(env, parsed.protocol) };
  }
  if (env.DOCKER_HOST && env.DOCKER_HOST.trim()) {
    const parsed = parseDockerHost(env.DOCKER_HOST);
    return { source: 'environment', contextName: 'default', ...parsed, tls: tlsFromEnvironment(env, parsed.protocol) };
  }
  const contextName = env.DOCKER_CONTEXT?.trim() || inputs.configCurrentContext?.trim();
  if (contextName && contextName !== 'default') {
    const context = inputs.findContext(contextName);
    if (!context) {
      throw new ConnectionResolutionError('unknownContext', contextName);
    }
    return fromContext(context);
  }
  const candidates = defaultSocketCandidates(env, inputs.platform);
  const found = inputs.platform === 'win32' ? candidates[0] : candidates.find((candidate) => inputs.socketExists(candidate)) ?? candidates[0];
  const protocol = inputs.platform === 'win32' ? 'npipe' : 'unix';
  return { source: 'default', contextName: 'default', host: `${protocol}://${found}`, protocol, socketPath: found };
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
