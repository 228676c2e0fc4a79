/**
 * Mermaid flowchart text for a topology. Every string that comes from the engine or the host
 * (names, aliases, addresses) goes through `escapeLabel`, which keeps only a small safe alphabet
 * and writes everything else as a Mermaid entity code (`#34;` for a double quote), so a crafted
 * alias renders as literal text and can neither close a label nor add a `click` directive.
 * Node ids are derived from stable keys (container ids, namespace file names, interface names)
 * and reduced to [A-Za-z0-9_] plus a hash, so they never depend on user text and never collide.
 * Pure: the caller passes the (localized) words the diagram uses.
 */
import { filterTopology, focusTopology } from './scope';
import type { DiagramOptions, TopoEdge, TopoInterface, TopoNamespace, Topology, TopologyScope } from './types';

export interface DiagramLabels {
  hostNamespace: string;
  hostModeContainers: string;
  containerNamespace: string;
  overlayNamespace: string;
  ingressNamespace: string;
  loadBalancerNamespace: string;
  otherNamespace: string;
  stopped: string;
  network: string;
  aliases: string;
  inferredHostEnd: string;
  inferredContainerEnd: string;
  unmanaged: string;
  legendTitle: string;
  legendObserved: string;
  legendInferred: string;
  legendUnmanaged: string;
  legendVeth: string;
  legendBridgePort: string;
}

export type RevealRef = { kind: 'network'; id: string } | { kind: 'container'; id: string };

