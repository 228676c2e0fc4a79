/**
 * The whole-host overview for large hosts: laid out by network instead of by veth end. Regions
 * (subgraphs) for the bridge, swarm (overlay) and macvlan/ipvlan networks, host-mode containers
 * and containers on no network. Each network is one node: its name, driver, gateway and the
 * containers attached to it alone, several to a line (names only when there are many); a click
 * focuses the network, whose own diagram shows every veth end. Containers on several networks
 * are grouped by the networks they join, one node per group linked from each of those networks'
 * nodes (dagre puts it below them, between them). No edge joins two containers. Networks stand
 * in a grid of columns made with invisible links (`~~~`), so the picture grows about as wide as
 * tall instead of as one row. Sizes and settings come from `npm run bench` (section 5).
 * `chooseDiagram` is the rule the panel and the CLI share. Pure; engine strings go through
 * `escapeLabel`.
 */
import type { RevealTarget } from '../revealTarget';
import { DiagramLabels, DiagramResult, escapeLabel, generateMermaid, mermaidId } from './mermaid';
import { filterTopology } from './scope';
import type { DiagramOptions, TopoNamespace, TopoNetwork, Topology, TopologyScope } from './types';

/** The overview's own words (the panel localizes them; ENGLISH_OVERVIEW_LABELS for the CLI and tests). */
export interface OverviewLabels {
  bridgeRegion: string;
  swarmRegion: string;
  macvlanRegion: string;
  hostRegion: string;
  detachedRegion: string;
  multiHomedRegion: string;
  /** `containers:` before a count. */
  containers: string;
  /** The first comment line, telling the reader this is the overview and how to see more. */
  overviewComment: string;
}

export const ENGLISH_OVERVIEW_LABELS: OverviewLabels = {
  bridgeRegion: 'bridge networks',
  swarmRegion: 'swarm (overlay) networks',
  macvlanRegion: 'macvlan / ipvlan networks',
  hostRegion: 'host network',
  detachedRegion: 'no network',
  multiHomedRegion: 'on several networks',
  containers: 'containers:',
  overviewComment: 'overview by network: click a network or a container to see its plumbing',
};

/**
 * Whole-host diagrams with more container namespaces than this, or more drawn networks than
 * OVERVIEW_NETWORKS, are drawn as the overview. `npm run bench`, section 5 (30 networks, fitted
 * to 1400 x 900, node text at that scale): full plumbing 2.2 px with 5 containers, 1.4 px with 40,
 * 0.2 px and a 3.2-3.7 s render with 500; the overview 10.4, 10.1, 8.3 (150) and 6.6 px (500),
 * each drawn in under 0.5 s. The recorded lab (12 containers, 9 networks drawn) keeps its full
 * plumbing (3.1 px fitted: read by zooming, every veth end there) as the issue asks.
 */
export const OVERVIEW_THRESHOLD = 20;
export const OVERVIEW_NETWORKS = 12;

function networkTitle(network: TopoNetwork, count: number, overview: OverviewLabels): string {
  const driver = network.mode ? `${network.driver} ${network.mode}` : network.driver;
  return `${network.name} · ${driver} · ${overview.containers} ${count}`;
}

/**
 * Mermaid's layout settings for the overview (a directive: the panel's and the CLI's Mermaid
 * take it from the text): labels wrap at 800 px (WRAP_PX) instead of 200, so a network's node is a few wide
 * lines rather than a tall column; nodes and ranks closer than the defaults (50).
 */
const LAYOUT_DIRECTIVE = '%%{init: {"flowchart": {"wrappingWidth": 800, "nodeSpacing": 24, "rankSpacing": 28, "padding": 6}}}%%';
/** Above this many containers, a node lists their names only (a click on the network shows their addresses). */
const NAMES_ONLY_ABOVE = 4;
const GRID_ASPECT = 0.9;
/** Where Mermaid wraps the overview's labels (the directive's wrappingWidth). */
const WRAP_PX = 800;

type RegionKey = 'bridge' | 'swarm' | 'macvlan' | 'host' | 'detached';

