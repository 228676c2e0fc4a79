/**
 * The extension's answers to an ssh:// engine's questions: a modal warning with the host key's
 * fingerprint (as Remote-SSH and ssh ask), a password input for a key's passphrase, and an error
 * notification naming why a connection failed. The session retries an unreachable engine on its
 * own: a declined key or a cancelled passphrase is not asked again, and one failure is shown once,
 * until the user presses Retry or the engine setting changes (forgetSshAnswers).
 */
import * as vscode from 'vscode';
import type { HostKeyNote, SshPrompts } from '../engine/ssh/sshPrompts';
import type { SshConnectionError } from '../model/sshErrors';
import { sshFailureSentence } from '../messages/sshErrorMessages';

const declined = new Set<string>();
const shownFailures = new Set<string>();
const pending = new Map<string, Promise<boolean>>();

/** Ask again and show failures again (Retry, a new session). */
export function forgetSshAnswers(): void {
  declined.clear();
  shownFailures.clear();
}

async function askHostKey(host: string, keyType: string, fingerprint: string, note?: HostKeyNote): Promise<boolean> {
  const proceed = vscode.l10n.t('Continue');
  const certificates = note?.certAuthorityOnly
    ? `\n${vscode.l10n.t('known_hosts trusts a certificate authority (@cert-authority) for this host, but the server showed a plain key, not a certificate: like ssh, the key is treated as unknown.')}`
    : '';
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('The authenticity of host "{0}" can\'t be established.', host),
    {
      modal: true,
      detail: vscode.l10n.t('{0} key fingerprint is {1}.\nContinue connecting? The key will be added to known_hosts.', keyType, fingerprint) + certificates,
    },
    proceed,
  );
  return answer === proceed;
}

export const vscodeSshPrompts: SshPrompts = {
  confirmHostKey(host, keyType, fingerprint, note) {
    const key = `${host} ${fingerprint}`;
    if (declined.has(key)) {
      return Promise.resolve(false);
    }
    let answer = pending.get(key);
    if (!answer) {
      answer = askHostKey(host, keyType, fingerprint, note).then((accepted) => {
        pending.delete(key);
        if (!accepted) {
          declined.add(key);
        }
        return accepted;
      });
      pending.set(key, answer);
    }
    return answer;
  },

  async passphrase(identityFile) {
    const key = `passphrase ${identityFile}`;
    if (declined.has(key)) {
      return undefined;
    }
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('SSH key passphrase'),
      prompt: vscode.l10n.t('Enter the passphrase of {0} (asked again after the connection has been idle, since the decrypted key is not kept).', identityFile),
      password: true,
      ignoreFocusOut: true,
    });
    if (value === undefined) {
      declined.add(key);
    }
    return value;
  },

  failed(error: SshConnectionError) {
    const sentence = sshFailureSentence(error, vscode.l10n);
    if (!shownFailures.has(sentence)) {
      shownFailures.add(sentence);
      void vscode.window.showErrorMessage(sentence);
    }
  },
};
