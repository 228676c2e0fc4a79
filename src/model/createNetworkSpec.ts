/**
 * The create-network request: the name and driver rules, the spec the create dialogue fills in,
 * its validation as a whole, and the body of `POST /networks/create` it becomes. Pure.
 */
import type { StringMap } from './dockerTypes';
import type { Inventory } from './inventory';
import { copyMap, emptyMap, formatKeyValues, issue, ValidationIssue } from './validation';
import { familyOf, mappedReadingOf, parseAuxAddresses, validateGateway, validateIpRange, validateSubnet } from './addresses';
import { engineFeatures, GATEWAY_MODE_API, GATEWAY_MODE_OPTION, IPV4_OFF_API, isGatewayMode } from './engineFeatures';
import type { EngineProduct } from './engineProduct';
import { podmanIgnoredIssues, podmanOptions } from './podmanCreate';
import { ENGINE_NAME_PATTERN } from './engineValues';

// ---------------------------------------------------------------------------------------------
// Names

/**
 * Names the engine keeps for its predefined network modes (moby's IsPreDefinedNetwork): it refuses
 * to create a network with one of them even when no such network exists (`default` never does).
 */
export const RESERVED_NETWORK_NAMES = ['bridge', 'host', 'none', 'default'] as const;

export function validateNetworkName(name: string, inventory: Inventory | undefined): ValidationIssue | undefined {
  const trimmed = name.trim();
  if (!trimmed) {
    return issue('nameEmpty', 'name');
  }
  if (!ENGINE_NAME_PATTERN.test(trimmed)) {
    return issue('nameInvalid', 'name', { name: trimmed });
  }
  const taken = inventory?.networks.find((network) => network.name === trimmed);
  if (taken) {
    return issue('nameTaken', 'name', { name: trimmed, id: taken.shortId });
  }
  if ((RESERVED_NETWORK_NAMES as readonly string[]).includes(trimmed)) {
    return issue('nameReserved', 'name', { name: trimmed });
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
  /** In a swarm, but a worker (`LocalNodeState` active without control): overlays are made on a manager. */
  swarmWorker?: boolean;
  /** The engine's API version (`GET /version`): which of Docker 27/28's options it has (engineFeatures.ts). */
  apiVersion?: string;
  /** Podman applies fewer of the options than Docker and drops the others silently (podmanCreate.ts). */
  engineProduct?: EngineProduct;
}

export function validateDriver(driver: string, context: DriverContext): ValidationIssue | undefined {
  if ((NON_CREATABLE_DRIVERS as readonly string[]).includes(driver)) {
    return issue('driverNotCreatable', 'driver', { driver });
  }
  if (driver === 'overlay' && !context.swarmManager) {
    return issue(context.swarmWorker ? 'overlayOnWorker' : 'overlayNeedsSwarm', 'driver', { driver });
  }
  if (context.engineDrivers && context.engineDrivers.length > 0 && !context.engineDrivers.includes(driver)) {
    return issue('driverUnknown', 'driver', { driver });
  }
  return undefined;
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
  /** False: `--ipv4=false` (API 1.48+), a network without IPv4 addresses (it needs IPv6 on). */
  ipv4: boolean;
  internal: boolean;
  attachable: boolean;
  labels: StringMap;
  options: StringMap;
  /** Bridge only: `com.docker.network.bridge.gateway_mode_ipv4` / `_ipv6` (undefined: the engine's default, nat). */
  gatewayModeIpv4?: string;
  gatewayModeIpv6?: string;
  /** macvlan/ipvlan: the host interface (option `parent`). */
  parent?: string;
  /** macvlan/ipvlan: `macvlan_mode` / `ipvlan_mode`. */
  mode?: string;
}

export function emptySpec(name = '', driver = 'bridge'): CreateNetworkSpec {
  return { name, driver, subnets: [], ipv6: false, ipv4: true, internal: false, attachable: false, labels: emptyMap(), options: emptyMap() };
}

/** Every issue of a create request, in form order. Empty: safe to send. */
export function validateCreateSpec(spec: CreateNetworkSpec, inventory: Inventory | undefined, context: DriverContext): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const push = (found: ValidationIssue | undefined) => found && issues.push(found);
  push(validateNetworkName(spec.name, inventory));
  push(validateDriver(spec.driver, context));
  issues.push(...validateAddressFamilies(spec, context));
  const seen: string[] = [];
  for (const config of spec.subnets) {
    const subnetIssue = validateSubnet(config.subnet, { ipv6Enabled: spec.ipv6, inventory, otherSubnets: seen });
    push(subnetIssue);
    if (subnetIssue) {
      continue;
    }
    issues.push(...ipv4OffIssues(spec.ipv4, config));
    seen.push(config.subnet.trim());
    if (config.gateway) {
      push(validateGateway(config.gateway, config.subnet, mappedReadingOf(context.apiVersion)));
    }
    if (config.ipRange) {
      push(validateIpRange(config.ipRange, config.subnet, mappedReadingOf(context.apiVersion)));
    }
    if (config.auxAddresses && Object.keys(config.auxAddresses).length > 0) {
      push(parseAuxAddresses(formatKeyValues(config.auxAddresses), config.subnet, mappedReadingOf(context.apiVersion)).issue);
    }
  }
  issues.push(...validateGatewayModes(spec, context));
  if (context.engineProduct === 'Podman') {
    issues.push(...podmanIgnoredIssues(spec));
  }
  return issues;
}

/** IPv4 off: only where the API has it, and only with IPv6 on (the engine wants one family at least). */
function validateAddressFamilies(spec: CreateNetworkSpec, context: DriverContext): ValidationIssue[] {
  if (spec.ipv4) {
    return [];
  }
  if (!engineFeatures(context.apiVersion).ipv4Off) {
    return [issue('ipv4OffUnsupported', 'ipv4', { api: context.apiVersion ?? '?', needed: IPV4_OFF_API })];
  }
  return spec.ipv6 ? [] : [issue('ipv4OffNeedsIpv6', 'ipv4')];
}

