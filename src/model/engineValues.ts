/**
 * Values an engine answered, checked by type before they reach an argument vector, a path or a
 * file read (the doctor runs tools as root with them). An engine is a program on the other side
 * of a socket: a proxy, another user's rootless daemon or a tunnel can answer anything. Pure.
 *  - addresses: a plain IPv4 or IPv6 address, as the ip-address library reads it, with no zone and
 *    no prefix (so never `-le/usr/bin/touch`, never an option);
 *  - process ids: a safe integer from 2 to the kernel's PID_MAX_LIMIT (never `1/../../self`, -1, 1);
 *  - ids: 64 hexadecimal digits;
 *  - interface names: what the kernel accepts (dev_valid_name): 1 to 15 bytes, not `.` or `..`,
 *    no `/`, `:` or white space;
 *  - names to resolve: a DNS name as the docker CLI accepts an alias (never a leading `-`).
 */
import { parseAddress } from './addresses';

/** The kernel's upper bound for pid_max (include/linux/threads.h, PID_MAX_LIMIT on 64-bit). */
export const PID_MAX_LIMIT = 4_194_304;

/** The kind of value a field must hold, for the sentence that refuses it. */
export type EngineValueKind = 'ipAddress' | 'pid' | 'id' | 'interfaceName' | 'path';

/** An engine answer that does not hold the value its field must hold: which field, which value. */
export class EngineValueError extends Error {
  constructor(
    /** The field as the Engine API names it, with where it was found (`NetworkSettings.Networks.net.IPAddress of container b`). */
    readonly field: string,
    readonly value: string,
    readonly kind: EngineValueKind,
  ) {
    super(`${field}: not a valid ${kind}: ${JSON.stringify(value).slice(0, 200)}`);
  }
}

/** A plain IP address (IPv4 dotted quad or IPv6), no prefix, no zone, no white space. */
export function isIpAddress(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 64 && /^[0-9A-Fa-f:.]+$/.test(value) && parseAddress(value) !== undefined;
}

/** A process id this host can have, never 0 or 1 (init is not a container). */
export function isSafePid(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 1 && value <= PID_MAX_LIMIT;
}

/** A full container, network or exec id. */
export function isEngineId(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}

/**
 * A container or network name as Docker and Podman allow them (`[a-zA-Z0-9][a-zA-Z0-9_.-]*`): safe as
 * one component of an API path (no `/`, never `..`). Create validates the user's names with it too.
 */
export const ENGINE_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function isEngineName(value: unknown): value is string {
  return typeof value === 'string' && ENGINE_NAME_PATTERN.test(value);
}

/**
 * A name the kernel accepts for a network interface (and so a safe single path component): the
 * kernel's rule (IFNAMSIZ: 1 to 15 bytes; no '/', ':' or white space; not '.' or '..'), and no control
 * character. The one rule: capture specs, the packet story, the diagram's capture targets, probes.
 */
export function isInterfaceName(value: unknown): value is string {
  if (typeof value !== 'string' || value === '' || value === '.' || value === '..') {
    return false;
  }
  return new TextEncoder().encode(value).length <= 15 && !/[/:\s\u0000-\u001f\u007f]/.test(value);
}

/** Throws EngineValueError unless `check(value)`; returns the value typed. */
export function requireEngineValue<T>(value: unknown, check: (candidate: unknown) => candidate is T, field: string, kind: EngineValueKind): T {
  if (!check(value)) {
    throw new EngineValueError(field, typeof value === 'string' ? value : JSON.stringify(value) ?? String(value), kind);
  }
  return value;
}

/** Why a name to resolve (`reach --name`, Check Connectivity's name) is refused; undefined when it is a DNS name. */
export type ReachNameIssue = 'empty' | 'leadingDash' | 'invalid' | 'tooLong';

/**
 * A name the doctor may look up: what the docker CLI accepts as a container name, and what DNS
 * names and network aliases are written with: a letter or digit first, then letters, digits, `_`,
 * `.` and `-` ([a-zA-Z0-9][a-zA-Z0-9_.-]*, the engine's restrictedNameChars), at most 255
 * characters. Never a leading `-`: it cannot be read as an option by nslookup.
 */
export function reachNameIssue(name: string): ReachNameIssue | undefined {
  if (name === '') {
    return 'empty';
  }
  if (name.startsWith('-')) {
    return 'leadingDash';
  }
  if (name.length > 255) {
    return 'tooLong';
  }
  return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name) ? undefined : 'invalid';
}
