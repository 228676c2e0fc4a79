/**
 * Addresses and CIDRs as the user types them: subnets (against each other and the engine's
 * networks), gateways, IP ranges, auxiliary addresses. Pure; all arithmetic is done by the
 * `ip-address` library, never by hand.
 */
import { Address4, Address6 } from 'ip-address';
import type { StringMap } from './dockerTypes';
import { apiAtLeast } from './engineFeatures';
import { emptyMap, hasKey, issue, splitList, ValidationField, ValidationIssue } from './validation';

export type Family = 4 | 6;
export type Address = Address4 | Address6;

/** The family of a typed address or CIDR: IPv6 is written with colons (also `fd00::10.0.0.1`). */
export function familyOf(value: string): Family {
  return value.includes(':') ? 6 : 4;
}

/**
 * The family of a parsed address. Never ip-address's `.v4` flag: an Address6 written with an
 * embedded IPv4 part (`::ffff:10.0.0.1`, `fd00:1::172.30.0.1`) has `.v4 === true`.
 */
export function addressFamily(address: Address): Family {
  return address instanceof Address4 ? 4 : 6;
}

/** An IPv6 zone (`fe80::1%eth0`): meaningful on one host's link, never in a network's configuration. */
function hasZone(text: string): boolean {
  return text.includes('%');
}

/** Parses a plain address (no prefix) of either family; undefined when invalid. */
export function parseAddress(value: string): Address | undefined {
  const text = value.trim();
  return !text || text.includes('/') ? undefined : parseEitherFamily(text);
}

/**
 * Parses `a.b.c.d/n` or `x::/n` (prefix required); undefined when invalid. A prefix length with
 * leading zeros (`/024`, which engine 20.10 stores as typed) reads as the number it writes: the
 * user's input is refused that way by validateCidr, a subnet the engine has still counts.
 */
export function parseCidr(value: string): Address | undefined {
  const text = value.trim().replace(/\/0+(\d)/, '/$1');
  return /\/\d{1,3}$/.test(text) ? parseEitherFamily(text) : undefined;
}

/** An IPv4 or IPv6 address or CIDR, as the ip-address library reads it; undefined when invalid. */
function parseEitherFamily(text: string): Address | undefined {
  if (hasZone(text)) {
    return undefined;
  }
  try {
    if (familyOf(text) === 6) {
      return new Address6(text);
    }
    return Address4.isValid(text) ? new Address4(text) : undefined;
  } catch {
    return undefined;
  }
}

/** The IPv4-mapped IPv6 block ::ffff:0:0/96: the engine (Go's net package) reads such an address as IPv4. */
const IPV4_MAPPED_PREFIX = '0'.repeat(80) + '1'.repeat(16);

/** Whether a parsed IPv6 address or CIDR lies in ::ffff:0:0/96 (a CIDR: its prefix is /96 or longer). */
export function isIpv4Mapped(address: Address): address is Address6 {
  return address instanceof Address6 && address.subnetMask >= 96 && address.startAddress().getBitsBase2(0, 96) === IPV4_MAPPED_PREFIX;
}

/**
 * How the engine reads an IPv4-mapped gateway, ip-range or auxiliary address: Docker 20.10 (Go's
 * net package) as the IPv4 address it maps; Docker 25+ (API 1.44, which validates the IPAM config
 * with net/netip) as IPv6, so not one of an IPv4 subnet ("parent subnet is an IPv4 block").
 */
export type MappedReading = 'ipv4' | 'ipv6';

export function mappedReadingOf(apiVersion: string | undefined): MappedReading {
  return apiAtLeast(apiVersion, '1.44') ? 'ipv6' : 'ipv4';
}

/**
 * An address or CIDR as the engine reads it: an IPv4-mapped one (`::ffff:172.30.0.1`,
 * `::ffff:172.30.5.0/120`) is the IPv4 address (`172.30.0.1`, `172.30.5.0/24`) to an engine that
 * reads them as IPv4; others unchanged.
 */
function asEngineReads(address: Address, reading: MappedReading = 'ipv4'): Address {
  if (reading === 'ipv6' || !isIpv4Mapped(address)) {
    return address;
  }
  const ipv4 = address.to4().correctForm();
  return address.subnetMask < 128 ? new Address4(`${ipv4}/${address.subnetMask - 96}`) : new Address4(ipv4);
}

