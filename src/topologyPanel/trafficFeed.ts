/**
 * The Traffic overlay's clock, host side: samples the counters about once a second while the panel
 * is visible AND the toggle is on, and nothing otherwise (no timer, no read). Each sample after the
 * first gives rates against the one before, published as one batch. A sample never overlaps the
 * previous one (the next is timed from the end of the last), so a slow host slows the overlay, not
 * the extension. No `vscode` here: the panel passes the sampler, the rates function and the sink.
 */
import type { CounterSnapshot, InterfaceRate } from '../model/traffic/types';

/** What reads the counters of the interfaces drawn now. */
export interface TrafficSampler {
  sample(): Promise<CounterSnapshot>;
}

export interface TrafficFeedOptions {
  intervalMs: number;
  /** The sampler for what the panel draws now; undefined while nothing is drawn (no sample then). */
  sampler(): TrafficSampler | undefined;
  /** Rates between two snapshots (the model's ratesBetween). */
  rates(previous: CounterSnapshot, next: CounterSnapshot): InterfaceRate[];
  /** One batch of rates; `sample` counts the samples taken since the panel opened. */
  publish(rates: InterfaceRate[], sample: number): void;
  /** A sample failed: called once per run of failures (the next success re-arms it). */
  onError(error: unknown): void;
}

export class TrafficFeed {
  private enabled = false;
  private visible = false;
  private disposed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight = false;
  /** Bumped when sampling stops: a sample still in flight then is dropped, not published. */
  private generation = 0;
  private previous: CounterSnapshot | undefined;
  private samples = 0;
  private failing = false;

  constructor(private readonly options: TrafficFeedOptions) {}

  /** Whether the feed samples now (visible, on, not disposed). */
  get running(): boolean {
    return this.enabled && this.visible && !this.disposed;
  }

  /** How many samples were taken (tests and the e2e read it to see that sampling stopped). */
  get samplesTaken(): number {
    return this.samples;
  }

  /** The toggle. */
  setEnabled(on: boolean): void {
    this.enabled = on;
    this.update();
  }

  /** The panel shown or hidden. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    this.update();
  }

  dispose(): void {
    this.disposed = true;
    this.update();
  }

  private update(): void {
    if (this.running) {
      if (!this.timer && !this.inFlight) this.schedule(0);
      return;
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    // Rates across a pause would average the pause in: start again from a fresh reading.
    this.previous = undefined;
    this.generation++;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, delayMs);
  }

  private async tick(): Promise<void> {
    const generation = this.generation;
    const sampler = this.options.sampler();
    if (sampler) {
      this.inFlight = true;
      try {
        const snapshot = await sampler.sample();
        this.samples++;
        if (generation === this.generation) {
          if (this.previous) this.options.publish(this.options.rates(this.previous, snapshot), this.samples);
          this.previous = snapshot;
        }
        this.failing = false;
      } catch (error) {
        if (!this.failing) this.options.onError(error);
        this.failing = true;
      } finally {
        this.inFlight = false;
      }
    }
    // Stopped and started again while this sample was read: the new run starts now.
    if (this.running && !this.timer) this.schedule(generation === this.generation ? this.options.intervalMs : 0);
  }
}
