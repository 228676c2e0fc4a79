/**
 * The names an endpoint answers to: user aliases and the names the embedded DNS serves. The
 * container list does not carry them, so they come from container inspections, which the session
 * keeps beside the snapshot (inspected on demand, forgotten when an event names the container).
 * The Inventory itself never changes when an inspection arrives. Pure.
 */
import type { ContainerInspectJson, EndpointSettingsJson } from './dockerTypes';
import { DnsName, DnsNameSource, EndpointModel, Inventory, NetworkModel, shortId } from './inventory';

export interface EndpointNames {
  /** What the user gave with --alias / --network-alias (without the engine's own entries). */
  aliases: string[];
  /** Every name the embedded DNS answers for this endpoint; empty where there is no embedded DNS. */
  dnsNames: DnsName[];
}

/** Names of an endpoint, or undefined while its container has not been inspected. */
export type EndpointNamesLookup = (endpoint: EndpointModel) => EndpointNames | undefined;

/** For a caller that has no inspections (yet): every endpoint's names are unknown. */
export const NO_NAMES_KNOWN: EndpointNamesLookup = () => undefined;

/** The lookup over a set of inspections, by full container id. */
export function namesFromInspections(inventory: Inventory, inspectionOf: (containerId: string) => ContainerInspectJson | undefined): EndpointNamesLookup {
  return (endpoint) => endpointNames(endpoint, inspectionOf(endpoint.containerId), inventory.networkById.get(endpoint.networkId));
}

export function endpointNames(endpoint: EndpointModel, inspection: ContainerInspectJson | undefined, network: NetworkModel | undefined): EndpointNames | undefined {
  if (endpoint.viaContainer) {
    // A borrowed stack has no endpoint of its own: its names are the owner's.
    return { aliases: [], dnsNames: [] };
  }
  const settings = inspection?.NetworkSettings?.Networks?.[endpoint.networkName] ?? undefined;
  if (!settings) {
    return undefined;
  }
  return dnsNamesOf(settings, { id: endpoint.containerId, name: endpoint.containerName }, network);
}

function hasEmbeddedDns(network: NetworkModel | undefined): boolean {
  // The embedded DNS answers on every network but the default bridge, host and none.
  return Boolean(network) && network!.predefined !== 'bridge' && network!.predefined !== 'host' && network!.predefined !== 'none';
}

/**
 * The names the embedded DNS answers for an endpoint. API 1.44+ gives them as `DNSNames`; older
 * engines give `Aliases` (user aliases plus the short id) and the container name is implied.
 */
export function dnsNamesOf(settings: EndpointSettingsJson | undefined, container: { id: string; name: string }, network: NetworkModel | undefined): EndpointNames {
  const idPrefix = shortId(container.id);
  const rawAliases = settings?.Aliases ?? [];
  const aliases = rawAliases.filter((alias) => alias !== idPrefix && alias !== container.name && alias !== container.id);
  if (!hasEmbeddedDns(network)) {
    return { aliases, dnsNames: [] };
  }
  const source = (name: string): DnsNameSource =>
    name === container.name ? 'containerName' : name === idPrefix || container.id.startsWith(name) ? 'containerId' : aliases.includes(name) ? 'alias' : 'engine';
  const names = settings?.DNSNames && settings.DNSNames.length > 0 ? settings.DNSNames : [container.name, ...aliases, idPrefix];
  const seen = new Set<string>();
  const dnsNames: DnsName[] = [];
  for (const name of names) {
    if (name && !seen.has(name)) {
      seen.add(name);
      dnsNames.push({ name, source: source(name) });
    }
  }
  return { aliases, dnsNames };
}
