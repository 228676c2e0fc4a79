/**
 * Owns the session of the engine the views show: reads the settings, resolves the engine target
 * (setting, DOCKER_HOST, docker context, default sockets), starts the session and replaces it when
 * the user switches context or changes a connection setting. Glue: the session itself is pure
 * Node (src/engine/engineSession.ts).
 */
import * as vscode from 'vscode';
import { resolveTarget } from './engine/connection';
import { EngineClient } from './engine/engineClient';
import { EngineSession } from './engine/engineSession';
import { tlsFailureMessage } from './commands/tlsErrorMessages';
import { ConnectionResolutionError, EngineTarget } from './model/connectionResolution';
import { displayHost } from './model/displayHost';
import { forgetSshAnswers, vscodeSshPrompts } from './views/sshPrompts';

const CONTEXT_KEY = 'dockerNetworks.context';
/** Settings whose change needs a new session (a new connection). */
const CONNECTION_SETTINGS = ['dockerNetworks.dockerHost', 'dockerNetworks.requestTimeoutMs', 'dockerNetworks.eventDebounceMs'];

export function settings() {
  const config = vscode.workspace.getConfiguration('dockerNetworks');
  return {
    dockerHost: config.get<string>('dockerHost', ''),
    debounceMs: config.get<number>('eventDebounceMs', 150),
    timeoutMs: config.get<number>('requestTimeoutMs', 5000),
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
  private sessionValue!: EngineSession;
  private client: EngineClient | undefined;
  private sessionListener: { dispose(): void } | undefined;
  private contextOverride: string | undefined;
  private readonly tlsNoticeShown = new WeakMap<EngineSession, string>();
  private readonly sessionChanged = new vscode.EventEmitter<EngineSession>();
  private readonly stateChanged = new vscode.EventEmitter<EngineSession>();
  /** Fires when the session is replaced (switch context, settings change). */
  readonly onDidChangeSession = this.sessionChanged.event;
  /** Fires after every refresh or state change of the current session. */
  readonly onDidChange = this.stateChanged.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.contextOverride = context.workspaceState.get<string>(CONTEXT_KEY);
  }

  get session(): EngineSession {
    return this.sessionValue;
  }

  start(): void {
    const config = settings();
    const { target, error } = targetFor(config.dockerHost, this.contextOverride);
    // An ssh:// engine asks through VS Code (unknown host key, passphrase) and says why it failed.
    this.client = new EngineClient(target, config.timeoutMs, { sshPrompts: vscodeSshPrompts });
    const session = new EngineSession(this.client, {
      debounceMs: config.debounceMs,
      log: (message) => this.log.info(message),
    });
    this.sessionValue = session;
    this.sessionListener = session.onDidChange(() => {
      this.noticeTlsFailure(session);
      this.stateChanged.fire(session);
    });
    this.log.info(`engine: ${displayHost(target.host)} (from ${target.source}${target.source === 'context' ? ` "${target.contextName}"` : ''})`);
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
    this.stateChanged.fire(session);
    this.sessionChanged.fire(session);
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

  /** A new session when a connection setting changes; true when it did. */
  restartOnConnectionSettings(event: vscode.ConfigurationChangeEvent): boolean {
    if (CONNECTION_SETTINGS.some((setting) => event.affectsConfiguration(setting))) {
      this.restart();
      return true;
    }
    return false;
  }

  private stopCurrent(): void {
    this.sessionListener?.dispose();
    this.sessionValue?.dispose();
    this.client?.dispose();
  }

  dispose(): void {
    this.stopCurrent();
    this.sessionChanged.dispose();
    this.stateChanged.dispose();
  }
}
