/**
 * Activation: build the services, register the views, the commands and the topology panel.
 * Nothing else happens here; everything else lives in its own module.
 */
import * as vscode from 'vscode';
import { allCommands } from './commands';
import { registerCommands } from './commands/registry';
import type { Services } from './services';
import { safeLog } from './safeLog';
import { SessionManager } from './session/sessionManager';
import { createServices } from './engineServices';
import { registerTopology } from './topologyPanel/register';
import { type TopologyPanel, TopologyPanels } from './topologyPanel/topologyPanel';
import type { DockerTreeProvider } from './views/dockerTreeProvider';
import { INSPECT_SCHEME, InspectDocumentProvider } from './views/inspectDocuments';
import { ReachDocuments } from './views/reachDocuments';
import { TREE_SETTINGS, TreeViews } from './views/treeViews';
import { disposeAllCaptureViews } from './capturePanel/capturePanel';
import { stopAllLocalCaptures } from './engine/capture/localCapture';

/** What activate() returns: used by the extension-host tests, not a public API. */
export interface ExtensionTestApi {
  services: Services;
  networksTree: DockerTreeProvider;
  containersTree: DockerTreeProvider;
  /** The open topology panel, if any. */
  topologyPanel(): TopologyPanel | undefined;
  /** The views' header description (which engine, TLS warning). */
  viewDescription(): string | undefined;
}

/** Set by the bundle's first line (scripts/build.mjs, banner); absent when the tests load tsc's output. */
declare const __dneBundleStartedAt: number | undefined;
const bundleStartedAt = typeof __dneBundleStartedAt === 'number' ? __dneBundleStartedAt : undefined;
/** When this module's own code ran: the bundle's modules before it are loaded. */
const loadedAt = performance.now();

export function activate(context: vscode.ExtensionContext): ExtensionTestApi {
  const activationStarted = performance.now();
  const channel = vscode.window.createOutputChannel('Docker Network Explorer', { log: true });
  // Every message on its way in: hosts masked, one printable line, capped (safeLog.ts).
  const log = safeLog(channel);
  const sessions = new SessionManager(context, log);
  const reachReports = new ReachDocuments();
  const trees = new TreeViews(() => sessions.engines);
  context.subscriptions.push(channel, sessions, reachReports, trees, sessions.onDidChange((entry) => trees.showState(entry)), sessions.onDidChangeSession(() => trees.refresh()));
  sessions.start();

  const panels = new TopologyPanels();
  const services = createServices(context, log, sessions, trees, reachReports, panels);

  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, new InspectDocumentProvider((key) => (key && sessions.engine(key)?.session) || sessions.session)),
    ...registerCommands(services, allCommands),
    ...registerTopology(services, panels),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!sessions.restartOnConnectionSettings(event) && TREE_SETTINGS.some((key) => event.affectsConfiguration(key))) {
        trees.refresh();
      }
    }),
  );

  // Read by the benchmark from the log (the extension host's own timing, not the workbench's).
  // Our cost is loading the bundle plus activate(); between the two the extension host prepares the
  // extension's context (its storage, read from the workbench), which is the host's time, not ours.
  const activated = performance.now();
  const loading = bundleStartedAt === undefined ? 'the bundle not timed' : `loading the bundle: ${Math.round(loadedAt - bundleStartedAt)} ms`;
  log.info(`activated in ${Math.round(activated - activationStarted)} ms (${loading}; the extension host between the two: ${Math.round(activationStarted - loadedAt)} ms)`);
  return { services, networksTree: trees.networksTree, containersTree: trees.containersTree, topologyPanel: () => panels.current, viewDescription: () => trees.description };
}

export async function deactivate(): Promise<void> {
  // Everything else is owned by context.subscriptions. Captures: close their views and stop every
  // tcpdump we started (SIGINT, then its counts), so none outlives the extension host.
  disposeAllCaptureViews();
  await stopAllLocalCaptures();
}
