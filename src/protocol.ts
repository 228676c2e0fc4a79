/**
 * Messages between the topology panel (extension host) and its webview script. Shared by both
 * sides (webview/tsconfig.json includes this file); no imports, plain data only.
 */

export type ScopeValue = 'host' | `network:${string}` | `container:${string}`;

export interface TopologyToggles {
  showIPs: boolean;
  showMACs: boolean;
  showStopped: boolean;
  showUnmanaged: boolean;
  showInferred: boolean;
}

export interface ScopeChoice {
  value: ScopeValue;
  label: string;
}

/** Toolbar words, localized by the panel. */
export interface WebviewStrings {
  scope: string;
  ips: string;
  macs: string;
  stopped: string;
  unmanaged: string;
  inferred: string;
  refresh: string;
  exportSvg: string;
  copySource: string;
  saveMarkdown: string;
  resetView: string;
  renderError: string;
}

export type RevealTargetMessage = { kind: 'network'; id: string } | { kind: 'container'; id: string };

export type PanelToWebview =
  | {
      type: 'diagram';
      /** Mermaid source, generated with every engine string escaped. */
      source: string;
      nodeTargets: Record<string, RevealTargetMessage>;
      scope: ScopeValue;
      scopes: ScopeChoice[];
      toggles: TopologyToggles;
      /** Localized sentence: which probe level and why. */
      levelText: string;
      strings: WebviewStrings;
      /** Counter to tell redraws apart (the e2e test waits on it). */
      revision: number;
    }
  | { type: 'busy' }
  /** A passing state (e.g. the engine is still connecting): shown in the status line, not as an error. */
  | { type: 'notice'; message: string }
  | { type: 'error'; message: string };

export type WebviewToPanel =
  | { type: 'ready' }
  | { type: 'setScope'; scope: ScopeValue }
  | { type: 'setToggles'; toggles: TopologyToggles }
  | { type: 'refresh' }
  | { type: 'reveal'; target: RevealTargetMessage }
  | { type: 'exportSvg'; svg: string }
  | { type: 'copySource' }
  | { type: 'saveMarkdown' }
  | { type: 'rendered'; revision: number; milliseconds: number; nodeCount: number }
  | { type: 'renderError'; message: string };
