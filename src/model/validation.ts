/**
 * The vocabulary of input validation, shared by every form: what an issue is (a code, the field
 * and the values for the message; never a sentence: src/commands/validationMessages.ts localizes
 * it) and the list syntaxes the forms accept (comma-separated lists, key=value entries). Pure.
 *
 * The rules live by topic: addresses.ts (CIDRs, gateways, ranges, auxiliary addresses),
 * createNetworkSpec.ts (names, drivers, the create request), connectSpec.ts (aliases, static
 * addresses, what may be connected).
 */
import type { StringMap } from './dockerTypes';

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

export function issue(code: ValidationCode, field: ValidationField, params: Record<string, string> = {}): ValidationIssue {
  return { code, field, params };
}

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
