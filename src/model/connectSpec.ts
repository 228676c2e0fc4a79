/**
 * Connecting a container to a network: what may be connected at all, network-scoped aliases and
 * static addresses (against the network's subnets and the addresses in use there). Pure.
 */
import { addressInCidr, familyOf, Family, parseAddress, parseCidr, sameAddress } from './addresses';
import { ContainerModel, isUserDefinedNetwork, NetworkModel } from './inventory';
import { issue, splitList, ValidationField, ValidationIssue } from './validation';

export interface ConnectSpec {
  aliases: string[];
  ipv4Address?: string;
  ipv6Address?: string;
}

/** Aliases follow DNS label rules loosely: no spaces, no commas. */
const ALIAS_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export function parseAliases(text: string): { value: string[]; issue?: ValidationIssue } {
  const value: string[] = [];
  for (const alias of splitList(text)) {
    if (!ALIAS_PATTERN.test(alias)) {
      return { value, issue: issue('aliasInvalid', 'aliases', { value: alias }) };
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
  if (container.memberships.some((endpoint) => endpoint.networkId === network.id)) {
    return issue('alreadyConnected', 'network', { container: container.name, network: network.name });
  }
  return undefined;
}

/** One static address against the network's subnets and the addresses already taken there. */
export function validateStaticAddress(value: string, family: Family, network: NetworkModel): ValidationIssue | undefined {
  const field: ValidationField = family === 4 ? 'ipv4Address' : 'ipv6Address';
  const text = value.trim();
  const address = parseAddress(text);
  if (!address) {
    return issue('addressInvalid', field, { value: text });
  }
  if ((family === 4) !== address.v4) {
    return issue('addressWrongFamily', field, { value: text, subnet: '' });
  }
  if (!isUserDefinedNetwork(network)) {
    return issue('staticIpNeedsUserNetwork', field, { value: text, network: network.name });
  }
  if (family === 6 && !network.ipv6) {
    return issue('ipv6Disabled', field, { value: text });
  }
  const subnets = network.subnets.filter((config) => config.subnet && (familyOf(config.subnet) === family));
  if (subnets.length === 0) {
    return issue('staticIpNeedsSubnet', field, { value: text, network: network.name });
  }
  const home = subnets.find((config) => addressInCidr(text, config.subnet!));
  if (!home) {
    return issue('staticIpOutside', field, { value: text, network: network.name, subnets: subnets.map((config) => config.subnet!).join(', ') });
  }
  const cidr = parseCidr(home.subnet!)!;
  const reserved = [home.gateway, ...Object.values(home.auxiliaryAddresses)].filter((entry): entry is string => Boolean(entry));
  if (sameAddress(address, cidr.startAddress()) || (cidr.v4 && sameAddress(address, cidr.endAddress()))) {
    return issue('staticIpReserved', field, { value: text, network: network.name });
  }
  for (const entry of reserved) {
    const other = parseAddress(entry);
    if (other && sameAddress(other, address)) {
      return issue('staticIpReserved', field, { value: text, network: network.name });
    }
  }
  for (const endpoint of network.endpoints) {
    const used = family === 4 ? endpoint.ipv4 : endpoint.ipv6;
    const other = used ? parseAddress(used) : undefined;
    if (other && sameAddress(other, address) && !endpoint.viaContainer) {
      return issue('staticIpInUse', field, { value: text, network: network.name, container: endpoint.containerName });
    }
  }
  return undefined;
}

export function validateConnect(container: ContainerModel, network: NetworkModel, spec: ConnectSpec): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const blocked = canConnect(container, network);
  if (blocked) {
    return [blocked];
  }
  if (spec.aliases.length > 0 && !isUserDefinedNetwork(network)) {
    issues.push(issue('aliasNeedsUserNetwork', 'aliases', { network: network.name }));
  }
  if (spec.ipv4Address) {
    const found = validateStaticAddress(spec.ipv4Address, 4, network);
    if (found) {
      issues.push(found);
    }
  }
  if (spec.ipv6Address) {
    const found = validateStaticAddress(spec.ipv6Address, 6, network);
    if (found) {
      issues.push(found);
    }
  }
  return issues;
}
