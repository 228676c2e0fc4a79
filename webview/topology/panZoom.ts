/**
 * Pan (drag) and zoom (wheel) of the diagram. The transform is the page's own state, the only
 * state it keeps (the app saves it with vscode.setState): it survives redraws and reloads.
 */

export interface ViewTransform {
  x: number;
  y: number;
  scale: number;
  /** Fit every redraw to the panel until the user pans or zooms (Reset view turns it back on). */
  auto?: boolean;
}

import { MAX_FIT_SCALE, VIEW_MARGIN_PX as MARGIN } from '../../src/model/topology/renderConfig';

const MIN_SCALE = 0.05;
const MAX_SCALE = 8;

/** A stored transform, if it has the shape of one (a state from another version may not). */
export function parseViewTransform(value: unknown): ViewTransform | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { x, y, scale, auto } = value as Record<string, unknown>;
  const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
  if (!finite(x) || !finite(y) || !finite(scale) || scale <= 0 || (auto !== undefined && typeof auto !== 'boolean')) return undefined;
  return { x, y, scale, auto };
}

interface Drag {
  x: number;
  y: number;
  startX: number;
  startY: number;
  moved: boolean;
}

export class PanZoom {
  private view: ViewTransform;
  private drag: Drag | undefined;
  /** The smallest scale a fit may choose (the overview's readable size), if any. */
  private floor: number | undefined;
  /** Whether the drawing, as fitted, is larger than the panel (the toolbar then says to pan). */
  private overflowing = false;

  constructor(
    private readonly viewport: HTMLElement,
    private readonly stage: HTMLElement,
    private readonly content: HTMLElement,
    initial: ViewTransform | undefined,
    /** The user moved or fitted the view: save it. */
    private readonly onChange: (view: ViewTransform) => void,
    /** A fit left the drawing larger than the panel (true), or not (false). */
    private readonly onOverflow: (overflowing: boolean) => void = () => undefined,
  ) {
    this.view = initial ?? { x: MARGIN, y: MARGIN, scale: 1, auto: true };
    this.apply();
    this.listen();
    // A panel resized (side bar, split editor) keeps the diagram fitted unless the user moved it.
    new ResizeObserver(() => this.fitIfAuto()).observe(viewport);
  }

  /** Whether the pointer is dragging the view (a click at the end of a drag is no click). */
  get dragging(): boolean {
    return this.drag?.moved === true;
  }

  /** Fits a new drawing while the user has not moved the view. */
  fitIfAuto(): void {
    if (this.view.auto !== false) this.fit();
  }

  /**
   * The smallest scale fits may choose from now on (the overview: its labels stay readable), or
   * none (the full plumbing: fitted whole, however small).
   */
  setFloor(scale: number | undefined): void {
    this.floor = scale;
  }

  /**
   * Scales the drawing to the panel (Reset view): whole, when that keeps it at or above the floor;
   * else its width, at the floor at least, the rest reached by panning.
   */
  fit(): void {
    const svg = this.content.querySelector('svg');
    if (!svg) return;
    const box = svg.getBoundingClientRect();
    const width = box.width / this.view.scale;
    const height = box.height / this.view.scale;
    const rect = this.viewport.getBoundingClientRect();
    if (width <= 0 || height <= 0 || rect.width < 64 || rect.height < 64) return; // hidden or not laid out yet
    const widthFit = (rect.width - 2 * MARGIN) / width;
    const heightFit = (rect.height - 2 * MARGIN) / height;
    let scale = Math.min(MAX_FIT_SCALE, widthFit, heightFit);
    if (this.floor !== undefined && scale < this.floor) {
      scale = Math.max(this.floor, Math.min(MAX_FIT_SCALE, widthFit));
    }
    scale = Math.max(MIN_SCALE, scale);
    this.view = { scale, x: MARGIN, y: MARGIN, auto: true };
    this.apply();
    this.onChange(this.view);
    // A pixel of slack: the fitted side lands on the panel's edge, give or take rounding.
    const overflowing = width * scale > rect.width - 2 * MARGIN + 1 || height * scale > rect.height - 2 * MARGIN + 1;
    if (overflowing !== this.overflowing) {
      this.overflowing = overflowing;
      this.onOverflow(overflowing);
    }
  }

  private apply(): void {
    this.stage.style.transform = `translate(${this.view.x}px, ${this.view.y}px) scale(${this.view.scale})`;
  }

  private zoom(event: WheelEvent): void {
    event.preventDefault();
    const rect = this.viewport.getBoundingClientRect();
    const px = event.clientX - rect.left;
    const py = event.clientY - rect.top;
    const { x, y, scale: old } = this.view;
    const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, old * Math.exp(-event.deltaY * 0.0015)));
    this.view = { scale, x: px - ((px - x) * scale) / old, y: py - ((py - y) * scale) / old, auto: false };
    this.apply();
    this.onChange(this.view);
  }

  private pan(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag) return;
    const dx = event.clientX - drag.startX;
    const dy = event.clientY - drag.startY;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    drag.moved = true;
    this.viewport.classList.add('panning');
    this.view = { ...this.view, x: drag.x + dx, y: drag.y + dy, auto: false };
    this.apply();
  }

  private listen(): void {
    this.viewport.addEventListener('wheel', (event) => this.zoom(event), { passive: false });
    this.viewport.addEventListener('pointerdown', (event) => {
      this.drag = { x: this.view.x, y: this.view.y, startX: event.clientX, startY: event.clientY, moved: false };
    });
    window.addEventListener('pointermove', (event) => this.pan(event));
    window.addEventListener('pointerup', () => {
      if (this.drag?.moved) this.onChange(this.view);
      this.viewport.classList.remove('panning');
      // The click that ends a drag comes after pointerup: forget the drag once it has passed.
      setTimeout(() => (this.drag = undefined), 0);
    });
  }
}
