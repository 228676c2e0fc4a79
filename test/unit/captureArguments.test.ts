/** The command line's `capture` grammar: what it accepts, and the usage errors (exit 2) it names. */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseCommandLine, UsageError } from '../../src/cli/arguments';

test('capture TARGET with its options', () => {
  assert.deepEqual(parseCommandLine(['capture', 'web', '--interface', 'eth0', '--filter', 'icmp or arp', '--count', '10', '--duration=30', '--write', 'x.pcap']), {
    command: 'capture',
    target: 'web',
    interface: 'eth0',
    filter: 'icmp or arp',
    count: 10,
    duration: 30,
    write: 'x.pcap',
    helper: undefined,
    host: undefined,
    context: undefined,
  });
});

test('capture refuses a missing target or file, extra targets and counts that are not whole numbers', () => {
  const refusal = (argv: string[]) => {
    try {
      parseCommandLine(argv);
    } catch (error) {
      assert.ok(error instanceof UsageError);
      return error.message;
    }
    return assert.fail(`accepted ${argv.join(' ')}`);
  };
  assert.match(refusal(['capture', '--write', 'x.pcap']), /capture needs a target/);
  assert.match(refusal(['capture', 'web']), /capture needs --write FILE\.pcap/);
  assert.match(refusal(['capture', 'web', 'db', '--write', 'x.pcap']), /unexpected argument "db"/);
  assert.match(refusal(['capture', 'web', '--count', '1e3', '--write', 'x.pcap']), /--count takes a whole number, not "1e3"/);
  assert.match(refusal(['capture', 'web', '--duration', '-5', '--write', 'x.pcap']), /--duration/);
});
