/**
 * Engine tier for the foundation: the seed labs' situations on the real dockerd, read through the
 * extension's own EngineClient and EngineSession, compared with what `docker inspect` says.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import { EngineSession } from '../../src/engine/engineSession';
import type { Inventory } from '../../src/model/inventory';
import { createNetwork, docker, removeLabelled, runContainer } from '../support/dockerCli';
import { sleep, waitFor } from '../support/waitFor';

const PREFIX = 'dnet-';
const name = (base: string) => `${PREFIX}${base}`;
/** This file's own label, so its cleanup never touches what other test files created. */
const LABEL = 'dne.test.live';
const run = (base: string, args: string[] = []) => runContainer(name(base), args, LABEL);
const net = (base: string) => createNetwork(name(base), [], LABEL);

describe('live session against the real engine', () => {
  let session: EngineSession;
  let client: EngineClient;
  const inventory = (): Inventory => session.inventory!;

  before(async () => {
    removeLabelled(LABEL);
    // The seed labs: default bridge with two containers (one --link), bnet with c1 (alias web) and c2,
    // dev with es (--network-alias search), c2 also on dev, host, none and container: modes.
    run('web1');
    run('web2', ['--link', `${name('web1')}:db`]);
    net('bnet');
    run('c1', ['--network', name('bnet'), '--network-alias', 'web']);
    run('c2', ['--network', name('bnet')]);
    net('dev');
    run('es', ['--network', name('dev'), '--network-alias', 'search']);
    docker(['network', 'connect', name('dev'), name('c2')]);
    run('hostbox', ['--network', 'host']);
    run('isolated', ['--network', 'none']);
    run('sidecar', ['--network', `container:${name('c1')}`]);
    client = new EngineClient(resolveTarget(undefined));
    session = new EngineSession(client, { debounceMs: 50 });
    await session.start();
    assert.equal(session.state.kind, 'connected');
  });

  after(() => {
    session?.dispose();
    removeLabelled(LABEL);
  });

  test('every network and endpoint equals `docker network inspect`', async () => {
    const names = docker(['network', 'ls', '--format', '{{.Name}}']).split('\n').sort();
    assert.deepEqual(inventory().networks.map((n) => n.name).sort(), names);
    for (const network of inventory().networks) {
      const inspected = JSON.parse(docker(['network', 'inspect', network.id]))[0];
      const expected = Object.entries(inspected.Containers ?? {})
        .map(([id, c]) => `${id}=${(c as { IPv4Address: string }).IPv4Address}`)
        .sort();
      const actual = network.endpoints
        .filter((e) => !e.viaContainer && e.running)
        .map((e) => `${e.containerId}=${e.ipv4 ? `${e.ipv4}/${e.ipv4PrefixLength}` : ''}`)
        .sort();
      assert.deepEqual(actual, expected, network.name);
      assert.equal(network.driver, inspected.Driver);
      assert.deepEqual(network.subnets.map((s) => s.subnet), (inspected.IPAM.Config ?? []).map((c: { Subnet: string }) => c.Subnet));
    }
  });

  test('aliases after one on-demand inspect equal `docker inspect`', async () => {
    const es = inventory().containers.find((c) => c.name === name('es'))!;
    const endpoint = inventory().networks.find((n) => n.name === name('dev'))!.endpoints.find((e) => e.containerId === es.id)!;
    assert.equal(session.endpointNames(endpoint), undefined, 'unknown before the inspection');
    const before = inventory();
    await session.containerDetails(es.id);
    assert.equal(inventory(), before, 'an inspection does not rebuild the inventory');
    const inspected = JSON.parse(docker(['inspect', es.id]))[0].NetworkSettings.Networks[name('dev')];
    const userAliases = (inspected.Aliases as string[]).filter((a) => a !== es.shortId);
    assert.deepEqual(session.endpointNames(endpoint)?.aliases, userAliases);
    assert.deepEqual(session.endpointNames(endpoint)?.aliases, ['search']);
  });

  test('host, none, container: and --link are modelled as docker inspect says', () => {
    const inv = inventory();
    const byName = (n: string) => inv.containers.find((c) => c.name === name(n))!;
    assert.equal(byName('hostbox').networkMode.kind, JSON.parse(docker(['inspect', name('hostbox')]))[0].HostConfig.NetworkMode);
    assert.equal(byName('isolated').networkMode.kind, 'none');
    const sidecarMode = JSON.parse(docker(['inspect', name('sidecar')]))[0].HostConfig.NetworkMode as string;
    assert.equal(`container:${byName('sidecar').sharesStackOf!.id}`, sidecarMode);
    const links = JSON.parse(docker(['inspect', name('web2')]))[0].HostConfig.Links as string[];
    assert.deepEqual(links, [`/${name('web1')}:/${name('web2')}/db`]);
    assert.deepEqual(byName('web2').links.map((l) => `/${l.toName}:/${l.fromName}/${l.alias}`), links);
  });

  test('an outside `docker network connect` reaches the model through events, without polling', async () => {
    let changes = 0;
    const listener = session.onDidChange(() => changes++);
    const started = Date.now();
    docker(['network', 'connect', '--alias', 'late', name('dev'), name('web1')]);
    const endpoint = await waitFor('web1 on dev', () => inventory().networks.find((n) => n.name === name('dev'))?.endpoints.find((e) => e.containerName === name('web1')), {
      timeoutMs: 2000,
      intervalMs: 20,
    });
    const latency = Date.now() - started;
    listener.dispose();
    console.log(`# outside connect shown after ${latency} ms (${changes} refreshes)`);
    assert.ok(endpoint.ipv4);
    docker(['network', 'disconnect', name('dev'), name('web1')]);
    await waitFor('web1 gone from dev', () => !inventory().networks.find((n) => n.name === name('dev'))?.endpoints.some((e) => e.containerName === name('web1')), { timeoutMs: 2000, intervalMs: 20 });
  });

  test('a refresh costs the same two API calls with 3 or 23 more networks', async () => {
    const costOfRefresh = async () => {
      const before = client.apiCallCount;
      await session.refresh();
      return client.apiCallCount - before;
    };
    for (let i = 0; i < 3; i++) net(`few${i}`);
    await sleep(300);
    const few = await costOfRefresh();
    for (let i = 0; i < 20; i++) net(`many${i}`);
    await sleep(300);
    const many = await costOfRefresh();
    console.log(`# API calls per refresh: ${few} (few networks), ${many} (20 more networks)`);
    assert.equal(few, 2);
    assert.equal(many, 2);
    assert.ok(inventory().networks.filter((n) => n.name.startsWith(name('many'))).length === 20);
  });

  test('a stopped engine-side container shows as stopped after its die event', async () => {
    docker(['stop', '-t', '0', name('isolated')]);
    const container = await waitFor('isolated stopped', () => inventory().containers.find((c) => c.name === name('isolated') && !c.running), { timeoutMs: 3000, intervalMs: 20 });
    assert.equal(container.state, 'exited');
  });
});
