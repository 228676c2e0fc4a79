/**
 * Watches the host's interfaces and addresses: `ip -o monitor link address` as a child process
 * (spawn with an argument array, never a shell). The engine's events do not tell of a veth added by
 * hand (the labs do it); this does. Changes are debounced into one "host changed" event carrying the
 * interface names seen, so a panel can re-probe the host side and redraw. `-j` is accepted by
 * `ip monitor` but ignored (iproute2 6.1 prints text), so the one-line text form (`-o`) is parsed.
 * No child at all when the engine is not on this Linux machine. No `vscode` here.
 */
import { Debouncer } from '../common/debounce';
import { ChildProcess, spawn } from 'node:child_process';
import { SYSTEM_TOOL_DIRS, systemToolSync } from './systemTools';

export interface HostInterfaceChange {
  /** Interface names the monitor reported during the debounce window (sorted, unique). */
  names: string[];
  /** When the last of these changes was seen (Date.now()): a probe begun after it already saw it. */
  lastSeenAt: number;
}

export interface HostInterfaceWatcherOptions {
  /** The engine runs on this machine: only then are its interfaces the host's. */
  local: boolean;
  /** Delay from the first change of a burst to the one event that reports it (default 250 ms). */
  debounceMs?: number;
  /** The `ip` command (default: the system folders' `ip`, never one found through PATH). */
  ip?: string;
  platform?: NodeJS.Platform;
}

export interface Disposable {
  dispose(): void;
}

/** The interface name of one line of `ip -o monitor link address`, if it names one. */
export function interfaceNameOfMonitorLine(line: string): string | undefined {
  // "2284: dnepB@NONE: <BROADCAST,…>", "Deleted 2285: dnepA@dnepB: …", "2276: br-eae66e5a256b    inet 172.26.0.1/16 …"
  const trimmed = line.trim();
  const match = /^(?:Deleted\s+)?(?:\[[A-Z]+\]\s+)?\d+:\s+([^\s:@]+)/.exec(trimmed);
  // A bridge port's own notification (AF_BRIDGE, the link line without a qdisc) repeats what the
  // interface's link message says, and comes once more by itself when the port's state settles,
  // about 15 s after a veth joined its bridge: nothing to draw again.
  if (match && /^[^<]*<[^>]*>/.test(trimmed) && !/\sqdisc\s/.test(trimmed)) {
    return undefined;
  }
  return match?.[1];
}

export class HostInterfaceWatcher implements Disposable {
  private child: ChildProcess | undefined;
  private readonly listeners = new Set<(change: HostInterfaceChange) => void>();
  private pending = new Set<string>();
  private lastSeenAt = 0;
  /** Emits debounceMs after the first change of a burst (coalesce, not postpone). */
  private readonly burst: Debouncer;
  private buffer = '';
  private disposed = false;
  /** Why the monitor is not running (no `ip`, it exited), if it stopped on its own. */
  lastError: string | undefined;

  constructor(private readonly options: HostInterfaceWatcherOptions) {
    this.burst = new Debouncer(() => this.emit(), options.debounceMs ?? 250);
    if (options.local && (options.platform ?? process.platform) === 'linux') {
      this.start();
    }
  }

  /** The monitor's process id, while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  onDidChange(listener: (change: HostInterfaceChange) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  dispose(): void {
    this.disposed = true;
    this.burst.dispose();
    this.listeners.clear();
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
    }
  }

  private start(): void {
    // By absolute path in the system folders, never through PATH (the extension may run as root).
    const ip = this.options.ip ?? systemToolSync('ip');
    if (!ip) {
      this.lastError = `no ip tool in ${SYSTEM_TOOL_DIRS.join(', ')}`;
      return;
    }
    const child = spawn(ip, ['-o', 'monitor', 'link', 'address'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => this.onData(chunk));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.lastError = chunk.trim() || this.lastError;
    });
    child.on('error', (error) => {
      this.lastError = error.message;
      this.child = undefined;
    });
    child.on('exit', (code, signal) => {
      if (!this.disposed) {
        this.lastError = this.lastError ?? `ip monitor exited (${signal ?? code})`;
      }
      if (this.child === child) {
        this.child = undefined;
      }
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop() ?? '';
    for (const line of lines) {
      const name = interfaceNameOfMonitorLine(line);
      if (name) {
        this.pending.add(name);
        this.lastSeenAt = Date.now();
      }
    }
    // Emitted debounceMs after the first change of a burst (not reset by later ones): a host that
    // never stops changing (another lab running) still gets its events.
    if (this.pending.size > 0 && !this.disposed) {
      this.burst.scheduleIfIdle();
    }
  }

  private emit(): void {
    const change = { names: [...this.pending].sort(), lastSeenAt: this.lastSeenAt };
    this.pending = new Set();
    for (const listener of [...this.listeners]) {
      listener(change);
    }
  }
}
