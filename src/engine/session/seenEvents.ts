/**
 * Tells an event already handled from a new one. A silence check subscribes again with `since`
 * (a whole second, the engine's clock), so the engine replays the events of that second: the ones
 * this session handled must not cause a refresh again, nor must the ones of that second that came
 * before the session subscribed (its snapshot already holds them). No timers, no I/O.
 */
import type { EngineEventJson } from '../../model/dockerTypes';

export class SeenEvents {
  /** The engine time (seconds) of the newest event seen, and the events seen in that second. */
  private lastTime: number | undefined;
  private ofLastSecond = new Set<string>();
  /** timeNano of the latest event handled (a replay's earlier events of that second predate it). */
  private lastNano: number | undefined;

  /** The second of the newest event seen: where a replay starts. */
  get lastSecond(): number | undefined {
    return this.lastTime;
  }

  /** Whether the event was already handled (and, when it is new, remembers it). */
  alreadySeen(event: EngineEventJson): boolean {
    const time = event.time;
    if (typeof time !== 'number') {
      return false;
    }
    const key = `${event.timeNano ?? ''} ${event.Type ?? ''} ${event.Action ?? ''} ${event.Actor?.ID ?? ''}`;
    const nano = typeof event.timeNano === 'number' ? event.timeNano : undefined;
    if (this.lastTime === undefined || time > this.lastTime) {
      this.lastTime = time;
      this.lastNano = nano;
      this.ofLastSecond = new Set([key]);
      return false;
    }
    if (time === this.lastTime) {
      if (this.ofLastSecond.has(key)) {
        return true;
      }
      // The engine's log is ordered: an event of that second earlier than the latest one handled,
      // and never delivered, happened before this session subscribed (its snapshot holds it).
      if (nano !== undefined && this.lastNano !== undefined && nano < this.lastNano) {
        return true;
      }
      this.ofLastSecond.add(key);
      this.lastNano = Math.max(this.lastNano ?? nano ?? 0, nano ?? 0);
    }
    return false;
  }
}
