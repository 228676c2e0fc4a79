/**
 * Activation: build the services, register the views, the commands and the topology panel.
 * Nothing else happens here; everything else lives in its own module.
 */
import * as vscode from 'vscode';
import { allCommands } from './commands';
import { registerCommands } from './commands/registry';
import { resolveTarget } from './engine/connection';
import { EngineClient } from './engine/engineClient';
import { EngineSession } from './engine/engineSession';
import { ConnectionResolutionError, EngineTarget } from './model/connectionResolution';
import type { EngineSnapshot } from './model/dockerTypes';
import { buildInventory, Inventory } from './model/inventory';
import { containerNode, networkNode, TreeFilter, TreeNode } from './model/treeModel';
import type { RevealTarget, Services } from './services';
import { registerTopology } from './topology/register';
import { DockerTreeProvider } from './views/dockerTreeProvider';
import { INSPECT_SCHEME, InspectDocumentProvider } from './views/inspectDocuments';

/** What activate() returns: used by the extension-host tests, not a public API. */
export interface ExtensionTestApi {
  services: Services;
  networksTree: DockerTreeProvider;
  containersTree: DockerTreeProvider;
}

function configuration() {
  const config = vscode.workspace.getConfiguration('dockerNetworks');
  return {
    dockerHost: config.get<string>('dockerHost', ''),
    debounceMs: config.get<number>('eventDebounceMs', 150),
    timeoutMs: config.get<number>('requestTimeoutMs', 5000),
    showStopped: config.get<boolean>('showStoppedContainers', true),
  };
}

/** An engine target that cannot be resolved still yields a session, which reports the cause. */
function targetFor(dockerHost: string, contextOverride: string | undefined): { target: EngineTarget; error?: ConnectionResolutionError } {
  try {
    return { target: resolveTarget(dockerHost, contextOverride) };
  } catch (error) {
    if (error instanceof ConnectionResolutionError) {
      return {
        target: { source: 'setting', contextName: contextOverride ?? 'default', host: error.detail, protocol: 'unix', socketPath: '/nonexistent' },
        error,
      };
    }
    throw error;
  }
}

export function activate(context: vscode.ExtensionContext): ExtensionTestApi {
  const log = vscode.window.createOutputChannel('Docker Network Explorer', { log: true });
  context.subscriptions.push(log);

  let contextOverride: string | undefined = context.workspaceState.get<string>('dockerNetworks.context');
  let session: EngineSession;
  let inventoryCache: { snapshot: EngineSnapshot; inventory: Inventory } | undefined;
  const sessionChanged = new vscode.EventEmitter<EngineSession>();
  context.subscriptions.push(sessionChanged);

  const inventory = (): Inventory | undefined => {
    const snapshot = session.snapshot;
    if (!snapshot) {
      return undefined;
    }
    if (inventoryCache?.snapshot !== snapshot) {
      inventoryCache = { snapshot, inventory: buildInventory(snapshot) };
    }
    return inventoryCache.inventory;
  };
  const filter = (): TreeFilter => ({ showStoppedContainers: configuration().showStopped });

  const networksTree = new DockerTreeProvider('networks', () => session, inventory, filter);
  const containersTree = new DockerTreeProvider('containers', () => session, inventory, filter);
  const networksView = vscode.window.createTreeView('dockerNetworks.networks', { treeDataProvider: networksTree, showCollapseAll: true, canSelectMany: true });
  const containersView = vscode.window.createTreeView('dockerNetworks.containers', { treeDataProvider: containersTree, showCollapseAll: true, canSelectMany: true });
  context.subscriptions.push(networksTree, containersTree, networksView, containersView);

  let sessionListener: vscode.Disposable | undefined;
  const showState = () => {
    const state = session.state;
    void vscode.commands.executeCommand('setContext', 'dockerNetworks.state', state.kind);
    void vscode.commands.executeCommand('setContext', 'dockerNetworks.unreachableCause', state.kind === 'unreachable' ? state.cause : '');
    const target = session.target;
    // Short enough for the view header: the context name, or the socket/host without its scheme.
    const where = target.source === 'context' ? target.contextName : target.host.replace(/^unix:\/\//, '');
    const description = state.kind === 'connected' ? `${where} · Docker ${state.engineVersion ?? '?'}` : where;
    networksView.description = description;
    containersView.description = description;
    // No TreeView.message here: a view with a message hides its welcome content (the cause and
    // the Retry button). The raw error goes to the log instead.
    networksTree.refresh();
    containersTree.refresh();
  };

  const startSession = (): void => {
    const config = configuration();
    const { target, error } = targetFor(config.dockerHost, contextOverride);
    session = new EngineSession(new EngineClient(target, config.timeoutMs), {
      debounceMs: config.debounceMs,
      log: (message) => log.info(message),
    });
    inventoryCache = undefined;
    sessionListener = session.onDidChange(showState);
    log.info(`engine: ${target.host} (from ${target.source}${target.source === 'context' ? ` "${target.contextName}"` : ''})`);
    if (error) {
      // Show the resolution failure through the same welcome view as any other unreachable engine.
      session.reportResolutionFailure(error);
    } else {
      void session.start();
    }
    showState();
    sessionChanged.fire(session);
  };

  const restartSession = () => {
    sessionListener?.dispose();
    session.dispose();
    void vscode.commands.executeCommand('setContext', 'dockerNetworks.state', 'connecting');
    startSession();
  };

  startSession();
  context.subscriptions.push({
    dispose: () => {
      sessionListener?.dispose();
      session.dispose();
    },
  });

  const reveal = async (target: RevealTarget) => {
    const current = inventory();
    if (!current) {
      return;
    }
    let node: TreeNode | undefined;
    if (target.kind === 'network') {
      const network = current.networkById.get(target.id) ?? current.networks.find((n) => n.name === target.id);
      node = network && networkNode(network);
      if (node) {
        await networksView.reveal(node, { select: true, focus: true, expand: true });
      }
    } else {
      const container = current.containerById.get(target.id) ?? current.containers.find((c) => c.name === target.id);
      node = container && containerNode(container);
      if (node) {
        await containersView.reveal(node, { select: true, focus: true, expand: true });
      }
    }
  };

  const services: Services = {
    context,
    log,
    get session() {
      return session;
    },
    onDidChangeSession: sessionChanged.event,
    inventory,
    refreshNow: () => session.refresh(),
    revealInTree: reveal,
    switchContext: async (contextName) => {
      contextOverride = contextName;
      await context.workspaceState.update('dockerNetworks.context', contextName);
      restartSession();
    },
  };

  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, new InspectDocumentProvider(() => session)),
    ...registerCommands(services, allCommands),
    ...registerTopology(services),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('dockerNetworks.dockerHost') || event.affectsConfiguration('dockerNetworks.requestTimeoutMs') || event.affectsConfiguration('dockerNetworks.eventDebounceMs')) {
        restartSession();
      } else if (event.affectsConfiguration('dockerNetworks.showStoppedContainers')) {
        networksTree.refresh();
        containersTree.refresh();
      }
    }),
  );

  return { services, networksTree, containersTree };
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
