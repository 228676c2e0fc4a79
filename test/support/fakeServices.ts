/**
 * The `Services` the commands receive, for unit tests on the VS Code fake: a real EngineSession
 * (not watching: no event stream, no timers) on the fake engine fed from recorded fixtures, an
 * in-memory extension context, a log that keeps its lines, and records of what the commands asked
 * of the extension (refreshes, reveals, context switches). Import test/support/vscodeFake first.
 */
import type * as vscode from 'vscode';
import { EngineSession } from '../../src/engine/engineSession';
import { TopologySource } from '../../src/engine/topologySource';
import type { TopologyScope } from '../../src/model/topology/types';
import type { RevealTarget } from '../../src/model/revealTarget';
import type { TreeFilter, TreeKind } from '../../src/model/treeModel';
import type { Services } from '../../src/services';
import type { EngineEntry } from '../../src/session/sessionManager';
import { DockerTreeProvider, ViewNode } from '../../src/views/dockerTreeProvider';
import { FakeEngine } from './fakeEngine';
import { loadFixture, RecordedFixture } from './fixtures';
import { EventEmitter, FakeMemento, Uri } from './vscodeFake';

export interface ServicesHarness {
  services: Services;
  engine: FakeEngine;
  session: EngineSession;
  /** Every line logged, as `level message`. */
  log: string[];
  revealed: RevealTarget[];
  refreshes: number;
  switchedTo: (string | undefined)[];
  /** The scopes commands asked the topology panel to show (undefined: the whole host). */
  topologyShown: (TopologyScope | undefined)[];
  dispose(): void;
}

function recordingLog(lines: string[]): vscode.LogOutputChannel {
  const write = (level: string) => (message: string | Error, ...args: unknown[]) => {
    lines.push([level, message instanceof Error ? message.message : message, ...args.map(String)].join(' '));
  };
  return {
    name: 'Docker Networks',
    logLevel: 2,
    onDidChangeLogLevel: new EventEmitter<number>().event,
    trace: write('trace'),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    append: write('append'),
    appendLine: write('line'),
    replace: write('replace'),
    clear: () => undefined,
    show: () => undefined,
    hide: () => undefined,
    dispose: () => undefined,
  } as unknown as vscode.LogOutputChannel;
}

function fakeContext(): vscode.ExtensionContext {
  const extensionUri = Uri.file('/fake/extension');
  return {
    subscriptions: [],
    globalState: new FakeMemento(),
    workspaceState: new FakeMemento(),
    extensionUri,
    extensionPath: extensionUri.path,
    globalStorageUri: Uri.file('/fake/global-storage'),
    logUri: Uri.file('/fake/log'),
    asAbsolutePath: (relative: string) => `${extensionUri.path}/${relative}`,
  } as unknown as vscode.ExtensionContext;
}

/** A session on the fake engine, connected and with its inventory built. */
export async function openSession(engine: FakeEngine): Promise<EngineSession> {
  const session = new EngineSession(engine, { debounceMs: 0, watch: false, swarmPollMs: 0, eventCheckMs: 0, platform: 'linux', localHostName: 'fake-host' });
  await session.start();
  if (session.state.kind !== 'connected') throw new Error(`the fake engine's session did not connect: ${JSON.stringify(session.state)}`);
  return session;
}

/** Services on one engine (the fixture's); `several` lists engines when a test needs several. */
export async function fakeServices(fixture: RecordedFixture = loadFixture(), engine = new FakeEngine(fixture)): Promise<ServicesHarness> {
  const session = await openSession(engine);
  let nameFilter: string | undefined;
  const harness: ServicesHarness = {
    engine,
    session,
    log: [],
    revealed: [],
    refreshes: 0,
    switchedTo: [],
    topologyShown: [],
    services: undefined as unknown as Services,
    dispose: () => session.dispose(),
  };
  const services: Services = {
    context: fakeContext(),
    log: recordingLog(harness.log),
    session,
    onDidChangeSession: new EventEmitter<EngineSession>().event,
    inventory: () => session.inventory,
    refreshNow: async () => {
      harness.refreshes++;
      await session.refresh();
    },
    revealInTree: async (target) => {
      harness.revealed.push(target);
    },
    nameFilter: { get: () => nameFilter, set: (text) => (nameFilter = text) },
    reachReports: undefined as unknown as Services['reachReports'],
    switchContext: async (contextName) => {
      harness.switchedTo.push(contextName);
    },
    severalEngines: () => [] as readonly EngineEntry[],
    forEngine: () => services,
    topologySource: new TopologySource(session),
    // No webview here: a command that opens the panel records the scope it asked for.
    topologyPanel: {
      show: (scope) => {
        harness.topologyShown.push(scope);
        return { highlightPath: () => undefined };
      },
      activeEngine: () => undefined,
      captureTargetAt: () => undefined,
    },
  };
  harness.services = services;
  return harness;
}

/** The engine entry the tree providers read (one engine). */
export function engineEntry(session: EngineSession, key = 'default', label = 'default'): EngineEntry {
  return { key, label, session, client: session.client as unknown as EngineEntry['client'], topology: new TopologySource(session) };
}

/** A tree provider on the session, and the rows as the user reads them (label path -> node and item). */
export function treeOf(session: EngineSession, kind: TreeKind, filter: TreeFilter = { showStoppedContainers: true, showPredefinedNetworks: true }) {
  // One entry for the provider's lifetime: each entry holds a topology source listening to the session.
  const entry = engineEntry(session);
  const provider = new DockerTreeProvider(kind, () => [entry], () => filter);
  const labelOf = (item: vscode.TreeItem) => (typeof item.label === 'string' ? item.label : item.label?.label ?? '');
  /** The node at this label path (the first of each name), with its TreeItem. */
  const find = async (...labels: string[]): Promise<{ node: ViewNode; item: vscode.TreeItem }> => {
    let parent: ViewNode | undefined;
    let found: { node: ViewNode; item: vscode.TreeItem } | undefined;
    for (const label of labels) {
      const rows = await Promise.all((await provider.getChildren(parent)).map(async (node) => ({ node, item: provider.getTreeItem(node) })));
      found = rows.find((row) => labelOf(row.item) === label);
      if (!found) throw new Error(`no row "${label}" under ${JSON.stringify(labels)}; rows: ${rows.map((row) => labelOf(row.item)).join(', ')}`);
      parent = found.node;
    }
    return found!;
  };
  /** The labels of the rows under this path (the roots without one). */
  const labels = async (...path: string[]): Promise<string[]> => {
    const parent = path.length > 0 ? (await find(...path)).node : undefined;
    return (await provider.getChildren(parent)).map((node) => labelOf(provider.getTreeItem(node)));
  };
  return { provider, find, labels };
}
