/**
 * A capture's settings checked before anything runs as root: the interface by the kernel's rule
 * (engineValues.isInterfaceName, the one rule the packet story and the diagram's capture targets
 * use too), the limits (a packet count from 1 to 10^7, a duration from 1 s to a day), the filter
 * (bounded, one line, never read as an option), the file (an absolute path). Whether its folder is
 * writable is the engine side's check (fs). Returns issue codes; src/messages words them. Pure.
 */
import { isEngineId, isEngineName, isInterfaceName } from '../engineValues';
import type { CaptureSpec, CaptureTarget } from './types';

export const MAX_CAPTURE_COUNT = 10_000_000;
export const MAX_CAPTURE_SECONDS = 86_400;
export const MAX_FILTER_LENGTH = 2_048;

/** Where docker, Podman (CNI) and iproute2 keep named network namespaces. */
export const NETNS_FOLDERS: readonly string[] = ['/var/run/docker/netns/', '/run/docker/netns/', '/run/netns/', '/var/run/netns/'];

/** Why the local runner cannot capture here (the surfaces word it: src/messages/captureMessages.ts). */
export type CaptureUnavailable = 'notRoot' | 'notLocal' | 'notLinux' | 'noTcpdump' | 'noNsenter' | 'notRunning' | 'namespaceMismatch';

export type CaptureSpecIssue =
  | { field: 'interface'; code: 'invalidInterface'; value: string }
  | { field: 'target'; code: 'invalidContainer' | 'invalidNamespace'; value: string }
  | { field: 'count'; code: 'countRange'; value: string }
  | { field: 'duration'; code: 'durationRange'; value: string }
  | { field: 'filter'; code: 'filterTooLong' | 'filterControl' | 'filterDash'; value: string }
  | { field: 'file'; code: 'fileNotAbsolute' | 'fileIsFolder'; value: string };

export function interfaceIssue(name: string): CaptureSpecIssue | undefined {
  return name === 'any' || isInterfaceName(name) ? undefined : { field: 'interface', code: 'invalidInterface', value: name };
}

/** A namespace file: directly in one of the netns folders, its name one plain path component. */
export function isNamespaceFile(file: string): boolean {
  const folder = NETNS_FOLDERS.find((prefix) => file.startsWith(prefix));
  const name = folder ? file.slice(folder.length) : '';
  return name !== '' && name !== '.' && name !== '..' && name.length <= 255 && /^[A-Za-z0-9_.-]+$/.test(name);
}

function targetIssues(target: CaptureTarget): CaptureSpecIssue[] {
  const issues: CaptureSpecIssue[] = [];
  const name = target.kind === 'hostInterface' ? target.interface : target.interface;
  if (target.kind === 'hostInterface' && target.interface === 'any') {
    // `any` on the host would capture every container's traffic too: name the interface.
    issues.push({ field: 'interface', code: 'invalidInterface', value: 'any' });
  } else if (name !== undefined) {
    const issue = interfaceIssue(name);
    if (issue) issues.push(issue);
  }
  if (target.kind === 'container' && !isEngineId(target.containerId) && !isEngineName(target.containerId)) {
    issues.push({ field: 'target', code: 'invalidContainer', value: target.containerId });
  }
  if (target.kind === 'namespace' && !isNamespaceFile(target.namespaceFile)) {
    issues.push({ field: 'target', code: 'invalidNamespace', value: target.namespaceFile });
  }
  return issues;
}

export function filterIssue(filter: string): CaptureSpecIssue | undefined {
  if (filter.length > MAX_FILTER_LENGTH) {
    return { field: 'filter', code: 'filterTooLong', value: filter.slice(0, 40) };
  }
  if (/[\u0000-\u001f\u007f]/.test(filter)) {
    return { field: 'filter', code: 'filterControl', value: filter.slice(0, 40) };
  }
  // tcpdump gets the filter after `--`, but a leading dash is never a filter: refuse it plainly.
  if (filter.trimStart().startsWith('-')) {
    return { field: 'filter', code: 'filterDash', value: filter.slice(0, 40) };
  }
  return undefined;
}

export function countIssue(count: number): CaptureSpecIssue | undefined {
  return Number.isSafeInteger(count) && count >= 1 && count <= MAX_CAPTURE_COUNT ? undefined : { field: 'count', code: 'countRange', value: String(count) };
}

export function durationIssue(seconds: number): CaptureSpecIssue | undefined {
  return Number.isFinite(seconds) && seconds >= 1 && seconds <= MAX_CAPTURE_SECONDS ? undefined : { field: 'duration', code: 'durationRange', value: String(seconds) };
}

export function fileIssue(file: string): CaptureSpecIssue | undefined {
  if (!file.startsWith('/') || file.includes('\u0000')) {
    return { field: 'file', code: 'fileNotAbsolute', value: file };
  }
  return file.endsWith('/') ? { field: 'file', code: 'fileIsFolder', value: file } : undefined;
}

/** Every issue of a spec (none: it may run). */
export function captureSpecIssues(spec: CaptureSpec): CaptureSpecIssue[] {
  const issues = targetIssues(spec.target);
  const more = [
    spec.filter !== undefined && spec.filter.trim() !== '' ? filterIssue(spec.filter) : undefined,
    spec.count !== undefined ? countIssue(spec.count) : undefined,
    spec.durationSeconds !== undefined ? durationIssue(spec.durationSeconds) : undefined,
    fileIssue(spec.file),
  ];
  return [...issues, ...more.filter((issue): issue is CaptureSpecIssue => issue !== undefined)];
}

/**
 * The link type tcpdump's compiler checks a filter against (`tcpdump -d -y TYPE`, no capture
 * opened): the Linux cooked header for `any`, Ethernet for every other interface we capture on.
 */
export function filterLinkType(interfaceName: string | undefined): 'EN10MB' | 'LINUX_SLL2' {
  return interfaceName === undefined || interfaceName === 'any' ? 'LINUX_SLL2' : 'EN10MB';
}

/** The interface tcpdump listens on for a target. */
export function captureInterface(target: CaptureTarget): string {
  return target.kind === 'hostInterface' ? target.interface : (target.interface ?? 'any');
}
