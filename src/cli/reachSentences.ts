/**
 * The command line's English sentences for the connectivity doctor, one table per code family.
 * Templates with `{param}` placeholders filled from the report's params, so the extension can
 * mirror them key for key into its localized bundles (reach.rule.<code>, reach.fix.<code>, …).
 */
import type { EngineValueKind } from '../model/engineValues';
import type { CheckOutcome, FixCode, NoteCode, ObservationReason, RuleCode } from '../model/reachability/types';

export const RULE_SENTENCES: Record<RuleCode, string> = {
  noCommonNetwork:
    '{from} and {to} share no network ({from}: {fromNetworks}; {to}: {toNetworks}). Docker isolates bridge networks from each other: packets between them are dropped on the host.',
  internalNetwork: '{container} is only on the internal network {network}: Docker drops every packet that would leave it.',
  iccDisabled: 'Inter-container communication is disabled on {network} ({option}): the bridge {bridge} drops traffic between its containers.',
  sourceHostMode: '{container} uses the host\'s network stack (--network host): it does not use Docker\'s embedded DNS, so "{name}" does not resolve there.',
  targetHostMode: '{container} uses the host\'s network stack (--network host): it has no endpoint and no name on Docker networks, so "{name}" does not resolve.',
  sourceNoneMode: '{container} has no network (--network none): only its loopback interface exists.',
  targetNoneMode: '{container} has no network (--network none): nothing can reach it.',
  targetSharesStack: '{container} shares the network stack of {owner} (--network container:{owner}): it has no endpoint of its own, so "{name}" does not resolve.',
  sourceStopped: '{container} is not running: it has no network namespace to send from.',
  targetStopped: '{container} is not running: it has no address now.',
  noNamesOnDefaultBridge: 'On the default bridge network ({network}) containers have no DNS names; only --link gives names, and "{name}" is not one of them.',
  linkOtherSideOnly: 'The --link is on the other side only: {linkedFrom} links to {linkedTo} (as "{alias}"), which gives names to {linkedFrom} alone, not to {linkedTo}.',
  macvlanParent: 'A {driver} child on {network} and its parent interface {parent} on the host cannot talk to each other: the kernel does not pass traffic between them.',
  aliasOnOtherNetwork: '"{name}" is a name of the target on {network} only; names are per network, and the networks in common ({sharedNetworks}) do not have it.',
  nameUnknown: '"{name}" is not a name the source can use for the target.',
  hostHasNoContainerNames: 'The host does not use Docker\'s embedded DNS: container names such as "{name}" do not resolve there.',
  filterDrop: 'A packet-filter rule drops the traffic: {table} {chain}: {rule} ({packets} packets counted during the check).',
  portClosed: 'Nothing accepts connections on {address} port {port}: the connection was refused.',
};

export const FIX_SENTENCES: Record<FixCode, string> = {
  connectNetwork: 'Connect {container} to {network}.',
  useUserDefinedNetwork: 'Put {from} and {to} on a user-defined network (docker network create, then docker network connect): names resolve there.',
  enableIcc: 'Recreate {network} without disabling inter-container communication ({option}), or use another network.',
  useNonInternalNetwork: 'Connect {container} to a network that is not internal, or the target to {network}.',
  useBridgeNetwork: 'Recreate {container} with a network (--network NAME).',
  startContainer: 'Start {container}.',
  useOwnerName: 'Use the name of {owner}, whose network stack it shares.',
  addLink: 'Recreate {container} with --link {target}, or better, put both on a user-defined network.',
  useAvailableName: 'Use one of the names that resolve: {names}.',
  useAddress: 'Use the address {address}.',
  macvlanShim: 'Add a {driver} interface on the host on {parent} (a "shim") with an address of its own, and route to the containers through it.',
  removeFilterRule: 'Remove the rule (or add an ACCEPT before it).',
  startListener: 'Start a server listening on port {port} in the target, or pick the port it listens on.',
  publishPort: 'Publish the port (docker run -p).',
};

export const NOTE_SENTENCES: Record<NoteCode, string> = {
  sharesStackOf: '{container} uses the network stack of {owner}.',
  targetIsHostViaGateway: 'The host answers on {network} at the gateway {address}.',
  publishedPort: '{container} publishes {containerPort} on the host at {hostIp}:{hostPort}.',
  hostReachesBridgeDirectly: 'The host reaches {container} directly on its bridge networks.',
  portNotPublished: '{container} does not publish port {port}; the host can still reach it at its own address.',
};

export const OBSERVATION_REASONS: Record<ObservationReason, string> = {
  notRequested: 'Not verified (--no-verify): this is the explanation alone.',
  remoteEngine: 'Not verified: the engine is on another machine.',
  notLinux: 'Not verified: the engine does not run on this Linux machine.',
  notRoot: 'Not verified: entering the container\'s namespace needs root.',
  noTools: 'Not verified: the source has no ping/nc/nslookup, and entering its namespace with the host\'s tools needs root on the engine\'s machine.',
  sourceStopped: 'Not verified: the source is not running.',
  noNamespace: 'Not verified: the source\'s network namespace could not be found.',
  noTargetAddress: 'Nothing to send packets to: the target has no address.',
  socketNotOwned: 'Not as root with nsenter: the engine\'s socket is owned neither by root nor by you, so the process ids and namespaces it gives are not trusted on this machine.',
  portNotOwned: 'Not as root with nsenter: the engine\'s loopback port is served by another user, so the process ids and namespaces it gives are not trusted on this machine.',
  namespaceMismatch: 'Not as root with nsenter: the source\'s process (State.Pid) is not in the network namespace its SandboxKey names on this machine.',
};

export const OUTCOME_WORDS: Record<CheckOutcome | 'unknown', string> = {
  pass: 'pass',
  fail: 'fail',
  refused: 'refused',
  skipped: 'skipped',
  unknown: 'unknown',
};

/** What a refused engine field should have held. */
export const ENGINE_VALUE_KINDS: Record<EngineValueKind, string> = {
  ipAddress: 'an IP address',
  pid: 'a process id',
  id: 'a 64-digit hexadecimal id',
  interfaceName: 'a network interface name',
  path: 'an absolute path',
};

/** Fills `{param}` placeholders; a missing param stays visible as `{param}`. */
export function fill(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => params[key] ?? whole);
}
