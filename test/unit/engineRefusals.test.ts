/**
 * The engine's refusals as Docker 20.10 (API 1.41) and Docker 28.5 (API 1.51) word them, recorded
 * from the real engines by scripts/recordEngineErrors.ts, and as Podman 4.3 words them through its
 * Docker-compatible API (scripts/recordPodmanErrors.ts): each is recognised as the refusal it is
 * (so the user reads the sentence for it, not "the engine refused" and its raw text), with the
 * address or name it names when the message gives one.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { classifyOperationError } from '../../src/model/engineErrors';
import type { RecordedRefusal } from '../../scripts/recordEngineErrors';
import { operationErrorMessage } from '../../src/messages/engineErrorMessages';
import { cliTranslator } from '../../src/messages/translator';

const english = cliTranslator('en');

const root = path.join(__dirname, '..', '..', '..');

/** Docker's recordings (by API version) and Podman's (through its Docker-compatible API), each with the script that made it. */
const RECORDINGS = [
  { folder: 'engine-1.41', recorder: 'recordEngineErrors.ts', atLeast: 20 },
  { folder: 'engine-1.51', recorder: 'recordEngineErrors.ts', atLeast: 20 },
  { folder: 'podman-4.3', recorder: 'recordPodmanErrors.ts', atLeast: 18 },
];

for (const { folder, recorder, atLeast } of RECORDINGS) {
  const fixture = JSON.parse(readFileSync(path.join(root, 'test', 'fixtures', folder, 'engine-errors.json'), 'utf8')) as { recordedWith: { engine: string }; refusals: RecordedRefusal[] };
  describe(`engine refusals recorded from ${/^Podman/.test(fixture.recordedWith.engine) ? '' : 'Docker '}${fixture.recordedWith.engine} (${folder})`, () => {
    test('the recording holds every refusal the recorder asks for', () => {
      const asked = [...readFileSync(path.join(root, 'scripts', recorder), 'utf8').matchAll(/await refused\('([^']+)'/g)].map((match) => match[1]);
      assert.ok(asked.length >= atLeast, `${asked.length} refusals found in the recorder`);
      assert.deepEqual(fixture.refusals.map((refusal) => refusal.action), asked);
    });
    for (const refusal of fixture.refusals) {
      test(`${refusal.action}: ${refusal.expected}`, () => {
        const classified = classifyOperationError({ statusCode: refusal.statusCode, json: { message: refusal.message }, message: `(HTTP code ${refusal.statusCode}) ${refusal.message}` });
        assert.equal(classified.kind, refusal.expected, `"${refusal.message}"`);
        for (const [name, value] of Object.entries(classified.params)) {
          assert.ok(value.length > 0 && refusal.message.includes(value), `${name} "${value}" is taken from the message "${refusal.message}"`);
        }
        // The user reads the sentence for this refusal, never the engine's raw text behind "The engine refused".
        const sentence = operationErrorMessage(classified, english);
        assert.ok(!sentence.startsWith('The engine refused'), sentence);
        assert.ok(!sentence.includes(refusal.message), `the sentence is ours, not the engine's: ${sentence}`);
      });
    }
  });
}
