/**
 * Which TLS check refused a connection, from the error Node (OpenSSL) raised or the resolver's
 * missing-file error. The codes and messages are the ones seen against a real TLS endpoint (socat
 * in front of the engine, see test/engine/tlsEngine.test.ts). Pure.
 */
import type { EngineTarget } from './connectionResolution';
import type { ErrorLike } from './engineErrors';

export type TlsCheck =
  /** The server's certificate is signed by a CA the client does not trust. */
  | 'unknownCa'
  /** The server's certificate does not name the host that was dialled. */
  | 'hostName'
  /** The server's certificate has expired (or is not valid yet). */
  | 'expired'
  /** The server wants a client certificate it trusts: none was sent, or one it does not know. */
  | 'clientCert'
  /** Plain HTTP sent to a port that speaks TLS. */
  | 'plainToTls'
  /** TLS sent to a port that speaks plain HTTP. */
  | 'tlsToPlain'
  /** A certificate file TLS needs is missing. */
  | 'certFile'
  /** A certificate file exists but cannot be read (permissions, a folder in its place): never silently left out. */
  | 'certFileUnreadable';

export interface TlsFailure {
  check: TlsCheck;
  /** The missing or unreadable file (certFile…), or the certificate file the client would send (clientCert). */
  file?: string;
  /** certFileUnreadable: the error code reading it raised (EACCES, EISDIR…). */
  readError?: string;
}

const UNKNOWN_CA_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);
const EXPIRED_CODES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
/** Alerts a server sends when it requires a client certificate it can verify. */
const CLIENT_CERT_ALERT = /alert (certificate required|handshake failure|unknown ca|bad certificate)/i;

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function classifyTlsFailure(error: unknown, target?: EngineTarget): TlsFailure | undefined {
  const e = (error ?? {}) as ErrorLike & { detail?: unknown };
  const code = text(e.code);
  const message = text(e.message);
  if (text(e.reason) === 'tlsFile') {
    const readError = text((e as { readError?: unknown }).readError);
    return readError ? { check: 'certFileUnreadable', file: text(e.detail), readError } : { check: 'certFile', file: text(e.detail) };
  }
  if (UNKNOWN_CA_CODES.has(code)) {
    return { check: 'unknownCa' };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return { check: 'hostName' };
  }
  if (EXPIRED_CODES.has(code)) {
    return { check: 'expired' };
  }
  if (CLIENT_CERT_ALERT.test(message) || CLIENT_CERT_ALERT.test(code.replace(/_/g, ' '))) {
    return { check: 'clientCert', file: target?.tls?.cert };
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(message)) {
    return { check: 'tlsToPlain' };
  }
  // A Go TLS server (dockerd --tlsverify) answers plain HTTP with this 400; socat just resets.
  const plainTcp = target?.protocol === 'tcp' && !target.tls;
  if (/HTTP request to an HTTPS server/i.test(message) || (plainTcp && (code === 'ECONNRESET' || /socket hang up/i.test(message)))) {
    return { check: 'plainToTls' };
  }
  return undefined;
}
