import * as vscode from 'vscode';
import type { DiagramLabels } from '../model/topology/mermaid';
import type { WebviewStrings } from '../protocol';

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
    stopped: vscode.l10n.t('stopped'),
    network: vscode.l10n.t('network'),
    aliases: vscode.l10n.t('aliases:'),
    inferredHostEnd: vscode.l10n.t('veth (name unknown)'),
    inferredContainerEnd: vscode.l10n.t('eth (name unknown)'),
    unmanaged: vscode.l10n.t('not managed by Docker'),
    legendTitle: vscode.l10n.t('Legend'),
    legendObserved: vscode.l10n.t('solid: observed on the host'),
    legendInferred: vscode.l10n.t('dashed: inferred from the Engine API'),
    legendUnmanaged: vscode.l10n.t('orange: not managed by Docker'),
    legendVeth: vscode.l10n.t('<--> veth pair'),
    legendBridgePort: vscode.l10n.t('--- bridge port, --> parent link'),
  };
}

export function localizedWebviewStrings(): WebviewStrings {
  return {
    scope: vscode.l10n.t('Scope'),
    ips: vscode.l10n.t('IPs'),
    macs: vscode.l10n.t('MACs'),
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
