/**
 * The names a container can use for another on one network: the embedded DNS's names (container
 * name, aliases, short id) on user-defined networks, and legacy `--link` names, which are the only
 * names on the default bridge (written into the linking container's /etc/hosts). Pure.
 */
import type { ContainerInspectJson } from '../dockerTypes';
import { dnsNamesOf } from '../endpointNames';
import type { ContainerModel, NetworkModel } from '../inventory';
import type { ReachName } from './types';

export type InspectionOf = (containerId: string) => ContainerInspectJson | undefined;

function addUnique(names: ReachName[], name: string | undefined, source: ReachName['source']): void {
  if (name && !names.some((known) => known.name === name)) {
    names.push({ name, source });
  }
}

/** `--link` names `from` has for `target` on the default bridge: alias, then name and hostname. */
function defaultBridgeLinkNames(from: ContainerModel, target: ContainerModel, inspectionOf: InspectionOf): ReachName[] {
  const names: ReachName[] = [];
  for (const link of from.links.filter((candidate) => candidate.toId === target.id)) {
    addUnique(names, link.alias, 'link');
    addUnique(names, target.name, 'link');
    addUnique(names, inspectionOf(target.id)?.Config?.Hostname, 'link');
  }
  return names;
}

/** `--link target:alias` given on a user-defined network: the embedded DNS answers the alias for `from` only. */
function userNetworkLinkNames(network: NetworkModel, from: ContainerModel, target: ContainerModel, inspectionOf: InspectionOf): ReachName[] {
  const links = inspectionOf(from.id)?.NetworkSettings?.Networks?.[network.name]?.Links ?? [];
  const names: ReachName[] = [];
  for (const link of links) {
    const [container, alias] = link.split(':');
    if (container === target.name || (container.length >= 3 && target.id.startsWith(container))) {
      addUnique(names, alias ?? container, 'link');
    }
  }
  return names;
}

/** The names `from` can use for `target` on `network` (empty when there are none). */
export function namesOn(network: NetworkModel, from: ContainerModel | undefined, target: ContainerModel, inspectionOf: InspectionOf): ReachName[] {
  if (network.predefined === 'bridge') {
    return from ? defaultBridgeLinkNames(from, target, inspectionOf) : [];
  }
  if (network.dnsDisabled) {
    return [];
  }
  const settings = inspectionOf(target.id)?.NetworkSettings?.Networks?.[network.name] ?? undefined;
  const names: ReachName[] = dnsNamesOf(settings, { id: target.id, name: target.name }, network).dnsNames.map((dns) => ({ name: dns.name, source: dns.source }));
  if (from) {
    for (const link of userNetworkLinkNames(network, from, target, inspectionOf)) {
      addUnique(names, link.name, link.source);
    }
  }
  return names;
}

/** Every name of `target` on each of its networks, as anyone on that network would see it. */
export function namesByNetwork(networks: NetworkModel[], target: ContainerModel, inspectionOf: InspectionOf): Map<string, ReachName[]> {
  const byNetwork = new Map<string, ReachName[]>();
  for (const network of networks) {
    byNetwork.set(network.id, namesOn(network, undefined, target, inspectionOf));
  }
  return byNetwork;
}
