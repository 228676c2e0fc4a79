/**
 * The doctor through helper containers, pure parts: the filter helper's dumps
 * (model/reachability/filterDump.ts) on output recorded from a dockerd node on Docker 20.10 and 28
 * (scripts/recordReachHelperFixtures.ts: a DROP rule in the node's DOCKER-USER, two pings from A to
 * B through a probe helper between the two reads), and the probe and filter helpers' create requests.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { FILTER_CAPABILITIES, helperCreateRequest, helperDockerRunArgs, helperRequestProblem, OBSERVE_CAPABILITIES, PROBE_CAPABILITIES } from '../../src/model/helperContainerSpec';
import { filterDumpArgv, parseFilterDumps, splitFilterDumps } from '../../src/model/reachability/filterDump';
import { droppedBetween, parseIptablesSave } from '../../src/model/reachability/packetFilter';
import type { CountedRule } from '../../src/model/reachability/packetFilter';
import { archiveFileText } from '../../src/model/reachability/archiveFile';
import { parseCommandLine, UsageError } from '../../src/cli/arguments';

interface Recorded {
  engine: string;
  apiVersion: string;
  from: string;
  to: string;
  bridge: string;
  ping: { code: number | null; output: string };
  before: { helper: string; iptablesSave: string };
  after: { helper: string; iptablesSave: string };
  archives: Record<string, { tar: string; cat: string }>;
}

const dir = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'reach-helper');
const fixtures = readdirSync(dir)
  .filter((file) => file.endsWith('.json'))
  .map((file) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Recorded);

const ipv4Filter = (rules: CountedRule[]) => rules.filter((rule) => !rule.family && !rule.legacy && !rule.nftables).map((rule) => `${rule.table} ${rule.rule} ${rule.target} ${rule.packets}`);

describe('the filter helper\'s dumps, recorded from a dockerd node', () => {
  test('both engines recorded', () => {
    assert.deepEqual(fixtures.map((fixture) => fixture.apiVersion).sort(), ['1.41', '1.51']);
  });

  for (const fixture of fixtures) {
    describe(`Docker ${fixture.engine} (API ${fixture.apiVersion})`, () => {
      test('every dump ran (exit 0), IPv4 and IPv6, then nft', () => {
        const dumps = splitFilterDumps(fixture.before.helper)!;
        assert.ok(dumps.length >= 2, JSON.stringify(dumps.map((dump) => dump.tool)));
        assert.ok(dumps.every((dump) => dump.status === 0));
        assert.ok(dumps.some((dump) => dump.tool.startsWith('iptables')));
        assert.ok(dumps.some((dump) => dump.tool.startsWith('ip6tables')));
      });

      test('the IPv4 rules the helper read are those the node\'s iptables-save -c printed at the same moment, counters included', () => {
        for (const moment of [fixture.before, fixture.after]) {
          assert.deepEqual(ipv4Filter(parseFilterDumps(moment.helper)!), ipv4Filter(parseIptablesSave(moment.iptablesSave)));
        }
      });

      test('between the reads, the DROP rule of DOCKER-USER counted the two echo requests, and the doctor names it', () => {
        assert.equal(fixture.ping.code, 1, 'ping through the probe helper failed (its exit status)');
        const drops = droppedBetween(parseFilterDumps(fixture.before.helper)!, parseFilterDumps(fixture.after.helper)!, [fixture.bridge]);
        assert.ok(drops.length >= 1);
        assert.deepEqual(
          { chain: drops[0].chain, target: drops[0].target, packets: drops[0].packets, table: drops[0].table },
          { chain: 'DOCKER-USER', target: 'DROP', packets: 2, table: 'filter' },
        );
        assert.equal(drops[0].rule, `-A DOCKER-USER -s ${fixture.from}/32 -d ${fixture.to}/32 -j DROP`);
      });

      test('A\'s /etc/hosts and /etc/resolv.conf from the Engine API\'s archive equal what A\'s own cat printed; too long or cut: nothing', () => {
        for (const [file, { tar, cat }] of Object.entries(fixture.archives)) {
          const bytes = Buffer.from(tar, 'base64');
          assert.equal(archiveFileText(bytes, 64 * 1024)?.trim(), cat.trim(), file);
          assert.equal(archiveFileText(bytes, 10), undefined, `${file}: over the limit`);
          assert.equal(archiveFileText(bytes.subarray(0, 520), 64 * 1024), undefined, `${file}: cut`);
        }
        assert.match(fixture.archives['/etc/resolv.conf'].cat, /^nameserver 127\.0\.0\.11$/m);
      });

      test('a cut output (no end line, or not the script\'s) reads as nothing; a dump that failed is left out', () => {
        const text = fixture.before.helper;
        assert.equal(parseFilterDumps(text.replace('=== dne-done ===', '')), undefined);
        assert.equal(parseFilterDumps(text.replace('dne-filter 1', 'something else')), undefined);
        const failed = text.replace(/=== dne-end 0 ===/g, '=== dne-end 1 ===');
        assert.equal(parseFilterDumps(failed), undefined);
      });
    });
  }
});

describe('the probe and filter helpers\' create requests', () => {
  const common = { session: '0123456789abcdef', image: 'local/busybox:latest', client: { hostHash: 'abcd', pid: 42 } };
  const id = 'a'.repeat(64);

  test('probe: joined to the container\'s namespace, every capability dropped but NET_RAW, no new privileges, labelled probe', () => {
    const create = helperCreateRequest({ ...common, purpose: 'probe', joinContainerId: id, argv: ['ping', '-c', '2', '--', '10.0.0.2'] });
    assert.equal(create.name, 'dne-helper-probe-0123456789abcdef');
    assert.equal(create.body.Labels['io.github.dne.helper'], 'probe');
    assert.deepEqual(create.body.HostConfig, {
      NetworkMode: `container:${id}`,
      CapDrop: ['ALL'],
      CapAdd: [...PROBE_CAPABILITIES],
      AutoRemove: true,
      SecurityOpt: ['no-new-privileges'],
      LogConfig: { Type: 'none', Config: {} },
    });
    assert.deepEqual(PROBE_CAPABILITIES, ['NET_RAW']);
    assert.equal(helperRequestProblem({ ...common, purpose: 'probe', joinContainerId: 'A;rm', argv: ['ping'] }), 'containerId');
  });

  test('filter: the host\'s network and pid namespaces, the observation\'s capabilities plus SYS_CHROOT and NET_ADMIN; the docker run shown says so', () => {
    const create = helperCreateRequest({ ...common, purpose: 'filter', argv: filterDumpArgv() });
    assert.equal(create.body.HostConfig.NetworkMode, 'host');
    assert.equal(create.body.HostConfig.PidMode, 'host');
    assert.deepEqual(create.body.HostConfig.CapAdd, [...OBSERVE_CAPABILITIES, 'SYS_CHROOT', 'NET_ADMIN']);
    assert.deepEqual(FILTER_CAPABILITIES, create.body.HostConfig.CapAdd);
    const shown = helperDockerRunArgs(create);
    assert.deepEqual(shown.slice(0, 5), ['docker', 'run', '--rm', '--name', 'dne-helper-filter-0123456789abcdef']);
    assert.ok(shown.includes('--cap-add') && shown.includes('NET_ADMIN') && shown.includes('--pid=host'));
  });
});

describe('reach --helper IMAGE', () => {
  test('the image is the consent, for this run; without it nothing is run on the engine', () => {
    assert.deepEqual(parseCommandLine(['reach', 'a', 'b', '--helper', 'busybox:1.37', '--format', 'json']), {
      command: 'reach',
      from: 'a',
      to: 'b',
      port: undefined,
      name: undefined,
      verify: true,
      helper: 'busybox:1.37',
      format: 'json',
      host: undefined,
      context: undefined,
    });
    assert.equal('helper' in parseCommandLine(['reach', 'a', 'b']), false);
  });

  test('an empty or spaced image, or --helper with --no-verify, is a usage error', () => {
    assert.throws(() => parseCommandLine(['reach', 'a', 'b', '--helper', '']), UsageError);
    assert.throws(() => parseCommandLine(['reach', 'a', 'b', '--helper', 'busy box']), UsageError);
    assert.throws(() => parseCommandLine(['reach', 'a', 'b', '--helper', 'busybox', '--no-verify']), /--helper and --no-verify/);
  });
});
