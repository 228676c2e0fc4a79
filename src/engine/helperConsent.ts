/**
 * Consent to run helper containers, kept per engine. The key is a hash of the engine's address
 * reduced to what names the engine (protocol, host, port, socket path): never a user name, password
 * or certificate path, so the stored keys say nothing about where or as whom the user connects.
 * The store is the caller's (VS Code's globalState in the extension); the command line asks for
 * `--helper` on each run instead.
 */
import { createHash } from 'node:crypto';
import type { EngineTarget } from '../model/connectionResolution';

export type HelperConsent = 'always' | 'never';
/**
 * What the helper is asked for. Each has its own answer: a capture helper keeps NET_RAW in one
 * container's namespace, an observation helper is privileged with the host's pid and network
 * namespaces; an Always for the first must not grant the second.
 */
export type HelperConsentPurpose = 'capture' | 'observe';
export type HelperConsentAnswer = 'once' | HelperConsent;

/** Where the lasting answers are kept (one value per engine key). */
export interface HelperConsentStore {
  get(key: string): unknown;
  update(key: string, value: HelperConsent | undefined): PromiseLike<void>;
}

const KEY_PREFIX = 'dne.helperConsent.';
/** Capture answers keep the keys they had before observation helpers existed. */
const PURPOSE_PREFIX: Record<HelperConsentPurpose, string> = { capture: KEY_PREFIX, observe: `${KEY_PREFIX}observe.` };

/** The engine's address without credentials: `unix:/path`, `tcp:host:port`, `ssh:host:port`, `npipe:path`. */
export function engineAddressForConsent(target: Pick<EngineTarget, 'protocol' | 'host' | 'hostname' | 'port' | 'socketPath'>): string {
  if (target.protocol === 'unix' || target.protocol === 'npipe') {
    return `${target.protocol}:${target.socketPath ?? target.host.replace(/^[a-z]+:\/\//, '')}`;
  }
  let hostname = target.hostname;
  let port = target.port;
  if (hostname === undefined) {
    try {
      const url = new URL(target.host);
      hostname = url.hostname;
      port = url.port ? Number(url.port) : undefined;
    } catch {
      hostname = '';
    }
  }
  const defaultPort = target.protocol === 'ssh' ? 22 : 2376;
  return `${target.protocol}:${hostname.toLowerCase()}:${port ?? defaultPort}`;
}

/** The globalState key of an engine's consent for one purpose. */
export function helperConsentKey(target: Pick<EngineTarget, 'protocol' | 'host' | 'hostname' | 'port' | 'socketPath'>, purpose: HelperConsentPurpose = 'capture'): string {
  return PURPOSE_PREFIX[purpose] + createHash('sha256').update(engineAddressForConsent(target)).digest('hex');
}

/** The lasting answer stored for this engine and purpose, if any. */
export function storedHelperConsent(store: HelperConsentStore, target: EngineTarget, purpose: HelperConsentPurpose = 'capture'): HelperConsent | undefined {
  const value = store.get(helperConsentKey(target, purpose));
  return value === 'always' || value === 'never' ? value : undefined;
}

/**
 * Whether a helper may run now: a stored Always or Never answers at once; otherwise `ask` is asked
 * (undefined: the question was dismissed, which is a no). Always and Never are kept.
 */
export async function helperConsent(
  store: HelperConsentStore,
  target: EngineTarget,
  ask: () => Promise<HelperConsentAnswer | undefined>,
  purpose: HelperConsentPurpose = 'capture',
): Promise<{ allowed: boolean; asked: boolean; refusedBefore: boolean }> {
  const stored = storedHelperConsent(store, target, purpose);
  if (stored) {
    return { allowed: stored === 'always', asked: false, refusedBefore: stored === 'never' };
  }
  const answer = await ask();
  if (answer === 'always' || answer === 'never') {
    await store.update(helperConsentKey(target, purpose), answer);
  }
  return { allowed: answer === 'once' || answer === 'always', asked: true, refusedBefore: false };
}

/** Forgets every engine's lasting answer, for every purpose; returns how many were forgotten. */
export async function resetHelperConsents(store: HelperConsentStore & { keys(): readonly string[] }): Promise<number> {
  const keys = store.keys().filter((key) => key.startsWith(KEY_PREFIX));
  for (const key of keys) {
    await store.update(key, undefined);
  }
  return keys.length;
}
