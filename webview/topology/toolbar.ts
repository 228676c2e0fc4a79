/**
 * The toolbar: the scope dropdown and its search button, the toggles' checkboxes and the buttons. It shows the view state
 * the host sent (the last `diagram` message) and turns the user's changes into requests; it keeps
 * no state of its own, the host answers a request with a new diagram that the toolbar then shows.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDropdown,
  vsCodeOption,
} from '@vscode/webview-ui-toolkit';
import pulseIcon from '@vscode/codicons/src/icons/pulse.svg';
import { TOGGLE_KEYS, type DiagramMessage, type ScopeValue, type TopologyToggles, type WebviewStrings } from '../../src/topologyPanel/protocol';

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDropdown(), vsCodeOption());

export interface ToolbarActions {
  setScope(scope: ScopeValue): void;
  /** Opens VS Code's searchable scope picker (the host shows it and owns the choice). */
  pickScope(): void;
  setToggle(key: keyof TopologyToggles, value: boolean): void;
  refresh(): void;
  exportSvg(): void;
  copySource(): void;
  saveMarkdown(): void;
  resetView(): void;
  /** Turns the Traffic overlay on or off (the host owns the state and samples). */
  setTraffic(on: boolean): void;
}

type ButtonKey = 'refresh' | 'exportSvg' | 'copySource' | 'saveMarkdown' | 'resetView';
const BUTTON_KEYS: readonly ButtonKey[] = ['refresh', 'exportSvg', 'copySource', 'saveMarkdown', 'resetView'];

const TOGGLE_LABEL: Record<keyof TopologyToggles, keyof WebviewStrings> = {
  showIPs: 'ips',
  showMACs: 'macs',
  showStopped: 'stopped',
  showUnmanaged: 'unmanaged',
  showInferred: 'inferred',
};

type Dropdown = HTMLElement & { value: string };
type Checkbox = HTMLElement & { checked: boolean };

export class Toolbar {
  private readonly scopeLabel = document.createElement('span');
  private readonly scopeDropdown = document.createElement('vscode-dropdown') as unknown as Dropdown;
  private readonly pickButton = document.createElement('vscode-button');
  private readonly checkboxes = new Map<keyof TopologyToggles, Checkbox>();
  private readonly buttons = new Map<ButtonKey, HTMLElement>();
  /** Says to pan when the drawing, at a readable size, is larger than the panel. */
  private readonly panHint = document.createElement('span');
  /** The Traffic toggle: a button with a codicon, pressed while the overlay is on (aria-pressed). */
  private readonly trafficButton = document.createElement('vscode-button');
  /** The host's state, as last shown. */
  private shown: DiagramMessage | undefined;
  /** True while the host's state is written into the controls: their change events are not the user's. */
  private applying = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly actions: ToolbarActions,
  ) {
    this.buildScope();
    for (const key of TOGGLE_KEYS) this.buildCheckbox(key);
    this.buildTrafficButton();
    for (const key of BUTTON_KEYS) this.buildButton(key);
    this.panHint.id = 'panHint';
    this.panHint.setAttribute('role', 'status');
    this.panHint.hidden = true;
    this.root.appendChild(this.panHint);
  }

  /** Shows or hides the hint that the drawing is larger than the panel (drag to pan). */
  showPanHint(visible: boolean): void {
    this.panHint.hidden = !visible;
  }

  /** Shows the host's view state and the words of the diagram message. */
  show(message: DiagramMessage): void {
    this.shown = message;
    this.applying = true;
    try {
      this.scopeLabel.textContent = message.strings.scope;
      this.scopeDropdown.replaceChildren(...message.scopes.map((choice) => {
        const option = document.createElement('vscode-option');
        option.setAttribute('value', choice.value);
        option.textContent = choice.label;
        return option;
      }));
      this.scopeDropdown.value = message.scope;
      this.pickButton.textContent = message.strings.pickScope;
      for (const [key, checkbox] of this.checkboxes) {
        checkbox.textContent = message.strings[TOGGLE_LABEL[key]];
        checkbox.checked = message.toggles[key];
      }
      for (const [key, element] of this.buttons) element.textContent = message.strings[key];
      this.trafficLabel.data = message.strings.traffic;
      this.trafficButton.title = message.strings.trafficHint;
      this.showTraffic(message.traffic);
      this.panHint.textContent = message.strings.panHint;
    } finally {
      this.applying = false;
    }
  }

  private buildScope(): void {
    const label = document.createElement('label');
    label.className = 'scope';
    this.scopeDropdown.id = 'scope';
    this.scopeDropdown.addEventListener('change', () => {
      const value = this.scopeDropdown.value as ScopeValue;
      if (!this.applying && this.shown && value && value !== this.shown.scope) this.actions.setScope(value);
    });
    label.append(this.scopeLabel, this.scopeDropdown);
    this.pickButton.setAttribute('appearance', 'secondary');
    this.pickButton.dataset.action = 'pickScope';
    this.pickButton.addEventListener('click', () => this.actions.pickScope());
    this.root.append(label, this.pickButton);
  }

  private buildCheckbox(key: keyof TopologyToggles): void {
    const checkbox = document.createElement('vscode-checkbox') as unknown as Checkbox;
    checkbox.dataset.toggle = key;
    checkbox.addEventListener('change', () => {
      // Every change of the user is asked for, even one back to the shown value: two quick clicks
      // must end where the user left the box, whatever answer comes first.
      if (!this.applying && this.shown) this.actions.setToggle(key, checkbox.checked);
    });
    this.root.appendChild(checkbox);
    this.checkboxes.set(key, checkbox);
  }

  /** A text node, not a span: the toolkit sizes every slotted span as an icon (16 px wide). */
  private readonly trafficLabel = document.createTextNode('');

  /** Shows the overlay's state (the host's, from a diagram or a traffic message). */
  showTraffic(on: boolean): void {
    this.trafficButton.setAttribute('aria-pressed', String(on));
    this.trafficButton.setAttribute('appearance', on ? 'primary' : 'secondary');
  }

  private buildTrafficButton(): void {
    const button = this.trafficButton;
    button.dataset.action = 'traffic';
    button.setAttribute('aria-pressed', 'false');
    button.setAttribute('appearance', 'secondary');
    // The codicon's SVG is a constant of the bundle (not engine text): parsed, never set as HTML.
    const icon = new DOMParser().parseFromString(pulseIcon, 'image/svg+xml').documentElement;
    icon.setAttribute('aria-hidden', 'true');
    button.append(document.importNode(icon, true), this.trafficLabel);
    button.addEventListener('click', () => {
      // Asks for the other state; the host answers and the button shows what it says.
      if (this.shown) this.actions.setTraffic(button.getAttribute('aria-pressed') !== 'true');
    });
    this.root.appendChild(button);
  }

  private buildButton(key: ButtonKey): void {
    const element = document.createElement('vscode-button');
    element.setAttribute('appearance', key === 'refresh' ? 'primary' : 'secondary');
    element.dataset.action = key;
    element.addEventListener('click', () => this.actions[key]());
    this.root.appendChild(element);
    this.buttons.set(key, element);
  }
}