interface Member {
  ns: TopoNamespace;
  /** Target of a click: the container owning the namespace. */
  ownerId: string;
  title: string;
  /** `name address` per network (addresses without their prefix length). */
  addresses: Map<string, string[]>;
  networkIds: string[];
}

interface Plan {
  /** Networks drawn, by region, in the engine's order. */
  regions: Map<RegionKey, TopoNetwork[]>;
  /** Containers attached to one network only (or host mode, or none), by network id or region key. */
  single: Map<string, Member[]>;
  multi: Member[];
  /** The multi-homed containers grouped by the networks they join (sorted ids joined by a space). */
  groups: Map<string, Member[]>;
}

function regionOf(network: TopoNetwork): RegionKey | undefined {
  switch (network.driver) {
    case 'null':
      return undefined;
    case 'host':
      return 'host';
    case 'overlay':
      return 'swarm';
    case 'macvlan':
    case 'ipvlan':
      return 'macvlan';
    default:
      return 'bridge';
  }
}

function memberOf(ns: TopoNamespace, drawn: Set<string>, labels: DiagramLabels, stoppedOn: Map<string, string[]>): Member | undefined {
  const owner = ns.containers.find((container) => container.via === 'own') ?? ns.containers[0];
  if (!owner) {
    return undefined;
  }
  const addresses = new Map<string, string[]>();
  for (const iface of ns.interfaces) {
    for (const networkId of iface.networkIds) {
      if (drawn.has(networkId)) {
        addresses.set(networkId, [...(addresses.get(networkId) ?? []), ...iface.addresses.map((address) => address.replace(/\/\d+$/, ''))]);
      }
    }
  }
  // A stopped container has no interface: its networks are those its `stoppedMember` edges reach.
  for (const networkId of stoppedOn.get(ns.id) ?? []) {
    if (drawn.has(networkId) && !addresses.has(networkId)) addresses.set(networkId, []);
  }
  const names = ns.containers.map((container) => container.name).join(', ');
  return { ns, ownerId: owner.id, title: ns.stopped ? `${names} (${labels.stopped})` : names, addresses, networkIds: [...addresses.keys()] };
}

/** Stopped namespace id -> the networks of the anchors its `stoppedMember` edges end at. */
function stoppedMemberships(shown: Topology): Map<string, string[]> {
  const anchors = new Map(shown.namespaces.flatMap((ns) => ns.interfaces).map((iface) => [iface.id, iface.networkIds]));
  const memberships = new Map<string, string[]>();
  for (const edge of shown.edges) {
    if (edge.kind === 'stoppedMember') {
      memberships.set(edge.from, [...(memberships.get(edge.from) ?? []), ...(anchors.get(edge.to) ?? [])]);
    }
  }
  return memberships;
}

function plan(shown: Topology, labels: DiagramLabels): Plan {
  const regions = new Map<RegionKey, TopoNetwork[]>();
  for (const network of shown.networks) {
    const region = regionOf(network);
    if (region && region !== 'host') {
      regions.set(region, [...(regions.get(region) ?? []), network]);
    }
  }
  const drawn = new Set([...regions.values()].flat().map((network) => network.id));
  const single = new Map<string, Member[]>();
  const multi: Member[] = [];
  const stoppedOn = stoppedMemberships(shown);
  const add = (key: string, member: Member) => single.set(key, [...(single.get(key) ?? []), member]);
  for (const ns of shown.namespaces) {
    if (ns.kind === 'host') {
      ns.containers.forEach((container) => add('host', { ns, ownerId: container.id, title: container.name, addresses: new Map(), networkIds: [] }));
      continue;
    }
    const member = ns.kind === 'container' ? memberOf(ns, drawn, labels, stoppedOn) : undefined;
    if (!member) continue;
    if (member.networkIds.length > 1) multi.push(member);
    else add(member.networkIds[0] ?? 'detached', member);
  }
  const groups = new Map<string, Member[]>();
  for (const member of multi) {
    const key = [...member.networkIds].sort().join(' ');
    groups.set(key, [...(groups.get(key) ?? []), member]);
  }
  return { regions, single, multi, groups };
}

