/**
 * The VS Code side of the helper level: an engine that is not this machine's (or this machine's
 * without root) observed by a helper container on that engine (src/engine/helperObservation.ts).
 * The image comes from `dockerNetworks.helper.image`; nothing runs before the user said yes in a
 * modal that names the engine and shows the exact `docker run` (the answer is kept per engine, apart
 * from the capture helper's, under a hash of the engine's address); every run is in the log.
 */
import * as vscode from 'vscode';
import type { HostObserver } from '../engine/collectTopology';
import type { EngineApi } from '../engine/engineApi';
import type { HelperConsentAnswer } from '../engine/helperConsent';
import { helperConsent, storedHelperConsent } from '../engine/helperConsent';
import { HelperObservationError, observationCreateRequest } from '../engine/helperObservation';
import { KeptHelperObserver } from '../engine/keptHelperObserver';
import type { KeptHelperApi } from '../engine/keptHelperObserver';
import type { TopologySource } from '../engine/topologySource';
import { helperFailureText, helperRefusalText } from '../messages/helperObservationMessages';
import { observeConsentChoices, observeConsentDetail, observeConsentDoctor, observeConsentQuestion, observingStarted } from '../messages/observeConsentMessages';
import { shortHost } from '../model/displayHost';
import { helperDockerRunArgs } from '../model/helperContainerSpec';
import { helperObservationRefusal } from '../model/helperRefusal';
import { consentStore } from './vscodeHelperCapture';

/** The image the observation helper runs (never pulled by the extension). */
export function helperObservationImage(): string {
  return vscode.workspace.getConfiguration('dockerNetworks').get<string>('helper.image', 'busybox:1.37').trim() || 'busybox:1.37';
}

/** Whether the helper level would see more than this machine's probe: the engine is not local, or local without root. */
export function helperLevelOffered(session: { readonly isLocal: boolean }): boolean {
  return !session.isLocal || process.getuid?.() !== 0;
}

