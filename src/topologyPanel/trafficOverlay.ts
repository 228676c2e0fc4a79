/**
 * The Traffic overlay, host side: owns the panel's TrafficFeed (sampling only while the panel is
 * visible and the toggle on), turns each batch of rates into the overlay of the diagram drawn now
 * (model/traffic/overlay.ts) and posts it as one `traffic` message. The webview decorates the SVG it
 * already drew; Mermaid is never run again for a sample.
 */
import * as vscode from 'vscode';
import type { Collected } from '../engine/collectTopology';
import { trafficOverlay, type DrawnPlumbing } from '../model/traffic/overlay';
import type { CounterSource } from '../model/traffic/types';
import { rateUnits, trafficLegend, trafficOverviewLegend } from '../messages/trafficOverlayMessages';
import type { Services } from '../services';
import type { PanelToWebview } from './protocol';
import { TrafficFeed, type TrafficSampler } from './trafficFeed';
import { ratesBetween, trafficSamplerFor } from './trafficSampling';

/** The sampling interval (ms): about once a second, as the issue asks. */
export const TRAFFIC_INTERVAL_MS = 1_000;

/** What the panel drew last: the plumbing the overlay decorates and the collect the sampler reads. */
export interface DrawnDiagram {
  plumbing: DrawnPlumbing;
  collected: Collected;
}

export class TrafficOverlayHost {
  private readonly feed: TrafficFeed;
  private drawn: DrawnDiagram | undefined;
  private sampler: { collected: Collected; sampler: TrafficSampler } | undefined;
  private enabled = false;

  constructor(
    private readonly services: () => Services,
    private readonly post: (message: PanelToWebview) => void,
  ) {
    this.feed = new TrafficFeed({
      intervalMs: TRAFFIC_INTERVAL_MS,
      sampler: () => this.currentSampler(),
      rates: ratesBetween,
      publish: (rates, sample) => {
        const drawn = this.drawn;
        if (!drawn) return;
        const overlay = trafficOverlay(drawn.plumbing, rates, rateUnits(vscode.l10n), vscode.env.language);
        this.post({ type: 'traffic', on: true, sample, nodes: overlay.nodes, links: overlay.links, legend: this.legend(overlay.sources) });
      },
      onError: (error) => this.services().log.warn(`traffic: a sample failed: ${error instanceof Error ? error.message : String(error)}`),
    });
  }

  /** How many samples were taken (the extension's test API reads it: no sampling while hidden or off). */
  get samplesTaken(): number {
    return this.feed.samplesTaken;
  }

  /** Whether the overlay samples now. */
  get sampling(): boolean {
    return this.feed.running;
  }

  /** The toggle (from the view state, or the page's request). */
  setEnabled(on: boolean): void {
    const changed = on !== this.enabled;
    this.enabled = on;
    this.feed.setEnabled(on);
    if (changed) {
      // At once, before the first rates: the legend says what comes, or the overlay goes away.
      this.post(on ? { type: 'traffic', on: true, sample: this.feed.samplesTaken, nodes: [], links: [], legend: this.legend([]) } : { type: 'traffic', on: false, sample: this.feed.samplesTaken, nodes: [], links: [], legend: '' });
    }
  }

  setVisible(visible: boolean): void {
    this.feed.setVisible(visible);
  }

  /** A new diagram was drawn: the next samples decorate it (and read its interfaces); undefined: the overview, which has none. */
  setDiagram(drawn: DrawnDiagram | undefined): void {
    const wasDrawn = this.drawn !== undefined;
    this.drawn = drawn;
    if (!drawn && (wasDrawn || this.enabled) && this.feed.running) {
      // Nothing to sample over the overview: the legend says where the traffic is shown.
      this.post({ type: 'traffic', on: true, sample: this.feed.samplesTaken, nodes: [], links: [], legend: trafficOverviewLegend(vscode.l10n) });
    }
  }

  private currentSampler(): TrafficSampler | undefined {
    const collected = this.drawn?.collected;
    if (!collected) return undefined;
    if (this.sampler?.collected !== collected) {
      this.sampler = { collected, sampler: trafficSamplerFor(collected, this.services()) };
    }
    return this.sampler.sampler;
  }

  private legend(sources: readonly CounterSource[]): string {
    return trafficLegend(sources, TRAFFIC_INTERVAL_MS / 1000, vscode.l10n);
  }

  dispose(): void {
    this.feed.dispose();
    this.sampler = undefined;
    this.drawn = undefined;
  }
}
