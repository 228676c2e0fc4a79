/**
 * The Traffic overlay, page side: decorates the SVG Mermaid already drew (no re-render per sample).
 * Each drawn node with traffic gets its rate lines as SVG text under it (text nodes only: the host's
 * words never become markup), each drawn link its activity (`data-traffic`: idle links dimmed, the
 * busiest emphasised, by the styles). Samples arriving faster than the page paints are coalesced:
 * only the latest is applied, once per animation frame.
 */
import type { PanelToWebview } from '../../src/topologyPanel/protocol';
import { domIdToNodeId } from './nodeIds';

type TrafficMessage = Extract<PanelToWebview, { type: 'traffic' }>;

const SVG_NS = 'http://www.w3.org/2000/svg';
/** The line height of the rate text (px, at the diagram's scale). */
const LINE_PX = 14;

/** The key of a Mermaid edge path: its `data-id` (`L_<from>_<to>_<n>`) without the counter. */
function edgeKey(path: Element): string | undefined {
  const id = path.getAttribute('data-id') ?? path.id;
  const match = /^L_(.+)_\d+$/.exec(id);
  return match ? match[1] : undefined;
}

export class TrafficLayer {
  private last: TrafficMessage | undefined;
  private pending: TrafficMessage | undefined;
  private frame = 0;

  constructor(
    private readonly diagram: HTMLElement,
    private readonly legend: HTMLElement,
  ) {}

  /** A sample (or the overlay turned off): applied at the next frame, the latest one only. */
  show(message: TrafficMessage): void {
    this.last = message;
    this.pending = message;
    if (this.frame === 0) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        const next = this.pending;
        this.pending = undefined;
        if (next) this.apply(next);
      });
    }
  }

  /** A new diagram replaced the SVG: the last sample decorates it until the next one comes. */
  redrawn(): void {
    if (this.last) this.apply(this.last);
  }

  private clear(): void {
    for (const text of this.diagram.querySelectorAll('.traffic-rate')) text.remove();
    for (const path of this.diagram.querySelectorAll('[data-traffic]')) path.removeAttribute('data-traffic');
  }

  private apply(message: TrafficMessage): void {
    this.clear();
    this.diagram.dataset.traffic = message.on ? 'on' : 'off';
    this.diagram.dataset.trafficSample = String(message.sample);
    this.legend.hidden = !message.on;
    this.legend.textContent = message.legend;
    if (!message.on) return;
    const nodes = new Map<string, SVGGraphicsElement>();
    for (const node of this.diagram.querySelectorAll<SVGGraphicsElement>('g.node')) {
      const id = domIdToNodeId(node);
      if (id) nodes.set(id, node);
    }
    for (const overlay of message.nodes) {
      const node = nodes.get(overlay.node);
      if (node) this.label(node, overlay.lines);
    }
    const activity = new Map(message.links.map((link) => [`${link.from}_${link.to}`, link.activity]));
    for (const path of this.diagram.querySelectorAll('path[data-edge="true"], path.flowchart-link')) {
      const key = edgeKey(path);
      const found = key ? activity.get(key) : undefined;
      if (found) path.setAttribute('data-traffic', found);
    }
  }

  /** The rate lines under a node, centred, as text nodes. */
  private label(node: SVGGraphicsElement, lines: string[]): void {
    const box = node.getBBox();
    const text = document.createElementNS(SVG_NS, 'text');
    text.setAttribute('class', 'traffic-rate');
    text.setAttribute('text-anchor', 'middle');
    const x = box.x + box.width / 2;
    lines.forEach((line, index) => {
      const span = document.createElementNS(SVG_NS, 'tspan');
      span.setAttribute('x', String(x));
      span.setAttribute('y', String(box.y + box.height + LINE_PX * (index + 1)));
      span.textContent = line;
      text.appendChild(span);
    });
    node.appendChild(text);
  }
}
