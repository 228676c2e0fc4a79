/**
 * The doctor's reading of native nftables tables (Docker 29's nftables backend, firewalld, a hand-made
 * table), on `nft -j list ruleset` recorded from the real kernel around dropped pings
 * (test/fixtures/nftables-1.0/docker-bridges.json, scripts/recordNftablesFixtures.ts): the rule whose
 * counter grew is named with its table, family and chain, in nft's own words, and its fix deletes it
 * by handle; iptables-nft's tables are left to iptables-nft-save.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { deleteCommand, droppedBetween, parseNftRuleset } from '../../src/model/reachability/packetFilter';
import { FIXTURES_FOLDER } from '../support/fixtures';

interface Recorded {
  interfaces: { source: string; target: string };
  before: unknown;
  afterRawDrop: unknown;
  rawDeleted: unknown;
  afterForwardDrop: unknown;
}
const recorded = JSON.parse(readFileSync(path.join(FIXTURES_FOLDER, 'nftables-1.0', 'docker-bridges.json'), 'utf8')) as Recorded;
const read = (ruleset: unknown, skipIptablesTables = true) => parseNftRuleset(JSON.stringify(ruleset), { skipIptablesTables });
const bridges = [recorded.interfaces.source, recorded.interfaces.target];

test('the raw-table drop Docker 29 writes between networks is named: table, family, chain, nft words, packets', () => {
  const drops = droppedBetween(read(recorded.before), read(recorded.afterRawDrop), bridges);
  assert.equal(drops.length, 1, JSON.stringify(drops));
  const [drop] = drops;
  assert.deepEqual([drop.table, drop.chain, drop.target, drop.packets, drop.nftables?.family], ['docker-bridges', 'raw-PREROUTING', 'DROP', 2, 'ip']);
  assert.equal(drop.rule, 'ip daddr 10.251.2.2 iifname != "rb" counter drop comment "DROP DIRECT ACCESS"');
  assert.equal(drop.family, undefined, 'an ip table is IPv4');
});

test('the fix deletes the rule by its handle, in its family and table', () => {
  const [drop] = droppedBetween(read(recorded.before), read(recorded.afterRawDrop), bridges);
  const command = deleteCommand(drop);
  assert.deepEqual(command?.slice(0, 6), ['nft', 'delete', 'rule', 'ip', 'docker-bridges', 'raw-PREROUTING']);
  assert.equal(command?.[6], 'handle');
  assert.match(command?.[7] ?? '', /^\d+$/);
  // The handle is the one the recorder deleted: the rule is gone from the next reading.
  assert.ok(!read(recorded.rawDeleted).some((rule) => rule.nftables?.handle === Number(command?.[7])));
});

test('a drop in a per-bridge chain (filter-forward-in__<bridge>) counts for that bridge, though the rule names no interface', () => {
  const drops = droppedBetween(read(recorded.rawDeleted), read(recorded.afterForwardDrop), bridges);
  assert.deepEqual(
    drops.map((drop) => [drop.chain, drop.rule, drop.packets]),
    [['filter-forward-in__rb', 'counter drop comment "UNPUBLISHED PORT DROP"', 2]],
  );
  // Off the path (another pair of bridges), the same drop is not the probe's.
  assert.deepEqual(droppedBetween(read(recorded.rawDeleted), read(recorded.afterForwardDrop), ['br-other']), []);
});

test("iptables-nft's own tables are left to iptables-nft-save when it was read, and read otherwise", () => {
  const skipped = read(recorded.afterForwardDrop);
  assert.ok(!skipped.some((rule) => rule.table === 'filter'), 'ip filter is iptables-nft\'s');
  const all = read(recorded.afterForwardDrop, false);
  const forward = all.find((rule) => rule.table === 'filter' && rule.chain === 'FORWARD');
  assert.equal(forward?.target, 'ACCEPT');
  assert.deepEqual(forward?.interfaces, ['rb']);
});

test('accepting rules and rules without a counter are never a drop; unreadable JSON reads as nothing', () => {
  const rules = read(recorded.afterForwardDrop);
  assert.ok(rules.some((rule) => rule.rule === 'ct state established,related counter accept'), JSON.stringify(rules.map((rule) => rule.rule)));
  assert.ok(!rules.some((rule) => rule.chain === 'filter-FORWARD'), 'the vmap rule has no counter');
  assert.deepEqual(parseNftRuleset('not json', { skipIptablesTables: true }), []);
  assert.deepEqual(parseNftRuleset('{"nftables": [{"rule": {"family": "ip"}}, null, 3]}', { skipIptablesTables: true }), []);
});
