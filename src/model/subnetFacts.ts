/**
 * What the Engine API lets us tell about a network's subnets before a fixed address (--ip/--ip6)
 * is sent: whether the user gave the subnet at creation (the engine accepts a fixed address only
 * there) and which gateway the engine really uses in it. Pure.
 *
 * Checked on dockerd 20.10 (API 1.41): `GET /networks` and `GET /networks/{id}` show IPAM.Config
 * alike. A subnet given with --subnet is shown as given: no Gateway unless --gateway was given
 * (the engine still takes one, the first address it can allocate), IPRange and
 * AuxiliaryAddresses when given. A subnet the engine chose is shown with that subnet and the
 * gateway it took, nothing else. So a missing Gateway, an IPRange, an auxiliary address, or an
 * endpoint that already has a fixed address prove a user subnet; "Subnet + Gateway" alone is
 * either an automatic subnet or --subnet with --gateway, and the API does not say which. For that
 * case the rule is: a subnet that is exactly one block of the engine's default address pools,
 * with the first host address as gateway, is taken as chosen by the engine (it is what the engine
 * makes); any other subnet as given by the user (the engine never picks one outside its pools).
 */
import { addressFamily, addressInCidr, Family, listedGateway, parseAddress, parseCidr, sameAddress } from './addresses';
import type { NetworkJson } from './dockerTypes';
import type { NetworkModel } from './inventory';

export type SubnetOrigin = 'user' | 'engine';

/** One default address pool of the engine (`--default-address-pool base=…,size=…`). */
export interface AddressPool {
  base: string;
  size: number;
}

/** moby's built-in pools (libnetwork ipamutils), used when `GET /info` does not list the engine's own. */
export const BUILTIN_LOCAL_POOLS: readonly AddressPool[] = [
  { base: '172.17.0.0/16', size: 16 },
  { base: '172.18.0.0/16', size: 16 },
  { base: '172.19.0.0/16', size: 16 },
  { base: '172.20.0.0/14', size: 16 },
  { base: '172.24.0.0/14', size: 16 },
  { base: '172.28.0.0/14', size: 16 },
  { base: '192.168.0.0/16', size: 20 },
];
/** Swarm's default pool for overlay networks (`docker swarm init --default-addr-pool`). */
export const BUILTIN_SWARM_POOLS: readonly AddressPool[] = [{ base: '10.0.0.0/8', size: 24 }];

export interface SubnetFacts {
  subnet: string;
  family: Family;
  origin: SubnetOrigin;
  /** The gateway the engine uses: as configured, as its endpoints see it, or the first address it can allocate. */
  gateway?: string;
  gatewaySource?: 'configured' | 'endpoint' | 'allocator';
}

/** Whether `subnet` is exactly one block the engine would cut from `pools`. */
export function isPoolBlock(subnet: string, pools: readonly AddressPool[]): boolean {
  const cidr = parseCidr(subnet);
  return Boolean(cidr && pools.some((pool) => cidr.subnetMask === pool.size && addressInCidr(subnet.split('/')[0], pool.base)));
}

/** The first address the default IPAM hands out in `subnet` (or in its `ipRange`): the network address + 1. */
function firstAllocatable(subnet: string, ipRange: string | undefined): string | undefined {
  const block = parseCidr(ipRange ?? subnet);
  const whole = parseCidr(subnet);
  if (!block || !whole) {
    return undefined;
  }
  const start = block.startAddress();
  // The network address itself is never handed out; a range that starts elsewhere starts at its own first address.
  return sameAddress(start, whole.startAddress()) ? block.startAddressExclusive().correctForm() : start.correctForm();
}

function endpointGateway(network: NetworkModel, subnet: string, family: Family): string | undefined {
  for (const endpoint of network.endpoints) {
    const gateway = family === 4 ? endpoint.gateway : endpoint.ipv6Gateway;
    if (gateway && addressInCidr(gateway, subnet)) {
      return gateway;
    }
  }
  return undefined;
}

function hasFixedEndpoint(network: NetworkModel, subnet: string, family: Family): boolean {
  return network.endpoints.some((endpoint) => {
    const fixed = family === 4 ? endpoint.staticIpv4 : endpoint.staticIpv6;
    return Boolean(fixed && addressInCidr(fixed, subnet));
  });
}

/**
 * The facts of each subnet of `network`, from its inspect when given (fresher than the list),
 * its endpoints, and the engine's default pools (from `GET /info` when it lists them).
 */
export function subnetFacts(network: NetworkModel, inspect?: NetworkJson, pools?: readonly AddressPool[]): SubnetFacts[] {
  const configs = (inspect ?? network.raw).IPAM?.Config ?? [];
  const defaults = pools && pools.length > 0 ? pools : network.scope === 'swarm' ? BUILTIN_SWARM_POOLS : BUILTIN_LOCAL_POOLS;
  const facts: SubnetFacts[] = [];
  for (const listed of configs) {
    const config = { ...listed, Gateway: listedGateway(listed.Gateway) };
    const cidr = config.Subnet ? parseCidr(config.Subnet) : undefined;
    if (!config.Subnet || !cidr) {
      continue;
    }
    const family = addressFamily(cidr);
    const aux = Object.keys(config.AuxiliaryAddresses ?? {}).length > 0;
    const proven = !config.Gateway || Boolean(config.IPRange) || aux || hasFixedEndpoint(network, config.Subnet, family);
    const first = firstAllocatable(config.Subnet, undefined);
    const gatewayIsFirst = Boolean(config.Gateway && first && sameAddress(parseAddress(config.Gateway)!, parseAddress(first)!));
    const origin: SubnetOrigin = !proven && gatewayIsFirst && isPoolBlock(config.Subnet, defaults) ? 'engine' : 'user';
    const seen = config.Gateway ? undefined : endpointGateway(network, config.Subnet, family);
    const allocated = config.Gateway || seen ? undefined : firstAllocatable(config.Subnet, config.IPRange || undefined);
    facts.push({
      subnet: config.Subnet,
      family,
      origin,
      gateway: config.Gateway || seen || allocated,
      gatewaySource: config.Gateway ? 'configured' : seen ? 'endpoint' : allocated ? 'allocator' : undefined,
    });
  }
  return facts;
}
