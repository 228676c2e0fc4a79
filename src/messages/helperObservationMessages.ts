/**
 * The sentences of the helper observation level (a short-lived privileged container that reads an
 * engine host's plumbing): why it is not offered on an engine (src/model/helperRefusal.ts decides,
 * from the engine's /info, before anything is sent), and what went wrong when it ran. Each says what
 * happened, what the drawing shows instead, and what the user can do. Shared by the extension and
 * the command line; the French is in l10n/fr/helperObservation.json.
 */
import type { EngineCli } from '../model/engineProduct';
import type { HelperRefusal } from '../model/helperRefusal';
import { oneLine, shellCommand } from '../model/safeText';
import type { Translator } from './translator';

/** The setting that names the helper's image (an image with busybox that the engine already has). */
export const HELPER_OBSERVATION_IMAGE_SETTING = 'dockerNetworks.helper.image';

/** Everything that stops a helper observation once it was allowed and sent. */
export type HelperFailure = 'imageMissing' | 'refused' | 'failed' | 'timeout' | 'lost';

export interface HelperFailureDetails {
  image: string;
  /** The engine's own words (its error message, or the helper's stderr), shown on one line. */
  engineMessage?: string;
  /** How the engine is named to the user ("Docker 28.5.2 on ssh://builder"). */
  engineLabel: string;
  /** The command line of that engine's users, for the pull command (default `docker`). */
  cli?: EngineCli;
}

/** The engine's words on one line, capped: they come from the engine and may be anything. */
const ENGINE_WORDS_MAX = 500;

export function helperRefusalText(refusal: HelperRefusal, engineLabel: string, l10n: Translator): string {
  switch (refusal) {
    case 'rootless':
      return l10n.t(
        'No helper container is run on the engine {0}: it runs rootless, so a privileged container there has only its user\'s rights and cannot share the host\'s processes, and the engine\'s networks live in RootlessKit\'s namespace, not in the host\'s. The drawing stays inferred from the Engine API. A rootful engine on that host can be observed through the helper.',
        engineLabel,
      );
    case 'usernsRemap':
      return l10n.t(
        'No helper container is run on the engine {0}: it remaps users into a user namespace (userns-remap), where the engine refuses privileged containers that share the host\'s processes. The helper would need --userns=host, which opts out of the remapping the administrator chose, so it is not used. The drawing stays inferred from the Engine API; the extension running on that host observes it without a helper.',
        engineLabel,
      );
    case 'podmanRootless':
      return l10n.t(
        'No helper container is run on the engine {0}: it is rootless Podman, whose networks live in its user\'s rootless network namespace, not on the host a helper would read, and a helper there could not enter the other namespaces. The drawing stays inferred from the Engine API; the extension running on that host as the user who runs Podman reads its namespaces without root.',
        engineLabel,
      );
    case 'windows':
      return l10n.t(
        'No helper container is run on the engine {0}: it runs Windows containers, which have no /sys, /proc or network namespaces to read, and no privileged containers. The drawing stays inferred from the Engine API. With Docker Desktop, switching to Linux containers makes the helper possible.',
        engineLabel,
      );
    case 'notLinux':
      return l10n.t(
        'No helper container is run on the engine {0}: its operating system is not Linux, and the helper reads Linux\'s /sys, /proc and network namespaces. The drawing stays inferred from the Engine API.',
        engineLabel,
      );
  }
}

export function helperFailureText(failure: HelperFailure, details: HelperFailureDetails, l10n: Translator): string {
  const engine = details.engineLabel;
  const words = details.engineMessage !== undefined && details.engineMessage.trim() !== '' ? oneLine(details.engineMessage.trim(), ENGINE_WORDS_MAX) : undefined;
  switch (failure) {
    case 'imageMissing':
      return l10n.t(
        'The engine {0} has no image {1}, and nothing is pulled without asking. Run {2} on that engine (or load the image there), or set {3} to an image with busybox that it has.',
        engine,
        details.image,
        shellCommand([details.cli ?? 'docker', 'pull', details.image]),
        HELPER_OBSERVATION_IMAGE_SETTING,
      );
    case 'refused':
      return words !== undefined
        ? l10n.t('The engine {0} refused the helper container: {1}. A policy there (an authorization plugin, a security profile) may forbid privileged containers that share the host\'s processes and network: its administrator decides. The drawing stays inferred from the Engine API.', engine, words)
        : l10n.t('The engine {0} refused the helper container. A policy there (an authorization plugin, a security profile) may forbid privileged containers that share the host\'s processes and network: its administrator decides. The drawing stays inferred from the Engine API.', engine);
    case 'failed':
      return words !== undefined
        ? l10n.t('The helper container on the engine {0} failed: {1}. The drawing stays inferred from the Engine API. Try again; the log lists the run.', engine, words)
        : l10n.t('The helper container on the engine {0} failed. The drawing stays inferred from the Engine API. Try again; the log lists the run.', engine);
    case 'timeout':
      return l10n.t('The helper container on the engine {0} did not answer in time and is removed. The drawing stays inferred from the Engine API. Try again when the engine is less busy.', engine);
    case 'lost':
      return l10n.t('The connection to the engine {0} was lost while the helper container read its host. The helper is labelled and removed at the next start on that engine; the drawing stays inferred from the Engine API until the connection is back.', engine);
  }
}
