/**
 * Before the doctor sends a packet or enters a namespace, the engine values it will use are
 * checked by type, and the first one that is not what its field must hold is named: the two
 * sides' ids, every address of their endpoints (IPAddress, GlobalIPv6Address, Gateway,
 * IPv6Gateway) and the addresses the observation would try. Pure.
 */
import { EngineValueError, isEngineId, isIpAddress } from '../engineValues';
import type { ContainerModel, EndpointModel, Inventory } from '../inventory';
import type { Explanation } from './explain';
import type { ReachSide } from './types';

const ADDRESS_FIELDS: readonly [keyof EndpointModel, string][] = [
  ['ipv4', 'IPAddress'],
  ['ipv6', 'GlobalIPv6Address'],
  ['gateway', 'Gateway'],
  ['ipv6Gateway', 'IPv6Gateway'],
];

function containersOf(inventory: Inventory, sides: ReachSide[]): ContainerModel[] {
  const found = new Map<string, ContainerModel>();
  for (const side of sides) {
    const container = side.kind === 'container' ? inventory.containerById.get(side.id) : undefined;
    if (container) {
      found.set(container.id, container);
    }
  }
  return [...found.values()];
}

/** Throws EngineValueError for the first engine value the doctor would use that is not valid. */
export function checkEngineAnswers(inventory: Inventory, explanation: Explanation): void {
  const sides = [explanation.question.from, explanation.question.to, explanation.effectiveFrom, explanation.effectiveTo];
  for (const container of containersOf(inventory, sides)) {
    if (!isEngineId(container.id)) {
      throw new EngineValueError(`Id of container ${container.name}`, container.id, 'id');
    }
    for (const endpoint of container.memberships) {
      for (const [key, field] of ADDRESS_FIELDS) {
        const value = endpoint[key];
        if (value !== undefined && !isIpAddress(value)) {
          throw new EngineValueError(`NetworkSettings.Networks.${endpoint.networkName}.${field} of container ${container.name}`, String(value), 'ipAddress');
        }
      }
    }
  }
  for (const address of [...explanation.targets.map((target) => target.address), ...explanation.targetAddresses]) {
    if (!isIpAddress(address)) {
      throw new EngineValueError('an address of the target', address, 'ipAddress');
    }
  }
}
