/**
 * The create-network request: the name and driver rules, the spec the create dialogue fills in,
 * its validation as a whole, and the body of `POST /networks/create` it becomes. Pure.
 */
import type { StringMap } from './dockerTypes';
import type { Inventory } from './inventory';
import { copyMap, emptyMap, formatKeyValues, issue, ValidationIssue } from './validation';
import { parseAuxAddresses, validateGateway, validateIpRange, validateSubnet } from './addresses';

// ---------------------------------------------------------------------------------------------
// Names

/** Docker's rule for object names (the CLI's restricted name characters). */
export const DOCKER_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

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
  if (!DOCKER_NAME_PATTERN.test(trimmed)) {
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
  return { name, driver, subnets: [], ipv6: false, internal: false, attachable: false, labels: emptyMap(), options: emptyMap() };
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
  IPAM?: {
    Driver?: string;
    Config?: { Subnet?: string; Gateway?: string; IPRange?: string; AuxiliaryAddresses?: StringMap }[];
    Options?: StringMap;
  };
  Options?: StringMap;
  Labels?: StringMap;
}

/** The request for a valid spec (validateCreateSpec found nothing). */
export function toCreateRequest(spec: CreateNetworkSpec): NetworkCreateRequest {
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
  const body: NetworkCreateRequest = {
    Name: spec.name.trim(),
    Driver: spec.driver,
    CheckDuplicate: true,
    Internal: spec.internal,
    Attachable: spec.attachable,
    EnableIPv6: spec.ipv6,
    Options: options,
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
