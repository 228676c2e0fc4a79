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
  server: CodeServer;
  browser: Browser;
  page: Page;
}

/** Starts dockerd when none answers (and builds the local test image). */
export function ensureDocker(): void {
  execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'ensure-docker.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 180_000 });
}

export async function openExtensionWorkbench(
  vsixName: string,
  options: {
    width?: number;
    height?: number;
    views: string[];
    settings?: Record<string, unknown>;
    machineSettings?: Record<string, unknown>;
    env?: NodeJS.ProcessEnv;
  },
): Promise<ExtensionWorkbench> {
  const server = await startCodeServer({
    vsix: [packagedVsix(vsixName)],
    echo: process.env.DNE_DEBUG ? process.stderr : undefined,
    settings: options.settings,
    machineSettings: options.machineSettings,
    env: options.env,
  });
  const browser = await launchBrowser();
  const page = await openWorkbench(browser, server.workspaceUrl(), { width: options.width ?? 1400, height: options.height ?? 900 });
  await dismissNotifications(page);
  await openViewContainer(page, 'Docker Networks');
  for (const view of options.views) {
    await ensureViewExpanded(page, view);
  }
  return { server, browser, page };
}

/** Tolerates a workbench that never opened (a failed `before`). */
export async function closeExtensionWorkbench(workbench: Partial<ExtensionWorkbench> | undefined, finalScreenshot?: string): Promise<void> {
  if (workbench?.page && finalScreenshot) await screenshot(workbench.page, finalScreenshot).catch(() => undefined);
  await workbench?.browser?.close().catch(() => undefined);
  if (workbench?.server) {
    if (process.env.DNE_DEBUG) console.log(workbench.server.logTail(40));
    await workbench.server.stop();
  }
}
