/**
 * One TreeDataProvider class for both trees. It owns no data: it reads the session's inventory
 * (built once per snapshot) and the names known from inspections, and fires a change when the
 * session refreshes. Node ids are stable across refreshes, so expansion and selection survive
 * live updates. With several engines, each engine is a root whose children are that engine's tree;
 * every node under it carries the engine's key, and a change of one engine refreshes its root only.
 */
import * as vscode from 'vscode';
import { EngineCauseNode, engineCauseNode, EngineRootNode, engineRootNode, EngineTreeNode, onEngine } from '../model/engines';
import { childrenOf, containerRoots, findEndpoint, mayHaveChildren, networkRoots, parentOf, TreeFilter, TreeKind, TreeNode } from '../model/treeModel';
import type { EngineEntry } from '../session/sessionManager';
import { emptyEngineSentence, engineCauseItem, engineItem } from './engineItems';
import { composeProjectItem, containerItem, containerTooltip, copyFlags, endpointItem, endpointTooltip, leafItem, membershipItem, networkItem } from './treeItems';
import { swarmNodeItem, swarmTaskItem, withSwarmTooltip } from './swarmItems';
import type { ContainerTraffic } from './containerTraffic';
import { trafficTooltipLine } from './trafficTooltip';

export type { TreeKind } from '../model/treeModel';

/** What the trees hold: the model's nodes (with their engine's key, with several engines) and the engine roots. */
export type ViewNode = EngineTreeNode | EngineRootNode | EngineCauseNode;

/** After this long, a hovered container row is rebuilt, so that the next hover computes its times again. */
const TOOLTIP_FRESHNESS_MS = 30_000;
/** A tooltip with the container's rates is made again after this long (its rates are of its hover). */
const TRAFFIC_TOOLTIP_MS = 3_000;

