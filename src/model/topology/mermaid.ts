/**
 * Mermaid flowchart text for a topology. Every string that comes from the engine or the host
 * (names, aliases, addresses) goes through `escapeLabel`, which keeps only a small safe alphabet
 * and writes everything else as a Mermaid entity code (`#34;` for a double quote), so a crafted
 * alias renders as literal text and can neither close a label nor add a `click` directive.
 * Node ids are derived from stable keys (container ids, namespace file names, interface names)
 * and reduced to [A-Za-z0-9_] plus a hash, so they never depend on user text and never collide.
 * Pure: the caller passes the (localized) words the diagram uses.
 */
import type { RevealTarget } from '../revealTarget';
import type { DrawnLink } from '../traffic/overlay';
import { filterTopology, focusTopology } from './scope';
import type { DiagramOptions, SwarmNodeInferredReason, TopoEdge, TopoInterface, TopoNamespace, TopoNetwork, Topology, TopologyScope, TopoSwarmNode } from './types';

export interface DiagramLabels {
  hostNamespace: string;
  hostModeContainers: string;
  containerNamespace: string;
  overlayNamespace: string;
  ingressNamespace: string;
  loadBalancerNamespace: string;
  otherNamespace: string;
  /** Title of rootless Podman's rootless network namespace (followed by its file name). */
  rootlessNamespace: string;
  /** What a slirp4netns node is: a user-mode network. */
  userModeNetwork: string;
  /** `gateway` and `DNS` before the addresses slirp4netns answers on. */
  gateway: string;
  dns: string;
  /** Title word of a namespace made with `ip netns add`. */
  namedNamespace: string;
  stopped: string;
  network: string;
  aliases: string;
  inferredHostEnd: string;
  inferredContainerEnd: string;
  unmanaged: string;
  /** `default route` on the host's uplink, `default route via` when followed by its gateways. */
  defaultRoute: string;
  defaultRouteVia: string;
  /** `parent of` (followed by the network) on a macvlan/ipvlan parent. */
  parentOf: string;
  /** `probe level:` in the diagram's first comment (followed by the level and why). */
  probeLevel: string;
  legendTitle: string;
  legendObserved: string;
  /** The same sample at the helper level: where "observed" was read (the engine's host, through a helper container). */
  legendObservedByHelper: string;
  legendInferred: string;
  legendUnmanaged: string;
  legendVeth: string;
  legendBridgePort: string;
  /** Why another swarm node's namespace is inferred (TopoSwarmNode.inferredBecause), after its host name and address. */
  swarmNodeInferred: Record<SwarmNodeInferredReason, string>;
}

export interface DiagramResult {
  text: string;
  /** Mermaid node or subgraph id -> what clicking it reveals in the tree. */
  nodeTargets: Record<string, RevealTarget>;
  /** Topology interface id -> the Mermaid node it is drawn in (its own, or its namespace's when folded). */
  interfaceNodes: Record<string, string>;
  /** The links drawn, in order, with the interfaces at their ends (the Traffic overlay finds them by their two nodes). */
  links: DrawnLink[];
  nodeCount: number;
  edgeCount: number;
  collapsed: boolean;
}

const UNSAFE = /[^A-Za-z0-9 .:/@,_=+-]/gu;
const ALL_SAFE = /^[A-Za-z0-9 .:/@,_=+-]*$/;

/** Text safe inside a double-quoted Mermaid label: everything outside a small alphabet becomes `#<code>;`. */
export function escapeLabel(text: string): string {
  // Most labels (interface names, addresses, ids) need nothing: one test instead of a replace with a callback.
  return ALL_SAFE.test(text) ? text : text.replace(UNSAFE, (ch) => `#${ch.codePointAt(0)};`);
}

/** FNV-1a, 32 bits, base 36: a short stable hash. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return base36(h >>> 0);
}

const DIGITS36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** `n.toString(36)` for an unsigned 32-bit integer, without the engine's slow generic radix path. */
function base36(n: number): string {
  let text = DIGITS36[n % 36];
  for (n = Math.floor(n / 36); n > 0; n = Math.floor(n / 36)) {
    text = DIGITS36[n % 36] + text;
  }
  return text;
}

function isAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * The last 32 characters of the key with every run of other characters made one `_` and the
 * underscores at both ends trimmed — what
 * `key.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(-32)` gives, read from the end
 * of the key only (keys are long: container and network ids).
 */
function readablePart(key: string): string {
  let end = key.length;
  while (end > 0 && !isAlnum(key.charCodeAt(end - 1))) end--;
  let start = 0;
  while (start < end && !isAlnum(key.charCodeAt(start))) start++;
  let i = end - 1;
  let taken = 0;
  let runs = false;
  while (i >= start && taken < 32) {
    if (isAlnum(key.charCodeAt(i))) {
      i--;
    } else {
      runs = true;
      while (!isAlnum(key.charCodeAt(i))) i--; // a run; `start` is alphanumeric, so this stops
    }
    taken++;
  }
  const tail = key.slice(i + 1, end);
  return runs ? tail.replace(/[^A-Za-z0-9]+/g, '_') : tail;
}

/** A Mermaid id for a stable key: a readable part reduced to [A-Za-z0-9_] and a hash of the whole key. */
export function mermaidId(prefix: string, key: string): string {
  return `${prefix}_${readablePart(key)}_${hash(key)}`;
}

function shortLabel(value: string): string {
  return /^[0-9a-f]{64}$/.test(value) ? value.slice(0, 12) : value;
}

function interfaceName(iface: TopoInterface, labels: DiagramLabels): string {
  if (!iface.name) {
    return iface.namespaceId === 'ns:host' || !iface.containerId ? labels.inferredHostEnd : labels.inferredContainerEnd;
  }
  if ((iface.kind === 'veth' || iface.kind === 'macvlan' || iface.kind === 'ipvlan') && iface.linkIndex !== undefined) {
    return `${iface.name}@if${iface.linkIndex}`;
  }
  return iface.name;
}

/** `network mvnet (macvlan bridge)`: a network's name, with its driver and mode when it has a mode. */
function networkLine(network: TopoNetwork, labels: DiagramLabels, prefix = labels.network): string {
  return network.mode ? `${prefix} ${network.name} (${network.driver} ${network.mode})` : `${prefix} ${network.name}`;
}

/** The lines naming the networks an interface serves: a bridge's, a macvlan link's, a parent's, an inferred end's. */
function networkLines(iface: TopoInterface, networks: Map<string, TopoNetwork>, labels: DiagramLabels): string[] {
  const served = iface.networkIds.map((id) => networks.get(id)).filter((network): network is TopoNetwork => network !== undefined);
  if (iface.kind === 'bridge' || iface.kind === 'vxlan') {
    return served.map((network) => networkLine(network, labels));
  }
  if (iface.kind === 'macvlan' || iface.kind === 'ipvlan') {
    return served.slice(0, 1).map((network) => networkLine(network, labels));
  }
  const parentOf = served.filter((network) => network.mode !== undefined && network.anchorInterfaceIds.includes(iface.id));
  if (iface.namespaceId === 'ns:host' && parentOf.length > 0) {
    return parentOf.map((network) => networkLine(network, labels, labels.parentOf));
  }
  if (!iface.name && iface.containerId && served.length > 0) {
    return [networkLine(served[0], labels)];
  }
  return [];
}

/** A user-mode network's lines: what it is, its process, and the gateway and DNS it answers as. */
function userModeLines(iface: TopoInterface, options: DiagramOptions, labels: DiagramLabels): string[] {
  const mode = iface.userMode!;
  const lines = [mode.pid !== undefined ? `${mode.program} (pid ${mode.pid})` : mode.program, labels.userModeNetwork];
  if (options.showIPs) {
    lines.push(mode.cidr, `${labels.gateway} ${mode.gateway}, ${labels.dns} ${mode.dns}`);
  }
  return lines;
}

