/**
 * Why an SSH connection to an engine failed, as a typed error the UI translates
 * (src/messages/sshErrorMessages.ts) and the command line prints as is. `code` follows the
 * socket errors' codes where one fits, so the connection-state classifier (engineErrors.ts) names
 * refusals and timeouts as it does for every engine; the other kinds carry "SSH" in the message.
 */

export type SshFailureKind =
  | 'authFailed'
  | 'hostKeyChanged'
  | 'hostKeyRevoked'
  | 'hostKeyNotAccepted'
  | 'hostKeyUnknownStrict'
  | 'configRefused'
  | 'refused'
  | 'timeout'
  | 'dockerNotFound'
  | 'dialStdioFailed'
  | 'other';

export interface SshFailureParams {
  /** user@host:port as the connection used it. */
  destination: string;
  host?: string;
  port?: number;
  /** Authentication methods tried, in order (e.g. "agent", "~/.ssh/id_ed25519"). */
  tried?: string[];
  keyType?: string;
  fingerprint?: string;
  knownHostsFile?: string;
  /** The name looked up in known_hosts (`host`, `[host]:port`, or the HostKeyAlias). */
  hostKeyName?: string;
  /** The known_hosts line that holds the other key (changed) or the @revoked marker. */
  knownHostsLine?: number;
  /** The key type of that line. */
  knownKeyType?: string;
  /** A config directive this client does not follow (ProxyJump, ProxyCommand, Match exec), and where it is. */
  directive?: string;
  configFile?: string;
  configLine?: number;
  /** The remote side's own words (stderr of dial-stdio, or the transport's message). */
  detail?: string;
  timeoutMs?: number;
}

const CODES: Partial<Record<SshFailureKind, string>> = { refused: 'ECONNREFUSED', timeout: 'ETIMEDOUT' };

function englishMessage(kind: SshFailureKind, p: SshFailureParams): string {
  switch (kind) {
    case 'authFailed':
      return `SSH authentication to ${p.destination} failed (tried: ${(p.tried ?? []).join(', ') || 'nothing'})`;
    case 'hostKeyChanged':
      return `SSH host key of ${p.hostKeyName} CHANGED: the server presented ${p.keyType} ${p.fingerprint}, which differs from the ${p.knownKeyType} key in ${p.knownHostsFile}:${p.knownHostsLine}; refused`;
    case 'hostKeyRevoked':
      return `SSH host key of ${p.hostKeyName} is marked @revoked in ${p.knownHostsFile}:${p.knownHostsLine}; refused`;
    case 'hostKeyNotAccepted':
      return `SSH host key of ${p.hostKeyName} (${p.keyType} ${p.fingerprint}) is not in ${p.knownHostsFile} and was not accepted`;
    case 'hostKeyUnknownStrict':
      return `SSH host key of ${p.hostKeyName} (${p.keyType} ${p.fingerprint}) is not known and StrictHostKeyChecking is yes; refused`;
    case 'configRefused':
      return `SSH: ${p.directive} in ${p.configFile} line ${p.configLine} is not supported; nothing was sent (not connecting to ${p.destination} directly)`;
    case 'refused':
      return `SSH connection to ${p.host}:${p.port} refused (ECONNREFUSED)`;
    case 'timeout':
      return `SSH connection to ${p.host}:${p.port} timed out after ${p.timeoutMs} ms (no SSH handshake)`;
    case 'dockerNotFound':
      return `SSH: the docker command was not found on ${p.destination}${p.detail ? `: ${p.detail}` : ''}`;
    case 'dialStdioFailed':
      return `SSH: "docker system dial-stdio" failed on ${p.destination}${p.detail ? `: ${p.detail}` : ''}`;
    default:
      return `SSH connection to ${p.destination} failed${p.detail ? `: ${p.detail}` : ''}`;
  }
}

export class SshConnectionError extends Error {
  readonly code: string | undefined;

  constructor(
    readonly kind: SshFailureKind,
    readonly params: SshFailureParams,
  ) {
    super(englishMessage(kind, params));
    this.name = 'SshConnectionError';
    this.code = CODES[kind];
  }
}

export function isSshConnectionError(error: unknown): error is SshConnectionError {
  return error instanceof SshConnectionError || (error instanceof Error && error.name === 'SshConnectionError' && 'kind' in error);
}

/** The kind of failure `docker system dial-stdio`'s stderr and exit code tell. */
export function dialStdioFailureKind(exitCode: number | undefined, stderr: string): 'dockerNotFound' | 'dialStdioFailed' {
  // Not "No such file or directory": dial-stdio itself says so when the engine's socket is missing.
  return exitCode === 127 || /docker: (command )?not found/i.test(stderr) ? 'dockerNotFound' : 'dialStdioFailed';
}