interface Drawing {
  lines: string[];
  nodeTargets: Record<string, RevealTarget>;
  /** Network id -> its node, where multi-homed containers' edges end. */
  networkNodes: Map<string, string>;
  nodeCount: number;
  edgeCount: number;
  bridges: string[];
  stopped: string[];
}

const quoted = (lines: string[]) => `"${lines.map(escapeLabel).join('<br/>')}"`;

function memberLines(member: Member, networkId: string | undefined, options: DiagramOptions): string[] {
  const addresses = options.showIPs ? (networkId ? member.addresses.get(networkId) ?? [] : [...member.addresses.values()].flat()) : [];
  return [member.title, ...(addresses.length > 0 ? [addresses.join(', ')] : [])];
}

/**
 * The containers of a node, several to a line: name and address (3 to a line), or names only
 * (6 to a line) when there are more than NAMES_ONLY_ABOVE — lines that fit the 800 px wrap.
 */
function listLines(members: Member[], networkId: string | undefined, options: DiagramOptions): string[] {
  const namesOnly = members.length > NAMES_ONLY_ABOVE;
  const perLine = namesOnly ? 6 : 3;
  const lines: string[] = [];
  for (let i = 0; i < members.length; i += perLine) {
    const slice = members.slice(i, i + perLine);
    lines.push(slice.map((member) => (namesOnly ? member.title : memberLines(member, networkId, options).join(' '))).join('  ·  '));
  }
  return lines;
}

/**
 * Columns for `count` boxes so that the grid is GRID_ASPECT times as wide as tall: narrower than
 * the 14:9 panel, since the other regions and the multi-homed groups stand beside it (bench).
 */
function columnsFor(count: number, boxAspect: number): number {
  return Math.max(1, Math.min(count, Math.round(Math.sqrt((count * GRID_ASPECT) / boxAspect))));
}

/** Invisible links that stack `ids` in `columns` columns (each id under the one `columns` before it). */
function gridLinks(ids: string[], columns: number, indent: string): string[] {
  const lines: string[] = [];
  for (let i = columns; i < ids.length; i++) {
    lines.push(`${indent}${ids[i - columns]} ~~~ ${ids[i]}`);
  }
  return lines;
}

function drawMembers(drawing: Drawing, members: Member[], networkId: string | undefined, options: DiagramOptions, indent: string): string[] {
  const ids: string[] = [];
  for (const member of members) {
    const id = mermaidId('ct', member.ns.id);
    drawing.lines.push(`${indent}${id}[${quoted(memberLines(member, networkId, options))}]`);
    drawing.nodeTargets[id] = { kind: 'container', id: member.ownerId };
    if (member.ns.stopped) drawing.stopped.push(id);
    drawing.nodeCount++;
    ids.push(id);
  }
  return ids;
}

/** A network as one node: its name, driver and gateway, then its own containers (see listLines). */
function drawNetwork(drawing: Drawing, network: TopoNetwork, members: Member[], context: OverviewContext): { id: string; lines: string[] } {
  const { options, overview } = context;
  const node = mermaidId('nw', network.id);
  const joined = members.length + context.plan.multi.filter((member) => member.networkIds.includes(network.id)).length;
  const gateway = options.showIPs ? context.gateways.get(network.id) : undefined;
  const lines = [networkTitle(network, joined, overview), ...(gateway ? [gateway] : [])];
  lines.push(...listLines(members, network.id, options));
  drawing.lines.push(`    ${node}[${quoted(lines)}]`);
  drawing.nodeTargets[node] = { kind: 'network', id: network.id };
  drawing.networkNodes.set(network.id, node);
  drawing.bridges.push(node);
  drawing.nodeCount++;
  return { id: node, lines };
}

/**
 * Width / height of the average network node with its spacing, estimated from its text: about
 * 8 px a character and 24 px a line at Mermaid's 16 px font, lines wrapped at WRAP_PX, 30 px of
 * padding, the directive's node and rank spacing. The grid's columns follow from it.
 */
