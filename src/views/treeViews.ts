/**
 * The two tree views (Networks, Containers): their providers, the header that names the engine,
 * the context keys that pick the welcome view, and reveal. They read the session's inventory.
 */
import * as vscode from 'vscode';
import type { EngineSession } from '../engine/engineSession';
import { displayHost } from '../model/displayHost';
import type { RevealTarget } from '../model/revealTarget';
import { containerNode, networkNode, shownContainers, shownNetworks, TreeFilter, TreeNode } from '../model/treeModel';
import { DockerTreeProvider } from './dockerTreeProvider';

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
  private readonly networksView: vscode.TreeView<TreeNode>;
  private readonly containersView: vscode.TreeView<TreeNode>;
  private nameFilter: string | undefined;

  constructor(private readonly getSession: () => EngineSession) {
    const filter = (): TreeFilter => this.filter();
    this.networksTree = new DockerTreeProvider('networks', getSession, filter);
    this.containersTree = new DockerTreeProvider('containers', getSession, filter);
    this.networksView = vscode.window.createTreeView('dockerNetworks.networks', { treeDataProvider: this.networksTree, showCollapseAll: true, canSelectMany: true });
    this.containersView = vscode.window.createTreeView('dockerNetworks.containers', { treeDataProvider: this.containersTree, showCollapseAll: true, canSelectMany: true });
  }

  /** Shows the session's state: welcome view context keys, the header, fresh trees. */
  showState(session: EngineSession): void {
    const state = session.state;
    void vscode.commands.executeCommand('setContext', 'dockerNetworks.state', state.kind);
    void vscode.commands.executeCommand('setContext', 'dockerNetworks.unreachableCause', state.kind === 'unreachable' ? state.cause : '');
    const target = session.target;
    // Short enough for the view header: the context name, or the socket/host without its scheme
    // (and without a password). A connection whose certificate is not checked says so.
    const where = target.source === 'context' ? target.contextName : displayHost(target.host).replace(/^unix:\/\//, '');
    // The warning first: a narrow side bar cuts the end of the description.
    const unverified = target.tls?.verify === false ? `⚠ ${vscode.l10n.t('TLS not verified')} · ` : '';
    const description = unverified + (state.kind === 'connected' ? `${where} · Docker ${state.engineVersion ?? '?'}` : where);
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
    const message = this.nameFilter && this.getSession().state.kind === 'connected'
      ? vscode.l10n.t('Filtered by name: "{0}". Clear the filter from the view\'s title bar.', this.nameFilter)
      : undefined;
    this.networksView.message = message;
    this.containersView.message = message;
  }

  refresh(): void {
    this.networksTree.refresh();
    this.containersTree.refresh();
  }

  /** Reveals and selects a network or container (by id, or by name) in its tree. */
  async reveal(target: RevealTarget): Promise<void> {
    const inventory = this.getSession().inventory;
    if (!inventory) {
      return;
    }
    if (target.kind === 'network') {
      const network = inventory.networkById.get(target.id) ?? inventory.networks.find((n) => n.name === target.id);
      // A network the toggles or the filter hide is not in the tree: there is nothing to reveal.
      if (network && shownNetworks(inventory, this.filter()).includes(network)) {
        await this.networksView.reveal(networkNode(network), { select: true, focus: true, expand: true });
      }
    } else {
      const container = inventory.containerById.get(target.id) ?? inventory.containers.find((c) => c.name === target.id);
      if (container && shownContainers(inventory, this.filter()).includes(container)) {
        await this.containersView.reveal(containerNode(container), { select: true, focus: true, expand: true });
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
