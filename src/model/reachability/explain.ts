/**
 * The explanation: from the engine's facts alone (the inventory and container inspections), the
 * networks A and B share, the names A can use for B there, and every rule that stops A from
 * reaching B, each with its fix. Pure: data and codes, no sentences.
 */
import type { ContainerModel, EndpointModel, Inventory, NetworkModel } from '../inventory';
import { InspectionOf, namesByNetwork, namesOn } from './names';
import { ResolvedSide, resolveSide, sideFacts } from './sides';
import { apiAtLeast, GATEWAY_MODE_API, GATEWAY_MODE_OPTION } from '../engineFeatures';
import type { Blocker, Note, ReachQuestion, ReachSide, SharedNetwork, VerdictValue } from './types';
import type { EngineCli } from '../engineProduct';
import { offHostAddress, podmanCrossing, type PodmanFacts } from './podmanRules';

export interface ExplainInput {
  inventory: Inventory;
  inspectionOf: InspectionOf;
  question: ReachQuestion;
  /** The host's addresses by device name (from the host probe): a macvlan parent's address. */
  hostAddresses?: Record<string, string[]>;
  /** The engine's API version: a gateway mode option means something from API 1.46 (Docker 27) on. */
  apiVersion?: string;
  /** The command line the fixes' commands name (`podman` on Podman); default `docker`. */
  cli?: EngineCli;
  /** Set on Podman: its own rules between networks apply (podmanRules.ts), with what the host's packet filter says. */
  podman?: PodmanFacts;
}

/** An address the observation may try, and what the explanation expects there. */
export interface ExpectedTarget {
  address: string;
  networkId?: string;
  expected: 'pass' | 'fail';
  /** A published port on the host (host -> container), instead of the container's own port. */
  hostPort?: number;
  /** Not to be sent: the host has no route to it, the packets would leave this machine (Podman's internal networks). */
  withheld?: true;
}

export interface Explanation {
  question: ReachQuestion;
  effectiveFrom: ReachSide;
  effectiveTo: ReachSide;
  sharedNetworks: SharedNetwork[];
  blockers: Blocker[];
  notes: Note[];
  verdict: VerdictValue;
  targets: ExpectedTarget[];
  /** For a question by name: whether it should resolve for A. */
  nameExpected?: 'pass' | 'fail';
  /** Every address of B (the observation sends packets to these only). */
  targetAddresses: string[];
  /** The bridges on the path (the packet-filter reading looks at rules naming them). */
  bridges: string[];
  /** No network in common, yet routed through the host (Podman): the networks A's packets leave and reach B by. */
  route?: { fromNetworkId: string; toNetworkId: string };
}

interface Context {
  input: ExplainInput;
  from: ResolvedSide;
  to: ResolvedSide;
  blockers: Blocker[];
  notes: Note[];
  /** B's addresses reached through the host without a network in common (Podman). */
  routed: ExpectedTarget[];
  route?: Explanation['route'];
}

const ICC_OPTION = 'com.docker.network.bridge.enable_icc';

export function iccEnabled(network: NetworkModel): boolean {
  return network.driver !== 'bridge' || network.options[ICC_OPTION] !== 'false';
}

function isChildDriver(network: NetworkModel | undefined): boolean {
  return network?.driver === 'macvlan' || network?.driver === 'ipvlan';
}

function addressOf(endpoint: EndpointModel | undefined): string | undefined {
  return endpoint?.ipv4 ?? endpoint?.ipv6;
}

export function explainReach(input: ExplainInput): Explanation {
  const from = resolveSide(input.inventory, input.question.from);
  const to = resolveSide(input.inventory, input.question.to);
  const source = sideFacts('source', from, input.cli);
  const target = sideFacts('target', to, input.cli);
  const ctx: Context = { input, from, to, blockers: [...source.blockers, ...target.blockers], notes: [...source.notes, ...target.notes], routed: [] };
  const shared = sharedNetworksOf(ctx);
  if (from.container && to.container && to.mode === 'container' && from.mode === 'container') {
    containerRules(ctx, shared);
  } else if (from.effective.kind === 'host' && to.container && to.mode === 'container') {
    hostToContainerRules(ctx, shared);
  } else if (from.container && to.effective.kind === 'host') {
    containerToHostRules(ctx, shared);
  }
  nameRules(ctx, shared);
  const verdict: VerdictValue = ctx.blockers.length === 0 && (shared.some((network) => network.usable) || ctx.routed.length > 0) ? 'reachable' : 'unreachable';
  return {
    question: input.question,
    effectiveFrom: from.effective,
    effectiveTo: to.effective,
    sharedNetworks: shared,
    blockers: ctx.blockers,
    notes: ctx.notes,
    verdict,
    targets: targetsOf(ctx, shared, verdict),
    nameExpected: input.question.name === undefined ? undefined : nameExpectation(ctx, shared),
    targetAddresses: targetAddressesOf(ctx, shared),
    bridges: bridgesOf(ctx),
    ...(ctx.route ? { route: ctx.route } : {}),
  };
}

