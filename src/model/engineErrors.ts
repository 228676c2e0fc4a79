/**
 * Turns the errors that come back from the engine connection into a small set of causes the UI can
 * name. Pure: it looks only at the error's code, status and message.
 */

export type UnreachableCause =
  | 'socketMissing'
  | 'permissionDenied'
  | 'refused'
  | 'timeout'
  | 'tls'
  | 'ssh'
  | 'badHost'
  | 'unknownContext'
  | 'other';

export interface ErrorLike {
  code?: unknown;
  errno?: unknown;
  statusCode?: unknown;
  message?: unknown;
  reason?: unknown;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function classifyUnreachable(error: unknown): UnreachableCause {
  const e = (error ?? {}) as ErrorLike;
  const code = text(e.code);
  const message = text(e.message);
  const reason = text(e.reason);
  if (reason === 'badHost' || reason === 'unknownContext') {
    return reason;
  }
  if (reason === 'tlsFile') {
    return 'tls';
  }
  if (code === 'ENOENT' || /ENOENT/.test(message)) {
    return 'socketMissing';
  }
  if (code === 'EACCES' || code === 'EPERM' || /EACCES|permission denied/i.test(message)) {
    return 'permissionDenied';
  }
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE' || /ECONNREFUSED/.test(message)) {
    return 'refused';
  }
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || /timed? ?out/i.test(message)) {
    return 'timeout';
  }
  if (/^(CERT_|ERR_TLS|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_SSL)/.test(code) || /certificate|tls|ssl/i.test(message)) {
    return 'tls';
  }
  if (/ssh|handshake|authentication methods failed/i.test(message)) {
    return 'ssh';
  }
  return 'other';
}

// ---------------------------------------------------------------------------------------------
// Errors of network operations (create, connect, disconnect, remove, prune)

/**
 * What went wrong when the engine refused a network operation. Each kind is keyed on the message
 * dockerd 20.10 (API 1.41) really sends; the patterns were collected by triggering each case on the
 * real engine (see test/engine/actions.test.ts, which triggers them again).
 */
export type OperationErrorKind =
  | 'nameTaken'
  | 'poolOverlaps'
  | 'onlyOneInstance'
  | 'hostNetworkConnection'
  | 'sharedNamespace'
  | 'noneNetworkExclusive'
  | 'aliasNeedsUserNetwork'
  | 'staticIpNeedsUserNetwork'
  | 'staticIpNeedsSubnet'
  | 'addressInUse'
  | 'addressOutOfRange'
  | 'invalidSubnet'
  | 'endpointExists'
  | 'notConnected'
  | 'hasActiveEndpoints'
  | 'predefinedNetwork'
  | 'networkNotFound'
  | 'containerNotFound'
  | 'containerNotRunning'
  | 'driverNotFound'
  | 'swarmRequired'
  | 'swarmWorker'
  | 'notAttachable'
  | 'networkInUseByService'
  | 'parentInUse'
  | 'parentInvalid'
  | 'invalidDriverMode'
  | 'invalidOption'
  | 'noIpv6Pool'
  | 'noIpv4Pool'
  | 'notSupported'
  | 'nameReserved'
  | 'driverUnsupported'
  | 'noNetworksMode'
  | 'unreachable'
  | 'unknown';

export interface OperationError {
  kind: OperationErrorKind;
  /** Values taken from the engine's message (names, addresses, interfaces). */
  params: Record<string, string>;
  /** The engine's own message, for the log and the "details" of a message. */
  engineMessage: string;
  statusCode?: number;
}

interface OperationRule {
  kind: OperationErrorKind;
  pattern: RegExp;
  /** Names of the pattern's capture groups, in order. */
  captures?: string[];
}

