/**
 * SSH connection failures (src/model/sshErrors.ts) as sentences a user can act on. Used by
 * engineErrorMessage for command errors and by the extension's SSH prompts when a connection fails
 * (src/session/vscodeSshPrompts.ts).
 */
import { knownHostName } from '../model/knownHosts';
import { isSshConnectionError, SshConnectionError } from '../model/sshErrors';
import type { Translator } from './translator';

export function sshErrorMessage(error: unknown, l10n: Translator): string | undefined {
  return isSshConnectionError(error) ? sshFailureSentence(error, l10n) : undefined;
}

function hostOf(error: SshConnectionError): string {
  const { host, port, destination } = error.params;
  return host !== undefined && port !== undefined ? knownHostName(host, port) : destination;
}

function hostKeySentence(error: SshConnectionError, l10n: Translator): string {
  const p = error.params;
  const host = p.hostKeyName ?? hostOf(error);
  switch (error.kind) {
    case 'hostKeyChanged':
      return l10n.t(
        'The SSH host key of {0} has CHANGED: the server now presents {1} {2}, but {3} line {4} holds another key ({5}) for it. Someone may be intercepting the connection, or the server was reinstalled. Nothing was sent. If the change is expected, remove the old key (ssh-keygen -R "{0}" -f {3}) and connect again.',
        host,
        p.keyType ?? '?',
        p.fingerprint ?? '?',
        p.knownHostsFile ?? '~/.ssh/known_hosts',
        String(p.knownHostsLine ?? '?'),
        p.knownKeyType ?? '?',
      );
    case 'hostKeyRevoked':
      return l10n.t('The SSH host key of {0} is marked as revoked in {1} line {2}. Nothing was sent.', host, p.knownHostsFile ?? '~/.ssh/known_hosts', String(p.knownHostsLine ?? '?'));
    case 'hostKeyUnknownStrict':
      return l10n.t(
        'The SSH host key of {0} ({1} {2}) is not in known_hosts, and StrictHostKeyChecking is yes: nothing was sent. Check the key and add it (for example with ssh {0}), then use Retry.',
        host,
        p.keyType ?? '?',
        p.fingerprint ?? '?',
      );
    default:
      return l10n.t(
        'The SSH host key of {0} ({1} {2}) was not accepted, so nothing was sent. Check the fingerprint (for example with ssh {0}), then use Retry to be asked again.',
        host,
        p.keyType ?? '?',
        p.fingerprint ?? '?',
      );
  }
}

/** A config directive this client does not follow: connecting directly would go around it. */
function configRefusedSentence(p: SshConnectionError['params'], l10n: Translator): string {
  const where = [p.directive ?? '?', p.configFile ?? '~/.ssh/config', String(p.configLine ?? '?')] as const;
  if (p.directive === 'Match exec') {
    return l10n.t('{0} in {1} line {2} would run a command: it is not run here, so nothing was sent. Use Host or Match host/user instead, or remove it.', ...where);
  }
  return l10n.t(
    '{0} in {1} line {2} is not supported: nothing was sent, rather than dialling the host directly. Reach the host with a ProxyJump of one level (a jump host that has no proxy of its own), or remove it.',
    ...where,
  );
}

export function sshFailureSentence(error: SshConnectionError, l10n: Translator): string {
  const p = error.params;
  switch (error.kind) {
    case 'authFailed':
      return l10n.t(
        'The SSH server {0} refused the login (tried: {1}). Add your public key to the server\'s authorized_keys, load it into your SSH agent, or name it with IdentityFile in ~/.ssh/config.',
        p.destination,
        p.tried && p.tried.length > 0 ? p.tried.join(', ') : l10n.t('no SSH agent and no identity file'),
      );
    case 'hostKeyChanged':
    case 'hostKeyRevoked':
    case 'hostKeyNotAccepted':
    case 'hostKeyUnknownStrict':
      return hostKeySentence(error, l10n);
    case 'configRefused':
      return configRefusedSentence(p, l10n);
    case 'refused':
      return l10n.t('The SSH server {0} refused the connection: check the host and the port (ssh://user@host:port) and that sshd runs there.', hostOf(error));
    case 'timeout':
      return l10n.t(
        'The SSH server {0} did not answer within {1} ms: check the host and the port, and whether a firewall drops the connection.',
        hostOf(error),
        String(p.timeoutMs ?? '?'),
      );
    case 'dockerNotFound':
      return l10n.t(
        'Connected over SSH to {0}, but the docker command was not found there (on the PATH of a non-interactive login). Install the docker CLI on the server or add it to that PATH.',
        p.destination,
      );
    case 'dialStdioFailed':
      return l10n.t(
        'Connected over SSH to {0}, but "docker system dial-stdio" failed there ({1}). Check that the Docker engine runs on the server and that this user may use it (docker group).',
        p.destination,
        p.detail ?? '?',
      );
    default:
      return l10n.t('The SSH connection to {0} failed: {1}', p.destination, p.detail ?? '?');
  }
}