/** The networks both sides are on; for the host, the networks the host reaches directly. */
function sharedNetworksOf(ctx: Context): SharedNetwork[] {
  const { inventory } = ctx.input;
  const a = ctx.from.container;
  const b = ctx.to.container;
  const running = (!a || a.running) && (!b || b.running) && (!ctx.from.borrower || ctx.from.borrower.running) && (!ctx.to.borrower || ctx.to.borrower.running);
  if (a && b) {
    return a.memberships.flatMap((mine) => {
      const theirs = b.memberships.find((candidate) => candidate.networkId === mine.networkId);
      const network = inventory.networkById.get(mine.networkId);
      if (!theirs || !network) {
        return [];
      }
      const names = namesOn(network, a, b, ctx.input.inspectionOf);
      const usable = running && iccEnabled(network) && network.driver !== 'host' && network.driver !== 'null' && Boolean(addressOf(theirs));
      const shared = sharedNetwork(network, addressOf(mine), addressOf(theirs), names, usable);
      // Dual stack on both sides: B's IPv6 address is probed too (ip6tables may drop what iptables lets through).
      return [mine.ipv6 && theirs.ipv4 && theirs.ipv6 ? { ...shared, toAddress6: theirs.ipv6 } : shared];
    });
  }
  const container = a ?? b;
  if (!container || (ctx.from.effective.kind === 'host') === (ctx.to.effective.kind === 'host')) {
    return [];
  }
  return container.memberships.flatMap((endpoint) => {
    const network = inventory.networkById.get(endpoint.networkId);
    if (!network || network.driver === 'null' || network.driver === 'host') {
      return [];
    }
    const hostAddress = isChildDriver(network) ? parentAddress(ctx, network) : endpoint.gateway;
    const usable = running && network.driver === 'bridge' && Boolean(addressOf(endpoint));
    return a
      ? [sharedNetwork(network, addressOf(endpoint), hostAddress, [], usable)]
      : [sharedNetwork(network, hostAddress, addressOf(endpoint), [], usable)];
  });
}

function parentAddress(ctx: Context, network: NetworkModel): string | undefined {
  const parent = network.options.parent;
  return parent ? ctx.input.hostAddresses?.[parent]?.[0]?.split('/')[0] : undefined;
}

function sharedNetwork(network: NetworkModel, fromAddress: string | undefined, toAddress: string | undefined, names: SharedNetwork['names'], usable: boolean): SharedNetwork {
  return {
    networkId: network.id,
    networkName: network.name,
    driver: network.driver,
    bridge: network.bridgeName,
    fromAddress,
    toAddress,
    names,
    internal: network.internal,
    icc: iccEnabled(network),
    usable,
  };
}

/** Container to container: isolation between bridges, internal networks, ICC. */
function containerRules(ctx: Context, shared: SharedNetwork[]): void {
  const a = ctx.from.container!;
  const b = ctx.to.container!;
  const { inventory } = ctx.input;
  if (shared.length === 0 && a.memberships.length > 0 && b.memberships.length > 0 && !podmanRules(ctx)) {
    const candidates = b.memberships.map((endpoint) => inventory.networkById.get(endpoint.networkId)).filter((network): network is NetworkModel => Boolean(network));
    const suggestion = candidates.find((network) => !network.predefined && !network.internal) ?? candidates[0];
    const source = ctx.from.borrower ?? a;
    ctx.blockers.push({
      rule: 'noCommonNetwork',
      params: { from: source.name, to: (ctx.to.borrower ?? b).name, fromNetworks: networkNames(a), toNetworks: networkNames(b) },
      fix: suggestion ? { code: 'connectNetwork', params: { network: suggestion.name, container: a.name }, command: [ctx.input.cli ?? 'docker', 'network', 'connect', suggestion.name, a.name] } : undefined,
      source: 'explained',
    });
    internalRule(ctx, a);
  }
  if (shared.length > 0 && !shared.some((network) => network.icc)) {
    for (const network of shared) {
      ctx.blockers.push({
        rule: 'iccDisabled',
        params: { network: network.networkName, bridge: network.bridge ?? '', option: `${ICC_OPTION}=false` },
        fix: { code: 'enableIcc', params: { network: network.networkName, option: `${ICC_OPTION}=true` } },
        source: 'explained',
      });
    }
  }
}

