/**
 * The message catalog (src/messages/) tied to its bundles: every sentence it says has its French
 * translation with the same placeholders, the engine causes are the welcome view's sentences
 * (package.nls*.json), and the command line and the extension say the same words.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { UnreachableCause } from '../../src/model/engineErrors';
import { ENGLISH_OVERVIEW_LABELS } from '../../src/model/topology/overview';
import { diagramLabels, ENGLISH_LABELS, levelLine, overviewCaption, overviewLabels, webviewStrings } from '../../src/messages/diagramLabels';
import { CHECK_KINDS, ENGINE_VALUE_KINDS, FIXES, NOTES, OBSERVATION_REASONS, OUTCOMES, RULES } from '../../src/messages/reachMessages';
import { tlsFailureMessage } from '../../src/messages/tlsErrorMessages';
import { bundleTranslator, cliTranslator, englishTranslator, Translator } from '../../src/messages/translator';
import { causeSentence, unreachableCauseSentence } from '../../src/messages/unreachableMessages';
import type { TlsCheck } from '../../src/model/tlsFailure';
import type { ProbeLevel, ProbeReason } from '../../src/model/topology/facts';

const root = path.join(__dirname, '..', '..', '..');
const json = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Record<string, string>;

function frenchBundle(): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const file of readdirSync(path.join(root, 'l10n', 'fr')).filter((name) => name.endsWith('.json'))) {
    Object.assign(merged, json(path.join('l10n', 'fr', file)));
  }
  return merged;
}

/** A translator that remembers every source sentence it was asked for. */
function recorder(): Translator & { asked: Set<string> } {
  const asked = new Set<string>();
  return { asked, t: (message: string) => (asked.add(message), message) };
}

const placeholders = (text: string) => [...text.matchAll(/\{\w+\}/g)].map((m) => m[0]).sort();

const CAUSES: UnreachableCause[] = ['socketMissing', 'permissionDenied', 'refused', 'timeout', 'tls', 'ssh', 'badHost', 'unknownContext', 'other'];
const TLS_CHECKS: TlsCheck[] = ['unknownCa', 'hostName', 'expired', 'clientCert', 'plainToTls', 'tlsToPlain', 'certFile', 'certFileUnreadable'];
const LEVELS: Array<[ProbeLevel, ProbeReason]> = [
  ['netns', 'full'],
  ['sysfs', 'noIpTool'],
  ['sysfs', 'limitedByOption'],
  ['sysfs', 'notRoot'],
  ['api', 'remoteEngine'],
  ['api', 'notLinux'],
  ['api', 'noSysfs'],
  ['api', 'limitedByOption'],
];

/** Asks every enumerable table and function of the catalog once, through `l10n`. */
function askEverything(l10n: Translator): void {
  for (const table of [RULES, FIXES, NOTES]) {
    Object.values(table).forEach((sentence) => sentence({}, l10n));
  }
  for (const table of [OBSERVATION_REASONS, OUTCOMES, CHECK_KINDS, ENGINE_VALUE_KINDS]) {
    Object.values(table).forEach((word) => word(l10n));
  }
  CAUSES.forEach((cause) => unreachableCauseSentence(cause, l10n));
  TLS_CHECKS.forEach((check) => tlsFailureMessage({ check, file: 'f' }, l10n));
  tlsFailureMessage({ check: 'clientCert' }, l10n);
  diagramLabels(l10n);
  overviewLabels(l10n);
  webviewStrings(l10n);
  LEVELS.forEach(([level, reason]) => levelLine(level, reason, l10n));
}

describe('message catalog', () => {
  test('every sentence of the catalog has a French translation with the same placeholders', () => {
    const asked = recorder();
    askEverything(asked);
    const french = frenchBundle();
    assert.ok(asked.asked.size > 100, `asked only ${asked.asked.size} sentences`);
    for (const sentence of asked.asked) {
      assert.ok(sentence in french, `no French for: ${sentence}`);
      assert.deepEqual(placeholders(french[sentence]), placeholders(sentence), `placeholders of "${sentence}"`);
    }
  });

  test('every l10n.t literal under src/messages has a French translation with the same named and numbered placeholders', () => {
    const french = frenchBundle();
    const folder = path.join(root, 'src', 'messages');
    const pattern = /l10n\.t\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;
    let count = 0;
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.ts'))) {
      for (const match of readFileSync(path.join(folder, file), 'utf8').matchAll(pattern)) {
        const sentence = match[2].replace(/\\(['"`\\])/g, '$1').replace(/\\n/g, '\n');
        count++;
        assert.ok(sentence in french, `${file}: no French for: ${sentence}`);
        assert.deepEqual(placeholders(french[sentence]), placeholders(sentence), `${file}: placeholders of "${sentence}"`);
      }
    }
    assert.ok(count > 150, `found only ${count} sentences: the extraction is broken`);
  });

  test('the engine causes are the welcome view\'s sentences, in English and in French', () => {
    const english = json('package.nls.json');
    const french = json('package.nls.fr.json');
    const inFrench = bundleTranslator(frenchBundle());
    for (const cause of CAUSES) {
      const key = `welcome.unreachable.${cause}`;
      assert.equal(unreachableCauseSentence(cause, englishTranslator), english[key].split('\n')[0], key);
      assert.equal(unreachableCauseSentence(cause, inFrench), french[key].split('\n')[0], `${key} (fr)`);
      // The command line's French bundle carries them too.
      assert.equal(causeSentence(cause, 'fr'), french[key].split('\n')[0].replace(/`/g, ''), `${key} (cli fr)`);
    }
  });

  test('the overview\'s status line says what is drawn, why and how to see the plumbing, in English and in French', () => {
    const byNetworks = { kind: 'networks' as const, count: 101, limit: 12 };
    assert.equal(
      overviewCaption(byNetworks, englishTranslator),
      "Overview: one box per network, because the host has more than 12 networks (101). Click a box to open that network's plumbing: its bridge, veth pairs and namespaces.",
    );
    assert.match(overviewCaption({ kind: 'containers', count: 150, limit: 20 }, englishTranslator), /^Overview: one box per network, because the host has more than 20 containers \(150\)\./);
    const inFrench = overviewCaption(byNetworks, bundleTranslator(frenchBundle()));
    assert.match(inFrench, /^Vue d’ensemble\u00a0: une boîte par réseau, car l’hôte a plus de 12\u00a0réseaux \(101\)\. Cliquez sur une boîte/);
  });

  test('the command line translates what the extension translates, with vscode.l10n\'s formatting', () => {
    const failure = { check: 'certFile' as const, file: '/x/ca.pem' };
    assert.equal(tlsFailureMessage(failure, cliTranslator('fr')), tlsFailureMessage(failure, bundleTranslator(frenchBundle())));
    assert.equal(englishTranslator.t('{0} and {1}', 'a', 'b'), 'a and b');
    assert.equal(englishTranslator.t('{from} to {to}', { from: 'a' }), 'a to {to}');
    assert.equal(englishTranslator.t('{0} more'), '{0} more');
  });

  test('the English labels are the catalog\'s, and the model\'s English overview words are the catalog\'s', () => {
    assert.deepEqual(ENGLISH_LABELS, diagramLabels(englishTranslator));
    assert.deepEqual(overviewLabels(englishTranslator), ENGLISH_OVERVIEW_LABELS);
  });
});
