/**
 * TLS refusals as sentences that say which check failed and what to do. Used by the engine error
 * translation (engineErrorMessages.ts), the notice shown when the views' engine cannot be reached
 * over TLS (src/session/sessionManager.ts) and the command line (unreachableMessages.ts). No `vscode`
 * import: the caller passes its translator (`vscode.l10n` in the extension; the CLI's reads l10n/fr/tls.json).
 */
import type { TlsCheck, TlsFailure } from '../model/tlsFailure';
import type { Translator } from './translator';

/** One sentence per check: what failed, then what to do. */
const SENTENCES: Record<TlsCheck, (failure: TlsFailure, l10n: Translator) => string> = {
  unknownCa: (_failure, l10n) =>
    l10n.t('TLS refused: the engine\'s certificate is signed by a certificate authority that is not trusted. Put the CA that signed it in ca.pem (DOCKER_CERT_PATH or the context\'s TLS folder).'),
  hostName: (_failure, l10n) =>
    l10n.t('TLS refused: the engine\'s certificate does not name the host that was dialled. Use a host name or address listed in the certificate (its subject alternative names), or issue a certificate for this one.'),
  expired: (_failure, l10n) => l10n.t('TLS refused: the engine\'s certificate has expired or is not valid yet. Renew it (or check this machine\'s clock).'),
  clientCert: ({ file }, l10n) =>
    file
      ? l10n.t('TLS refused by the engine: it requires a client certificate signed by a CA it trusts, and {0} was not accepted (or is missing). Check cert.pem and key.pem.', file)
      : l10n.t('TLS refused by the engine: it requires a client certificate signed by a CA it trusts, and none was sent. Set DOCKER_CERT_PATH to the folder with cert.pem and key.pem.'),
  plainToTls: (_failure, l10n) => l10n.t('The engine closed the connection: this port probably expects TLS. Use an https:// host or set DOCKER_TLS_VERIFY=1 (with DOCKER_CERT_PATH).'),
  tlsToPlain: (_failure, l10n) => l10n.t('TLS failed: this port speaks plain HTTP, not TLS. Use the engine\'s TLS port (2376 by default), or unset DOCKER_TLS_VERIFY for a plain port.'),
  certFile: ({ file }, l10n) => l10n.t('TLS cannot start: the certificate file {0} is missing. Check DOCKER_CERT_PATH (or the context\'s TLS folder).', file ?? '?'),
  certFileUnreadable: ({ file, readError }, l10n) =>
    l10n.t('TLS cannot start: the certificate file {0} exists but cannot be read ({1}). Fix its permissions, or remove it; it is not left out silently.', file ?? '?', readError ?? '?'),
};

export function tlsFailureMessage(failure: TlsFailure, l10n: Translator): string {
  return SENTENCES[failure.check](failure, l10n);
}
