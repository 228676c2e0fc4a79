/**
 * Where the observation's tools run, as the labs run them: inside A's network namespace.
 *  - `nsenter`: local engine, root: the host's busybox inside /proc/<pid>/ns/net, whatever A's image holds;
 *  - `hostNamespace`: the host itself (or a host-mode container): the host's busybox, no nsenter;
 *  - `dockerExec`: otherwise, A's own tools through the Engine API's exec (when A has them).
 * Argument arrays only, tools by absolute path, bounded by timeouts and output caps; never a shell
 * string. Container files are read as the container resolves them (containerFiles.ts), or with
 * `cat` through exec, capped alike.
 */
import { execFile } from 'node:child_process';
import type { ObservationMethod, ObservationReason } from '../../model/reachability/types';
import { systemTool } from '../../probe/systemTools';
import { EXEC_OUTPUT_MAX_BYTES } from '../engineApi';
import type { EngineApi, ExecResult } from '../engineApi';
import { CONTAINER_FILE_MAX_BYTES, readContainerFile } from './containerFiles';
import type { EngineCli } from '../../model/engineProduct';

/** A tool's exit code and output (`missing`: not on the host, not in the image). */
export type RunResult = ExecResult;

export interface NamespaceRunner {
  method: ObservationMethod;
  /** What runs, for the report. */
  tools: string[];
  /** Why this runner rather than a deeper one (the root path refused), for the report. */
  reason?: ObservationReason;
  /** Runs a busybox-style applet (`ping`, `nslookup`, `nc`) with its arguments inside A's namespace. */
  run(applet: string, args: string[], timeoutMs: number): Promise<RunResult>;
  /** Reads a file of A's filesystem (/etc/hosts, /etc/resolv.conf); undefined when it cannot. */
  readFile(file: string): Promise<string | undefined>;
}

/** The host's busybox, in the system folders only. */
export function findBusybox(): Promise<string | undefined> {
  return systemTool('busybox');
}

/**
 * execFile with a timeout, stdin closed and output capped (EXEC_OUTPUT_MAX_BYTES): past either,
 * the process is killed (SIGKILL); never rejects.
 */
export function runFile(file: string, args: string[], timeoutMs: number, maxBytes = EXEC_OUTPUT_MAX_BYTES): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: maxBytes, encoding: 'utf8' }, (error, stdout, stderr) => {
      const errorCode = (error as { code?: unknown } | null)?.code;
      const code = error ? (typeof errorCode === 'number' ? errorCode : null) : 0;
      const truncated = errorCode === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER';
      resolve({ code: truncated ? null : code, output: `${stdout}${stderr}`.trim(), missing: errorCode === 'ENOENT', truncated });
    });
    child.stdin?.end();
  });
}

/**
 * Inside the namespace of `pid` with the host's busybox (root; `nsenter` an absolute path); without
 * a pid, the host's own namespace. The pid must have been checked (isSafePid) and proved (localProof).
 */
export function localRunner(busybox: string, pid: number | undefined, nsenter = '/usr/bin/nsenter'): NamespaceRunner {
  return {
    method: pid ? 'nsenter' : 'hostNamespace',
    tools: pid ? [nsenter, busybox] : [busybox],
    run: (applet, args, timeoutMs) =>
      pid ? runFile(nsenter, [`--net=/proc/${pid}/ns/net`, '--', busybox, applet, ...args], timeoutMs) : runFile(busybox, [applet, ...args], timeoutMs),
    readFile: (file) => readContainerFile(pid ? `/proc/${pid}/root` : '/', file),
  };
}

/** The container's `timeout` (coreutils, or busybox's new syntax), when `timeout 1 true` runs there. */
async function timeoutPrefix(exec: (argv: string[], timeoutMs: number) => Promise<ExecResult>): Promise<string[]> {
  for (const prefix of [['timeout'], ['busybox', 'timeout']]) {
    const probe = await exec([...prefix, '1', 'true'], 3_000);
    if (probe.code === 0) {
      return prefix;
    }
  }
  return [];
}

/**
 * A's own tools through `docker exec` (the Engine API), for remote engines, users without root and
 * engines the root path does not trust: through the session's own client, so an ssh:// or TLS
 * engine is reached as the session reaches it. Each command runs under the container's `timeout
 * -s KILL` when it has one (the API cannot stop an exec'd process; closing the stream does not).
 */
export function dockerExecRunner(client: Pick<EngineApi, 'execInContainer'>, containerId: string, reason?: ObservationReason, cli: EngineCli = 'docker'): NamespaceRunner {
  const raw = (argv: string[], timeoutMs: number, maxBytes?: number) => client.execInContainer(containerId, argv, timeoutMs, maxBytes);
  let prefix: Promise<string[]> | undefined;
  const exec = async (argv: string[], timeoutMs: number, maxBytes?: number) => {
    prefix ??= timeoutPrefix(raw);
    const wrapper = await prefix;
    const seconds = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
    return raw(wrapper.length > 0 ? [...wrapper, '-s', 'KILL', seconds, ...argv] : argv, timeoutMs + 1_000, maxBytes);
  };
  return {
    method: 'dockerExec',
    // The engine's own word for it: `podman exec` on Podman (the same Engine API call).
    tools: [`${cli} exec`],
    reason,
    async run(applet, args, timeoutMs) {
      const direct = await exec([applet, ...args], timeoutMs);
      return direct.missing ? exec(['busybox', applet, ...args], timeoutMs) : direct;
    },
    async readFile(file) {
      const result = await exec(['cat', '--', file], 5_000, CONTAINER_FILE_MAX_BYTES);
      return result.code === 0 || result.truncated ? result.output : undefined;
    },
  };
}
