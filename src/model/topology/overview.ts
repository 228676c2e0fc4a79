/**
 * The whole-host overview for large hosts: laid out by network instead of by veth end. Each network
 * is one node: its name, driver and gateway, then the containers attached to it alone (names,
 * wrapped; the first few and how many more on a crowded network); a click focuses the network,
 * whose own diagram shows every veth end. Containers on several networks are grouped by the
 * networks they join, one node per group drawn between those networks, in a subgraph of its own
 * (a "joined cell") so that its links stay inside it. No edge joins two containers. The bridge
 * networks stand in a grid; the joined cells, the swarm (overlay) and macvlan/ipvlan regions,
 * host mode and no network are stacked beside it (overviewGrid.ts chooses the columns and the
 * line width that suit the panel's real size best, readable first). `overviewApplies` is the rule the panel and the CLI
 * share (through diagramPlan.ts). Pure; engine strings go through `escapeLabel`.
 */
import type { RevealTarget } from '../revealTarget';
import { DiagramLabels, DiagramResult, escapeLabel, mermaidId } from './mermaid';
import { bestColumns, CLUSTER_PAD, DEFAULT_PANEL, fitScore, LINK_GAP, NODE_GAP, nodeSize, ROOT_RANK_GAP, rowsOf, SidePlace, Size, TITLE_PX, wrapNames } from './overviewGrid';
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
  /** After the names a node lists: how many more ({0}) its drill-down shows. */
  more: string;
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
  more: '{0} more',
};

/**
 * Whole-host diagrams with more container namespaces than this, or more drawn networks than
 * OVERVIEW_NETWORKS, are drawn as the overview. `npm run bench`, section 5 (30 networks, fitted
 * to 1400 x 900, node text at that scale): full plumbing 2.2 px with 5 containers, 2.1 px with 24,
 * 0.2 px and a 6 s render with 500; the overview 15.2, 12.7, 10.8 (150) and 10.4 px (500), each
 * drawn in under 1 s. The recorded lab (12 containers, 9 networks drawn) keeps its full plumbing
 * (3.1 px fitted: read by zooming, every veth end there) as the issue asks.
 */
export const OVERVIEW_THRESHOLD = 20;
export const OVERVIEW_NETWORKS = 12;

/** A network node's first line: name, driver (and mode), gateway. */
function networkTitle(network: TopoNetwork, gateway: string | undefined): string {
  const driver = network.mode ? `${network.driver} ${network.mode}` : network.driver;
  return [network.name, driver, ...(gateway ? [gateway] : [])].join(' · ');
}

/**
 * Mermaid's layout settings for the overview (a directive: the panel's and the CLI's Mermaid take
 * it from the text): labels wrap at 800 px instead of 200 (the lines are made shorter than that
 * here), nodes and ranks closer than the defaults (50). See overviewGrid.ts for the sizes.
 */
const LAYOUT_DIRECTIVE = `%%{init: {"flowchart": {"wrappingWidth": 800, "nodeSpacing": ${NODE_GAP}, "rankSpacing": ${ROOT_RANK_GAP}, "padding": 6}}}%%`;
/** Above this many containers, a node lists their names only (a click on the network shows their addresses). */
const NAMES_ONLY_ABOVE = 4;
/** A node lists at most this many containers. */
const LISTED_AT_MOST = 10;
/** Characters a line of names may take: the one that fits the panel best is chosen (bestLayout). */
const LINE_WIDTHS = [18, 24, 30, 38, 48, 60];

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
  // The networks in the engine's order (`drawn`'s), not the interfaces' (eth0 first when the host was
  // read, the API's order when the overview was drawn from the host namespace alone): one picture either way.
  const ordered = new Map([...drawn].filter((id) => addresses.has(id)).map((id) => [id, addresses.get(id) ?? []]));
  return { ns, ownerId: owner.id, title: ns.stopped ? `${names} (${labels.stopped})` : names, addresses: ordered, networkIds: [...ordered.keys()] };
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

const quoted = (lines: string[]) => `"${lines.map(escapeLabel).join('<br/>')}"`;