function interfaceLines(iface: TopoInterface, networks: Map<string, TopoNetwork>, options: DiagramOptions, labels: DiagramLabels): string[] {
  if (iface.userMode) {
    return userModeLines(iface, options, labels);
  }
  const lines = [interfaceName(iface, labels), ...networkLines(iface, networks, labels)];
  if (iface.vni) {
    lines.push(`VNI ${iface.vni}`);
  }
  if (iface.uplinkGateways) {
    lines.push(iface.uplinkGateways.length > 0 ? `${labels.defaultRouteVia} ${iface.uplinkGateways.join(', ')}` : labels.defaultRoute);
  }
  if (options.showIPs) {
    lines.push(...iface.addresses);
  }
  if (options.showMACs && iface.mac) {
    lines.push(iface.mac);
  }
  if (iface.aliases) {
    lines.push(`${labels.aliases} ${iface.aliases.join(', ')}`);
  }
  if (!iface.managed) {
    lines.push(labels.unmanaged);
  }
  return lines;
}

function label(lines: string[]): string {
  return `"${lines.map(escapeLabel).join('<br/>')}"`;
}

/** The swarm node a namespace is on: its host name and address, and why it is inferred when it is. */
function swarmNodeLines(node: TopoSwarmNode, labels: DiagramLabels): string[] {
  return [[node.hostname, node.address].filter(Boolean).join(' · '), ...(node.inferredBecause ? [labels.swarmNodeInferred[node.inferredBecause]] : [])];
}

function namespaceTitle(ns: TopoNamespace, topology: Topology, labels: DiagramLabels): string[] {
  const lines = ownNamespaceTitle(ns, topology, labels);
  // Overlay namespaces always name their node; any other namespace only when it is another node's (a task there).
  return ns.swarmNode && (ns.kind === 'overlay' || !ns.swarmNode.self) ? [...lines, ...swarmNodeLines(ns.swarmNode, labels)] : lines;
}

function ownNamespaceTitle(ns: TopoNamespace, topology: Topology, labels: DiagramLabels): string[] {
  const networkName = ns.networkId ? topology.networks.find((network) => network.id === ns.networkId)?.name : undefined;
  switch (ns.kind) {
    case 'host': {
      const lines = [labels.hostNamespace];
      if (ns.containers.length > 0) {
        lines.push(`${labels.hostModeContainers} ${ns.containers.map((container) => container.name).join(', ')}`);
      }
      return lines;
    }
    case 'container': {
      const names = ns.containers.map((container) => container.name).join(', ');
      const lines = [ns.stopped ? `${names} (${labels.stopped})` : names];
      if (ns.name) {
        lines.push(`${labels.containerNamespace} ${shortLabel(ns.name)}`);
      }
      return lines;
    }
    case 'overlay':
      return [`${labels.overlayNamespace} ${ns.name ?? ''}`.trim(), ...(networkName ? [`${labels.network} ${networkName}`] : [])];
    case 'ingress':
      return [`${labels.ingressNamespace} ${ns.name ?? ''}`.trim()];
    case 'loadBalancer':
      return [`${labels.loadBalancerNamespace} ${ns.name ?? ''}`.trim(), ...(networkName ? [`${labels.network} ${networkName}`] : [])];
    case 'named':
      return [`${labels.namedNamespace} ${ns.name ?? ''}`.trim()];
    case 'rootless':
      return [`${labels.rootlessNamespace} ${ns.name ?? ''}`.trim()];
    default:
      return [`${labels.otherNamespace} ${ns.name ?? ''}`.trim()];
  }
}

function shape(iface: TopoInterface, text: string): string {
  switch (iface.kind) {
    case 'bridge':
      return `{{${text}}}`;
    case 'vxlan':
      return `[/${text}/]`;
    case 'userMode':
      return `([${text}])`;
    case 'ethernet':
    case 'dummy':
    case 'other':
      return iface.namespaceId === 'ns:host' ? `[(${text})]` : `[${text}]`;
    default:
      return `[${text}]`;
  }
}

