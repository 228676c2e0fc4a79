/** The command line's grammar and its answers that need no engine (help, version, usage errors). */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { runCli } from '../../src/cli';
import { parseCommandLine, UsageError } from '../../src/cli/arguments';
import { causeSentence } from '../../src/messages/unreachableMessages';
import { cliLocale } from '../../src/messages/translator';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('command line', () => {
  for (const argv of [['--help'], ['-h'], ['help'], ['diagram', '--help']]) {
    test(`${argv.join(' ')}: help on stdout, exit 0, every option described`, async () => {
      const { code, out, err } = await run(argv);
      assert.equal(code, 0);
      assert.equal(err, '');
      for (const option of ['--network', '--container', '--format', '--level', '--macs', '--no-ips', '--stopped', '--collapse', '--overview', '--full', '--host', '--context', '--version']) {
        assert.match(out, new RegExp(`^\\s+(-\\w, )?${option}\\b.*\\S`, 'm'), option);
      }
    });
  }

  test('--version and -V print the package version', async () => {
    for (const flag of ['--version', '-V']) {
      const { code, out } = await run([flag]);
      assert.equal(code, 0);
      assert.match(out, /^\d+\.\d+\.\d+\n$/);
    }
  });

  test('--opt=value and --opt value mean the same', () => {
    assert.deepEqual(parseCommandLine(['diagram', '--network=dev', '--format=json']), parseCommandLine(['diagram', '--network', 'dev', '--format', 'json']));
    const parsed = parseCommandLine(['diagram', '--level=sysfs', '--macs', '--no-ips', '--collapse']);
    assert.equal(parsed.command, 'diagram');
    if (parsed.command === 'diagram') {
      assert.equal(parsed.level, 'sysfs');
      assert.equal(parsed.options.showMACs, true);
      assert.equal(parsed.options.showIPs, false);
      assert.equal(parsed.options.collapse, true);
    }
  });

  test('diagram: the panel\'s rule by default, --overview or --full when asked', () => {
    const view = (argv: string[]) => {
      const parsed = parseCommandLine(argv);
      return parsed.command === 'diagram' ? parsed.view : 'not a diagram';
    };
    assert.equal(view(['diagram']), undefined);
    assert.equal(view(['diagram', '--overview']), 'overview');
    assert.equal(view(['diagram', '--full', '--network', 'dev']), 'full');
  });

  const usageCases: [string[], RegExp][] = [
    [[], /a command is missing/],
    [['draw'], /"draw" is not a command/],
    [['diagram', '--bogus'], /unknown option "--bogus"/],
    [['diagram', '--network'], /--network needs a value/],
    [['diagram', '--macs=yes'], /--macs takes no value/],
    [['diagram', '--format', 'svg'], /--format takes mermaid or json, not "svg"/],
    [['diagram', '--level', 'root'], /--level takes api, sysfs or netns/],
    [['diagram', '--network', 'a', '--container', 'b'], /cannot be used together/],
    [['diagram', 'extra'], /unexpected argument "extra"/],
    [['diagram', '--overview', '--full'], /--overview and --full cannot be used together/],
    [['diagram', '--overview', '--network', 'dev'], /--overview draws the whole host/],
  ];
  for (const [argv, expected] of usageCases) {
    test(`usage error: ${JSON.stringify(argv)} -> a sentence on stderr, exit 2`, async () => {
      assert.throws(() => parseCommandLine(argv), (error: unknown) => error instanceof UsageError && expected.test(error.message));
      const { code, out, err } = await run(argv);
      assert.equal(code, 2);
      assert.equal(out, '');
      assert.match(err, expected);
      assert.match(err, /--help/);
    });
  }

  test('a host address docker would refuse is explained, exit 1', async () => {
    const { code, err } = await run(['diagram', '--host', 'ftp://x']);
    assert.equal(code, 1);
    assert.match(err, /The Docker host address is not valid: it must look like unix:\/\/\/var\/run\/docker\.sock.*\(ftp:\/\/x\)/);
    assert.doesNotMatch(err, /badHost/);
  });

  test('the views\' sentences without their buttons, in French when the locale is', () => {
    assert.equal(cliLocale({ LANG: 'fr_FR.UTF-8' }), 'fr');
    assert.equal(cliLocale({ LANG: 'en_US.UTF-8' }), 'en');
    assert.equal(cliLocale({ LC_ALL: 'fr_CA.UTF-8', LANG: 'en_US.UTF-8' }), 'fr');
    const english = causeSentence('permissionDenied', 'en');
    assert.match(english, /docker group/);
    assert.doesNotMatch(english, /command:|\[Retry\]/);
    assert.match(causeSentence('socketMissing', 'fr'), /introuvable/);
  });
});
