/**
 * `diagram --helper IMAGE`: the engine's host read by a helper container of IMAGE on that engine
 * (the helper level). The option is the consent, for this run only; without it nothing runs on the
 * engine. A refusal the engine's /info gives, or a failed read, ends the command with its sentence
 * (exit 1): the user asked for the observed picture, not for a silent fallback.
 */
import type { HostObserver } from '../engine/collectTopology';
import type { ContainerRunApi, EngineApi } from '../engine/engineApi';
import { HelperObservationError, observeThroughHelper } from '../engine/helperObservation';
import { helperFailureText, helperRefusalText } from '../messages/helperObservationMessages';
import { cliLocale, cliTranslator } from '../messages/translator';
import { shortHost } from '../model/displayHost';
import { helperObservationRefusal } from '../model/helperRefusal';

/** The helper could not observe: the message is the sentence to print. */
export class HelperObservationFailed extends Error {}

export interface CliHelperObserver {
  observer: HostObserver;
  /** Throws the failure of a read, if one failed (the collect fell back to this machine's probe meanwhile). */
  check(): void;
}

export async function cliHelperObserver(client: EngineApi & ContainerRunApi, image: string, log: (line: string) => void): Promise<CliHelperObserver> {
  const engineLabel = shortHost(client.target.host);
  const l10n = cliTranslator(cliLocale());
  const refusal = helperObservationRefusal(await client.info());
  if (refusal) {
    throw new HelperObservationFailed(helperRefusalText(refusal, engineLabel, l10n));
  }
  let failure: HelperObservationFailed | undefined;
  return {
    observer: async (request) => {
      try {
        return await observeThroughHelper(client, { image, sandboxes: request.sandboxes, hostOnly: request.hostOnly, log });
      } catch (error) {
        const kind = error instanceof HelperObservationError ? error.failure : 'failed';
        failure = new HelperObservationFailed(helperFailureText(kind, { image, engineLabel, engineMessage: (error as Error).message }, l10n));
        throw error;
      }
    },
    check: () => {
      if (failure) {
        throw failure;
      }
    },
  };
}