/** A container as listed in a node: its name, and its addresses when the node lists few. */
function entry(member: Member, networkId: string | undefined, options: DiagramOptions, namesOnly: boolean): string {
  if (namesOnly || !options.showIPs) return member.title;
  const addresses = networkId ? member.addresses.get(networkId) ?? [] : [...member.addresses.values()].flat();
  return addresses.length > 0 ? `${member.title} ${addresses.join(' ')}` : member.title;
}

/**
 * The containers of a node after `head`, wrapped at `width` characters: names and addresses, names
 * only above NAMES_ONLY_ABOVE; above LISTED_AT_MOST, the first ones and how many more (a click on
 * the network lists them all).
 */
function listLines(members: Member[], networkId: string | undefined, options: DiagramOptions, overview: OverviewLabels, width: number, head: string): string[] {
  if (members.length === 0) return [head.replace(/ ·$/, '')];
  const namesOnly = members.length > NAMES_ONLY_ABOVE;
  const listed = members.length > LISTED_AT_MOST ? members.slice(0, LISTED_AT_MOST - 2) : members;
  const entries = listed.map((member) => entry(member, networkId, options, namesOnly));
  if (listed.length < members.length) entries.push(overview.more.replace('{0}', String(members.length - listed.length)));
  return wrapNames(entries, width, `${head} `);
}

interface OverviewContext {
  plan: Plan;
  options: DiagramOptions;
  labels: DiagramLabels;
  overview: OverviewLabels;
  /** Network id -> its gateway address(es) as the anchor interface shows them. */
  gateways: Map<string, string>;
  networkNames: Map<string, string>;
  /** The host and none networks, targets of a click on the host-mode and no-network nodes. */
  hostNetworkId?: string;
  noneNetworkId?: string;
  /** The panel's size (px) the layout is chosen for. */
  panel: Size;
}

/** One Mermaid node of the overview, before it is written. */
interface Box {
  id: string;
  lines: string[];
  target: RevealTarget;
  kind: 'network' | 'group' | 'list';
}

/** One cell of a grid: a node alone, or networks with the multi-homed containers between them. */
interface Cell {
  boxes: Box[];
  /** Links of a joined cell, in order, so that dagre (left to right) puts each group between its networks. */
  links: [string, string][];
  size: Size;
  key: string;
  /** A joined cell's direction: left to right, or top to bottom for long chains (bestLayout tries both). */
  direction?: Direction;
}

type Direction = 'LR' | 'TB';

/** One candidate of bestLayout: the width of the name lines, the direction of the joined cells. */
interface LineLayout {
  width: number;
  direction: Direction;
}

function networkBox(network: TopoNetwork, context: OverviewContext, width: number): Box {
  const { options, overview, plan: p } = context;
  const members = p.single.get(network.id) ?? [];
  const joined = members.length + p.multi.filter((member) => member.networkIds.includes(network.id)).length;
  const gateway = options.showIPs ? context.gateways.get(network.id) : undefined;
  const lines = [networkTitle(network, gateway), ...listLines(members, network.id, options, overview, width, `${overview.containers} ${joined} ·`)];
  return { id: mermaidId('nw', network.id), lines, target: { kind: 'network', id: network.id }, kind: 'network' };
}

/** A group of multi-homed containers: the networks it joins, then its containers. */
function groupBox(key: string, members: Member[], context: OverviewContext, width: number): Box {
  const networkIds = members[0].networkIds;
  const names = networkIds.map((networkId) => context.networkNames.get(networkId) ?? networkId);
  const lines = listLines(members, undefined, context.options, context.overview, width, `${names.join(' + ')}:`);
  const target: RevealTarget = members.length === 1 ? { kind: 'container', id: members[0].ownerId } : { kind: 'network', id: networkIds[0] };
  return { id: mermaidId('mh', key), lines, target, kind: 'group' };
}

