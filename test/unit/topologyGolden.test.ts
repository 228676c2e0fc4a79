import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { GoldenCase, goldenCases, GOLDEN_PATH } from './topologyGoldenCases';

test('the generator writes exactly the recorded diagrams for the seed topology (golden file from scripts/recordTopologyGolden.ts)', () => {
  const recorded = (JSON.parse(readFileSync(GOLDEN_PATH, 'utf8')) as { cases: GoldenCase[] }).cases;
  const current = goldenCases();
  assert.deepEqual(
    current.map((c) => c.name),
    recorded.map((c) => c.name),
  );
  for (let i = 0; i < recorded.length; i++) {
    assert.deepEqual(current[i], recorded[i], recorded[i].name);
  }
});
