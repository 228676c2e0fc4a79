import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { oneLine, printable, shellCommand, shellQuote } from '../../src/model/safeText';

describe('safeText', () => {
  test('printable drops terminal escapes and carriage returns, keeps tabs and newlines', () => {
    assert.equal(printable('a\u001b[31mred\u001b[0m\tb\nc\rd'), 'a\ufffd[31mred\ufffd[0m\tb\ncd');
    assert.equal(printable('\u202eevil'), '\ufffdevil');
  });

  test('oneLine cannot forge a second log line and is capped', () => {
    assert.equal(oneLine('first\nsecond\r\nthird\u2028fourth'), 'first↵second↵third↵fourth');
    const long = oneLine('x'.repeat(10_000_000), 100);
    assert.equal(long.length < 200, true);
    assert.match(long, /… \(10000000 characters\)$/);
  });

  test('shellQuote: a POSIX shell reads every argument back exactly (checked with /bin/sh)', () => {
    const hostile = ['plain', 'with space', "it's", 'block; curl x|sh #', '$(id)', '`id`', '', '-A', 'a\\b', '*', '~root'];
    const printed = shellCommand(['printf', '%s\\0', ...hostile]);
    const out = execFileSync('/bin/sh', ['-c', printed], { encoding: 'utf8' });
    assert.deepEqual(out.split('\0').slice(0, -1), hostile);
    assert.equal(shellQuote('docker'), 'docker');
    assert.equal(shellQuote('block; curl x|sh #'), `'block; curl x|sh #'`);
  });
});
