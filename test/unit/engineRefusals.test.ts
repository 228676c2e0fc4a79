/**
 * The engine's refusals as Docker 20.10 (API 1.41) and Docker 28.5 (API 1.51) word them, recorded
 * from the real engines by scripts/recordEngineErrors.ts: each is recognised as the refusal it is
 * (so the user reads the sentence for it, not "the engine refused" and its raw text), with the
 * address or name it names when the message gives one.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { classifyOperationError } from '../../src/model/engineErrors';
import type { RecordedRefusal } from '../../scripts/recordEngineErrors';

const root = path.join(__dirname, '..', '..', '..');

for (const api of ['1.41', '1.51']) {
  const fixture = JSON.parse(readFileSync(path.join(root, 'test', 'fixtures', `engine-${api}`, 'engine-errors.json'), 'utf8')) as { recordedWith: { engine: string }; refusals: RecordedRefusal[] };
  describe(`engine refusals recorded from Docker ${fixture.recordedWith.engine} (API ${api})`, () => {
    test('the recording holds every refusal the recorder asks for', () => {
      const asked = [...readFileSync(path.join(root, 'scripts', 'recordEngineErrors.ts'), 'utf8').matchAll(/await refused\('([^']+)'/g)].map((match) => match[1]);
      assert.ok(asked.length >= 20, `${asked.length} refusals found in the recorder`);
      assert.deepEqual(fixture.refusals.map((refusal) => refusal.action), asked);
    });
    for (const refusal of fixture.refusals) {
      test(`${refusal.action}: ${refusal.expected}`, () => {
        const classified = classifyOperationError({ statusCode: refusal.statusCode, json: { message: refusal.message }, message: `(HTTP code ${refusal.statusCode}) ${refusal.message}` });
        assert.equal(classified.kind, refusal.expected, `"${refusal.message}"`);
        for (const [name, value] of Object.entries(classified.params)) {
          assert.ok(value.length > 0 && refusal.message.includes(value), `${name} "${value}" is taken from the message "${refusal.message}"`);
        }
      });
    }
  });
}
