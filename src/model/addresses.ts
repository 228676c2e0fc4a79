/**
 * Addresses and CIDRs as the user types them: subnets (against each other and the engine's
 * networks), gateways, IP ranges, auxiliary addresses. Pure; all arithmetic is done by the
 * `ip-address` library, never by hand.
 */
import { Address4, Address6 } from 'ip-address';
import type { StringMap } from './dockerTypes';
import type { Inventory } from './inventory';
import { issue, splitList, ValidationField, ValidationIssue } from './validation';

export type Family = 4 | 6;
export type Address = Address4 | Address6;

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

export function sameAddress(a: Address, b: Address): boolean {
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