function edgeArrow(edge: TopoEdge): string {
  const dashed = edge.source === 'inferred';
  switch (edge.kind) {
    case 'vxlanTunnel': {
      // Between two nodes' addresses: the label says which VNI and which UDP port carry it.
      const text = [edge.tunnel?.vni ? `VNI ${edge.tunnel.vni}` : '', `udp/${edge.tunnel?.port ?? 4789}`].filter(Boolean).join(' · ');
      return `${dashed ? '<-.->' : '<-->'}|${label([text])}|`;
    }
    case 'veth':
      return dashed ? '<-.->' : '<-->';
    case 'parent':
      return dashed ? '-.->' : '-->';
    case 'stoppedMember':
      return '-.-';
    case 'userMode':
      // A TAP device and the process reading it: one link, no peer interface.
      return `${dashed ? '<-.->' : '<-->'}|TAP|`;
    default:
      return dashed ? '-.-' : '---';
  }
}

const COLLAPSE_THRESHOLD = 40;

/**
 * The diagram for a topology, focused on a scope and filtered by the toggles. Large hosts stay
 * readable: a scope keeps one network or container and what it reaches; `collapse` (automatic
 * above 40 container namespaces) draws each container namespace as a single node listing its interfaces.
 */
export function generateMermaid(topology: Topology, scope: TopologyScope, options: DiagramOptions, labels: DiagramLabels): DiagramResult {
  const shown = filterTopology(focusTopology(topology, scope), options);
  const collapsed = options.collapse === true || (options.collapse === 'auto' && shown.namespaces.filter((ns) => ns.kind === 'container').length > COLLAPSE_THRESHOLD);
  const ids = assignIds(shown, collapsed);
  const nodes = drawNodes({ shown, ids, collapsed, options, labels, networks: new Map(shown.networks.map((network) => [network.id, network])) });
  const edges = drawEdges(shown.edges, ids);
  const legend = options.showLegend ? legendLines(labels, topology.level === 'helper' ? labels.legendObservedByHelper : labels.legendObserved) : [];
  // The legend's samples take the styles they explain.
  const classes: StyleClasses = options.showLegend
    ? { ...nodes.classes, inferred: [...nodes.classes.inferred, 'legend_inferred'], unmanaged: [...nodes.classes.unmanaged, 'legend_unmanaged'] }
    : nodes.classes;
  // Whoever reads an export learns how deep the probe looked (a comment: Mermaid draws nothing for it).
  const level = `%% ${labels.probeLevel} ${topology.level} (${topology.reason})`;
  const lines = ['flowchart LR', level, ...nodes.lines, ...edges.lines, ...legend, ...styleLines(classes, edges.unmanaged)];
  return { text: lines.join('\n') + '\n', nodeTargets: nodes.nodeTargets, interfaceNodes: Object.fromEntries(ids.anchors), links: edges.links, nodeCount: nodes.nodeCount, edgeCount: edges.count, collapsed };
}

/** The Mermaid ids of a diagram: derived from stable keys, computed once. */
interface NodeIds {
  /** Namespace id -> its node or subgraph. */
  namespaces: Map<string, string>;
  /** Interface id -> the node its edges attach to: its own, or its namespace's when that is drawn as one node. */
  anchors: Map<string, string>;
  /** Host interfaces folded into a collapsed container's node: not drawn on their own. */
  folded: Set<string>;
}

/** A namespace drawn as one node: container ones when collapsed, and any with no interface to show. */
function drawnAsOneNode(ns: TopoNamespace, collapsed: boolean): boolean {
  return (ns.kind === 'container' && collapsed) || ns.interfaces.length === 0;
}