/** Podman routes between its networks (unless both are isolated): its rules replace Docker's isolation. False when they do not apply. */
function podmanRules(ctx: Context): boolean {
  const { podman } = ctx.input;
  if (!podman) {
    return false;
  }
  const a = ctx.from.container!;
  const b = ctx.to.container!;
  const crossing = podmanCrossing({
    a,
    b,
    fromName: (ctx.from.borrower ?? a).name,
    toName: (ctx.to.borrower ?? b).name,
    networkById: ctx.input.inventory.networkById,
    facts: podman,
    cli: ctx.input.cli ?? 'podman',
  });
  if (!crossing) {
    return false;
  }
  ctx.blockers.push(...crossing.blockers);
  ctx.notes.push(...crossing.notes);
  ctx.routed.push(...crossing.routed.map((target) => ({ ...target, expected: 'pass' as const })));
  ctx.route = crossing.route;
  return true;
}

function networkNames(container: ContainerModel): string {
  return container.memberships.map((endpoint) => endpoint.networkName).join(', ');
}

/** A on internal networks only: its packets never leave them (Docker drops them on the way out). */
function internalRule(ctx: Context, a: ContainerModel): void {
  const networks = a.memberships.map((endpoint) => ctx.input.inventory.networkById.get(endpoint.networkId));
  const internal = networks.filter((network) => network?.internal);
  if (internal.length > 0 && internal.length === networks.length) {
    ctx.blockers.push({
      rule: 'internalNetwork',
      params: { network: internal[0]!.name, container: a.name },
      fix: { code: 'useNonInternalNetwork', params: { network: internal[0]!.name, container: a.name } },
      source: 'explained',
    });
  }
}

/** A bridge network's IPv4 gateway mode (Docker 27+: `com.docker.network.bridge.gateway_mode_ipv4`; `nat` when unset). */
function gatewayModeOf(ctx: Context, network: SharedNetwork): string {
  // An older engine stores the option as typed and ignores it.
  if (!apiAtLeast(ctx.input.apiVersion, GATEWAY_MODE_API.routed)) {
    return 'nat';
  }
  return ctx.input.inventory.networkById.get(network.networkId)?.options[GATEWAY_MODE_OPTION[4]] ?? 'nat';
}

/**
 * Docker 28's gateway modes, seen from the host: `isolated` gives the host no address on the
 * bridge (it cannot reach the containers there); `routed` and `nat-unprotected` open the
 * containers' addresses to routed traffic from other hosts, which plain `nat` drops (raw PREROUTING).
 */
function gatewayModeRules(ctx: Context, shared: SharedNetwork[]): void {
  const b = ctx.to.borrower ?? ctx.to.container!;
  for (const network of shared.filter((candidate) => candidate.usable && candidate.driver === 'bridge')) {
    const mode = gatewayModeOf(ctx, network);
    if (mode === 'isolated') {
      network.usable = false;
      ctx.blockers.push({
        rule: 'isolatedGateway',
        params: { network: network.networkName, bridge: network.bridge ?? '', container: b.name, option: GATEWAY_MODE_OPTION[4] },
        fix: { code: 'reachFromNetwork', params: { network: network.networkName, container: b.name } },
        source: 'explained',
      });
    } else if (mode === 'routed' || mode === 'nat-unprotected') {
      ctx.notes.push({ code: mode === 'routed' ? 'gatewayRouted' : 'gatewayNatUnprotected', params: { network: network.networkName, container: b.name } });
    }
  }
}