/** A prefix length written with leading zeros (`/024`): the canonical form, else undefined. */
function leadingZeroPrefix(text: string): string | undefined {
  const match = /^(.*)\/0+(\d+)$/.exec(text);
  return match && /\/0\d/.test(text) ? `${match[1]}/${match[2]}` : undefined;
}

function networkAddressOf(cidr: Address): Address {
  return cidr.startAddress();
}

export function sameAddress(a: Address, b: Address): boolean {
  return addressFamily(a) === addressFamily(b) && a.bigInt() === b.bigInt();
}

/** The broadcast address of an IPv4 block with room for one (IPv6 has none); undefined otherwise. */
function broadcastOf(cidr: Address): Address | undefined {
  return addressFamily(cidr) === 4 && cidr.subnetMask <= 30 ? cidr.endAddress() : undefined;
}

/** The network address, when the block is large enough for it to be reserved (/31, /32, /127, /128 are not). */
function reservedNetworkAddressOf(cidr: Address): Address | undefined {
  return cidr.subnetMask <= (addressFamily(cidr) === 4 ? 30 : 126) ? cidr.startAddress() : undefined;
}

/** Whether `address` is the network or broadcast address of `cidr` (see the two functions above). */
export function isNetworkOrBroadcast(address: Address, cidr: Address): 'network' | 'broadcast' | undefined {
  const network = reservedNetworkAddressOf(cidr);
  if (network && sameAddress(address, network)) {
    return 'network';
  }
  const broadcast = broadcastOf(cidr);
  return broadcast && sameAddress(address, broadcast) ? 'broadcast' : undefined;
}

/** `10.1.2.3/24` -> `10.1.2.0/24`: what the user probably meant. */
export function canonicalCidr(cidr: Address): string {
  return `${networkAddressOf(cidr).correctForm()}/${cidr.subnetMask}`;
}

function contains(subnet: Address, address: Address): boolean {
  if (addressFamily(subnet) !== addressFamily(address)) {
    return false;
  }
  return address.isInSubnet(subnet);
}