function assignIds(shown: Topology, collapsed: boolean): NodeIds {
  const namespaces = new Map(shown.namespaces.map((ns) => [ns.id, mermaidId('ns', ns.id)]));
  const anchors = new Map<string, string>();
  for (const ns of shown.namespaces) {
    if (drawnAsOneNode(ns, collapsed)) {
      for (const iface of ns.interfaces) {
        anchors.set(iface.id, namespaces.get(ns.id)!);
      }
    }
  }
  // Collapsed namespaces first: a host veth whose peer is folded into a namespace node folds into
  // it too, so the node links straight to the bridge.
  const folded = collapsed ? foldHostVethEnds(shown.edges, anchors) : new Set<string>();
  for (const ns of shown.namespaces) {
    if (!drawnAsOneNode(ns, collapsed)) {
      for (const iface of ns.interfaces) {
        if (!folded.has(iface.id)) {
          anchors.set(iface.id, mermaidId('if', iface.id));
        }
      }
    }
  }
  return { namespaces, anchors, folded };
}

/** Adds to `anchors` the host veth ends whose peer already has one (a collapsed node), and returns them. */
function foldHostVethEnds(edges: TopoEdge[], anchors: Map<string, string>): Set<string> {
  const folded = new Set<string>();
  for (const edge of edges) {
    if (edge.kind !== 'veth') continue;
    for (const [self, other] of [[edge.from, edge.to], [edge.to, edge.from]]) {
      if (self.startsWith('ns:host/') && !anchors.has(self) && anchors.has(other)) {
        anchors.set(self, anchors.get(other)!);
        folded.add(self);
      }
    }
  }
  return folded;
}

interface DrawContext {
  shown: Topology;
  ids: NodeIds;
  collapsed: boolean;
  options: DiagramOptions;
  labels: DiagramLabels;
  networks: Map<string, TopoNetwork>;
}

/** Node ids by the style class they take (`class <ids> <name>` lines). */
interface StyleClasses {
  bridge: string[];
  inferred: string[];
  unmanaged: string[];
}

/** The namespaces and interfaces drawn: their lines, what clicking each reveals, and their styles. */
interface NodeDrawing {
  lines: string[];
  nodeTargets: Record<string, RevealTarget>;
  nodeCount: number;
  classes: StyleClasses;
}

function drawNodes(context: DrawContext): NodeDrawing {
  const drawing: NodeDrawing = { lines: [], nodeTargets: {}, nodeCount: 0, classes: { bridge: [], inferred: [], unmanaged: [] } };
  for (const ns of context.shown.namespaces) {
    const nsId = context.ids.namespaces.get(ns.id)!;
    const owner = ns.containers.find((container) => container.via === 'own') ?? (ns.kind === 'container' ? ns.containers[0] : undefined);
    if (owner) {
      drawing.nodeTargets[nsId] = { kind: 'container', id: owner.id };
    }
    if (ns.source === 'inferred' && ns.kind !== 'host') {
      drawing.classes.inferred.push(nsId);
    }
    if (drawnAsOneNode(ns, context.collapsed)) {
      drawOneNodeNamespace(drawing, context, ns, nsId);
    } else {
      drawSubgraphNamespace(drawing, context, ns, nsId);
    }
  }
  return drawing;
}

/** The namespace's title, then one line per interface: name, addresses and MAC as the toggles ask. */
function drawOneNodeNamespace(drawing: NodeDrawing, { shown, options, labels, networks }: DrawContext, ns: TopoNamespace, nsId: string): void {
  const lines = namespaceTitle(ns, shown, labels);
  for (const iface of ns.interfaces) {
    // Each interface keeps its tags on its line: a hand-made link stays told apart from Docker's.
    const macvlan = iface.kind === 'macvlan' || iface.kind === 'ipvlan' ? networkLines(iface, networks, labels) : [];
    const tags = [...macvlan, ...(iface.managed ? [] : [`(${labels.unmanaged})`])];
    lines.push([interfaceName(iface, labels), ...(options.showIPs ? iface.addresses : []), ...(options.showMACs && iface.mac ? [iface.mac] : []), ...tags].join(' '));
  }
  drawing.lines.push(`  ${nsId}[${label(lines)}]`);
  drawing.nodeCount++;
}

