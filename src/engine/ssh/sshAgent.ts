/**
 * The HTTP agent dockerode uses for an `ssh://` engine: each HTTP connection is a
 * `docker system dial-stdio` channel of one shared SSH connection (SshTransport). The channel is
 * wrapped in a Duplex that behaves like a socket for Node's http client: a working `setTimeout`
 * (docker-modem's own SSH path hands over the bare channel, and `req.setTimeout` then throws),
 * no-op `setNoDelay`/`setKeepAlive`/`ref`/`unref`, and the remote command's failure (docker
 * missing, dial-stdio refused) turned into an SshConnectionError instead of a bare "socket hang up".
 */
import * as http from 'node:http';
import { Duplex } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { dialStdioFailureKind, SshConnectionError } from '../../model/sshErrors';
import { SshTransport } from './sshTransport';

export class ChannelSocket extends Duplex {
  private timeoutMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private received = false;
  private stderr = '';
  private exitCode: number | undefined;
  /** Whether this channel counts as busy for the transport (see SshTransport.channelBusy). */
  private busy = true;

  constructor(
    private readonly channel: ClientChannel,
    private readonly destination: string,
    private readonly activity: { channelBusy(): void; channelIdle(): void; reportFailure(error: SshConnectionError): void },
  ) {
    super();
    channel.on('data', (chunk: Buffer) => {
      this.received = true;
      this.touch();
      if (!this.push(chunk)) {
        channel.pause();
      }
    });
    channel.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-2000);
    });
    channel.on('exit', (code: number | null) => {
      this.exitCode = code ?? undefined;
    });
    // dial-stdio's exit status comes after its end of output: decide at close whether it failed.
    channel.on('close', () => this.onChannelClose());
    channel.on('error', (error: Error) => this.destroy(error));
  }

  private onChannelClose(): void {
    clearTimeout(this.timer);
    this.unref();
    if (!this.received && this.exitCode !== undefined && this.exitCode !== 0) {
      const kind = dialStdioFailureKind(this.exitCode, this.stderr);
      const failure = new SshConnectionError(kind, { destination: this.destination, detail: this.stderr.trim() || `exit status ${this.exitCode}` });
      this.activity.reportFailure(failure);
      this.destroy(failure);
      return;
    }
    if (!this.destroyed) {
      // The channel is gone for good: end what is read, then close (a kept-alive socket leaves the pool).
      this.push(null);
      setImmediate(() => this.destroy());
    }
  }

  private touch(): void {
    clearTimeout(this.timer);
    if (this.timeoutMs > 0 && !this.destroyed) {
      this.timer = setTimeout(() => this.emit('timeout'), this.timeoutMs);
    }
  }

  override _read(): void {
    this.channel.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.touch();
    this.channel.write(chunk, encoding, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.channel.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.timer);
    this.unref();
    this.channel.close();
    callback(error);
  }

  /** Like net.Socket#setTimeout: 'timeout' after that long without traffic (0 turns it off). */
  setTimeout(ms: number, listener?: () => void): this {
    this.timeoutMs = ms;
    if (listener) {
      this.once('timeout', listener);
    }
    this.touch();
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  /** The HTTP agent refs a socket it hands to a request and unrefs one it keeps for later. */
  ref(): this {
    if (!this.busy && !this.destroyed) {
      this.busy = true;
      this.activity.channelBusy();
    }
    return this;
  }

  unref(): this {
    if (this.busy) {
      this.busy = false;
      this.activity.channelIdle();
    }
    return this;
  }
}

export class SshHttpAgent extends http.Agent {
  /** Kept-alive channels spare a dial-stdio start (a docker CLI process on the far side) per request. */
  constructor(readonly transport: SshTransport) {
    super({ keepAlive: true, maxFreeSockets: 4 });
    // Kept-alive channels die with their SSH connection: never hand one out after that.
    transport.onClosed = () => {
      for (const sockets of Object.values(this.freeSockets)) {
        sockets?.forEach((socket) => socket.destroy());
      }
    };
  }

  override createConnection(
    _options: http.ClientRequestArgs,
    callback?: (error: Error | null, socket: Duplex) => void,
  ): Duplex | null | undefined {
    this.transport.openChannel().then(
      ({ channel, destination }) => callback?.(null, new ChannelSocket(channel, destination, this.transport)),
      (error: Error) => callback?.(error, undefined as unknown as Duplex),
    );
    return undefined;
  }

  override destroy(): void {
    super.destroy();
    this.transport.close();
  }
}
