/**
 * TreeItems for what a swarm adds under a swarm-scoped network: the nodes it spans (host name,
 * address, role, "this node") and each node's tasks there (service name.slot, state, address on
 * this network); and the VNI and subnets appended to the network's tooltip. Engine strings are
 * escaped like everywhere else.
 */
import * as vscode from 'vscode';
import type { Inventory } from '../model/inventory';
import type { SwarmNetworkModel, SwarmNodeModel, SwarmPeersLookup, SwarmTaskModel } from '../model/swarm';
import { networkSpans } from '../model/swarm';
import type { SwarmNodeNode, SwarmTaskNode } from '../model/treeModel';
import { code, field, markdown, md } from './treeItems';

function roleText(node: SwarmNodeModel): string {
  if (node.role === 'manager') {
    return node.leader ? vscode.l10n.t('manager (leader)') : vscode.l10n.t('manager');
  }
  return vscode.l10n.t('worker');
}

/** One node a swarm network spans. */
export function swarmNodeItem(element: SwarmNodeNode, inventory: Inventory, peers: SwarmPeersLookup | undefined): vscode.TreeItem {
  const swarm = inventory.swarm;
  const node = swarm?.nodeById.get(element.nodeId);
  const span = swarm ? networkSpans(swarm, element.networkId, peers).find((entry) => entry.nodeId === element.nodeId) : undefined;
  const tasks = span?.tasks ?? [];
  const item = new vscode.TreeItem(node?.hostname ?? element.nodeId.slice(0, 12), tasks.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
  const parts = [node?.address, node ? roleText(node) : undefined].filter((part): part is string => Boolean(part));
  if (node?.self) {
    parts.push(vscode.l10n.t('this node'));
  }
  if (node && node.availability !== 'active') {
    parts.push(node.availability);
  }
  item.description = parts.join(' · ');
  item.iconPath = new vscode.ThemeIcon('server');
  item.contextValue = `swarmNode:${node?.role ?? 'unknown'}${node?.self ? ':self' : ''}`;
  const lines = [`**${md(node?.hostname)}** ${code(element.nodeId.slice(0, 12))}`];
  if (node) {
    lines.push(field(vscode.l10n.t('Address'), md(node.address ?? '?')), field(vscode.l10n.t('Role'), md(roleText(node))));
    lines.push(field(vscode.l10n.t('State'), md(`${node.state} · ${node.availability}`)));
  }
  lines.push(vscode.l10n.t('Tasks on this network: {0}', String(tasks.length)));
  if (span?.peer) {
    lines.push(vscode.l10n.t('Listed as a peer of this network (VXLAN tunnel endpoint).'));
  }
  item.tooltip = markdown(lines);
  return item;
}

function taskIcon(task: SwarmTaskModel): vscode.ThemeIcon {
  return task.state === 'running' ? new vscode.ThemeIcon('vm-running', new vscode.ThemeColor('charts.green')) : new vscode.ThemeIcon('vm-outline');
}

/** One task of a node, on the network above it. */
export function swarmTaskItem(element: SwarmTaskNode, inventory: Inventory): vscode.TreeItem {
  const task = inventory.swarm?.taskById.get(element.taskId);
  if (!task) {
    return new vscode.TreeItem(element.taskId.slice(0, 12));
  }
  const item = new vscode.TreeItem(task.name, vscode.TreeItemCollapsibleState.None);
  const address = task.addresses.get(element.networkId);
  item.description = [task.state, address].filter(Boolean).join(' · ');
  item.iconPath = taskIcon(task);
  item.contextValue = 'swarmTask';
  const lines = [`**${md(task.name)}** ${code(task.id.slice(0, 12))}`, field(vscode.l10n.t('Service'), md(task.serviceName))];
  lines.push(field(vscode.l10n.t('State'), md(`${task.state} (${vscode.l10n.t('desired: {0}', task.desiredState)})`)));
  if (address) {
    lines.push(field(vscode.l10n.t('Address on this network'), md(address)));
  }
  if (task.message) {
    lines.push(field(vscode.l10n.t('Message'), md(task.message)));
  }
  if (task.containerId) {
    lines.push(field(vscode.l10n.t('Container'), code(task.containerId.slice(0, 12))));
  }
  item.tooltip = markdown(lines);
  return item;
}

/** Adds the swarm facts (VNI, subnets, services, nodes) to a swarm network's tooltip. */
export function withSwarmTooltip(item: vscode.TreeItem, network: SwarmNetworkModel | undefined): vscode.TreeItem {
  if (!network || !(item.tooltip instanceof vscode.MarkdownString)) {
    return item;
  }
  const lines = [
    field(vscode.l10n.t('VXLAN id (VNI)'), md(network.vni ?? '?')),
    field(vscode.l10n.t('Swarm subnet'), md(network.subnets.join(', ') || '?')),
  ];
  if (network.services.length > 0) {
    lines.push(field(vscode.l10n.t('Used by services'), network.services.map(md).join(', ')));
  }
  lines.push(network.attachable ? vscode.l10n.t('Standalone containers may join it (attachable).') : vscode.l10n.t('Only service tasks may join it (not attachable).'));
  item.tooltip.appendMarkdown(`\n\n${lines.join('\n\n')}`);
  return item;
}
