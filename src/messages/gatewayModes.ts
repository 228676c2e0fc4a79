/**
 * What a bridge network's gateway mode means for the user, the same in the create form and in the
 * network's tooltip (Docker 27+: `com.docker.network.bridge.gateway_mode_ipv4/_ipv6`).
 */
import type { Translator } from './translator';

export function gatewayModeMeaning(mode: string, l10n: Translator): string | undefined {
  switch (mode) {
    case 'nat':
      return l10n.t('NAT on the host; from outside, only published ports reach the containers (the default).');
    case 'nat-unprotected':
      return l10n.t('NAT on the host, and every port of the containers is open to direct routing from outside, published or not.');
    case 'routed':
      return l10n.t('No NAT: containers are reached at their own addresses (the outside needs a route to the subnet); only published ports are open.');
    case 'isolated':
      return l10n.t('No address on the host\'s bridge: no traffic between the host and the containers (internal networks only).');
    default:
      return undefined;
  }
}
