/**
 * Mocha runner for the extension host tier. VS Code (desktop via @vscode/test-electron, or
 * code-server via test/harness/runExtensionTests.ts) loads this module and awaits `run()`.
 * Loads every out/test/extension/**\/*.test.js, reports with 'spec', ends with the line
 * `extension: N passed, N failed` (parsed by scripts/test-all.sh) and rejects when any test failed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findTests(full));
    else if (entry.isFile() && entry.name.endsWith('.test.js')) out.push(full);
  }
  return out.sort();
}

function vscodeVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const vscode = require('vscode') as typeof import('vscode');
    return `${vscode.version}, ${vscode.env.appHost}${vscode.env.remoteName ? `, remote ${vscode.env.remoteName}` : ''}`;
  } catch {
    return 'unknown';
  }
}

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: Number(process.env.DNE_MOCHA_TIMEOUT_MS || 20_000),
    // One test or one suite while working on it: DNE_MOCHA_GREP='topology panel' npm run test:extension.
    ...(process.env.DNE_MOCHA_GREP ? { grep: process.env.DNE_MOCHA_GREP } : {}),
  });
  const files = findTests(__dirname);
  for (const f of files) mocha.addFile(f);

  console.log(`extension: starting mocha (${files.length} test files, VS Code ${vscodeVersion()})`);
  return new Promise((resolve, reject) => {
    if (files.length === 0) {
      console.log('extension: 0 passed, 1 failed');
      reject(new Error(`no *.test.js files under ${__dirname}`));
      return;
    }
    try {
      const runner = mocha.run((failures) => {
        const stats = runner.stats;
        const failed = stats?.failures ?? failures;
        const passed = stats?.passes ?? 0;
        console.log(`extension: ${passed} passed, ${failed} failed`);
        if (failures > 0) reject(new Error(`${failures} extension test(s) failed`));
        else resolve();
      });
    } catch (err) {
      console.log('extension: 0 passed, 1 failed');
      reject(err);
    }
  });
}
