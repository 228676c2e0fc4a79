/**
 * One redraw, host side: the session's data and the view state -> the messages for the webview
 * (a notice while connecting, an error when unreachable, else `busy` then `diagram`).
 * It reads the session's inventory (built once per snapshot) through the session's topology source
 * (src/engine/topologySource.ts), the same pipeline as the trees, the command line and the doctor.
 */
import * as vscode from 'vscode';
import { helperLevelOffered } from '../session/vscodeHelperObservation';
import type { EngineSession } from '../engine/engineSession';
import type { Inventory } from '../model/inventory';
import { pathHighlightLines } from '../model/reachability/highlight';
import type { ReachPath } from '../model/reachability/types';
import { drawDiagram, type DiagramRequest } from '../model/topology/diagramPlan';
import { DEFAULT_DIAGRAM_OPTIONS, TopologyScope } from '../model/topology/types';
import type { PanelToWebview, ScopeChoice, ScopeValue } from './protocol';
import type { Services } from '../services';
import type { Collected } from '../engine/collectTopology';
import type { TopologySource } from '../engine/topologySource';
import { diagramLabels, levelLine, levelText, overviewCaption, overviewLabels, webviewStrings } from '../messages/diagramLabels';
import type { TopologyViewState } from './viewState';
import { probeLogLine } from './probeLog';
import { filterTopology, focusTopology } from '../model/topology/scope';
import type { DrawnDiagram } from './trafficOverlay';
import { diagramCaptureTargets } from '../model/capture/diagramTargets';
import type { CaptureTarget } from '../model/capture/types';

/** Whether the scope's network or container still exists (the whole host always does). */
function scopeExists(scope: TopologyScope, inventory: Inventory): boolean {
  return scope.kind === 'host' || (scope.kind === 'network' ? inventory.networkById.has(scope.networkId) : inventory.containerById.has(scope.containerId));
}

/** The scope dropdown's entries: the whole host (naming the engine, with several), every network, every container shown. */
function scopeChoices(inventory: Inventory, showStopped: boolean, engine: string | undefined): ScopeChoice[] {
  return [
    { value: 'host', label: engine ? vscode.l10n.t('Whole host: {0}', engine) : vscode.l10n.t('Whole host') },
    ...inventory.networks.map((network) => ({ value: `network:${network.id}` as ScopeValue, label: vscode.l10n.t('Network: {0}', network.name) })),
    ...inventory.containers
      .filter((container) => container.running || showStopped)
      .map((container) => ({ value: `container:${container.id}` as ScopeValue, label: vscode.l10n.t('Container: {0}', container.name) })),
  ];
}

export class TopologyDiagram {
  private source = '';
  private levelLine = '';
  private probes = 0;
  /** When the last collect began (Date.now()): host changes seen before it are already drawn. */
  private collectStartedAt = 0;
  /** A collect begun while the page boots, for the snapshot it read (see prefetch()). */
  private prefetched: { session: EngineSession; inventory: Inventory; result: Promise<Collected | undefined> } | undefined;
  /** Whether the last diagram was the overview (a click on it drills down instead of only revealing). */
  overview = false;
  /**
   * What the last full diagram drew, for the Traffic overlay: its nodes and links, and the collect
   * narrowed to the scope and toggles drawn (the sampler reads only drawn interfaces). Undefined
   * over the overview, which draws no interface.
   */
  drawn: DrawnDiagram | undefined;
  /** The drawn interfaces one can capture on, by Mermaid node id (the diagram's context menu). */
  captureTargets = new Map<string, CaptureTarget>();
  /** The last connectivity check's path, drawn over every redraw until another check replaces it. */
  highlight: ReachPath | undefined;
  /** The last collect drawn, and what it was read for: a re-layout of the same snapshot draws it again without reading the host. */
  private lastCollected: { session: EngineSession; request: string; collected: Collected } | undefined;
  /** The panel size the last overview was laid out for ('default' before the page measured it). */
  private laidOutFor: string | undefined;
  /** Set when the panel was resized: the next redraw may reuse lastCollected (see relayout()). */
  private relayoutOnly = false;

  /** The topology source of the session drawn now, and this panel's subscription to its host watcher. */
  private live: { source: TopologySource; hostChanges: { dispose(): void } } | undefined;

  constructor(
    /** The services of the engine drawn (replaced when the panel follows another engine). */
    public services: Services,
    private readonly viewState: TopologyViewState,
  ) {}

