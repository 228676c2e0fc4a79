/**
 * The helper observation level's sentences, as the user reads them: each refusal names the engine,
 * says why and what stays drawn (and what the user can do); each failure carries the engine's own
 * words on one line (the refusal recorded from a real userns-remap engine) and, for a missing image,
 * the exact pull command and the setting. The French bundle (l10n/fr/helperObservation.json) has
 * every sentence with the same placeholders, and nothing else.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { HELPER_OBSERVATION_IMAGE_SETTING, helperFailureText, helperRefusalText, type HelperFailure } from '../../src/messages/helperObservationMessages';
import { bundleTranslator, englishTranslator, type Translator } from '../../src/messages/translator';
import type { HelperRefusal } from '../../src/model/helperRefusal';

const root = path.join(__dirname, '..', '..', '..');
const french = JSON.parse(readFileSync(path.join(root, 'l10n', 'fr', 'helperObservation.json'), 'utf8')) as Record<string, string>;
const inFrench = bundleTranslator(french);

/** The engine's answer to the helper's create request, recorded from Docker 28.5 with --userns-remap. */
const recordedRefusal = (JSON.parse(readFileSync(path.join(root, 'test', 'fixtures', 'helper-refusal', 'docker-28.5-userns-remap.json'), 'utf8')) as {
  helperRun: { answer: { message: string } };
}).helperRun.answer.message;

const REFUSALS: HelperRefusal[] = ['rootless', 'usernsRemap', 'windows', 'notLinux', 'podmanRootless'];
const FAILURES: HelperFailure[] = ['imageMissing', 'refused', 'failed', 'timeout', 'lost'];
const ENGINE = 'Docker 28.5.2 on ssh://builder';
const IMAGE = 'local/busybox:latest';

/** A translator that remembers every source sentence it was asked for. */
function recorder(): Translator & { asked: Set<string> } {
  const asked = new Set<string>();
  return { asked, t: (message: string) => (asked.add(message), message) };
}

function askEverything(l10n: Translator): void {
  REFUSALS.forEach((refusal) => helperRefusalText(refusal, ENGINE, l10n));
  for (const failure of FAILURES) {
    helperFailureText(failure, { image: IMAGE, engineLabel: ENGINE }, l10n);
    helperFailureText(failure, { image: IMAGE, engineLabel: ENGINE, engineMessage: recordedRefusal }, l10n);
  }
}

const placeholders = (text: string) => [...text.matchAll(/\{\w+\}/g)].map((m) => m[0]).sort();