function boxAspect(nodes: string[][]): number {
  let width = 0;
  let height = 0;
  for (const lines of nodes) {
    const widest = Math.max(...lines.map((line) => line.length * 8));
    width += Math.min(WRAP_PX, widest) + 30 + 24;
    height += lines.reduce((sum, line) => sum + Math.ceil((line.length * 8) / WRAP_PX), 0) * 24 + 30 + 28;
  }
  return width / height;
}

interface OverviewContext {
  plan: Plan;
  options: DiagramOptions;
  labels: DiagramLabels;
  overview: OverviewLabels;
  /** Network id -> its gateway address(es) as the anchor interface shows them. */
  gateways: Map<string, string>;
  networkNames: Map<string, string>;
}

/** A region of containers with no network of their own (host mode, none): one subgraph, a grid. */
function drawLooseRegion(drawing: Drawing, key: 'host' | 'detached', title: string, context: OverviewContext): void {
  const members = context.plan.single.get(key) ?? [];
  if (members.length === 0) return;
  const sg = `region_${key}`;
  drawing.lines.push(`  subgraph ${sg}[${quoted([title])}]`, '    direction TB');
  const ids = drawMembers(drawing, members, undefined, context.options, '    ');
  drawing.lines.push(...gridLinks(ids, columnsFor(ids.length, 2.5), '    '), '  end');
}

function gatewaysOf(shown: Topology): Map<string, string> {
  const interfaces = new Map(shown.namespaces.flatMap((ns) => ns.interfaces).map((iface) => [iface.id, iface]));
  const gateways = new Map<string, string>();
  for (const network of shown.networks) {
    const addresses = network.anchorInterfaceIds.flatMap((id) => interfaces.get(id)?.addresses ?? []);
    if (addresses.length > 0) gateways.set(network.id, addresses.join(', '));
  }
  return gateways;
}

/** A region (bridge, swarm, macvlan/ipvlan networks): one subgraph, its networks' nodes in a grid. */
function drawRegion(drawing: Drawing, key: 'bridge' | 'swarm' | 'macvlan', title: string, context: OverviewContext): void {
  const networks = context.plan.regions.get(key) ?? [];
  if (networks.length === 0) return;
  const sg = `region_${key}`;
  drawing.lines.push(`  subgraph ${sg}[${quoted([title])}]`, '    direction TB');
  const nodes = networks.map((network) => drawNetwork(drawing, network, context.plan.single.get(network.id) ?? [], context));
  const ids = nodes.map((node) => node.id);
  drawing.lines.push(...gridLinks(ids, columnsFor(ids.length, boxAspect(nodes.map((node) => node.lines))), '    '));
  // Containers joining networks of this region only sit inside it, under their networks.
  drawMultiHomed(drawing, context, key, '    ');
  drawing.lines.push('  end');
}

/** The region a multi-homed group is drawn in: its networks' when they share one, none (outside) otherwise. */
function groupRegion(member: Member, context: OverviewContext): RegionKey | undefined {
  const regions = new Set(member.networkIds.map((networkId) => [...context.plan.regions].find(([, networks]) => networks.some((network) => network.id === networkId))?.[0]));
  return regions.size === 1 ? [...regions][0] : undefined;
}

/**
 * The overview of the whole host (see the file's comment). Same result shape as generateMermaid:
 * `nodeTargets` point at networks and containers, so a click focuses them; `interfaceNodes` is
 * empty (no interface is drawn on its own) and `collapsed` is true.
 */