/** The host to a container: bridges are routed from the host; macvlan/ipvlan children are not. */
function hostToContainerRules(ctx: Context, shared: SharedNetwork[]): void {
  const b = ctx.to.container!;
  childParentRule(ctx, shared, 'target');
  gatewayModeRules(ctx, shared);
  noHostGatewayRule(ctx, shared, 'target');
  if (shared.some((network) => network.usable)) {
    ctx.notes.push({ code: 'hostReachesBridgeDirectly', params: { container: (ctx.to.borrower ?? b).name } });
  }
  const port = ctx.input.question.port;
  const published = publishedPorts(ctx.input.inspectionOf(b.id));
  for (const binding of published) {
    ctx.notes.push({ code: 'publishedPort', params: { container: b.name, containerPort: binding.containerPort, hostIp: binding.hostIp, hostPort: binding.hostPort } });
  }
  if (port !== undefined && !published.some((binding) => binding.containerPort === `${port}/tcp`)) {
    ctx.notes.push({ code: 'portNotPublished', params: { container: b.name, port: String(port) } });
  }
}

function containerToHostRules(ctx: Context, shared: SharedNetwork[]): void {
  childParentRule(ctx, shared, 'source');
  noHostGatewayRule(ctx, shared, 'source');
  for (const network of shared.filter((candidate) => candidate.usable)) {
    ctx.notes.push({ code: 'targetIsHostViaGateway', params: { network: network.networkName, address: network.toAddress ?? '' } });
  }
}

/**
 * Podman's internal networks have no gateway: the host has no address on their bridges, so the host
 * and their containers cannot reach each other (host -> container would leave by the default route).
 */
function noHostGatewayRule(ctx: Context, shared: SharedNetwork[], containerSide: 'source' | 'target'): void {
  const gatewayless = shared.filter((network) => network.usable && ctx.input.inventory.networkById.get(network.networkId)?.noHostGateway);
  for (const network of gatewayless) {
    network.usable = false;
  }
  if (gatewayless.length === 0 || shared.some((network) => network.usable)) {
    return;
  }
  const container = containerSide === 'target' ? (ctx.to.borrower ?? ctx.to.container!) : (ctx.from.borrower ?? ctx.from.container!);
  const network = gatewayless[0]!;
  ctx.blockers.push(
    containerSide === 'target'
      ? {
          rule: 'internalNoHostRoute',
          params: { container: container.name, network: network.networkName, bridge: network.bridge ?? '', address: network.toAddress ?? '' },
          fix: { code: 'reachFromInternalNetwork', params: { container: container.name, network: network.networkName } },
          source: 'explained',
        }
      : {
          rule: 'internalNoRoute',
          params: { container: container.name, network: network.networkName },
          fix: { code: 'useNonInternalNetwork', params: { network: network.networkName, container: container.name } },
          source: 'explained',
        },
  );
}

/** A macvlan/ipvlan child and its parent host cannot talk to each other (the kernel's design). */
function childParentRule(ctx: Context, shared: SharedNetwork[], childSide: 'source' | 'target'): void {
  if (shared.some((network) => network.usable)) {
    return;
  }
  for (const network of shared.filter((candidate) => candidate.driver === 'macvlan' || candidate.driver === 'ipvlan')) {
    const parent = ctx.input.inventory.networkById.get(network.networkId)?.options.parent ?? '';
    ctx.blockers.push({
      rule: 'macvlanParent',
      params: { network: network.networkName, driver: network.driver, parent, side: childSide },
      fix: { code: 'macvlanShim', params: { network: network.networkName, driver: network.driver, parent } },
      source: 'explained',
    });
  }
}

interface PublishedPort {
  containerPort: string;
  hostIp: string;
  hostPort: string;
}

/** The published ports of a container (host -> container through the host's addresses). */
export function publishedPorts(inspection: ReturnType<InspectionOf>): PublishedPort[] {
  const ports = (inspection?.NetworkSettings as { Ports?: Record<string, { HostIp?: string; HostPort?: string }[] | null> } | undefined)?.Ports ?? {};
  return Object.entries(ports).flatMap(([containerPort, bindings]) =>
    (bindings ?? []).map((binding) => ({ containerPort, hostIp: binding.HostIp ?? '', hostPort: binding.HostPort ?? '' })),
  );
}

