/**
 * The helper observation level, its pure parts, on output RECORDED from real helper runs (Docker
 * 20.10 and 28, scripts/recordHelperObservation.ts) beside what `ip -j -d addr` said of the same
 * namespaces at the same moment: the parser's namespaces, interfaces, veth peers, masters, MACs and
 * addresses equal iproute2's item by item; the topology drawn from them equals the netns level's, the
 * hand-made veth not managed by Docker. Then what a hostile image could print (garbage, cut output,
 * names the kernel refuses) never throws and never yields a fact that was not read whole; and the
 * observation helper's create request and its `docker run` equivalent, beside the capture helper's.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { ContainerInspectJson, ContainerSummaryJson, NetworkJson } from '../../src/model/dockerTypes';
import { namesFromInspections } from '../../src/model/endpointNames';
import { helperCreateRequest, helperDockerRunArgs } from '../../src/model/helperContainerSpec';
import { buildInventory } from '../../src/model/inventory';
import { buildTopology } from '../../src/model/topology/build';
import type { HostFacts, LinkFact, SandboxInfo } from '../../src/model/topology/facts';
import { parseHelperObservation } from '../../src/model/topology/helperReadout';
import { isNetnsDir, observeArgv, observeNetnsDirs, OBSERVE_SCRIPT } from '../../src/model/topology/helperScript';
import type { Topology } from '../../src/model/topology/types';
import { DEFAULT_DIAGRAM_OPTIONS } from '../../src/model/topology/types';
import { escapeLabel, generateMermaid } from '../../src/model/topology/mermaid';
import { ENGLISH_LABELS } from '../../src/messages/diagramLabels';
import { parseIpJson } from '../../src/probe/readers';

interface Recording {
  recordedWith: { engine: string; apiVersion: string; prefix: string; handMade: string; named?: string };
  argv: string[];
  stdout: string;
  sandboxes: SandboxInfo[];
  truth: Record<string, unknown>;
  netns: HostFacts;
  networks: NetworkJson[];
  containers: ContainerSummaryJson[];
  containerDetails: Record<string, ContainerInspectJson>;
}

const folder = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'helper-observation');
const recordings: Recording[] = ['1.41', '1.51'].map((api) => JSON.parse(readFileSync(path.join(folder, `engine-${api}.json`), 'utf8')) as Recording);

/** What iproute2 and the parser must agree on, for one interface. */
function describeLink(link: LinkFact): string {
  const peer = link.linkIndex === undefined ? '' : `@if${link.linkIndex}${link.linkInOtherNamespace ? ' (other ns)' : ''}`;
  return `${link.ifindex}: ${link.name}${peer} ${link.kind} master=${link.master ?? '-'} mac=${link.mac ?? '-'} mtu=${link.mtu} ${link.state} ${link.addresses.join(',')}`;
}

function topologyOf(recording: Recording, facts: HostFacts): Topology {
  const inventory = buildInventory({ networks: recording.networks, containers: recording.containers });
  const endpointNames = namesFromInspections(inventory, (id) => recording.containerDetails[id]);
  const sandboxes = Object.fromEntries(recording.sandboxes.map((sandbox) => [sandbox.containerId, sandbox]));
  return buildTopology({ inventory, sandboxes, facts: structuredClone(facts), endpointNames });
}

