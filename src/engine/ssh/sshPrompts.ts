import type { SshConnectionError } from '../../model/sshErrors';

/**
 * What an SSH connection may have to ask (or tell) the user. The extension answers with VS Code dialogs
 * (src/session/vscodeSshPrompts.ts); the command line with a non-interactive refusal (src/cli/terminalSshPrompts.ts).
 */
export interface SshPrompts {
  /**
   * The server's key is not in known_hosts: may the connection go on (and the key be remembered)?
   * `host` is written as known_hosts names it (`host`, or `[host]:port` for ports other than 22).
   */
  confirmHostKey(host: string, keyType: string, fingerprint: string, note?: HostKeyNote): Promise<boolean>;
  /** The passphrase of an encrypted identity file; undefined when the user cancels. */
  passphrase(identityFile: string): Promise<string | undefined>;
  /** A connection attempt failed (host key, login, dial-stdio...): tell the user why, if wanted. */
  failed?(error: SshConnectionError): void;
}

/** What else the question should say. */
export interface HostKeyNote {
  /**
   * known_hosts has a @cert-authority line for this host, but the server showed a plain key (host
   * certificates are not checked here): like ssh, the key is treated as unknown.
   */
  certAuthorityOnly: boolean;
}

/** Refuses every unknown host key and never asks a passphrase (for callers without a user). */
export const NO_SSH_PROMPTS: SshPrompts = {
  confirmHostKey: () => Promise.resolve(false),
  passphrase: () => Promise.resolve(undefined),
};
