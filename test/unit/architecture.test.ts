import { strict as assert } from 'node:assert';
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { ESLint } from 'eslint';
import { fileOf, layerOrder, roomImports, roomOf } from '../support/importRooms';

const root = path.join(__dirname, '..', '..', '..');
const src = path.join(root, 'src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const file = path.join(folder, name);
    return statSync(file).isDirectory() ? sourceFiles(file) : file.endsWith('.ts') ? [file] : [];
  });
}

describe('architecture', () => {
  test('the lint rule refuses vscode, dockerode and fs imports in src/model', async () => {
    const eslint = new ESLint({ cwd: root });
    const [result] = await eslint.lintText("import * as vscode from 'vscode';\nimport Docker from 'dockerode';\nimport { readFileSync } from 'node:fs';\nexport const x = [vscode, Docker, readFileSync];\n", {
      filePath: path.join(root, 'src/model/probe.ts'),
    });
    const restricted = result.messages.filter((m) => m.ruleId === 'no-restricted-imports');
    assert.equal(restricted.length, 3, JSON.stringify(result.messages));
  });

  for (const file of ['src/engine/x.ts', 'src/probe/x.ts', 'src/common/x.ts', 'src/messages/x.ts', 'src/engine/collectTopology.ts', 'src/cli.ts']) {
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

  test('imports only run down: no two rooms of src/ and webview/ import each other, no loop through several', () => {
    const arrows = roomImports(root);
    const { order, loops } = layerOrder(arrows);
    assert.deepEqual(loops.map((arrow) => `${arrow.from} -> ${arrow.to} (${arrow.example})`), [], `the rooms from the top down, as far as they are layered: ${order.join(' > ')}`);
    // The rooms the CLI and the extension both stand on sit below every VS Code room.
    const below = (upper: string, lower: string) => order.indexOf(upper) < order.indexOf(lower);
    for (const [upper, lower] of [['src/commands', 'src/views'], ['src/views', 'src/session'], ['src/session', 'src/engine'], ['src/engine', 'src/model'], ['src/cli', 'src/engine'], ['src/topologyPanel', 'src/engine']]) {
      assert.ok(below(upper, lower), `${upper} should be above ${lower}: ${order.join(' > ')}`);
    }
  });

  test('no import loop between files either (type imports included)', () => {
    const { loops } = layerOrder(roomImports(root, fileOf));
    assert.deepEqual(loops.map((arrow) => arrow.example), []);
  });

  test('the import check finds a loop when there is one (two rooms, and three)', () => {
    const arrow = (from: string, to: string) => ({ from, to, example: `${from} -> ${to}` });
    assert.deepEqual(layerOrder([arrow('a', 'b'), arrow('b', 'c')]), { order: ['a', 'b', 'c'], loops: [] });
    assert.deepEqual(layerOrder([arrow('a', 'b'), arrow('b', 'a'), arrow('c', 'a')]).loops.map((l) => l.example), ['a -> b', 'b -> a']);
    assert.deepEqual(layerOrder([arrow('a', 'b'), arrow('b', 'c'), arrow('c', 'a')]).loops.length, 3);
    // And it reads the real import statements (not only the arrows it is handed).
    assert.ok(roomImports(root).some((a) => a.from === 'webview' && a.to === 'src/topologyPanel'), 'the webview imports the panel protocol');
  });

  test('the message catalog sits at the bottom, beside the model: it imports nothing but the model', () => {
    const imports = roomImports(root).filter((arrow) => arrow.from === 'src/messages');
    assert.deepEqual(imports.filter((arrow) => arrow.to !== 'src/model').map((arrow) => arrow.example), []);
  });

  test('the lint rule refuses a file over 600 lines in src/ and webview/', async () => {
    const eslint = new ESLint({ cwd: root });
    const lines = (count: number) => Array.from({ length: count }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n';
    const [long] = await eslint.lintText(lines(601), { filePath: path.join(root, 'src/model/x.ts') });
    assert.deepEqual(long.messages.map((m) => m.ruleId), ['max-lines']);
    const [short] = await eslint.lintText(lines(600), { filePath: path.join(root, 'webview/topology/x.ts') });
    assert.deepEqual(short.messages, []);
  });

  test('no two rooms of src/ hold files of the same name', () => {
    const files = sourceFiles(src);
    const clashes = files
      .filter((file) => files.some((other) => path.basename(other) === path.basename(file) && roomOf(root, other) !== roomOf(root, file)))
      .map((file) => path.relative(root, file));
    assert.deepEqual(clashes, []);
  });
});
