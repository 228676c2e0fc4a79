/**
 * One SSH connection to an engine's host, opened like `ssh` would (~/.ssh/config, known_hosts,
 * agent and identity files) and reused: every HTTP connection of the engine client is one
 * `docker system dial-stdio` channel on it, as the docker CLI does. The connect has its own
 * deadline (paused while the user answers a prompt), so a port that never speaks SSH fails in time.
 */
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import type { AnyAuthMethod, Client, ClientChannel, ConnectConfig, ParsedKey } from 'ssh2';
import {
  checkKnownHost,
  HostKeyTarget,
  knownHostsLine,
  knownKeyTypes,
  keyTypeOfBlob,
  lookupName,
  preferredHostKeyAlgorithms,
  sha256Fingerprint,
} from '../../model/knownHosts';
import { SshConnectionError, SshFailureKind, SshFailureParams } from '../../model/sshErrors';
import { SshEndpoint } from '../../model/sshEndpoint';
import { appendKnownHost, readIdentityFiles, readKnownHosts, resolveSshSetup, ResolvedSshSetup, SshFileLocations } from './sshFiles';
import { NO_SSH_PROMPTS, SshPrompts } from './sshPrompts';
import { ssh2 } from './ssh2Module';

/** What known_hosts is searched for: the HostKeyAlias as written, else the host on its port. */
function hostKeyTarget(endpoint: SshEndpoint): HostKeyTarget {
  return { host: endpoint.hostKeyName, port: endpoint.port, alias: endpoint.hostKeyAlias };
}

export interface SshTransportOptions extends SshFileLocations {
  prompts?: SshPrompts;
  /** How long the TCP connect + SSH handshake + authentication may take (prompts excluded). */
  connectTimeoutMs: number;
  /** Close the SSH connection after this long without any channel (default 5 minutes). */
  idleCloseMs?: number;
}

/** A timer that stops while the user is being asked something. */
class PausableDeadline {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ms: number,
    private readonly onExpire: () => void,
  ) {
    this.resume();
  }

  pause(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  resume(): void {
    this.pause();
    this.timer = setTimeout(this.onExpire, this.ms);
  }

  async around<T>(work: () => Promise<T>): Promise<T> {
    this.pause();
    try {
      return await work();
    } finally {
      this.resume();
    }
  }
}

/** The state of one connection attempt. */
interface Attempt {
  setup: ResolvedSshSetup;
  deadline?: PausableDeadline;
  failure?: SshConnectionError;
  tried: string[];
}

export class SshTransport {
  private connection: Promise<Client> | undefined;
  private socket: net.Socket | undefined;
  private openChannels = 0;
  private opened = 0;
  private destinationValue = '';
  /** Called whenever the SSH connection goes away (idle close, server gone, dispose). */
  onClosed: (() => void) | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  /**
   * Keys opened so far, per identity file, while the connection is open or being opened: dropped
   * at the idle close, so a decrypted key does not outlive the connection (its passphrase is asked
   * again on the next connect; the passphrase itself is never kept).
   */
  private readonly openedKeys = new Map<string, { data: Buffer; key: ParsedKey }>();

  constructor(
    readonly hostUrl: string,
    private readonly options: SshTransportOptions,
  ) {}

  private get prompts(): SshPrompts {
    return this.options.prompts ?? NO_SSH_PROMPTS;
  }

  /**
   * Opens a `docker system dial-stdio` channel (connecting first when needed). The channel counts
   * as busy until its holder calls `channelIdle` (ChannelSocket does, on unref and on close).
   */
  async openChannel(): Promise<{ channel: ClientChannel; destination: string }> {
    const client = await this.connected();
    const destination = this.destination;
    this.channelBusy();
    try {
      const channel = await new Promise<ClientChannel>((resolve, reject) => {
        client.exec('docker system dial-stdio', (error, stream) => (error ? reject(error) : resolve(stream)));
      });
      return { channel, destination };
    } catch (error) {
      this.channelIdle();
      const detail = error instanceof Error ? error.message : String(error);
      // "Not connected": the connection went away between the two steps; the next request reconnects.
      const failure = new SshConnectionError(/not connected/i.test(detail) ? 'other' : 'dialStdioFailed', { destination, detail });
      this.reportFailure(failure);
      throw failure;
    }
  }

