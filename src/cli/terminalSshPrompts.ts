/**
 * The command line has nobody to ask: an unknown SSH host key is refused with a hint to check it
 * once with `ssh`, and an encrypted identity file is skipped (load it into ssh-agent instead).
 */
import type { SshPrompts } from '../engine/ssh/sshPrompts';

/** `ssh` arguments for a known_hosts name (`host` or `[host]:port`). */
function sshCommand(host: string): string {
  const bracketed = /^\[(.*)\]:(\d+)$/.exec(host);
  return bracketed ? `ssh -p ${bracketed[2]} ${bracketed[1]}` : `ssh ${host}`;
}

export function cliSshPrompts(err: (text: string) => void = (text) => process.stderr.write(text)): SshPrompts {
  return {
    confirmHostKey: (host, keyType, fingerprint, note) => {
      const certificates = note?.certAuthorityOnly
        ? 'known_hosts trusts a certificate authority (@cert-authority) for it, but the server showed a plain key, not a certificate, so it is treated as unknown, as ssh does. '
        : '';
      err(
        `The authenticity of host "${host}" can't be established (${keyType} key fingerprint ${fingerprint}). ${certificates}` +
          `Not connecting: run "${sshCommand(host)}" once to check and accept the key, then try again.\n`,
      );
      return Promise.resolve(false);
    },
    passphrase: (identityFile) => {
      err(`The SSH key ${identityFile} is protected by a passphrase: load it into ssh-agent (ssh-add ${identityFile}) to use it here.\n`);
      return Promise.resolve(undefined);
    },
  };
}
