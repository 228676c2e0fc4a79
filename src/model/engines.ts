/**
 * Several engines at once (`dockerNetworks.engines`): what each entry names (a docker context or a
 * host URL), the engine root nodes of the trees, and which engine a clicked node belongs to. Pure:
 * the glue (sessionManager.ts, views/, commands/registry.ts) turns these into sessions and items.
 */
import { createHash } from 'node:crypto';
import { shortHost } from './displayHost';
import type { TreeNode } from './treeModel';

/** One configured engine: a host URL (it has a scheme) or the name of a docker context. */
export interface EngineSpec {
  /**
   * What identifies the engine in node ids, tree item ids, the quick pick, workspaceState and inspect
   * URIs: a hash of the entry (engineKey), never the entry itself, which may hold a password or a token.
   */
  key: string;
  kind: 'host' | 'context';
  /** The entry as written (trimmed). Kept in memory only: shown through engineLabel, never stored. */
  value: string;
}

/**
 * The stable key of a configured entry: "e" and the first 16 hex digits of its SHA-256. The same
 * entry gives the same key in every window and after a reload, and the key tells nothing of a
 * secret in the entry.
 */
export function engineKey(entry: string): string {
  return `e${createHash('sha256').update(entry, 'utf8').digest('hex').slice(0, 16)}`;
}

/** Whether a stored value has the shape of an engine key (else it is an entry stored by 0.1.0). */
export function isEngineKey(value: string): boolean {
  return /^e[0-9a-f]{16}$/.test(value);
}

/** The setting's entries, trimmed, without blanks and duplicates, in order. Anything but strings is ignored. */
export function parseEngineEntries(entries: unknown): EngineSpec[] {
  if (!Array.isArray(entries)) {
    return [];
  }
  const seen = new Set<string>();
  const specs: EngineSpec[] = [];
  for (const entry of entries) {
    const value = typeof entry === 'string' ? entry.trim() : '';
    if (!value || seen.has(value)) {
      continue;
    }
    seen.add(value);
    specs.push({ key: engineKey(value), kind: /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? 'host' : 'context', value });
  }
  return specs;
}

/** The label of an engine's root node: the context name, or the host (masked by the one masker, displayHost.ts). */
export function engineLabel(spec: EngineSpec): string {
  return spec.kind === 'context' ? spec.value : shortHost(spec.value);
}

/** The root node of one engine in both trees (several engines only). */
export interface EngineRootNode {
  kind: 'engine';
  id: string;
  engine: string;
}

/** The one row under an unreachable engine's root (the cause, as the welcome view would say it), or under a connected engine's empty root (why it is empty). */
export interface EngineCauseNode {
  kind: 'engineCause';
  id: string;
  engine: string;
}

export function engineCauseNode(key: string): EngineCauseNode {
  return { kind: 'engineCause', id: `engineCause:${key}`, engine: key };
}

/** A tree node under an engine root: the node of that engine's tree, with the engine's key. */
export type EngineTreeNode = TreeNode & { engine?: string };

export function engineRootNode(key: string): EngineRootNode {
  return { kind: 'engine', id: `engine:${key}`, engine: key };
}

/** The node as it appears under the root of this engine. */
export function onEngine<T extends TreeNode>(node: T, engine: string): T & { engine: string } {
  return { ...node, engine };
}

function engineOfValue(value: unknown): string | undefined {
  const engine = typeof value === 'object' && value !== null ? (value as { engine?: unknown }).engine : undefined;
  return typeof engine === 'string' ? engine : undefined;
}

/**
 * The engine a command acts on, from what VS Code passed it (clicked node, multi-selection): the
 * clicked node's engine, else the selection's first; undefined when no node names one (palette).
 */
export function engineOfArguments(node: unknown, selection: unknown): string | undefined {
  return engineOfValue(node) ?? (Array.isArray(selection) ? selection.map(engineOfValue).find((key) => key !== undefined) : undefined);
}

/** The multi-selection restricted to one engine's nodes: an action never reaches into another engine. */
export function selectionOnEngine(selection: unknown, engine: string): unknown {
  return Array.isArray(selection) ? selection.filter((entry) => engineOfValue(entry) === engine) : selection;
}
