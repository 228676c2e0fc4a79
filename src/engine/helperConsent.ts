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
export type HelperConsentAnswer = 'once' | HelperConsent;

/** Where the lasting answers are kept (one value per engine key). */
export interface HelperConsentStore {
  get(key: string): unknown;
  update(key: string, value: HelperConsent | undefined): PromiseLike<void>;
}

const KEY_PREFIX = 'dne.helperConsent.';

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

/** The globalState key of an engine's consent. */
export function helperConsentKey(target: Pick<EngineTarget, 'protocol' | 'host' | 'hostname' | 'port' | 'socketPath'>): string {
  return KEY_PREFIX + createHash('sha256').update(engineAddressForConsent(target)).digest('hex');
}

/** The lasting answer stored for this engine, if any. */
export function storedHelperConsent(store: HelperConsentStore, target: EngineTarget): HelperConsent | undefined {
  const value = store.get(helperConsentKey(target));
  return value === 'always' || value === 'never' ? value : undefined;
}

/**
 * Whether a helper may run now: a stored Always or Never answers at once; otherwise `ask` is asked
 * (undefined: the question was dismissed, which is a no). Always and Never are kept.
 */
export async function helperConsent(store: HelperConsentStore, target: EngineTarget, ask: () => Promise<HelperConsentAnswer | undefined>): Promise<{ allowed: boolean; asked: boolean; refusedBefore: boolean }> {
  const stored = storedHelperConsent(store, target);
  if (stored) {
    return { allowed: stored === 'always', asked: false, refusedBefore: stored === 'never' };
  }
  const answer = await ask();
  if (answer === 'always' || answer === 'never') {
    await store.update(helperConsentKey(target), answer);
  }
  return { allowed: answer === 'once' || answer === 'always', asked: true, refusedBefore: false };
}

/** Forgets every engine's lasting answer; returns how many were forgotten. */
export async function resetHelperConsents(store: HelperConsentStore & { keys(): readonly string[] }): Promise<number> {
  const keys = store.keys().filter((key) => key.startsWith(KEY_PREFIX));
  for (const key of keys) {
    await store.update(key, undefined);
  }
  return keys.length;
}