  /** SSH connections opened so far, and whether one is open now (1 or 0). */
  get connections(): { opened: number; open: number } {
    return { opened: this.opened, open: this.socket ? 1 : 0 };
  }

  get destination(): string {
    return this.destinationValue;
  }

  close(): void {
    clearTimeout(this.idleTimer);
    this.openedKeys.clear();
    const hadSocket = this.socket !== undefined;
    const connection = this.connection;
    this.connection = undefined;
    connection?.then((client) => client.end(), () => undefined);
    this.socket?.destroy();
    this.socket = undefined;
    if (hadSocket) {
      this.onClosed?.();
    }
  }

  /** Tells the prompts' `failed` hook (the extension shows the sentence). */
  reportFailure(error: SshConnectionError): void {
    this.prompts.failed?.(error);
  }

  private connected(): Promise<Client> {
    if (!this.connection) {
      const connection = this.connect();
      this.connection = connection;
      connection.catch((error: SshConnectionError) => {
        if (this.connection === connection) {
          this.connection = undefined;
        }
        this.reportFailure(error);
      });
    }
    return this.connection;
  }

  /** A channel carries a request: the connection keeps the process alive and stays open. */
  channelBusy(): void {
    this.openChannels++;
    clearTimeout(this.idleTimer);
    this.socket?.ref();
  }

