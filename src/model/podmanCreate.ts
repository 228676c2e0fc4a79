/**
 * What Podman (4.3, through its Docker-compatible `POST /networks/create`) does with each part of a
 * create request, seen on the real engine (test/engine/podmanActions.test.ts): it applies the
 * name, driver, subnets, gateways, IP ranges (as its lease range), IPv6, internal, labels, the MTU
 * (`mtu` or `com.docker.network.driver.mtu`), the bridge's device name
 * (`com.docker.network.bridge.name`) and, for macvlan/ipvlan, `parent` and its own `mode` option;
 * it silently drops auxiliary addresses and "attachable", and drops every other driver option
 * (naming at most one of them in a `Warning` nobody shows). So on Podman those are refused before
 * sending, each with its reason, rather than sent and pretended applied. Pure.
 */
import type { StringMap } from './dockerTypes';
import { hasKey, issue, ValidationIssue } from './validation';

/** The parts of a create spec (createNetworkSpec.ts) these rules read. */
interface CreateParts {
  driver: string;
  subnets: { subnet: string; auxAddresses?: StringMap }[];
  attachable: boolean;
  options: StringMap;
}

/** Podman's own key for the macvlan/ipvlan mode (Docker's `macvlan_mode` / `ipvlan_mode` it ignores). */
export const PODMAN_MODE_OPTION = 'mode';

/** The driver options Podman's compatible create applies, by driver ('*': every driver). */
const APPLIED_OPTIONS: Record<string, readonly string[]> = {
  '*': ['mtu', 'com.docker.network.driver.mtu'],
  bridge: ['com.docker.network.bridge.name'],
  macvlan: ['parent', PODMAN_MODE_OPTION, 'macvlan_mode'],
  ipvlan: ['parent', PODMAN_MODE_OPTION, 'ipvlan_mode'],
};

/** Whether Podman's compatible create applies the driver option `key` for `driver`. */
export function podmanAppliesOption(driver: string, key: string): boolean {
  return APPLIED_OPTIONS['*'].includes(key) || (APPLIED_OPTIONS[driver] ?? []).includes(key);
}

/** Each part of the request Podman would drop without a word, as an issue (nothing is sent while one remains). */
export function podmanIgnoredIssues(spec: CreateParts): ValidationIssue[] {
  const found: ValidationIssue[] = [];
  for (const config of spec.subnets) {
    const aux = Object.entries(config.auxAddresses ?? {});
    if (aux.length > 0) {
      found.push(issue('podmanIgnoresAuxAddresses', 'auxAddress', { value: aux.map(([name, address]) => `${name}=${address}`).join(', '), subnet: config.subnet.trim() }));
    }
  }
  if (spec.attachable) {
    found.push(issue('podmanIgnoresAttachable', 'attachable'));
  }
  for (const key of Object.keys(spec.options)) {
    if (!podmanAppliesOption(spec.driver, key)) {
      found.push(issue('podmanIgnoresOption', 'options', { key, value: spec.options[key] ?? '', driver: spec.driver }));
    }
  }
  return found;
}

/**
 * The driver options as Podman reads them: the macvlan/ipvlan mode under its own key `mode`
 * (Docker's `macvlan_mode` / `ipvlan_mode` would be dropped, and the network made in the default mode).
 */
export function podmanOptions(driver: string, options: Record<string, string>): Record<string, string> {
  const dockerKey = driver === 'macvlan' ? 'macvlan_mode' : driver === 'ipvlan' ? 'ipvlan_mode' : undefined;
  if (!dockerKey || !hasKey(options, dockerKey)) {
    return options;
  }
  const moved = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(options)) {
    if (key !== dockerKey) {
      moved[key] = value;
    }
  }
  moved[PODMAN_MODE_OPTION] = options[dockerKey];
  return moved;
}