  /**
   * Follows a (new) session through its topology source: its incremental probe (namespaces cached by
   * file and inode, re-read only for the containers an event named), and its watcher of the host's
   * interfaces, which asks for a redraw when a link or address changes outside Docker (a veth made by hand).
   */
  attach(source: TopologySource, onHostChange: () => void): void {
    this.detach();
    const hostChanges = source.onDidChangeHost((change) => {
      this.relayoutOnly = false;
      // A Docker veth shows here and in the engine's event at once: the redraw the event asked for
      // (begun after the link appeared) already has it, so no second redraw waits behind it.
      if (change.lastSeenAt >= this.collectStartedAt) {
        onHostChange();
      }
    });
    // Observing through a helper (or no longer): every namespace is read again, by the new reader.
    const readerChanges = source.onDidChangeReader(() => {
      this.relayoutOnly = false;
      onHostChange();
    });
    this.live = { source, hostChanges: { dispose: () => (hostChanges.dispose(), readerChanges.dispose()) } };
  }

  /**
   * Collects while a new page boots (a webview takes longer to load than the probe takes), so the
   * first redraw only has to post, unless the engine changed meanwhile.
   */
  prefetch(): void {
    const session = this.services.session;
    const inventory = session.inventory;
    if (session.state.kind !== 'connected' || !inventory) {
      return;
    }
    this.prefetched = { session, inventory, result: this.collect(session).catch(() => undefined) };
  }

  /**
   * Reads the host for the session's current snapshot, as the plan says: the host namespace alone when
   * the whole host is drawn as the overview, else every namespace (incrementally, through the
   * session's topology source; the containers events named meanwhile stay marked for that read).
   */
  private async collect(session: EngineSession): Promise<Collected | undefined> {
    const source = this.live?.source.session === session ? this.live.source : this.services.topologySource;
    this.collectStartedAt = Date.now();
    return source.collectFor(this.diagramRequest());
  }

  /** What the panel draws now: its scope and toggles, the view left to the rule, laid out for the panel's size. */
  private diagramRequest(): DiagramRequest {
    return { scope: this.viewState.scope, options: { ...DEFAULT_DIAGRAM_OPTIONS, ...this.viewState.toggles }, panel: this.viewState.panel };
  }

  /** The prefetched collect when it read the snapshot drawn now, else a new one. */
  private async collectForRender(session: EngineSession): Promise<Collected | undefined> {
    const prefetched = this.prefetched;
    this.prefetched = undefined;
    const early = prefetched?.session === session ? await prefetched.result : undefined;
    return early && prefetched?.inventory === session.inventory ? early : this.collect(session);
  }

  /** The next redraw reads every namespace again (Refresh). */
  readEverythingNextTime(): void {
    this.relayoutOnly = false;
    this.live?.source.readEverythingNextTime();
  }

  /**
   * The panel was resized (the overview is laid out for its size): the next redraw lays the same
   * snapshot out again without probing the host, unless the engine, the host, the scope or a toggle
   * changed meanwhile.
   */
  relayout(): void {
    this.relayoutOnly = true;
  }

  /** Whether the overview shown was laid out for another size than the page's last measure (it was measured while it was drawn). */
  get layoutIsStale(): boolean {
    return this.overview && this.laidOutFor !== JSON.stringify(this.viewState.panel ?? 'default');
  }

  /** The last collect, when the next redraw may draw it again (relayout() and nothing else changed). */
  private reusableCollect(session: EngineSession): Collected | undefined {
    const last = this.lastCollected;
    const reusable = this.relayoutOnly && last?.session === session && last.collected.inventory === session.inventory && last.request === this.requestKey();
    this.relayoutOnly = false;
    return reusable ? last.collected : undefined;
  }

  /** What a collect depends on of the request: the scope and the toggles (not the panel's size). */
  private requestKey(): string {
    return JSON.stringify([this.viewState.scopeValue, this.viewState.toggles]);
  }

  detach(): void {
    this.live?.hostChanges.dispose();
    this.live = undefined;
  }

  /** How many times the host was probed for this panel (each redraw that reached the engine probes once). */
  get probeCount(): number {
    return this.probes;
  }

  /** The Mermaid source of the last diagram sent (for Copy and Save as Markdown). */
  get lastSource(): string {
    return this.source;
  }

