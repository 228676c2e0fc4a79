/**
 * A hostile engine for the engine-tier tests: a small HTTP proxy on a unix socket under /tmp in
 * front of the real engine (/var/run/docker.sock) that rewrites some JSON answers (an endpoint's
 * IPAddress, a State.Pid, a network's name) and passes everything else through untouched, the
 * exec streams' connection upgrades included. The tests point the doctor at it and check that a
 * malformed answer is refused with a sentence naming the field and that nothing ran.
 */
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** Rewrites one parsed JSON answer in place (or returns a replacement); `url` is the request's path and query. */
export type Rewrite = (url: string, body: unknown) => unknown;

export interface HostileEngine {
  socketPath: string;
  /** `unix://…` for resolveTarget / --host. */
  host: string;
  /** Requests seen, method and path (what the doctor asked). */
  requests: string[];
  close(): Promise<void>;
}

const REAL_SOCKET = '/var/run/docker.sock';

function forwardUpgrade(request: http.IncomingMessage, client: net.Socket, head: Buffer, upstreamSocket: string): void {
  const upstream = net.connect(upstreamSocket, () => {
    const lines = [`${request.method} ${request.url} HTTP/${request.httpVersion}`];
    for (let i = 0; i < request.rawHeaders.length; i += 2) {
      lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
    }
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length > 0) {
      upstream.write(head);
    }
    upstream.pipe(client);
    client.pipe(upstream);
  });
  const end = () => {
    upstream.destroy();
    client.destroy();
  };
  upstream.on('error', end);
  client.on('error', end);
}

function forward(request: http.IncomingMessage, response: http.ServerResponse, rewrite: Rewrite, upstreamSocket: string): void {
  const upstream = http.request({ socketPath: upstreamSocket, path: request.url, method: request.method, headers: request.headers }, (answer) => {
    const json = /application\/json/.test(String(answer.headers['content-type'] ?? '')) && request.method === 'GET';
    if (!json) {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
      return;
    }
    const chunks: Buffer[] = [];
    answer.on('data', (chunk: Buffer) => chunks.push(chunk));
    answer.on('end', () => {
      let text = Buffer.concat(chunks).toString('utf8');
      try {
        const parsed = JSON.parse(text) as unknown;
        const rewritten = rewrite(request.url ?? '', parsed);
        text = JSON.stringify(rewritten === undefined ? parsed : rewritten);
      } catch {
        // Not JSON after all: passed on as it came.
      }
      const headers = { ...answer.headers };
      delete headers['transfer-encoding'];
      headers['content-length'] = String(Buffer.byteLength(text));
      response.writeHead(answer.statusCode ?? 502, headers);
      response.end(text);
    });
  });
  upstream.on('error', (error) => {
    response.writeHead(502);
    response.end(error.message);
  });
  request.pipe(upstream);
}

/** Starts the proxy; its socket is made in a fresh folder under /tmp (owned by `socketOwner` and open to all when given). */
export async function startHostileEngine(rewrite: Rewrite, options: { socketOwner?: number; upstreamSocket?: string } = {}): Promise<HostileEngine> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dne-rootexec-hostile-'));
  const socketPath = path.join(dir, 'docker.sock');
  const upstreamSocket = options.upstreamSocket ?? REAL_SOCKET;
  const requests: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    forward(request, response, rewrite, upstreamSocket);
  });
  server.on('upgrade', (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    requests.push(`${request.method} ${request.url}`);
    forwardUpgrade(request, client, head, upstreamSocket);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  if (options.socketOwner !== undefined) {
    await fs.chown(socketPath, options.socketOwner, options.socketOwner);
    await fs.chmod(socketPath, 0o666);
    // That user may reach the socket (a forwarder running as that user, in a test).
    await fs.chmod(dir, 0o755);
  }
  return {
    socketPath,
    host: `unix://${socketPath}`,
    requests,
    async close() {
      for (const socket of sockets) {
        socket.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** The API path without its version prefix (`/v1.41/containers/json?all=1` -> `/containers/json`). */
export function apiPath(url: string): string {
  return url.replace(/^\/v[\d.]+/, '').replace(/\?.*$/, '');
}
