/**
 * What a click on a diagram node or a "reveal" request points at: one network or one container,
 * by id (or name when the id is not known). The one definition shared by the model (the Mermaid
 * generator's node targets), the webview protocol and the tree views.
 */
export type RevealTarget = { kind: 'network'; id: string } | { kind: 'container'; id: string };

export function isRevealTarget(value: unknown): value is RevealTarget {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const candidate = value as { kind?: unknown; id?: unknown };
  return (candidate.kind === 'network' || candidate.kind === 'container') && typeof candidate.id === 'string' && candidate.id.length > 0;
}
