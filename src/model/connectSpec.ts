/**
 * Connecting a container to a network: what may be connected at all, network-scoped aliases and
 * static addresses (against the network's subnets and the addresses in use there). Pure.
 */
import { Address, addressFamily, addressInCidr, Family, isNetworkOrBroadcast, parseAddress, parseCidr, sameAddress } from './addresses';
import { SubnetFacts, subnetFacts } from './subnetFacts';
import { ContainerModel, isUserDefinedNetwork, NetworkModel } from './inventory';
import { issue, ValidationField, ValidationIssue } from './validation';
import { engineFeatures, GW_PRIORITY_API, GW_PRIORITY_MAX, GW_PRIORITY_MIN } from './engineFeatures';

export interface ConnectSpec {
  aliases: string[];
  ipv4Address?: string;
  ipv6Address?: string;
  /** `--gw-priority` (API 1.48+): the endpoint with the highest one gives the container its default gateway. */
  gwPriority?: number;
}

/** A gateway priority as typed: an integer (a sign, digits) within what the engine and JSON carry; empty: none. */
export function parseGatewayPriority(text: string): { value?: number; issue?: ValidationIssue } {
  const typed = text.trim();
  if (!typed) {
    return {};
  }
  const value = Number(typed);
  if (!/^[-+]?\d+$/.test(typed) || !Number.isSafeInteger(value)) {
    return { issue: gatewayPriorityIssue(typed) };
  }
  return { value };
}

function gatewayPriorityIssue(value: string): ValidationIssue {
  return issue('gwPriorityInvalid', 'gwPriority', { value, min: String(GW_PRIORITY_MIN), max: String(GW_PRIORITY_MAX) });
}

/** A gateway priority about to be sent: an engine that has the field (else it would drop it), and a value in range. */
export function validateGatewayPriority(priority: number | undefined, apiVersion: string | undefined): ValidationIssue | undefined {
  if (priority === undefined) {
    return undefined;
  }
  if (!engineFeatures(apiVersion).gatewayPriority) {
    return issue('gwPriorityUnsupported', 'gwPriority', { value: String(priority), api: apiVersion ?? '?', needed: GW_PRIORITY_API });
  }
  return Number.isSafeInteger(priority) ? undefined : gatewayPriorityIssue(String(priority));
}

/** One DNS label: letters, digits, "_" and "-", not starting or ending with "-" (RFC 1123, with "_" as Docker names allow it). */
const ALIAS_LABEL_PATTERN = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?$/;
const MAX_LABEL_LENGTH = 63;
const MAX_NAME_LENGTH = 253;

/** Why `alias` is not a DNS name, or undefined when it is one. */
export function validateAlias(alias: string): ValidationIssue | undefined {
  const params = { value: alias };
  if (/\s/.test(alias)) {
    return issue('aliasHasSpace', 'aliases', params);
  }
  if (alias.length > MAX_NAME_LENGTH) {
    return issue('aliasTooLong', 'aliases', { ...params, max: String(MAX_NAME_LENGTH) });
  }
  const labels = alias.split('.');
  if (labels.length > 1 && labels[labels.length - 1] === '') {
    return issue('aliasTrailingDot', 'aliases', params);
  }
  if (labels.some((label) => label === '')) {
    return issue('aliasEmptyLabel', 'aliases', params);
  }
  const long = labels.find((label) => label.length > MAX_LABEL_LENGTH);
  if (long) {
    return issue('aliasLabelTooLong', 'aliases', { ...params, label: long, max: String(MAX_LABEL_LENGTH) });
  }
  if (!labels.every((label) => ALIAS_LABEL_PATTERN.test(label))) {
    return issue('aliasInvalid', 'aliases', params);
  }
  return undefined;
}

/**
 * Aliases as typed: comma separated (as the prompt says), each a DNS name; a space inside an entry
 * is refused, never taken as a separator. Duplicates are kept once.
 */
export function parseAliases(text: string): { value: string[]; issue?: ValidationIssue } {
  const value: string[] = [];
  for (const entry of text.split(',')) {
    const alias = entry.trim();
    if (!alias) {
      continue;
    }
    const problem = validateAlias(alias);
    if (problem) {
      return { value, issue: problem };
    }
    if (!value.includes(alias)) {
      value.push(alias);
    }
  }
  return { value };
}

export function canConnect(container: ContainerModel, network: NetworkModel): ValidationIssue | undefined {
  if (container.networkMode.kind === 'host' || container.networkMode.kind === 'none' || container.networkMode.kind === 'container') {
    return issue('containerNotConnectable', 'container', { container: container.name, mode: container.networkMode.kind });
  }
  if (network.predefined === 'host' || network.predefined === 'none' || network.predefined === 'ingress' || network.predefined === 'docker_gwbridge' || network.configOnly) {
    return issue('networkNotConnectable', 'network', { network: network.name });
  }
  if (network.scope === 'swarm' && !network.attachable) {
    // The engine refuses too ("not manually attachable"), but only after the request.
    return issue('overlayNotAttachable', 'network', { network: network.name });
  }
  if (container.memberships.some((endpoint) => endpoint.networkId === network.id)) {
    return issue('alreadyConnected', 'network', { container: container.name, network: network.name });
  }
  return undefined;
}