for (const recording of recordings) {
  const { engine } = recording.recordedWith;
  const facts = parseHelperObservation(recording.stdout, recording.sandboxes);
  const byName = new Map(facts.namespaces.map((ns) => [ns.name, ns]));

  describe(`the helper's output recorded on Docker ${engine}`, () => {
    test('the diagram names the level: its first comment says helper, its legend says where "observed" was read', () => {
      const { text } = generateMermaid(topologyOf(recording, facts), { kind: 'host' }, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS);
      assert.match(text, /^%% probe level: helper \(full\)$/m);
      assert.ok(text.includes(`legend_observed["${escapeLabel(ENGLISH_LABELS.legendObservedByHelper)}"]`), text);
      assert.ok(!text.includes(ENGLISH_LABELS.legendObserved), 'the local level\'s legend sample is not drawn');
    });

    test('level helper, reason full, no warning; the host namespace first, named host', () => {
      assert.equal(facts.level, 'helper');
      assert.equal(facts.reason, 'full');
      assert.deepEqual(facts.warnings, []);
      assert.equal(facts.namespaces[0].name, 'host');
      assert.equal(facts.namespaces[0].kind, 'host');
      assert.ok((facts.defaultRoutes ?? []).length > 0, 'the host\'s default route (its uplink)');
    });

    test('every namespace iproute2 read is there, each interface equal to `ip -j -d addr` item by item (name, ifindex, @ifN peer, kind, master, MAC, MTU, state, addresses)', () => {
      assert.ok(Object.keys(recording.truth).length >= 4);
      for (const [name, ipJson] of Object.entries(recording.truth)) {
        const ns = byName.get(name);
        assert.ok(ns, `${name} is missing from the helper's facts`);
        const expected = parseIpJson(JSON.stringify(ipJson)).map(describeLink);
        assert.deepEqual(ns.links.map(describeLink), expected, `${engine}: ${name}`);
      }
    });

    test('namespaces are classified as the netns level does: each sandbox a container namespace with its container, `ip netns add` ones named', () => {
      for (const sandbox of recording.sandboxes) {
        const ns = byName.get(path.basename(sandbox.sandboxKey!));
        assert.equal(ns?.kind, 'container');
        assert.deepEqual(ns.containerIds, [sandbox.containerId]);
        assert.equal(ns.path, sandbox.sandboxKey);
      }
      if (recording.recordedWith.named) {
        const named = byName.get(recording.recordedWith.named);
        assert.equal(named?.kind, 'named');
        assert.equal(named.path, `/var/run/netns/${recording.recordedWith.named}`);
        // A veth pair inside one namespace: each end's peer is the other, in the same namespace.
        const [a, b] = named.links.filter((link) => link.kind === 'veth');
        assert.deepEqual([a.linkIndex, b.linkIndex, a.linkInOtherNamespace, b.linkInOtherNamespace], [b.ifindex, a.ifindex, false, false]);
      }
    });

    test('each container namespace was read through its process (no process of the helper\'s), the named one entered (nsenter, ip -o addr)', () => {
      const blocks = recording.stdout.split('\nN ').slice(1).map((block) => block.split('\n'));
      const blockOf = (file: string) => blocks.find((lines) => lines[0].endsWith(` ${file}`))!;
      for (const sandbox of recording.sandboxes) {
        assert.equal(blockOf(path.basename(sandbox.sandboxKey!))[1], `Q ${sandbox.pid}`);
      }
      assert.match(recording.stdout, /\nG\n\/proc\/\d+\/net\/route:Iface/);
      if (recording.recordedWith.named) {
        const named = blockOf(recording.recordedWith.named);
        assert.ok(named.includes('A') && !named.some((line) => line.startsWith('Q ')));
      }
    });

    test('the bridge learned the MAC of the container end behind each of its ports (brforward)', () => {
      const host = facts.namespaces[0];
      const handMade = host.links.find((link) => link.name === recording.recordedWith.handMade)!;
      const secondContainer = byName.get(path.basename(recording.sandboxes[1].sandboxKey!))!;
      const eth1 = secondContainer.links.find((link) => link.name === 'eth1')!;
      assert.equal(handMade.master?.startsWith('br-'), true);
      assert.equal(eth1.linkIndex, handMade.ifindex);
      assert.equal(handMade.linkIndex, eth1.ifindex);
      assert.ok(host.links.some((link) => link.kind === 'veth' && (link.learnedMacs ?? []).length > 0), 'some port has learned MACs');
    });

    test('the topology drawn from the helper\'s facts equals the netns level\'s for these containers; the hand-made veth and its peer are not managed by Docker', () => {
      const helper = topologyOf(recording, facts);
      const netns = topologyOf(recording, recording.netns);
      assert.equal(helper.level, 'helper');
      const ours = new Set(recording.sandboxes.map((sandbox) => sandbox.containerId));
      const view = (topology: Topology) => {
        const namespaces = topology.namespaces.filter((ns) => ns.containers.some((c) => ours.has(c.id)));
        const ids = new Set(namespaces.map((ns) => ns.id));
        const interfaces = namespaces.flatMap((ns) => ns.interfaces.map((i) => `${i.id} ${i.kind} ${i.source} managed=${i.managed} ${i.mac ?? ''} ${[...i.addresses].sort().join(',')}`)).sort();
        const edges = topology.edges
          .filter((edge) => [edge.from, edge.to].some((end) => ids.has(end.slice(0, end.lastIndexOf('/')))))
          .map((edge) => `${edge.kind} ${edge.from} ${edge.to} ${edge.source} managed=${edge.managed}`)
          .sort();
        return { namespaces: namespaces.map((ns) => `${ns.id} ${ns.kind} ${ns.source}`).sort(), interfaces, edges };
      };
      assert.deepEqual(view(helper), view(netns));
      const handMade = helper.namespaces.find((ns) => ns.kind === 'host')!.interfaces.find((i) => i.name === recording.recordedWith.handMade)!;
      assert.equal(handMade.managed, false);
      assert.equal(handMade.source, 'observed');
      const edge = helper.edges.find((e) => e.kind === 'veth' && (e.from === handMade.id || e.to === handMade.id))!;
      assert.equal(edge.managed, false);
      const peerId = edge.from === handMade.id ? edge.to : edge.from;
      const peer = helper.namespaces.flatMap((ns) => ns.interfaces).find((i) => i.id === peerId)!;
      assert.equal(peer.name, 'eth1');
      assert.equal(peer.managed, false);
    });

    test('cut anywhere, the output gives only namespaces read whole (equal to the full reading), says it was cut, never throws', () => {
      const full = new Map(facts.namespaces.map((ns) => [ns.name, JSON.stringify(ns)]));
      const step = Math.max(1, Math.floor(recording.stdout.length / 400));
      for (let cut = 0; cut < recording.stdout.length - 2; cut += step) {
        const partial = parseHelperObservation(recording.stdout.slice(0, cut), recording.sandboxes);
        for (const ns of partial.namespaces) {
          assert.equal(JSON.stringify(ns), full.get(ns.name), `cut at ${cut}: ${ns.name}`);
        }
        assert.ok(partial.warnings.length > 0, `cut at ${cut}: a warning`);
      }
    });
  });
}

