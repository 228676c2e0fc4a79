/**
 * The e2e files' common start and end: the engine up, the packaged VSIX installed in a private
 * code-server, Chromium on the workbench with the Docker Networks views open; and, at the end, a
 * last screenshot, the browser closed and the server stopped (its log tail with DNE_DEBUG).
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { dismissNotifications, ensureViewExpanded, launchBrowser, openViewContainer, openWorkbench, screenshot } from './browser';
import { CodeServer, packagedVsix, REPO_ROOT, startCodeServer } from './codeServer';

export interface ExtensionWorkbench {
  /** The VSIX installed (built once per file unless DNE_E2E_VSIX names one). */
  vsix: string;
  server: CodeServer;
  browser: Browser;
  page: Page;
}

/** Starts dockerd when none answers (and builds the local test image). */
export function ensureDocker(): void {
  execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'ensure-docker.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 180_000 });
}

export interface WorkbenchOptions {
  width?: number;
  height?: number;
  /**
   * Views of the Docker Networks container to expand once the workbench is up; without it the
   * container is left closed (for files whose first test opens it, or must look before it does).
   */
  views?: string[];
  settings?: Record<string, unknown>;
  machineSettings?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Folder opened as the workspace (default: an empty one). */
  workspace?: string;
  /** Keep Workspace Trust on, so the folder opens untrusted, in Restricted Mode. */
  workspaceTrust?: boolean;
  /** Browser permissions granted to the workbench's origin (e.g. clipboard-read). */
  permissions?: string[];
  /** Called as soon as the page exists, before anything is clicked (console listeners). */
  onPage?: (page: Page) => void;
}

export async function openExtensionWorkbench(vsixName: string, options: WorkbenchOptions = {}): Promise<ExtensionWorkbench> {
  const vsix = packagedVsix(vsixName);
  const server = await startCodeServer({
    vsix: [vsix],
    echo: process.env.DNE_DEBUG ? process.stderr : undefined,
    settings: options.settings,
    machineSettings: options.machineSettings,
    env: options.env,
    workspace: options.workspace,
    workspaceTrust: options.workspaceTrust,
  });
  const browser = await launchBrowser();
  const page = await openWorkbench(browser, server.workspaceUrl(), { width: options.width ?? 1400, height: options.height ?? 900 });
  if (options.permissions) await page.context().grantPermissions(options.permissions, { origin: new URL(server.url).origin });
  options.onPage?.(page);
  await dismissNotifications(page);
  if (options.views) {
    await openViewContainer(page, 'Docker Networks');
    for (const view of options.views) {
      await ensureViewExpanded(page, view);
    }
  }
  return { vsix, server, browser, page };
}

/** Tolerates a workbench that never opened (a failed `before`). */
export async function closeExtensionWorkbench(workbench: Partial<ExtensionWorkbench> | undefined, finalScreenshot?: string, logLines = 40): Promise<void> {
  if (workbench?.page && finalScreenshot) await screenshot(workbench.page, finalScreenshot).catch(() => undefined);
  await workbench?.browser?.close().catch(() => undefined);
  if (workbench?.server) {
    if (process.env.DNE_DEBUG) console.log(workbench.server.logTail(logLines));
    await workbench.server.stop();
  }
}
