/**
 * A small in-memory `vscode` for unit tests of the command flows and the tree providers under plain
 * `node --test`: importing this file (before anything from src/) makes `require('vscode')` resolve
 * to `vscodeApi` in this process. It holds what the user would see and answer: messages (with
 * scripted button answers), quick picks and input boxes (a driver answers scripted choices and
 * records what was offered), the clipboard, the commands run, progress titles, settings.
 *
 * It cannot reach the extension or e2e tiers: it only installs itself where no real `vscode`
 * module resolves (the extension host provides one), and test/unit/vscodeFake.test.ts checks that
 * only unit tests import it.
 */
import Module from 'node:module';
import { QuickInputDriver, quickInputApi } from './vscodeFakeQuickInput';

type Listener<T> = (value: T) => unknown;

/** The EventEmitter of the API: listeners in order, each can be disposed. */
export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.push(listener);
    return new Disposable(() => {
      this.listeners = this.listeners.filter((entry) => entry !== listener);
    });
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }

  dispose(): void {
    this.listeners = [];
  }
}

export class Disposable {
  constructor(private readonly callOnDispose: () => unknown = () => undefined) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((item) => item.dispose()));
  }
  dispose(): void {
    this.callOnDispose();
  }
}

export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2,
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class ThemeIcon {
  static readonly File = new ThemeIcon('file');
  static readonly Folder = new ThemeIcon('folder');
  constructor(readonly id: string, readonly color?: ThemeColor) {}
}

export class MarkdownString {
  isTrusted: boolean | undefined;
  supportHtml: boolean | undefined;
  supportThemeIcons: boolean | undefined;
  constructor(public value = '', supportThemeIcons?: boolean) {
    this.supportThemeIcons = supportThemeIcons;
  }
  appendMarkdown(text: string): this {
    this.value += text;
    return this;
  }
  appendText(text: string): this {
    this.value += text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&');
    return this;
  }
  appendCodeblock(code: string, language = ''): this {
    this.value += `\n\`\`\`${language}\n${code}\n\`\`\`\n`;
    return this;
  }
}

export class Uri {
  private constructor(readonly scheme: string, readonly authority: string, readonly path: string, readonly query: string, readonly fragment: string) {}
  static from(parts: { scheme: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(parts.scheme, parts.authority ?? '', parts.path ?? '', parts.query ?? '', parts.fragment ?? '');
  }
  static file(path: string): Uri {
    return Uri.from({ scheme: 'file', path });
  }
  static parse(text: string): Uri {
    const match = /^([\w+.-]+):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(text);
    if (!match) throw new Error(`vscodeFake: not a URI: ${text}`);
    return new Uri(match[1], match[2] ?? '', match[3], match[4] ?? '', match[5] ?? '');
  }
  static joinPath(base: Uri, ...segments: string[]): Uri {
    return base.with({ path: [base.path.replace(/\/$/, ''), ...segments].join('/') });
  }
  get fsPath(): string {
    return this.path;
  }
  with(change: { scheme?: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(change.scheme ?? this.scheme, change.authority ?? this.authority, change.path ?? this.path, change.query ?? this.query, change.fragment ?? this.fragment);
  }
  toString(): string {
    return `${this.scheme}:${this.authority || this.scheme === 'file' ? `//${this.authority}` : ''}${this.path}${this.query ? `?${this.query}` : ''}${this.fragment ? `#${this.fragment}` : ''}`;
  }
}

export class TreeItem {
  id?: string;
  description?: string | boolean;
  tooltip?: string | MarkdownString;
  iconPath?: ThemeIcon | Uri;
  contextValue?: string;
  command?: { command: string; title: string; arguments?: unknown[] };
  resourceUri?: Uri;
  accessibilityInformation?: { label: string; role?: string };
  label?: string | { label: string };
  collapsibleState?: TreeItemCollapsibleState;
  constructor(labelOrUri: string | { label: string } | Uri, collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None) {
    if (labelOrUri instanceof Uri) this.resourceUri = labelOrUri;
    else this.label = labelOrUri;
    this.collapsibleState = collapsibleState;
  }
}

/** An in-memory Memento (globalState / workspaceState). */
export class FakeMemento {
  private readonly values = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string, defaultValue?: T): T | undefined {
    return this.values.has(key) ? (this.values.get(key) as T) : defaultValue;
  }
  update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, structuredClone(value));
    return Promise.resolve();
  }
  setKeysForSync(): void {
    // Nothing is synchronized here.
  }
}

