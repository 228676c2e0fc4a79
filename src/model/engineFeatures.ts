/**
 * What the connected engine's API version lets the create and connect forms offer. An engine that
 * does not know a field ignores it (Go's JSON decoding drops unknown fields; a driver option is
 * stored as typed), so an option sent to an older engine would be lost without a word: the forms
 * offer it only where the API has it, and the validation refuses it before sending elsewhere. Pure.
 *
 * The versions, from moby's API changelog (api/docs/CHANGELOG.md) and its bridge driver:
 * - API 1.46 (Docker 27.0): the bridge options `com.docker.network.bridge.gateway_mode_ipv4/_ipv6`
 *   with `nat` and `routed`;
 * - API 1.48 (Docker 28.0): the gateway modes `nat-unprotected` and `isolated`; `EnableIPv4` in
 *   `POST /networks/create` (`--ipv4=false`, reported by `GET /networks`); `GwPriority` in the
 *   endpoint settings of `POST /networks/{id}/connect` (`--gw-priority`, reported by
 *   `GET /containers/json`).
 */

export const GATEWAY_MODE_OPTION = { 4: 'com.docker.network.bridge.gateway_mode_ipv4', 6: 'com.docker.network.bridge.gateway_mode_ipv6' } as const;

/** Every bridge gateway mode, in the order the form offers them (`nat` is the engine's default). */
export const GATEWAY_MODES = ['nat', 'nat-unprotected', 'routed', 'isolated'] as const;
export type GatewayMode = (typeof GATEWAY_MODES)[number];

/** The first API version that has each mode. */
export const GATEWAY_MODE_API: Record<GatewayMode, string> = { nat: '1.46', routed: '1.46', 'nat-unprotected': '1.48', isolated: '1.48' };
export const IPV4_OFF_API = '1.48';
/** `--ipv6` without an IPv6 subnet: Docker 28.5 gives the network a ULA /64 of its own (20.10 needs one given). */
export const IPV6_SUBNET_CHOSEN_API = '1.48';
export const GW_PRIORITY_API = '1.48';

/**
 * The gateway priority the engine takes: its field is a Go `int` (64 bits), and the request is JSON,
 * whose numbers JavaScript carries exactly up to 2^53 - 1: the range is the exact one of both.
 */
export const GW_PRIORITY_MIN = Number.MIN_SAFE_INTEGER;
export const GW_PRIORITY_MAX = Number.MAX_SAFE_INTEGER;

export interface EngineFeatures {
  /** The API version the features were read from (undefined: not known, so nothing new is offered). */
  apiVersion?: string;
  /** The bridge gateway modes the engine knows (empty: none, the option would be ignored). */
  gatewayModes: GatewayMode[];
  /** `EnableIPv4: false` (`--ipv4=false`). */
  ipv4Off: boolean;
  /** `GwPriority` on connect (`--gw-priority`). */
  gatewayPriority: boolean;
  /** An IPv6 network without a subnet given gets one from the engine. */
  ipv6SubnetChosen: boolean;
}

/** Whether `version` ("1.51") is at least `minimum` ("1.48"); an unknown version is not. */
export function apiAtLeast(version: string | undefined, minimum: string): boolean {
  const parse = (text: string) => text.split('.').map((part) => Number.parseInt(part, 10));
  const have = version ? parse(version) : [];
  if (have.length < 2 || have.some((part) => !Number.isFinite(part))) {
    return false;
  }
  const want = parse(minimum);
  return have[0] !== want[0] ? have[0] > want[0] : have[1] >= want[1];
}

export function engineFeatures(apiVersion: string | undefined): EngineFeatures {
  return {
    apiVersion,
    gatewayModes: GATEWAY_MODES.filter((mode) => apiAtLeast(apiVersion, GATEWAY_MODE_API[mode])),
    ipv4Off: apiAtLeast(apiVersion, IPV4_OFF_API),
    gatewayPriority: apiAtLeast(apiVersion, GW_PRIORITY_API),
    ipv6SubnetChosen: apiAtLeast(apiVersion, IPV6_SUBNET_CHOSEN_API),
  };
}

export function isGatewayMode(value: string): value is GatewayMode {
  return (GATEWAY_MODES as readonly string[]).includes(value);
}