/**
 * The IPv4 values of one subnet of a network with IPv4 off: the engine would keep them and give no
 * IPv4 address, so each is named before sending (an IPv6 subnet gives nothing here).
 */
export function ipv4OffIssues(ipv4: boolean, config: SubnetSpec): ValidationIssue[] {
  if (ipv4 || familyOf(config.subnet.trim()) !== 4) {
    return [];
  }
  const found = [issue('ipv4OffSubnet', 'subnet', { value: config.subnet.trim() })];
  if (config.gateway) {
    found.push(issue('ipv4OffGateway', 'gateway', { value: config.gateway.trim(), subnet: config.subnet.trim() }));
  }
  if (config.ipRange) {
    found.push(issue('ipv4OffIpRange', 'ipRange', { value: config.ipRange.trim(), subnet: config.subnet.trim() }));
  }
  return found;
}

/**
 * The gateway mode of one family as the request will carry it: the form's choice, else a driver
 * option typed by hand (`--opt com.docker.network.bridge.gateway_mode_ipv4=…`), which is checked the same way.
 */
export function gatewayModeOf(spec: CreateNetworkSpec, family: 4 | 6): string | undefined {
  const chosen = family === 4 ? spec.gatewayModeIpv4 : spec.gatewayModeIpv6;
  return chosen ?? (Object.prototype.hasOwnProperty.call(spec.options, GATEWAY_MODE_OPTION[family]) ? spec.options[GATEWAY_MODE_OPTION[family]] : undefined);
}

/** Each gateway mode asked: a bridge's, known to this engine, of a family that is on, isolated only on an internal network. */
function validateGatewayModes(spec: CreateNetworkSpec, context: DriverContext): ValidationIssue[] {
  const found: ValidationIssue[] = [];
  const known = engineFeatures(context.apiVersion).gatewayModes as string[];
  for (const family of [4, 6] as const) {
    const mode = gatewayModeOf(spec, family);
    if (mode === undefined) {
      continue;
    }
    const params = { mode, family: String(family), api: context.apiVersion ?? '?', driver: spec.driver };
    if (spec.driver !== 'bridge') {
      found.push(issue('gatewayModeNeedsBridge', 'gatewayMode', params));
    } else if (!isGatewayMode(mode)) {
      found.push(issue('gatewayModeUnknown', 'gatewayMode', params));
    } else if (!known.includes(mode)) {
      found.push(issue('gatewayModeUnsupported', 'gatewayMode', { ...params, needed: GATEWAY_MODE_API[mode] }));
    } else if (family === 4 ? !spec.ipv4 : !spec.ipv6) {
      found.push(issue('gatewayModeFamilyOff', 'gatewayMode', params));
    } else if (mode === 'isolated' && !spec.internal) {
      found.push(issue('gatewayModeIsolatedNeedsInternal', 'gatewayMode', params));
    }
  }
  return found;
}

/**
 * The body of `POST /networks/create`, in the engine's own field names: what EngineClient sends.
 * `toCreateRequest` makes one from a valid spec; every field but the name may be left to the engine.
 */
export interface NetworkCreateRequest {
  Name: string;
  Driver?: string;
  CheckDuplicate?: boolean;
  Internal?: boolean;
  Attachable?: boolean;
  EnableIPv6?: boolean;
  /** Sent only as `false` (API 1.48+): left out, every engine gives IPv4. */
  EnableIPv4?: boolean;
  IPAM?: {
    Driver?: string;
    Config?: { Subnet?: string; Gateway?: string; IPRange?: string; AuxiliaryAddresses?: StringMap }[];
    Options?: StringMap;
  };
  Options?: StringMap;
  Labels?: StringMap;
}

/** The request for a valid spec (validateCreateSpec found nothing), in the words of the engine's product. */
export function toCreateRequest(spec: CreateNetworkSpec, product?: EngineProduct): NetworkCreateRequest {
  const options = copyMap(spec.options);
  if (driverNeedsParent(spec.driver)) {
    if (spec.parent) {
      options.parent = spec.parent;
    }
    const modeKey = modeOptionKey(spec.driver);
    if (spec.mode && modeKey) {
      options[modeKey] = spec.mode;
    }
  }
  for (const family of [4, 6] as const) {
    const mode = family === 4 ? spec.gatewayModeIpv4 : spec.gatewayModeIpv6;
    if (mode !== undefined) {
      options[GATEWAY_MODE_OPTION[family]] = mode;
    }
  }
  const body: NetworkCreateRequest = {
    Name: spec.name.trim(),
    Driver: spec.driver,
    CheckDuplicate: true,
    Internal: spec.internal,
    Attachable: spec.attachable,
    EnableIPv6: spec.ipv6,
    ...(spec.ipv4 ? {} : { EnableIPv4: false }),
    Options: product === 'Podman' ? podmanOptions(spec.driver, options) : options,
    Labels: copyMap(spec.labels),
  };
  if (spec.subnets.length > 0) {
    body.IPAM = {
      Driver: 'default',
      Config: spec.subnets.map((config) => ({
        Subnet: config.subnet.trim(),
        ...(config.gateway ? { Gateway: config.gateway.trim() } : {}),
        ...(config.ipRange ? { IPRange: config.ipRange.trim() } : {}),
        ...(config.auxAddresses && Object.keys(config.auxAddresses).length > 0 ? { AuxiliaryAddresses: copyMap(config.auxAddresses) } : {}),
      })),
    };
  }
  return body;
}
