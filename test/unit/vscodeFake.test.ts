/**
 * The VS Code fake itself (test/support/vscodeFake.ts): what the flow tests rely on (l10n.t, the
 * Memento, scripted message answers, the quick input driver recording what was offered), and that
 * it stays in the unit tier: no file of the extension, extension-host or e2e tiers imports it.
 */
import { fake, FakeMemento, resetVscodeFake, translate } from '../support/vscodeFake';
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeEach, describe, test } from 'node:test';
import * as vscode from 'vscode';

const REPO = path.join(__dirname, '..', '..', '..');

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    return entry.isDirectory() ? sources(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

beforeEach(() => resetVscodeFake());

describe('the VS Code fake', () => {
  test('require("vscode") is the fake here', () => {
    assert.equal(vscode.l10n.t('{0} of {1}', 2, 3), '2 of 3');
    assert.equal(typeof vscode.window.createQuickPick, 'function');
  });

  test('l10n.t: English, positional and named arguments, unknown placeholders kept', () => {
    assert.equal(translate('Network {0} created.', 'dev'), 'Network dev created.');
    assert.equal(translate('{name} on {network}', { name: 'c1', network: 'bnet' }), 'c1 on bnet');
    assert.equal(translate({ message: 'Remove {0}?', args: ['dev'], comment: ['a network'] } as { message: string; args: unknown[] }), 'Remove dev?');
    assert.equal(translate('keep {1}', 'only one'), 'keep {1}');
  });

  test('the Memento keeps copies, and undefined removes the key', async () => {
    const memento = new FakeMemento();
    const value = { list: ['a'] };
    await memento.update('k', value);
    value.list.push('b');
    assert.deepEqual(memento.get('k'), { list: ['a'] });
    assert.equal(memento.get('missing', 7), 7);
    await memento.update('k', undefined);
    assert.deepEqual(memento.keys(), []);
  });

  test('messages: recorded with modal, detail and buttons; the scripted answer is the button returned', async () => {
    fake.messageAnswers.push('Remove');
    const answer = await vscode.window.showWarningMessage('Remove dev?', { modal: true, detail: 'Gone for good.' }, 'Remove');
    assert.equal(answer, 'Remove');
    assert.deepEqual(fake.messages, [{ severity: 'warning', text: 'Remove dev?', modal: true, detail: 'Gone for good.', buttons: ['Remove'] }]);
    assert.equal(await vscode.window.showErrorMessage('No answer left', 'Retry'), undefined, 'no scripted answer: dismissed');
  });

  test('quick input: a prompt left unanswered is recorded and dismissed, a pick that matches nothing is a mismatch', async () => {
    assert.equal(await vscode.window.showInputBox({ prompt: 'Name?' }), undefined);
    assert.equal(fake.quickInput.problems.length, 1);
    assert.equal(fake.quickInput.problems[0].unanswered, true);
    fake.quickInput.script({ pick: 'nope' });
    assert.equal(await vscode.window.showQuickPick(['a', 'b'], { placeHolder: 'Which?' }), undefined);
    assert.match(fake.quickInput.offered[1].mismatch ?? '', /no item matches nope/);
    fake.quickInput.script({ pick: 'b' });
    assert.equal(await vscode.window.showQuickPick(['a', 'b']), 'b');
  });

  test('showInputBox: a value refused by validateInput is shown and not accepted', async () => {
    fake.quickInput.script({ type: 'bad' }, { type: 'good' });
    const value = await vscode.window.showInputBox({ validateInput: (text) => (text === 'bad' ? 'Not that one.' : undefined) });
    assert.equal(value, 'good');
    assert.deepEqual(fake.quickInput.offered[0].validation, [{ message: 'Not that one.', severity: 3 }]);
  });

  test('the clipboard and the commands', async () => {
    await vscode.env.clipboard.writeText('172.23.0.2');
    assert.equal(await vscode.env.clipboard.readText(), '172.23.0.2');
    const registration = vscode.commands.registerCommand('x.y', (n: number) => n + 1);
    assert.equal(await vscode.commands.executeCommand('x.y', 1), 2);
    registration.dispose();
    assert.equal(await vscode.commands.executeCommand('x.y', 1), undefined);
    assert.deepEqual(fake.executed.map((entry) => entry.command), ['x.y', 'x.y']);
  });

  test('only unit tests and the fake services import it (never src/, the extension host or e2e tiers)', () => {
    const importers = [...sources(path.join(REPO, 'src')), ...sources(path.join(REPO, 'test')), ...sources(path.join(REPO, 'webview')), ...sources(path.join(REPO, 'scripts'))]
      .filter((file) => /from '[./]*(?:support\/)?vscodeFake'/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(REPO, file).split(path.sep).join('/'));
    assert.ok(importers.length > 0);
    const outside = importers.filter((file) => !file.startsWith('test/unit/') && file !== 'test/support/fakeServices.ts');
    assert.deepEqual(outside, []);
  });
});
