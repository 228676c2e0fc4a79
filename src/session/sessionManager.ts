/**
 * Owns the sessions of the engines the views show: reads the settings, resolves each engine target
 * (setting, DOCKER_HOST, docker context, default sockets), starts the sessions and replaces them
 * when the user switches context or changes a connection setting. With `dockerNetworks.engines`
 * empty there is one engine (the resolved one, as before); with several entries, one session per
 * entry, each with its own connection state, events and retry. Glue: the session itself is pure
 * Node (src/engine/engineSession.ts).
 */
import * as vscode from 'vscode';
import { describeTargetOrigin, resolveTarget } from '../engine/connection';
import { EngineClient } from '../engine/engineClient';
import { EngineSession } from '../engine/engineSession';
import { swarmNodeLookup, TopologySource } from '../engine/topologySource';
import { tlsFailureMessage } from '../messages/tlsErrorMessages';
import { ConnectionResolutionError, EngineTarget } from '../model/connectionResolution';
import { displayHost } from '../model/displayHost';
import { EngineSpec, engineLabel, parseEngineEntries } from '../model/engines';
import { forgetSshAnswers, vscodeSshPrompts } from './vscodeSshPrompts';
import { applyKeptObservationConsent } from './vscodeHelperObservation';

/**
 * One engine the views show: its key (a hash of the setting's entry, see engineKey, or "default"),
 * its label, its session, and the session's topology source (shared by the panel and the doctor).
 */
export interface EngineEntry {
  readonly key: string;
  readonly label: string;
  readonly session: EngineSession;
  readonly client: EngineClient;
  readonly topology: TopologySource;
}

const CONTEXT_KEY = 'dockerNetworks.context';
/** Settings whose change needs a new session (a new connection). */
const CONNECTION_SETTINGS = ['dockerNetworks.dockerHost', 'dockerNetworks.engines', 'dockerNetworks.requestTimeoutMs', 'dockerNetworks.eventDebounceMs'];

export function settings() {
  const config = vscode.workspace.getConfiguration('dockerNetworks');
  return {
    dockerHost: config.get<string>('dockerHost', ''),
    debounceMs: config.get<number>('eventDebounceMs', 50),
    timeoutMs: config.get<number>('requestTimeoutMs', 5000),
    engines: parseEngineEntries(config.get<unknown>('engines', [])),
  };
}

/** An engine target that cannot be resolved still yields a session, which reports the cause. */
function targetFor(dockerHost: string, contextOverride: string | undefined): { target: EngineTarget; error?: ConnectionResolutionError } {
  try {
    return { target: resolveTarget(dockerHost, contextOverride) };
  } catch (error) {
    if (error instanceof ConnectionResolutionError) {
      return {
        target: { source: 'setting', contextName: contextOverride ?? 'default', host: error.host ?? error.detail, protocol: 'unix', socketPath: '/nonexistent' },
        error,
      };
    }
    throw error;
  }
}