/** `l10n.t` in English: the message itself, with {0}… (or {name} from one record) filled in. */
export function translate(message: string | { message: string; args?: unknown[] | Record<string, unknown> }, ...args: unknown[]): string {
  const text = typeof message === 'string' ? message : message.message;
  const given = typeof message === 'string' ? args : message.args ?? [];
  const record = !Array.isArray(given) ? given : given.length === 1 && typeof given[0] === 'object' && given[0] !== null ? (given[0] as Record<string, unknown>) : undefined;
  return text.replace(/\{([^{}]+)\}/g, (whole, key: string) => {
    const value = record ? record[key] : /^\d+$/.test(key) ? (given as unknown[])[Number(key)] : undefined;
    return value === undefined ? whole : String(value);
  });
}

export type Severity = 'information' | 'warning' | 'error';

/** One message the user was shown: its text, whether it was modal, its detail and buttons. */
export interface ShownMessage {
  severity: Severity;
  text: string;
  modal: boolean;
  detail?: string;
  buttons: string[];
}

/** What the tests read and script; reset by `resetVscodeFake()`. */
export class FakeState {
  readonly messages: ShownMessage[] = [];
  /** Answers to the next messages that have buttons, in order (undefined: dismissed). */
  readonly messageAnswers: (string | undefined)[] = [];
  clipboard = '';
  readonly progressTitles: string[] = [];
  readonly executed: { command: string; args: unknown[] }[] = [];
  readonly registered = new Map<string, (...args: unknown[]) => unknown>();
  /** User settings by full key; `workspaceSettings` and `folderSettings` override them, as in VS Code. */
  readonly settings = new Map<string, unknown>();
  readonly workspaceSettings = new Map<string, unknown>();
  readonly folderSettings = new Map<string, unknown>();
  /** Documents opened (their URI), with the language set and how they were shown. */
  readonly documents: { uri: string; language?: string; shown?: { preview?: boolean } }[] = [];
  readonly settingUpdates: { key: string; value: unknown; target: unknown }[] = [];
  readonly quickInput = new QuickInputDriver();

  /** The texts of the messages of one severity (or all). */
  texts(severity?: Severity): string[] {
    return this.messages.filter((entry) => !severity || entry.severity === severity).map((entry) => entry.text);
  }
}

export let fake = new FakeState();

/** A fresh state (messages, clipboard, answers, commands, settings): call it in beforeEach. */
export function resetVscodeFake(): FakeState {
  fake = new FakeState();
  return fake;
}

function showMessage(severity: Severity, text: string, ...rest: unknown[]): Promise<unknown> {
  const options = typeof rest[0] === 'object' && rest[0] !== null && !('title' in rest[0]) ? (rest.shift() as { modal?: boolean; detail?: string }) : {};
  const items = rest as (string | { title: string })[];
  const buttons = items.map((item) => (typeof item === 'string' ? item : item.title));
  fake.messages.push({ severity, text, modal: Boolean(options.modal), detail: options.detail, buttons });
  if (buttons.length === 0) return Promise.resolve(undefined);
  const answer = fake.messageAnswers.shift();
  return Promise.resolve(items.find((item) => (typeof item === 'string' ? item : item.title) === answer));
}

function configuration(section?: string) {
  const full = (key: string) => (section ? `${section}.${key}` : key);
  const scopes = () => [fake.folderSettings, fake.workspaceSettings, fake.settings];
  return {
    get<T>(key: string, defaultValue?: T): T | undefined {
      const scope = scopes().find((values) => values.has(full(key)));
      return scope ? (scope.get(full(key)) as T) : defaultValue;
    },
    has: (key: string) => scopes().some((values) => values.has(full(key))),
    inspect: (key: string) => ({
      key: full(key),
      globalValue: fake.settings.get(full(key)),
      workspaceValue: fake.workspaceSettings.get(full(key)),
      workspaceFolderValue: fake.folderSettings.get(full(key)),
    }),
    update(key: string, value: unknown, target?: unknown): Promise<void> {
      fake.settingUpdates.push({ key: full(key), value, target });
      const scope = target === 3 ? fake.folderSettings : target === 2 ? fake.workspaceSettings : fake.settings;
      scope.set(full(key), value);
      return Promise.resolve();
    },
  };
}

