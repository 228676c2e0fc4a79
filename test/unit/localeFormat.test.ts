import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { formatAgo, formatDateTime, formatDuration, isSingular } from '../../src/common/localeFormat';

describe('locale formats', () => {
  test('singular and plural follow the language: English 1, French 0 and 1', () => {
    assert.deepEqual([0, 1, 2].map((n) => isSingular('en', n)), [false, true, false]);
    assert.deepEqual([0, 1, 2].map((n) => isSingular('fr', n)), [true, true, false]);
    assert.equal(isSingular('not a locale!', 1), true);
  });

  test('dates are written the way the UI language writes them', () => {
    const date = new Date(2026, 10, 25, 19, 27, 25);
    const french = formatDateTime('fr', date);
    assert.match(french, /^25 nov\. 2026/);
    assert.match(french, /19:27:25/);
    assert.doesNotMatch(french, /PM|11\/25/);
    assert.match(formatDateTime('en', date), /Nov 25, 2026.*7:27:25\sPM/);
  });

  test('durations and "ago" in words, with the right unit and plural', () => {
    assert.equal(formatDuration('en', 1_000), '1 second');
    assert.equal(formatDuration('en', 5 * 60_000 + 3_000), '5 minutes');
    assert.equal(formatDuration('en', 60 * 60_000), '1 hour');
    assert.equal(formatDuration('fr', 3 * 86_400_000), '3\u00a0jours');
    assert.equal(formatAgo('en', 5 * 60_000), '5 minutes ago');
    assert.equal(formatAgo('fr', 5 * 60_000), 'il y a 5 minutes');
    assert.equal(formatAgo('en', 200), 'now');
  });
});