/** Most specific first. */
const OPERATION_RULES: OperationRule[] = [
  { kind: 'nameTaken', pattern: /network with name (\S+) already exists/i, captures: ['name'] },
  { kind: 'onlyOneInstance', pattern: /only one instance of "([^"]+)" network is allowed/i, captures: ['driver'] },
  { kind: 'poolOverlaps', pattern: /Pool overlaps with other one on this address space/i },
  { kind: 'poolOverlaps', pattern: /conflicts with network \S+ \(([^)]+)\): networks have overlapping/i, captures: ['other'] },
  { kind: 'hostNetworkConnection', pattern: /container cannot be disconnected from host network or connected to host network/i },
  { kind: 'hostNetworkConnection', pattern: /cannot (?:connect container to|disconnect container from) host network/i },
  { kind: 'sharedNamespace', pattern: /container sharing network namespace with another container or host cannot be connected to any other network/i },
  { kind: 'containerNotRunning', pattern: /cannot join network of a non running container: (\S+)/i, captures: ['container'] },
  { kind: 'noneNetworkExclusive', pattern: /one of the networks in private \(none\) mode/i },
  { kind: 'aliasNeedsUserNetwork', pattern: /network-scoped alias is supported only for containers in user defined networks/i },
  { kind: 'staticIpNeedsUserNetwork', pattern: /user specified IP address is supported on user defined networks only/i },
  { kind: 'staticIpNeedsSubnet', pattern: /user specified IP address is supported only when connecting to networks with user configured subnets/i },
  { kind: 'addressOutOfRange', pattern: /failed to allocate gateway \(([^)]+)\): Requested address is out of range/i, captures: ['address'] },
  { kind: 'addressInUse', pattern: /failed to allocate gateway \(([^)]+)\): Address already in use/i, captures: ['address'] },
  { kind: 'addressInUse', pattern: /Address already in use/i },
  { kind: 'addressOutOfRange', pattern: /Invalid address (\S+): It does not belong to any of this network's subnets/i, captures: ['address'] },
  { kind: 'addressOutOfRange', pattern: /Requested address is out of range/i },
  // Docker 28's wording (API 1.51): recorded in test/fixtures/engine-1.51/engine-errors.json.
  { kind: 'addressOutOfRange', pattern: /invalid gateway (\S+): parent subnet \S+ doesn't contain this address/i, captures: ['address'] },
  { kind: 'addressOutOfRange', pattern: /no configured subnet or ip-range contain the IP address (\S+)/i, captures: ['address'] },
  { kind: 'invalidSubnet', pattern: /Invalid subnet (\S+)/i, captures: ['subnet'] },
  { kind: 'endpointExists', pattern: /endpoint with name (\S+) already exists in network (\S+)/i, captures: ['container', 'network'] },
  { kind: 'notConnected', pattern: /container (\S+) is not connected to (?:the )?network (\S+)/i, captures: ['container', 'network'] },
  { kind: 'hasActiveEndpoints', pattern: /network (\S+) id \S+ has active endpoints/i, captures: ['network'] },
  { kind: 'hasActiveEndpoints', pattern: /has active endpoints/i },
  { kind: 'predefinedNetwork', pattern: /(\S+) is a pre-defined network and cannot be removed/i, captures: ['network'] },
  { kind: 'containerNotFound', pattern: /No such container: (\S+)/i, captures: ['container'] },
  { kind: 'containerNotRunning', pattern: /Container (\S+) is not running/i, captures: ['container'] },
  { kind: 'networkNotFound', pattern: /network (\S+) not found/i, captures: ['network'] },
  { kind: 'networkNotFound', pattern: /No such network: (\S+)/i, captures: ['network'] },
  { kind: 'driverNotFound', pattern: /plugin "([^"]+)" not found/i, captures: ['driver'] },
  { kind: 'notAttachable', pattern: /network (\S+) not manually attachable/i, captures: ['network'] },
  { kind: 'networkInUseByService', pattern: /network (\S+) is in use by service (\S+)/i, captures: ['network', 'service'] },
  { kind: 'swarmWorker', pattern: /Worker nodes can't be used to view or modify cluster state|from a worker node/i },
  { kind: 'swarmRequired', pattern: /This node is not a swarm manager/i },
  { kind: 'parentInUse', pattern: /network (\S+) is already using parent interface (\S+)/i, captures: ['network', 'parent'] },
  { kind: 'parentInvalid', pattern: /invalid subinterface vlan name (\S+?),/i, captures: ['parent'] },
  { kind: 'invalidDriverMode', pattern: /requested (macvlan|ipvlan) mode '([^']*)' is not valid/i, captures: ['driver', 'mode'] },
  { kind: 'invalidOption', pattern: /failed to parse (\S+) value: (\S+)/i, captures: ['option', 'value'] },
  { kind: 'noIpv6Pool', pattern: /could not find an available, non-overlapping IPv6 address pool/i },
  { kind: 'noIpv4Pool', pattern: /could not find an available, non-overlapping IPv4 address pool/i },
  { kind: 'notSupported', pattern: /operation not supported/i },
  // Podman 4.3's wording through its Docker-compatible API: recorded in test/fixtures/podman-4.3/engine-errors.json.
  { kind: 'addressOutOfRange', pattern: /gateway (\S+) not in subnet \S+/i, captures: ['address'] },
  { kind: 'addressOutOfRange', pattern: /requested static ip (\S+) not in any subnet/i, captures: ['address'] },
  { kind: 'addressInUse', pattern: /failed to allocate all requested IPs: (\S+)/i, captures: ['address'] },
  { kind: 'addressInUse', pattern: /requested IP address (\S+) is not available in range set/i, captures: ['address'] },
  { kind: 'poolOverlaps', pattern: /subnet (\S+) is already used on the host or by another config/i, captures: ['subnet'] },
  { kind: 'nameTaken', pattern: /network name (\S+) already used/i, captures: ['name'] },
  { kind: 'nameReserved', pattern: /cannot create network with name "([^"]+)" because it conflicts with a valid network mode/i, captures: ['name'] },
  { kind: 'driverUnsupported', pattern: /unsupported driver (\S+?): invalid argument/i, captures: ['driver'] },
  { kind: 'parentInvalid', pattern: /parent interface (\S+) does not exist/i, captures: ['parent'] },
  { kind: 'invalidDriverMode', pattern: /unknown (macvlan|ipvlan) mode "([^"]*)"/i, captures: ['driver', 'mode'] },
  { kind: 'endpointExists', pattern: /container (\S+) is already connected to network "([^"]+)"/i, captures: ['container', 'network'] },
  // A container in host, none or another container's stack: Podman names no mode (`"" is not supported`).
  { kind: 'noNetworksMode', pattern: /is not supported: invalid network mode/i },
  { kind: 'containerNotFound', pattern: /no container with name or ID "([^"]+)" found/i, captures: ['container'] },
  { kind: 'networkNotFound', pattern: /unable to find network with name or ID (\S+): network not found/i, captures: ['network'] },
  { kind: 'networkNotFound', pattern: /^network not found$/i },
  { kind: 'hasActiveEndpoints', pattern: /"([^"]+)" has associated containers with it/i, captures: ['network'] },
];

/** The engine's message without dockerode's "(HTTP code 409) unexpected - " prefix. */
export function engineMessageOf(error: unknown): string {
  const e = (error ?? {}) as ErrorLike & { json?: unknown };
  const json = e.json as { message?: unknown } | undefined;
  if (json && typeof json.message === 'string') {
    return json.message.trim();
  }
  const message = text(e.message);
  return message.replace(/^\(HTTP code \d+\)\s+[^-]*-\s*/, '').trim();
}

export function classifyOperationError(error: unknown): OperationError {
  const e = (error ?? {}) as ErrorLike;
  const statusCode = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const engineMessage = engineMessageOf(error);
  if (statusCode === undefined && classifyUnreachable(error) !== 'other') {
    return { kind: 'unreachable', params: { cause: classifyUnreachable(error) }, engineMessage, statusCode };
  }
  for (const rule of OPERATION_RULES) {
    const match = rule.pattern.exec(engineMessage);
    if (match) {
      const params: Record<string, string> = {};
      (rule.captures ?? []).forEach((name, index) => {
        params[name] = match[index + 1] ?? '';
      });
      return { kind: rule.kind, params, engineMessage, statusCode };
    }
  }
  return { kind: 'unknown', params: {}, engineMessage, statusCode };
}