export class SessionManager implements vscode.Disposable {
  private entries: EngineEntry[] = [];
  private listeners: { dispose(): void }[] = [];
  private contextOverride: string | undefined;
  private readonly tlsNoticeShown = new WeakMap<EngineSession, string>();
  private readonly sessionChanged = new vscode.EventEmitter<EngineSession>();
  private readonly stateChanged = new vscode.EventEmitter<EngineEntry>();
  /** Fires when the sessions are replaced (switch context, settings change), with the first one. */
  readonly onDidChangeSession = this.sessionChanged.event;
  /** Fires after every refresh or state change of one engine's session. */
  readonly onDidChange = this.stateChanged.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.contextOverride = context.workspaceState.get<string>(CONTEXT_KEY);
  }

  /** The first engine's session (the only one unless several engines are configured). */
  get session(): EngineSession {
    return this.entries[0].session;
  }

  /** Every engine shown, in the setting's order. */
  get engines(): readonly EngineEntry[] {
    return this.entries;
  }

  /** Whether the trees show one root per engine. */
  get several(): boolean {
    return this.entries.length > 1;
  }

  engine(key: string): EngineEntry | undefined {
    return this.entries.find((entry) => entry.key === key);
  }

  start(): void {
    const config = settings();
    // One configured engine, or none: a single engine as before (Switch Engine Context still applies).
    const specs: (EngineSpec | undefined)[] = config.engines.length > 1 ? config.engines : [this.contextOverride ? undefined : config.engines[0]];
    this.entries = specs.map((spec) => this.startEngine(spec, config));
    // A swarm manager draws each other node from the engine configured for it, when there is one.
    for (const entry of this.entries) {
      entry.topology.useSwarmNodes(swarmNodeLookup(() => this.entries.map((each) => each.topology), entry.topology));
    }
    for (const entry of this.entries) {
      this.stateChanged.fire(entry);
    }
    this.sessionChanged.fire(this.session);
  }

  private startEngine(spec: EngineSpec | undefined, config: ReturnType<typeof settings>): EngineEntry {
    const resolved =
      spec === undefined ? targetFor(config.dockerHost, this.contextOverride) : spec.kind === 'host' ? targetFor(spec.value, undefined) : targetFor('', spec.value);
    const { target, error } = resolved;
    // An ssh:// engine asks through VS Code (unknown host key, passphrase) and says why it failed.
    const client = new EngineClient(target, config.timeoutMs, { sshPrompts: vscodeSshPrompts });
    const session = new EngineSession(client, {
      debounceMs: config.debounceMs,
      log: (message) => this.log.info(spec ? `[${engineLabel(spec)}] ${message}` : message),
    });
    const entry: EngineEntry = { key: spec?.key ?? 'default', label: spec ? engineLabel(spec) : target.contextName, session, client, topology: new TopologySource(session) };
    // An engine the user answered Always for (Observe Through a Helper Container…) is observed so from the start.
    applyKeptObservationConsent(this.context, this.log, client, entry.topology, session);
    this.listeners.push(
      session.onDidChange(() => {
        this.noticeTlsFailure(session);
        this.stateChanged.fire(entry);
      }),
    );
    this.log.info(`engine: ${displayHost(target.host)} (${describeTargetOrigin(target)})`);
    if (target.tls?.verify === false) {
      this.log.warn(`TLS not verified: the certificate of ${displayHost(target.host)} is not checked (DOCKER_TLS without DOCKER_TLS_VERIFY, or the context's SkipTLSVerify)`);
    }
    if (error) {
      // Show the resolution failure through the same welcome view as any other unreachable engine.
      session.reportResolutionFailure(error);
      this.noticeTlsFailure(session);
    } else {
      void session.start();
    }
    return entry;
  }

  /**
   * A TLS refusal says which check failed: in the log, and once per session and check as a
   * notice (the welcome view only has room for the generic TLS advice).
   */
  private noticeTlsFailure(session: EngineSession): void {
    const state = session.state;
    if (state.kind !== 'unreachable' || !state.tls || this.tlsNoticeShown.get(session) === state.tls.check) {
      return;
    }
    this.tlsNoticeShown.set(session, state.tls.check);
    const message = tlsFailureMessage(state.tls, vscode.l10n);
    this.log.error(message);
    void vscode.window.showErrorMessage(message);
  }

  restart(): void {
    this.stopCurrent();
    forgetSshAnswers();
    void vscode.commands.executeCommand('setContext', 'dockerNetworks.state', 'connecting');
    this.start();
  }

  async switchContext(contextName: string | undefined): Promise<void> {
    this.contextOverride = contextName;
    await this.context.workspaceState.update(CONTEXT_KEY, contextName);
    this.restart();
  }

  /** New sessions when a connection setting changes; true when it did. */
  restartOnConnectionSettings(event: vscode.ConfigurationChangeEvent): boolean {
    if (CONNECTION_SETTINGS.some((setting) => event.affectsConfiguration(setting))) {
      this.restart();
      return true;
    }
    return false;
  }

  private stopCurrent(): void {
    for (const listener of this.listeners.splice(0)) {
      listener.dispose();
    }
    for (const entry of this.entries) {
      entry.topology.dispose();
      entry.session.dispose();
      entry.client.dispose();
    }
  }

  dispose(): void {
    this.stopCurrent();
    this.sessionChanged.dispose();
    this.stateChanged.dispose();
  }
}