function drawSubgraphNamespace(drawing: NodeDrawing, { shown, ids, options, labels, networks }: DrawContext, ns: TopoNamespace, nsId: string): void {
  // One line: dagre reserves room for a single title line only, so a second line would be
  // drawn over the namespace's first interface.
  drawing.lines.push(`  subgraph ${nsId}["${namespaceTitle(ns, shown, labels).map(escapeLabel).join(' · ')}"]`);
  drawing.lines.push('    direction TB');
  for (const iface of ns.interfaces) {
    if (ids.folded.has(iface.id)) {
      continue;
    }
    const id = ids.anchors.get(iface.id)!;
    drawing.lines.push(`    ${id}${shape(iface, label(interfaceLines(iface, networks, options, labels)))}`);
    drawing.nodeCount++;
    // A bridge reveals the network it stands for; a container's interface, the container.
    const networkId = iface.kind === 'bridge' ? iface.networkIds[0] : undefined;
    if (networkId) {
      drawing.nodeTargets[id] = { kind: 'network', id: networkId };
      drawing.classes.bridge.push(id);
    } else if (iface.containerId) {
      drawing.nodeTargets[id] = { kind: 'container', id: iface.containerId };
    }
    if (iface.source === 'inferred') {
      drawing.classes.inferred.push(id);
    }
    if (!iface.managed) {
      drawing.classes.unmanaged.push(id);
    }
  }
  drawing.lines.push('  end');
}

interface DrawnEdges {
  lines: string[];
  count: number;
  /** Indexes of the edges Docker did not make, for `linkStyle` (Mermaid styles edges by position). */
  unmanaged: number[];
  links: DrawnLink[];
}

function drawEdges(edges: TopoEdge[], ids: NodeIds): DrawnEdges {
  const drawn: DrawnEdges = { lines: [], count: 0, unmanaged: [], links: [] };
  // Folded ends make several edges join the same two nodes: draw each once.
  const seen = new Set<string>();
  for (const edge of edges) {
    // A stopped container's edge starts at its namespace, not at an interface.
    const from = ids.anchors.get(edge.from) ?? (edge.kind === 'stoppedMember' ? ids.namespaces.get(edge.from) ?? mermaidId('ns', edge.from) : undefined);
    const to = ids.anchors.get(edge.to);
    if (!from || !to || from === to) {
      continue;
    }
    // A Docker link and a hand-made one between the same two nodes stay two edges (one orange).
    const key = `${from}|${to}|${edge.kind}|${edge.managed}`;
    if (seen.has(key)) {
      continue;
    }
    seen.add(key);
    drawn.lines.push(`  ${from} ${edgeArrow(edge)} ${to}`);
    drawn.links.push({ from, to, ends: [edge.from, edge.to] });
    if (!edge.managed) {
      drawn.unmanaged.push(drawn.count);
    }
    drawn.count++;
  }
  return drawn;
}

function legendLines(labels: DiagramLabels, observed: string): string[] {
  return [
    `  subgraph legend[${label([labels.legendTitle])}]`,
    '    direction TB',
    `    legend_observed[${label([observed])}]`,
    `    legend_inferred[${label([labels.legendInferred])}]`,
    `    legend_unmanaged[${label([labels.legendUnmanaged])}]`,
    `    legend_veth[${label([labels.legendVeth])}]`,
    `    legend_port[${label([labels.legendBridgePort])}]`,
    '  end',
  ];
}

function styleLines(classes: StyleClasses, unmanagedEdges: number[]): string[] {
  const lines = [
    '  classDef inferred stroke-dasharray:6 4,stroke-width:1.5px',
    '  classDef unmanaged stroke:#e8912d,stroke-width:3px',
    '  classDef bridge stroke-width:2px',
  ];
  for (const [name, ids] of [['bridge', classes.bridge], ['inferred', classes.inferred], ['unmanaged', classes.unmanaged]] as const) {
    if (ids.length > 0) {
      lines.push(`  class ${ids.join(',')} ${name}`);
    }
  }
  if (unmanagedEdges.length > 0) {
    lines.push(`  linkStyle ${unmanagedEdges.join(',')} stroke:#e8912d,stroke-width:3px`);
  }
  return lines;
}
