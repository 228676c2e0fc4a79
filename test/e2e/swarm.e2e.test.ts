/**
 * Tier 4 for swarm clusters: the packaged VSIX in code-server, driven in Chromium, connected to
 * the manager of a real three-node swarm that this file builds on the machine (swarmCluster.ts)
 * and tears down afterwards, even on failure. What the user reads under a swarm network: the
 * nodes it spans (address, role, "this node") and each node's task (name.slot, state, address).
 */
import * as assert from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { expandRow, readTree, screenshot, waitForRow } from '../harness/browser';
import { closeExtensionWorkbench, ensureDocker, ExtensionWorkbench, openExtensionWorkbench } from '../harness/workbench';
import { nodeDocker } from '../support/dockerdNode';
import { startSwarmCluster, SwarmCluster } from '../support/swarmCluster';

describe('swarm network in the Networks view (e2e: VSIX in code-server + Chromium + a real three-node swarm)', { timeout: 600_000 }, () => {
  let cluster: SwarmCluster | undefined;
  let workbench: ExtensionWorkbench | undefined;
  let page: Page | undefined;

  before(async () => {
    ensureDocker();
    cluster = await startSwarmCluster({ hub: 'dnese', group: 1 });
    workbench = await openExtensionWorkbench('docker-network-explorer-swarm-e2e', {
      width: 1280, height: 900, views: ['Networks'], settings: { 'dockerNetworks.dockerHost': cluster.manager.host },
    });
    page = workbench.page;
  });

  after(async () => {
    await closeExtensionWorkbench(workbench, 'swarm-e2e-final');
    await cluster?.stop();
  });

  it('lists the nodes a swarm network spans, each with its task and address there', async () => {
    const p = page!;
    const c = cluster!;
    await expandRow(p, 'Networks', [c.network.name], 60_000);
    for (const node of c.nodes) {
      await waitForRow(p, 'Networks', [c.network.name, node.name], 20_000);
    }
    const rows = await readTree(p, 'Networks');
    const nodeRow = (name: string) => rows.find((row) => row.level === 2 && row.label === name)!;
    assert.match(nodeRow(c.manager.name).description, new RegExp(`^${c.manager.address.replace(/\./g, '\\.')} · manager \\(leader\\) · this node$`));
    for (const node of c.nodes.slice(1)) {
      assert.equal(nodeRow(node.name).description, `${node.address} · worker`);
    }
    // Each node row is expanded with its task: `service.slot`, "running · <its address on the network>".
    for (const node of c.nodes) {
      const containerId = nodeDocker(node, ['ps', '-q', '--no-trunc', '--filter', `label=com.docker.swarm.service.name=${c.service.name}`]);
      const taskName = nodeDocker(node, ['inspect', '-f', '{{index .Config.Labels "com.docker.swarm.task.name"}}', containerId]).split('.').slice(0, 2).join('.');
      const address = nodeDocker(node, ['inspect', '-f', `{{(index .NetworkSettings.Networks "${c.network.name}").IPAddress}}`, containerId]);
      await waitForRow(p, 'Networks', [c.network.name, node.name, taskName], 20_000);
      const task = (await readTree(p, 'Networks')).find((row) => row.level === 3 && row.label === taskName)!;
      assert.match(task.description, new RegExp(`^running · ${address.replace(/\./g, '\\.')}/24$`));
    }
    await screenshot(p, 'swarm-e2e-network-nodes');
  });
});
