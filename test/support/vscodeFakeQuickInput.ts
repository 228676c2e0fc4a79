/**
 * The quick input part of the VS Code fake (test/support/vscodeFake.ts): createQuickPick,
 * createInputBox, showQuickPick and showInputBox, answered by a driver from a script of what the
 * user does (type a value, pick items, Enter, Back, Escape). Every prompt shown is recorded as
 * the user saw it: title, step, prompt, placeholder, the items offered, what was preselected, and
 * each validation message shown at the field while answering.
 */

/** Picks the items whose label (without a leading `$(icon) `) is one of these, or that the function accepts. */
export type ItemMatcher = string | string[] | ((label: string) => boolean);

/** One thing the user does at the prompt that is open. */
export type Answer =
  | { type: string }
  | { pick: ItemMatcher }
  | { accept: true }
  | { back: true }
  | { cancel: true };

export interface ShownItem {
  label: string;
  description?: string;
  detail?: string;
}

/** A prompt as the user saw it, and what happened at it. */
export interface OfferedPrompt {
  kind: 'input' | 'pick';
  title?: string;
  step?: number;
  totalSteps?: number;
  prompt?: string;
  placeholder?: string;
  /** The value the input box opened with. */
  value?: string;
  /** The labels offered (icons stripped), in order; `shown` has descriptions and details too. */
  items: string[];
  shown: ShownItem[];
  canSelectMany: boolean;
  /** Labels preselected (many) or active (one) when it opened. */
  preselected: string[];
  hasBack: boolean;
  /** Each validation message shown at the field (the opening value's first, then each value typed). */
  validation: { message: string; severity: number }[];
  /** True when the script had no answer left for it (it was then dismissed, as Escape does). */
  unanswered: boolean;
  /** Set when the scripted answer did not fit the prompt (no item matched, no Back button). */
  mismatch?: string;
}

type Listener<T> = (value: T) => unknown;

class Signal<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (listener: Listener<T>) => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((entry) => entry !== listener)) };
  };
  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }
}

interface Item {
  label: string;
  description?: string;
  detail?: string;
}

export function plainLabel(label: string): string {
  return label.replace(/^\$\([\w-]+\)\s*/, '');
}

function matches(matcher: ItemMatcher, label: string): boolean {
  const plain = plainLabel(label);
  if (typeof matcher === 'function') return matcher(plain);
  return (Array.isArray(matcher) ? matcher : [matcher]).includes(plain);
}

/** What createQuickPick and createInputBox both are: the fields the flows set and the events they listen to. */
class FakeQuickInput {
  title?: string;
  step?: number;
  totalSteps?: number;
  placeholder?: string;
  prompt?: string;
  value = '';
  password = false;
  ignoreFocusOut = false;
  enabled = true;
  busy = false;
  buttons: readonly unknown[] = [];
  validationMessage: string | { message: string; severity: number } | undefined;
  items: readonly Item[] = [];
  activeItems: readonly Item[] = [];
  selectedItems: readonly Item[] = [];
  canSelectMany = false;
  matchOnDescription = false;
  matchOnDetail = false;
  readonly accept = new Signal<void>();
  readonly hide$ = new Signal<void>();
  readonly button = new Signal<unknown>();
  readonly changeValue = new Signal<string>();
  readonly changeSelection = new Signal<readonly Item[]>();
  readonly changeActive = new Signal<readonly Item[]>();
  readonly onDidAccept = this.accept.event;
  readonly onDidHide = this.hide$.event;
  readonly onDidTriggerButton = this.button.event;
  readonly onDidChangeValue = this.changeValue.event;
  readonly onDidChangeSelection = this.changeSelection.event;
  readonly onDidChangeActive = this.changeActive.event;
  readonly onDidTriggerItemButton = new Signal<unknown>().event;
  open = false;

  constructor(readonly kind: 'input' | 'pick', private readonly driver: QuickInputDriver) {}

  show(): void {
    this.open = true;
    this.driver.shown(this);
  }
  hide(): void {
    if (!this.open) return;
    this.open = false;
    this.hide$.fire();
  }
  dispose(): void {
    this.hide();
  }
}

function validationOf(box: FakeQuickInput): { message: string; severity: number } | undefined {
  const shown = box.validationMessage;
  return typeof shown === 'string' ? { message: shown, severity: 3 } : shown;
}

function record(input: FakeQuickInput): OfferedPrompt {
  const shown = input.items.map((item) => ({ label: plainLabel(item.label), description: item.description, detail: item.detail }));
  const preselected = (input.canSelectMany ? input.selectedItems : input.activeItems).map((item) => plainLabel(item.label));
  const first = validationOf(input);
  return {
    kind: input.kind,
    title: input.title,
    step: input.step,
    totalSteps: input.totalSteps,
    prompt: input.prompt,
    placeholder: input.placeholder,
    value: input.kind === 'input' ? input.value : undefined,
    items: shown.map((item) => item.label),
    shown,
    canSelectMany: input.canSelectMany,
    preselected,
    hasBack: input.buttons.length > 0,
    validation: first ? [first] : [],
    unanswered: false,
  };
}

/** Answers the prompts from the script, in order, and records each prompt. */
export class QuickInputDriver {
  readonly answers: Answer[] = [];
  readonly offered: OfferedPrompt[] = [];

