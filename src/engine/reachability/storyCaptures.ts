/**
 * The packet story's captures (local engine, root): one tcpdump per hop, started and listening
 * before the probes are sent, stopped (SIGINT) once they are done, counted by tcpdump's own closing
 * line. tcpdump and nsenter are the host's (systemTool, absolute paths), argument arrays only; the
 * container namespaces entered were proved to be the engine's (localProof) by the caller, and the
 * filter is built from checked addresses (storyFilter). Nothing is written: `-w /dev/null`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { parseCaptureCounts } from '../../model/capture/tcpdumpOutput';
import type { StoryPoint } from '../../model/reachability/packetStory';

/** Where a point's capture runs: the namespace file to enter (none: the host's own namespace). */
export interface StoryCapturePoint extends StoryPoint {
  netnsFile?: string;
}

export interface StoryTools {
  tcpdump: string;
  nsenter: string;
}

interface Running {
  point: StoryCapturePoint;
  child: ChildProcess;
  stderr: string;
  exited: Promise<void>;
}

/** How long a capture may take to start listening; a hop that does not is left uncounted. */
const LISTEN_TIMEOUT_MS = 3_000;
/** Time for the last probe's packets to cross every hop before the captures stop. */
const SETTLE_MS = 250;
const STOP_TIMEOUT_MS = 2_000;

export interface StoryCaptures {
  /** Stops every capture and returns the counts by point key (points whose capture failed are absent). */
  finish(): Promise<Map<string, number>>;
}

/** Starts one capture per point and resolves once every one listens (or gave up). */
export async function startStoryCaptures(points: readonly StoryCapturePoint[], filter: string, tools: StoryTools): Promise<StoryCaptures> {
  const running = points.map((point) => startOne(point, filter, tools));
  await Promise.all(running.map((capture) => listening(capture)));
  return {
    finish: async () => {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      await Promise.all(running.map((capture) => stop(capture)));
      const counts = new Map<string, number>();
      for (const capture of running) {
        const count = parseCaptureCounts(capture.stderr)?.captured;
        if (count !== undefined) {
          counts.set(capture.point.key, count);
        }
      }
      return counts;
    },
  };
}

function startOne(point: StoryCapturePoint, filter: string, tools: StoryTools): Running {
  // --immediate-mode: each packet handed over (and counted) as it comes, not when the ring's block
  // times out (TPACKET_V3 holds a packet up to a second); promiscuous (the default) so a bridge sees the frames it forwards.
  const tcpdumpArgs = ['-i', point.interface, '-nn', '--immediate-mode', '-U', '-w', '/dev/null', '--', filter];
  const [file, args] = point.netnsFile ? [tools.nsenter, [`--net=${point.netnsFile}`, '--', tools.tcpdump, ...tcpdumpArgs]] : [tools.tcpdump, tcpdumpArgs];
  const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const capture: Running = { point, child, stderr: '', exited: Promise.resolve() };
  capture.exited = new Promise((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => resolve());
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    // Only the first lines and the closing counts matter: keep it bounded.
    capture.stderr = (capture.stderr + chunk).slice(-4096);
  });
  return capture;
}

function listening(capture: Running): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      capture.child.stderr?.off('data', check);
      resolve();
    };
    const check = (): void => {
      if (/listening on /.test(capture.stderr)) {
        done();
      }
    };
    const timer = setTimeout(done, LISTEN_TIMEOUT_MS);
    capture.child.stderr?.on('data', check);
    void capture.exited.then(done);
    check();
  });
}

async function stop(capture: Running): Promise<void> {
  if (capture.child.exitCode === null && capture.child.signalCode === null) {
    capture.child.kill('SIGINT');
  }
  const timer = setTimeout(() => capture.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await capture.exited;
  clearTimeout(timer);
}