/** The `docker run` the modal shows: every flag, label and the image; the script is in the log. */
function shownCommand(image: string): { command: string; script: string } {
  const argv = helperDockerRunArgs(observationCreateRequest(image, []));
  const scriptAt = argv.indexOf('-c') + 1;
  const script = scriptAt > 0 ? argv[scriptAt] : '';
  const shown = argv.map((arg, index) => (index === scriptAt && scriptAt > 0 ? `'<${vscode.l10n.t('the reader script ({0} lines) written to the log', script.split('\n').length)}>'` : /[\s'"$`\\]/.test(arg) ? `'${arg.replace(/'/g, `'\\''`)}'` : arg));
  return { command: shown.join(' '), script };
}

async function askConsent(engineLabel: string, image: string, log: vscode.LogOutputChannel): Promise<HelperConsentAnswer | undefined> {
  const { command, script } = shownCommand(image);
  log.info(`helper: observation asked for ${engineLabel}: ${command}\nhelper: the reader script:\n${script}`);
  const choices = observeConsentChoices(vscode.l10n);
  const picked = await vscode.window.showWarningMessage(
    observeConsentQuestion(engineLabel, vscode.l10n),
    { modal: true, detail: `${observeConsentDetail(command, vscode.l10n)}\n\n${observeConsentDoctor(vscode.l10n)}` },
    choices.once,
    choices.always,
    choices.never,
  );
  return picked === choices.once ? 'once' : picked === choices.always ? 'always' : picked === choices.never ? 'never' : undefined;
}

/**
 * The observer a topology source reads the host with, through one kept helper per engine
 * (keptHelperObserver.ts: a visible panel's reads are execs in it; it goes when reads stop; a new
 * one when the image setting changes). A failed read says why (once), goes back to this machine's
 * probe (the drawing falls back to what it had: sysfs or the Engine API) and offers to try again.
 * Returns the observer and what drops it (the source calls it when the observer is replaced or the
 * source is disposed; a read still running then fails quietly: the source already reads otherwise).
 */
function observerFor(api: EngineApi & KeptHelperApi, source: TopologySource, log: vscode.LogOutputChannel, engineLabel: string): { observer: HostObserver; drop: () => void } {
  let kept: KeptHelperObserver | undefined;
  let dropped = false;
  const keptFor = (image: string): KeptHelperObserver => {
    if (!kept || kept.image !== image) {
      void kept?.dispose();
      kept = new KeptHelperObserver(api, { image, log: (line) => log.info(line) });
    }
    return kept;
  };
  const drop = () => {
    dropped = true;
    void kept?.dispose();
    kept = undefined;
  };
  const observer: HostObserver = async (request) => {
    const image = helperObservationImage();
    try {
      if (dropped) {
        throw new HelperObservationError('failed', 'the helper observation was stopped');
      }
      return await keptFor(image).observe({ sandboxes: request.sandboxes, hostOnly: request.hostOnly });
    } catch (error) {
      if (dropped) {
        throw error;
      }
      source.useObserver(undefined);
      const failure = error instanceof HelperObservationError ? error.failure : 'failed';
      const sentence = helperFailureText(failure, { image, engineLabel, engineMessage: (error as Error).message }, vscode.l10n);
      log.warn(`helper: observation of ${engineLabel} failed (${failure}): ${(error as Error).message}`);
      const again = vscode.l10n.t('Try Again');
      void vscode.window.showWarningMessage(sentence, again).then((picked) => {
        if (picked === again) {
          void vscode.commands.executeCommand('dockerNetworks.observeWithHelper');
        }
      });
      throw error;
    }
  };
  return { observer, drop };
}

function canRunContainers(api: object): api is EngineApi & KeptHelperApi {
  const candidate = api as Partial<KeptHelperApi>;
  return typeof candidate.createContainer === 'function' && typeof candidate.attachContainer === 'function';
}

/** The source reads the host through a kept helper from now on. */
function observeWithKeptHelper(api: EngineApi & KeptHelperApi, source: TopologySource, log: vscode.LogOutputChannel, engineLabel: string): void {
  const { observer, drop } = observerFor(api, source, log, engineLabel);
  source.useObserver(observer, drop);
}

/**
 * Asks (unless an answer is kept) and, when allowed, has the source read the host through the
 * helper from now on. Returns whether it does. A refusal the engine's /info gives (rootless,
 * userns-remap, Windows) is said before anything is asked.
 */
export async function startHelperObservation(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, api: EngineApi, source: TopologySource): Promise<boolean> {
  const engineLabel = shortHost(api.target.host);
  if (!canRunContainers(api)) {
    return false;
  }
  const refusal = helperObservationRefusal(await api.info());
  if (refusal) {
    log.info(`helper: observation of ${engineLabel} refused before asking (${refusal})`);
    void vscode.window.showWarningMessage(helperRefusalText(refusal, engineLabel, vscode.l10n));
    return false;
  }
  const consent = await helperConsent(consentStore(context), api.target, () => askConsent(engineLabel, helperObservationImage(), log), 'observe');
  if (!consent.allowed) {
    log.info(`helper: observation of ${engineLabel} not allowed (${consent.refusedBefore ? 'Never, kept for this engine' : 'declined'})`);
    if (consent.refusedBefore) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Observing {0} through a helper container was refused for this engine (Never). Run "Reset Helper Container Consent" to be asked again.', engineLabel));
    }
    return false;
  }
  observeWithKeptHelper(api, source, log, engineLabel);
  log.info(`helper: ${engineLabel} is observed through a helper container from now on`);
  void vscode.window.setStatusBarMessage(observingStarted(engineLabel, vscode.l10n), 5000);
  return true;
}

/** At a session's start: an engine the user answered Always for is observed through the helper at once. */
export function applyKeptObservationConsent(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, api: EngineApi, source: TopologySource, session: { readonly isLocal: boolean }): void {
  if (!helperLevelOffered(session) || !canRunContainers(api) || storedHelperConsent(consentStore(context), api.target, 'observe') !== 'always') {
    return;
  }
  observeWithKeptHelper(api, source, log, shortHost(api.target.host));
  log.info(`helper: ${shortHost(api.target.host)} is observed through a helper container (Always, kept for this engine)`);
}
