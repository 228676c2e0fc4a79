/** Every French runtime string translates a string the code still uses (no dead translations). */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.join(__dirname, '..', '..', '..');

test('no French string in l10n/fr translates an English string the code no longer has', () => {
  const files = execFileSync('git', ['ls-files', 'src', 'webview'], { cwd: root, encoding: 'utf8' }).split('\n').filter((f) => f.endsWith('.ts'));
  const code = files.map((file) => readFileSync(path.join(root, file), 'utf8')).join('\n');
  const unused: string[] = [];
  for (const file of readdirSync(path.join(root, 'l10n', 'fr')).filter((name) => name.endsWith('.json'))) {
    for (const key of Object.keys(JSON.parse(readFileSync(path.join(root, 'l10n', 'fr', file), 'utf8')) as Record<string, string>)) {
      const forms = [key, JSON.stringify(key).slice(1, -1), key.replace(/'/g, "\\'")];
      if (!forms.some((form) => code.includes(form))) {
        unused.push(`${file}: ${key}`);
      }
    }
  }
  assert.deepEqual(unused, []);
});
