import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { mkdtempSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { classifyUnreachable } from '../../src/model/engineErrors';

/** Connects to a unix socket path and returns the real error Node raises. */
function connectError(socketPath: string): Promise<unknown> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    socket.on('error', resolve);
    socket.on('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
  });
}

describe('unreachable engine causes, from real socket errors', () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'dne-sock-'));
  after(() => rmSync(folder, { recursive: true, force: true }));

  test('a missing socket', async () => {
    assert.equal(classifyUnreachable(await connectError(path.join(folder, 'missing.sock'))), 'socketMissing');
  });

  test('a socket file nobody listens on is refused', async () => {
    const server = net.createServer();
    const socketPath = path.join(folder, 'closed.sock');
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    // Closing the server leaves no listener; a plain file at that path gives ECONNREFUSED.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    writeFileSync(socketPath, '');
    assert.equal(classifyUnreachable(await connectError(socketPath)), 'refused');
  });

  test('permission denied (as an unprivileged user), or the error code otherwise', async () => {
    const socketPath = path.join(folder, 'private.sock');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    chmodSync(socketPath, 0o600);
    const error = process.getuid?.() === 0 ? Object.assign(new Error('connect EACCES /var/run/docker.sock'), { code: 'EACCES' }) : await connectError(socketPath);
    server.close();
    assert.equal(classifyUnreachable(error), 'permissionDenied');
  });

  test('timeouts, TLS and resolution failures', () => {
    assert.equal(classifyUnreachable(Object.assign(new Error('connect ETIMEDOUT 10.0.0.1:2376'), { code: 'ETIMEDOUT' })), 'timeout');
    assert.equal(classifyUnreachable(Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })), 'tls');
    assert.equal(classifyUnreachable({ reason: 'unknownContext', message: 'x' }), 'unknownContext');
    assert.equal(classifyUnreachable(new Error('something else')), 'other');
  });
});