  /** The probe level of the last diagram, as a sentence for the exports. */
  get lastLevelLine(): string {
    return this.levelLine;
  }

  /**
   * Draws the current state for the scheduler's request `requestId`; resolves true when a diagram
   * carrying that id (its revision) was posted (the page acknowledges it), rejects on failure (the
   * panel reports it).
   */
  async render(post: (message: PanelToWebview) => void, requestId: number): Promise<boolean> {
    const session = this.services.session;
    if (session.state.kind === 'connecting' || (session.state.kind === 'connected' && !session.inventory)) {
      // The session's change event brings the first snapshot: no error meanwhile (panel restored at startup).
      post({ type: 'notice', message: vscode.l10n.t('Connecting to the Docker engine…') });
      return false;
    }
    if (session.state.kind !== 'connected') {
      post({ type: 'error', message: vscode.l10n.t('The Docker engine is not reachable.') });
      return false;
    }
    post({ type: 'busy' });
    const started = Date.now();
    const reused = this.reusableCollect(session);
    const probe = reused ? this.probes : ++this.probes;
    const collected = reused ?? (await this.collectForRender(session));
    if (!collected) {
      this.live?.source.readEverythingNextTime();
      // The engine went away while the containers were inspected.
      post({ type: 'error', message: vscode.l10n.t('The Docker engine is not reachable.') });
      return false;
    }
    this.lastCollected = { session, request: this.requestKey(), collected };
    const { inventory, topology, facts } = collected;
    if (!scopeExists(this.viewState.scope, inventory)) {
      // A scope whose object is gone falls back to the whole host.
      this.viewState.setScope({ kind: 'host' });
    }
    const toggles = this.viewState.toggles;
    // Large hosts get the overview by network (the same plan as the command line's `diagram`).
    const request = this.diagramRequest();
    const diagram = drawDiagram(topology, request, diagramLabels(vscode.l10n), overviewLabels(vscode.l10n));
    this.laidOutFor = JSON.stringify(request.panel ?? 'default');
    this.overview = diagram.kind === 'overview';
    this.source = this.highlight ? [diagram.text.trimEnd(), ...pathHighlightLines(this.highlight, diagram.interfaceNodes)].join('\n') + '\n' : diagram.text;
    this.levelLine = levelLine(facts.level, facts.reason, vscode.l10n);
    // The title bar's Observe Through a Helper Container… where the helper would see more than this drawing.
    void vscode.commands.executeCommand('setContext', 'dockerNetworks.topologyHelperOffered', (facts.level === 'api' || facts.level === 'sysfs') && helperLevelOffered(this.services.session));
    this.drawn = this.overview
      ? undefined
      : {
          plumbing: { interfaceNodes: diagram.interfaceNodes, links: diagram.links },
          collected: { ...collected, topology: filterTopology(focusTopology(topology, request.scope), request.options) },
        };
    this.captureTargets = this.drawn ? diagramCaptureTargets(this.drawn.collected.topology, diagram.interfaceNodes) : new Map();
    post({
      type: 'diagram',
      source: this.source,
      nodeTargets: diagram.nodeTargets,
      captureNodes: [...this.captureTargets.keys()],
      scope: this.viewState.scopeValue,
      scopes: scopeChoices(inventory, toggles.showStopped, this.services.engine?.label),
      toggles,
      traffic: this.viewState.traffic,
      // Over the overview, what it is: no veth pair is drawn there, whatever the probe level.
      levelText: diagram.reason ? overviewCaption(diagram.reason, vscode.l10n) : levelText(facts.level, facts.reason, vscode.l10n),
      kind: diagram.kind,
      laidOutFor: diagram.kind === 'overview' ? (request.panel ?? null) : null,
      strings: webviewStrings(vscode.l10n),
      revision: requestId,
    });
    const panel = this.overview ? this.viewState.panel : undefined;
    if (reused) {
      const layout = panel ? `, laid out for a ${panel.width} x ${panel.height} px panel` : '';
      this.services.log.info(`topology: redrawn without a probe${layout}, ${diagram.nodeCount} nodes, total ${Date.now() - started} ms`);
      return true;
    }
    this.services.log.info(probeLogLine({ probe, collected, overview: this.overview, laidOutFor: panel, nodeCount: diagram.nodeCount, totalMs: Date.now() - started }));
    for (const warning of facts.warnings) {
      this.services.log.warn(`topology probe: ${warning}`);
    }
    return true;
  }
}
