import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';

const root = path.join(__dirname, '..', '..', '..');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const file = path.join(folder, name);
    return statSync(file).isDirectory() ? sourceFiles(file) : file.endsWith('.ts') ? [file] : [];
  });
}

/** Every first argument of l10n.t(...) that is a string literal. */
function runtimeStrings(): Map<string, string> {
  const found = new Map<string, string>();
  const pattern = /l10n\.t\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;
  for (const file of sourceFiles(path.join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(pattern)) {
      // Unescape the literal the way TypeScript would (\' and \" and \\).
      const value = match[2].replace(/\\(['"`\\])/g, '$1').replace(/\\n/g, '\n');
      found.set(value, path.relative(root, file));
    }
  }
  return found;
}

function frenchBundle(): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const file of readdirSync(path.join(root, 'l10n', 'fr')).filter((f) => f.endsWith('.json'))) {
    Object.assign(merged, JSON.parse(readFileSync(path.join(root, 'l10n', 'fr', file), 'utf8')));
  }
  return merged;
}

describe('localization', () => {
  test('every runtime string has a French translation with the same placeholders', () => {
    const strings = runtimeStrings();
    const french = frenchBundle();
    assert.ok(strings.size > 20, `found only ${strings.size} strings: the extraction is broken`);
    const missing = [...strings.entries()].filter(([value]) => !(value in french)).map(([value, file]) => `${file}: ${value}`);
    assert.deepEqual(missing, [], 'strings without a French translation');
    for (const value of strings.keys()) {
      const placeholders = (text: string) => [...text.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort();
      assert.deepEqual(placeholders(french[value]), placeholders(value), `placeholders of "${value}"`);
    }
  });

  test('package.nls.fr.json translates every manifest string', () => {
    const english = JSON.parse(readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
    const french = JSON.parse(readFileSync(path.join(root, 'package.nls.fr.json'), 'utf8')) as Record<string, string>;
    assert.deepEqual(Object.keys(french).sort(), Object.keys(english).sort());
    const manifest = readFileSync(path.join(root, 'package.json'), 'utf8');
    for (const match of manifest.matchAll(/"%([\w.]+)%"/g)) {
      assert.ok(match[1] in english, `package.json uses %${match[1]}% which package.nls.json lacks`);
    }
  });
});
