/**
 * The topology's words, once: the diagram's labels, the overview's, the panel toolbar's and the
 * probe level's status line, in the caller's language (`vscode.l10n` in the panel,
 * `englishTranslator` for the command line, the exports' goldens and the tests: ENGLISH_LABELS).
 */
import type { ProbeLevel, ProbeReason } from '../model/topology/facts';
import type { DiagramLabels } from '../model/topology/mermaid';
import type { OverviewLabels, OverviewReason } from '../model/topology/overview';
import { englishTranslator, Translator } from './translator';

/** The diagram's words in the caller's language. */
export function diagramLabels(l10n: Translator): DiagramLabels {
  return {
    hostNamespace: l10n.t('host network namespace'),
    hostModeContainers: l10n.t('host mode:'),
    containerNamespace: l10n.t('netns'),
    overlayNamespace: l10n.t('overlay netns'),
    ingressNamespace: l10n.t('ingress netns'),
    loadBalancerNamespace: l10n.t('load balancer netns'),
    otherNamespace: l10n.t('netns'),
    namedNamespace: l10n.t('ip netns'),
    rootlessNamespace: l10n.t('rootless network namespace'),
    userModeNetwork: l10n.t('user-mode network'),
    gateway: l10n.t('gateway'),
    dns: l10n.t('DNS'),
    stopped: l10n.t('stopped'),
    network: l10n.t('network'),
    aliases: l10n.t('aliases:'),
    inferredHostEnd: l10n.t('veth (name unknown)'),
    inferredContainerEnd: l10n.t('eth (name unknown)'),
    unmanaged: l10n.t('not managed by Docker'),
    defaultRoute: l10n.t('default route'),
    defaultRouteVia: l10n.t('default route via'),
    parentOf: l10n.t('parent of'),
    probeLevel: l10n.t('probe level:'),
    legendTitle: l10n.t('Legend'),
    legendObserved: l10n.t('solid: observed on the host'),
    legendObservedByHelper: l10n.t("solid: observed on the engine's host (helper container)"),
    legendInferred: l10n.t('dashed: inferred from the Engine API'),
    legendUnmanaged: l10n.t('orange: not managed by Docker'),
    legendVeth: l10n.t('<--> veth pair'),
    legendBridgePort: l10n.t('--- bridge port, --> parent link'),
    swarmNodeInferred: {
      noEngine: l10n.t('no engine configured for this node'),
      engineUnreachable: l10n.t('the engine configured for this node did not answer'),
      notFoundOnNode: l10n.t('not found by this node\'s engine'),
    },
  };
}

/** The overview's words in the caller's language (the model's English defaults: ENGLISH_OVERVIEW_LABELS, equal to these in English). */
export function overviewLabels(l10n: Translator): OverviewLabels {
  return {
    bridgeRegion: l10n.t('bridge networks'),
    swarmRegion: l10n.t('swarm (overlay) networks'),
    macvlanRegion: l10n.t('macvlan / ipvlan networks'),
    hostRegion: l10n.t('host network'),
    detachedRegion: l10n.t('no network'),
    multiHomedRegion: l10n.t('on several networks'),
    containers: l10n.t('containers:'),
    overviewComment: l10n.t('overview by network: click a network or a container to see its plumbing'),
    // {0} is a number: the containers a node does not list.
    more: l10n.t('{0} more'),
  };
}

/**
 * The panel toolbar's words. Typed by the panel's protocol (WebviewStrings) where it is sent; not
 * imported here, so the catalog stays below the panel.
 */
export function webviewStrings(l10n: Translator) {
  return {
    scope: l10n.t('Scope'),
    ips: l10n.t('IPs'),
    macs: l10n.t('MACs'),
    pickScope: l10n.t('Search scopes…'),
    stopped: l10n.t('Stopped containers'),
    unmanaged: l10n.t('Unmanaged interfaces'),
    inferred: l10n.t('Inferred parts'),
    refresh: l10n.t('Refresh'),
    exportSvg: l10n.t('Export SVG'),
    copySource: l10n.t('Copy Mermaid source'),
    saveMarkdown: l10n.t('Save as Markdown'),
    resetView: l10n.t('Reset view'),
    renderError: l10n.t('Mermaid could not render the diagram'),
    panHint: l10n.t('Larger than the panel at a readable size: drag to pan, wheel to zoom out.'),
    traffic: l10n.t('Traffic'),
    trafficHint: l10n.t('Show live traffic: rates on every interface, idle links dimmed, the busiest emphasised'),
  };
}

/**
 * The status line over the overview: what is drawn (one box per network, not the plumbing), why
 * (more networks or containers than the full diagram is drawn for), and how to see the plumbing.
 */
export function overviewCaption(reason: OverviewReason, l10n: Translator): string {
  const why =
    reason.kind === 'networks'
      ? l10n.t('Overview: one box per network, because the host has more than {0} networks ({1}).', reason.limit, reason.count)
      : l10n.t('Overview: one box per network, because the host has more than {0} containers ({1}).', reason.limit, reason.count);
  return `${why} ${l10n.t("Click a box to open that network's plumbing: its bridge, veth pairs and namespaces.")}`;
}

/** The status line under the toolbar: which probe level was reached, and why not a higher one. */
export function levelText(level: ProbeLevel, reason: ProbeReason, l10n: Translator): string {
  if (level === 'netns') {
    return l10n.t('Observed on the host as root: bridges, veth pairs and every namespace under /var/run/docker/netns.');
  }
  if (level === 'helper') {
    return l10n.t("Observed on the engine's host by a helper container: bridges, veth pairs and every namespace, read there and brought back over the engine connection.");
  }
  if (level === 'sysfs') {
    switch (reason) {
      case 'noIpTool':
        return l10n.t('Observed through /sys and /proc (ip or nsenter missing): overlay and ingress namespaces are inferred.');
      case 'limitedByOption':
        return l10n.t('Observed through /sys and /proc (limited by request): overlay and ingress namespaces are inferred.');
      default:
        return l10n.t('Observed without root through /sys and /proc: overlay and ingress namespaces are inferred.');
    }
  }
  switch (reason) {
    case 'remoteEngine':
      return l10n.t('Engine is remote: host plumbing inferred from the Engine API (dashed).');
    case 'notLinux':
      return l10n.t('Not a Linux host: host plumbing inferred from the Engine API (dashed).');
    case 'noSysfs':
      return l10n.t('/sys/class/net is not readable: host plumbing inferred from the Engine API (dashed).');
    default:
      return l10n.t('Host plumbing inferred from the Engine API (dashed).');
  }
}

/** One line for the exports: the probe level, why, and what it means. */
export function levelLine(level: ProbeLevel, reason: ProbeReason, l10n: Translator): string {
  return l10n.t('Probe level: {0} ({1}). {2}', level, reason, levelText(level, reason, l10n));
}

/** The diagram's words in English: the command line's and the tests' (the panel localizes them). */
export const ENGLISH_LABELS: DiagramLabels = diagramLabels(englishTranslator);
