import type { DiagramLabels } from '../model/topology/mermaid';

/** The diagram's words in English: the command line's and the tests' (the panel localizes them). */
export const ENGLISH_LABELS: DiagramLabels = {
  hostNamespace: 'host network namespace',
  hostModeContainers: 'host mode:',
  containerNamespace: 'netns',
  overlayNamespace: 'overlay netns',
  ingressNamespace: 'ingress netns',
  loadBalancerNamespace: 'load balancer netns',
  otherNamespace: 'netns',
  namedNamespace: 'ip netns',
  stopped: 'stopped',
  network: 'network',
  aliases: 'aliases:',
  inferredHostEnd: 'veth (name unknown)',
  inferredContainerEnd: 'eth (name unknown)',
  unmanaged: 'not managed by Docker',
  defaultRoute: 'default route',
  defaultRouteVia: 'default route via',
  parentOf: 'parent of',
  probeLevel: 'probe level:',
  legendTitle: 'Legend',
  legendObserved: 'solid: observed on the host',
  legendInferred: 'dashed: inferred from the Engine API',
  legendUnmanaged: 'orange: not managed by Docker',
  legendVeth: '<--> veth pair',
  legendBridgePort: '--- bridge port, --> parent link',
};
