/**
 * Starts and stops a private code-server instance (VS Code served to a browser) for the extension
 * and end-to-end test tiers and for the demo.
 *
 * Every instance gets its own free port and its own user-data, extensions and XDG folders under a
 * temporary directory, so runs never share state with each other or with the user's VS Code.
 * `stop()` ends only the process group this module started.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { sleep } from '../support/waitFor';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export function cacheDir(): string {
  return process.env.DNE_CACHE || path.join(os.homedir(), '.cache', 'docker-network-explorer');
}

/** Path of the code-server launcher written by scripts/ensure-code-server.sh (installs it if needed). */
export function codeServerBin(): string {
  const launcher = path.join(cacheDir(), 'code-server.sh');
  if (fs.existsSync(launcher)) return launcher;
  const out = execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'ensure-code-server.sh'), '--print-bin'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  if (!out || !fs.existsSync(out)) throw new Error(`ensure-code-server.sh did not provide a launcher (got "${out}")`);
  return out;
}

export interface CodeServerOptions {
  /** Folder opened as the workspace (default: an empty folder under the temp dir). */
  workspace?: string;
  /** Fixed port (default: a free port). */
  port?: number;
  /** Bind host (default 127.0.0.1). */
  host?: string;
  /** Pass `--vscode-option enable-smoke-test-driver` (needed for extension-host test payloads). */
  smokeTestDriver?: boolean;
  /** VSIX files to install into the private extensions dir before starting. */
  vsix?: string[];
  /** Extra user settings merged over the defaults. */
  settings?: Record<string, unknown>;
  /**
   * Machine settings (userDataDir/Machine/settings.json): the window is remote, so settings whose
   * scope is `machine` or `machine-overridable` (dockerNetworks.dockerHost, .engines) are read there.
   */
  machineSettings?: Record<string, unknown>;
  /** Keep the temp folder after stop() (for debugging). */
  keepTemp?: boolean;
  /** Base folder for the instance's state (default: a new temp folder). */
  stateDir?: string;
  /** Log server output to this stream as well as to the log file. */
  echo?: NodeJS.WritableStream;
  /** Extra environment for the server (and so for the extension host). */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the server to answer (ms, default 60000). */
  startTimeoutMs?: number;
  /**
   * Keep Workspace Trust on (default off: `--disable-workspace-trust`). With it on and the startup
   * prompt off, the folder opens untrusted, in Restricted Mode.
   */
  workspaceTrust?: boolean;
}

export interface CodeServer {
  url: string;
  port: number;
  host: string;
  workspace: string;
  stateDir: string;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  process: ChildProcess;
  /** URL opening the workspace folder. */
  workspaceUrl(extraQuery?: string): string;
  /** Last lines of the server log (for error messages). */
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

export const DEFAULT_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'security.workspace.trust.enabled': false,
  'security.workspace.trust.startupPrompt': 'never',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'github.copilot.enable': { '*': false },
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'window.commandCenter': false,
  'editor.minimap.enabled': false,
  'files.hotExit': 'off',
  'notifications.doNotDisturbMode': false,
};

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => {
      req.destroy();
      resolve(0);
    });
  });
}