export interface DiagramResult {
  text: string;
  /** Mermaid node or subgraph id -> what clicking it reveals in the tree. */
  nodeTargets: Record<string, RevealRef>;
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

export function interfaceName(iface: TopoInterface, labels: DiagramLabels): string {
  if (!iface.name) {
    return iface.namespaceId === 'ns:host' || !iface.containerId ? labels.inferredHostEnd : labels.inferredContainerEnd;
  }
  if ((iface.kind === 'veth' || iface.kind === 'macvlan' || iface.kind === 'ipvlan') && iface.linkIndex !== undefined) {
    return `${iface.name}@if${iface.linkIndex}`;
  }
  return iface.name;
}

function interfaceLines(iface: TopoInterface, networkNames: Map<string, string>, options: DiagramOptions, labels: DiagramLabels): string[] {
  const lines = [interfaceName(iface, labels)];
  if (iface.kind === 'bridge' || iface.kind === 'vxlan') {
    for (const networkId of iface.networkIds) {
      const network = networkNames.get(networkId);
      if (network !== undefined) {
        lines.push(`${labels.network} ${network}`);
      }
    }
  } else if (!iface.name && iface.networkIds.length > 0 && iface.containerId) {
    const network = networkNames.get(iface.networkIds[0]);
    if (network !== undefined) {
      lines.push(`${labels.network} ${network}`);
    }
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

function namespaceTitle(ns: TopoNamespace, topology: Topology, labels: DiagramLabels): string[] {
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
    case 'veth':
      return dashed ? '<-.->' : '<-->';
    case 'parent':
      return dashed ? '-.->' : '-->';
    case 'stoppedMember':
      return '-.-';
    default:
      return dashed ? '-.-' : '---';
  }
}

export const COLLAPSE_THRESHOLD = 40;

/**
 * The diagram for a topology, focused on a scope and filtered by the toggles. Large hosts stay
 * readable: a scope keeps one network or container and what it reaches; `collapse` (automatic
 * above 40 namespaces) draws each container namespace as a single node listing its interfaces.
 */
export function generateMermaid(topology: Topology, scope: TopologyScope, options: DiagramOptions, labels: DiagramLabels): DiagramResult {
  const shown = filterTopology(focusTopology(topology, scope), options);
  const containerCount = shown.namespaces.filter((ns) => ns.kind === 'container').length;
  const collapsed = options.collapse === true || (options.collapse === 'auto' && containerCount > COLLAPSE_THRESHOLD);
  const out: string[] = ['flowchart LR'];
  const nodeTargets: Record<string, RevealRef> = {};
  const inferredIds: string[] = [];
  const unmanagedIds: string[] = [];
  const bridgeIds: string[] = [];
  const nsIds: string[] = [];
  /** Interface id -> the Mermaid id edges attach to (the namespace node when collapsed). */
  const anchor = new Map<string, string>();
  let nodeCount = 0;
  const networkNames = new Map(shown.networks.map((network) => [network.id, network.name]));
  const networkOf = (iface: TopoInterface) => (iface.kind === 'bridge' ? iface.networkIds[0] : undefined);

  // Collapsed namespaces first: their interfaces attach to the namespace node, and a host veth
  // whose peer is folded that way folds into it too (the node links straight to the bridge).
  const collapses = (ns: TopoNamespace) => ns.kind === 'container' && (collapsed || ns.interfaces.length === 0);
  const nsIdByKey = new Map<string, string>();
  const nsMermaidId = (key: string): string => {
    let id = nsIdByKey.get(key);
    if (id === undefined) {
      id = mermaidId('ns', key);
      nsIdByKey.set(key, id);
    }
    return id;
  };
  for (const ns of shown.namespaces) {
    if (collapses(ns)) {
      const nsId = nsMermaidId(ns.id);
      for (const iface of ns.interfaces) {
        anchor.set(iface.id, nsId);
      }
    }
  }
  const folded = new Set<string>();
  if (collapsed) {
    for (const edge of shown.edges) {
      if (edge.kind !== 'veth') continue;
      for (const [self, other] of [[edge.from, edge.to], [edge.to, edge.from]]) {
        if (self.startsWith('ns:host/') && !anchor.has(self) && anchor.has(other)) {
          anchor.set(self, anchor.get(other)!);
          folded.add(self);
        }
      }
    }
  }

  for (const ns of shown.namespaces) {
    const nsId = nsMermaidId(ns.id);
    const owner = ns.containers.find((container) => container.via === 'own') ?? (ns.kind === 'container' ? ns.containers[0] : undefined);
    const title = namespaceTitle(ns, shown, labels);
    const collapseThis = collapses(ns);
    if (owner) {
      nodeTargets[nsId] = { kind: 'container', id: owner.id };
    }
    if (ns.source === 'inferred' && ns.kind !== 'host') {
      inferredIds.push(nsId);
    }
    if (collapseThis) {
      const lines = [...title];
      for (const iface of ns.interfaces) {
        lines.push([interfaceName(iface, labels), ...(options.showIPs ? iface.addresses : []), ...(options.showMACs && iface.mac ? [iface.mac] : [])].join(' '));
        anchor.set(iface.id, nsId);
      }
      out.push(`  ${nsId}[${label(lines)}]`);
      nsIds.push(nsId);
      nodeCount++;
      continue;
    }
    // One line: dagre reserves room for a single title line only, so a second line would be
    // drawn over the namespace's first interface.
    out.push(`  subgraph ${nsId}["${title.map(escapeLabel).join(' · ')}"]`);
    out.push('    direction TB');
    for (const iface of ns.interfaces) {
      if (folded.has(iface.id)) {
        continue;
      }
      const id = mermaidId('if', iface.id);
      anchor.set(iface.id, id);
      out.push(`    ${id}${shape(iface, label(interfaceLines(iface, networkNames, options, labels)))}`);
      nodeCount++;
      const networkId = networkOf(iface);
      if (networkId) {
        nodeTargets[id] = { kind: 'network', id: networkId };
        bridgeIds.push(id);
      } else if (iface.containerId) {
        nodeTargets[id] = { kind: 'container', id: iface.containerId };
      }
      if (iface.source === 'inferred') {
        inferredIds.push(id);
      }
      if (!iface.managed) {
        unmanagedIds.push(id);
      }
    }
    out.push('  end');
    nsIds.push(nsId);
  }

  const unmanagedEdges: number[] = [];
  let edgeCount = 0;
  const seenCollapsed = new Set<string>();
  for (const edge of shown.edges) {
    const from = anchor.get(edge.from) ?? (edge.kind === 'stoppedMember' ? nsMermaidId(edge.from) : undefined);
    const to = anchor.get(edge.to);
    if (!from || !to || from === to) {
      continue;
    }
    const key = `${from}|${to}|${edge.kind}`;
    if (seenCollapsed.has(key)) {
      continue;
    }
    seenCollapsed.add(key);
    out.push(`  ${from} ${edgeArrow(edge)} ${to}`);
    if (!edge.managed) {
      unmanagedEdges.push(edgeCount);
    }
    edgeCount++;
  }

  if (options.showLegend) {
    out.push(`  subgraph legend[${label([labels.legendTitle])}]`);
    out.push('    direction TB');
    out.push(`    legend_observed[${label([labels.legendObserved])}]`);
    out.push(`    legend_inferred[${label([labels.legendInferred])}]`);
    out.push(`    legend_unmanaged[${label([labels.legendUnmanaged])}]`);
    out.push(`    legend_veth[${label([labels.legendVeth])}]`);
    out.push(`    legend_port[${label([labels.legendBridgePort])}]`);
    out.push('  end');
    inferredIds.push('legend_inferred');
    unmanagedIds.push('legend_unmanaged');
  }

  out.push('  classDef inferred stroke-dasharray:6 4,stroke-width:1.5px');
  out.push('  classDef unmanaged stroke:#e8912d,stroke-width:3px');
  out.push('  classDef bridge stroke-width:2px');
  if (bridgeIds.length > 0) {
    out.push(`  class ${bridgeIds.join(',')} bridge`);
  }
  if (inferredIds.length > 0) {
    out.push(`  class ${inferredIds.join(',')} inferred`);
  }
  if (unmanagedIds.length > 0) {
    out.push(`  class ${unmanagedIds.join(',')} unmanaged`);
  }
  if (unmanagedEdges.length > 0) {
    out.push(`  linkStyle ${unmanagedEdges.join(',')} stroke:#e8912d,stroke-width:3px`);
  }
  return { text: out.join('\n') + '\n', nodeTargets, nodeCount, edgeCount, collapsed };
}
