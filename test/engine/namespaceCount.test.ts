/**
 * Engine tier for issue 22, item 5 (root, real dockerd): the topology panel's log said "303
 * namespaces" on a host with 3, counting containers created and never started (they have no network
 * namespace). With one running container and three made by `docker create` on a network of its own,
 * the panel's log line (probeLog.ts, on what the session's topology source read from the real engine
 * and the real host) counts as many namespaces as the probe read on the host, and names the
 * containers not running apart. Everything carries the label dne.test.nscount and is removed after.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import { EngineSession } from '../../src/engine/engineSession';
import { TopologySource } from '../../src/engine/topologySource';
import { probeLogLine } from '../../src/topologyPanel/probeLog';
import { createNetwork, docker, removeLabelled, runContainer, TEST_IMAGE } from '../support/dockerCli';

const LABEL = 'dne.test.nscount';
const NET = 'dne-nscount-net';
const RUNNING = 'dne-nscount-running';
const CREATED = [0, 1, 2].map((n) => `dne-nscount-created${n}`);
const isRoot = process.getuid?.() === 0;

describe('the namespaces the topology log counts (real engine)', { skip: isRoot ? false : 'needs root (nsenter)' }, () => {
  let session: EngineSession;

  before(async () => {
    removeLabelled(LABEL);
    createNetwork(NET, [], LABEL);
    runContainer(RUNNING, ['--network', NET], LABEL);
    for (const name of CREATED) {
      docker(['create', '--name', name, '--label', `${LABEL}=1`, '--network', NET, TEST_IMAGE, 'sleep', '100000']);
    }
    session = new EngineSession(new EngineClient(resolveTarget(undefined, undefined, { ...process.env, DOCKER_CONTEXT: undefined }), 20_000), { debounceMs: 0, watch: false });
    await session.refresh();
  });

  after(() => {
    session?.dispose();
    removeLabelled(LABEL);
  });

  test('three containers created and never started add no namespace to the count logged', async () => {
    const source = new TopologySource(session);
    try {
      // The panel's read, every namespace read (never the overview's host-only read): the count is the host's.
      const collected = await source.collect();
      assert.ok(collected);
      assert.equal(collected.facts.level, 'netns', 'read as root through nsenter');
      const created = collected.inventory.containers.filter((container) => CREATED.includes(container.name));
      assert.deepEqual(created.map((container) => container.running), [false, false, false], 'docker create starts nothing');
      // What the probe read on the host: the host, each running container's sandbox, overlay/ingress ones
      // (`other`: a sandbox of a container this snapshot does not know, which the diagram leaves out).
      const read = collected.facts.namespaces.filter((ns) => ns.kind !== 'other').length;
      const notRunning = collected.inventory.containers.filter((container) => !container.running).length;
      assert.ok(notRunning >= CREATED.length);
      const line = probeLogLine({ probe: 1, collected, overview: false, nodeCount: 0, totalMs: 0 });
      assert.match(line, new RegExp(`, ${read} namespaces \\(${notRunning} containers? not running: no namespace\\), `));
    } finally {
      source.dispose();
    }
  });
});
