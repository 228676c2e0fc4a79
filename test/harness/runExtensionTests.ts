/**
 * Runs the extension-host mocha suite (out/test/extension/index.js, exporting `run(): Promise<void>`).
 *
 * Default: inside code-server (VS Code served to a browser), driven by headless Chromium. The
 * workbench is opened with a test payload naming the extension development path and the tests
 * module as vscode-remote:// URIs; with `--vscode-option enable-smoke-test-driver` the workbench
 * runs the suite in the remote extension host and reports through `codeAutomationLog` and
 * `codeAutomationExit`, which this script exposes on the page.
 *
 * With DNE_VSCODE=desktop: @vscode/test-electron's runTests (downloads desktop VS Code).
 *
 * Environment: DNE_EXT_TEST_TIMEOUT_MS (overall timeout, default 300000), DNE_KEEP_TEMP=1 keeps
 * code-server's state folder, DNE_DEBUG=1 echoes the server log and browser console, DNE_MOCHA_GREP
 * runs only the tests whose title matches (test/extension/index.ts).
 * Exit code: the suite's (0 = all passed).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import { REPO_ROOT, startCodeServer, CodeServer } from './codeServer';
import { launchBrowser } from './browser';

const TESTS_MODULE = path.join(REPO_ROOT, 'out', 'test', 'extension', 'index.js');
/** The extension under test (default: the repository). DNE_EXTENSION_PATH tries the harness on another one. */
const EXTENSION_PATH = path.resolve(process.env.DNE_EXTENSION_PATH || REPO_ROOT);
const TIMEOUT_MS = Number(process.env.DNE_EXT_TEST_TIMEOUT_MS || 300_000);
const debug = !!process.env.DNE_DEBUG;

async function runDesktop(): Promise<number> {
  // Loaded lazily: only needed (and only able to download VS Code) on machines with internet.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runTests } = require('@vscode/test-electron') as typeof import('@vscode/test-electron');
  try {
    return await runTests({
      extensionDevelopmentPath: EXTENSION_PATH,
      extensionTestsPath: TESTS_MODULE,
      launchArgs: ['--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
  } catch (e) {
    console.error(`runExtensionTests: desktop VS Code run failed: ${(e as Error).message}`);
    return 1;
  }
}

/** Formats the arguments the workbench passes to codeAutomationLog (console-style, printf format). */
function formatLog(args: unknown): string {
  const list = Array.isArray(args) ? args : [args];
  return util.format(...list);
}

/** First line test/extension/index.ts prints; workbench chatter before it is only shown on failure. */
const START_MARKER = /^extension: starting mocha/;
const END_MARKER = /^extension: \d+ passed, \d+ failed/;
/** The workbench's extension gallery queries fail on machines without internet; not test output. */
const OFFLINE_NOISE = /ENOTFOUND (open-vsx\.org|marketplace\.visualstudio\.com)|getaddrinfo ENOTFOUND/;

async function runCodeServer(): Promise<number> {
  if (!fs.existsSync(TESTS_MODULE)) {
    console.error(`runExtensionTests: ${TESTS_MODULE} is missing (run: npx tsc -p test/tsconfig.json)`);
    return 1;
  }
  if (EXTENSION_PATH === REPO_ROOT && !fs.existsSync(path.join(REPO_ROOT, 'dist', 'extension.js'))) {
    console.error('runExtensionTests: dist/extension.js is missing (run: npm run build)');
    return 1;
  }
  let server: CodeServer | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    server = await startCodeServer({ smokeTestDriver: true, echo: debug ? process.stderr : undefined });
    const remote = (p: string) => `vscode-remote://${server!.host}:${server!.port}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(EXTENSION_PATH)],
      ['extensionTestsPath', remote(TESTS_MODULE)],
    ]);
    browser = await launchBrowser();
    const page = await browser.newPage();
    let started = false;
    let finished = false;
    const chatter: string[] = [];
    const done = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationLog', (type: unknown, args: unknown) => {
        const line = formatLog(args);
        if (OFFLINE_NOISE.test(line)) return;
        if (!started && START_MARKER.test(line)) started = true;
        // Workbench chatter (before the suite, after its summary line, or workbench-internal stack
        // traces) is kept back unless DNE_DEBUG is set.
        const workbenchInternal = /\/static\/out\/vs\//.test(line);
        if (!debug && (!started || finished || workbenchInternal)) {
          chatter.push(`[${String(type)}] ${line}`);
          return;
        }
        if (type === 'error' || type === 'warn') process.stderr.write(line + '\n');
        else process.stdout.write(line + '\n');
        if (END_MARKER.test(line)) finished = true;
      });
      void page.exposeFunction('codeAutomationExit', (code: unknown) => resolve(Number(code) || 0));
      timer = setTimeout(() => {
        console.error(`runExtensionTests: timed out after ${TIMEOUT_MS} ms; code-server log tail:\n${server!.logTail(40)}`);
        resolve(1);
      }, TIMEOUT_MS);
    });
    if (debug) page.on('console', (m) => process.stderr.write(`[browser ${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => process.stderr.write(`[browser pageerror] ${e.message}\n`));
    await page.goto(server.workspaceUrl(`payload=${encodeURIComponent(payload)}`));
    const code = await done;
    if (code !== 0 && !started && chatter.length) {
      console.error(`runExtensionTests: workbench output before the suite started:\n${chatter.slice(-60).join('\n')}`);
    }
    if (code !== 0 && !fs.readFileSync(server.logFile, 'utf8').includes('Loading development extension')) {
      console.error(`runExtensionTests: the development extension was never loaded; code-server log tail:\n${server.logTail(40)}`);
    }
    return code;
  } catch (e) {
    console.error(`runExtensionTests: ${(e as Error).stack ?? e}`);
    if (server) console.error(`code-server log tail:\n${server.logTail(40)}`);
    return 1;
  } finally {
    if (timer) clearTimeout(timer);
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }
}

async function main(): Promise<void> {
  const code = process.env.DNE_VSCODE === 'desktop' ? await runDesktop() : await runCodeServer();
  process.exit(code);
}

void main();
