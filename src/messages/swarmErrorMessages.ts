/**
 * The engine's swarm refusals as sentences a user can act on (kinds classified in
 * src/model/engineErrors.ts from the messages a real swarm sends, see test/fixtures/engine-1.41/swarm-errors.json).
 */
import type { OperationError } from '../model/engineErrors';
import type { Translator } from './translator';

export function swarmOperationMessage(error: OperationError, l10n: Translator): string {
  const p = error.params;
  if (error.kind === 'notAttachable') {
    return l10n.t('The swarm network {0} is not attachable: only service tasks may join it. Create it with --attachable to connect standalone containers.', p.network ?? '');
  }
  if (error.kind === 'networkInUseByService') {
    return l10n.t('The network {0} is used by the service {1}: remove the service (docker service rm) or take the network out of it (docker service update --network-rm) first.', p.network ?? '', p.service ?? '');
  }
  return l10n.t('This engine is a swarm worker: swarm networks are created and removed on a manager. Connect to a manager node (or run the command there) and try again.');
}