/** Reserved addresses of the subnet `home` (network, broadcast, gateway, auxiliary) and addresses in use. */
function takenIssue(address: Address, home: SubnetFacts, network: NetworkModel, field: ValidationField, text: string): ValidationIssue | undefined {
  const params = { value: text, network: network.name };
  if (isNetworkOrBroadcast(address, parseCidr(home.subnet)!)) {
    return issue('staticIpReserved', field, params);
  }
  const gateway = home.gateway ? parseAddress(home.gateway) : undefined;
  if (gateway && sameAddress(gateway, address)) {
    return issue('staticIpIsGateway', field, { ...params, gateway: home.gateway! });
  }
  const config = network.subnets.find((entry) => entry.subnet === home.subnet);
  for (const entry of Object.values(config?.auxiliaryAddresses ?? {})) {
    const other = parseAddress(entry);
    if (other && sameAddress(other, address)) {
      return issue('staticIpReserved', field, params);
    }
  }
  for (const endpoint of network.endpoints) {
    const used = home.family === 4 ? endpoint.ipv4 : endpoint.ipv6;
    const other = used ? parseAddress(used) : undefined;
    if (other && sameAddress(other, address) && !endpoint.viaContainer) {
      return issue('staticIpInUse', field, { ...params, container: endpoint.containerName });
    }
  }
  return undefined;
}

/**
 * One static address against the network's subnets (given by the user, or the engine refuses any
 * fixed address), its real gateway and the addresses already taken there. `facts` come from the
 * network's inspect (subnetFacts); without them, from the list call.
 */
export function validateStaticAddress(value: string, family: Family, network: NetworkModel, facts: SubnetFacts[] = subnetFacts(network)): ValidationIssue | undefined {
  const field: ValidationField = family === 4 ? 'ipv4Address' : 'ipv6Address';
  const text = value.trim();
  if (text.includes('%')) {
    return issue('ipv6Zone', field, { value: text });
  }
  const address = parseAddress(text);
  if (!address) {
    return issue('addressInvalid', field, { value: text });
  }
  if (addressFamily(address) !== family) {
    return issue('addressWrongFamily', field, { value: text, subnet: '' });
  }
  if (!isUserDefinedNetwork(network)) {
    return issue('staticIpNeedsUserNetwork', field, { value: text, network: network.name });
  }
  if (family === 6 && !network.ipv6) {
    return issue('ipv6Disabled', field, { value: text });
  }
  const subnets = facts.filter((entry) => entry.family === family);
  if (subnets.length === 0) {
    return issue('staticIpNeedsSubnet', field, { value: text, network: network.name });
  }
  if (subnets.every((entry) => entry.origin === 'engine')) {
    return issue('staticIpAutomaticSubnet', field, { value: text, network: network.name, subnets: subnets.map((entry) => entry.subnet).join(', ') });
  }
  const home = subnets.find((entry) => addressInCidr(text, entry.subnet));
  if (!home) {
    return issue('staticIpOutside', field, { value: text, network: network.name, subnets: subnets.map((entry) => entry.subnet).join(', ') });
  }
  return takenIssue(address, home, network, field, text);
}

/** Why no fixed address of `family` can be chosen on `network` at all (before the user types one), or undefined. */
export function staticAddressBlocked(family: Family, network: NetworkModel, facts: SubnetFacts[]): ValidationIssue | undefined {
  const field: ValidationField = family === 4 ? 'ipv4Address' : 'ipv6Address';
  const subnets = facts.filter((entry) => entry.family === family);
  if (!isUserDefinedNetwork(network)) {
    return issue('staticIpNeedsUserNetwork', field, { value: '', network: network.name });
  }
  if (subnets.length === 0 || (family === 6 && !network.ipv6)) {
    return issue('staticIpNeedsSubnet', field, { value: '', network: network.name });
  }
  if (subnets.every((entry) => entry.origin === 'engine')) {
    return issue('staticIpAutomaticSubnet', field, { value: '', network: network.name, subnets: subnets.map((entry) => entry.subnet).join(', ') });
  }
  return undefined;
}

/**
 * Every issue of connecting `container` to `network`; `facts` from the network's inspect when a
 * fixed address is asked, `apiVersion` the engine's when a gateway priority is.
 */
export function validateConnect(
  container: ContainerModel,
  network: NetworkModel,
  spec: ConnectSpec,
  facts: SubnetFacts[] = subnetFacts(network),
  apiVersion?: string,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const blocked = canConnect(container, network);
  if (blocked) {
    return [blocked];
  }
  const badAlias = spec.aliases.map(validateAlias).find(Boolean);
  if (badAlias) {
    issues.push(badAlias);
  }
  if (spec.aliases.length > 0 && !isUserDefinedNetwork(network)) {
    issues.push(issue('aliasNeedsUserNetwork', 'aliases', { network: network.name }));
  }
  if (spec.ipv4Address) {
    const found = validateStaticAddress(spec.ipv4Address, 4, network, facts);
    if (found) {
      issues.push(found);
    }
  }
  if (spec.ipv6Address) {
    const found = validateStaticAddress(spec.ipv6Address, 6, network, facts);
    if (found) {
      issues.push(found);
    }
  }
  const priority = validateGatewayPriority(spec.gwPriority, apiVersion);
  if (priority) {
    issues.push(priority);
  }
  return issues;
}