/** The size of a joined cell: one rank per step of its links, left to right (LR) or top to bottom (TB). */
function joinedSize(boxes: Box[], links: [string, string][], direction: Direction): Size {
  const rank = new Map<string, number>([[boxes[0].id, 0]]);
  for (const [from, to] of links) if (!rank.has(to)) rank.set(to, (rank.get(from) ?? 0) + 1);
  const across = direction === 'LR' ? (size: Size) => size.height : (size: Size) => size.width;
  const along = direction === 'LR' ? (size: Size) => size.width : (size: Size) => size.height;
  const ranks = new Map<number, { along: number; across: number }>();
  for (const box of boxes) {
    const size = nodeSize(box.lines);
    const at = rank.get(box.id) ?? 0;
    const current = ranks.get(at);
    ranks.set(at, current ? { along: Math.max(current.along, along(size)), across: current.across + NODE_GAP + across(size) } : { along: along(size), across: across(size) });
  }
  const all = [...ranks.values()];
  const length = all.reduce((sum, r) => sum + r.along, 0) + LINK_GAP * (all.length - 1);
  const breadth = Math.max(...all.map((r) => r.across));
  const [width, height] = direction === 'LR' ? [length, breadth] : [breadth, length];
  return { width: width + 2 * CLUSTER_PAD, height: height + 2 * CLUSTER_PAD + TITLE_PX };
}

/** Networks joined by multi-homed containers: breadth first from `start`, network, group, its other networks... */
function joinedCell(start: TopoNetwork, context: OverviewContext, layout: LineLayout, placed: Set<string>): Cell {
  const { width, direction } = layout;
  const networks = new Map([...context.plan.regions.values()].flat().map((network) => [network.id, network]));
  const boxes: Box[] = [];
  const links: [string, string][] = [];
  const queue = [start.id];
  const seenGroups = new Set<string>();
  placed.add(start.id);
  while (queue.length > 0) {
    const networkId = queue.shift()!;
    const from = networkBox(networks.get(networkId)!, context, width);
    boxes.push(from);
    for (const [key, members] of context.plan.groups) {
      if (seenGroups.has(key) || !members[0].networkIds.includes(networkId)) continue;
      seenGroups.add(key);
      const box = groupBox(key, members, context, width);
      boxes.push(box);
      links.push([from.id, box.id]);
      for (const other of members[0].networkIds.filter((id) => id !== networkId)) {
        links.push([box.id, mermaidId('nw', other)]);
        if (!placed.has(other)) {
          placed.add(other);
          queue.push(other);
        }
      }
    }
  }
  return { boxes, links, size: joinedSize(boxes, links, direction), key: start.id, direction };
}

/** Host-mode containers, or containers on no network: one node listing them. */
function looseCell(key: 'host' | 'detached', title: string, context: OverviewContext, width: number): Cell | undefined {
  const members = context.plan.single.get(key) ?? [];
  if (members.length === 0) return undefined;
  const networkId = key === 'host' ? context.hostNetworkId : context.noneNetworkId;
  const target: RevealTarget = networkId ? { kind: 'network', id: networkId } : { kind: 'container', id: members[0].ownerId };
  const box: Box = { id: `region_${key}`, lines: [title, ...listLines(members, undefined, context.options, context.overview, width, `${context.overview.containers} ${members.length} ·`)], target, kind: 'list' };
  return { boxes: [box], links: [], size: nodeSize(box.lines), key };
}

type GridKey = 'bridge' | 'swarm' | 'macvlan' | 'joined';

interface Region {
  key: GridKey;
  title: string;
  cells: Cell[];
  columns: number;
}

/** The regions' cells for one width of the name lines: networks alone in their region, joined ones in the `joined` region. */
function regionsFor(context: OverviewContext, layout: LineLayout): Region[] {
  const { width } = layout;
  const { overview, plan: p } = context;
  const joinedIds = new Set([...p.groups.values()].flatMap((members) => members[0].networkIds));
  const placed = new Set<string>();
  const titles: Record<GridKey, string> = { bridge: overview.bridgeRegion, swarm: overview.swarmRegion, macvlan: overview.macvlanRegion, joined: overview.multiHomedRegion };
  const cells = new Map<GridKey, Cell[]>();
  for (const key of ['bridge', 'swarm', 'macvlan'] as const) {
    for (const network of p.regions.get(key) ?? []) {
      if (placed.has(network.id)) continue;
      const grid: GridKey = joinedIds.has(network.id) ? 'joined' : key;
      const box = networkBox(network, context, width);
      const cell = grid === 'joined' ? joinedCell(network, context, layout, placed) : { boxes: [box], links: [], size: nodeSize(box.lines), key: network.id };
      cells.set(grid, [...(cells.get(grid) ?? []), cell]);
    }
  }
  // Taller cells first: rows of alike heights waste less room.
  return [...cells].map(([key, list]) => ({ key, title: titles[key], cells: list.sort((a, b) => b.size.height - a.size.height), columns: 1 }));
}

