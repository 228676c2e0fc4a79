/**
 * Glue: the localized sentence for each validation code of src/model/validation.ts.
 */
import * as vscode from 'vscode';
import type { ValidationIssue } from '../model/validation';

export function validationMessage(found: ValidationIssue): string {
  const p = found.params;
  switch (found.code) {
    case 'nameEmpty':
      return vscode.l10n.t('Enter a name.');
    case 'nameInvalid':
      return vscode.l10n.t('"{0}" is not a valid name: start with a letter or digit, then use only letters, digits, "_", "." and "-".', p.name ?? '');
    case 'nameTaken':
      return vscode.l10n.t('A network named "{0}" already exists.', p.name ?? '');
    case 'driverNotCreatable':
      return vscode.l10n.t('The "{0}" network exists once per engine and cannot be created.', p.driver ?? '');
    case 'overlayNeedsSwarm':
      return vscode.l10n.t('Overlay networks need a swarm manager: run "docker swarm init" first.');
    case 'driverUnknown':
      return vscode.l10n.t('The engine has no network driver "{0}".', p.driver ?? '');
    case 'cidrInvalid':
      return vscode.l10n.t('"{0}" is not a CIDR: write an address and a prefix length, like 172.16.86.0/24 or fd00:1::/64.', p.value ?? '');
    case 'cidrHostBits':
      return vscode.l10n.t('"{0}" has host bits set: the network address is {1}.', p.value ?? '', p.suggestion ?? '');
    case 'ipv6Disabled':
      return vscode.l10n.t('"{0}" is an IPv6 value but IPv6 is off for this network. Turn IPv6 on first.', p.value ?? '');
    case 'addressInvalid':
      return vscode.l10n.t('"{0}" is not an IP address.', p.value ?? '');
    case 'addressWrongFamily':
      return vscode.l10n.t('"{0}" is not of the same IP version as the subnet {1}.', p.value ?? '', p.subnet ?? '');
    case 'gatewayOutside':
      return vscode.l10n.t('The gateway {0} is not inside the subnet {1}.', p.value ?? '', p.subnet ?? '');
    case 'gatewayIsNetworkAddress':
      return vscode.l10n.t('The gateway {0} is the network address of {1}; choose a host address, like the first one after it.', p.value ?? '', p.subnet ?? '');
    case 'gatewayIsBroadcast':
      return vscode.l10n.t('The gateway {0} is the broadcast address of {1}; choose a host address.', p.value ?? '', p.subnet ?? '');
    case 'rangeOutside':
      return vscode.l10n.t('The IP range {0} is not inside the subnet {1}.', p.value ?? '', p.subnet ?? '');
    case 'auxInvalid':
      return vscode.l10n.t('"{0}" is not of the form name=address.', p.value ?? '');
    case 'auxOutside':
      return vscode.l10n.t('The auxiliary address {0} ({1}) is not inside the subnet {2}.', p.value ?? '', p.name ?? '', p.subnet ?? '');
    case 'auxDuplicate':
      return vscode.l10n.t('The auxiliary address name "{0}" is used twice.', p.name ?? '');
    case 'subnetOverlapsNetwork':
      return vscode.l10n.t('{0} overlaps {1}, the subnet of the network "{2}".', p.value ?? '', p.networkSubnet ?? '', p.network ?? '');
    case 'subnetOverlapsSubnet':
      return vscode.l10n.t('{0} overlaps {1}, another subnet of this network.', p.value ?? '', p.other ?? '');
    case 'keyValueInvalid':
      return vscode.l10n.t('"{0}" is not of the form key=value.', p.value ?? '');
    case 'aliasInvalid':
      return vscode.l10n.t('"{0}" is not a valid alias: use letters, digits, "_", "." and "-".', p.value ?? '');
    case 'aliasNeedsUserNetwork':
      return vscode.l10n.t('Aliases work only on user-defined networks; "{0}" is the default bridge, which has no embedded DNS.', p.network ?? '');
    case 'staticIpNeedsUserNetwork':
      return vscode.l10n.t('A fixed address can be chosen only on user-defined networks, not on "{0}".', p.network ?? '');
    case 'staticIpNeedsSubnet':
      return vscode.l10n.t('"{0}" has no subnet of this IP version, so no fixed address can be chosen there.', p.network ?? '');
    case 'staticIpOutside':
      return vscode.l10n.t('{0} is not inside the subnets of "{1}" ({2}).', p.value ?? '', p.network ?? '', p.subnets ?? '');
    case 'staticIpReserved':
      return vscode.l10n.t('{0} is reserved on "{1}" (network, broadcast, gateway or auxiliary address).', p.value ?? '', p.network ?? '');
    case 'staticIpInUse':
      return vscode.l10n.t('{0} is already used by {1} on "{2}".', p.value ?? '', p.container ?? '', p.network ?? '');
    case 'alreadyConnected':
      return vscode.l10n.t('{0} is already connected to {1}.', p.container ?? '', p.network ?? '');
    case 'containerNotConnectable':
      return vscode.l10n.t('{0} uses the network stack of the host, of another container, or none: it cannot join networks.', p.container ?? '');
    case 'networkNotConnectable':
      return vscode.l10n.t('Containers cannot be connected to "{0}" after they are created.', p.network ?? '');
  }
}

/** For a field's `validate`: the sentence for the issue found, undefined when there is none. */
export function fieldMessage(found: ValidationIssue | undefined): string | undefined {
  return found ? validationMessage(found) : undefined;
}
