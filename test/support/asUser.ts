/**
 * Runs a Node script as another (unprivileged) user, as the extension or the command line runs
 * for a user who is not root. The script is bundled (esbuild) into a temporary folder that user can
 * read, and run with a Node binary that user can execute: the tests' own Node may sit in a folder
 * only root enters (the cached Node 24 under /root/.cache), and so may the checkout.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

export const UNPRIVILEGED_USER = 'nobody';

function canRun(user: string, node: string): boolean {
  return spawnSync('runuser', ['-u', user, '--', node, '--version'], { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

/** A Node binary `user` may execute: the tests' own, the system's, or a copy of the tests' own. */
function nodeFor(user: string, folder: string): string {
  for (const candidate of [process.execPath, '/usr/bin/node', '/usr/local/bin/node']) {
    if (canRun(user, candidate)) {
      return candidate;
    }
  }
  const copy = path.join(folder, 'node');
  copyFileSync(process.execPath, copy);
  chmodSync(copy, 0o755);
  return copy;
}

export interface AsUserResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Bundles `script` (a built .js file) and runs it as `user` with `args`, in a folder of its own. */
export function runScriptAsUser(script: string, args: readonly string[], options: { user?: string; env?: NodeJS.ProcessEnv; files?: Record<string, string> } = {}): AsUserResult {
  const user = options.user ?? UNPRIVILEGED_USER;
  const folder = mkdtempSync(path.join(os.tmpdir(), 'dne-as-user-'));
  try {
    chmodSync(folder, 0o755);
    const bundle = path.join(folder, 'script.js');
    buildSync({ entryPoints: [script], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'error', external: ['*.node', 'cpu-features'] });
    chmodSync(bundle, 0o644);
    const node = nodeFor(user, folder);
    const result = spawnSync('runuser', ['-u', user, '--', node, bundle, ...args], {
      cwd: folder,
      encoding: 'utf8',
      env: options.env ?? process.env,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    });
    return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The folder for files the script reads: readable by everyone, removed by the caller. */
export function sharedTempFolder(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'dne-shared-'));
  chmodSync(folder, 0o755);
  return folder;
}