  /** What the user will do, in order, at the prompts to come. */
  script(...answers: Answer[]): void {
    this.answers.push(...answers);
  }

  /** The prompts the script had no answer for, or whose answer did not fit. */
  get problems(): OfferedPrompt[] {
    return this.offered.filter((entry) => entry.unanswered || entry.mismatch);
  }

  shown(input: FakeQuickInput): void {
    const offered = record(input);
    this.offered.push(offered);
    // As in VS Code, the user answers after show() returned.
    setImmediate(() => this.drive(input, offered));
  }

  private drive(input: FakeQuickInput, offered: OfferedPrompt): void {
    while (input.open) {
      const answer = this.answers.shift();
      if (!answer) {
        offered.unanswered = true;
        input.hide();
        return;
      }
      const mismatch = this.apply(input, offered, answer);
      if (mismatch) {
        offered.mismatch = mismatch;
        input.hide();
        return;
      }
    }
  }

  private apply(input: FakeQuickInput, offered: OfferedPrompt, answer: Answer): string | undefined {
    if ('cancel' in answer) {
      input.hide();
    } else if ('back' in answer) {
      if (input.buttons.length === 0) return 'Back pressed, but the prompt has no Back button';
      input.button.fire(input.buttons[0]);
    } else if ('type' in answer) {
      if (input.kind !== 'input') return `typed "${answer.type}" into a quick pick`;
      input.value = answer.type;
      input.changeValue.fire(answer.type);
      const shown = validationOf(input);
      if (shown) offered.validation.push(shown);
      input.accept.fire();
    } else if ('pick' in answer) {
      return this.pick(input, answer.pick);
    } else {
      if (input.kind === 'pick' && !input.canSelectMany && input.activeItems.length === 0 && input.items.length > 0) input.activeItems = [input.items[0]];
      input.accept.fire();
    }
    return undefined;
  }

  private pick(input: FakeQuickInput, matcher: ItemMatcher): string | undefined {
    if (input.kind !== 'pick') return 'picked an item in an input box';
    const chosen = input.items.filter((item) => matches(matcher, item.label));
    if (chosen.length === 0) return `no item matches ${String(matcher)}`;
    if (input.canSelectMany) {
      input.selectedItems = chosen;
      input.changeSelection.fire(chosen);
    } else {
      input.activeItems = [chosen[0]];
      input.selectedItems = [chosen[0]];
      input.changeActive.fire(input.activeItems);
    }
    input.accept.fire();
    return undefined;
  }

  createQuickPick(): FakeQuickInput {
    return new FakeQuickInput('pick', this);
  }

  createInputBox(): FakeQuickInput {
    return new FakeQuickInput('input', this);
  }

  /** window.showQuickPick on the same driver: undefined when dismissed. */
  async showQuickPick(items: readonly (string | Item)[] | Thenable<readonly (string | Item)[]>, options: { title?: string; placeHolder?: string; canPickMany?: boolean } = {}): Promise<unknown> {
    const given = await items;
    const asItems = given.map((item) => (typeof item === 'string' ? { label: item } : item));
    const pick = this.createQuickPick();
    pick.title = options.title;
    pick.placeholder = options.placeHolder;
    pick.items = asItems;
    pick.canSelectMany = Boolean(options.canPickMany);
    pick.selectedItems = options.canPickMany ? asItems.filter((item) => (item as { picked?: boolean }).picked) : [];
    return new Promise((resolve) => {
      pick.onDidAccept(() => {
        const chosen = pick.canSelectMany ? [...pick.selectedItems] : pick.selectedItems[0] ?? pick.activeItems[0];
        pick.open = false;
        resolve(chosen === undefined ? undefined : Array.isArray(chosen) ? chosen.map((item) => given[asItems.indexOf(item)]) : given[asItems.indexOf(chosen)]);
      });
      pick.onDidHide(() => resolve(undefined));
      pick.show();
    });
  }

  /** window.showInputBox on the same driver: undefined when dismissed; a value refused by validateInput is not accepted. */
  showInputBox(options: { title?: string; prompt?: string; placeHolder?: string; value?: string; password?: boolean; validateInput?(value: string): unknown } = {}): Promise<string | undefined> {
    const box = this.createInputBox();
    Object.assign(box, { title: options.title, prompt: options.prompt, placeholder: options.placeHolder, value: options.value ?? '', password: Boolean(options.password) });
    let valid = true;
    box.onDidChangeValue((value) => {
      const message = options.validateInput?.(value);
      valid = !message;
      box.validationMessage = typeof message === 'string' ? message : (message as { message: string; severity: number } | undefined);
    });
    return new Promise((resolve) => {
      box.onDidAccept(() => {
        if (valid) {
          box.open = false;
          resolve(box.value);
        }
      });
      box.onDidHide(() => resolve(undefined));
      box.show();
    });
  }
}

/** The window functions of the quick input, bound to the current driver. */
export function quickInputApi(driver: () => QuickInputDriver) {
  return {
    createQuickPick: () => driver().createQuickPick(),
    createInputBox: () => driver().createInputBox(),
    showQuickPick: (items: readonly (string | Item)[], options?: { title?: string; placeHolder?: string; canPickMany?: boolean }) => driver().showQuickPick(items, options),
    showInputBox: (options?: { title?: string; prompt?: string; placeHolder?: string; value?: string; validateInput?(value: string): unknown }) => driver().showInputBox(options),
  };
}
