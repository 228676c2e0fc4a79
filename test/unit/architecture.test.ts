import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { ESLint } from 'eslint';

const root = path.join(__dirname, '..', '..', '..');
const src = path.join(root, 'src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const file = path.join(folder, name);
    return statSync(file).isDirectory() ? sourceFiles(file) : file.endsWith('.ts') ? [file] : [];
  });
}

/** A room of src/: its top-level folder, or the top-level file itself (`sessionManager.ts` was one). */
function roomOf(file: string): string {
  return path.relative(src, file).split(path.sep)[0];
}

/** Which rooms each room imports (relative imports that stay inside src/), with one example each. */
function roomImports(): Map<string, Map<string, string>> {
  const rooms = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(src)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/(?:\bfrom|\bimport\s*\(?)\s*'(\.[^']+)'/g)) {
      const target = path.resolve(path.dirname(file), match[1]);
      if (!target.startsWith(src + path.sep)) {
        continue;
      }
      const [from, to] = [roomOf(file), roomOf(target.endsWith('.ts') || target.endsWith('.json') ? target : `${target}.ts`)];
      if (from !== to) {
        const imports = rooms.get(from) ?? new Map<string, string>();
        imports.set(to, `${path.relative(root, file)} -> ${match[1]}`);
        rooms.set(from, imports);
      }
    }
  }
  return rooms;
}

/** The rooms whose imports only run down (commands -> views -> session -> engine -> messages/model). */
const LAYERED_ROOMS = ['commands', 'views', 'cli', 'cli.ts', 'session', 'messages'];

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

  test('imports only run down: no room among commands, views, cli, session and messages imports a room that imports it back', () => {
    const rooms = roomImports();
    const both: string[] = [];
    for (const [from, imports] of rooms) {
      for (const [to, example] of imports) {
        const back = rooms.get(to)?.get(from);
        if (back && (LAYERED_ROOMS.includes(from) || LAYERED_ROOMS.includes(to))) {
          both.push(`${example}  and  ${back}`);
        }
      }
    }
    assert.deepEqual(both, []);
  });

  test('the message catalog sits at the bottom, beside the model: it imports nothing but the model', () => {
    const imports = [...(roomImports().get('messages') ?? new Map<string, string>()).entries()];
    assert.deepEqual(imports.filter(([to]) => to !== 'model'), []);
  });

  test('no file of commands, views, cli, session or messages shares its name with another file of src/', () => {
    const files = sourceFiles(src);
    const clashes = files
      .filter((file) => LAYERED_ROOMS.includes(roomOf(file)))
      .filter((file) => files.some((other) => other !== file && path.basename(other) === path.basename(file)))
      .map((file) => path.relative(root, file));
    assert.deepEqual(clashes, []);
  });
});