/** By name: which rule, if any, keeps the name from answering for A. */
function nameRules(ctx: Context, shared: SharedNetwork[]): void {
  const name = ctx.input.question.name;
  if (name === undefined) {
    return;
  }
  const blocker = nameBlocker(ctx, shared, name);
  if (blocker) {
    ctx.blockers.push({ ...blocker, source: 'explained' });
  }
}

function nameBlocker(ctx: Context, shared: SharedNetwork[], name: string): Omit<Blocker, 'source'> | undefined {
  const a = ctx.from.container;
  const askedTarget = ctx.to.borrower ?? ctx.to.container;
  if (ctx.from.effective.kind === 'host') {
    return { rule: ctx.from.borrower ? 'sourceHostMode' : 'hostHasNoContainerNames', params: { name, container: ctx.from.borrower?.name ?? '' }, fix: useAddressFix(shared) };
  }
  if (ctx.to.effective.kind === 'host') {
    return ctx.to.borrower
      ? { rule: 'targetHostMode', params: { name, container: ctx.to.borrower.name }, fix: useAddressFix(shared) }
      : { rule: 'nameUnknown', params: { name }, fix: useAddressFix(shared) };
  }
  if (!a || !askedTarget || !ctx.to.container || shared.some((network) => network.names.some((known) => known.name === name))) {
    return undefined;
  }
  if (ctx.to.borrower && (name === ctx.to.borrower.name || ctx.to.borrower.id.startsWith(name))) {
    return { rule: 'targetSharesStack', params: { name, container: ctx.to.borrower.name, owner: ctx.to.container.name }, fix: { code: 'useOwnerName', params: { owner: ctx.to.container.name } } };
  }
  return otherNetworkName(ctx, shared, name) ?? defaultBridgeName(ctx, shared, name) ?? noDnsName(ctx, shared, name) ?? unknownName(shared, name);
}

function useAddressFix(shared: SharedNetwork[]): Blocker['fix'] {
  const address = shared.find((network) => network.usable)?.toAddress;
  return address ? { code: 'useAddress', params: { address } } : undefined;
}

/** The name is B's on a network A is not on (an alias is per network). */
function otherNetworkName(ctx: Context, shared: SharedNetwork[], name: string): Omit<Blocker, 'source'> | undefined {
  const b = ctx.to.container!;
  const { inventory, inspectionOf } = ctx.input;
  const others = b.memberships.map((endpoint) => inventory.networkById.get(endpoint.networkId)).filter((network): network is NetworkModel => Boolean(network) && !shared.some((known) => known.networkId === network!.id));
  for (const [networkId, names] of namesByNetwork(others, b, inspectionOf)) {
    const network = inventory.networkById.get(networkId)!;
    const known = names.find((candidate) => candidate.name === name);
    if (known) {
      const a = ctx.from.container!;
      return {
        rule: 'aliasOnOtherNetwork',
        params: { name, network: network.name, source: known.source, sharedNetworks: shared.map((candidate) => candidate.networkName).join(', ') },
        fix: { code: 'connectNetwork', params: { network: network.name, container: a.name }, command: [ctx.input.cli ?? 'docker', 'network', 'connect', network.name, a.name] },
      };
    }
  }
  return undefined;
}

/** Every network in common has no DNS server (Podman's `dns_enabled: false`): no name resolves; the address does. */
function noDnsName(ctx: Context, shared: SharedNetwork[], name: string): Omit<Blocker, 'source'> | undefined {
  const withoutDns = shared.filter((network) => ctx.input.inventory.networkById.get(network.networkId)?.dnsDisabled);
  if (withoutDns.length === 0 || withoutDns.length < shared.length) {
    return undefined;
  }
  return { rule: 'noDnsOnNetwork', params: { name, network: withoutDns.map((network) => network.networkName).join(', ') }, fix: useAddressFix(shared) };
}

