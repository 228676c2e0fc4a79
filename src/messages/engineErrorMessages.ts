/**
 * Engine errors as sentences a user can act on. The registry calls `engineErrorMessage` for every
 * error a command throws that is not already a UserFacingError; the network actions call
 * `operationErrorMessage` with the model's classification (src/model/engineErrors.ts).
 */
import { classifyOperationError, classifyUnreachable, OperationError } from '../model/engineErrors';
import { swarmOperationMessage } from './swarmErrorMessages';
import { classifyTlsFailure } from '../model/tlsFailure';
import { tlsFailureMessage } from './tlsErrorMessages';
import { sshErrorMessage } from './sshErrorMessages';
import type { Translator } from './translator';

export function engineErrorMessage(error: unknown, l10n: Translator): string | undefined {
  const ssh = sshErrorMessage(error, l10n);
  if (ssh) {
    return ssh;
  }
  const tls = classifyTlsFailure(error);
  if (tls) {
    return tlsFailureMessage(tls, l10n);
  }
  switch (classifyUnreachable(error)) {
    case 'socketMissing':
    case 'refused':
      return l10n.t('The Docker engine is not running or cannot be reached.');
    case 'permissionDenied':
      return l10n.t('Permission denied on the Docker socket: add your user to the docker group.');
    case 'timeout':
      return l10n.t('The Docker engine did not answer in time.');
    default: {
      const classified = classifyOperationError(error);
      return classified.kind === 'unknown' || classified.kind === 'unreachable' ? undefined : operationErrorMessage(classified, l10n);
    }
  }
}

export function operationErrorMessage(error: OperationError, l10n: Translator): string {
  const p = error.params;
  switch (error.kind) {
    case 'nameTaken':
      return l10n.t('A network named "{0}" already exists. Choose another name, or remove the existing network first.', p.name ?? '');
    case 'poolOverlaps':
      return l10n.t('The subnet overlaps the subnet of another network (or another subnet of this one). Choose a range that no other network uses.');
    case 'onlyOneInstance':
      return l10n.t('Only one "{0}" network can exist per engine, and it is built in: connect containers to it instead of creating another.', p.driver ?? '');
    case 'hostNetworkConnection':
      return l10n.t('A container cannot be connected to or disconnected from the host network: it is chosen when the container is created (--network host).');
    case 'sharedNamespace':
      return l10n.t('This container uses the network stack of the host or of another container, so it cannot join other networks. Recreate it with its own network.');
    case 'noneNetworkExclusive':
      return l10n.t('A container on the "none" network cannot join other networks, and a container on other networks cannot join "none".');
    case 'aliasNeedsUserNetwork':
      return l10n.t('Aliases work only on user-defined networks: the default bridge has no embedded DNS. Create a network and connect the container to it.');
    case 'staticIpNeedsUserNetwork':
      return l10n.t('A fixed IP address can be chosen only on user-defined networks, not on the default bridge.');
    case 'staticIpNeedsSubnet':
      return l10n.t('A fixed IP address needs a network created with its own subnet (--subnet). This network got its subnet automatically, so the engine chooses the addresses.');
    case 'addressInUse':
      return p.address
        ? l10n.t('The address {0} is already taken on this network. Choose another one.', p.address)
        : l10n.t('This address is already taken on this network. Choose another one.');
    case 'addressOutOfRange':
      return p.address
        ? l10n.t('The address {0} is outside the network\'s subnets. Choose an address inside them.', p.address)
        : l10n.t('The address is outside the network\'s subnets. Choose an address inside them.');
    case 'invalidSubnet':
      return l10n.t('The engine refused the subnet {0}: write it as an address and a prefix length, like 172.16.86.0/24.', p.subnet ?? '');
    case 'endpointExists':
      // Podman names the container by its full id: its short form is the one the trees show.
      return l10n.t('{0} is already connected to {1}.', shortIfId(p.container ?? ''), p.network ?? '');
    case 'notConnected':
      return l10n.t('The container is no longer connected to {0}: it was disconnected meanwhile.', p.network ?? '');
    case 'hasActiveEndpoints':
      return l10n.t('The network {0} still has containers connected. Disconnect them first.', p.network ?? '');
    case 'predefinedNetwork':
      return l10n.t('{0} is a predefined network of the engine and cannot be removed.', p.network ?? '');
    case 'networkNotFound':
      return l10n.t('The network {0} no longer exists: it was removed meanwhile. The trees show the current state.', p.network ?? '');
    case 'containerNotFound':
      return l10n.t('The container {0} no longer exists: it was removed meanwhile.', p.container ?? '');
    case 'containerNotRunning':
      return l10n.t('The container {0} (or the container whose network it shares) is not running. Start it and try again.', (p.container ?? '').slice(0, 12));
    case 'driverNotFound':
      return l10n.t('The engine has no network driver "{0}". Install the plugin, or choose one of the drivers the engine lists.', p.driver ?? '');
    case 'swarmRequired':
      return l10n.t('Overlay networks need a swarm manager. Run "docker swarm init" (or join a swarm as a manager) and try again.');
    case 'swarmWorker':
    case 'notAttachable':
    case 'networkInUseByService':
      return swarmOperationMessage(error, l10n);
    case 'parentInUse':
      return l10n.t('The interface {0} is already the parent of another macvlan network. Use another interface, or a VLAN sub-interface like {0}.10.', p.parent ?? '');
    case 'parentInvalid':
      return l10n.t('The host has no interface named {0}. Choose an existing interface as parent (or a VLAN sub-interface written like eth0.10).', p.parent ?? '');
    case 'invalidDriverMode':
      return l10n.t('"{0}" is not a mode of the {1} driver.', p.mode ?? '', p.driver ?? '');
    case 'invalidOption':
      return l10n.t('The driver option {0} has an invalid value ({1}).', p.option ?? '', p.value ?? '');
    case 'noIpv6Pool':
      return l10n.t('IPv6 is on but no IPv6 subnet was given, and the engine has no default IPv6 pool. Add an IPv6 subnet (like fd00:1::/64).');
    case 'noIpv4Pool':
      return l10n.t('The engine has no free IPv4 range left in its default pools. Give a subnet explicitly, or remove unused networks.');
    case 'notSupported':
      return l10n.t('The engine or the host does not support this operation (for macvlan/ipvlan: choose a parent interface that supports it).');
    case 'nameReserved':
      return l10n.t('"{0}" is the name of a network mode of the engine (like host, none or slirp4netns), so no network can take it. Choose another name.', p.name ?? '');
    case 'driverUnsupported':
      return l10n.t('The engine does not support the network driver "{0}" (Podman offers bridge, macvlan and ipvlan). Choose one of those.', p.driver ?? '');
    case 'noNetworksMode':
      return l10n.t('This container runs without networks of its own (host, none, or another container\'s network stack), so it cannot join or leave a network. Recreate it with --network <network>.');
    case 'unreachable':
      return l10n.t('The Docker engine could not be reached. Nothing was changed.');
    case 'unknown':
    default:
      return l10n.t('The engine refused: {0}', error.engineMessage || '?');
  }
}

/** A full 64-hex container id as its 12-character short form; a name as it is. */
function shortIfId(value: string): string {
  return /^[0-9a-f]{64}$/.test(value) ? value.slice(0, 12) : value;
}