/** The layout that suits the panel best (fitScore), over the widths of the name lines and each region's columns. */
function bestLayout(context: OverviewContext): { main?: Region; side: Region[]; loose: Cell[]; place: SidePlace } {
  let best: { main?: Region; side: Region[]; loose: Cell[]; place: SidePlace; score: number } | undefined;
  for (const layout of LINE_WIDTHS.flatMap((width) => (['LR', 'TB'] as const).map((direction) => ({ width, direction })))) {
    const { width } = layout;
    const regions = regionsFor(context, layout);
    const main = regions.find((region) => region.key === 'bridge');
    const side = regions.filter((region) => region !== main);
    const loose = [looseCell('host', context.overview.hostRegion, context, width), looseCell('detached', context.overview.detachedRegion, context, width)].filter((cell): cell is Cell => cell !== undefined);
    const sizes = (region: Region) => region.cells.map((cell) => cell.size);
    const chosen = bestColumns(main ? sizes(main) : [], side.map(sizes), loose.map((cell) => cell.size), context.panel);
    if (main) main.columns = chosen.main;
    side.forEach((region, i) => (region.columns = chosen.side[i]));
    const score = fitScore(chosen.size, context.panel);
    if (!best || score > best.score + 1e-9) best = { main, side, loose, place: chosen.place, score };
  }
  return best!;
}

interface Drawing {
  nodeTargets: Record<string, RevealTarget>;
  nodeCount: number;
  edgeCount: number;
  classes: Map<string, string[]>;
  /** Subgraphs drawn without fill: the joined cells. */
  plain: string[];
  /** Subgraphs drawn without fill or border: the column beside the main region. */
  invisible: string[];
}

/** Mermaid lines of one cell: a node, or a subgraph (its direction) with its links inside. */
function cellLines(cell: Cell, indent: string, drawing: Drawing): { id: string; lines: string[] } {
  const joined = cell.links.length > 0;
  const id = joined ? mermaidId('cell', cell.key) : cell.boxes[0].id;
  const inner = joined ? `${indent}  ` : indent;
  const lines = joined ? [`${indent}subgraph ${id}[" "]`, `${inner}direction ${cell.direction ?? 'LR'}`] : [];
  if (joined) drawing.plain.push(id);
  for (const box of cell.boxes) {
    lines.push(`${inner}${box.id}[${quoted(box.lines)}]`);
    drawing.nodeTargets[box.id] = box.target;
    drawing.classes.set(box.kind, [...(drawing.classes.get(box.kind) ?? []), box.id]);
    drawing.nodeCount++;
  }
  for (const [from, to] of cell.links) lines.push(`${inner}${from} --- ${to}`);
  drawing.edgeCount += cell.links.length;
  if (joined) lines.push(`${indent}end`);
  return { id, lines };
}

