/**
 * The sentence for each validation code of src/model/validation.ts, in the caller's language
 * (`vscode.l10n` in the extension's forms and notifications).
 */
import type { ValidationCode, ValidationIssue } from '../model/validation';
import type { Translator } from './translator';

type Params = Record<string, string>;

/** The sentence of each code; a Record, so a new code without a sentence does not compile. */
const MESSAGES: Record<ValidationCode, (p: Params, l10n: Translator) => string> = {
  nameEmpty: (_p, l10n) => l10n.t('Enter a name.'),
  nameInvalid: (p, l10n) => l10n.t('"{0}" is not a valid name: start with a letter or digit, then use only letters, digits, "_", "." and "-".', p.name ?? ''),
  nameTaken: (p, l10n) => l10n.t('A network named "{0}" already exists.', p.name ?? ''),
  nameReserved: (p, l10n) => l10n.t('"{0}" is reserved by the engine for its predefined networks: choose another name.', p.name ?? ''),
  driverNotCreatable: (p, l10n) => l10n.t('The "{0}" network exists once per engine and cannot be created.', p.driver ?? ''),
  overlayNeedsSwarm: (_p, l10n) => l10n.t('Overlay networks need a swarm manager: run "docker swarm init" first.'),
  driverUnknown: (p, l10n) => l10n.t('The engine has no network driver "{0}".', p.driver ?? ''),
  cidrInvalid: (p, l10n) => l10n.t('"{0}" is not a CIDR: write an address and a prefix length, like 172.16.86.0/24 or fd00:1::/64.', p.value ?? ''),
  cidrHostBits: (p, l10n) => l10n.t('"{0}" has host bits set: the network address is {1}.', p.value ?? '', p.suggestion ?? ''),
  prefixLeadingZeros: (p, l10n) => l10n.t('"{0}" writes its prefix length with leading zeros: write {1}.', p.value ?? '', p.suggestion ?? ''),
  subnetIpv4Mapped: (p, l10n) =>
    l10n.t('"{0}" is an IPv4-mapped IPv6 subnet: the engine reads it as IPv4 and refuses it. Write the IPv4 subnet {1}.', p.value ?? '', p.suggestion ?? ''),
  ipv6Disabled: (p, l10n) => l10n.t('"{0}" is an IPv6 value but IPv6 is off for this network. Turn IPv6 on first.', p.value ?? ''),
  addressInvalid: (p, l10n) => l10n.t('"{0}" is not an IP address.', p.value ?? ''),
  addressWrongFamily: (p, l10n) => l10n.t('"{0}" is not of the same IP version as the subnet {1}.', p.value ?? '', p.subnet ?? ''),
  ipv6Zone: (p, l10n) =>
    l10n.t('"{0}" has an IPv6 zone (%…): a zone names a link of one host and has no place in a network\'s addresses. Remove it.', p.value ?? ''),
  gatewayOutside: (p, l10n) => l10n.t('The gateway {0} is not inside the subnet {1}.', p.value ?? '', p.subnet ?? ''),
  gatewayIsNetworkAddress: (p, l10n) =>
    l10n.t('The gateway {0} is the network address of {1}; choose a host address, like the first one after it.', p.value ?? '', p.subnet ?? ''),
  gatewayIsBroadcast: (p, l10n) => l10n.t('The gateway {0} is the broadcast address of {1}; choose a host address.', p.value ?? '', p.subnet ?? ''),
  rangeOutside: (p, l10n) => l10n.t('The IP range {0} is not inside the subnet {1}.', p.value ?? '', p.subnet ?? ''),
  auxInvalid: (p, l10n) => l10n.t('"{0}" is not of the form name=address.', p.value ?? ''),
  auxOutside: (p, l10n) => l10n.t('The auxiliary address {0} ({1}) is not inside the subnet {2}.', p.value ?? '', p.name ?? '', p.subnet ?? ''),
  auxDuplicate: (p, l10n) => l10n.t('The auxiliary address name "{0}" is used twice.', p.name ?? ''),
  auxIsNetworkAddress: (p, l10n) =>
    l10n.t('The auxiliary address {0} ({1}) is the network address of {2}; choose a host address.', p.value ?? '', p.name ?? '', p.subnet ?? ''),
  auxIsBroadcast: (p, l10n) =>
    l10n.t('The auxiliary address {0} ({1}) is the broadcast address of {2}; choose a host address.', p.value ?? '', p.name ?? '', p.subnet ?? ''),
  subnetOverlapsNetwork: (p, l10n) => l10n.t('{0} overlaps {1}, the subnet of the network "{2}".', p.value ?? '', p.networkSubnet ?? '', p.network ?? ''),
  subnetOverlapsSubnet: (p, l10n) => l10n.t('{0} overlaps {1}, another subnet of this network.', p.value ?? '', p.other ?? ''),
  keyValueInvalid: (p, l10n) => l10n.t('"{0}" is not of the form key=value.', p.value ?? ''),
  aliasInvalid: (p, l10n) =>
    l10n.t('"{0}" is not a DNS name: use letters, digits, "_" and "-" (not at the start or end of a label), and "." between labels.', p.value ?? ''),
  aliasHasSpace: (p, l10n) => l10n.t('"{0}" contains a space, and an alias is one DNS name. Separate several aliases with commas.', p.value ?? ''),
  aliasEmptyLabel: (p, l10n) => l10n.t('"{0}" is not a DNS name: it has an empty label (two dots in a row, or a dot at the start).', p.value ?? ''),
  aliasTrailingDot: (p, l10n) => l10n.t('"{0}" ends with a dot: write the alias without it.', p.value ?? ''),
  aliasLabelTooLong: (p, l10n) => l10n.t('"{0}" is not a DNS name: its label "{1}" is longer than {2} characters.', p.value ?? '', p.label ?? '', p.max ?? ''),
  aliasTooLong: (p, l10n) => l10n.t('This alias is longer than {0} characters, the limit of a DNS name.', p.max ?? ''),
  aliasNeedsUserNetwork: (p, l10n) => l10n.t('Aliases work only on user-defined networks; "{0}" is the default bridge, which has no embedded DNS.', p.network ?? ''),
  staticIpNeedsUserNetwork: (p, l10n) => l10n.t('A fixed address can be chosen only on user-defined networks, not on "{0}".', p.network ?? ''),
  staticIpNeedsSubnet: (p, l10n) => l10n.t('"{0}" has no subnet of this IP version, so no fixed address can be chosen there.', p.network ?? ''),
  staticIpIsGateway: (p, l10n) => l10n.t('{0} is the gateway of "{1}": the engine has taken it already. Choose another address.', p.value ?? '', p.network ?? ''),
  staticIpAutomaticSubnet: (p, l10n) =>
    l10n.t('No fixed address on "{0}": the engine chose its subnet ({1}) and assigns the addresses there itself. For a fixed address, use a network created with --subnet.', p.network ?? '', p.subnets ?? ''),
  staticIpOutside: (p, l10n) => l10n.t('{0} is not inside the subnets of "{1}" ({2}).', p.value ?? '', p.network ?? '', p.subnets ?? ''),
  staticIpReserved: (p, l10n) => l10n.t('{0} is reserved on "{1}" (network, broadcast, gateway or auxiliary address).', p.value ?? '', p.network ?? ''),
  staticIpInUse: (p, l10n) => l10n.t('{0} is already used by {1} on "{2}".', p.value ?? '', p.container ?? '', p.network ?? ''),
  alreadyConnected: (p, l10n) => l10n.t('{0} is already connected to {1}.', p.container ?? '', p.network ?? ''),
  containerNotConnectable: (p, l10n) => l10n.t('{0} uses the network stack of the host, of another container, or none: it cannot join networks.', p.container ?? ''),
  networkNotConnectable: (p, l10n) => l10n.t('Containers cannot be connected to "{0}" after they are created.', p.network ?? ''),
  overlayNotAttachable: (p, l10n) =>
    l10n.t('The swarm network "{0}" is not attachable: only service tasks may join it. Create it with --attachable to connect standalone containers.', p.network ?? ''),
  networkUsedByService: (p, l10n) =>
    l10n.t('"{0}" is used by the service {1}: remove the service or take the network out of it (docker service update --network-rm {0} {1}) first.', p.network ?? '', p.services ?? ''),
  overlayOnWorker: (_p, l10n) => l10n.t('This engine is a swarm worker: overlay networks are created on a manager node.'),
  swarmNetworkNeedsManager: (p, l10n) =>
    l10n.t('"{0}" is a swarm network and this engine is a swarm worker: remove it on a manager node.', p.network ?? ''),
  taskNetworkManaged: (p, l10n) =>
    l10n.t('{0} is a task of the service {1}: its networks belong to the service. Use docker service update --network-rm {2} {1} instead.', p.container ?? '', p.service ?? '', p.network ?? ''),
  ipv4OffUnsupported: (p, l10n) =>
    l10n.t('This engine speaks API {0}: it cannot turn IPv4 off (that needs API {1}, Docker Engine 28 or later) and would create the network with IPv4.', p.api ?? '', p.needed ?? ''),
  ipv4OffNeedsIpv6: (_p, l10n) => l10n.t('IPv4 off needs IPv6 on: a network needs at least one of them. Turn IPv6 on, or IPv4 back on.'),
  ipv4OffSubnet: (p, l10n) => l10n.t('The subnet {0} is IPv4, but IPv4 is off for this network: remove it, or turn IPv4 back on.', p.value ?? ''),
  ipv4OffGateway: (p, l10n) =>
    l10n.t('The gateway {0} (of {1}) is IPv4, but IPv4 is off for this network: the engine would give no IPv4 address.', p.value ?? '', p.subnet ?? ''),
  ipv4OffIpRange: (p, l10n) =>
    l10n.t('The IP range {0} (of {1}) is IPv4, but IPv4 is off for this network: no container would get an address from it.', p.value ?? '', p.subnet ?? ''),
  gatewayModeNeedsBridge: (p, l10n) => l10n.t('The gateway mode {0} is an option of the bridge driver; the {1} driver refuses it.', p.mode ?? '', p.driver ?? ''),
  gatewayModeUnknown: (p, l10n) => l10n.t('"{0}" is not a gateway mode: use nat, nat-unprotected, routed or isolated.', p.mode ?? ''),
  gatewayModeUnsupported: (p, l10n) =>
    l10n.t('This engine speaks API {0}: it does not know the gateway mode {1} (it needs API {2}) and would ignore it.', p.api ?? '', p.mode ?? '', p.needed ?? ''),
  gatewayModeFamilyOff: (p, l10n) => l10n.t('The IPv{0} gateway mode {1} is set, but IPv{0} is off for this network.', p.family ?? '', p.mode ?? ''),
  gatewayModeIsolatedNeedsInternal: (_p, l10n) =>
    l10n.t('The gateway mode isolated is for an internal network only: choose Internal too, or another mode.'),
  gwPriorityUnsupported: (p, l10n) =>
    l10n.t('This engine speaks API {0}: it does not know gateway priorities (they need API {1}, Docker Engine 28 or later) and would ignore {2}.', p.api ?? '', p.needed ?? '', p.value ?? ''),
  gwPriorityInvalid: (p, l10n) => l10n.t('"{0}" is not a gateway priority: write a whole number between {1} and {2}.', p.value ?? '', p.min ?? '', p.max ?? ''),
  podmanIgnoresAuxAddresses: (p, l10n) =>
    l10n.t('Podman ignores auxiliary addresses ({0} in {1}): it would create the network without reserving them. Remove them.', p.value ?? '', p.subnet ?? ''),
  podmanIgnoresAttachable: (_p, l10n) => l10n.t('Podman has no attachable networks (a swarm notion): it would create the network without it. Turn Attachable off.'),
  podmanIgnoresOption: (p, l10n) =>
    l10n.t('Podman ignores the driver option {0} on a {1} network: it would create the network without it. Remove the option.', p.key ?? '', p.driver ?? ''),
};

export function validationMessage(found: ValidationIssue, l10n: Translator): string {
  return MESSAGES[found.code](found.params, l10n);
}

/** For a field's `validate`: the sentence for the issue found, undefined when there is none. */
export function fieldMessage(found: ValidationIssue | undefined, l10n: Translator): string | undefined {
  return found ? validationMessage(found, l10n) : undefined;
}
