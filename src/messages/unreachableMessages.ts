/**
 * Why an engine cannot answer, said once for every surface: the views' engine rows, the welcome view
 * (package.nls*.json `welcome.unreachable.<cause>`, whose first line is this sentence: a unit test
 * keeps them equal) and the command line, which adds the raw detail and, for TLS, the failed check's
 * sentence (tlsErrorMessages.ts).
 */
import { ConnectionResolutionError } from '../model/connectionResolution';
import { logLine } from '../model/displayHost';
import { classifyUnreachable, UnreachableCause } from '../model/engineErrors';
import { classifyTlsFailure, TlsFailure } from '../model/tlsFailure';
import { tlsFailureMessage } from './tlsErrorMessages';
import { cliTranslator, Translator } from './translator';

/** The cause of an unreachable engine, as the welcome view says it (without its buttons). */
export function unreachableCauseSentence(cause: UnreachableCause, l10n: Translator): string {
  switch (cause) {
    case 'socketMissing':
      return l10n.t("The Docker engine's socket was not found: Docker is not running here, or it listens somewhere else.");
    case 'permissionDenied':
      return l10n.t('Permission denied on the Docker socket. Add your user to the `docker` group (`sudo usermod -aG docker $USER`, then log in again) or point the setting at another engine.');
    case 'refused':
      return l10n.t('The Docker engine refused the connection: it is not running (or restarting).');
    case 'timeout':
      return l10n.t('The Docker engine timed out: it did not answer in time.');
    case 'tls':
      return l10n.t("The TLS handshake with the Docker engine failed: check DOCKER_CERT_PATH and the context's certificates.");
    case 'ssh':
      return l10n.t('The SSH connection to the Docker engine failed: check the host, your SSH agent and keys.');
    case 'badHost':
      return l10n.t('The Docker host address is not valid: it must look like unix:///var/run/docker.sock, tcp://host:2376 or ssh://user@host.');
    case 'unknownContext':
      return l10n.t('The selected docker context does not exist. Switch to another context.');
    default:
      return l10n.t('The Docker engine could not be reached.');
  }
}

/** The cause's sentence for a terminal: in French when the locale is French, without Markdown's backticks. */
export function causeSentence(cause: UnreachableCause, locale: 'fr' | 'en'): string {
  return unreachableCauseSentence(cause, cliTranslator(locale)).replace(/`/g, '');
}

/**
 * One paragraph for an engine that could not be reached (or resolved): the cause's sentence (the
 * failed check's, for TLS), then the raw detail. `reason` and `tls` are the session's
 * classification when there is one.
 */
export function unreachableSentence(error: unknown, locale: 'fr' | 'en', reason?: UnreachableCause, tls?: TlsFailure): string {
  const cause = reason ?? classifyUnreachable(error);
  const detail = error instanceof ConnectionResolutionError ? error.detail : error instanceof Error ? error.message : String(error);
  const failure = tls ?? classifyTlsFailure(error);
  const sentence = failure ? tlsFailureMessage(failure, cliTranslator(locale)) : causeSentence(cause, locale);
  // The engine's own words: hosts masked, on one printable line (no terminal escapes, no forged lines).
  return `${sentence} (${logLine(detail)})`;
}
