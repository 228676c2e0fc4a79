import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';

const root = path.join(__dirname, '..', '..', '..');

/** Every French string the user can see: the runtime bundle parts and the manifest's. */
function frenchStrings(): { file: string; key: string; value: string }[] {
  const files = [
    ...readdirSync(path.join(root, 'l10n', 'fr')).filter((f) => f.endsWith('.json')).map((f) => path.join('l10n', 'fr', f)),
    'package.nls.fr.json',
  ];
  return files.flatMap((file) =>
    Object.entries(JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Record<string, string>).map(([key, value]) => ({ file, key, value })),
  );
}

describe('French typography', () => {
  test('a no-break space (U+00A0) comes before every ":", ";", "!" and "?" used as punctuation', () => {
    const strings = frenchStrings();
    assert.ok(strings.length > 100, `found only ${strings.length} strings`);
    // Punctuation: the mark ends the text or a whitespace follows it ("unix://", "container:x",
    // "--link a:b" and "{0}/{1}" are not punctuation).
    const wrong = strings.flatMap(({ file, key, value }) =>
      [...value.matchAll(/(.)([:;!?])(?=\s|$)/gu)].filter((m) => m[1] !== '\u00a0').map((m) => `${file}: "${key}" has "${m[1]}${m[2]}" in "${value}"`),
    );
    assert.deepEqual(wrong, []);
  });

  test('no ordinary or narrow space is left before that punctuation either', () => {
    const wrong = frenchStrings().filter(({ value }) => /[ \u202f][:;!?](?=\s|$)/u.test(value));
    assert.deepEqual(wrong.map(({ file, key }) => `${file}: ${key}`), []);
  });
});
