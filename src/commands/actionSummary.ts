/**
 * What an action says when it is over, decided without `vscode` (so it is unit-tested in plain
 * Node): whether the engine changed (then the trees settle), the messages of the summary, and the
 * log lines of the failures. actionUi.ts shows the messages; the sentences come from the command.
 */
import { StepOutcome, summarize } from '../model/networkActions';

/** The sentences of one action's summary (localized by the command that runs it). */
export interface ActionTexts {
  /** Every item went well; `names` lists them. */
  allDone(names: string): string;
  /** Some items failed, with the counts. Omitted by one-item actions (create): a failure is then an error. */
  someFailed?(done: number, failed: number): string;
  /** An item failed after some of its steps were done (`steps`: what was done, comma separated). */
  partlyDone?(item: string, steps: string): string;
  /** "item: reason" in the UI language's typography (French puts a no-break space before ":"). */
  itemReason?(item: string, reason: string): string;
  /** An item done without a request because the engine already was as asked (e.g. "c1 → net (already connected)"). */
  alreadyDone?(item: string): string;
}

export interface SummaryMessage {
  severity: 'information' | 'warning' | 'error';
  text: string;
  /** Shown in a modal dialog with this detail. */
  modal?: { detail: string };
}

/** Whether anything changed on the engine: an item done, or the first steps of a failed one. */
export function engineChanged<T>(outcomes: readonly StepOutcome<T>[]): boolean {
  return outcomes.some((outcome) => (outcome.ok && !outcome.already) || (outcome.partial?.length ?? 0) > 0);
}

/**
 * One message for the whole action: information when all went well, the reason when the only item
 * failed, otherwise a modal warning that lists every item (✓ done, ✗ failed: reason). Then, for
 * each failed item whose first steps were done, a warning that says what was already done.
 */
export function summaryMessages<T>(
  outcomes: readonly StepOutcome<T>[],
  label: (item: T) => string,
  texts: ActionTexts,
  reason: (outcome: StepOutcome<T>) => string,
): SummaryMessage[] {
  const { done, failed } = summarize(outcomes);
  const messages: SummaryMessage[] = [];
  const doneLabel = (outcome: StepOutcome<T>) => (outcome.already && texts.alreadyDone ? texts.alreadyDone(label(outcome.item)) : label(outcome.item));
  if (failed.length === 0) {
    if (done.length > 0) {
      messages.push({ severity: 'information', text: texts.allDone(done.map(doneLabel).join(', ')) });
    }
  } else if ((done.length === 0 && failed.length === 1) || !texts.someFailed) {
    messages.push(...failed.map((outcome): SummaryMessage => ({ severity: 'error', text: reason(outcome) })));
  } else {
    const detail = [...done.map((outcome) => `✓ ${doneLabel(outcome)}`), ...failed.map((outcome) => `✗ ${(texts.itemReason ?? ((item, why) => `${item}: ${why}`))(label(outcome.item), reason(outcome))}`)].join('\n');
    messages.push({ severity: 'warning', text: texts.someFailed(done.length, failed.length), modal: { detail } });
  }
  for (const outcome of failed) {
    if (texts.partlyDone && outcome.partial && outcome.partial.length > 0) {
      messages.push({ severity: 'warning', text: texts.partlyDone(label(outcome.item), outcome.partial.join(', ')) });
    }
  }
  return messages;
}

/** One log line per failed item: its name and what the engine (or the validation) said. */
export function failureLogLines<T>(outcomes: readonly StepOutcome<T>[], label: (item: T) => string): string[] {
  const why = (outcome: StepOutcome<T>) =>
    outcome.notSent ? 'not sent: the engine had stopped answering' : outcome.error?.engineMessage || outcome.issues?.map((found) => found.code).join(',') || 'failed';
  return summarize(outcomes).failed.map((outcome) => `${label(outcome.item)}: ${why(outcome)}`);
}
