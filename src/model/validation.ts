/**
 * The vocabulary of input validation, shared by every form: what an issue is (a code, the field
 * and the values for the message; never a sentence: src/messages/validationMessages.ts localizes
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
  | 'container'
  | 'ipv4'
  | 'gatewayMode'
  | 'gwPriority'
  | 'attachable';

export type ValidationCode =
  | 'nameEmpty'
  | 'nameInvalid'
  | 'nameTaken'
  | 'nameReserved'
  | 'driverNotCreatable'
  | 'overlayNeedsSwarm'
  | 'driverUnknown'
  | 'cidrInvalid'
  | 'cidrHostBits'
  | 'prefixLeadingZeros'
  | 'subnetIpv4Mapped'
  | 'ipv6Disabled'
  | 'addressInvalid'
  | 'addressWrongFamily'
  | 'ipv6Zone'
  | 'gatewayOutside'
  | 'gatewayIsNetworkAddress'
  | 'gatewayIsBroadcast'
  | 'rangeOutside'
  | 'auxInvalid'
  | 'auxOutside'
  | 'auxDuplicate'
  | 'auxIsNetworkAddress'
  | 'auxIsBroadcast'
  | 'subnetOverlapsNetwork'
  | 'subnetOverlapsSubnet'
  | 'keyValueInvalid'
  | 'aliasInvalid'
  | 'aliasHasSpace'
  | 'aliasEmptyLabel'
  | 'aliasTrailingDot'
  | 'aliasLabelTooLong'
  | 'aliasTooLong'
  | 'aliasNeedsUserNetwork'
  | 'staticIpNeedsUserNetwork'
  | 'staticIpNeedsSubnet'
  | 'staticIpIsGateway'
  | 'staticIpAutomaticSubnet'
  | 'staticIpOutside'
  | 'staticIpReserved'
  | 'staticIpInUse'
  | 'alreadyConnected'
  | 'containerNotConnectable'
  | 'networkNotConnectable'
  | 'overlayNotAttachable'
  | 'overlayOnWorker'
  | 'networkUsedByService'
  | 'swarmNetworkNeedsManager'
  | 'taskNetworkManaged'
  | 'ipv4OffUnsupported'
  | 'ipv4OffNeedsIpv6'
  | 'ipv4OffSubnet'
  | 'ipv4OffGateway'
  | 'ipv4OffIpRange'
  | 'gatewayModeNeedsBridge'
  | 'gatewayModeUnknown'
  | 'gatewayModeUnsupported'
  | 'gatewayModeFamilyOff'
  | 'gatewayModeIsolatedNeedsInternal'
  | 'gwPriorityUnsupported'
  | 'gwPriorityInvalid'
  | 'podmanIgnoresAuxAddresses'
  | 'podmanIgnoresAttachable'
  | 'podmanIgnoresOption';

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

/**
 * A map from user-typed keys to values, without a prototype: keys such as `__proto__`,
 * `constructor` or `toString` are plain keys here (with `{}` the first would set the prototype and
 * be lost, the others would look present already). JSON.stringify sends them as they are.
 */
export function emptyMap(): StringMap {
  return Object.create(null) as StringMap;
}

/** A copy of `map` (own keys only) as a map without a prototype. */
export function copyMap(map: StringMap | null | undefined): StringMap {
  const copy = emptyMap();
  for (const [key, value] of Object.entries(map ?? {})) {
    copy[key] = value;
  }
  return copy;
}

/** Whether `map` has `key` as its own key (never a key of Object.prototype). */
export function hasKey(map: StringMap, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, key);
}

/** `key=value` entries, comma separated (values may not contain commas). A bare `key` means `key=`. */
export function parseKeyValues(text: string, field: 'labels' | 'options'): { value: StringMap; issue?: ValidationIssue } {
  const value = emptyMap();
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
