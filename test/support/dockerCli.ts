/**
 * Small helpers the engine-tier tests, the e2e tests and the fixture recorder share to drive the
 * real Docker engine from outside the extension: the `docker` CLI (argument arrays only, never a
 * shell string) and raw Engine API reads over the local socket.
 */
import { execFileSync } from 'node:child_process';
import * as http from 'node:http';

export const TEST_LABEL = 'dne.test';
export const TEST_IMAGE = 'local/busybox:latest';

export function docker(args: readonly string[], options: { allowFailure?: boolean; timeoutMs?: number } = {}): string {
  try {
    return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 60_000 }).trim();
  } catch (error) {
    if (options.allowFailure) {
      return '';
    }
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`docker ${args.join(' ')} failed: ${stderr.trim()}`);
  }
}

/** Runs a long-lived busybox container; extra arguments go before the image. */
export function runContainer(name: string, extraArgs: readonly string[] = [], label = TEST_LABEL): string {
  return docker(['run', '-d', '--name', name, '--label', `${label}=1`, ...extraArgs, TEST_IMAGE, 'sleep', '100000']);
}

export function createNetwork(name: string, extraArgs: readonly string[] = [], label = TEST_LABEL): string {
  return docker(['network', 'create', '--label', `${label}=1`, ...extraArgs, name]);
}

/** Removes every container and network carrying the label (containers first, then networks). */
export function removeLabelled(label = TEST_LABEL): void {
  const containers = docker(['ps', '-aq', '--filter', `label=${label}`], { allowFailure: true }).split('\n').filter(Boolean);
  if (containers.length > 0) {
    docker(['rm', '-f', ...containers], { allowFailure: true });
  }
  const networks = docker(['network', 'ls', '-q', '--filter', `label=${label}`], { allowFailure: true }).split('\n').filter(Boolean);
  for (const network of networks) {
    docker(['network', 'rm', network], { allowFailure: true });
  }
}

/** GET on the local engine's API socket, parsed as JSON. */
export function engineGet<T = unknown>(path: string, socketPath = '/var/run/docker.sock'): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = http.request({ socketPath, path, method: 'GET', headers: { Host: 'docker' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if ((response.statusCode ?? 500) >= 400) {
          reject(new Error(`GET ${path}: ${response.statusCode} ${body}`));
          return;
        }
        try {
          resolve(JSON.parse(body) as T);
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    request.on('error', reject);
    request.end();
  });
}
