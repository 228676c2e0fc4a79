/**
 * The connectivity doctor's sentences in the UI language: the same `{param}` templates as the
 * command line's English table (src/cli/reachSentences.ts), each written out as a literal so the
 * l10n bundles (l10n/fr/reach.json) translate them. A message table: the model returns codes and
 * params, the glue picks the sentence.
 */
import * as vscode from 'vscode';
import type { EngineValueKind } from '../model/engineValues';
import type { CheckKind, CheckOutcome, FixCode, NoteCode, ObservationReason, RuleCode } from '../model/reachability/types';

type Params = Record<string, string>;
type Sentence = (params: Params) => string;

export const RULES: Record<RuleCode, Sentence> = {
  noCommonNetwork: (p) =>
    vscode.l10n.t('{from} and {to} share no network ({from}: {fromNetworks}; {to}: {toNetworks}). Docker isolates bridge networks from each other: packets between them are dropped on the host.', p),
  internalNetwork: (p) => vscode.l10n.t('{container} is only on the internal network {network}: Docker drops every packet that would leave it.', p),
  iccDisabled: (p) => vscode.l10n.t('Inter-container communication is disabled on {network} ({option}): the bridge {bridge} drops traffic between its containers.', p),
  sourceHostMode: (p) => vscode.l10n.t('{container} uses the host\'s network stack (--network host): it does not use Docker\'s embedded DNS, so "{name}" does not resolve there.', p),
  targetHostMode: (p) => vscode.l10n.t('{container} uses the host\'s network stack (--network host): it has no endpoint and no name on Docker networks, so "{name}" does not resolve.', p),
  sourceNoneMode: (p) => vscode.l10n.t('{container} has no network (--network none): only its loopback interface exists.', p),
  targetNoneMode: (p) => vscode.l10n.t('{container} has no network (--network none): nothing can reach it.', p),
  targetSharesStack: (p) => vscode.l10n.t('{container} shares the network stack of {owner} (--network container:{owner}): it has no endpoint of its own, so "{name}" does not resolve.', p),
  sourceStopped: (p) => vscode.l10n.t('{container} is not running: it has no network namespace to send from.', p),
  targetStopped: (p) => vscode.l10n.t('{container} is not running: it has no address now.', p),
  noNamesOnDefaultBridge: (p) => vscode.l10n.t('On the default bridge network ({network}) containers have no DNS names; only --link gives names, and "{name}" is not one of them.', p),
  linkOtherSideOnly: (p) => vscode.l10n.t('The --link is on the other side only: {linkedFrom} links to {linkedTo} (as "{alias}"), which gives names to {linkedFrom} alone, not to {linkedTo}.', p),
  macvlanParent: (p) => vscode.l10n.t('A {driver} child on {network} and its parent interface {parent} on the host cannot talk to each other: the kernel does not pass traffic between them.', p),
  aliasOnOtherNetwork: (p) => vscode.l10n.t('"{name}" is a name of the target on {network} only; names are per network, and the networks in common ({sharedNetworks}) do not have it.', p),
  nameUnknown: (p) => vscode.l10n.t('"{name}" is not a name the source can use for the target.', p),
  hostHasNoContainerNames: (p) => vscode.l10n.t('The host does not use Docker\'s embedded DNS: container names such as "{name}" do not resolve there.', p),
  filterDrop: (p) => vscode.l10n.t('A packet-filter rule drops the traffic: {table} {chain}: {rule} ({packets} packets counted during the check).', p),
  portClosed: (p) => vscode.l10n.t('Nothing accepts connections on {address} port {port}: the connection was refused.', p),
};

