/**
 * Turns the errors that come back from the engine connection into a small set of causes the UI can
 * name. Pure: it looks only at the error's code, status and message.
 */

export type UnreachableCause =
  | 'socketMissing'
  | 'permissionDenied'
  | 'refused'
  | 'timeout'
  | 'tls'
  | 'ssh'
  | 'badHost'
  | 'unknownContext'
  | 'other';

export interface ErrorLike {
  code?: unknown;
  errno?: unknown;
  statusCode?: unknown;
  message?: unknown;
  reason?: unknown;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function classifyUnreachable(error: unknown): UnreachableCause {
  const e = (error ?? {}) as ErrorLike;
  const code = text(e.code);
  const message = text(e.message);
  const reason = text(e.reason);
  if (reason === 'badHost' || reason === 'unknownContext') {
    return reason;
  }
  if (code === 'ENOENT' || /ENOENT/.test(message)) {
    return 'socketMissing';
  }
  if (code === 'EACCES' || code === 'EPERM' || /EACCES|permission denied/i.test(message)) {
    return 'permissionDenied';
  }
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE' || /ECONNREFUSED/.test(message)) {
    return 'refused';
  }
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || /timed? ?out/i.test(message)) {
    return 'timeout';
  }
  if (/^(CERT_|ERR_TLS|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_SSL)/.test(code) || /certificate|tls|ssl/i.test(message)) {
    return 'tls';
  }
  if (/ssh|handshake|authentication methods failed/i.test(message)) {
    return 'ssh';
  }
  return 'other';
}