describe('what a hostile image could print instead', () => {
  const recording = recordings[0];
  const sandboxes = recording.sandboxes;
  const host = (lines: string[]) => ['dne-observe 1', 'N 1 host', ...lines, 'Z 0', 'E'].join('\n');

  test('random bytes, an empty output, a wrong header: no namespace, a warning, no throw', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 200; round++) {
      const text = Array.from({ length: Math.floor(random() * 400) }, () => String.fromCharCode(Math.floor(random() * 128))).join('');
      const facts = parseHelperObservation(round % 2 ? `dne-observe 1\n${text}` : text, sandboxes);
      assert.ok(Array.isArray(facts.namespaces));
    }
    assert.deepEqual(parseHelperObservation('', sandboxes).namespaces, []);
    assert.match(parseHelperObservation('hello\nN 1 host\nZ 0\nE', sandboxes).warnings[0], /does not begin with "dne-observe 1"/);
  });

  test('the recorded output with its lines shuffled or repeated never throws; a namespace listed twice is read once', () => {
    const lines = recording.stdout.split('\n');
    const reversed = parseHelperObservation([lines[0], ...lines.slice(1).reverse()].join('\n'), sandboxes);
    assert.ok(Array.isArray(reversed.namespaces));
    const twice = parseHelperObservation([...lines.slice(0, -2), ...lines.slice(1)].join('\n'), sandboxes);
    assert.equal(twice.namespaces.length, new Set(twice.namespaces.map((ns) => ns.name)).size);
    assert.ok(twice.warnings.some((warning) => /listed twice/.test(warning)));
  });

  test('interface names the kernel refuses (16 bytes, ".", "..", a slash, a colon, a space, a control character) are dropped with a warning', () => {
    const bad = ['abcdefghijklmnop', 'éééééééé', '.', '..', 'a/b', 'a:b', 'a\tb', 'a\u0007b'];
    const facts = parseHelperObservation(host([...bad.map((name, i) => `L ${name} ${i + 10} ${i + 10} 02:42:ac:11:00:02 1500 up 1 - - 0`), 'L fifteen-bytes15 30 30 02:42:ac:11:00:03 1500 up 1 - - 0']), []);
    assert.deepEqual(facts.namespaces[0].links.map((link) => link.name), ['fifteen-bytes15']);
    assert.equal(facts.warnings.filter((warning) => /is not one the kernel allows/.test(warning)).length, bad.length);
  });

  test('a MAC, a number, a state or an address that is not one is dropped with a warning; the rest of the namespace stays', () => {
    const facts = parseHelperObservation(
      host([
        'L eth0 2 2 02:42:zz:11:00:02 1500 up 1 - - 0',
        'L eth1 99999999999 3 02:42:ac:11:00:02 1500 up 1 - - 0',
        'L eth2 4 4 02:42:ac:11:00:04 15x0 up 1 - - 0',
        'L eth3 5 5 02:42:ac:11:00:05 1500 UP; 1 - - 0',
        'L eth4 6 6 02:42:ac:11:00:06 1500 up 1 - - 0 extra',
        'L eth5 7 7 02:42:ac:11:00:07 1500 up 1 - - 0',
        'A',
        '7: eth5    inet 999.1.1.1/24 scope global eth5',
        '7: eth5    inet 10.0.0.7/24 scope global eth5',
        '7: eth5    inet6 fd00::7/200 scope global',
        '7: eth5    inet6 fe80::1/64 scope link',
        'nonsense',
        'A.',
        'F eth5',
        ' 02 42 zz',
        'F.',
      ]),
      [],
    );
    assert.deepEqual(facts.namespaces[0].links.map((link) => `${link.name} ${link.addresses.join(',')} ${link.learnedMacs ?? ''}`), ['eth5 10.0.0.7/24 ']);
    assert.equal(facts.warnings.length, 8, facts.warnings.join('\n'));
  });

  test('a namespace the helper could not read (status not 0), or one without its end, is left out with a warning', () => {
    const text = ['dne-observe 1', 'N 1 host', 'Z 0', 'N 2 /var/run/docker/netns gone', 'Z 1', 'N 3 /var/run/docker/netns cut', 'L lo 1 1 00:00:00:00:00:00 65536 unknown 772 - - 0', 'N 4 /var/run/docker/netns ok', 'Z 0', 'E'].join('\n');
    const facts = parseHelperObservation(text, []);
    assert.deepEqual(facts.namespaces.map((ns) => ns.name), ['host', 'ok']);
    assert.ok(facts.warnings.some((warning) => /gone: the helper could not read it/.test(warning)));
    assert.ok(facts.warnings.some((warning) => /cut: its reading was cut short/.test(warning)));
  });

  test('a namespace whose folder or file is not one (relative, `..`, a slash) is left out; the host must come first', () => {
    const text = ['dne-observe 1', 'N 1 /var/run/docker/netns first', 'Z 0', 'N 2 host', 'Z 0', 'N 3 ../etc x', 'Z 0', 'N 4 /var/run/../etc x', 'Z 0', 'E'].join('\n');
    const facts = parseHelperObservation(text, []);
    assert.deepEqual(facts.namespaces, []);
    assert.equal(facts.warnings.length, 4, facts.warnings.join('\n'));
  });

  test('a million bad lines: the warnings are capped, the parse stays fast', () => {
    const started = Date.now();
    const facts = parseHelperObservation(['dne-observe 1', 'N 1 host', ...Array.from({ length: 1_000_000 }, () => 'L a/b 1 1 - - - - - - 0'), 'Z 0', 'E'].join('\n'), []);
    assert.equal(facts.namespaces.length, 1);
    assert.ok(facts.warnings.length <= 51);
    assert.match(facts.warnings.at(-1)!, /more problems/);
    assert.ok(Date.now() - started < 5000, `${Date.now() - started} ms`);
  });
});

