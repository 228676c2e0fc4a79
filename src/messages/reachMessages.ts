/**
 * The connectivity doctor's sentences, once for the command line (English: `englishTranslator`) and
 * the report the extension opens (`vscode.l10n`, translated by l10n/fr/reach.json). `{param}`
 * templates filled from the report's params: the model returns codes and params, the surface picks
 * the sentence. The two surfaces differ only where a terminal table wants shorter words
 * (CLI_OUTCOME_WORDS, CLI_NOT_REQUESTED).
 */
import type { EngineValueKind } from '../model/engineValues';
import type { CheckKind, CheckOutcome, FixCode, NoteCode, ObservationReason, PathHop, ReachPath, ReachSide, RuleCode } from '../model/reachability/types';
import { tableName } from '../model/reachability/packetFilter';
import type { Translator } from './translator';

type Params = Record<string, string>;
type Sentence = (params: Params, l10n: Translator) => string;
type Word = (l10n: Translator) => string;

export const RULES: Record<RuleCode, Sentence> = {
  noCommonNetwork: (p, l10n) =>
    l10n.t('{from} and {to} share no network ({from}: {fromNetworks}; {to}: {toNetworks}). Docker isolates bridge networks from each other: packets between them are dropped on the host.', p),
  internalNetwork: (p, l10n) => l10n.t('{container} is only on the internal network {network}: Docker drops every packet that would leave it.', p),
  isolatedGateway: (p, l10n) =>
    l10n.t('{network} uses the isolated gateway mode ({option}=isolated): the host has no address on its bridge {bridge}, so it cannot reach {container} there.', p),
  iccDisabled: (p, l10n) => l10n.t('Inter-container communication is disabled on {network} ({option}): the bridge {bridge} drops traffic between its containers.', p),
  sourceHostMode: (p, l10n) => l10n.t('{container} uses the host\'s network stack (--network host): it does not use Docker\'s embedded DNS, so "{name}" does not resolve there.', p),
  targetHostMode: (p, l10n) => l10n.t('{container} uses the host\'s network stack (--network host): it has no endpoint and no name on Docker networks, so "{name}" does not resolve.', p),
  sourceNoneMode: (p, l10n) => l10n.t('{container} has no network (--network none): only its loopback interface exists.', p),
  targetNoneMode: (p, l10n) => l10n.t('{container} has no network (--network none): nothing can reach it.', p),
  targetSharesStack: (p, l10n) => l10n.t('{container} shares the network stack of {owner} (--network container:{owner}): it has no endpoint of its own, so "{name}" does not resolve.', p),
  sourceStopped: (p, l10n) => l10n.t('{container} is not running: it has no network namespace to send from.', p),
  targetStopped: (p, l10n) => l10n.t('{container} is not running: it has no address now.', p),
  noNamesOnDefaultBridge: (p, l10n) => l10n.t('On the default bridge network ({network}) containers have no DNS names; only --link gives names, and "{name}" is not one of them.', p),
  noDnsOnNetwork: (p, l10n) => l10n.t('{network} has no DNS (Podman made it without its DNS server): container names such as "{name}" do not resolve there.', p),
  linkOtherSideOnly: (p, l10n) => l10n.t('The --link is on the other side only: {linkedFrom} links to {linkedTo} (as "{alias}"), which gives names to {linkedFrom} alone, not to {linkedTo}.', p),
  macvlanParent: (p, l10n) => l10n.t('A {driver} child on {network} and its parent interface {parent} on the host cannot talk to each other: the kernel does not pass traffic between them.', p),
  aliasOnOtherNetwork: (p, l10n) => l10n.t('"{name}" is a name of the target on {network} only; names are per network, and the networks in common ({sharedNetworks}) do not have it.', p),
  nameUnknown: (p, l10n) => l10n.t('"{name}" is not a name the source can use for the target.', p),
  hostHasNoContainerNames: (p, l10n) => l10n.t('The host does not use Docker\'s embedded DNS: container names such as "{name}" do not resolve there.', p),
  filterDrop: (p, l10n) => l10n.t('A packet-filter rule drops the traffic: {table} {chain}: {rule} ({packets} packets counted during the check).', p),
  portClosed: (p, l10n) => l10n.t('Nothing accepts connections on {address} port {port}: the connection was refused.', p),
  isolatedNetworks: (p, l10n) =>
    l10n.t(
      '{from} and {to} share no network, and both of their networks are isolated ({fromNetwork} and {toNetwork}, made with isolate=true or through the Docker-compatible API): Podman drops traffic between isolated networks on the host (CNI-ISOLATION-STAGE-2, from {fromBridge} to {toBridge}).',
      p,
    ),
  internalNoRoute: (p, l10n) => l10n.t('{container} is only on the internal network {network}, which has no gateway: it has no route off that network, so its packets never leave it.', p),
  internalNoHostRoute: (p, l10n) =>
    l10n.t(
      '{container} is only on the internal network {network}, which has no gateway: the host has no address on its bridge {bridge} and no route to {address} (packets for it would leave this machine by the default route), so nothing off {network} reaches it.',
      p,
    ),
};

