/**
 * Engine tier for issue #9: the whole-host overview reads the host namespace only. On a host with
 * 24 running containers on 6 networks (4 of them on a second network), collectOverview gives the
 * same overview as a full collect (every container inspected, every namespace read), without one
 * inspection and with one namespace read; each network's gateway is its bridge's address as
 * `ip -j addr` shows it; and below the rule's size it answers nothing (the full plumbing is drawn).
 * With inferred parts hidden the overview comes from a full read (its containers would otherwise be
 * inferred, then hidden). The command line's default `diagram` prints that overview. Everything
 * carries dne.test.hostonly.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import { EngineSession } from '../../src/engine/engineSession';
import { generateOverview } from '../../src/model/topology/overview';
import { DEFAULT_DIAGRAM_OPTIONS } from '../../src/model/topology/types';
import { collectOverview, collectTopology, type TopologySession } from '../../src/engine/collectTopology';
import { ENGLISH_LABELS } from '../../src/messages/diagramLabels';
import { createNetwork, docker, removeLabelled, runContainer } from '../support/dockerCli';

const LABEL = 'dne.test.hostonly';
const NETWORKS = 6;
const CONTAINERS = 24;
const net = (n: number) => `dne-ho-n${n}`;
const box = (c: number) => `dne-ho-c${c}`;
const isRoot = process.getuid?.() === 0;
const HOST = { kind: 'host' } as const;

/** The session, counting the inspections asked of it. */
function counting(session: EngineSession): { source: TopologySession; inspections: () => number } {
  let inspections = 0;
  const source: TopologySession = {
    get inventory() {
      return session.inventory;
    },
    get endpointNames() {
      return session.endpointNames;
    },
    isLocal: session.isLocal,
    containerDetails: (id) => {
      inspections++;
      return session.containerDetails(id);
    },
  };
  return { source, inspections: () => inspections };
}

describe('overview from the host namespace alone (real engine)', { skip: isRoot ? false : 'needs root (nsenter)' }, () => {
  let session: EngineSession;

  before(() => {
    removeLabelled(LABEL);
    for (let n = 0; n < NETWORKS; n++) createNetwork(net(n), ['--subnet', `10.213.${n}.0/24`], LABEL);
    session = new EngineSession(new EngineClient(resolveTarget(undefined), 10_000), { debounceMs: 0, watch: false });
  });

  after(() => {
    session?.dispose();
    removeLabelled(LABEL);
  });

  test('a lab-sized host is not drawn as the overview: collectOverview answers nothing', async () => {
    runContainer(box(0), ['--network', net(0)], LABEL);
    await session.refresh();
    const running = Number(docker(['ps', '-q']).split('\n').filter(Boolean).length);
    if (running <= 20) {
      assert.equal(await collectOverview(session, { scope: HOST, options: DEFAULT_DIAGRAM_OPTIONS }), undefined);
    } else {
      assert.ok(await collectOverview(session, { scope: HOST, options: DEFAULT_DIAGRAM_OPTIONS }), `${running} containers run on this engine: the overview applies`);
    }
  });

  test('24 containers: the same overview as a full collect, with no inspection and one namespace read', async () => {
    for (let c = 1; c < CONTAINERS; c++) runContainer(box(c), ['--network', net(c % NETWORKS)], LABEL);
    for (let c = 0; c < 4; c++) docker(['network', 'connect', net((c + 1) % NETWORKS), box(c)]);
    await session.refresh();
    const light = counting(session);
    const overview = await collectOverview(light.source, { scope: HOST, options: DEFAULT_DIAGRAM_OPTIONS });
    assert.ok(overview, 'the overview applies to 24 containers');
    assert.equal(light.inspections(), 0, 'no container inspected');
    assert.deepEqual(overview.facts.namespaces.map((ns) => ns.kind), ['host'], 'the host namespace alone was read');

    const full = await collectTopology(session);
    assert.ok(full);
    assert.ok(full.facts.namespaces.length > CONTAINERS, 'the full collect read every namespace');
    const text = generateOverview(overview.topology, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS).text;
    assert.equal(text, generateOverview(full.topology, DEFAULT_DIAGRAM_OPTIONS, ENGLISH_LABELS).text);
    for (let c = 0; c < CONTAINERS; c++) assert.ok(text.includes(box(c)), `${box(c)} is listed`);

    // Each network's gateway as the host shows its bridge (docker inspect names no gateway for --subnet alone).
    for (let n = 0; n < NETWORKS; n++) {
      const bridge = `br-${docker(['network', 'inspect', '-f', '{{.Id}}', net(n)]).slice(0, 12)}`;
      const [link] = JSON.parse(execFileSync('ip', ['-j', 'addr', 'show', 'dev', bridge], { encoding: 'utf8' })) as { addr_info: { family: string; local: string; prefixlen: number }[] }[];
      const address = link.addr_info.find((a) => a.family === 'inet');
      assert.ok(address);
      assert.ok(text.includes(`${net(n)} #183; bridge #183; ${address.local}/${address.prefixlen}`), `${net(n)}'s gateway ${address.local}/${address.prefixlen}`);
    }
  });

  test('with inferred parts hidden, the overview comes from a full read: every container is still listed', async () => {
    const hidden = { ...DEFAULT_DIAGRAM_OPTIONS, showInferred: false };
    assert.equal(await collectOverview(session, { scope: HOST, options: hidden }), undefined, 'unread namespaces would be inferred, then hidden');
    const cli = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
    const printed = execFileSync(process.execPath, [cli, 'diagram', '--no-inferred'], { encoding: 'utf8' });
    assert.match(printed, /%% overview by network/);
    for (let c = 0; c < CONTAINERS; c++) assert.ok(printed.includes(box(c)), `${box(c)} is printed`);
  });

  test('the command line prints that overview by default', () => {
    const cli = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
    const printed = execFileSync(process.execPath, [cli, 'diagram'], { encoding: 'utf8' });
    assert.match(printed, /%% overview by network/);
    for (let c = 0; c < CONTAINERS; c++) assert.ok(printed.includes(box(c)), `${box(c)} is printed`);
    assert.doesNotMatch(printed, /veth[0-9a-f]{7}/, 'no veth end');
  });
});
