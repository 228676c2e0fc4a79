/**
 * Turns tree model nodes into localized TreeItems: labels, descriptions, icons, Markdown tooltips
 * (every engine string escaped) and contextValues that encode what the node allows.
 */
import * as vscode from 'vscode';
import type { ContainerInspectJson } from '../model/dockerTypes';
import type { EndpointNames } from '../model/endpointNames';
import { containerStateText } from '../messages/containerStates';
import { gatewayModeMeaning } from '../messages/gatewayModes';
import type { ContainerModel, DnsNameSource, EndpointModel, Inventory, NetworkModel, PublishedPort } from '../model/inventory';
import { cidrOf, isConnectable, isDisconnectable, isUserDefinedNetwork, publishedPortText } from '../model/inventory';
import { COPY_FIELDS, copyValuesOf, TreeNode } from '../model/treeModel';
import { code, md } from './markdownText';
import { ago, dateTime, duration, plural } from './uiFormat';

export { code, md } from './markdownText';

/** "Label: value" (French: "Label : value", with a no-break space). */
export function field(label: string, value: string): string {
  return vscode.l10n.t('{0}: {1}', label, value);
}

/** The copy capabilities of a node, appended to its contextValue for the Copy submenu's when-clauses. */
export function copyFlags(inventory: Inventory, node: TreeNode): string {
  const values = copyValuesOf(inventory, node);
  return COPY_FIELDS.filter((key) => values[key] !== undefined).map((key) => `|${key}`).join('');
}

export function markdown(lines: string[]): vscode.MarkdownString {
  const tooltip = new vscode.MarkdownString(lines.join('\n\n'));
  tooltip.isTrusted = false;
  tooltip.supportHtml = false;
  return tooltip;
}

/** The gateway modes the engine was given, IPv4 first (an engine before Docker 27 has none). */
function gatewayModesOf(network: NetworkModel): [4 | 6, string][] {
  const modes: [4 | 6, string | undefined][] = [
    [4, network.gatewayModes.ipv4],
    [6, network.gatewayModes.ipv6],
  ];
  return modes.filter((entry): entry is [4 | 6, string] => Boolean(entry[1]));
}

function subnetsSummary(network: NetworkModel): string {
  return network.subnets.map((subnet) => subnet.subnet).filter(Boolean).join(', ');
}

const DRIVER_ICONS: Record<string, string> = {
  bridge: 'type-hierarchy-sub',
  host: 'vm',
  null: 'circle-slash',
  overlay: 'globe',
  macvlan: 'plug',
  ipvlan: 'plug',
};

export function predefinedMeaning(network: NetworkModel): string | undefined {
  switch (network.predefined) {
    case 'bridge':
      // Docker's is docker0; Podman's default network has its own device (cni-podman0, podman0).
      return vscode.l10n.t('Default bridge ({0}): containers started without --network land here; no DNS between containers, only legacy links.', network.bridgeName ?? 'docker0');
    case 'host':
      return vscode.l10n.t('Host network: containers use the host\'s own network stack, with no isolation and no address of their own.');
    case 'none':
      return vscode.l10n.t('No network: containers get only a loopback interface.');
    case 'ingress':
      return vscode.l10n.t('Swarm ingress: the routing mesh that publishes service ports on every node.');
    case 'docker_gwbridge':
      return vscode.l10n.t('Swarm gateway bridge: connects overlay networks to the host\'s network.');
    default:
      return undefined;
  }
}

