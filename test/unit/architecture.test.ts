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

  test('the whole source tree passes the lint rules', async () => {
    const eslint = new ESLint({ cwd: root });
    const results = await eslint.lintFiles(['src/**/*.ts', 'webview/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts']);
    const errors = results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${path.relative(root, r.filePath)}:${m.line} ${m.ruleId} ${m.message}`));
    assert.deepEqual(errors, []);
  });
});
