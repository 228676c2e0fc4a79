/**
 * Validation of what the user types before anything is sent to the engine: network names, CIDRs,
 * gateways, IP ranges, auxiliary addresses, static addresses, aliases, key=value lists. Pure: it
 * returns codes and parameters (never sentences); src/commands/validationMessages.ts localizes them.
 * Address arithmetic is done by the `ip-address` library, never by hand.
 */
import { Address4, Address6 } from 'ip-address';
import type { StringMap } from './dockerTypes';
import { ContainerModel, Inventory, isUserDefinedNetwork, NetworkModel } from './inventory';

export type ValidationField =
  | 'name'
  | 'driver'
  | 'parent'
  | 'subnet'
  | 'gateway'
  | 'ipRange'
  | 'auxAddress'
  | 'labels'
  | 'options'
  | 'aliases'
  | 'ipv4Address'
  | 'ipv6Address'
  | 'network'
  | 'container';

export type ValidationCode =
  | 'nameEmpty'
  | 'nameInvalid'
  | 'nameTaken'
  | 'driverNotCreatable'
  | 'overlayNeedsSwarm'
  | 'driverUnknown'
  | 'cidrInvalid'
  | 'cidrHostBits'
  | 'ipv6Disabled'
  | 'addressInvalid'
  | 'addressWrongFamily'
  | 'gatewayOutside'
  | 'gatewayIsNetworkAddress'
  | 'gatewayIsBroadcast'
  | 'rangeOutside'
  | 'auxInvalid'
  | 'auxOutside'
  | 'auxDuplicate'
  | 'subnetOverlapsNetwork'
  | 'subnetOverlapsSubnet'
  | 'keyValueInvalid'
  | 'aliasInvalid'
  | 'aliasNeedsUserNetwork'
  | 'staticIpNeedsUserNetwork'
  | 'staticIpNeedsSubnet'
  | 'staticIpOutside'
  | 'staticIpReserved'
  | 'staticIpInUse'
  | 'alreadyConnected'
  | 'containerNotConnectable'
  | 'networkNotConnectable';

export interface ValidationIssue {
  code: ValidationCode;
  field: ValidationField;
  /** Values for the localized message (addresses, names). */
  params: Record<string, string>;
}

function issue(code: ValidationCode, field: ValidationField, params: Record<string, string> = {}): ValidationIssue {
  return { code, field, params };
}

// ---------------------------------------------------------------------------------------------
// Names