describe('the folders the helper reads, and its command', () => {
  const sandbox = (containerId: string, sandboxKey?: string): SandboxInfo => ({ containerId, sandboxKey });

  test('the folders of the sandboxes (an engine with its own exec root), then the named namespaces\'; Docker\'s default only when no sandbox names one', () => {
    assert.deepEqual(observeNetnsDirs([sandbox('a', '/run/e28/exec/netns/1'), sandbox('b', '/run/e28/exec/netns/2'), sandbox('c', '/var/run/docker/netns/3')]), ['/run/e28/exec/netns', '/var/run/docker/netns', '/var/run/netns']);
    assert.deepEqual(observeNetnsDirs([]), ['/var/run/docker/netns', '/var/run/netns']);
    assert.deepEqual(observeNetnsDirs([sandbox('a'), sandbox('b', '')]), ['/var/run/docker/netns', '/var/run/netns']);
  });

  test('an engine value that is not a plain absolute folder never reaches the helper', () => {
    for (const key of ['relative/netns/x', '/var/run/../../etc/x', '/var/run/$(reboot)/x', '/var/run/a b/x', '/var/run/a\nb/x', "/var/run/'/x", '/./x']) {
      assert.deepEqual(observeNetnsDirs([sandbox('a', key)]), ['/var/run/docker/netns', '/var/run/netns'], key);
    }
    assert.equal(isNetnsDir(`/${'a'.repeat(1024)}`), false);
    assert.equal(isNetnsDir('/tmp/dne-nodes/dneobsn3/exec/netns'), true);
  });

  test('the command: sh -c SCRIPT dne-observe FOLDERS…; the script is a constant (no engine value in it); host only: no folder', () => {
    const argv = observeArgv([sandbox('a', '/run/e28/exec/netns/1')]);
    assert.deepEqual(argv.slice(0, 2), ['sh', '-c']);
    assert.equal(argv[2], OBSERVE_SCRIPT);
    assert.deepEqual(argv.slice(3), ['dne-observe', '/run/e28/exec/netns', '/var/run/netns']);
    assert.deepEqual(observeArgv([sandbox('a', '/run/e28/exec/netns/1')], true).slice(3), ['dne-observe']);
    assert.equal(OBSERVE_SCRIPT.includes('/run/e28'), false);
  });
});

