import * as vscode from 'vscode';
import type { ProbeLevel, ProbeReason } from '../model/topology/facts';
import type { DiagramLabels } from '../model/topology/mermaid';
import type { OverviewLabels } from '../model/topology/overview';
import type { WebviewStrings } from '../topologyPanel/protocol';

/** The diagram's words in the UI language (English ones: englishLabels.ts). */
export function localizedDiagramLabels(): DiagramLabels {
  return {
    hostNamespace: vscode.l10n.t('host network namespace'),
    hostModeContainers: vscode.l10n.t('host mode:'),
    containerNamespace: vscode.l10n.t('netns'),
    overlayNamespace: vscode.l10n.t('overlay netns'),
    ingressNamespace: vscode.l10n.t('ingress netns'),
    loadBalancerNamespace: vscode.l10n.t('load balancer netns'),
    otherNamespace: vscode.l10n.t('netns'),
    namedNamespace: vscode.l10n.t('ip netns'),
    stopped: vscode.l10n.t('stopped'),
    network: vscode.l10n.t('network'),
    aliases: vscode.l10n.t('aliases:'),
    inferredHostEnd: vscode.l10n.t('veth (name unknown)'),
    inferredContainerEnd: vscode.l10n.t('eth (name unknown)'),
    unmanaged: vscode.l10n.t('not managed by Docker'),
    defaultRoute: vscode.l10n.t('default route'),
    defaultRouteVia: vscode.l10n.t('default route via'),
    parentOf: vscode.l10n.t('parent of'),
    probeLevel: vscode.l10n.t('probe level:'),
    legendTitle: vscode.l10n.t('Legend'),
    legendObserved: vscode.l10n.t('solid: observed on the host'),
    legendInferred: vscode.l10n.t('dashed: inferred from the Engine API'),
    legendUnmanaged: vscode.l10n.t('orange: not managed by Docker'),
    legendVeth: vscode.l10n.t('<--> veth pair'),
    legendBridgePort: vscode.l10n.t('--- bridge port, --> parent link'),
  };
}

/** The overview's words in the UI language (English ones: ENGLISH_OVERVIEW_LABELS). */
export function localizedOverviewLabels(): OverviewLabels {
  return {
    bridgeRegion: vscode.l10n.t('bridge networks'),
    swarmRegion: vscode.l10n.t('swarm (overlay) networks'),
    macvlanRegion: vscode.l10n.t('macvlan / ipvlan networks'),
    hostRegion: vscode.l10n.t('host network'),
    detachedRegion: vscode.l10n.t('no network'),
    multiHomedRegion: vscode.l10n.t('on several networks'),
    containers: vscode.l10n.t('containers:'),
    overviewComment: vscode.l10n.t('overview by network: click a network or a container to see its plumbing'),
    // {0} is a number: the containers a node does not list.
    more: vscode.l10n.t('{0} more'),
  };
}

export function localizedWebviewStrings(): WebviewStrings {
  return {
    scope: vscode.l10n.t('Scope'),
    ips: vscode.l10n.t('IPs'),
    macs: vscode.l10n.t('MACs'),
    pickScope: vscode.l10n.t('Search scopes…'),
    stopped: vscode.l10n.t('Stopped containers'),
    unmanaged: vscode.l10n.t('Unmanaged interfaces'),
    inferred: vscode.l10n.t('Inferred parts'),
    refresh: vscode.l10n.t('Refresh'),
    exportSvg: vscode.l10n.t('Export SVG'),
    copySource: vscode.l10n.t('Copy Mermaid source'),
    saveMarkdown: vscode.l10n.t('Save as Markdown'),
    resetView: vscode.l10n.t('Reset view'),
    renderError: vscode.l10n.t('Mermaid could not render the diagram'),
  };
}

/** The status line under the toolbar: which probe level was reached, and why not a higher one. */
export function levelText(level: ProbeLevel, reason: ProbeReason): string {
  if (level === 'netns') {
    return vscode.l10n.t('Observed on the host as root: bridges, veth pairs and every namespace under /var/run/docker/netns.');
  }
  if (level === 'sysfs') {
    switch (reason) {
      case 'noIpTool':
        return vscode.l10n.t('Observed through /sys and /proc (ip or nsenter missing): overlay and ingress namespaces are inferred.');
      case 'limitedByOption':
        return vscode.l10n.t('Observed through /sys and /proc (limited by request): overlay and ingress namespaces are inferred.');
      default:
        return vscode.l10n.t('Observed without root through /sys and /proc: overlay and ingress namespaces are inferred.');
    }
  }
  switch (reason) {
    case 'remoteEngine':
      return vscode.l10n.t('Engine is remote: host plumbing inferred from the Engine API (dashed).');
    case 'notLinux':
      return vscode.l10n.t('Not a Linux host: host plumbing inferred from the Engine API (dashed).');
    case 'noSysfs':
      return vscode.l10n.t('/sys/class/net is not readable: host plumbing inferred from the Engine API (dashed).');
    default:
      return vscode.l10n.t('Host plumbing inferred from the Engine API (dashed).');
  }
}

/** One line for the exports: the probe level, why, and what it means. */
export function levelLine(level: ProbeLevel, reason: ProbeReason): string {
  return vscode.l10n.t('Probe level: {0} ({1}). {2}', level, reason, levelText(level, reason));
}