/** Docker's rule for object names (the CLI's restricted name characters). */
export const DOCKER_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function validateNetworkName(name: string, inventory: Inventory | undefined): ValidationIssue | undefined {
  const trimmed = name.trim();
  if (!trimmed) {
    return issue('nameEmpty', 'name');
  }
  if (!DOCKER_NAME_PATTERN.test(trimmed)) {
    return issue('nameInvalid', 'name', { name: trimmed });
  }
  const taken = inventory?.networks.find((network) => network.name === trimmed);
  if (taken) {
    return issue('nameTaken', 'name', { name: trimmed, id: taken.shortId });
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Drivers

/** Drivers that exist once per engine and cannot be created by the user. */
export const NON_CREATABLE_DRIVERS = ['host', 'null'] as const;
export const MACVLAN_MODES = ['bridge', 'vepa', 'passthru', 'private'] as const;
export const IPVLAN_MODES = ['l2', 'l3', 'l3s'] as const;

/** The drivers to offer for creation, from the engine's `Plugins.Network` list (host and null removed). */
export function creatableDrivers(engineDrivers: readonly string[] | undefined): string[] {
  const drivers = engineDrivers && engineDrivers.length > 0 ? [...engineDrivers] : ['bridge', 'overlay', 'macvlan', 'ipvlan'];
  const unique = [...new Set(drivers)].filter((driver) => !(NON_CREATABLE_DRIVERS as readonly string[]).includes(driver));
  // bridge first, then the built-in ones, then plugins, alphabetically.
  const order = ['bridge', 'overlay', 'macvlan', 'ipvlan'];
  return unique.sort((a, b) => {
    const ra = order.indexOf(a) < 0 ? order.length : order.indexOf(a);
    const rb = order.indexOf(b) < 0 ? order.length : order.indexOf(b);
    return ra - rb || a.localeCompare(b);
  });
}

export function driverNeedsParent(driver: string): boolean {
  return driver === 'macvlan' || driver === 'ipvlan';
}

/** The driver option key that carries the mode for macvlan/ipvlan. */
export function modeOptionKey(driver: string): string | undefined {
  return driver === 'macvlan' ? 'macvlan_mode' : driver === 'ipvlan' ? 'ipvlan_mode' : undefined;
}

export interface DriverContext {
  /** `Plugins.Network` of `GET /info`. */
  engineDrivers?: readonly string[];
  /** `Swarm.ControlAvailable` of `GET /info`. */
  swarmManager: boolean;
}

export function validateDriver(driver: string, context: DriverContext): ValidationIssue | undefined {
  if ((NON_CREATABLE_DRIVERS as readonly string[]).includes(driver)) {
    return issue('driverNotCreatable', 'driver', { driver });
  }
  if (driver === 'overlay' && !context.swarmManager) {
    return issue('overlayNeedsSwarm', 'driver', { driver });
  }
  if (context.engineDrivers && context.engineDrivers.length > 0 && !context.engineDrivers.includes(driver)) {
    return issue('driverUnknown', 'driver', { driver });
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Addresses and CIDRs (all arithmetic through ip-address)

export type Family = 4 | 6;
type Address = Address4 | Address6;

export function familyOf(value: string): Family {
  return value.includes(':') ? 6 : 4;
}

/** Parses a plain address (no prefix) of either family; undefined when invalid. */
export function parseAddress(value: string): Address | undefined {
  const text = value.trim();
  return !text || text.includes('/') ? undefined : parseEitherFamily(text);
}

/** Parses `a.b.c.d/n` or `x::/n` (prefix required); undefined when invalid. */
export function parseCidr(value: string): Address | undefined {
  const text = value.trim();
  return /\/\d{1,3}$/.test(text) ? parseEitherFamily(text) : undefined;
}

/** An IPv4 or IPv6 address or CIDR, as the ip-address library reads it; undefined when invalid. */
function parseEitherFamily(text: string): Address | undefined {
  try {
    if (familyOf(text) === 6) {
      return new Address6(text);
    }
    return Address4.isValid(text) ? new Address4(text) : undefined;
  } catch {
    return undefined;
  }
}

function networkAddressOf(cidr: Address): Address {
  return cidr.startAddress();
}

function sameAddress(a: Address, b: Address): boolean {
  return a.v4 === b.v4 && a.bigInt() === b.bigInt();
}

/** `10.1.2.3/24` -> `10.1.2.0/24`: what the user probably meant. */
export function canonicalCidr(cidr: Address): string {
  return `${networkAddressOf(cidr).correctForm()}/${cidr.subnetMask}`;
}

function contains(subnet: Address, address: Address): boolean {
  if (subnet.v4 !== address.v4) {
    return false;
  }
  return address.isInSubnet(subnet);
}

/** Two CIDR blocks overlap exactly when one contains the other. */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  if (!x || !y || x.v4 !== y.v4) {
    return false;
  }
  return x.isInSubnet(y) || y.isInSubnet(x);
}

/** Whether a plain address lies in a CIDR block. */
export function addressInCidr(address: string, cidr: string): boolean {
  const a = parseAddress(address);
  const c = parseCidr(cidr);
  return Boolean(a && c && contains(c, a));
}

export function validateCidr(value: string, field: ValidationField, ipv6Enabled: boolean): ValidationIssue | undefined {
  const cidr = parseCidr(value);
  if (!cidr) {
    return issue('cidrInvalid', field, { value: value.trim() });
  }
  if (!cidr.v4 && !ipv6Enabled) {
    return issue('ipv6Disabled', field, { value: value.trim() });
  }
  if (!sameAddress(cidr, networkAddressOf(cidr))) {
    return issue('cidrHostBits', field, { value: value.trim(), suggestion: canonicalCidr(cidr) });
  }
  return undefined;
}

/** A subnet and what the inventory and the other subnets of the same form say about it. */
export function validateSubnet(
  value: string,
  options: { ipv6Enabled: boolean; inventory?: Inventory; otherSubnets?: readonly string[] },
): ValidationIssue | undefined {
  const syntax = validateCidr(value, 'subnet', options.ipv6Enabled);
  if (syntax) {
    return syntax;
  }
  const subnet = value.trim();
  for (const other of options.otherSubnets ?? []) {
    if (cidrsOverlap(subnet, other)) {
      return issue('subnetOverlapsSubnet', 'subnet', { value: subnet, other });
    }
  }
  for (const network of options.inventory?.networks ?? []) {
    for (const config of network.subnets) {
      if (config.subnet && cidrsOverlap(subnet, config.subnet)) {
        return issue('subnetOverlapsNetwork', 'subnet', { value: subnet, network: network.name, networkSubnet: config.subnet });
      }
    }
  }
  return undefined;
}

/** An address the user types that must lie in `subnet` (already valid). */
function validateAddressIn(value: string, subnet: string, field: ValidationField): { address?: Address; issue?: ValidationIssue } {
  const text = value.trim();
  const address = parseAddress(text);
  if (!address) {
    return { issue: issue('addressInvalid', field, { value: text }) };
  }
  const cidr = parseCidr(subnet)!;
  if (address.v4 !== cidr.v4) {
    return { issue: issue('addressWrongFamily', field, { value: text, subnet }) };
  }
  return { address };
}

export function validateGateway(value: string, subnet: string): ValidationIssue | undefined {
  const text = value.trim();
  const { address, issue: problem } = validateAddressIn(text, subnet, 'gateway');
  if (problem) {
    return problem;
  }
  const cidr = parseCidr(subnet)!;
  if (!contains(cidr, address!)) {
    return issue('gatewayOutside', 'gateway', { value: text, subnet });
  }
  const smallest = cidr.v4 ? 30 : 126;
  if (cidr.subnetMask <= smallest && sameAddress(address!, cidr.startAddress())) {
    return issue('gatewayIsNetworkAddress', 'gateway', { value: text, subnet });
  }
  if (cidr.v4 && cidr.subnetMask <= smallest && sameAddress(address!, cidr.endAddress())) {
    return issue('gatewayIsBroadcast', 'gateway', { value: text, subnet });
  }
  return undefined;
}

export function validateIpRange(value: string, subnet: string): ValidationIssue | undefined {
  const text = value.trim();
  const syntax = validateCidr(text, 'ipRange', true);
  if (syntax) {
    return syntax;
  }
  const range = parseCidr(text)!;
  const cidr = parseCidr(subnet)!;
  if (range.v4 !== cidr.v4 || !range.isInSubnet(cidr)) {
    return issue('rangeOutside', 'ipRange', { value: text, subnet });
  }
  return undefined;
}

/** `name=address` entries (comma or space separated) that must lie in `subnet`. */
export function parseAuxAddresses(text: string, subnet: string): { value: StringMap; issue?: ValidationIssue } {
  const value: StringMap = {};
  for (const entry of splitList(text)) {
    const eq = entry.indexOf('=');
    const name = eq > 0 ? entry.slice(0, eq).trim() : '';
    const address = eq > 0 ? entry.slice(eq + 1).trim() : '';
    if (!name || !address) {
      return { value, issue: issue('auxInvalid', 'auxAddress', { value: entry }) };
    }
    if (name in value) {
      return { value, issue: issue('auxDuplicate', 'auxAddress', { value: entry, name }) };
    }
    const { address: parsed, issue: problem } = validateAddressIn(address, subnet, 'auxAddress');
    if (problem) {
      return { value, issue: problem };
    }
    if (!contains(parseCidr(subnet)!, parsed!)) {
      return { value, issue: issue('auxOutside', 'auxAddress', { value: address, name, subnet }) };
    }
    value[name] = address;
  }
  return { value };
}

// ---------------------------------------------------------------------------------------------
// Lists

/** Splits a comma-separated (or whitespace-separated) list, dropping empty entries. */
export function splitList(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** `key=value` entries, comma separated (values may not contain commas). A bare `key` means `key=`. */
export function parseKeyValues(text: string, field: 'labels' | 'options'): { value: StringMap; issue?: ValidationIssue } {
  const value: StringMap = {};
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (!entry) {
      continue;
    }
    const eq = entry.indexOf('=');
    const key = (eq >= 0 ? entry.slice(0, eq) : entry).trim();
    if (!key || /\s/.test(key)) {
      return { value, issue: issue('keyValueInvalid', field, { value: entry }) };
    }
    value[key] = eq >= 0 ? entry.slice(eq + 1).trim() : '';
  }
  return { value };
}

export function formatKeyValues(map: StringMap): string {
  return Object.entries(map)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}

// ---------------------------------------------------------------------------------------------
// The whole create request

export interface SubnetSpec {
  subnet: string;
  gateway?: string;
  ipRange?: string;
  auxAddresses?: StringMap;
}

export interface CreateNetworkSpec {
  name: string;
  driver: string;
  subnets: SubnetSpec[];
  ipv6: boolean;
  internal: boolean;
  attachable: boolean;
  labels: StringMap;
  options: StringMap;
  /** macvlan/ipvlan: the host interface (option `parent`). */
  parent?: string;
  /** macvlan/ipvlan: `macvlan_mode` / `ipvlan_mode`. */
  mode?: string;
}

export function emptySpec(name = '', driver = 'bridge'): CreateNetworkSpec {
  return { name, driver, subnets: [], ipv6: false, internal: false, attachable: false, labels: {}, options: {} };
}

/** Every issue of a create request, in form order. Empty: safe to send. */
export function validateCreateSpec(spec: CreateNetworkSpec, inventory: Inventory | undefined, context: DriverContext): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const push = (found: ValidationIssue | undefined) => found && issues.push(found);
  push(validateNetworkName(spec.name, inventory));
  push(validateDriver(spec.driver, context));
  const seen: string[] = [];
  for (const config of spec.subnets) {
    const subnetIssue = validateSubnet(config.subnet, { ipv6Enabled: spec.ipv6, inventory, otherSubnets: seen });
    push(subnetIssue);
    if (subnetIssue) {
      continue;
    }
    seen.push(config.subnet.trim());
    if (config.gateway) {
      push(validateGateway(config.gateway, config.subnet));
    }
    if (config.ipRange) {
      push(validateIpRange(config.ipRange, config.subnet));
    }
    if (config.auxAddresses && Object.keys(config.auxAddresses).length > 0) {
      push(parseAuxAddresses(formatKeyValues(config.auxAddresses), config.subnet).issue);
    }
  }
  return issues;
}

/** The body of `POST /networks/create` for a valid spec (plain JSON, same shape as the engine's). */
export interface NetworkCreateBody {
  Name: string;
  Driver: string;
  CheckDuplicate: boolean;
  Internal: boolean;
  Attachable: boolean;
  EnableIPv6: boolean;
  IPAM?: { Driver: string; Config: { Subnet: string; Gateway?: string; IPRange?: string; AuxiliaryAddresses?: StringMap }[] };
  Options: StringMap;
  Labels: StringMap;
}

export function toCreateBody(spec: CreateNetworkSpec): NetworkCreateBody {
  const options: StringMap = { ...spec.options };
  if (driverNeedsParent(spec.driver)) {
    if (spec.parent) {
      options.parent = spec.parent;
    }
    const modeKey = modeOptionKey(spec.driver);
    if (spec.mode && modeKey) {
      options[modeKey] = spec.mode;
    }
  }
  const body: NetworkCreateBody = {
    Name: spec.name.trim(),
    Driver: spec.driver,
    CheckDuplicate: true,
    Internal: spec.internal,
    Attachable: spec.attachable,
    EnableIPv6: spec.ipv6,
    Options: options,
    Labels: { ...spec.labels },
  };
  if (spec.subnets.length > 0) {
    body.IPAM = {
      Driver: 'default',
      Config: spec.subnets.map((config) => ({
        Subnet: config.subnet.trim(),
        ...(config.gateway ? { Gateway: config.gateway.trim() } : {}),
        ...(config.ipRange ? { IPRange: config.ipRange.trim() } : {}),
        ...(config.auxAddresses && Object.keys(config.auxAddresses).length > 0 ? { AuxiliaryAddresses: { ...config.auxAddresses } } : {}),
      })),
    };
  }
  return body;
}

// ---------------------------------------------------------------------------------------------
// Connect

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