export const FIXES: Record<FixCode, Sentence> = {
  connectNetwork: (p, l10n) => l10n.t('Connect {container} to {network}.', p),
  useUserDefinedNetwork: (p, l10n) => l10n.t('Put {from} and {to} on a user-defined network ({cli} network create, then {cli} network connect): names resolve there.', p),
  enableIcc: (p, l10n) => l10n.t('Recreate {network} without disabling inter-container communication ({option}), or use another network.', p),
  useNonInternalNetwork: (p, l10n) => l10n.t('Connect {container} to a network that is not internal, or the target to {network}.', p),
  reachFromNetwork: (p, l10n) => l10n.t('Reach {container} from a container on {network}, or recreate {network} with another gateway mode.', p),
  useBridgeNetwork: (p, l10n) => l10n.t('Recreate {container} with a network (--network NAME).', p),
  startContainer: (p, l10n) => l10n.t('Start {container}.', p),
  useOwnerName: (p, l10n) => l10n.t('Use the name of {owner}, whose network stack it shares.', p),
  addLink: (p, l10n) => l10n.t('Recreate {container} with --link {target}, or better, put both on a user-defined network.', p),
  useAvailableName: (p, l10n) => l10n.t('Use one of the names that resolve: {names}.', p),
  useAddress: (p, l10n) => l10n.t('Use the address {address}.', p),
  macvlanShim: (p, l10n) => l10n.t('Add a {driver} interface on the host on {parent} (a "shim") with an address of its own, and route to the containers through it.', p),
  removeFilterRule: (_p, l10n) => l10n.t('Remove the rule (or add an ACCEPT before it).'),
  startListener: (p, l10n) => l10n.t('Start a server listening on port {port} in the target, or pick the port it listens on.', p),
  publishPort: (_p, l10n) => l10n.t('Publish the port (docker run -p).'),
  reachFromInternalNetwork: (p, l10n) => l10n.t('Reach {container} from a container on {network}, or connect {container} to a network that is not internal as well.', p),
};

export const NOTES: Record<NoteCode, Sentence> = {
  sharesStackOf: (p, l10n) => l10n.t('{container} uses the network stack of {owner}.', p),
  targetIsHostViaGateway: (p, l10n) => l10n.t('The host answers on {network} at the gateway {address}.', p),
  publishedPort: (p, l10n) => l10n.t('{container} publishes {containerPort} on the host at {hostIp}:{hostPort}.', p),
  hostReachesBridgeDirectly: (p, l10n) => l10n.t('The host reaches {container} directly on its bridge networks.', p),
  gatewayRouted: (p, l10n) =>
    l10n.t('{network} uses the routed gateway mode: {container} is reached at its own address without NAT, from the host and from other hosts that have a route to it.', p),
  gatewayNatUnprotected: (p, l10n) =>
    l10n.t('{network} uses the nat-unprotected gateway mode: every port of {container} can be reached at its address by other hosts that have a route to it, not only its published ports.', p),
  portNotPublished: (p, l10n) => l10n.t('{container} does not publish port {port}; the host can still reach it at its own address.', p),
  routedBetweenNetworks: (p, l10n) =>
    l10n.t('{from} and {to} share no network, but Podman routes between its networks through the host: {from} reaches {to} at {address} on {toNetwork} (from {fromNetwork}).', p),
  masqueradedFromGateway: (p, l10n) => l10n.t('{to} sees these packets come from {gateway}, the host\'s address on {network}, not from {from}: Podman masquerades what leaves a network.', p),
  isolationFromApi: (p, l10n) =>
    l10n.t(
      'Whether {fromNetwork} and {toNetwork} are isolated was read from Podman\'s API alone, which can leave the isolate option out after a Docker-compatible call ({cli} network inspect shows it); the host\'s packet filter was not read (it needs root on the engine\'s machine).',
      p,
    ),
};

