/**
 * The VS Code side of captures through a helper container: the image from the setting
 * `dockerNetworks.capture.helperImage`, consent kept per engine in globalState (under a hash of the
 * engine's address), the modal that names the engine and the exact container, and every helper run
 * written to the extension's log. It hands the capture runner seam its `helper` factory.
 */
import * as vscode from 'vscode';
import { canRunHelpers, helperCaptureRunners, helperConsentDetails } from '../engine/captureHelper';
import type { CaptureRunner } from '../engine/capture/captureRunner';
import type { EngineApi } from '../engine/engineApi';
import type { HelperConsentAnswer, HelperConsentStore } from '../engine/helperConsent';
import { resetHelperConsents } from '../engine/helperConsent';
import type { CaptureSpec } from '../model/capture/types';
import { shortHost } from '../model/displayHost';
import { helperConsentChoices, helperConsentDetail, helperConsentQuestion } from '../messages/captureHelperMessages';

export function helperImageSetting(): string {
  return vscode.workspace.getConfiguration('dockerNetworks').get<string>('capture.helperImage', '').trim();
}

/** globalState as the consent store (keys are hashes; the values 'always' or 'never'). */
export function consentStore(context: vscode.ExtensionContext): HelperConsentStore & { keys(): readonly string[] } {
  return {
    get: (key) => context.globalState.get(key),
    update: (key, value) => context.globalState.update(key, value),
    keys: () => context.globalState.keys(),
  };
}

/** The modal: the engine, the image, the container whose namespace it joins, the capabilities, the argv. */
async function askConsent(engineLabel: string, spec: CaptureSpec, image: string): Promise<HelperConsentAnswer | undefined> {
  const choices = helperConsentChoices(vscode.l10n);
  const picked = await vscode.window.showWarningMessage(
    helperConsentQuestion(engineLabel, vscode.l10n),
    { modal: true, detail: helperConsentDetail(helperConsentDetails(spec, image), vscode.l10n) },
    choices.once,
    choices.always,
    choices.never,
  );
  return picked === choices.once ? 'once' : picked === choices.always ? 'always' : picked === choices.never ? 'never' : undefined;
}

/**
 * The capture runner seam's `helper` for this engine, or undefined when its client cannot run
 * containers. The image is read when a capture starts (a changed setting applies at once).
 */
export function helperRunnerFactory(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  api: EngineApi,
  /** Consent was given for this very capture a moment ago (a second choice with the complete spec): do not ask again. */
  alreadyAllowed = false,
): ((spec: CaptureSpec) => Promise<CaptureRunner | undefined>) | undefined {
  if (!canRunHelpers(api)) {
    return undefined;
  }
  const engineLabel = shortHost(api.target.host);
  return (spec) => {
    const image = helperImageSetting();
    return helperCaptureRunners(api, {
      image,
      engineLabel,
      l10n: vscode.l10n,
      log: (line) => log.info(line),
      consent: consentStore(context),
      ask: (asked) => (alreadyAllowed ? Promise.resolve('once' as const) : askConsent(engineLabel, asked, image)),
    })(spec);
  };
}

/** Forgets every engine's Always/Never answer (the command "Reset Helper Container Consent"). */
export function forgetHelperConsents(context: vscode.ExtensionContext): Promise<number> {
  return resetHelperConsents(consentStore(context));
}