/** Two CIDR blocks overlap exactly when one contains the other. */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  if (!x || !y || addressFamily(x) !== addressFamily(y)) {
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

/** Refuses a zone before anything else: the generic "not an address" would not say why. */
function zoneIssue(text: string, field: ValidationField): ValidationIssue | undefined {
  return familyOf(text) === 6 && hasZone(text) ? issue('ipv6Zone', field, { value: text }) : undefined;
}

export function validateCidr(value: string, field: ValidationField, ipv6Enabled: boolean): ValidationIssue | undefined {
  const zone = zoneIssue(value.trim(), field);
  if (zone) {
    return zone;
  }
  // `/024` parses as /24 here, but is not the form the engine stores or other tools read back.
  const unpadded = leadingZeroPrefix(value.trim());
  if (unpadded) {
    return issue('prefixLeadingZeros', field, { value: value.trim(), suggestion: unpadded });
  }
  const cidr = parseCidr(value);
  if (!cidr) {
    return issue('cidrInvalid', field, { value: value.trim() });
  }
  if (addressFamily(cidr) === 6 && !ipv6Enabled) {
    return issue('ipv6Disabled', field, { value: value.trim() });
  }
  if (!sameAddress(cidr, networkAddressOf(cidr))) {
    return issue('cidrHostBits', field, { value: value.trim(), suggestion: canonicalCidr(cidr) });
  }
  return undefined;
}

/**
 * The networks a new subnet must not overlap: the inventory's, by shape (this file sits below
 * inventory.ts, which parses addresses with it).
 */
export interface ExistingNetworks {
  readonly networks: readonly { readonly name: string; readonly subnets: readonly { readonly subnet?: string }[] }[];
}

/** A subnet and what the inventory and the other subnets of the same form say about it. */
export function validateSubnet(
  value: string,
  options: { ipv6Enabled: boolean; inventory?: ExistingNetworks; otherSubnets?: readonly string[] },
): ValidationIssue | undefined {
  // The engine reads ::ffff:a.b.c.d/n as IPv4 and refuses such a subnet (no IPv6 pool is left, or
  // the bridge's IPv6 setup fails): said before "IPv6 is off", with the IPv4 subnet meant.
  const parsed = parseCidr(value);
  if (parsed && isIpv4Mapped(parsed) && !hasZone(value)) {
    return issue('subnetIpv4Mapped', 'subnet', { value: value.trim(), suggestion: canonicalCidr(asEngineReads(parsed)) });
  }
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
function validateAddressIn(value: string, subnet: string, field: ValidationField, reading: MappedReading): { address?: Address; issue?: ValidationIssue } {
  const text = value.trim();
  const zone = zoneIssue(text, field);
  if (zone) {
    return { issue: zone };
  }
  const parsed = parseAddress(text);
  if (!parsed) {
    return { issue: issue('addressInvalid', field, { value: text }) };
  }
  // ::ffff:172.30.0.1 is 172.30.0.1 to Docker 20.10: a gateway or auxiliary address of an IPv4 subnet.
  const address = asEngineReads(parsed, reading);
  const cidr = asEngineReads(parseCidr(subnet)!);
  if (addressFamily(address) !== addressFamily(cidr)) {
    return { issue: issue('addressWrongFamily', field, { value: text, subnet }) };
  }
  return { address };
}

export function validateGateway(value: string, subnet: string, reading: MappedReading = 'ipv4'): ValidationIssue | undefined {
  const text = value.trim();
  const { address, issue: problem } = validateAddressIn(text, subnet, 'gateway', reading);
  if (problem) {
    return problem;
  }
  const cidr = asEngineReads(parseCidr(subnet)!);
  if (!contains(cidr, address!)) {
    return issue('gatewayOutside', 'gateway', { value: text, subnet });
  }
  switch (isNetworkOrBroadcast(address!, cidr)) {
    case 'network':
      return issue('gatewayIsNetworkAddress', 'gateway', { value: text, subnet });
    case 'broadcast':
      return issue('gatewayIsBroadcast', 'gateway', { value: text, subnet });
    default:
      return undefined;
  }
}

export function validateIpRange(value: string, subnet: string, reading: MappedReading = 'ipv4'): ValidationIssue | undefined {
  const text = value.trim();
  const syntax = validateCidr(text, 'ipRange', true);
  if (syntax) {
    return syntax;
  }
  // ::ffff:172.30.5.0/120 is 172.30.5.0/24 to Docker 20.10.
  const range = asEngineReads(parseCidr(text)!, reading);
  const cidr = asEngineReads(parseCidr(subnet)!);
  if (addressFamily(range) !== addressFamily(cidr) || !range.isInSubnet(cidr)) {
    return issue('rangeOutside', 'ipRange', { value: text, subnet });
  }
  return undefined;
}

/**
 * `name=address` entries (comma or space separated) that must lie in `subnet`, and be neither its
 * network nor its broadcast address. Names are plain keys (`constructor` is a name like any other).
 */
export function parseAuxAddresses(text: string, subnet: string, reading: MappedReading = 'ipv4'): { value: StringMap; issue?: ValidationIssue } {
  const value = emptyMap();
  for (const entry of splitList(text)) {
    const eq = entry.indexOf('=');
    const name = eq > 0 ? entry.slice(0, eq).trim() : '';
    const address = eq > 0 ? entry.slice(eq + 1).trim() : '';
    if (!name || !address) {
      return { value, issue: issue('auxInvalid', 'auxAddress', { value: entry }) };
    }
    if (hasKey(value, name)) {
      return { value, issue: issue('auxDuplicate', 'auxAddress', { value: entry, name }) };
    }
    const { address: parsed, issue: problem } = validateAddressIn(address, subnet, 'auxAddress', reading);
    if (problem) {
      return { value, issue: problem };
    }
    const cidr = asEngineReads(parseCidr(subnet)!);
    if (!contains(cidr, parsed!)) {
      return { value, issue: issue('auxOutside', 'auxAddress', { value: address, name, subnet }) };
    }
    const reserved = isNetworkOrBroadcast(parsed!, cidr);
    if (reserved) {
      return { value, issue: issue(reserved === 'network' ? 'auxIsNetworkAddress' : 'auxIsBroadcast', 'auxAddress', { value: address, name, subnet }) };
    }
    value[name] = address;
  }
  return { value };
}

/**
 * A subnet's gateway as the engine lists it, or undefined when it has none: Podman's compatible API
 * writes a network without a gateway (an internal one) as the text "<nil>", Docker leaves it out.
 */
export function listedGateway(value: string | undefined | null): string | undefined {
  return value && value !== '<nil>' ? value : undefined;
}
