/**
 * Playwright helpers for the end-to-end tier: drive Debian's Chromium against a code-server
 * instance and read the Docker Networks views the way a user sees them.
 *
 * DOM facts relied on (VS Code workbench, 1.9x/1.1xx):
 *  - activity bar entries: `.activitybar .action-item` whose `aria-label` starts with the view
 *    container title ("Docker Networks"); the selected one has `aria-selected="true"` / class `checked`;
 *  - a view is a `.pane` inside the side bar whose `.pane-header` contains the view title
 *    ("Networks", "Containers"); its tree rows are `.monaco-list-row` with `aria-level`,
 *    `aria-expanded` and the visible label in `.label-name` (description in `.label-description`);
 *  - a view's welcome content (viewsWelcome) is `.welcome-view-content` in the pane body, its
 *    buttons are `.monaco-button`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, Browser, FrameLocator, Locator, Page } from 'playwright-core';
import { REPO_ROOT } from './codeServer';
import { sleep, waitFor } from '../support/waitFor';

export const CHROMIUM = process.env.DNE_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
export const OUTPUT_DIR = path.join(REPO_ROOT, 'test-output');


export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM} (run: bash scripts/ensure-system.sh)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: process.env.DNE_HEADED ? false : true,
  });
}

export interface TreeRow {
  label: string;
  description: string;
  ariaLabel: string;
  level: number;
  /** true / false for collapsible rows, undefined for leaves */
  expanded: boolean | undefined;
}

/** Opens the workbench at `url` and waits until it is interactive. */
export async function openWorkbench(browser: Browser, url: string, opts: { width?: number; height?: number } = {}): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  await page.locator('.activitybar .action-item').first().waitFor({ state: 'visible', timeout: 60_000 });
  return page;
}

/** Closes notification toasts so they do not cover the side bar in screenshots. */
export async function dismissNotifications(page: Page): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const close = page.locator('.notification-toast .codicon-notifications-clear, .notification-toast .codicon-close').first();
    if (!(await close.isVisible().catch(() => false))) break;
    await close.click().catch(() => undefined);
    await sleep(100);
  }
}

/**
 * Closes a tree row's hover (tooltip) if one is showing. A hover left open by the pointer's last
 * position can cover the next row to click, and the click then lands on the hover instead: move
 * the pointer into the editor area, where no row is, and wait for the hover to go.
 */
export async function dismissHover(page: Page): Promise<void> {
  const hover = page.locator('.monaco-hover:visible, .workbench-hover:visible, .context-view .rendered-markdown:visible');
  if ((await hover.count().catch(() => 0)) === 0) return;
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  await page.mouse.move(size.width - 8, Math.round(size.height / 2));
  const gone = await hover.first().waitFor({ state: 'hidden', timeout: 2_000 }).then(() => true, () => false);
  if (!gone) {
    await page.keyboard.press('Escape');
    await hover.first().waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => undefined);
  }
}

/** Resizes the side bar by dragging its sash (for readable screenshots). */
export async function setSidebarWidth(page: Page, width: number): Promise<void> {
  const sidebar = page.locator('.part.sidebar');
  const box = await sidebar.boundingBox();
  if (!box) return;
  const x = box.x + box.width;
  const y = box.y + box.height / 2;
  await page.mouse.move(x + 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 8 });
  await page.mouse.up();
  await sleep(200);
}

/** Selects an activity bar view container by its title (default "Docker Networks"). */
export async function openViewContainer(page: Page, title = 'Docker Networks', timeoutMs = 30_000): Promise<void> {
  const item = page.locator(`.activitybar .action-item[aria-label^="${title}"], .activitybar .action-item a[aria-label^="${title}"]`).first();
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  const li = page.locator(`.activitybar .action-item:has([aria-label^="${title}"]), .activitybar .action-item[aria-label^="${title}"]`).first();
  const selected = (await li.getAttribute('aria-selected')) === 'true' || ((await li.getAttribute('class')) ?? '').includes('checked');
  const sidebarVisible = await page.locator('.part.sidebar').isVisible().catch(() => false);
  if (!selected || !sidebarVisible) await item.click();
  await page.locator('.part.sidebar .composite.title').filter({ hasText: new RegExp(title, 'i') })
    .first().waitFor({ state: 'visible', timeout: timeoutMs })
    .catch(() => undefined);
}

