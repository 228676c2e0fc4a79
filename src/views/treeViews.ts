/**
 * The two tree views (Networks, Containers): their providers, the header that names the engine,
 * the context keys that pick the welcome view, and reveal. They read the session's inventory.
 */
import { engineTitle } from '../model/engineProduct';
import * as vscode from 'vscode';
import { shortHost } from '../model/displayHost';
import { onEngine } from '../model/engines';
import type { RevealTarget } from '../model/revealTarget';
import { containerNode, networkNode, shownContainers, shownNetworks, TreeFilter, TreeNode } from '../model/treeModel';
import type { EngineEntry } from '../session/sessionManager';
import { readProcNetDev } from '../probe/trafficCounters';
import { ContainerTraffic } from './containerTraffic';
import { DockerTreeProvider, ViewNode } from './dockerTreeProvider';

/** The settings that shape the trees (the view-title toggles write them). */
export const TREE_SETTINGS = ['dockerNetworks.showStoppedContainers', 'dockerNetworks.showPredefinedNetworks', 'dockerNetworks.groupByComposeProject'];

function treeSettings(): Omit<TreeFilter, 'nameFilter'> {
  const config = vscode.workspace.getConfiguration('dockerNetworks');
  return {
    showStoppedContainers: config.get<boolean>('showStoppedContainers', true),
    showPredefinedNetworks: config.get<boolean>('showPredefinedNetworks', true),
    groupByComposeProject: config.get<boolean>('groupByComposeProject', false),
  };
}

export class TreeViews implements vscode.Disposable {
  readonly networksTree: DockerTreeProvider;
  readonly containersTree: DockerTreeProvider;
  private readonly networksView: vscode.TreeView<ViewNode>;
  private readonly containersView: vscode.TreeView<ViewNode>;
  private nameFilter: string | undefined;

  constructor(private readonly getEngines: () => readonly EngineEntry[]) {
    const filter = (): TreeFilter => this.filter();
    // One reader for both trees: a container hovered in one is not read again in the other at once.
    const traffic = new ContainerTraffic((pid) => readProcNetDev(pid));
    this.networksTree = new DockerTreeProvider('networks', getEngines, filter, traffic);
    this.containersTree = new DockerTreeProvider('containers', getEngines, filter, traffic);
    this.networksView = vscode.window.createTreeView('dockerNetworks.networks', { treeDataProvider: this.networksTree, showCollapseAll: true, canSelectMany: true });
    this.containersView = vscode.window.createTreeView('dockerNetworks.containers', { treeDataProvider: this.containersTree, showCollapseAll: true, canSelectMany: true });
  }

  private get several(): boolean {
    return this.getEngines().length > 1;
  }

  /** Shows an engine's state: welcome view context keys, the header, fresh trees (its root only, with several). */
  showState(entry: EngineEntry): void {
    if (this.several) {
      this.showSeveral(entry);
      return;
    }
    const session = entry.session;
    const state = session.state;
    void vscode.commands.executeCommand('setContext', 'dockerNetworks.state', state.kind);
    void vscode.commands.executeCommand('setContext', 'dockerNetworks.unreachableCause', state.kind === 'unreachable' ? state.cause : '');
    const target = session.target;
    // Short enough for the view header: the context name, or the socket/host without its scheme
    // (and without a password). A connection whose certificate is not checked says so.
    const where = target.source === 'context' ? target.contextName : shortHost(target.host);
    // The warning first: a narrow side bar cuts the end of the description.
    const unverified = target.tls?.verify === false ? `⚠ ${vscode.l10n.t('TLS not verified')} · ` : '';
    const description = unverified + (state.kind === 'connected' ? `${where} · ${engineTitle(state.engineProduct, state.engineVersion)}` : where);
    this.networksView.description = description;
    this.containersView.description = description;
    // No TreeView.message but the filter's: a view with a message hides its welcome content (the
    // cause and the Retry button). The raw error goes to the log instead.
    this.showFilter();
    this.refresh();
  }

  /** The header's description (engine, version, TLS warning): the tests read it. */
  get description(): string | undefined {
    return this.networksView.description;
  }

  /**
   * Several engines: the roots carry each engine's state and cause, so the welcome view (shown only
   * by an empty tree) never applies; the header counts the engines.
   */
  private showSeveral(entry: EngineEntry): void {
    const engines = this.getEngines();
    const anyConnected = engines.some((engine) => engine.session.state.kind === 'connected');
    void vscode.commands.executeCommand('setContext', 'dockerNetworks.state', anyConnected ? 'connected' : entry.session.state.kind);
    void vscode.commands.executeCommand('setContext', 'dockerNetworks.unreachableCause', '');
    const description = vscode.l10n.t('{0} engines', engines.length);
    this.networksView.description = description;
    this.containersView.description = description;
    this.showFilter();
    this.networksTree.refresh(entry.key);
    this.containersTree.refresh(entry.key);
  }

  private filter(): TreeFilter {
    return { ...treeSettings(), nameFilter: this.nameFilter };
  }

  get filterText(): string | undefined {
    return this.nameFilter;
  }

  /** Sets (or clears, with undefined) the name filter of both trees. */
  setNameFilter(text: string | undefined): void {
    this.nameFilter = text || undefined;
    void vscode.commands.executeCommand('setContext', 'dockerNetworks.nameFilterActive', Boolean(this.nameFilter));
    this.showFilter();
    this.refresh();
  }

  /** While a filter is active, both views say so (only when connected: the welcome must stay visible). */
  private showFilter(): void {
    const message = this.nameFilter && this.getEngines().some((engine) => engine.session.state.kind === 'connected')
      ? vscode.l10n.t('Filtered by name: "{0}". Clear the filter from the view\'s title bar.', this.nameFilter)
      : undefined;
    this.networksView.message = message;
    this.containersView.message = message;
  }

  refresh(): void {
    this.networksTree.refresh();
    this.containersTree.refresh();
  }

  /** Reveals and selects a network or container (by id, or by name) in its tree (of this engine, with several). */
  async reveal(target: RevealTarget, engineKey?: string): Promise<void> {
    const engines = this.getEngines();
    const engine = (engineKey !== undefined && engines.find((entry) => entry.key === engineKey)) || engines[0];
    const inventory = engine.session.inventory;
    if (!inventory) {
      return;
    }
    const placed = <T extends TreeNode>(node: T): T => (this.several ? onEngine(node, engine.key) : node);
    if (target.kind === 'network') {
      const network = inventory.networkById.get(target.id) ?? inventory.networks.find((n) => n.name === target.id);
      // A network the toggles or the filter hide is not in the tree: there is nothing to reveal.
      if (network && shownNetworks(inventory, this.filter()).includes(network)) {
        await this.networksView.reveal(placed(networkNode(network)), { select: true, focus: true, expand: true });
      }
    } else {
      const container = inventory.containerById.get(target.id) ?? inventory.containers.find((c) => c.name === target.id);
      if (container && shownContainers(inventory, this.filter()).includes(container)) {
        await this.containersView.reveal(placed(containerNode(container)), { select: true, focus: true, expand: true });
      }
    }
  }

  dispose(): void {
    this.networksView.dispose();
    this.containersView.dispose();
    this.networksTree.dispose();
    this.containersTree.dispose();
  }
}