describe('helper observation sentences (English)', () => {
  test('every refusal names the engine, says the drawing stays inferred, and differs from the others', () => {
    const texts = REFUSALS.map((refusal) => helperRefusalText(refusal, ENGINE, englishTranslator));
    for (const text of texts) {
      assert.ok(text.includes(ENGINE), text);
      assert.match(text, /^No helper container is run on the engine /);
      assert.match(text, /The drawing stays inferred from the Engine API/);
    }
    assert.equal(new Set(texts).size, REFUSALS.length);
  });

  test('each refusal says its own reason and what the user can do', () => {
    const say = (refusal: HelperRefusal) => helperRefusalText(refusal, ENGINE, englishTranslator);
    assert.match(say('usernsRemap'), /userns-remap.*--userns=host.*opts out of the remapping the administrator chose/);
    assert.match(say('rootless'), /runs rootless.*RootlessKit.*A rootful engine on that host can be observed/);
    assert.match(say('podmanRootless'), /rootless Podman.*as the user who runs Podman reads its namespaces without root/);
    assert.match(say('windows'), /Windows containers.*switching to Linux containers/);
    assert.match(say('notLinux'), /not Linux/);
  });

  test('a missing image: the exact pull command for that engine\'s command line, and the setting', () => {
    const docker = helperFailureText('imageMissing', { image: IMAGE, engineLabel: ENGINE }, englishTranslator);
    assert.equal(docker, `The engine ${ENGINE} has no image ${IMAGE}, and nothing is pulled without asking. Run docker pull ${IMAGE} on that engine (or load the image there), or set ${HELPER_OBSERVATION_IMAGE_SETTING} to an image with busybox that it has.`);
    assert.equal(HELPER_OBSERVATION_IMAGE_SETTING, 'dockerNetworks.helper.image');
    const podman = helperFailureText('imageMissing', { image: IMAGE, engineLabel: 'Podman 4.3.1', cli: 'podman' }, englishTranslator);
    assert.match(podman, /Run podman pull local\/busybox:latest on that engine/);
    // An image name a shell would read otherwise is quoted, so the command can be pasted as it is.
    assert.match(helperFailureText('imageMissing', { image: 'a b', engineLabel: ENGINE }, englishTranslator), /Run docker pull 'a b' on that engine/);
  });

  test('a refusal by the engine quotes its words (recorded from Docker 28.5 with --userns-remap)', () => {
    const text = helperFailureText('refused', { image: IMAGE, engineLabel: ENGINE, engineMessage: recordedRefusal }, englishTranslator);
    assert.ok(text.startsWith(`The engine ${ENGINE} refused the helper container: ${recordedRefusal}. A policy there`), text);
    assert.match(text, /its administrator decides/);
    const wordless = helperFailureText('refused', { image: IMAGE, engineLabel: ENGINE, engineMessage: '  ' }, englishTranslator);
    assert.ok(wordless.startsWith(`The engine ${ENGINE} refused the helper container. A policy there`), wordless);
  });

  test('the engine\'s words are shown on one line, without control characters, and capped', () => {
    const text = helperFailureText('failed', { image: IMAGE, engineLabel: ENGINE, engineMessage: 'line one\nline two\u001b[31m' + 'x'.repeat(5_000) }, englishTranslator);
    assert.ok(!/[\n\u001b]/.test(text), text.slice(0, 200));
    // safeText's oneLine: a newline shows as ↵, another control character as U+FFFD, a long text is cut.
    assert.match(text, /failed: line one↵line two\ufffd\[31mx+… \(5022 characters\)\. The drawing/);
    assert.ok(text.length < 800, `${text.length} characters`);
  });

  test('timeout and lost name the engine and say what happens to the helper', () => {
    assert.match(helperFailureText('timeout', { image: IMAGE, engineLabel: ENGINE }, englishTranslator), /did not answer in time and is removed/);
    assert.match(helperFailureText('lost', { image: IMAGE, engineLabel: ENGINE }, englishTranslator), /removed at the next start on that engine/);
  });
});

describe('helper observation sentences (French)', () => {
  test('l10n/fr/helperObservation.json has every sentence, with the same placeholders, and nothing else', () => {
    const asked = recorder();
    askEverything(asked);
    assert.equal(asked.asked.size, 12);
    for (const sentence of asked.asked) {
      assert.ok(sentence in french, `no French for: ${sentence}`);
      assert.deepEqual(placeholders(french[sentence]), placeholders(sentence), `placeholders of "${sentence}"`);
    }
    assert.deepEqual(Object.keys(french).filter((key) => !asked.asked.has(key)), []);
  });

  test('in French, the sentences are French, with the engine, the engine\'s words and the command filled in', () => {
    const refusal = helperRefusalText('usernsRemap', ENGINE, inFrench);
    assert.equal(refusal.split('\u00a0:')[0], `Aucun conteneur auxiliaire n’est lancé sur le moteur ${ENGINE}`);
    assert.match(refusal, /--userns=host/);
    const refused = helperFailureText('refused', { image: IMAGE, engineLabel: ENGINE, engineMessage: recordedRefusal }, inFrench);
    assert.ok(refused.startsWith(`Le moteur ${ENGINE} a refusé le conteneur auxiliaire\u00a0: ${recordedRefusal}.`), refused);
    const missing = helperFailureText('imageMissing', { image: IMAGE, engineLabel: ENGINE }, inFrench);
    assert.match(missing, new RegExp(`Lancez docker pull ${IMAGE} sur ce moteur.*${HELPER_OBSERVATION_IMAGE_SETTING.replace(/\./g, '\\.')}`));
    for (const failure of FAILURES) {
      const text = helperFailureText(failure, { image: IMAGE, engineLabel: ENGINE }, inFrench);
      assert.notEqual(text, helperFailureText(failure, { image: IMAGE, engineLabel: ENGINE }, englishTranslator), failure);
      assert.ok(text.includes(ENGINE), failure);
    }
  });
});
