/**
 * A helper capture refuses a bad value, or a filter tcpdump cannot compile, in the very sentence
 * the local capture says (captureMessages.ts), in English and in French: one wording per refusal,
 * whichever runner was chosen. Nothing reaches an engine: the checks run before any request.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { checkHelperFilter, HelperCaptureError } from '../../src/engine/captureHelper';
import type { ContainerRunApi } from '../../src/engine/engineApi';
import { captureIssueSentence, filterRefusedSentence } from '../../src/messages/captureMessages';
import { bundleTranslator, englishTranslator, type Translator } from '../../src/messages/translator';
import { captureSpecIssues } from '../../src/model/capture/spec';
import type { CaptureSpec } from '../../src/model/capture/types';

const root = path.join(__dirname, '..', '..', '..');
const french = bundleTranslator({
  ...(JSON.parse(readFileSync(path.join(root, 'l10n', 'fr', 'capture.json'), 'utf8')) as Record<string, string>),
  ...(JSON.parse(readFileSync(path.join(root, 'l10n', 'fr', 'captureHelper.json'), 'utf8')) as Record<string, string>),
});

/** An engine that fails the test if the helper path asks it anything. */
const untouchable = new Proxy({} as ContainerRunApi, {
  get: (_target, name) => {
    throw new Error(`the engine was asked for ${String(name)} before the spec was checked`);
  },
});

const spec = (extra: Partial<CaptureSpec>): CaptureSpec => ({ target: { kind: 'container', containerId: 'a'.repeat(64), containerName: 'web', interface: 'eth0' }, file: '/tmp/x.pcap', ...extra });

async function helperRefusal(bad: CaptureSpec, l10n: Translator): Promise<string> {
  const error = await checkHelperFilter(untouchable, bad, { image: 'local/tcpdump', engineLabel: 'test engine', l10n }).then(
    () => assert.fail('the helper path accepted it'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof HelperCaptureError, String(error));
  return error.message;
}

describe('a helper capture words its refusals as the local capture does', () => {
  const bad: Array<[string, CaptureSpec]> = [
    ['an interface of 16 bytes', spec({ target: { kind: 'container', containerId: 'a'.repeat(64), containerName: 'web', interface: 'é'.repeat(8) } })],
    ['a container id with a shell in it', spec({ target: { kind: 'container', containerId: 'web; rm -rf /', containerName: 'web' } })],
    ['a packet count of 0', spec({ count: 0 })],
    ['a duration of -1 s', spec({ durationSeconds: -1 })],
    ['a filter read as an option', spec({ filter: '-w /etc/passwd' })],
    ['a filter with a control character', spec({ filter: 'icmp\u0000' })],
  ];
  for (const [what, value] of bad) {
    test(`${what}: the same sentence, English and French`, async () => {
      const [issue] = captureSpecIssues(value);
      for (const l10n of [englishTranslator, french]) {
        assert.equal(await helperRefusal(value, l10n), captureIssueSentence(issue, l10n));
      }
      assert.notEqual(captureIssueSentence(issue, french), captureIssueSentence(issue, englishTranslator), 'French has the sentence');
    });
  }

  test("a filter the host's tcpdump cannot compile: the same sentence, with tcpdump's reason", async () => {
    const message = await helperRefusal(spec({ filter: 'icmp and hots 10.0.0.1' }), englishTranslator);
    const reason = /^tcpdump refuses this filter: (.+)$/.exec(message)?.[1];
    assert.match(reason ?? '', /syntax error/, message);
    assert.equal(message, filterRefusedSentence(reason!, englishTranslator));
  });
});