export const OBSERVATION_REASONS: Record<ObservationReason, Word> = {
  notRequested: (l10n) => l10n.t('Not verified: this is the explanation alone.'),
  remoteEngine: (l10n) => l10n.t('Not verified: the engine is on another machine.'),
  notLinux: (l10n) => l10n.t('Not verified: the engine does not run on this Linux machine.'),
  notRoot: (l10n) => l10n.t('Not verified: entering the container\'s namespace needs root.'),
  noTools: (l10n) => l10n.t('Not verified: the source has no ping/nc/nslookup, and entering its namespace with the host\'s tools needs root on the engine\'s machine.'),
  sourceStopped: (l10n) => l10n.t('Not verified: the source is not running.'),
  noNamespace: (l10n) => l10n.t('Not verified: the source\'s network namespace could not be found.'),
  noTargetAddress: (l10n) => l10n.t('Nothing to send packets to: the target has no address.'),
  socketNotOwned: (l10n) =>
    l10n.t('Not as root with nsenter: the engine\'s socket is owned neither by root nor by you, so the process ids and namespaces it gives are not trusted on this machine.'),
  portNotOwned: (l10n) =>
    l10n.t('Not as root with nsenter: the engine\'s loopback port is served by another user, so the process ids and namespaces it gives are not trusted on this machine.'),
  namespaceMismatch: (l10n) => l10n.t('Not as root with nsenter: the source\'s process (State.Pid) is not in the network namespace its SandboxKey names on this machine.'),
  targetOffHost: (l10n) => l10n.t('Nothing sent: the host has no route to the target\'s address; the packets would leave this machine by its default route.'),
};

export const OUTCOMES: Record<CheckOutcome | 'unknown' | 'notRun', Word> = {
  pass: (l10n) => l10n.t('passes'),
  fail: (l10n) => l10n.t('fails'),
  refused: (l10n) => l10n.t('refused'),
  skipped: (l10n) => l10n.t('skipped'),
  unknown: (l10n) => l10n.t('cannot say'),
  notRun: (l10n) => l10n.t('not run'),
};

export const CHECK_KINDS: Record<CheckKind, Word> = {
  dns: (l10n) => l10n.t('name resolution'),
  icmp: (l10n) => l10n.t('ping (ICMP echo)'),
  tcp: (l10n) => l10n.t('TCP connect'),
  filter: (l10n) => l10n.t('packet filter'),
};

/** What a refused engine field should have held. */
export const ENGINE_VALUE_KINDS: Record<EngineValueKind, Word> = {
  ipAddress: (l10n) => l10n.t('an IP address'),
  pid: (l10n) => l10n.t('a process id'),
  id: (l10n) => l10n.t('a 64-digit hexadecimal id'),
  interfaceName: (l10n) => l10n.t('a network interface name'),
  path: (l10n) => l10n.t('an absolute path'),
};

/** The command line's words for a check's outcome: one short word per column of its table. */
export const CLI_OUTCOME_WORDS: Record<CheckOutcome | 'unknown' | 'notRun', string> = {
  pass: 'pass',
  fail: 'fail',
  refused: 'refused',
  skipped: 'skipped',
  unknown: 'unknown',
  notRun: 'not run',
};

/** How a helper observation was made: the probes ran in a helper container on the engine, not on this machine. */
export const OBSERVED_THROUGH_HELPER: Sentence = (p, l10n) =>
  l10n.t('Observed from inside {container} through a helper container ({image}) on the engine, joined to its network namespace.', p);

/** The command line names the option that skipped the observation. */
export const CLI_NOT_REQUESTED = 'Not verified (--no-verify): this is the explanation alone.';

/** A side of the question: a container's name, or the host in the surface's words. */
export function sideName(side: ReachSide, host: string): string {
  return side.kind === 'host' ? host : side.name;
}

/** How a surface writes the parts of a path: names (a code span in Markdown), a dropping chain, a stop. */
export interface HopStyle {
  name(text: string): string;
  dropped(chain: string): string;
  stopped(blocker: string | undefined): string;
}

/** One hop of the packet's path, in the surface's style. */
export function hopText(hop: PathHop, style: HopStyle): string {
  if (hop.kind === 'drop') {
    return hop.rule ? style.dropped(hop.rule.chain) : style.stopped(hop.blocker);
  }
  const name = style.name(hop.name ?? hop.kind);
  return hop.seen === undefined ? name : `${name} (${hop.seen})`;
}

/**
 * The packet story in one sentence: the probes' packets counted on each captured hop, the hops
 * they never reached, and the rule whose counter grew. Undefined without a story.
 */
export function packetStoryText(path: ReachPath, l10n: Translator, style: HopStyle): string | undefined {
  const captured = path.hops.filter((hop) => hop.seen !== undefined);
  if (captured.length === 0) {
    return undefined;
  }
  const seen = captured.map((hop) => hopText(hop, style)).join(' → ');
  const unreached = (path.unreached ?? []).map((hop) => hopText(hop, style)).join(', ');
  const drop = path.dropAt !== undefined ? path.hops[path.dropAt]?.rule : undefined;
  const parts = [l10n.t('Packets of the check, captured on each hop: {hops}.', { hops: seen })];
  if (unreached) {
    parts.push(l10n.t('They never reached {hops}.', { hops: unreached }));
  } else if (path.dropAt === undefined) {
    parts.push(l10n.t('They reached every hop.'));
  }
  if (drop) {
    parts.push(l10n.t('Dropped by {table} {chain}: {rule} ({packets} packets).', { table: tableName(drop), chain: drop.chain, rule: drop.rule, packets: String(drop.packets) }));
  }
  return parts.join(' ');
}