/** A region: a subgraph `direction LR` whose rows are cells chained by invisible links (see overviewGrid.ts). */
function regionLines(region: Region, drawing: Drawing, indent: string): string[] {
  const inner = `${indent}  `;
  const lines = [`${indent}subgraph region_${region.key}[${quoted([region.title])}]`, `${inner}direction LR`];
  for (const row of rowsOf(region.cells.length, region.columns)) {
    const cells = row.map((index) => cellLines(region.cells[index], inner, drawing));
    lines.push(...cells.flatMap((cell) => cell.lines));
    if (cells.length > 1) lines.push(`${inner}${cells.map((cell) => cell.id).join(' ~~~ ')}`);
  }
  lines.push(`${indent}end`);
  return lines;
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

/**
 * The overview of the whole host (see the file's comment). Same result shape as generateMermaid:
 * `nodeTargets` point at networks and containers, so a click focuses them; `interfaceNodes` is
 * empty (no interface is drawn on its own) and `collapsed` is true.
 */
export function generateOverview(topology: Topology, options: DiagramOptions, labels: DiagramLabels, overview: OverviewLabels = ENGLISH_OVERVIEW_LABELS, panel: Size = DEFAULT_PANEL): DiagramResult {
  const shown = filterTopology(topology, options);
  const context: OverviewContext = {
    panel,
    plan: plan(shown, labels), options, labels, overview, gateways: gatewaysOf(shown),
    networkNames: new Map(shown.networks.map((network) => [network.id, network.name])),
    hostNetworkId: shown.networks.find((network) => network.driver === 'host')?.id,
    noneNetworkId: shown.networks.find((network) => network.driver === 'null')?.id,
  };
  const layout = bestLayout(context);
  const drawing: Drawing = { nodeTargets: {}, nodeCount: 0, edgeCount: 0, classes: new Map(), plain: [], invisible: [] };
  // The main region and the column beside it side by side (the root is top to bottom: unlinked,
  // they share its one rank); the column (`direction LR`) stacks its regions.
  const body = layout.main ? regionLines(layout.main, drawing, '  ') : [];
  if (layout.side.length > 0 || layout.loose.length > 0) {
    body.push('  subgraph side[" "]', '    direction LR');
    for (const cell of [...layout.loose].reverse()) body.push(...cellLines(cell, '    ', drawing).lines);
    for (const region of [...layout.side].reverse()) body.push(...regionLines(region, drawing, '    '));
    body.push('  end');
    drawing.invisible.push('side');
    // A narrow panel: the column under the main region (one rank below it), not beside it.
    if (layout.place === 'below' && layout.main) body.push(`  region_${layout.main.key} ~~~ side`);
  }
  const level = `%% ${labels.probeLevel} ${topology.level} (${topology.reason})`;
  const styles = ['  classDef network stroke-width:2px'];
  const networks = drawing.classes.get('network') ?? [];
  if (networks.length > 0) styles.push(`  class ${networks.join(',')} network`);
  for (const id of drawing.plain) styles.push(`  style ${id} fill:none`);
  for (const id of drawing.invisible) styles.push(`  style ${id} fill:none,stroke:none`);
  const lines = [LAYOUT_DIRECTIVE, 'flowchart TB', level, `%% ${overview.overviewComment}`, ...body, ...styles];
  return { text: lines.join('\n') + '\n', nodeTargets: drawing.nodeTargets, interfaceNodes: {}, links: [], nodeCount: drawing.nodeCount, edgeCount: drawing.edgeCount, collapsed: true };
}

/** Container namespaces a whole-host diagram would draw with these options. */
export function containerNamespaceCount(topology: Topology, options: DiagramOptions): number {
  return filterTopology(topology, options).namespaces.filter((ns) => ns.kind === 'container').length;
}

/** Why a whole-host diagram is the overview: more networks, or more container namespaces, than it draws in full. */
export type OverviewReason = { kind: 'networks' | 'containers'; count: number; limit: number };

/** Networks with a region (not host, not none): those the overview draws as boxes. */
function regionNetworkCount(topology: Topology): number {
  return topology.networks.filter((network) => regionOf(network) !== undefined && regionOf(network) !== 'host').length;
}

/**
 * Why the rule draws the overview, or undefined when it does not: the whole host, collapsing left
 * automatic, and more than OVERVIEW_NETWORKS networks with a region (not host, not none) or more than
 * OVERVIEW_THRESHOLD container namespaces.
 */
export function overviewReason(topology: Topology, scope: TopologyScope, options: DiagramOptions): OverviewReason | undefined {
  if (scope.kind !== 'host' || options.collapse !== 'auto') return undefined;
  const networks = regionNetworkCount(topology);
  if (networks > OVERVIEW_NETWORKS) return { kind: 'networks', count: networks, limit: OVERVIEW_NETWORKS };
  const containers = containerNamespaceCount(topology, options);
  return containers > OVERVIEW_THRESHOLD ? { kind: 'containers', count: containers, limit: OVERVIEW_THRESHOLD } : undefined;
}

/** The rule (overviewReason): whether a whole-host diagram is drawn as the overview. */
export function overviewApplies(topology: Topology, scope: TopologyScope, options: DiagramOptions): boolean {
  return overviewReason(topology, scope, options) !== undefined;
}
