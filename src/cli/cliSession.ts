/**
 * The one-shot engine session every command of the command line runs in (diagram, traffic, reach,
 * capture): the engine the options name, a session that reads it once (no events watched), the
 * panel's topology source over it, and everything disposed when the command is done, whatever it
 * did. One place, so the commands connect, time out, ask SSH questions and fail alike.
 */
import { resolveTarget } from '../engine/connection';
import { EngineClient } from '../engine/engineClient';
import { EngineSession } from '../engine/engineSession';
import { TopologySource } from '../engine/topologySource';
import type { Inventory } from '../model/inventory';
import type { TlsFailure } from '../model/tlsFailure';
import type { UnreachableCause } from '../model/engineErrors';
import { cliSshPrompts } from './terminalSshPrompts';

/** The engine could not be reached: the session's classified cause and the raw detail. */
export class EngineUnreachable extends Error {
  constructor(
    readonly reason: UnreachableCause,
    readonly detail: string,
    /** The TLS check that refused the connection, when one did. */
    readonly tls?: TlsFailure,
  ) {
    super(detail);
  }
}

/** A started session that answered: its client, the session, its first inventory and the topology source. */
export interface CliSession {
  readonly client: EngineClient;
  readonly session: EngineSession;
  readonly inventory: Inventory;
  readonly topology: TopologySource;
}

/** How long one engine request may take on the command line before the engine counts as not answering. */
const CLI_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Starts a session on the engine `--host` / `--context` name (the environment's otherwise), runs
 * `use` with it once the engine answered, and disposes the topology source, the session and the
 * client afterwards. Throws EngineUnreachable (before `use`) when the engine does not answer.
 */
export async function withCliSession<T>(options: { host?: string; context?: string }, use: (cli: CliSession) => Promise<T>): Promise<T> {
  const client = new EngineClient(resolveTarget(options.host, options.context), CLI_REQUEST_TIMEOUT_MS, { sshPrompts: cliSshPrompts() });
  const session = new EngineSession(client, { debounceMs: 0, watch: false });
  // Made before the start: its change tracker follows the session's container events from the first.
  const topology = new TopologySource(session);
  try {
    await session.start();
    const inventory = session.inventory;
    if (!inventory) {
      const state = session.state;
      throw state.kind === 'unreachable' ? new EngineUnreachable(state.cause, state.detail, state.tls) : new EngineUnreachable('other', 'no answer');
    }
    return await use({ client, session, inventory, topology });
  } finally {
    topology.dispose();
    session.dispose();
    client.dispose();
  }
}