  /** A channel closed, or waits in the HTTP agent's free list. */
  channelIdle(): void {
    this.openChannels = Math.max(0, this.openChannels - 1);
    if (this.openChannels === 0) {
      // An idle connection must not keep a command-line process alive, nor stay open forever.
      this.socket?.unref();
      clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => this.close(), this.options.idleCloseMs ?? 300_000);
      this.idleTimer.unref();
    }
  }

  /**
   * The SSH connection to the engine's host: directly, or through the ProxyJump hosts (each hop a
   * `direct-tcpip` channel of the previous one, as `ssh -J` does), each hop with its own config,
   * host key check and login.
   */
  private async connect(): Promise<Client> {
    const setup = resolveSshSetup(this.hostUrl, this.options);
    const { endpoint } = setup;
    this.destinationValue = `${endpoint.user}@${endpoint.hostName}:${endpoint.port}`;
    const chain = this.jumpChain(setup);
    const socket = net.connect({ host: chain[0].endpoint.hostName, port: chain[0].endpoint.port });
    const clients: Client[] = [];
    try {
      let stream: Duplex = socket;
      for (const [index, hop] of chain.entries()) {
        const client = await this.handshake(hop, stream);
        clients.push(client);
        const next = chain[index + 1];
        if (next) {
          stream = await this.forward(client, hop, next);
        }
      }
    } catch (error) {
      clients.forEach((client) => client.end());
      socket.destroy();
      throw error;
    }
    const client = clients[clients.length - 1];
    this.opened++;
    this.socket = socket;
    if (this.openChannels === 0) {
      socket.unref();
    }
    const gone = () => {
      if (this.socket === socket) {
        this.connection = undefined;
        this.socket = undefined;
        clients.forEach((each) => each.end());
        socket.destroy();
        this.onClosed?.();
      }
    };
    clients.forEach((each) => each.on('close', gone));
    return client;
  }

  /** The setups to go through, the engine's host last; a directive this client does not follow refuses. */
  private jumpChain(setup: ResolvedSshSetup): ResolvedSshSetup[] {
    const hops = (setup.endpoint.proxyJump?.hops ?? []).map((hop) => resolveSshSetup(`ssh://${hop}`, this.options));
    for (const each of [setup, ...hops]) {
      const [refusal] = each.endpoint.refusals;
      const nested = each !== setup && each.endpoint.proxyJump;
      if (refusal || nested) {
        // Dialling a host directly would offer the user name and keys to whoever answers there.
        const where = refusal ?? { directive: 'ProxyJump (of a jump host)', file: nested ? nested.file : '', line: nested ? nested.line : 0 };
        throw this.failure('configRefused', { setup: each, tried: [] }, { directive: where.directive, configFile: where.file, configLine: where.line });
      }
    }
    return [...hops, setup];
  }

  /** A `direct-tcpip` channel from a jump host to the next hop. */
  private forward(client: Client, hop: ResolvedSshSetup, next: ResolvedSshSetup): Promise<Duplex> {
    const { hostName, port } = next.endpoint;
    return new Promise((resolve, reject) => {
      client.forwardOut('127.0.0.1', 0, hostName, port, (error, channel) => {
        if (error) {
          const detail = `the jump host ${hop.endpoint.user}@${hop.endpoint.hostName}:${hop.endpoint.port} did not open a channel to ${hostName}:${port} (${error.message})`;
          reject(this.failure('other', { setup: next, tried: [] }, { detail }));
        } else {
          resolve(channel);
        }
      });
    });
  }

  /** One SSH handshake (host key, login) over a socket or a jump host's channel. */
  private handshake(setup: ResolvedSshSetup, stream: Duplex): Promise<Client> {
    const attempt: Attempt = { setup, tried: [] };
    return new Promise<Client>((resolve, reject) => {
      const client = new (ssh2().Client)();
      let settled = false;
      const fail = (error: SshConnectionError) => {
        if (!settled) {
          settled = true;
          attempt.deadline?.pause();
          stream.destroy();
          reject(error);
        }
      };
      attempt.deadline = new PausableDeadline(this.options.connectTimeoutMs, () =>
        fail(attempt.failure ?? this.failure('timeout', attempt, { timeoutMs: this.options.connectTimeoutMs })),
      );
      client.on('ready', () => {
        settled = true;
        attempt.deadline?.pause();
        resolve(client);
      });
      client.on('error', (error: Error & { level?: string }) => {
        if (error.level === 'agent') {
          return; // ssh2 goes on with the next method
        }
        fail(this.translate(error, attempt));
      });
      client.on('close', () => fail(attempt.failure ?? this.failure('other', attempt, { detail: 'connection closed' })));
      client.connect(this.connectConfig(stream, attempt));
    });
  }

  private connectConfig(socket: Duplex, attempt: Attempt): ConnectConfig {
    const { endpoint, knownHostsFiles } = attempt.setup;
    const preferred = preferredHostKeyAlgorithms(knownKeyTypes(readKnownHosts(knownHostsFiles), hostKeyTarget(endpoint)));
    return {
      sock: socket,
      ...(preferred.length > 0 ? { algorithms: { serverHostKey: { remove: preferred, prepend: preferred } } } : {}),
      username: endpoint.user,
      readyTimeout: 0,
      keepaliveInterval: 30_000,
      hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
        this.verifyHostKey(key, attempt).then(verify, (error: unknown) => {
          attempt.failure ??= this.failure('other', attempt, { detail: String(error) });
          verify(false);
        });
      },
      authHandler: this.authHandler(attempt),
    } as ConnectConfig;
  }

  private failure(kind: SshFailureKind, attempt: Attempt, extra: Partial<SshFailureParams> = {}): SshConnectionError {
    const { endpoint, knownHostsFile } = attempt.setup;
    return new SshConnectionError(kind, {
      destination: this.destinationValue,
      host: endpoint.hostName,
      port: endpoint.port,
      hostKeyName: lookupName(hostKeyTarget(endpoint)),
      knownHostsFile: knownHostsFile ?? 'UserKnownHostsFile none',
      tried: attempt.tried,
      ...extra,
    });
  }

  private translate(error: Error & { level?: string; code?: string }, attempt: Attempt): SshConnectionError {
    if (attempt.failure) {
      return attempt.failure;
    }
    if (error.code === 'ECONNREFUSED') {
      return this.failure('refused', attempt);
    }
    if (error.code === 'ETIMEDOUT') {
      return this.failure('timeout', attempt, { timeoutMs: this.options.connectTimeoutMs });
    }
    if (error.level === 'client-authentication') {
      return this.failure('authFailed', attempt);
    }
    return this.failure('other', attempt, { detail: error.message });
  }

  private async verifyHostKey(key: Buffer, attempt: Attempt): Promise<boolean> {
    const { endpoint, knownHostsFile, knownHostsFiles } = attempt.setup;
    const keyType = keyTypeOfBlob(key);
    const fingerprint = sha256Fingerprint(key);
    const target = hostKeyTarget(endpoint);
    const check = checkKnownHost(readKnownHosts(knownHostsFiles), target, keyType, key.toString('base64'));
    const details = { keyType, fingerprint, knownHostsFile: check.entry?.file, knownHostsLine: check.entry?.line, knownKeyType: check.entry?.keyType };
    switch (check.verdict) {
      case 'known':
        return true;
      case 'changed':
        attempt.failure = this.failure('hostKeyChanged', attempt, details);
        return false;
      case 'revoked':
        attempt.failure = this.failure('hostKeyRevoked', attempt, details);
        return false;
      case 'unknown':
        break;
    }
    if (endpoint.strictHostKeyChecking === 'yes') {
      attempt.failure = this.failure('hostKeyUnknownStrict', attempt, { keyType, fingerprint });
      return false;
    }
    if (endpoint.strictHostKeyChecking === 'ask') {
      const shownHost = lookupName(target);
      const ask = () => this.prompts.confirmHostKey(shownHost, keyType, fingerprint, { certAuthorityOnly: check.certAuthorityOnly === true });
      const accepted = await (attempt.deadline?.around(ask) ?? ask());
      if (!accepted) {
        attempt.failure = this.failure('hostKeyNotAccepted', attempt, { keyType, fingerprint });
        return false;
      }
    }
    if (knownHostsFile) {
      appendKnownHost(knownHostsFile, knownHostsLine(target, keyType, key.toString('base64')));
    }
    return true;
  }

  /** The agent first (when there is one), then each identity file, like ssh. */
  private authHandler(attempt: Attempt) {
    const { endpoint, agentSocket } = attempt.setup;
    const steps: (() => Promise<AnyAuthMethod | undefined>)[] = [];
    if (agentSocket) {
      steps.push(async () => {
        attempt.tried.push('agent');
        return { type: 'agent', username: endpoint.user, agent: agentSocket };
      });
    }
    for (const file of endpoint.identityFiles) {
      steps.push(() => this.identityStep(file, endpoint, attempt));
    }
    return (_methodsLeft: unknown, _partial: unknown, next: (method: AnyAuthMethod | false) => void): void => {
      void (async () => {
        while (steps.length > 0) {
          const method = await steps.shift()!();
          if (method) {
            next(method);
            return;
          }
        }
        next(false);
      })();
    };
  }

  private async identityStep(file: string, endpoint: SshEndpoint, attempt: Attempt): Promise<AnyAuthMethod | undefined> {
    const [identity] = readIdentityFiles([file]);
    if (!identity) {
      return undefined;
    }
    const opened = this.openedKeys.get(file);
    const key = opened && opened.data.equals(identity.data) ? opened.key : await this.openKey(file, identity.data, attempt);
    if (!key) {
      return undefined;
    }
    this.openedKeys.set(file, { data: identity.data, key });
    attempt.tried.push(file);
    return { type: 'publickey', username: endpoint.user, key };
  }

  /** Parses an identity file, asking its passphrase when it is encrypted; undefined when unusable. */
  private async openKey(file: string, data: Buffer, attempt: Attempt): Promise<ParsedKey | undefined> {
    const plain = ssh2().utils.parseKey(data);
    if (!(plain instanceof Error)) {
      return Array.isArray(plain) ? (plain[0] as ParsedKey) : plain;
    }
    if (!/encrypted|passphrase/i.test(plain.message)) {
      attempt.tried.push(`${file} (unreadable key)`);
      return undefined;
    }
    const ask = () => this.prompts.passphrase(file);
    const passphrase = await (attempt.deadline?.around(ask) ?? ask());
    if (passphrase === undefined) {
      attempt.tried.push(`${file} (no passphrase given)`);
      return undefined;
    }
    const decrypted = ssh2().utils.parseKey(data, passphrase);
    if (decrypted instanceof Error) {
      attempt.tried.push(`${file} (wrong passphrase)`);
      return undefined;
    }
    return Array.isArray(decrypted) ? (decrypted[0] as ParsedKey) : decrypted;
  }

}
