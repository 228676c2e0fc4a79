/** The `traffic` command's grammar and its table, without an engine (the engine tier runs it for real). */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { runCli } from '../../src/cli';
import { parseCommandLine, UsageError } from '../../src/cli/arguments';
import { trafficText } from '../../src/cli/traffic';
import { cliTranslator } from '../../src/messages/translator';
import type { TrafficPlan } from '../../src/model/traffic/plan';
import type { TrafficReport } from '../../src/model/traffic/types';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('traffic on the command line', () => {
  test('defaults: one second, a table, the whole host', () => {
    assert.deepEqual(parseCommandLine(['traffic']), { command: 'traffic', network: undefined, container: undefined, intervalSeconds: 1, format: 'text', host: undefined, context: undefined });
    const parsed = parseCommandLine(['traffic', '--network=dev', '--interval', '2.5', '--format', 'json']);
    assert.equal(parsed.command === 'traffic' && parsed.intervalSeconds, 2.5);
  });

  for (const [argv, sentence] of [
    [['traffic', '--interval', '0'], /--interval takes a number of seconds from 0\.1 to 3600, not "0"\./],
    [['traffic', '--interval', '1e3'], /not "1e3"/],
    [['traffic', '--interval', '-1'], /--interval/],
    [['traffic', '--format', 'mermaid'], /--format takes text or json, not "mermaid"\./],
    [['traffic', '--network', 'a', '--container', 'b'], /--network and --container cannot be used together\./],
    [['traffic', '--level', 'api'], /--level is not an option of traffic\./],
    [['traffic', 'extra'], /unexpected argument "extra"\./],
    [['diagram', '--interval', '1'], /--interval is an option of traffic, not of diagram\./],
  ] as Array<[string[], RegExp]>) {
    test(`${argv.join(' ')}: a usage error that says why, exit 2, nothing on stdout`, async () => {
      assert.throws(() => parseCommandLine(argv), UsageError);
      const { code, out, err } = await run(argv);
      assert.equal(code, 2);
      assert.equal(out, '');
      assert.match(err, sentence);
    });
  }

  test('the help describes the command and its options', async () => {
    const { out } = await run(['--help']);
    assert.match(out, /^\s+traffic\s+Rates per interface/m);
    assert.match(out, /^\s+--interval S\s+Seconds between the two readings/m);
    assert.match(out, /Exit codes of traffic: 0 success, 2 a usage error or an engine that does not answer\./);
  });

  const report: TrafficReport = {
    intervalSeconds: 1,
    interfaces: [
      { container: 'web', namespace: 'web', interface: 'eth0', peer: 'host:veth1', source: 'procNetDev', rxBytesPerSecond: 12.4, txBytesPerSecond: 2_000_000, rxPacketsPerSecond: 3, txPacketsPerSecond: 1500.25, drops: 0, errors: 2 },
      { namespace: 'host', interface: 'veth1', peer: 'web:eth0', source: 'procNetDev', rxBytesPerSecond: 2_000_000, txBytesPerSecond: 12.4, rxPacketsPerSecond: 1500.25, txPacketsPerSecond: 3, drops: 1, errors: 0 },
    ],
  };
  const plan: TrafficPlan = { reads: [], unread: [{ namespace: '1-abcdefghij', reason: 'needsRoot' }] };

  test('the table: one row per interface, numbers right-aligned, then the interval, the unread namespaces and the failed reads', () => {
    const text = trafficText({ report, plan, warnings: ['/proc/42/net/dev: ENOENT'] }, cliTranslator('en'));
    assert.equal(
      text,
      [
        'NAMESPACE  INTERFACE  PEER         RX B/s   TX B/s  RX pkt/s  TX pkt/s  DROPS  ERRORS  SOURCE',
        'web        eth0       host:veth1       12  2000000       3.0    1500.3      0       2  procfs',
        'host       veth1      web:eth0    2000000       12    1500.3       3.0      1       0  procfs',
        '',
        'Rates over 1.0 s, 2 interfaces.',
        '1-abcdefghij: not read (entering this namespace needs root: run as root to read it).',
        'Could not read: /proc/42/net/dev: ENOENT',
        '',
      ].join('\n'),
    );
  });

  test('in French when the locale is French', () => {
    const text = trafficText({ report, plan, warnings: [] }, cliTranslator('fr'));
    assert.match(text, /^ESPACE DE NOMS\s+INTERFACE\s+PAIR\s+RX o\/s\s+TX o\/s\s+RX paq\/s\s+TX paq\/s\s+PERTES\s+ERREURS\s+SOURCE$/m);
    assert.match(text, /^Débits sur 1\.0\u00a0s, 2\u00a0interfaces\.$/m);
    assert.match(text, /^1-abcdefghij\u00a0: non lu \(entrer dans cet espace de noms demande root/m);
  });

  test('nothing to read says so', () => {
    assert.match(trafficText({ report: { intervalSeconds: 1, interfaces: [] }, plan: { reads: [], unread: [] }, warnings: [] }, cliTranslator('en')), /^No interface to read in this scope/);
  });
});
