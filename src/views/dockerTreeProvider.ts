/**
 * One TreeDataProvider class for both trees. It owns no data: it reads the session's inventory
 * (built once per snapshot) and the names known from inspections, and fires a change when the
 * session refreshes. Node ids are stable across refreshes, so expansion and selection survive
 * live updates.
 */
import * as vscode from 'vscode';
import { childrenOf, containerRoots, findEndpoint, mayHaveChildren, networkRoots, parentOf, TreeFilter, TreeNode } from '../model/treeModel';
import type { EngineSession } from '../engine/engineSession';
import { containerItem, endpointItem, leafItem, membershipItem, networkItem } from './treeItems';

export type TreeKind = 'networks' | 'containers';

export class DockerTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    readonly kind: TreeKind,
    private readonly getSession: () => EngineSession,
    private readonly getFilter: () => TreeFilter,
  ) {}

  /** Called by the glue after every session change. */
  refresh(): void {
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
      return this.kind === 'networks' ? networkRoots(inventory) : containerRoots(inventory, this.getFilter());
    }
    if (element.kind === 'endpoint' || element.kind === 'membership') {
      const endpoint = findEndpoint(inventory, element.networkId, element.containerId);
      if (endpoint && session.endpointNames(endpoint) === undefined) {
        // Aliases are not in the container list: inspect this one container, once, on expand.
        await session.containerDetails(element.containerId);
      }
    }
    const current = this.getSession();
    return current.inventory ? childrenOf(current.inventory, element, this.getFilter(), current.endpointNames) : [];
  }

  getTreeItem(element: TreeNode): vscode.TreeItem {
    const session = this.getSession();
    const inventory = session.inventory;
    if (!inventory) {
      return new vscode.TreeItem('');
    }
    const filter = this.getFilter();
    const namesOf = session.endpointNames;
    let item: vscode.TreeItem;
    switch (element.kind) {
      case 'network': {
        const network = inventory.networkById.get(element.networkId);
        item = network ? networkItem(network, mayHaveChildren(inventory, element, filter, namesOf)) : new vscode.TreeItem(element.networkId);
        break;
      }
      case 'endpoint': {
        const endpoint = findEndpoint(inventory, element.networkId, element.containerId);
        item = endpoint
          ? endpointItem(endpoint, inventory.networkById.get(element.networkId), mayHaveChildren(inventory, element, filter, namesOf), namesOf(endpoint)?.aliases)
          : new vscode.TreeItem(element.containerId.slice(0, 12));
        break;
      }
      case 'container': {
        const container = inventory.containerById.get(element.containerId);
        const collapsible = Boolean(container && (container.memberships.length > 0 || container.sharesStackOf || container.sharedBy.length > 0 || container.links.length > 0));
        item = container ? containerItem(container, collapsible) : new vscode.TreeItem(element.containerId.slice(0, 12));
        break;
      }
      case 'membership': {
        const endpoint = findEndpoint(inventory, element.networkId, element.containerId);
        item = endpoint ? membershipItem(endpoint, inventory.networkById.get(element.networkId), namesOf(endpoint)?.aliases) : new vscode.TreeItem(element.networkId.slice(0, 12));
        break;
      }
      default:
        item = leafItem(element, inventory);
    }
    item.id = `${this.kind}/${element.id}`;
    return item;
  }

  getParent(element: TreeNode): TreeNode | undefined {
    return parentOf(element);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