/** Installs VSIX files into an extensions dir with the code-server CLI. */
export function installVsix(bin: string, extensionsDir: string, userDataDir: string, vsix: string[], env: NodeJS.ProcessEnv): void {
  for (const file of vsix) {
    const abs = path.resolve(file);
    if (!fs.existsSync(abs)) throw new Error(`VSIX not found: ${abs}`);
    try {
      execFileSync(bin, ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', abs, '--force'], {
        env,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 120_000,
      });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      throw new Error(`installing ${abs} failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    }
  }
}

export async function startCodeServer(opts: CodeServerOptions = {}): Promise<CodeServer> {
  const bin = codeServerBin();
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? (await freePort(host));
  const stateDir = opts.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'dne-code-server-'));
  const userDataDir = path.join(stateDir, 'user-data');
  const extensionsDir = path.join(stateDir, 'extensions');
  const xdg = path.join(stateDir, 'xdg');
  const workspace = opts.workspace ?? path.join(stateDir, 'workspace');
  for (const d of [userDataDir, extensionsDir, workspace, path.join(userDataDir, 'User'),
    path.join(xdg, 'config'), path.join(xdg, 'data'), path.join(xdg, 'cache'), path.join(xdg, 'state')]) {
    fs.mkdirSync(d, { recursive: true });
  }
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_SETTINGS, ...(opts.settings ?? {}) }, null, 2));
  if (opts.machineSettings) {
    fs.mkdirSync(path.join(userDataDir, 'Machine'), { recursive: true });
    fs.writeFileSync(path.join(userDataDir, 'Machine', 'settings.json'), JSON.stringify(opts.machineSettings, null, 2));
  }

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...(opts.env ?? {}),
    XDG_CONFIG_HOME: path.join(xdg, 'config'),
    XDG_DATA_HOME: path.join(xdg, 'data'),
    XDG_CACHE_HOME: path.join(xdg, 'cache'),
    XDG_STATE_HOME: path.join(xdg, 'state'),
    // Never let an inherited password or session leak into the instance.
    PASSWORD: undefined,
    HASHED_PASSWORD: undefined,
    VSCODE_IPC_HOOK_CLI: undefined,
    // The test runner's own Node options must not reach the server.
    NODE_OPTIONS: undefined,
    NODE_TEST_CONTEXT: undefined,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];

  if (opts.vsix?.length) installVsix(bin, extensionsDir, userDataDir, opts.vsix, env);

  const args = [
    '--auth', 'none',
    '--bind-addr', `${host}:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
  ];
  if (opts.smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  args.push(workspace);

  const logFile = path.join(stateDir, 'code-server.log');
  const log = fs.openSync(logFile, 'a');
  const child = spawn(bin, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const onData = (chunk: Buffer) => {
    fs.writeSync(log, chunk);
    opts.echo?.write(chunk);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let exited: number | null | undefined;
  child.on('exit', (code, signal) => {
    exited = code ?? (signal ? 128 : -1);
  });

  const url = `http://${host}:${port}/`;
  const logTail = (lines = 30) => {
    try {
      return fs.readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.pid && exited === undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      for (let i = 0; i < 50 && exited === undefined; i++) await sleep(100);
      if (exited === undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
    try {
      fs.closeSync(log);
    } catch {
      /* closed */
    }
    if (!opts.keepTemp && !opts.stateDir && !process.env.DNE_KEEP_TEMP) {
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exited !== undefined) {
      const tail = logTail();
      await stop();
      throw new Error(`code-server exited (${exited}) before answering:\n${tail}`);
    }
    const status = await httpStatus(`${url}healthz`);
    if (status === 200) break;
    if (Date.now() > deadline) {
      const tail = logTail();
      await stop();
      throw new Error(`code-server did not answer on ${url} within ${opts.startTimeoutMs ?? 60_000} ms:\n${tail}`);
    }
    await sleep(250);
  }

  return {
    url,
    port,
    host,
    workspace,
    stateDir,
    userDataDir,
    extensionsDir,
    logFile,
    process: child,
    workspaceUrl: (extraQuery?: string) =>
      `${url}?folder=${encodeURIComponent(workspace)}${extraQuery ? `&${extraQuery}` : ''}`,
    logTail,
    stop,
  };
}

/**
 * The VSIX the e2e files install: the one named by DNE_E2E_VSIX (scripts/test-all.sh packages it
 * once for all of them), or a fresh one from the project's own packaging (scripts/package.mjs).
 */
export function packagedVsix(name: string): string {
  if (process.env.DNE_E2E_VSIX) {
    return path.resolve(process.env.DNE_E2E_VSIX);
  }
  const out = path.join(REPO_ROOT, 'test-output', `${name}.vsix`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.rmSync(out, { force: true });
  try {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'package.mjs'), out], {
      cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000,
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`packaging the VSIX failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
  if (!fs.existsSync(out)) {
    throw new Error(`scripts/package.mjs did not write ${out}`);
  }
  return out;
}

/**
 * The extension's log files (its LogOutputChannel "Docker Network Explorer") in a code-server's
 * user data, newest first (a reloaded window starts a new one).
 */
export function extensionLogFiles(userDataDir: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.includes('Docker Network Explorer') && entry.name.endsWith('.log')) found.push(full);
    }
  };
  const logs = path.join(userDataDir, 'logs');
  if (fs.existsSync(logs)) walk(logs);
  return found.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
}
