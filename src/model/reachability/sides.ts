/**
 * The two sides of a reachability question, as the kernel sees them: a `container:` mode container
 * speaks through its owner's stack, a host-mode container through the host's, a stopped or
 * none-mode container through none at all. Pure.
 */
import type { ContainerModel, Inventory } from '../inventory';
import type { Blocker, Note, ReachSide } from './types';
import type { EngineCli } from '../engineProduct';

export type Role = 'source' | 'target';

export interface ResolvedSide {
  /** As asked. */
  asked: ReachSide;
  /** The stack that really sends or answers: the owner of a borrowed stack, the host for host mode. */
  effective: ReachSide;
  /** The container whose memberships count (the owner of a borrowed stack); undefined for the host. */
  container?: ContainerModel;
  /** The asked container when it borrows another's stack or the host's. */
  borrower?: ContainerModel;
  mode: 'host' | 'none' | 'container';
}

/** Finds a container by name, full id or id prefix. */
export function findContainer(inventory: Inventory, ref: string): ContainerModel | undefined {
  const wanted = ref.replace(/^\//, '');
  return (
    inventory.containers.find((candidate) => candidate.name === wanted || candidate.id === wanted) ??
    (wanted.length >= 3 ? inventory.containers.find((candidate) => candidate.id.startsWith(wanted)) : undefined)
  );
}

export function resolveSide(inventory: Inventory, side: ReachSide): ResolvedSide {
  if (side.kind === 'host') {
    return { asked: side, effective: side, mode: 'host' };
  }
  const asked = inventory.containerById.get(side.id);
  if (!asked) {
    return { asked: side, effective: side, mode: 'none' };
  }
  if (asked.networkMode.kind === 'host') {
    return { asked: side, effective: { kind: 'host' }, borrower: asked, container: undefined, mode: 'host' };
  }
  const owner = asked.sharesStackOf ? inventory.containerById.get(asked.sharesStackOf.id) : undefined;
  if (owner) {
    return { asked: side, effective: { kind: 'container', id: owner.id, name: owner.name }, container: owner, borrower: asked, mode: owner.networkMode.kind === 'none' ? 'none' : 'container' };
  }
  return { asked: side, effective: side, container: asked, mode: asked.networkMode.kind === 'none' ? 'none' : 'container' };
}

/** What the modes and states of both sides say before any network is looked at. */
export function sideFacts(role: Role, side: ResolvedSide, cli: EngineCli = 'docker'): { blockers: Blocker[]; notes: Note[] } {
  const blockers: Blocker[] = [];
  const notes: Note[] = [];
  const asked = side.borrower ?? side.container;
  if (side.borrower && side.mode === 'host') {
    notes.push({ code: 'sharesStackOf', params: { container: side.borrower.name, owner: 'host' } });
  } else if (side.borrower && side.container) {
    notes.push({ code: 'sharesStackOf', params: { container: side.borrower.name, owner: side.container.name } });
  }
  if (side.mode === 'none' && asked) {
    blockers.push({
      rule: role === 'source' ? 'sourceNoneMode' : 'targetNoneMode',
      params: { container: asked.name },
      fix: { code: 'useBridgeNetwork', params: { container: asked.name } },
      source: 'explained',
    });
  }
  const stopped = [side.borrower, side.container].find((container) => container && !container.running);
  if (stopped) {
    blockers.push({
      rule: role === 'source' ? 'sourceStopped' : 'targetStopped',
      params: { container: stopped.name },
      fix: { code: 'startContainer', params: { container: stopped.name }, command: [cli, 'start', stopped.name] },
      source: 'explained',
    });
  }
  return { blockers, notes };
}
