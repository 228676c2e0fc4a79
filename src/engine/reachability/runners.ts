/**
 * Where the observation's tools run, as the labs run them: inside A's network namespace.
 *  - `nsenter`: local engine, root: the host's busybox inside /proc/<pid>/ns/net, whatever A's image holds;
 *  - `hostNamespace`: the host itself (or a host-mode container): the host's busybox, no nsenter;
 *  - `dockerExec`: otherwise, A's own tools through the Engine API's exec (when A has them).
 * Argument arrays only, bounded by timeouts; never a shell string.
 */
import { execFile } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import type { EngineTarget } from '../../model/connectionResolution';
import type { ObservationMethod } from '../../model/reachability/types';
import { dockerodeOptions } from '../connection';

export interface RunResult {
  /** Exit code; null when the tool could not be started or was killed by the timeout. */
  code: number | null;
  output: string;
  /** The tool is not there (not on the host, not in the image). */
  missing?: boolean;
}

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

/** A's own tools through `docker exec` (the Engine API), for remote engines and users without root. */
export function dockerExecRunner(target: EngineTarget, containerId: string): NamespaceRunner {
  const docker = new Docker(dockerodeOptions(target, 15_000));
  const exec = (argv: string[], timeoutMs: number) => execInContainer(docker, containerId, argv, timeoutMs);
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

async function execInContainer(docker: Docker, containerId: string, argv: string[], timeoutMs: number): Promise<RunResult> {
  try {
    const exec = await docker.getContainer(containerId).exec({ Cmd: argv, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (chunk: Buffer) => chunks.push(chunk));
    docker.modem.demuxStream(stream, sink, sink);
    const ended = await Promise.race([
      new Promise<boolean>((resolve) => {
        stream.on('end', () => resolve(true));
        stream.on('close', () => resolve(true));
        stream.on('error', () => resolve(true));
      }),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs)),
    ]);
    if (!ended) {
      stream.destroy();
      return { code: null, output: 'timeout' };
    }
    const inspected = await exec.inspect();
    const output = Buffer.concat(chunks).toString('utf8').trim();
    const code = inspected.ExitCode ?? null;
    return { code, output, missing: code === 126 || code === 127 || /executable file not found|no such file or directory/i.test(output) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { code: null, output: message, missing: /executable file not found|no such file or directory/i.test(message) };
  }
}
