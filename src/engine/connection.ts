/**
 * Reads what the connection resolver needs from the machine (docker config folder, contexts,
 * sockets) and builds dockerode options for the chosen target.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as https from 'node:https';
import type * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DockerOptions } from 'dockerode';
import { ConnectionResolutionError, ContextMeta, DefaultSocketKind, EngineTarget, missingTlsFile, resolveEngineTarget } from '../model/connectionResolution';

export function dockerConfigFolder(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Context folders are named by the sha256 of the context name (docker CLI's rule). */
export function readContext(name: string, configFolder: string): ContextMeta | undefined {
  const id = createHash('sha256').update(name).digest('hex');
  const meta = readJson(path.join(configFolder, 'contexts', 'meta', id, 'meta.json')) as
    | { Name?: string; Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } } }
    | undefined;
  const endpoint = meta?.Endpoints?.docker;
  if (!meta || !endpoint?.Host) {
    return undefined;
  }
  const tlsFolder = path.join(configFolder, 'contexts', 'tls', id, 'docker');
  return {
    name: meta.Name ?? name,
    host: endpoint.Host,
    skipTlsVerify: Boolean(endpoint.SkipTLSVerify),
    tlsFolder: existsSync(tlsFolder) ? tlsFolder : undefined,
  };
}

/** Every context the docker CLI knows, plus the implicit "default". */
export function listContexts(configFolder = dockerConfigFolder()): ContextMeta[] {
  const metaFolder = path.join(configFolder, 'contexts', 'meta');
  const contexts: ContextMeta[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(metaFolder);
  } catch {
    entries = [];
  }
  for (const entry of entries) {
    const meta = readJson(path.join(metaFolder, entry, 'meta.json')) as { Name?: string } | undefined;
    if (meta?.Name) {
      const context = readContext(meta.Name, configFolder);
      if (context) {
        contexts.push(context);
      }
    }
  }
  return contexts.sort((a, b) => a.name.localeCompare(b.name));
}

export function currentContextName(configFolder = dockerConfigFolder()): string | undefined {
  const config = readJson(path.join(configFolder, 'config.json')) as { currentContext?: string } | undefined;
  return config?.currentContext;
}

function isSocket(file: string): boolean {
  try {
    return statSync(file).isSocket();
  } catch {
    return false;
  }
}

/** Whether this user may connect to the socket (connect(2) on a unix socket needs write permission). */
function mayConnect(file: string): boolean {
  try {
    accessSync(file, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves the engine to use. `contextOverride` is what the "Switch Engine Context" command chose
 * for this window; it ranks like DOCKER_CONTEXT.
 */
export function resolveTarget(setting: string | undefined, contextOverride?: string, env: NodeJS.ProcessEnv = process.env): EngineTarget {
  const configFolder = dockerConfigFolder(env);
  const effectiveEnv = contextOverride ? { ...env, DOCKER_HOST: undefined, DOCKER_CONTEXT: contextOverride } : env;
  const target = resolveEngineTarget({
    setting: contextOverride ? undefined : setting,
    env: effectiveEnv,
    platform: process.platform,
    configCurrentContext: currentContextName(configFolder),
    findContext: (name) => readContext(name, configFolder),
    socketExists: isSocket,
    socketUsable: mayConnect,
  });
  const missing = missingTlsFile(target.tls, existsSync);
  if (missing) {
    throw new ConnectionResolutionError('tlsFile', missing, target.host);
  }
  for (const file of [target.tls?.ca, target.tls?.cert, target.tls?.key]) {
    readIfPresent(file, target.host);
  }
  return target;
}

/** Reading a file that is not there (or whose folder is not) is not an error: the file is not used. */
const ABSENT = new Set(['ENOENT', 'ENOTDIR']);

/**
 * A TLS file's content, or undefined when it does not exist (the CLI's rule: absent files are not
 * sent). One that exists but cannot be read (EACCES, EISDIR…) is an error naming it: leaving out
 * an unreadable ca.pem would make Node trust the public CA store instead of the pinned CA.
 */
function readIfPresent(file: string | undefined, host?: string): Buffer | undefined {
  if (!file) {
    return undefined;
  }
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    if (ABSENT.has(code)) {
      return undefined;
    }
    throw new ConnectionResolutionError('tlsFile', file, host, code);
  }
}

/** `sshAgent`: the HTTP agent over SSH (src/engine/ssh/sshAgent.ts) that an ssh:// target needs. */
const DEFAULT_SOCKET_WORDS: Record<DefaultSocketKind, string> = {
  docker: "Docker's default socket",
  dockerRootless: "rootless Docker's socket",
  dockerDesktop: "Docker Desktop's socket",
  podman: "Podman's socket (podman system service, rootful)",
  podmanRootless: "Podman's rootless socket (podman system service)",
};

/** For the log: where the target came from, and for a default socket which one and why (the ones before it are absent). */
export function describeTargetOrigin(target: EngineTarget): string {
  const origin = `from ${target.source}${target.source === 'context' ? ` "${target.contextName}"` : ''}`;
  const choice = target.defaultSocket;
  if (!choice) {
    return origin;
  }
  const absent = (choice.absent.length > 0 ? `; absent: ${choice.absent.join(', ')}` : '') + (choice.denied ? `; no permission: ${choice.denied.join(', ')}` : '');
  return choice.found ? `${origin}: ${DEFAULT_SOCKET_WORDS[choice.kind]}${absent}` : `${origin}: no default socket exists, trying ${DEFAULT_SOCKET_WORDS[choice.kind]}${absent}`;
}

export function dockerodeOptions(target: EngineTarget, timeoutMs: number, sshAgent?: http.Agent): DockerOptions {
  switch (target.protocol) {
    case 'unix':
    case 'npipe':
      return { socketPath: target.socketPath, timeout: timeoutMs };
    case 'ssh':
      // Plain HTTP through our own agent: each connection is a `docker system dial-stdio` channel.
      return { protocol: 'http', host: target.hostname, port: target.port, agent: sshAgent, timeout: timeoutMs } as DockerOptions;
    case 'tcp': {
      const tls = target.tls;
      if (!tls) {
        return { protocol: 'http', host: target.hostname, port: target.port, timeout: timeoutMs };
      }
      return { protocol: 'https', host: target.hostname, port: target.port, agent: tlsAgent(tls), timeout: timeoutMs } as DockerOptions;
    }
  }
}

/**
 * The TLS settings travel in an https.Agent: docker-modem ignores `rejectUnauthorized`, and the
 * agent's options win over the ones docker-modem puts on each request (Node merges the agent's
 * last), so skip-verify really applies, to the events stream too. Files that are absent are not
 * sent (the CLI's rule); the resolver already refused a missing file that is required. No TLS
 * session resumption, like the docker CLI: an OpenSSL server that asks for client certificates
 * without a session id context (socat) refuses every resumed session ("tlsv1 alert internal
 * error"), so the third request on a fresh agent failed.
 */
export function tlsAgent(tls: NonNullable<EngineTarget['tls']>): https.Agent {
  return new https.Agent({
    ca: readIfPresent(tls.ca),
    cert: readIfPresent(tls.cert),
    key: readIfPresent(tls.key),
    rejectUnauthorized: tls.verify,
    maxCachedSessions: 0,
  });
}