/** On the default bridge only `--link` gives names, and only to the container that declared it. */
function defaultBridgeName(ctx: Context, shared: SharedNetwork[], name: string): Omit<Blocker, 'source'> | undefined {
  const defaultBridge = shared.find((network) => ctx.input.inventory.networkById.get(network.networkId)?.predefined === 'bridge');
  if (!defaultBridge) {
    return undefined;
  }
  const a = ctx.from.container!;
  const b = ctx.to.container!;
  const reverse = b.links.find((link) => link.toId === a.id);
  if (reverse) {
    return {
      rule: 'linkOtherSideOnly',
      params: { name, network: defaultBridge.networkName, linkedFrom: b.name, linkedTo: a.name, alias: reverse.alias },
      fix: { code: 'addLink', params: { container: a.name, target: b.name } },
    };
  }
  return {
    rule: 'noNamesOnDefaultBridge',
    params: { name, network: defaultBridge.networkName },
    fix: { code: 'useUserDefinedNetwork', params: { from: a.name, to: b.name, cli: ctx.input.cli ?? 'docker' } },
  };
}

function unknownName(shared: SharedNetwork[], name: string): Omit<Blocker, 'source'> {
  const available = [...new Set(shared.flatMap((network) => network.names.map((known) => known.name)))];
  return available.length > 0
    ? { rule: 'nameUnknown', params: { name, available: available.join(', ') }, fix: { code: 'useAvailableName', params: { names: available.join(', ') } } }
    : { rule: 'nameUnknown', params: { name, available: '' }, fix: useAddressFix(shared) };
}

function nameExpectation(ctx: Context, shared: SharedNetwork[]): 'pass' | 'fail' {
  const name = ctx.input.question.name!;
  return shared.some((network) => network.names.some((known) => known.name === name)) ? 'pass' : 'fail';
}

/** Where the observation sends packets: B's address on each shared network, else on any of B's networks. */
function targetsOf(ctx: Context, shared: SharedNetwork[], verdict: VerdictValue): ExpectedTarget[] {
  const name = ctx.input.question.name;
  const expectedOn = (network: SharedNetwork) =>
    verdict === 'reachable' && network.usable && (name === undefined || network.names.some((known) => known.name === name) || ctx.to.effective.kind === 'host') ? 'pass' : 'fail';
  const targets: ExpectedTarget[] = shared.flatMap((network) =>
    [network.toAddress, network.toAddress6].filter((address): address is string => Boolean(address)).map((address) => ({ address, networkId: network.networkId, expected: expectedOn(network) })),
  );
  if (targets.length === 0) {
    targets.push(...ctx.routed.map((target) => ({ ...target, expected: verdict === 'reachable' && name === undefined ? target.expected : ('fail' as const) })));
  }
  if (targets.length === 0) {
    for (const endpoint of ctx.to.container?.memberships ?? []) {
      const address = addressOf(endpoint);
      if (address) {
        targets.push({ address, networkId: endpoint.networkId, expected: 'fail' });
      }
    }
  }
  return dedupeTargets(targets).map((target) => (withheld(ctx, target) ? { ...target, expected: 'fail', withheld: true } : target));
}

/** A target on a network without a gateway (Podman's internal ones), sought from off it: never sent (see podmanRules.ts). */
function withheld(ctx: Context, target: ExpectedTarget): boolean {
  if (!target.networkId) {
    return false;
  }
  const fromIsOnIt = ctx.from.effective.kind === 'container' && Boolean(ctx.from.container?.memberships.some((endpoint) => endpoint.networkId === target.networkId));
  return offHostAddress(ctx.input.inventory.networkById.get(target.networkId), fromIsOnIt);
}

function dedupeTargets(targets: ExpectedTarget[]): ExpectedTarget[] {
  const seen = new Set<string>();
  return targets.filter((target) => !seen.has(target.address) && Boolean(seen.add(target.address)));
}

function targetAddressesOf(ctx: Context, shared: SharedNetwork[]): string[] {
  if (ctx.to.effective.kind === 'host') {
    return shared.map((network) => network.toAddress).filter((address): address is string => Boolean(address));
  }
  return (ctx.to.container?.memberships ?? []).flatMap((endpoint) => [endpoint.ipv4, endpoint.ipv6]).filter((address): address is string => Boolean(address));
}

function bridgesOf(ctx: Context): string[] {
  const bridges = new Set<string>();
  for (const container of [ctx.from.container, ctx.to.container]) {
    for (const endpoint of container?.memberships ?? []) {
      const bridge = ctx.input.inventory.networkById.get(endpoint.networkId)?.bridgeName;
      if (bridge) {
        bridges.add(bridge);
      }
    }
  }
  return [...bridges];
}