function documentOf(uri: unknown) {
  const found = fake.documents.find((entry) => entry.uri === String(uri));
  if (!found) throw new Error(`vscodeFake: document ${String(uri)} was not opened`);
  return found;
}

const window = {
  showInformationMessage: (text: string, ...rest: unknown[]) => showMessage('information', text, ...rest),
  showWarningMessage: (text: string, ...rest: unknown[]) => showMessage('warning', text, ...rest),
  showErrorMessage: (text: string, ...rest: unknown[]) => showMessage('error', text, ...rest),
  ...quickInputApi(() => fake.quickInput),
  withProgress<R>(options: { title?: string }, task: (progress: { report(value: unknown): void }, token: unknown) => Thenable<R>): Thenable<R> {
    fake.progressTitles.push(options.title ?? '');
    return task({ report: () => undefined }, { isCancellationRequested: false, onCancellationRequested: () => new Disposable() });
  },
  showTextDocument(document: { uri: Uri }, options?: { preview?: boolean }): Promise<unknown> {
    documentOf(document.uri).shown = { preview: options?.preview };
    return Promise.resolve({ document });
  },
  tabGroups: { all: [] as unknown[], onDidChangeTabs: new EventEmitter<unknown>().event },
  activeTextEditor: undefined,
};

const commands = {
  registerCommand(id: string, handler: (...args: unknown[]) => unknown): Disposable {
    if (fake.registered.has(id)) throw new Error(`vscodeFake: command ${id} already registered`);
    fake.registered.set(id, handler);
    return new Disposable(() => fake.registered.delete(id));
  },
  async executeCommand(id: string, ...args: unknown[]): Promise<unknown> {
    fake.executed.push({ command: id, args });
    return fake.registered.get(id)?.(...args);
  },
};

/** What `require('vscode')` gives in a unit test that imported this file. */
export const vscodeApi = {
  __esModule: true,
  l10n: { t: translate, bundle: undefined, uri: undefined },
  env: {
    language: 'en',
    clipboard: {
      readText: () => Promise.resolve(fake.clipboard),
      writeText: (text: string) => {
        fake.clipboard = text;
        return Promise.resolve();
      },
    },
  },
  window,
  commands,
  workspace: {
    getConfiguration: configuration,
    onDidChangeConfiguration: new EventEmitter<unknown>().event,
    workspaceFolders: undefined,
    openTextDocument(uri: Uri): Promise<{ uri: Uri }> {
      fake.documents.push({ uri: String(uri) });
      return Promise.resolve({ uri });
    },
    registerTextDocumentContentProvider: () => new Disposable(),
  },
  languages: {
    setTextDocumentLanguage(document: { uri: Uri }, language: string): Promise<{ uri: Uri }> {
      documentOf(document.uri).language = language;
      return Promise.resolve(document);
    },
  },
  EventEmitter,
  Disposable,
  TreeItem,
  TreeItemCollapsibleState,
  ThemeIcon,
  ThemeColor,
  MarkdownString,
  Uri,
  QuickPickItemKind: { Separator: -1, Default: 0 },
  QuickInputButtons: { Back: { iconPath: new ThemeIcon('arrow-left') } },
  InputBoxValidationSeverity: { Info: 1, Warning: 2, Error: 3 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2 },
};

const FAKE_PATH = `${__filename}#vscode`;

function install(): void {
  const loader = Module as unknown as {
    _resolveFilename(request: string, parent: unknown, ...rest: unknown[]): string;
    _cache: Record<string, unknown>;
  };
  const original = loader._resolveFilename;
  try {
    original.call(Module, 'vscode', module);
    throw new Error('vscodeFake: a real `vscode` module resolves here; the fake is for plain node unit tests only');
  } catch (error) {
    if (!(error instanceof Error) || !('code' in error) || error.code !== 'MODULE_NOT_FOUND') throw error;
  }
  loader._resolveFilename = function resolveVscodeToTheFake(request: string, parent: unknown, ...rest: unknown[]): string {
    return request === 'vscode' ? FAKE_PATH : original.call(this, request, parent, ...rest);
  };
  const cached = new Module(FAKE_PATH);
  cached.filename = FAKE_PATH;
  cached.loaded = true;
  cached.exports = vscodeApi;
  loader._cache[FAKE_PATH] = cached;
}

install();