export const FIXES: Record<FixCode, Sentence> = {
  connectNetwork: (p) => vscode.l10n.t('Connect {container} to {network}.', p),
  useUserDefinedNetwork: (p) => vscode.l10n.t('Put {from} and {to} on a user-defined network (docker network create, then docker network connect): names resolve there.', p),
  enableIcc: (p) => vscode.l10n.t('Recreate {network} without disabling inter-container communication ({option}), or use another network.', p),
  useNonInternalNetwork: (p) => vscode.l10n.t('Connect {container} to a network that is not internal, or the target to {network}.', p),
  useBridgeNetwork: (p) => vscode.l10n.t('Recreate {container} with a network (--network NAME).', p),
  startContainer: (p) => vscode.l10n.t('Start {container}.', p),
  useOwnerName: (p) => vscode.l10n.t('Use the name of {owner}, whose network stack it shares.', p),
  addLink: (p) => vscode.l10n.t('Recreate {container} with --link {target}, or better, put both on a user-defined network.', p),
  useAvailableName: (p) => vscode.l10n.t('Use one of the names that resolve: {names}.', p),
  useAddress: (p) => vscode.l10n.t('Use the address {address}.', p),
  macvlanShim: (p) => vscode.l10n.t('Add a {driver} interface on the host on {parent} (a "shim") with an address of its own, and route to the containers through it.', p),
  removeFilterRule: () => vscode.l10n.t('Remove the rule (or add an ACCEPT before it).'),
  startListener: (p) => vscode.l10n.t('Start a server listening on port {port} in the target, or pick the port it listens on.', p),
  publishPort: () => vscode.l10n.t('Publish the port (docker run -p).'),
};

export const NOTES: Record<NoteCode, Sentence> = {
  sharesStackOf: (p) => vscode.l10n.t('{container} uses the network stack of {owner}.', p),
  targetIsHostViaGateway: (p) => vscode.l10n.t('The host answers on {network} at the gateway {address}.', p),
  publishedPort: (p) => vscode.l10n.t('{container} publishes {containerPort} on the host at {hostIp}:{hostPort}.', p),
  hostReachesBridgeDirectly: (p) => vscode.l10n.t('The host reaches {container} directly on its bridge networks.', p),
  portNotPublished: (p) => vscode.l10n.t('{container} does not publish port {port}; the host can still reach it at its own address.', p),
};

export const OBSERVATION_REASONS: Record<ObservationReason, () => string> = {
  notRequested: () => vscode.l10n.t('Not verified: this is the explanation alone.'),
  remoteEngine: () => vscode.l10n.t('Not verified: the engine is on another machine.'),
  notLinux: () => vscode.l10n.t('Not verified: the engine does not run on this Linux machine.'),
  notRoot: () => vscode.l10n.t('Not verified: entering the container\'s namespace needs root.'),
  noTools: () => vscode.l10n.t('Not verified: the source has no ping/nc/nslookup, and entering its namespace with the host\'s tools needs root on the engine\'s machine.'),
  sourceStopped: () => vscode.l10n.t('Not verified: the source is not running.'),
  noNamespace: () => vscode.l10n.t('Not verified: the source\'s network namespace could not be found.'),
  noTargetAddress: () => vscode.l10n.t('Nothing to send packets to: the target has no address.'),
  socketNotOwned: () =>
    vscode.l10n.t('Not as root with nsenter: the engine\'s socket is owned neither by root nor by you, so the process ids and namespaces it gives are not trusted on this machine.'),
  portNotOwned: () =>
    vscode.l10n.t('Not as root with nsenter: the engine\'s loopback port is served by another user, so the process ids and namespaces it gives are not trusted on this machine.'),
  namespaceMismatch: () => vscode.l10n.t('Not as root with nsenter: the source\'s process (State.Pid) is not in the network namespace its SandboxKey names on this machine.'),
};

export const OUTCOMES: Record<CheckOutcome | 'unknown' | 'notRun', () => string> = {
  pass: () => vscode.l10n.t('passes'),
  fail: () => vscode.l10n.t('fails'),
  refused: () => vscode.l10n.t('refused'),
  skipped: () => vscode.l10n.t('skipped'),
  unknown: () => vscode.l10n.t('cannot say'),
  notRun: () => vscode.l10n.t('not run'),
};

export const CHECK_KINDS: Record<CheckKind, () => string> = {
  dns: () => vscode.l10n.t('name resolution'),
  icmp: () => vscode.l10n.t('ping (ICMP echo)'),
  tcp: () => vscode.l10n.t('TCP connect'),
  filter: () => vscode.l10n.t('packet filter'),
};

/** What a refused engine field should have held. */
export const ENGINE_VALUE_KINDS: Record<EngineValueKind, () => string> = {
  ipAddress: () => vscode.l10n.t('an IP address'),
  pid: () => vscode.l10n.t('a process id'),
  id: () => vscode.l10n.t('a 64-digit hexadecimal id'),
  interfaceName: () => vscode.l10n.t('a network interface name'),
  path: () => vscode.l10n.t('an absolute path'),
};
