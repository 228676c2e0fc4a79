/**
 * Where the observation's tools run, as the labs run them: inside A's network namespace.
 *  - `nsenter`: local engine, root: the host's busybox inside /proc/<pid>/ns/net, whatever A's image holds;
 *  - `hostNamespace`: the host itself (or a host-mode container): the host's busybox, no nsenter;
 *  - `dockerExec`: otherwise, A's own tools through the Engine API's exec (when A has them).
 * Argument arrays only, bounded by timeouts; never a shell string.
 */
import { execFile } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import type { ObservationMethod } from '../../model/reachability/types';
import type { EngineApi, ExecResult } from '../engineApi';

/** A tool's exit code and output (`missing`: not on the host, not in the image). */
export type RunResult = ExecResult;

export interface NamespaceRunner {
  method: ObservationMethod;
  /** What runs, for the report. */
  tools: string[];
  /** Runs a busybox-style applet (`ping`, `nslookup`, `nc`) with its arguments inside A's namespace. */
  run(applet: string, args: string[], timeoutMs: number): Promise<RunResult>;
  /** Reads a file of A's filesystem (/etc/hosts, /etc/resolv.conf); undefined when it cannot. */
  readFile(file: string): Promise<string | undefined>;
}

const BUSYBOX_CANDIDATES = ['/bin/busybox', '/usr/bin/busybox', '/sbin/busybox', '/usr/sbin/busybox'];

export async function findBusybox(): Promise<string | undefined> {
  for (const candidate of BUSYBOX_CANDIDATES) {
    try {
      await fs.access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}

/** execFile with a timeout and stdin closed; never rejects. */
export function runFile(file: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : null) : 0;
      const missing = (error as { code?: unknown } | null)?.code === 'ENOENT';
      resolve({ code, output: `${stdout}${stderr}`.trim(), missing });
    });
    child.stdin?.end();
  });
}

async function readLocal(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Inside the namespace of `pid` with the host's busybox (root); without a pid, the host's own namespace. */
export function localRunner(busybox: string, pid: number | undefined): NamespaceRunner {
  const root = pid ? `/proc/${pid}/root` : '';
  return {
    method: pid ? 'nsenter' : 'hostNamespace',
    tools: pid ? ['nsenter', busybox] : [busybox],
    run: (applet, args, timeoutMs) =>
      pid ? runFile('nsenter', [`--net=/proc/${pid}/ns/net`, '--', busybox, applet, ...args], timeoutMs) : runFile(busybox, [applet, ...args], timeoutMs),
    readFile: (file) => readLocal(`${root}${file}`),
  };
}

/**
 * A's own tools through `docker exec` (the Engine API), for remote engines and users without root:
 * through the session's own client, so an ssh:// or TLS engine is reached as the session reaches it.
 */
export function dockerExecRunner(client: Pick<EngineApi, 'execInContainer'>, containerId: string): NamespaceRunner {
  const exec = (argv: string[], timeoutMs: number) => client.execInContainer(containerId, argv, timeoutMs);
  return {
    method: 'dockerExec',
    tools: ['docker exec'],
    async run(applet, args, timeoutMs) {
      const direct = await exec([applet, ...args], timeoutMs);
      return direct.missing ? exec(['busybox', applet, ...args], timeoutMs) : direct;
    },
    async readFile(file) {
      const result = await exec(['cat', file], 5_000);
      return result.code === 0 ? result.output : undefined;
    },
  };
}

