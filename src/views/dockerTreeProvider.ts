/**
 * One TreeDataProvider class for both trees. It owns no data: it reads the session's inventory
 * (built once per snapshot) and the names known from inspections, and fires a change when the
 * session refreshes. Node ids are stable across refreshes, so expansion and selection survive
 * live updates.
 */
import * as vscode from 'vscode';
import { childrenOf, containerRoots, findEndpoint, mayHaveChildren, networkRoots, parentOf, TreeFilter, TreeKind, TreeNode } from '../model/treeModel';
import type { EngineSession } from '../engine/engineSession';
import { composeProjectItem, containerItem, containerTooltip, copyFlags, endpointItem, leafItem, membershipItem, networkItem } from './treeItems';
import { swarmNodeItem, swarmTaskItem, withSwarmTooltip } from './swarmItems';

export type { TreeKind } from '../model/treeModel';

/** After this long, a hovered container row is rebuilt, so that the next hover computes its times again. */
const TOOLTIP_FRESHNESS_MS = 30_000;

export class DockerTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Rows whose tooltip was computed on hover, waiting to be rebuilt (VS Code resolves a row once). */
  private readonly staleTooltips = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    readonly kind: TreeKind,
    private readonly getSession: () => EngineSession,
    private readonly getFilter: () => TreeFilter,
  ) {}

  /** Called by the glue after every session change. */
  refresh(): void {
    this.clearTooltipTimers();
    this.changed.fire(undefined);
  }

  async getChildren(element?: TreeNode): Promise<TreeNode[]> {
    const session = this.getSession();
    const inventory = session.inventory;
    if (!inventory) {
      // Empty: the welcome view names the cause.
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
    const current = this.getSession();
    return current.inventory ? childrenOf(current.inventory, element, this.getFilter(), current.endpointNames, current.swarmPeers) : [];
  }

  getTreeItem(element: TreeNode): vscode.TreeItem {
    const session = this.getSession();
    const inventory = session.inventory;
    if (!inventory) {
      return new vscode.TreeItem('');
    }
    const filter = this.getFilter();
    const namesOf = session.endpointNames;
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
        item = swarmNodeItem(element, inventory, session.swarmPeers);
        break;
      case 'swarmTask':
        item = swarmTaskItem(element, inventory);
        break;
      case 'endpoint': {
        const endpoint = findEndpoint(inventory, element.networkId, element.containerId);
        item = endpoint ? endpointItem(endpoint, inventory.networkById.get(element.networkId), collapsible(), namesOf(endpoint)?.aliases) : new vscode.TreeItem(element.containerId.slice(0, 12));
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
          ? membershipItem(endpoint, inventory.networkById.get(element.networkId), collapsible(), namesOf(endpoint)?.aliases)
          : new vscode.TreeItem(element.networkId.slice(0, 12));
        break;
      }
      default:
        item = leafItem(element, inventory);
    }
    item.id = `${this.kind}/${element.id}`;
    if (item.contextValue) {
      item.contextValue += copyFlags(inventory, element);
    }
    return item;
  }

  /** On hover: a container's tooltip, with its state and times computed now (not at the last refresh). */
  async resolveTreeItem(item: vscode.TreeItem, element: TreeNode): Promise<vscode.TreeItem> {
    if (element.kind !== 'container' || item.tooltip !== undefined) {
      return item;
    }
    const session = this.getSession();
    const container = session.inventory?.containerById.get(element.containerId);
    if (!container) {
      return item;
    }
    const details = await session.containerDetails(element.containerId).catch(() => undefined);
    item.tooltip = containerTooltip(container, details, Date.now());
    this.rebuildLater(element);
    return item;
  }

  private rebuildLater(element: TreeNode): void {
    if (this.staleTooltips.has(element.id)) {
      return;
    }
    this.staleTooltips.set(
      element.id,
      setTimeout(() => {
        this.staleTooltips.delete(element.id);
        this.changed.fire(element);
      }, TOOLTIP_FRESHNESS_MS),
    );
  }

  private clearTooltipTimers(): void {
    for (const timer of this.staleTooltips.values()) {
      clearTimeout(timer);
    }
    this.staleTooltips.clear();
  }

  getParent(element: TreeNode): TreeNode | undefined {
    return parentOf(element, this.getSession().inventory, this.getFilter());
  }

  dispose(): void {
    this.clearTooltipTimers();
    this.changed.dispose();
  }
}
