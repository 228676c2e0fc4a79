/** The log channel every module writes to: hosts masked, one printable line, capped, whatever the caller passes. */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import type * as vscode from 'vscode';
import { ONE_LINE_MAX } from '../../src/model/safeText';
import { safeLog } from '../../src/safeLog';

function recordingChannel(): { channel: vscode.LogOutputChannel; lines: unknown[][] } {
  const lines: unknown[][] = [];
  const record = (...args: unknown[]) => void lines.push(args);
  const channel = { name: 'test', trace: record, debug: record, info: record, warn: record, error: record, appendLine: record, show: () => 'shown' };
  return { channel: channel as unknown as vscode.LogOutputChannel, lines };
}

describe('the log channel (safeLog)', () => {
  test('a renderError message with \\n, \\r or U+2028 stays on one line', () => {
    const { channel, lines } = recordingChannel();
    const log = safeLog(channel);
    log.error('topology: Mermaid could not render: boom\n2026-01-01 [info] forged\r[warn] forged too\u2028[error] and this');
    assert.equal(lines.length, 1);
    const [line] = lines[0] as string[];
    assert.ok(!/[\n\r\u2028\u2029]/.test(line), line);
    assert.ok(line.includes('boom↵2026-01-01 [info] forged'), line);
  });

  test('a 10 MB message is logged cut, with its length', () => {
    const { channel, lines } = recordingChannel();
    safeLog(channel).warn('x'.repeat(10_000_000));
    const [line] = lines[0] as string[];
    assert.ok(line.length < ONE_LINE_MAX + 40, String(line.length));
    assert.ok(line.endsWith('(10000000 characters)'), line.slice(-40));
  });

  test('a host with a password or a token is masked in messages and in arguments', () => {
    const { channel, lines } = recordingChannel();
    const log = safeLog(channel);
    log.info('engine tcp://u:p@ss@h:2376/?token=abc123 unreachable', 'tcp://a:s3cr3t@x:2375');
    assert.deepEqual(lines[0], ['engine tcp://u:***@h:2376/?token=*** unreachable', 'tcp://a:***@x:2375']);
  });

  test('an Error keeps its frames; its message is one masked line', () => {
    const { channel, lines } = recordingChannel();
    safeLog(channel).error('command failed:', new Error('connect tcp://u:s3cr3t@h:2376\n[error] forged'));
    const error = lines[0][1] as Error;
    assert.ok(error instanceof Error);
    assert.equal(error.message, 'connect tcp://u:***@h:2376↵[error] forged');
    const stack = error.stack!.split('\n');
    assert.equal(stack[0], 'Error: connect tcp://u:***@h:2376↵[error] forged');
    assert.ok(stack.length > 1 && stack.slice(1).every((frame) => /^\s+at /.test(frame)), error.stack);
    assert.ok(!error.stack!.includes('s3cr3t'));
  });

  test('everything else is the channel itself', () => {
    const { channel } = recordingChannel();
    const log = safeLog(channel);
    assert.equal(log.name, 'test');
    assert.equal(log.show(), 'shown' as unknown as void);
  });
});