/** The `.pane` of the view titled `viewTitle` in the side bar. */
export function viewPane(page: Page, viewTitle: string): Locator {
  const header = page.locator('.pane-header').filter({
    has: page.locator('h3.title, .title', { hasText: new RegExp(`^\\s*${escapeRe(viewTitle)}\\s*$`, 'i') }),
  });
  return page.locator('.part.sidebar .pane').filter({ has: header }).first();
}

/** Expands the view's section if it is collapsed in the side bar. */
export async function ensureViewExpanded(page: Page, viewTitle: string): Promise<Locator> {
  const pane = viewPane(page, viewTitle);
  await pane.waitFor({ state: 'visible', timeout: 30_000 });
  const header = pane.locator('.pane-header').first();
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  return pane;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Reads the rendered rows of a view's tree (only rows the virtualized list has rendered). */
export async function readTree(page: Page, viewTitle: string): Promise<TreeRow[]> {
  const pane = viewPane(page, viewTitle);
  const rows = await pane.locator('.pane-body .monaco-list-row').evaluateAll((els) =>
    els.map((el) => {
      const q = (sel: string) => (el.querySelector(sel)?.textContent ?? '').trim();
      const exp = el.getAttribute('aria-expanded');
      return {
        label: q('.label-name'),
        description: q('.label-description'),
        ariaLabel: el.getAttribute('aria-label') ?? '',
        level: Number(el.getAttribute('aria-level') ?? '1'),
        expanded: exp === null ? undefined : exp === 'true',
        top: parseFloat((el as unknown as { style: { top: string } }).style.top || "0"),
      };
    }),
  );
  rows.sort((a, b) => a.top - b.top);
  return rows.map(({ top: _top, ...r }) => r);
}

/** Labels of the top-level rows of a view. */
export async function topLevelLabels(page: Page, viewTitle: string): Promise<string[]> {
  return (await readTree(page, viewTitle)).filter((r) => r.level === 1).map((r) => r.label);
}

/** Children of `parentPath` (labels from the top level down), as rendered. */
export async function childLabels(page: Page, viewTitle: string, parentPath: string[]): Promise<string[]> {
  const rows = await readTree(page, viewTitle);
  const idx = findPath(rows, parentPath);
  if (idx < 0) return [];
  const level = rows[idx].level;
  const out: string[] = [];
  for (let i = idx + 1; i < rows.length && rows[i].level > level; i++) {
    if (rows[i].level === level + 1) out.push(rows[i].label);
  }
  return out;
}

function findPath(rows: TreeRow[], labels: string[]): number {
  let start = 0;
  let idx = -1;
  for (let depth = 0; depth < labels.length; depth++) {
    idx = -1;
    for (let i = start; i < rows.length; i++) {
      if (depth > 0 && rows[i].level <= depth) break; // left the parent's subtree
      if (rows[i].level === depth + 1 && rows[i].label === labels[depth]) {
        idx = i;
        break;
      }
    }
    if (idx < 0) return -1;
    start = idx + 1;
  }
  return idx;
}

/** The row locator for a path of labels (e.g. ['dev', 'es']). */
export async function rowLocator(page: Page, viewTitle: string, labelPath: string[]): Promise<Locator | undefined> {
  const pane = viewPane(page, viewTitle);
  const rows = await readTree(page, viewTitle);
  const idx = findPath(rows, labelPath);
  if (idx < 0) return undefined;
  const r = rows[idx];
  // Identify the element by level + label among rendered rows.
  return pane.locator(`.pane-body .monaco-list-row[aria-level="${r.level}"]`).filter({
    has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRe(r.label)}\\s*$`) }),
  }).first();
}

/** Waits until a row with `labelPath` is rendered; returns the elapsed ms. */
export async function waitForRow(page: Page, viewTitle: string, labelPath: string[], timeoutMs = 10_000, pollMs = 50): Promise<number> {
  const t0 = Date.now();
  let rows: TreeRow[] = [];
  await waitFor(`row ${JSON.stringify(labelPath)} in "${viewTitle}"`, async () => findPath((rows = await readTree(page, viewTitle)), labelPath) >= 0, {
    timeoutMs,
    intervalMs: pollMs,
    lastSeen: () => JSON.stringify(rows.map((r) => `${'  '.repeat(r.level - 1)}${r.label}`)),
  });
  return Date.now() - t0;
}

/** Waits until `predicate(rows)` holds; returns the elapsed ms. */
export async function waitForTree(page: Page, viewTitle: string, predicate: (rows: TreeRow[]) => boolean, timeoutMs = 10_000, what = 'condition'): Promise<number> {
  const t0 = Date.now();
  let rows: TreeRow[] = [];
  await waitFor(`${what} in "${viewTitle}"`, async () => predicate((rows = await readTree(page, viewTitle))), {
    timeoutMs,
    lastSeen: () => JSON.stringify(rows.map((r) => `${'  '.repeat(r.level - 1)}${r.label}`)),
  });
  return Date.now() - t0;
}

/** Expands the row at `labelPath` (no-op if already expanded); waits for the row first. */
export async function expandRow(page: Page, viewTitle: string, labelPath: string[], timeoutMs = 10_000): Promise<void> {
  await waitForRow(page, viewTitle, labelPath, timeoutMs);
  const row = await rowLocator(page, viewTitle, labelPath);
  if (!row) throw new Error(`row ${JSON.stringify(labelPath)} vanished`);
  if ((await row.getAttribute('aria-expanded')) === 'true') return;
  const twistie = row.locator('.monaco-tl-twistie');
  await dismissHover(page);
  if (await twistie.isVisible().catch(() => false)) await twistie.click();
  else await row.click();
  await waitFor(`row ${JSON.stringify(labelPath)} to expand`, async () => (await row.getAttribute('aria-expanded').catch(() => null)) === 'true', { timeoutMs });
}

/** Text of the view's welcome content (viewsWelcome), or '' when none is shown. */
export async function welcomeText(page: Page, viewTitle: string): Promise<string> {
  const pane = viewPane(page, viewTitle);
  const content = pane.locator('.welcome-view-content');
  if (!(await content.first().isVisible().catch(() => false))) return '';
  return ((await content.first().innerText().catch(() => '')) ?? '').trim();
}

/** Button labels of the view's welcome content. */
export async function welcomeButtons(page: Page, viewTitle: string): Promise<string[]> {
  const pane = viewPane(page, viewTitle);
  return (await pane.locator('.welcome-view-content .monaco-button').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
}

/** All visible text of a view's body (tree rows, tree message, welcome content), for diagnostics. */
export async function paneText(page: Page, viewTitle: string): Promise<string> {
  return ((await viewPane(page, viewTitle).locator('.pane-body').first().innerText({ timeout: 2000 }).catch(() => '')) ?? '').trim();
}

/** The TreeView.message shown above a view's tree ('' when none). */
export async function treeMessage(page: Page, viewTitle: string): Promise<string> {
  const msg = viewPane(page, viewTitle).locator('.pane-body .message:not(.hide)').first();
  if (!(await msg.isVisible().catch(() => false))) return '';
  return ((await msg.innerText().catch(() => '')) ?? '').trim();
}

/** Waits until the welcome content matches `re`; returns the text. */
export async function waitForWelcome(page: Page, viewTitle: string, re: RegExp, timeoutMs = 15_000): Promise<string> {
  let text = '';
  return waitFor(`the welcome text of "${viewTitle}" to match ${re}`, async () => {
    text = await welcomeText(page, viewTitle);
    return re.test(text) ? text : undefined;
  }, {
    timeoutMs,
    intervalMs: 100,
    lastSeen: async () => `${JSON.stringify(text)}; tree message: ${JSON.stringify(await treeMessage(page, viewTitle))}; view body: ${JSON.stringify(await paneText(page, viewTitle))}`,
  });
}

/** Runs a command through the command palette by its title (as shown in the palette). */
export async function runCommandFromPalette(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input').first();
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  // A busy workbench may close the palette right after it opened (focus taken by a panel that is
  // still loading): open it again, up to three times, before giving up.
  for (let attempt = 1; ; attempt++) {
    if (!(await input.isVisible().catch(() => false))) await page.keyboard.press('F1');
    const typed = await input
      .waitFor({ state: 'visible', timeout: 10_000 })
      .then(() => input.fill(`>${title}`, { timeout: 5_000 }))
      .then(() => row.waitFor({ state: 'visible', timeout: 10_000 }))
      .then(() => true, (error: unknown) => (attempt === 3 ? Promise.reject(error) : false));
    if (typed) break;
    await page.keyboard.press('Escape');
    await sleep(500);
  }
  await row.click();
}

/** The topology panel's document: the outer `.webview` iframe, then the inner `#active-frame`. */
export function topologyWebview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview[src*="extensionId=docker-network-explorer.docker-network-explorer"]').first().frameLocator('#active-frame');
}

/** Saves a screenshot into test-output/ (repo root) and returns its path. */
export async function screenshot(page: Page, name: string, opts: { locator?: Locator } = {}): Promise<string> {
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  const file = path.resolve(OUTPUT_DIR, name.endsWith('.png') ? name : `${name}.png`);
  if (opts.locator) await opts.locator.screenshot({ path: file });
  else await page.screenshot({ path: file });
  return file;
}

/** Waits until the quick input shows text (title, prompt, message, placeholder) matching `re`. */
export async function waitForQuickInput(page: Page, re: RegExp, timeoutMs = 15_000): Promise<string> {
  const widget = page.locator('.quick-input-widget');
  let seen = '';
  return waitFor(
    `the quick input to show ${re}`,
    async () => {
      if (!(await widget.isVisible().catch(() => false))) return undefined;
      const text = (await widget.innerText().catch(() => '')) ?? '';
      const placeholder = (await widget.locator('input').first().getAttribute('placeholder').catch(() => '')) ?? '';
      const aria = (await widget.locator('input').first().getAttribute('aria-label').catch(() => '')) ?? '';
      seen = `${text}\n${placeholder}\n${aria}`;
      return re.test(seen) ? seen : undefined;
    },
    { timeoutMs, intervalMs: 100, lastSeen: () => JSON.stringify(seen) },
  );
}

/** Types a value into the current input step and accepts it, once the step asked for `re` is shown. */
export async function answer(page: Page, re: RegExp, value: string): Promise<void> {
  await waitForQuickInput(page, re);
  const input = page.locator('.quick-input-widget input').first();
  await input.fill(value);
  await sleep(150);
  await page.keyboard.press('Enter');
  await sleep(250);
}

export async function contextMenu(page: Page, view: string, labelPath: string[], item: RegExp): Promise<void> {
  await chooseFromContextMenu(page, `the row ${JSON.stringify(labelPath)} in ${view}`, async () => {
    const row = await rowLocator(page, view, labelPath);
    if (!row) throw new Error(`row ${JSON.stringify(labelPath)} not found in ${view}`);
    return row;
  }, item);
}

/**
 * Right-clicks what `target` finds (looked up again on each attempt) and chooses the entry `item`
 * of the menu that opens; `whileShown` runs once the entry is visible (a screenshot, say).
 */
export async function chooseFromContextMenu(page: Page, what: string, target: () => Promise<Locator>, item: RegExp, whileShown?: () => Promise<void>): Promise<void> {
  const entry = page.locator('.monaco-menu .action-label', { hasText: item }).first();
  // A live tree may re-render the row (an engine event) while the menu opens, and the menu then
  // closes or never shows: right-click the target as it is now, up to three times.
  for (let attempt = 1; ; attempt++) {
    await dismissHover(page);
    // A hover that opens between the dismissal and the click intercepts it: that attempt fails
    // within its own timeout and the next one dismisses the hover again.
    const clicked = await (await target()).click({ button: 'right', timeout: 5_000 }).then(() => true, () => false);
    const shown = clicked && await entry.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
    if (shown) break;
    const offered = await page.locator('.monaco-menu .action-label').allInnerTexts().catch(() => []);
    if (attempt === 3) throw new Error(`the context menu of ${what} did not offer ${item}; it offered ${JSON.stringify(offered)}`);
    await page.keyboard.press('Escape');
    await sleep(500);
  }
  if (whileShown) await whileShown();
  // The workbench ignores a click that lands right after the menu opened (it guards against the
  // right-click's own mouse-up): hover first, and if the menu is still open after the click,
  // choose the hovered entry with Enter.
  await entry.hover();
  await sleep(300);
  await entry.click();
  const menu = page.locator('.monaco-menu').first();
  if (await menu.isVisible().catch(() => false)) {
    await sleep(500);
    if (await menu.isVisible().catch(() => false)) {
      await page.keyboard.press('Enter');
    }
  }
  await menu.waitFor({ state: 'hidden', timeout: 5_000 });
}
