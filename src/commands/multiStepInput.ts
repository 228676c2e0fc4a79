/**
 * A keyboard-native multi-step quick input: each step is an InputBox or a QuickPick with a Back
 * button (and Alt+Left... the standard Back button of quick inputs), a step counter, and
 * validation shown at the field while typing. Escape cancels the whole flow.
 */
import * as vscode from 'vscode';
import { Cancelled } from './command';

/** Thrown by a step when the user pressed Back. */
export class StepBack extends Error {
  constructor() {
    super('back');
  }
}

export interface StepInfo {
  title: string;
  step?: number;
  totalSteps?: number;
  /** Show the Back button (false on the first step). */
  back: boolean;
}

export interface InputStepOptions extends StepInfo {
  prompt: string;
  value?: string;
  placeholder?: string;
  /** A localized message when the value cannot be accepted; undefined when it can. */
  validate?: (value: string) => string | undefined;
  /** A localized line shown under the field (as information) while the value is acceptable: what it will be read as. */
  describe?: (value: string) => string | undefined;
  password?: boolean;
}

export function inputStep(options: InputStepOptions): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const box = vscode.window.createInputBox();
    box.title = options.title;
    box.step = options.step;
    box.totalSteps = options.totalSteps;
    box.prompt = options.prompt;
    box.value = options.value ?? '';
    box.placeholder = options.placeholder;
    box.ignoreFocusOut = true;
    box.buttons = options.back ? [vscode.QuickInputButtons.Back] : [];
    let settled = false;
    const finish = (action: () => void) => {
      if (!settled) {
        settled = true;
        action();
        box.dispose();
      }
    };
    const check = (value: string): boolean => {
      const message = options.validate?.(value);
      const description = message ? undefined : options.describe?.(value);
      box.validationMessage = message
        ? { message, severity: vscode.InputBoxValidationSeverity.Error }
        : description
          ? { message: description, severity: vscode.InputBoxValidationSeverity.Info }
          : undefined;
      return !message;
    };
    box.onDidChangeValue((value) => check(value));
    box.onDidAccept(() => {
      if (check(box.value)) {
        finish(() => resolve(box.value));
      }
    });
    box.onDidTriggerButton((button) => {
      if (button === vscode.QuickInputButtons.Back) {
        finish(() => reject(new StepBack()));
      }
    });
    box.onDidHide(() => finish(() => reject(new Cancelled())));
    if (box.value) {
      check(box.value);
    }
    box.show();
  });
}

export interface PickStepOptions<T extends vscode.QuickPickItem> extends StepInfo {
  placeholder: string;
  items: T[];
  activeItem?: T;
  canPickMany?: boolean;
  selectedItems?: T[];
}

export function pickStep<T extends vscode.QuickPickItem>(options: PickStepOptions<T> & { canPickMany: true }): Promise<T[]>;
export function pickStep<T extends vscode.QuickPickItem>(options: PickStepOptions<T>): Promise<T>;
export function pickStep<T extends vscode.QuickPickItem>(options: PickStepOptions<T>): Promise<T | T[]> {
  return new Promise<T | T[]>((resolve, reject) => {
    const pick = vscode.window.createQuickPick<T>();
    pick.title = options.title;
    pick.step = options.step;
    pick.totalSteps = options.totalSteps;
    pick.placeholder = options.placeholder;
    pick.items = options.items;
    pick.canSelectMany = Boolean(options.canPickMany);
    pick.ignoreFocusOut = true;
    pick.matchOnDescription = true;
    if (options.activeItem) {
      pick.activeItems = [options.activeItem];
    }
    if (options.selectedItems) {
      pick.selectedItems = options.selectedItems;
    }
    pick.buttons = options.back ? [vscode.QuickInputButtons.Back] : [];
    let settled = false;
    const finish = (action: () => void) => {
      if (!settled) {
        settled = true;
        action();
        pick.dispose();
      }
    };
    pick.onDidAccept(() => {
      if (options.canPickMany) {
        finish(() => resolve([...pick.selectedItems]));
        return;
      }
      const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
      if (chosen) {
        finish(() => resolve(chosen));
      }
    });
    pick.onDidTriggerButton((button) => {
      if (button === vscode.QuickInputButtons.Back) {
        finish(() => reject(new StepBack()));
      }
    });
    pick.onDidHide(() => finish(() => reject(new Cancelled())));
    pick.show();
  });
}

/**
 * Runs steps in order. A step returns false when it does not apply (it is then skipped, also when
 * going back). Back from a step re-runs the previous step that applied.
 */
export async function runSteps(steps: ((back: boolean) => Promise<boolean>)[]): Promise<void> {
  const history: number[] = [];
  let index = 0;
  while (index < steps.length) {
    try {
      const applied = await steps[index](history.length > 0);
      if (applied) {
        history.push(index);
      }
      index++;
    } catch (error) {
      if (error instanceof StepBack && history.length > 0) {
        index = history.pop()!;
        continue;
      }
      throw error;
    }
  }
}