export function generateOverview(topology: Topology, options: DiagramOptions, labels: DiagramLabels, overview: OverviewLabels = ENGLISH_OVERVIEW_LABELS): DiagramResult {
  const shown = filterTopology(topology, options);
  const context: OverviewContext = { plan: plan(shown, labels), options, labels, overview, gateways: gatewaysOf(shown), networkNames: new Map(shown.networks.map((network) => [network.id, network.name])) };
  const drawing: Drawing = { lines: [], nodeTargets: {}, networkNodes: new Map(), nodeCount: 0, edgeCount: 0, bridges: [], stopped: [] };
  // Regions side by side (invisible links between the subgraphs made the drawing wider, not taller: bench).
  drawRegion(drawing, 'bridge', overview.bridgeRegion, context);
  drawRegion(drawing, 'swarm', overview.swarmRegion, context);
  drawRegion(drawing, 'macvlan', overview.macvlanRegion, context);
  drawLooseRegion(drawing, 'host', overview.hostRegion, context);
  drawLooseRegion(drawing, 'detached', overview.detachedRegion, context);
  drawMultiHomed(drawing, context, undefined, '  ');
  const level = `%% ${labels.probeLevel} ${topology.level} (${topology.reason})`;
  const styles = ['  classDef bridge stroke-width:2px', '  classDef stopped stroke-dasharray:6 4'];
  if (drawing.bridges.length > 0) styles.push(`  class ${drawing.bridges.join(',')} bridge`);
  if (drawing.stopped.length > 0) styles.push(`  class ${drawing.stopped.join(',')} stopped`);
  const lines = [LAYOUT_DIRECTIVE, 'flowchart TB', level, `%% ${overview.overviewComment}`, ...drawing.lines, ...styles];
  return { text: lines.join('\n') + '\n', nodeTargets: drawing.nodeTargets, interfaceNodes: {}, nodeCount: drawing.nodeCount, edgeCount: drawing.edgeCount, collapsed: true };
}

/**
 * Containers on several networks, grouped by the networks they join: one node per group, outside
 * every network, linked from each of its networks' nodes (so dagre places it below them, between
 * them). A group of one reveals its container; a larger group lists its containers and reveals
 * its first network.
 */
function drawMultiHomed(drawing: Drawing, context: OverviewContext, region: RegionKey | undefined, indent: string): void {
  for (const [key, members] of context.plan.groups) {
    if (groupRegion(members[0], context) !== region) continue;
    const networkIds = members[0].networkIds;
    const id = mermaidId('mh', key);
    const names = networkIds.map((networkId) => context.networkNames.get(networkId) ?? networkId);
    const lines = [`${context.overview.multiHomedRegion}: ${names.join(' + ')}`];
    lines.push(...listLines(members, undefined, context.options));
    drawing.lines.push(`${indent}${id}[${quoted(lines)}]`);
    drawing.nodeTargets[id] = members.length === 1 ? { kind: 'container', id: members[0].ownerId } : { kind: 'network', id: networkIds[0] };
    drawing.nodeCount++;
    for (const networkId of networkIds) {
      drawing.lines.push(`${indent}${drawing.networkNodes.get(networkId)!} --- ${id}`);
      drawing.edgeCount++;
    }
  }
}

/** Container namespaces a whole-host diagram would draw with these options. */
export function containerNamespaceCount(topology: Topology, options: DiagramOptions): number {
  return filterTopology(topology, options).namespaces.filter((ns) => ns.kind === 'container').length;
}

/**
 * The rule: the whole host, collapsing left automatic, and more than OVERVIEW_THRESHOLD container
 * namespaces or more than OVERVIEW_NETWORKS networks with a region (not host, not none).
 */
export function overviewApplies(topology: Topology, scope: TopologyScope, options: DiagramOptions): boolean {
  if (scope.kind !== 'host' || options.collapse !== 'auto') return false;
  const networks = topology.networks.filter((network) => regionOf(network) !== undefined && regionOf(network) !== 'host').length;
  return networks > OVERVIEW_NETWORKS || containerNamespaceCount(topology, options) > OVERVIEW_THRESHOLD;
}

/**
 * The diagram the panel shows and the CLI prints by default: the overview for the whole host when
 * it has more than OVERVIEW_THRESHOLD container namespaces and collapsing is left automatic; the
 * full plumbing (generateMermaid) otherwise — a scope, a lab-sized host, or `collapse` set by hand.
 */
export function chooseDiagram(topology: Topology, scope: TopologyScope, options: DiagramOptions, labels: DiagramLabels, overview: OverviewLabels = ENGLISH_OVERVIEW_LABELS): DiagramResult {
  if (overviewApplies(topology, scope, options)) {
    return generateOverview(topology, options, labels, overview);
  }
  return generateMermaid(topology, scope, options, labels);
}
