/**
 * The connectivity doctor's answer as plain data: can A reach B (by address, by a name, on a TCP
 * port), explained from the engine's facts, observed from inside A's network namespace, and where
 * it stops. Codes and parameters only: the CLI and the extension turn them into sentences.
 */

/** One side of the question: a container, or the host's own network namespace. */
export type ReachSide = { kind: 'container'; id: string; name: string } | { kind: 'host' };

export interface ReachQuestion {
  from: ReachSide;
  to: ReachSide;
  /** Reach B by this name (DNS, /etc/hosts); without it, by B's addresses. */
  name?: string;
  /** A TCP port to connect to; without it, ICMP echo. */
  port?: number;
}

/** Why a name answers for B on a network. `link`: a legacy `--link` entry in A's /etc/hosts. */
export type ReachNameSource = 'containerName' | 'alias' | 'containerId' | 'engine' | 'link';

export interface ReachName {
  name: string;
  source: ReachNameSource;
}

/** A network both sides are on (for the host: a bridge network of B, its gateway as the host's side). */
export interface SharedNetwork {
  networkId: string;
  networkName: string;
  driver: string;
  /** The host bridge device (docker0, br-<id12>, a custom name) for bridge networks. */
  bridge?: string;
  fromAddress?: string;
  toAddress?: string;
  /** B's IPv6 address here when both sides have IPv4 and IPv6 (dual stack): probed too, each family has its own filter. */
  toAddress6?: string;
  /** The names A can use for B here; empty on the default bridge without `--link`. */
  names: ReachName[];
  internal: boolean;
  /** False when the bridge has com.docker.network.bridge.enable_icc=false. */
  icc: boolean;
  /** Whether this network lets A reach B, from the engine's facts. */
  usable: boolean;
}

/** The rules that stop a connection (and what only observation can tell: a filter rule, a closed port). */
export type RuleCode =
  | 'noCommonNetwork'
  | 'internalNetwork'
  | 'isolatedGateway'
  | 'iccDisabled'
  | 'sourceHostMode'
  | 'targetHostMode'
  | 'sourceNoneMode'
  | 'targetNoneMode'
  | 'targetSharesStack'
  | 'sourceStopped'
  | 'targetStopped'
  | 'noNamesOnDefaultBridge'
  | 'noDnsOnNetwork'
  | 'linkOtherSideOnly'
  | 'macvlanParent'
  | 'aliasOnOtherNetwork'
  | 'nameUnknown'
  | 'hostHasNoContainerNames'
  | 'filterDrop'
  | 'portClosed'
  /** Podman: A and B are only on networks made with `isolate` (the CNI firewall plugin drops between them). */
  | 'isolatedNetworks'
  /** Podman: A is only on internal networks without a gateway: it has no route off them. */
  | 'internalNoRoute'
  /** Podman: B is only on internal networks without a gateway: the host has no address on their bridges, no route to B. */
  | 'internalNoHostRoute';

/** What would make it work; `command` is a docker (or iptables) argv the user may run. */
export type FixCode =
  | 'connectNetwork'
  | 'useUserDefinedNetwork'
  | 'enableIcc'
  | 'useNonInternalNetwork'
  | 'reachFromNetwork'
  | 'useBridgeNetwork'
  | 'startContainer'
  | 'useOwnerName'
  | 'addLink'
  | 'useAvailableName'
  | 'useAddress'
  | 'macvlanShim'
  | 'removeFilterRule'
  | 'startListener'
  | 'publishPort'
  | 'reachFromInternalNetwork';

export interface Fix {
  code: FixCode;
  params: Record<string, string>;
  command?: string[];
}

export interface Blocker {
  rule: RuleCode;
  params: Record<string, string>;
  fix?: Fix;
  /** `explained`: from the engine's facts; `observed`: seen on the path (a filter counter, a refused port). */
  source: 'explained' | 'observed';
}

/** Facts worth saying that do not block: a borrowed stack, a published port, the host via a gateway. */
export type NoteCode =
  | 'sharesStackOf'
  | 'targetIsHostViaGateway'
  | 'publishedPort'
  | 'hostReachesBridgeDirectly'
  | 'portNotPublished'
  | 'gatewayRouted'
  | 'gatewayNatUnprotected'
  /** Podman: no network in common, yet the host routes between Podman's networks. */
  | 'routedBetweenNetworks'
  /** Podman: B sees routed packets come from its network's gateway (the bridge plugin masquerades them). */
  | 'masqueradedFromGateway'
  /** Podman: whether a network is isolated came from its API alone, which may leave the option out. */
  | 'isolationFromApi';

export interface Note {
  code: NoteCode;
  params: Record<string, string>;
}

export type CheckKind = 'dns' | 'icmp' | 'tcp' | 'filter';

/** `pass`/`fail` for a check; `refused` a TCP port that answered with a reset; `skipped` not run. */
export type CheckOutcome = 'pass' | 'fail' | 'refused' | 'skipped';

