import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { ESLint } from 'eslint';

const root = path.join(__dirname, '..', '..', '..');

describe('architecture', () => {
  test('the lint rule refuses vscode, dockerode and fs imports in src/model', async () => {
    const eslint = new ESLint({ cwd: root });
    const [result] = await eslint.lintText("import * as vscode from 'vscode';\nimport Docker from 'dockerode';\nimport { readFileSync } from 'node:fs';\nexport const x = [vscode, Docker, readFileSync];\n", {
      filePath: path.join(root, 'src/model/probe.ts'),
    });
    const restricted = result.messages.filter((m) => m.ruleId === 'no-restricted-imports');
    assert.equal(restricted.length, 3, JSON.stringify(result.messages));
  });

  for (const file of ['src/engine/x.ts', 'src/probe/x.ts', 'src/common/x.ts', 'src/engine/collectTopology.ts', 'src/cli.ts']) {
    test(`the lint rule refuses a vscode import in ${file} (the command-line tool shares it)`, async () => {
      const eslint = new ESLint({ cwd: root });
      const [result] = await eslint.lintText("import * as vscode from 'vscode';\nexport const x = vscode;\n", { filePath: path.join(root, file) });
      assert.deepEqual(result.messages.map((m) => m.ruleId), ['no-restricted-imports']);
    });
  }

  test('the lint rule refuses a function over 80 lines in src/ and webview/', async () => {
    const eslint = new ESLint({ cwd: root });
    const body = (count: number) => Array.from({ length: count }, (_, i) => `  total += ${i};`).join('\n');
    const source = (count: number) => `export function f(): number {\n  let total = 0;\n${body(count)}\n  return total;\n}\n`;
    for (const file of ['src/views/x.ts', 'webview/topology/x.ts']) {
      const [long] = await eslint.lintText(source(80), { filePath: path.join(root, file) });
      assert.deepEqual(long.messages.map((m) => m.ruleId), ['max-lines-per-function'], file);
      const [short] = await eslint.lintText(source(70), { filePath: path.join(root, file) });
      assert.deepEqual(short.messages, [], file);
    }
  });

  test('the whole source tree passes the lint rules', async () => {
    const eslint = new ESLint({ cwd: root });
    const results = await eslint.lintFiles(['src/**/*.ts', 'webview/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts']);
    const errors = results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${path.relative(root, r.filePath)}:${m.line} ${m.ruleId} ${m.message}`));
    assert.deepEqual(errors, []);
  });
});
