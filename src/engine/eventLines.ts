/**
 * Splits the engine's event stream (one JSON object per line) into lines, with a cap: an engine
 * that sends bytes without ever sending a newline would otherwise make the client buffer without
 * end. Beyond the cap the splitter refuses to go on; the client drops that stream and the session
 * subscribes again and refreshes (a refresh reads the lists, so no change is lost). No I/O.
 */
import { StringDecoder } from 'node:string_decoder';

/** The longest event line kept (characters): a real event is well under 10 KiB. */
export const MAX_EVENT_LINE = 1024 * 1024;

export class EventLineTooLong extends Error {
  constructor(readonly limit: number) {
    super(`event stream: a line longer than ${limit} characters without a newline; stream dropped`);
    this.name = 'EventLineTooLong';
  }
}

export class EventLineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private buffered = '';
  private overflowed = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLine = MAX_EVENT_LINE,
  ) {}

  /**
   * Feeds one chunk; calls onLine for each complete non-empty line (trimmed). Returns an
   * EventLineTooLong when the unfinished line went over the cap (then and afterwards: nothing more
   * is buffered nor delivered), else undefined.
   */
  push(chunk: Buffer): EventLineTooLong | undefined {
    if (this.overflowed) {
      return new EventLineTooLong(this.maxLine);
    }
    const text = this.decoder.write(chunk);
    let start = 0;
    let newline = text.indexOf('\n');
    while (newline >= 0) {
      const line = (this.buffered + text.slice(start, newline)).trim();
      this.buffered = '';
      if (line.length > this.maxLine) {
        // A whole line in one huge chunk: refused like one that arrives piece by piece.
        this.overflowed = true;
        return new EventLineTooLong(this.maxLine);
      }
      if (line) {
        this.onLine(line);
      }
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    this.buffered += text.slice(start);
    if (this.buffered.length > this.maxLine) {
      this.overflowed = true;
      this.buffered = '';
      return new EventLineTooLong(this.maxLine);
    }
    return undefined;
  }
}