export class DockerTreeProvider implements vscode.TreeDataProvider<ViewNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ViewNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Rows whose tooltip was computed on hover, waiting to be rebuilt (VS Code resolves a row once). */
  private readonly staleTooltips = new Map<string, ReturnType<typeof setTimeout>>();

  /** The root node of each engine, kept: VS Code finds the element to refresh by its identity. */
  private readonly roots = new Map<string, EngineRootNode>();

  constructor(
    readonly kind: TreeKind,
    private readonly getEngines: () => readonly EngineEntry[],
    private readonly getFilter: () => TreeFilter,
    /** Reads a container's rates when its tooltip is resolved (none: tooltips without traffic). */
    private readonly traffic?: ContainerTraffic,
  ) {}

  /** Called by the glue after every session change: the whole tree, or one engine's root (several engines). */
  refresh(engineKey?: string): void {
    this.clearTooltipTimers();
    this.changed.fire(engineKey !== undefined && this.several ? this.rootOf(engineKey) : undefined);
  }

  private get several(): boolean {
    return this.getEngines().length > 1;
  }

  rootOf(key: string): EngineRootNode {
    let root = this.roots.get(key);
    if (!root) {
      root = engineRootNode(key);
      this.roots.set(key, root);
    }
    return root;
  }

  /** The engine a node belongs to: the only one, or the one whose key the node carries. */
  private engineOf(element: ViewNode | undefined): EngineEntry | undefined {
    const engines = this.getEngines();
    return engines.length > 1 ? engines.find((entry) => entry.key === element?.engine) : engines[0];
  }

  /** The nodes as placed in this tree: under their engine's root when there are several. */
  private placed(entry: EngineEntry, nodes: TreeNode[]): EngineTreeNode[] {
    return this.several ? nodes.map((node) => onEngine(node, entry.key)) : nodes;
  }

  async getChildren(element?: ViewNode): Promise<ViewNode[]> {
    if (!element && this.several) {
      return this.getEngines().map((entry) => this.rootOf(entry.key));
    }
    const entry = this.engineOf(element);
    if (!entry || element?.kind === 'engineCause') {
      return [];
    }
    if (element?.kind === 'engine' && entry.session.state.kind === 'unreachable') {
      return [engineCauseNode(entry.key)];
    }
    const children = this.placed(entry, await this.childrenIn(entry, element?.kind === 'engine' ? undefined : element));
    // A connected engine's root with nothing under it says why (nothing there, or the filters).
    return element?.kind === 'engine' && children.length === 0 && entry.session.inventory ? [engineCauseNode(entry.key)] : children;
  }

  private async childrenIn(entry: EngineEntry, element: TreeNode | undefined): Promise<TreeNode[]> {
    const session = entry.session;
    const inventory = session.inventory;
    if (!inventory) {
      // Empty: the welcome view (or, with several engines, the engine's root) names the cause.
      return [];
    }
    if (!element) {
      return this.kind === 'networks' ? networkRoots(inventory, this.getFilter()) : containerRoots(inventory, this.getFilter());
    }
    if (element.kind === 'endpoint' || element.kind === 'membership') {
      const endpoint = findEndpoint(inventory, element.networkId, element.containerId);
      if (endpoint && session.endpointNames(endpoint) === undefined) {
        // Aliases are not in the container list: inspect this one container, once, on expand.
        await session.containerDetails(element.containerId);
      }
    }
    if (element.kind === 'network' && inventory.swarm?.networkById.has(element.networkId)) {
      // The nodes a swarm network spans include its Peers: one verbose inspection, on expand.
      await session.readSwarmPeers(element.networkId);
    }
    const current = entry.session;
    return current.inventory ? childrenOf(current.inventory, element, this.getFilter(), current.endpointNames, current.swarmPeers) : [];
  }

  getTreeItem(element: ViewNode): vscode.TreeItem {
    const entry = this.engineOf(element);
    if (element.kind === 'engine') {
      return entry ? engineItem(entry, this.kind) : new vscode.TreeItem(element.engine);
    }
    if (element.kind === 'engineCause') {
      const inventory = entry?.session.inventory;
      return entry ? engineCauseItem(entry, this.kind, inventory && emptyEngineSentence(this.kind, inventory, this.getFilter())) : new vscode.TreeItem(element.engine);
    }
    const inventory = entry?.session.inventory;
    if (!entry || !inventory) {
      return new vscode.TreeItem('');
    }
    const filter = this.getFilter();
    const namesOf = entry.session.endpointNames;
    const collapsible = () => mayHaveChildren(inventory, element, filter, namesOf);
    let item: vscode.TreeItem;
    switch (element.kind) {
      case 'composeProject':
        item = composeProjectItem(element.project, element.tree, childrenOf(inventory, element, filter).length);
        break;
      case 'network': {
        const network = inventory.networkById.get(element.networkId);
        item = network ? withSwarmTooltip(networkItem(network, collapsible()), inventory.swarm?.networkById.get(element.networkId)) : new vscode.TreeItem(element.networkId);
        break;
      }
      case 'swarmNode':
        item = swarmNodeItem(element, inventory, entry.session.swarmPeers);
        break;
      case 'swarmTask':
        item = swarmTaskItem(element, inventory);
        break;
      case 'endpoint': {
        const endpoint = findEndpoint(inventory, element.networkId, element.containerId);
        item = endpoint ? endpointItem(endpoint, inventory.networkById.get(element.networkId), collapsible(), namesOf(endpoint)) : new vscode.TreeItem(element.containerId.slice(0, 12));
        this.resolveOnHover(item, endpoint?.running);
        break;
      }
      case 'container': {
        const container = inventory.containerById.get(element.containerId);
        item = container ? containerItem(container, collapsible()) : new vscode.TreeItem(element.containerId.slice(0, 12));
        break;
      }
      case 'membership': {
        const endpoint = findEndpoint(inventory, element.networkId, element.containerId);
        item = endpoint
          ? membershipItem(endpoint, inventory.networkById.get(element.networkId), collapsible(), namesOf(endpoint))
          : new vscode.TreeItem(element.networkId.slice(0, 12));
        this.resolveOnHover(item, endpoint?.running);
        break;
      }
      default:
        item = leafItem(element, inventory);
    }
    item.id = this.several ? `${this.kind}/${entry.key}/${element.id}` : `${this.kind}/${element.id}`;
    if (item.contextValue) {
      item.contextValue += copyFlags(inventory, element);
    }
    return item;
  }

  /**
   * On hover: a container's tooltip, with its state and times computed now (not at the last
   * refresh); an endpoint's or a membership's, with its aliases and DNS names from one inspection.
   */
  async resolveTreeItem(item: vscode.TreeItem, element: ViewNode): Promise<vscode.TreeItem> {
    if (item.tooltip !== undefined) {
      return item;
    }
    if (element.kind === 'endpoint' || element.kind === 'membership') {
      return this.resolveEndpointTooltip(item, element);
    }
    if (element.kind !== 'container') {
      return item;
    }
    const session = this.engineOf(element)?.session;
    const container = session?.inventory?.containerById.get(element.containerId);
    if (!session || !container) {
      return item;
    }
    const details = await session.containerDetails(element.containerId).catch(() => undefined);
    const tooltip = containerTooltip(container, details, Date.now());
    const traffic = container.running ? await this.trafficLine(element, container.id, container.name, details?.State?.Pid) : undefined;
    if (traffic) tooltip.appendMarkdown(`\n\n${traffic}`);
    item.tooltip = tooltip;
    // With rates in it, the tooltip is made again soon: the next hover reads the rates of then.
    this.rebuildLater(element, traffic ? TRAFFIC_TOOLTIP_MS : TOOLTIP_FRESHNESS_MS);
    return item;
  }

  /** A running endpoint's tooltip is made on hover when it carries the container's rates then. */
  private resolveOnHover(item: vscode.TreeItem, running: boolean | undefined): void {
    if (this.traffic && running) item.tooltip = undefined;
  }

  /** The tooltip's traffic line for a running container, when rates can be read. */
  private async trafficLine(element: ViewNode, containerId: string, name: string, pid: number | undefined): Promise<string | undefined> {
    const entry = this.engineOf(element);
    if (!this.traffic || !entry) return undefined;
    const session = entry.session;
    const rates = await this.traffic.ratesOf({ key: `${entry.key}/${containerId}`, name, pid, local: session.isLocal, stats: () => session.client.containerStats(containerId) });
    return rates ? trafficTooltipLine(rates) : undefined;
  }

  private async resolveEndpointTooltip(item: vscode.TreeItem, element: ViewNode & { networkId: string; containerId: string }): Promise<vscode.TreeItem> {
    const session = this.engineOf(element)?.session;
    const endpoint = session?.inventory && findEndpoint(session.inventory, element.networkId, element.containerId);
    if (!session || !endpoint) {
      return item;
    }
    const details = await session.containerDetails(element.containerId).catch(() => undefined);
    const tooltip = endpointTooltip(endpoint, session.inventory?.networkById.get(element.networkId), session.endpointNames(endpoint));
    const traffic = endpoint.running ? await this.trafficLine(element, element.containerId, endpoint.containerName, details?.State?.Pid) : undefined;
    if (traffic) tooltip.appendMarkdown(`\n\n${traffic}`);
    item.tooltip = tooltip;
    if (traffic) this.rebuildLater(element, TRAFFIC_TOOLTIP_MS);
    return item;
  }

  private rebuildLater(element: ViewNode, afterMs: number): void {
    if (this.staleTooltips.has(element.id)) {
      return;
    }
    this.staleTooltips.set(
      element.id,
      setTimeout(() => {
        this.staleTooltips.delete(element.id);
        this.changed.fire(element);
      }, afterMs),
    );
  }

  private clearTooltipTimers(): void {
    for (const timer of this.staleTooltips.values()) {
      clearTimeout(timer);
    }
    this.staleTooltips.clear();
  }

  getParent(element: ViewNode): ViewNode | undefined {
    const entry = this.engineOf(element);
    if (element.kind === 'engine' || !entry) {
      return undefined;
    }
    if (element.kind === 'engineCause') {
      return this.rootOf(entry.key);
    }
    const parent = parentOf(element, entry.session.inventory, this.getFilter());
    if (!this.several) {
      return parent;
    }
    return parent ? onEngine(parent, entry.key) : this.rootOf(entry.key);
  }

  dispose(): void {
    this.clearTooltipTimers();
    this.changed.dispose();
  }
}