export function networkItem(network: NetworkModel, collapsible: boolean): vscode.TreeItem {
  const item = new vscode.TreeItem(network.name, collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  const parts = [network.driver, network.scope, subnetsSummary(network)].filter(Boolean);
  if (!isUserDefinedNetwork(network)) {
    parts.unshift(vscode.l10n.t('predefined'));
  }
  if (network.internal) {
    parts.push(vscode.l10n.t('internal'));
  }
  if (!network.ipv4) {
    parts.push(vscode.l10n.t('IPv4 off'));
  }
  // nat is the default: only another mode is worth the row's room (the tooltip names every one).
  for (const [family, mode] of gatewayModesOf(network)) {
    if (mode !== 'nat') {
      parts.push(vscode.l10n.t('IPv{0} gateway {1}', family, mode));
    }
  }
  item.description = parts.join(' · ');
  item.iconPath = new vscode.ThemeIcon(DRIVER_ICONS[network.driver] ?? 'extensions');
  item.contextValue = `network:${isUserDefinedNetwork(network) ? 'user' : 'predefined'}:${network.driver}:${network.endpoints.length > 0 ? 'used' : 'unused'}`;

  const lines = [`**${md(network.name)}** ${code(network.shortId)}`];
  const meaning = predefinedMeaning(network);
  if (meaning) {
    lines.push(`_${md(meaning)}_`);
  }
  lines.push(
    vscode.l10n.t('Driver: {0} · Scope: {1} · IPAM: {2}', md(network.driver), md(network.scope), md(network.ipamDriver)),
  );
  if (network.bridgeName) {
    lines.push(vscode.l10n.t('Bridge device: {0}', md(network.bridgeName)));
  }
  for (const subnet of network.subnets) {
    const pieces = [vscode.l10n.t('Subnet {0}', md(subnet.subnet ?? '?'))];
    if (subnet.gateway) {
      pieces.push(vscode.l10n.t('gateway {0}', md(subnet.gateway)));
    }
    if (subnet.ipRange) {
      pieces.push(vscode.l10n.t('IP range {0}', md(subnet.ipRange)));
    }
    const aux = Object.entries(subnet.auxiliaryAddresses);
    if (aux.length > 0) {
      pieces.push(vscode.l10n.t('auxiliary {0}', aux.map(([key, value]) => `${md(key)}=${md(value)}`).join(', ')));
    }
    lines.push(pieces.join(' · '));
  }
  const flags: string[] = [];
  if (network.internal) {
    flags.push(vscode.l10n.t('internal (no outside access)'));
  }
  if (network.attachable) {
    flags.push(vscode.l10n.t('attachable'));
  }
  if (network.ingress) {
    flags.push(vscode.l10n.t('ingress'));
  }
  flags.push(network.ipv6 ? vscode.l10n.t('IPv6 on') : vscode.l10n.t('IPv6 off'));
  if (!network.ipv4) {
    flags.push(vscode.l10n.t('IPv4 off'));
  }
  lines.push(vscode.l10n.t('Flags: {0}', flags.join(', ')));
  for (const [family, mode] of gatewayModesOf(network)) {
    const meaning = gatewayModeMeaning(mode, vscode.l10n);
    lines.push(field(vscode.l10n.t('IPv{0} gateway mode', family), code(mode)) + (meaning ? ` — ${md(meaning)}` : ''));
  }
  const options = Object.entries(network.options);
  if (options.length > 0) {
    lines.push(vscode.l10n.t('Options:') + '\n' + options.map(([key, value]) => `- ${code(key)} = ${code(value)}`).join('\n'));
  }
  const labels = Object.entries(network.labels);
  if (labels.length > 0) {
    lines.push(vscode.l10n.t('Labels:') + '\n' + labels.map(([key, value]) => `- ${code(key)} = ${code(value)}`).join('\n'));
  }
  if (network.created && !Number.isNaN(Date.parse(network.created))) {
    lines.push(vscode.l10n.t('Created: {0}', md(dateTime(new Date(network.created)))));
  }
  item.tooltip = markdown(lines);
  return item;
}

function stateText(running: boolean, state: string): string {
  return containerStateText(running ? 'running' : state, vscode.l10n);
}

function containerIcon(running: boolean): vscode.ThemeIcon {
  return new vscode.ThemeIcon(running ? 'vm-running' : 'vm-outline', running ? new vscode.ThemeColor('charts.green') : undefined);
}

/**
 * A network's endpoint row (Networks tree). Its tooltip lists the endpoint's aliases and DNS names
 * when its container's inspection is known; otherwise it is left for the hover to make (see
 * DockerTreeProvider.resolveTreeItem), which reads the inspection then.
 */
export function endpointItem(endpoint: EndpointModel, network: NetworkModel | undefined, collapsible: boolean, names: EndpointNames | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(endpoint.containerName, collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  const parts: string[] = [];
  if (endpoint.viaContainer) {
    parts.push(vscode.l10n.t('shares {0}\'s network stack', endpoint.viaContainer.name));
  }
  const address = cidrOf(endpoint.ipv4, endpoint.ipv4PrefixLength);
  if (address) {
    parts.push(address);
  }
  if (endpoint.ipv6) {
    parts.push(cidrOf(endpoint.ipv6, endpoint.ipv6PrefixLength)!);
  }
  if (endpoint.gwPriority) {
    parts.push(vscode.l10n.t('gateway priority {0}', endpoint.gwPriority));
  }
  if (network?.predefined === 'host') {
    parts.push(vscode.l10n.t('uses the host\'s network stack'));
  } else if (network?.predefined === 'none') {
    parts.push(vscode.l10n.t('loopback only'));
  }
  parts.push(stateText(endpoint.running, endpoint.state));
  item.description = parts.join(' · ');
  item.iconPath = containerIcon(endpoint.running);
  item.contextValue = `endpoint:${endpoint.running ? 'running' : 'stopped'}:${isDisconnectable(endpoint, network) ? 'disconnectable' : 'fixed'}`;
  item.tooltip = names ? endpointTooltip(endpoint, network, names) : undefined;
  return item;
}

/**
 * The tooltip of an endpoint (Networks tree) and of a membership (Containers tree): one text for the
 * same engine object, with its aliases and the names the embedded DNS answers (`names` from the
 * container's inspection; undefined while it is not known).
 */
export function endpointTooltip(endpoint: EndpointModel, network: NetworkModel | undefined, names: EndpointNames | undefined): vscode.MarkdownString {
  const lines = [vscode.l10n.t('**{0}** on **{1}**', md(endpoint.containerName), md(endpoint.networkName))];
  if (endpoint.viaContainer) {
    lines.push(vscode.l10n.t('Runs in the network stack of {0} (--network container:{0}): same interfaces, same addresses.', md(endpoint.viaContainer.name)));
  }
  if (network?.predefined === 'host') {
    lines.push(vscode.l10n.t('Host mode: the container sees and uses the host\'s interfaces directly.'));
  }
  if (network?.predefined === 'none') {
    lines.push(vscode.l10n.t('None mode: the container has only the loopback interface.'));
  }
  const rows: [string, string | undefined][] = [
    [vscode.l10n.t('IPv4'), cidrOf(endpoint.ipv4, endpoint.ipv4PrefixLength)],
    [vscode.l10n.t('IPv6'), cidrOf(endpoint.ipv6, endpoint.ipv6PrefixLength)],
    [vscode.l10n.t('Gateway'), endpoint.gateway],
    [vscode.l10n.t('IPv6 gateway'), endpoint.ipv6Gateway],
    [vscode.l10n.t('MAC'), endpoint.mac],
    [vscode.l10n.t('Static IPv4'), endpoint.staticIpv4],
    [vscode.l10n.t('Static IPv6'), endpoint.staticIpv6],
    // 0 is every endpoint's default: only a priority someone chose is shown.
    [vscode.l10n.t('Gateway priority'), endpoint.gwPriority ? String(endpoint.gwPriority) : undefined],
    [vscode.l10n.t('Endpoint'), endpoint.endpointId?.slice(0, 12)],
  ];
  for (const [label, value] of rows) {
    if (value) {
      lines.push(field(label, code(value)));
    }
  }
  // Code spans: an alias such as "see https://attacker.example/phish" stays text, never a link.
  if (names && names.aliases.length > 0) {
    lines.push(vscode.l10n.t('Aliases: {0}', names.aliases.map(code).join(', ')));
  }
  if (names && names.dnsNames.length > 0) {
    lines.push(vscode.l10n.t('DNS names: {0}', names.dnsNames.map((entry) => code(entry.name)).join(', ')));
  }
  return markdown(lines);
}

/** The container's row; its tooltip is made on hover (containerTooltip), so its times are current. */
export function containerItem(container: ContainerModel, collapsible: boolean): vscode.TreeItem {
  const item = new vscode.TreeItem(container.name, collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  const parts: string[] = [];
  switch (container.networkMode.kind) {
    case 'host':
      parts.push(vscode.l10n.t('host network'));
      break;
    case 'none':
      parts.push(vscode.l10n.t('no network'));
      break;
    case 'container':
      parts.push(vscode.l10n.t('shares {0}\'s network stack', container.sharesStackOf?.name ?? container.networkMode.target ?? '?'));
      break;
    default: {
      const addresses = container.memberships.map((m) => cidrOf(m.ipv4, m.ipv4PrefixLength)).filter(Boolean);
      if (addresses.length > 0) {
        parts.push(addresses.join(', '));
      }
    }
  }
  parts.push(stateText(container.running, container.state));
  item.description = parts.join(' · ');
  item.iconPath = containerIcon(container.running);
  item.contextValue = `container:${container.running ? 'running' : 'stopped'}:${isConnectable(container) ? 'connectable' : 'fixed'}`;
  return item;
}

function isoDate(text: string | undefined): Date | undefined {
  // The engine writes 0001-01-01T00:00:00Z for "never".
  const time = text ? Date.parse(text) : NaN;
  return Number.isNaN(time) || time <= 0 ? undefined : new Date(time);
}

/** The container's state in words, computed now: "Running for 5 minutes (since …)". */
export function stateSentence(container: ContainerModel, details: ContainerInspectJson | undefined, now: number): string {
  const started = isoDate(details?.State?.StartedAt);
  const finished = isoDate(details?.State?.FinishedAt);
  const state = details?.State?.Status ?? container.state;
  if (state === 'running' && started) {
    return vscode.l10n.t('Running for {0} (since {1})', duration(now - started.getTime()), dateTime(started));
  }
  if (state === 'paused') {
    return vscode.l10n.t('Paused');
  }
  if ((state === 'exited' || state === 'dead') && finished) {
    return vscode.l10n.t('Stopped {0} (exit code {1}, {2})', ago(now - finished.getTime()), String(details?.State?.ExitCode ?? '?'), dateTime(finished));
  }
  if (state === 'created' && container.created) {
    return vscode.l10n.t('Created {0}, never started', ago(now - container.created * 1000));
  }
  return stateText(container.running, state);
}

function networkModeText(container: ContainerModel): string {
  const mode = container.networkMode;
  return mode.kind === 'network' ? mode.target ?? '' : mode.kind === 'container' ? `container:${container.sharesStackOf?.name ?? mode.target}` : mode.kind;
}

/** A container's tooltip at the moment it is shown: state and times computed from the inspection. */
export function containerTooltip(container: ContainerModel, details: ContainerInspectJson | undefined, now: number): vscode.MarkdownString {
  const lines = [`**${md(container.name)}** ${code(container.shortId)}`];
  lines.push(field(vscode.l10n.t('Image'), md(container.image ?? '?')));
  lines.push(field(vscode.l10n.t('State'), md(stateSentence(container, details, now))));
  lines.push(field(vscode.l10n.t('Network mode'), md(networkModeText(container))));
  if (container.composeProject) {
    lines.push(field(vscode.l10n.t('Compose project'), md(container.composeProject)));
  }
  if (container.publishedPorts.length > 0) {
    lines.push(vscode.l10n.t('Published ports (host → container):') + '\n' + container.publishedPorts.map((port) => `- ${code(publishedPortText(port))}`).join('\n'));
  }
  if (container.exposedPorts.length > 0) {
    lines.push(field(vscode.l10n.t('Exposed, not published'), container.exposedPorts.map((port) => code(`${port.port}/${port.protocol}`)).join(', ')));
  }
  return markdown(lines);
}

/** A container's membership row (Containers tree): the same tooltip as the endpoint row, made the same way. */
export function membershipItem(endpoint: EndpointModel, network: NetworkModel | undefined, collapsible: boolean, names: EndpointNames | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(endpoint.networkName, collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  const parts = [cidrOf(endpoint.ipv4, endpoint.ipv4PrefixLength), network?.driver].filter((part): part is string => Boolean(part));
  if (endpoint.gwPriority) {
    parts.push(vscode.l10n.t('gateway priority {0}', endpoint.gwPriority));
  }
  item.description = parts.join(' · ');
  item.iconPath = new vscode.ThemeIcon(network ? DRIVER_ICONS[network.driver] ?? 'extensions' : 'extensions');
  item.contextValue = `membership:${endpoint.running ? 'running' : 'stopped'}:${isDisconnectable(endpoint, network) ? 'disconnectable' : 'fixed'}`;
  item.tooltip = names ? endpointTooltip(endpoint, network, names) : undefined;
  return item;
}

export function dnsSourceText(source: DnsNameSource): string {
  switch (source) {
    case 'alias':
      return vscode.l10n.t('network alias');
    case 'containerName':
      return vscode.l10n.t('DNS name: container name');
    case 'containerId':
      return vscode.l10n.t('DNS name: container id');
    default:
      return vscode.l10n.t('DNS name');
  }
}

const ADDRESS_LABELS = (): Record<string, string> => ({
  mac: vscode.l10n.t('MAC'),
  gateway: vscode.l10n.t('Gateway'),
  ipv6: vscode.l10n.t('IPv6'),
  ipv6Gateway: vscode.l10n.t('IPv6 gateway'),
});

/** Items for the small leaf nodes (names, links, addresses, shared stacks). */
export function leafItem(node: TreeNode, inventory: Inventory): vscode.TreeItem {
  switch (node.kind) {
    case 'dnsName': {
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
      item.description = dnsSourceText(node.source);
      item.iconPath = new vscode.ThemeIcon(node.source === 'alias' ? 'tag' : 'symbol-constant');
      item.contextValue = node.source === 'alias' ? 'alias' : 'dns';
      item.tooltip = dnsNameTooltip(node, inventory);
      return item;
    }
    case 'port': {
      const item = new vscode.TreeItem(publishedPortText(node.port), vscode.TreeItemCollapsibleState.None);
      item.description = vscode.l10n.t('published port');
      item.tooltip = portTooltip(node.port, inventory.containerById.get(node.containerId)?.name ?? node.containerId.slice(0, 12));
      item.iconPath = new vscode.ThemeIcon('radio-tower');
      item.contextValue = 'port';
      return item;
    }
    case 'link': {
      const item = new vscode.TreeItem(node.link.alias, vscode.TreeItemCollapsibleState.None);
      item.description = vscode.l10n.t('legacy link → {0}', node.link.toName);
      item.tooltip = vscode.l10n.t('{0} was started with --link {1}:{2}: inside {0}, the name {2} points to {1}.', node.link.fromName, node.link.toName, node.link.alias);
      item.iconPath = new vscode.ThemeIcon('link');
      item.contextValue = 'link';
      return item;
    }
    case 'address': {
      const item = new vscode.TreeItem(node.value, vscode.TreeItemCollapsibleState.None);
      item.description = ADDRESS_LABELS()[node.field];
      item.iconPath = new vscode.ThemeIcon('symbol-field');
      item.contextValue = `address:${node.field}`;
      return item;
    }
    case 'sharedStack':
      return sharedStackItem(inventory, node.ownerId, 'sharedStack', vscode.l10n.t('network stack shared with this container (--network container:)'));
    case 'sharedBy':
      return sharedStackItem(inventory, node.guestId, 'sharedBy', vscode.l10n.t('runs in this container\'s network stack'));
    default:
      return new vscode.TreeItem('?');
  }
}

/**
 * What a name resolves to: the container, its address on that network, and where the name works
 * (only on that network, through its embedded DNS).
 */
function dnsNameTooltip(node: Extract<TreeNode, { kind: 'dnsName' }>, inventory: Inventory): vscode.MarkdownString {
  const network = inventory.networkById.get(node.networkId);
  const endpoint = network?.endpoints.find((e) => e.containerId === node.containerId);
  const container = endpoint?.containerName ?? inventory.containerById.get(node.containerId)?.name ?? node.containerId.slice(0, 12);
  const networkName = network?.name ?? endpoint?.networkName ?? node.networkId.slice(0, 12);
  const address = endpoint?.ipv4 ?? endpoint?.ipv6;
  const lines = [`**${md(node.name)}** · ${md(dnsSourceText(node.source))}`];
  lines.push(
    address
      ? vscode.l10n.t('On the network **{0}**, the embedded DNS resolves {1} to {2}: the container **{3}**.', md(networkName), code(node.name), code(address), md(container))
      : vscode.l10n.t('On the network **{0}**, {1} names the container **{2}**, which has no address there now (stopped).', md(networkName), code(node.name), md(container)),
  );
  lines.push(vscode.l10n.t('Only containers on {0} can use this name.', md(networkName)));
  return markdown(lines);
}

function portTooltip(port: PublishedPort, container: string): vscode.MarkdownString {
  const host = port.hostIp && port.hostIp !== '0.0.0.0' && port.hostIp !== '::' ? port.hostIp : undefined;
  return markdown([
    host
      ? vscode.l10n.t('Connections to {0} port {1} on the host reach port {2}/{3} of {4}.', code(host), String(port.hostPort), String(port.containerPort), md(port.protocol), md(container))
      : vscode.l10n.t('Connections to port {0} on every address of the host reach port {1}/{2} of {3}.', String(port.hostPort), String(port.containerPort), md(port.protocol), md(container)),
  ]);
}

/** A Docker Compose project: its networks or containers below. */
export function composeProjectItem(project: string, tree: 'networks' | 'containers', count: number): vscode.TreeItem {
  const item = new vscode.TreeItem(project, vscode.TreeItemCollapsibleState.Expanded);
  item.description =
    tree === 'networks'
      ? plural(count, vscode.l10n.t('Compose project · {0} network', count), vscode.l10n.t('Compose project · {0} networks', count))
      : plural(count, vscode.l10n.t('Compose project · {0} container', count), vscode.l10n.t('Compose project · {0} containers', count));
  item.iconPath = new vscode.ThemeIcon('layers');
  item.contextValue = 'composeProject';
  item.tooltip = markdown([field(vscode.l10n.t('Compose project'), md(project)), vscode.l10n.t('Grouped by the label {0}.', code('com.docker.compose.project'))]);
  return item;
}

/** A container on the other side of a shared network stack; the owner's side expands to its networks. */
function sharedStackItem(inventory: Inventory, containerId: string, kind: 'sharedStack' | 'sharedBy', description: string): vscode.TreeItem {
  const name = inventory.containerById.get(containerId)?.name ?? containerId.slice(0, 12);
  const item = new vscode.TreeItem(name, kind === 'sharedStack' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.description = description;
  item.iconPath = new vscode.ThemeIcon('references');
  item.contextValue = kind;
  return item;
}
