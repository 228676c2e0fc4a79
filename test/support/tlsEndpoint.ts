/**
 * A real TLS endpoint in front of the local engine for the engine tier: openssl makes a CA, a
 * server certificate (SAN IP:127.0.0.1, DNS:localhost), a client certificate, a second "other" CA
 * with its own server certificate, and a server certificate whose SAN names another host; socat
 * terminates TLS on a free loopback port (client certificate required) and forwards to the
 * engine's unix socket. Child processes only with argument arrays; everything is removed by stop().
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { descendants, killAll } from './processes';
import { sleep, waitFor } from './waitFor';

export interface TlsMaterial {
  folder: string;
  /** ca.pem / cert.pem / key.pem: the layout DOCKER_CERT_PATH expects (client side). */
  clientFolder: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  otherCa: string;
  otherServerCert: string;
  otherServerKey: string;
  wrongSanCert: string;
  wrongSanKey: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** A key and a certificate signed by `ca` (or self-signed CA when ca is undefined). */
function issue(cwd: string, name: string, subject: string, ca: string | undefined, extensions: string): void {
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', subject], cwd);
  writeFileSync(path.join(cwd, `${name}.ext`), extensions);
  const signer = ca ? ['-CA', `${ca}.pem`, '-CAkey', `${ca}-key.pem`, '-CAcreateserial'] : ['-signkey', `${name}-key.pem`];
  openssl(['x509', '-req', '-in', `${name}.csr`, ...signer, '-days', '2', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.pem`], cwd);
}

export function makeTlsMaterial(): TlsMaterial {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'dne-tls-'));
  const caExt = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n';
  const serverExt = (san: string) => `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`;
  issue(folder, 'ca', '/CN=dne test CA', undefined, caExt);
  issue(folder, 'server', '/CN=dne test server', 'ca', serverExt('IP:127.0.0.1,DNS:localhost'));
  issue(folder, 'client', '/CN=dne test client', 'ca', 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n');
  issue(folder, 'otherca', '/CN=dne other CA', undefined, caExt);
  issue(folder, 'otherserver', '/CN=dne other server', 'otherca', serverExt('IP:127.0.0.1,DNS:localhost'));
  issue(folder, 'wrongsan', '/CN=engine.example', 'ca', serverExt('DNS:engine.example'));
  const clientFolder = path.join(folder, 'client');
  mkdirSync(clientFolder);
  copyFileSync(path.join(folder, 'ca.pem'), path.join(clientFolder, 'ca.pem'));
  copyFileSync(path.join(folder, 'client.pem'), path.join(clientFolder, 'cert.pem'));
  copyFileSync(path.join(folder, 'client-key.pem'), path.join(clientFolder, 'key.pem'));
  const file = (name: string) => path.join(folder, name);
  return {
    folder,
    clientFolder,
    ca: file('ca.pem'),
    serverCert: file('server.pem'),
    serverKey: file('server-key.pem'),
    otherCa: file('otherca.pem'),
    otherServerCert: file('otherserver.pem'),
    otherServerKey: file('otherserver-key.pem'),
    wrongSanCert: file('wrongsan.pem'),
    wrongSanKey: file('wrongsan-key.pem'),
  };
}

/** A free loopback port (the kernel picks it; closed again before socat binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export interface TlsEndpoint {
  port: number;
  stop(): Promise<void>;
  /**
   * Kills socat and the connections it serves (its forked children), waits `downMs`, then starts
   * it again on the same port with the same certificates.
   */
  restart(downMs?: number): Promise<void>;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * socat terminating TLS in front of the engine socket. `plain` forwards without TLS (a plain port
 * for the "TLS sent to a plain port" case).
 */
export async function startTlsEndpoint(
  options: { cert: string; key: string; ca: string; requireClientCert?: boolean } | { plain: true },
  socketPath = '/var/run/docker.sock',
): Promise<TlsEndpoint> {
  const port = await freePort();
  const listen =
    'plain' in options
      ? `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`
      : `OPENSSL-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork,cert=${options.cert},key=${options.key},cafile=${options.ca},verify=${options.requireClientCert === false ? 0 : 1}`;
  const launch = async (): Promise<ChildProcess> => {
    const child: ChildProcess = spawn('socat', [listen, `UNIX-CONNECT:${socketPath}`], { stdio: ['ignore', 'ignore', 'pipe'], detached: false });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(`socat listening on ${port}`, async () => {
      if (child.exitCode !== null) {
        throw new Error(`socat exited (${child.exitCode}): ${stderr}`);
      }
      return portOpen(port);
    });
    return child;
  };
  const halt = (child: ChildProcess, withConnections: boolean) =>
    new Promise<void>((resolve) => {
      if (withConnections && child.pid !== undefined) {
        killAll(descendants(child.pid));
      }
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve();
        return;
      }
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  let current = await launch();
  return {
    port,
    stop: () => halt(current, false),
    restart: async (downMs = 0) => {
      await halt(current, true);
      await sleep(downMs);
      current = await launch();
    },
  };
}

export function removeTlsMaterial(material: TlsMaterial): void {
  rmSync(material.folder, { recursive: true, force: true });
}