describe('the observation helper\'s create request and its docker run, beside the capture helper\'s', () => {
  const client = { hostHash: 'h'.repeat(16), pid: 42 };
  const containerId = 'a'.repeat(64);

  test('observe: the host\'s network and process namespaces, SYS_ADMIN and SYS_PTRACE only, no init, removed on exit, not logged, labelled with its deadline', () => {
    const made = helperCreateRequest({ purpose: 'observe', session: '0123456789abcdef', image: 'local/busybox:latest', argv: ['sh', '-c', 'echo'], client, deadline: 1000.2 });
    assert.equal(made.name, 'dne-helper-observe-0123456789abcdef');
    assert.deepEqual(made.body.HostConfig, {
      NetworkMode: 'host',
      PidMode: 'host',
      CapDrop: ['ALL'],
      CapAdd: ['SYS_ADMIN', 'SYS_PTRACE'],
      Init: false,
      AutoRemove: true,
      SecurityOpt: ['no-new-privileges', 'apparmor=unconfined', 'label=disable'],
      LogConfig: { Type: 'none', Config: {} },
    });
    assert.deepEqual(made.body.Labels, {
      'io.github.dne.helper': 'observe',
      'io.github.dne.helper.session': '0123456789abcdef',
      'io.github.dne.helper.client': 'h'.repeat(16),
      'io.github.dne.helper.pid': '42',
      'io.github.dne.helper.deadline': '1001',
    });
    assert.deepEqual(helperDockerRunArgs(made), [
      'docker', 'run', '--rm', '--name', 'dne-helper-observe-0123456789abcdef',
      '--label', 'io.github.dne.helper=observe', '--label', 'io.github.dne.helper.session=0123456789abcdef',
      '--label', `io.github.dne.helper.client=${'h'.repeat(16)}`, '--label', 'io.github.dne.helper.pid=42', '--label', 'io.github.dne.helper.deadline=1001',
      '--network=host', '--pid=host', '--cap-drop', 'ALL', '--cap-add', 'SYS_ADMIN', '--cap-add', 'SYS_PTRACE',
      '--security-opt', 'no-new-privileges', '--security-opt', 'apparmor=unconfined', '--security-opt', 'label=disable',
      '--init=false', '--log-driver=none', 'local/busybox:latest', 'sh', '-c', 'echo',
    ]);
  });

  test('capture: the same request as before (byte for byte), and its docker run', () => {
    const made = helperCreateRequest({ purpose: 'capture', session: '0123456789abcdef', image: 'local/tcpdump:latest', joinContainerId: containerId, argv: ['tcpdump', '-i', 'eth0'], capabilities: ['NET_RAW', 'NET_ADMIN'], client });
    assert.equal(
      JSON.stringify(made),
      `{"name":"dne-helper-capture-0123456789abcdef","body":{"Image":"local/tcpdump:latest","Cmd":["tcpdump","-i","eth0"],"Labels":{"io.github.dne.helper":"capture","io.github.dne.helper.session":"0123456789abcdef","io.github.dne.helper.client":"${'h'.repeat(16)}","io.github.dne.helper.pid":"42"},"AttachStdin":false,"AttachStdout":true,"AttachStderr":true,"Tty":false,"OpenStdin":false,"HostConfig":{"NetworkMode":"container:${containerId}","CapDrop":["ALL"],"CapAdd":["NET_RAW","NET_ADMIN"],"AutoRemove":true,"SecurityOpt":["no-new-privileges"],"LogConfig":{"Type":"none","Config":{}}}}}`,
    );
    assert.deepEqual(helperDockerRunArgs(made), [
      'docker', 'run', '--rm', '--name', 'dne-helper-capture-0123456789abcdef',
      '--label', 'io.github.dne.helper=capture', '--label', 'io.github.dne.helper.session=0123456789abcdef',
      '--label', `io.github.dne.helper.client=${'h'.repeat(16)}`, '--label', 'io.github.dne.helper.pid=42',
      `--network=container:${containerId}`, '--cap-drop', 'ALL', '--cap-add', 'NET_RAW', '--cap-add', 'NET_ADMIN',
      '--security-opt', 'no-new-privileges', '--log-driver=none', 'local/tcpdump:latest', 'tcpdump', '-i', 'eth0',
    ]);
  });
});
