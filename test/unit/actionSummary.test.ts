import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { ActionTexts, engineChanged, failureLogLines, summaryMessages } from '../../src/commands/actionSummary';
import type { StepOutcome } from '../../src/model/networkActions';

type Item = { name: string };
const label = (item: Item) => item.name;
const reason = (outcome: StepOutcome<Item>) => `why ${outcome.item.name}`;
const texts: ActionTexts = {
  allDone: (names) => `done: ${names}`,
  someFailed: (done, failed) => `${done} done, ${failed} failed`,
  partlyDone: (item, steps) => `${item} half done: ${steps}`,
};
const ok = (name: string, partial?: string[]): StepOutcome<Item> => ({ item: { name }, ok: true, partial });
const refused = (name: string): StepOutcome<Item> => ({ item: { name }, ok: false, issues: [{ code: 'nameTaken', field: 'name', params: {} }] });
const failed = (name: string, partial?: string[]): StepOutcome<Item> => ({
  item: { name },
  ok: false,
  error: { kind: 'hasActiveEndpoints', params: {}, engineMessage: `engine says no to ${name}` },
  partial,
});

describe('action summary', () => {
  test('the engine changed when an item was done or a failed one had done its first steps', () => {
    assert.equal(engineChanged([]), false);
    assert.equal(engineChanged([refused('a'), failed('b')]), false);
    assert.equal(engineChanged([failed('a', [])]), false);
    assert.equal(engineChanged([refused('a'), ok('b')]), true);
    assert.equal(engineChanged([failed('a', ['c1'])]), true);
  });

  test('all done: one information listing every item; nothing done and nothing failed: no message', () => {
    assert.deepEqual(summaryMessages([ok('a'), ok('b')], label, texts, reason), [{ severity: 'information', text: 'done: a, b' }]);
    assert.deepEqual(summaryMessages([], label, texts, reason), []);
  });

  test('the only item failed: its reason as an error', () => {
    assert.deepEqual(summaryMessages([failed('a')], label, texts, reason), [{ severity: 'error', text: 'why a' }]);
  });

  test('some failed: one modal warning with the counts and every item, done and failed with its reason', () => {
    const messages = summaryMessages([ok('a'), failed('b'), refused('c')], label, texts, reason);
    assert.deepEqual(messages, [{ severity: 'warning', text: '1 done, 2 failed', modal: { detail: '✓ a\n✗ b: why b\n✗ c: why c' } }]);
    const none = summaryMessages([failed('b'), refused('c')], label, texts, reason);
    assert.equal(none[0].text, '0 done, 2 failed');
  });

  test('partial results: a failed item whose first steps were done says what was done, after the summary', () => {
    const messages = summaryMessages([ok('a', ['x']), failed('b', ['c1', 'c2']), failed('c', [])], label, texts, reason);
    assert.deepEqual(
      messages.map((m) => [m.severity, m.text]),
      [
        ['warning', '1 done, 2 failed'],
        ['warning', 'b half done: c1, c2'],
      ],
    );
    const alone = summaryMessages([failed('b', ['c1'])], label, texts, reason);
    assert.deepEqual(alone.map((m) => m.text), ['why b', 'b half done: c1']);
    const silent = summaryMessages([failed('b', ['c1'])], label, { allDone: texts.allDone }, reason);
    assert.deepEqual(silent.map((m) => m.text), ['why b'], 'no partlyDone sentence: nothing more is said');
  });

  test('a one-item action (no someFailed sentence): a failure is an error with its reason', () => {
    const single: ActionTexts = { allDone: (name) => `created ${name}` };
    assert.deepEqual(summaryMessages([ok('n')], label, single, reason), [{ severity: 'information', text: 'created n' }]);
    assert.deepEqual(summaryMessages([refused('n')], label, single, reason), [{ severity: 'error', text: 'why n' }]);
  });

  test('an item the engine already was as asked is done without changing it; the summary says "already"', () => {
    const already: StepOutcome<Item> = { item: { name: 'c1 → lab' }, ok: true, already: true };
    assert.equal(engineChanged([already]), false, 'nothing changed: no settle');
    assert.equal(engineChanged([already, ok('c2 → lab')]), true);
    const withAlready = { ...texts, alreadyDone: (item: string) => `${item} (already)` };
    assert.deepEqual(summaryMessages([already, ok('c2 → lab')], label, withAlready, reason).map((m) => m.text), ['done: c1 → lab (already), c2 → lab']);
    const mixed = summaryMessages([already, failed('c3 → lab')], label, withAlready, reason);
    assert.equal(mixed[0].modal?.detail, '✓ c1 → lab (already)\n✗ c3 → lab: why c3 → lab');
  });

  test('items not sent after the engine stopped answering are logged as not sent, not with the first failure\'s message', () => {
    const gone = { kind: 'unreachable' as const, params: {}, engineMessage: 'connect ECONNREFUSED' };
    const lines = failureLogLines<Item>([{ item: { name: 'a' }, ok: false, error: gone }, { item: { name: 'b' }, ok: false, error: gone, notSent: true }], label);
    assert.deepEqual(lines, ['a: connect ECONNREFUSED', 'b: not sent: the engine had stopped answering']);
  });

  test('the log names each failed item with what the engine or the validation said', () => {
    assert.deepEqual(failureLogLines([ok('a'), failed('b'), refused('c'), { item: { name: 'd' }, ok: false }], label), [
      'b: engine says no to b',
      'c: nameTaken',
      'd: failed',
    ]);
  });
});
