/**
 * A private OpenSSH server for the SSH engine tests: Debian's /usr/sbin/sshd on 127.0.0.1 and a
 * free port, with its own host key, authorized keys, pid file and config under a temporary folder
 * (UsePAM no, StrictModes no). It logs in the current user (root in CI); the far side runs
 * `docker system dial-stdio`, which reaches the shared local engine. Client keys are made by
 * ssh-keygen: one plain, one protected by a passphrase. `restart` swaps the host key.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { descendants, killAll } from './processes';
import { sleep, waitFor } from './waitFor';

export const KEY_PASSPHRASE = 'dne ssh test passphrase';

export interface SshTestServer {
  folder: string;
  port: number;
  user: string;
  /** The host key currently served (private key path; `.pub` beside it). */
  hostKey: string;
  /** A second host key the server also has (ECDSA), which clients do not prefer by default. */
  ecdsaHostKey: string;
  plainKey: string;
  passphraseKey: string;
  /** What `ssh-keygen -lf HOSTKEY.pub` prints as the fingerprint (SHA256:...). */
  hostFingerprint(): string;
  /** Restarts the server with another host key (a "changed" host). */
  restartWithNewHostKey(): Promise<void>;
  /**
   * Kills the server and every session it serves (their connections drop, as when the host
   * reboots), waits `downMs`, then starts it again on the same port with the same host keys.
   */
  restart(downMs?: number): Promise<void>;
  /** Stops sshd, waits until it is gone (it writes its log on the way out), removes the folder. */
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function keygen(file: string, passphrase = '', type = 'ed25519'): void {
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', 'dne-test', '-f', file], { stdio: 'ignore' });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** `extraConfig`: more sshd_config lines (e.g. `SetEnv PATH=/nonexistent` for a host without docker). */
export async function startSshServer(options: { extraConfig?: string[] } = {}): Promise<SshTestServer> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'dne-sshd-'));
  const port = await freePort();
  const user = os.userInfo().username;
  const plainKey = path.join(folder, 'client_plain');
  const passphraseKey = path.join(folder, 'client_passphrase');
  keygen(plainKey);
  keygen(passphraseKey, KEY_PASSPHRASE);
  writeFileSync(path.join(folder, 'authorized_keys'), `${readFileSync(`${plainKey}.pub`, 'utf8')}${readFileSync(`${passphraseKey}.pub`, 'utf8')}`, { mode: 0o600 });
  mkdirSync('/run/sshd', { recursive: true });
  let generation = 0;
  let hostKey = '';
  let ecdsaHostKey = '';
  let pidFile = '';

  const start = async (newHostKey = true): Promise<void> => {
    generation++;
    if (newHostKey) {
      hostKey = path.join(folder, `host_ed25519_${generation}`);
      keygen(hostKey);
      ecdsaHostKey = path.join(folder, `host_ecdsa_${generation}`);
      keygen(ecdsaHostKey, '', 'ecdsa');
    }
    pidFile = path.join(folder, `sshd_${generation}.pid`);
    const config = path.join(folder, `sshd_config_${generation}`);
    writeFileSync(
      config,
      [
        `ListenAddress 127.0.0.1:${port}`,
        `HostKey ${hostKey}`,
        `HostKey ${ecdsaHostKey}`,
        `PidFile ${pidFile}`,
        `AuthorizedKeysFile ${path.join(folder, 'authorized_keys')}`,
        'UsePAM no',
        'StrictModes no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'PubkeyAuthentication yes',
        'LogLevel ERROR',
        ...(options.extraConfig ?? []),
        '',
      ].join('\n'),
    );
    const child = spawn('/usr/sbin/sshd', ['-f', config, '-E', path.join(folder, 'sshd.log')], { stdio: 'ignore', detached: true });
    child.unref();
    await waitFor(`sshd listening on 127.0.0.1:${port}`, () => portOpen(port), { timeoutMs: 10_000 });
  };

  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  const stopCurrent = async (withSessions = false): Promise<void> => {
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      if (withSessions && alive(pid)) {
        killAll(descendants(pid));
      }
      if (alive(pid)) {
        process.kill(pid, 'SIGTERM');
        await waitFor(`sshd ${pid} to exit`, () => !alive(pid), { timeoutMs: 10_000 });
      }
    }
  };

  await start();
  return {
    folder,
    port,
    user,
    get hostKey() {
      return hostKey;
    },
    get ecdsaHostKey() {
      return ecdsaHostKey;
    },
    plainKey,
    passphraseKey,
    hostFingerprint: () => execFileSync('ssh-keygen', ['-lf', `${hostKey}.pub`], { encoding: 'utf8' }).split(/\s+/)[1],
    restartWithNewHostKey: async () => {
      await stopCurrent();
      await waitFor('sshd stopped', async () => !(await portOpen(port)), { timeoutMs: 10_000 });
      await start();
    },
    restart: async (downMs = 0) => {
      await stopCurrent(true);
      await waitFor('sshd stopped', async () => !(await portOpen(port)), { timeoutMs: 10_000 });
      await sleep(downMs);
      await start(false);
    },
    stop: async () => {
      await stopCurrent();
      rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}