export interface Check {
  kind: CheckKind;
  /** The name resolved, the address pinged or connected to, or the filter chain. */
  target: string;
  network?: string;
  port?: number;
  /** What the explanation predicts (`unknown`: it cannot say, e.g. whether a port listens). */
  expected: 'pass' | 'fail' | 'unknown';
  observed?: CheckOutcome;
  /** For dns: the addresses the name resolved to. */
  resolved?: string[];
  /** The tool's own words (trimmed), for the report's details. */
  detail?: string;
}

export type VerdictValue = 'reachable' | 'unreachable';

export interface Verdict {
  explained: VerdictValue;
  /** Undefined when not verified (--no-verify, or it could not be). */
  observed?: VerdictValue;
  /** The observation when there is one, else the explanation. */
  final: VerdictValue;
}

/** `helper`: through a probe helper container on the engine, joined to A's network namespace. */
export type ObservationMethod = 'nsenter' | 'dockerExec' | 'hostNamespace' | 'helper' | 'none';

/** Why the observation was not made or was made another way. */
export type ObservationReason =
  | 'notRequested'
  | 'remoteEngine'
  | 'notLinux'
  | 'notRoot'
  | 'noTools'
  | 'sourceStopped'
  | 'noNamespace'
  | 'noTargetAddress'
  /** Observed with docker exec, not as root: the engine's unix socket is not root's or the user's. */
  | 'socketNotOwned'
  /** Observed with docker exec, not as root: the engine's loopback port is served by another user. */
  | 'portNotOwned'
  /** Observed with docker exec, not as root: State.Pid's namespace is not the one SandboxKey names here. */
  | 'namespaceMismatch'
  /** Nothing sent: the host has no route to the target's addresses (they would leave this machine by its default route). */
  | 'targetOffHost';

export interface Observation {
  method: ObservationMethod;
  reason?: ObservationReason;
  /** Which tool ran (for the report): nsenter + the host's busybox, or docker exec. */
  tools?: string[];
}

/** A packet-filter rule as iptables-save (or nft) prints it, with its table and chain. */
export interface FilterRule {
  table: string;
  chain: string;
  /** The rule as `-A CHAIN …`, or `:CHAIN POLICY` for a chain's policy. */
  rule: string;
  target: string;
  /** Packets counted by this rule during the observation. */
  packets: number;
  /** Set for an IPv6 rule (ip6tables), absent for IPv4. */
  family?: 'ipv6';
  /** Set when the rule is in the legacy (x_tables) backend read beside the nft one. */
  legacy?: true;
  /**
   * Set for a rule of a native nftables table (`nft list ruleset`: Docker 29's nftables backend,
   * firewalld, a hand-made table): its table's family and the rule's handle, which is how nft
   * deletes it. `rule` is then nft's own words.
   */
  nftables?: NftablesPlace;
}

/** Where a native nftables rule is: the family of its table (ip, ip6, inet…) and its handle. */
export interface NftablesPlace {
  family: string;
  handle: number;
}

export interface Disagreement {
  explained: VerdictValue;
  observed: VerdictValue;
  /** The checks whose outcome differs from what the explanation predicted. */
  checks: CheckKind[];
  /** The filter rule seen dropping, when one was. */
  droppedBy?: FilterRule;
}

export type PathHopKind = 'interface' | 'veth' | 'bridge' | 'host' | 'drop';

export interface PathHop {
  kind: PathHopKind;
  /** The device name when known (eth0, vethabc123, br-0123456789ab, docker0). */
  name?: string;
  /** The topology namespace id (`ns:host`, `ns:ctr:<container id>`). */
  namespace?: string;
  /** The topology interface id (`ns:ctr:<id>/if:eth0`, `ns:host/if:br-<id12>`), when it is in the topology. */
  topologyId?: string;
  networkId?: string;
  /** For a `drop` hop: the rule that dropped (observed) or the rule code (explained). */
  rule?: FilterRule;
  blocker?: RuleCode;
  /**
   * The packet story (local engine, root): packets of the check's own probes captured on this hop
   * while the probes ran. Absent where nothing was captured (not an interface, or no capture ran).
   */
  seen?: number;
}

export interface ReachPath {
  hops: PathHop[];
  /** The network the path runs over, when there is one. */
  networkId?: string;
  /** Index of the `drop` hop, when the path stops. */
  dropAt?: number;
  /**
   * The packet story's hops past the last one the probes' packets were seen on, each with `seen: 0`
   * (where they vanished first): captured, never reached. Absent without a packet story.
   */
  unreached?: PathHop[];
}

export interface ReachReport {
  question: ReachQuestion;
  /** The engine answering (Docker or Podman): whose firewall and commands the report speaks of. */
  engine?: 'Docker' | 'Podman';
  /** What the source really uses: a `container:` mode container speaks through its owner. */
  effectiveFrom: ReachSide;
  effectiveTo: ReachSide;
  verdict: Verdict;
  sharedNetworks: SharedNetwork[];
  blockers: Blocker[];
  notes: Note[];
  checks: Check[];
  observation: Observation;
  disagreement?: Disagreement;
  path: ReachPath;
}
