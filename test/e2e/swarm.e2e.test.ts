/**
 * Tier 4 for swarm clusters: the packaged VSIX in code-server, driven in Chromium, connected to
 * the manager of a real three-node swarm that this file builds on the machine (swarmCluster.ts)
 * and tears down afterwards, even on failure. What the user reads under a swarm network: the
 * nodes it spans (address, role, "this node") and each node's task (name.slot, state, address).
 * Then "Show Topology" on that network: the drawn SVG (not the Mermaid text) holds one overlay
 * namespace `1-<id10>` per node titled with its host name and address (`docker node inspect`
 * Status.Addr), each with br0 and vxlan0 carrying the VNI (`docker network inspect`
 * vxlanid_list), and one dashed tunnel per pair of nodes labelled `VNI <n> · udp/4789`. The
 * extension reaches node 1 through its socket from outside that node's network namespace: a
 * remote engine, so the panel draws at API level and everything is inferred (dashed).
 * Screenshot: test-output/swarm-e2e-topology.png.
 */
import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { contextMenu, expandRow, OUTPUT_DIR, readTree, screenshot, topologyWebview, waitForRow } from '../harness/browser';
import { REPO_ROOT } from '../harness/codeServer';
import { closeExtensionWorkbench, ensureDocker, ExtensionWorkbench, openExtensionWorkbench } from '../harness/workbench';
import { nodeDocker } from '../support/dockerdNode';
import { startSwarmCluster, SwarmCluster } from '../support/swarmCluster';
import { sleep, waitFor } from '../support/waitFor';



interface Rect { x: number; y: number; w: number; h: number }
/** The DOM members read inside the webview (the test tsconfig has no DOM lib). */
interface SvgElement {
  id: string;
  textContent: string | null;
  innerText?: string;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { x: number; y: number; width: number; height: number };
  querySelector(selector: string): SvgElement | null;
  querySelectorAll(selector: string): Iterable<SvgElement>;
}
/** A drawn box: a namespace (Mermaid cluster) or an interface (node); `lines` is its label, one entry per line. */
interface DrawnBox { id: string; lines: string[]; classes: string; rect: Rect; titleRect?: Rect }
/** What the panel drew: its status line, namespaces, interfaces, edge paths (data-id, classes) and edge labels. */
interface Drawing {
  status: string;
  namespaces: DrawnBox[];
  interfaces: DrawnBox[];
  paths: { id: string; classes: string }[];
  edgeLabels: { id: string; text: string; rect: Rect }[];
}

async function readDrawing(page: Page): Promise<Drawing | undefined> {
  const body = topologyWebview(page).locator('body');
  if (!(await body.count().catch(() => 0))) return undefined;
  return body.evaluate((element: unknown) => {
    const root = element as SvgElement;
    const rect = (el: SvgElement): Rect => {
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, w: r.width, h: r.height };
    };
    // HTML labels (a div in a foreignObject): innerText keeps Mermaid's <br/> as line breaks.
    const lines = (el: SvgElement | null) => ((el?.querySelector('foreignObject div')?.innerText ?? el?.textContent ?? '').split('\n')).map((l) => l.trim()).filter(Boolean);
    const svg = root.querySelector('#diagram svg');
    const status = (root.querySelector('#status')?.textContent ?? '').trim();
    if (!svg) return { status, namespaces: [], interfaces: [], paths: [], edgeLabels: [] };
    const idOf = (el: SvgElement) => el.getAttribute('data-id') ?? /-flowchart-(.+)-\d+$/.exec(el.id)?.[1] ?? el.id;
    return {
      status,
      namespaces: [...svg.querySelectorAll('g.cluster')].map((el) => {
        const title = el.querySelector('.cluster-label');
        return { id: idOf(el), lines: lines(title), classes: el.getAttribute('class') ?? '', rect: rect(el.querySelector('rect') ?? el), titleRect: title ? rect(title) : undefined };
      }),
      interfaces: [...svg.querySelectorAll('g.node')].map((el) => ({ id: idOf(el), lines: lines(el), classes: el.getAttribute('class') ?? '', rect: rect(el) })),
      paths: [...svg.querySelectorAll('path[data-id^="L_"]')].map((el) => ({ id: el.getAttribute('data-id') ?? '', classes: el.getAttribute('class') ?? '' })),
      edgeLabels: [...svg.querySelectorAll('g.edgeLabel')].map((el) => ({
        id: el.querySelector('[data-id]')?.getAttribute('data-id') ?? '',
        text: (el.textContent ?? '').trim(),
        rect: rect(el),
      })),
    };
  }).catch(() => undefined);
}

/** The innermost namespace holding the centre of a drawn interface. */
function namespaceOf(drawing: Drawing, node: DrawnBox): DrawnBox | undefined {
  const [cx, cy] = [node.rect.x + node.rect.w / 2, node.rect.y + node.rect.h / 2];
  return drawing.namespaces
    .filter((ns) => cx >= ns.rect.x && cx <= ns.rect.x + ns.rect.w && cy >= ns.rect.y && cy <= ns.rect.y + ns.rect.h)
    .sort((a, b) => a.rect.w * a.rect.h - b.rect.w * b.rect.h)[0];
}

/** Two rectangles share more than 2 px each way. */
function overlaps(a: Rect, b: Rect): boolean {
  return Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x) > 2 && Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y) > 2;
}

describe('swarm network in the Networks view (e2e: VSIX in code-server + Chromium + a real three-node swarm)', { timeout: 600_000 }, () => {
  let cluster: SwarmCluster | undefined;
  let workbench: ExtensionWorkbench | undefined;
  let page: Page | undefined;

  before(async () => {
    ensureDocker();
    cluster = await startSwarmCluster({ hub: 'dnese', group: 1 });
    workbench = await openExtensionWorkbench('docker-network-explorer-swarm-e2e', {
      width: 1280, height: 900, views: ['Networks'],
      // dockerHost is machine-overridable: the remote (code-server) window reads it from the machine settings.
      machineSettings: { 'dockerNetworks.dockerHost': cluster.manager.host },
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

  it('draws each node\'s overlay namespace and the VXLAN tunnels between the node addresses in the topology panel', async () => {
    const p = page!;
    const c = cluster!;
    const vni = nodeDocker(c.manager, ['network', 'inspect', '-f', '{{index .Options "com.docker.network.driver.overlay.vxlanid_list"}}', c.network.id]);
    assert.match(vni, /^\d+$/);
    const addressOf = new Map(c.nodes.map((node) => [node.name, nodeDocker(c.manager, ['node', 'inspect', '-f', '{{.Status.Addr}}', c.nodeIds.get(node.name)!])]));
    const overlayName = `1-${c.network.id.slice(0, 10)}`;
    await contextMenu(p, 'Networks', [c.network.name], /^Show Topology$/);
    const tunnelLabel = `VNI ${vni} · udp/4789`;
    let last: Drawing | undefined;
    const drawing = await waitFor('the swarm overlay namespaces and their tunnels to be drawn', async () => {
      last = await readDrawing(p);
      const overlays = last?.namespaces.filter((ns) => ns.lines.join(' ').includes(overlayName)) ?? [];
      return overlays.length === c.nodes.length && last!.edgeLabels.filter((l) => l.text === tunnelLabel).length === 3 ? last : undefined;
    }, { timeoutMs: 60_000, intervalMs: 200, lastSeen: () => JSON.stringify(last && { ...last, paths: last.paths.length }) });
    // No tree hover (left by the first test) over the picture.
    await p.mouse.move(700, 880);
    await p.keyboard.press('Escape');
    await sleep(300);
    const shot = await screenshot(p, 'swarm-e2e-topology');
    // Beside the screenshot, the same scope's Mermaid text as the command line makes it (for whoever reads the run).
    const mermaid = execFileSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), 'diagram', '--host', c.manager.host, '--network', c.network.name, '--full'], { encoding: 'utf8' });
    fs.writeFileSync(path.join(OUTPUT_DIR, 'swarm-e2e-topology.mmd'), mermaid);
    console.log(`screenshot: ${shot}\n${mermaid}`);
    // Node 1's socket is reached from outside its network namespace: a remote engine, API level.
    assert.match(drawing.status, /Engine is remote: host plumbing inferred from the Engine API \(dashed\)/);

    const vxlanByNode = new Map<string, DrawnBox>();
    for (const node of c.nodes) {
      const address = addressOf.get(node.name)!;
      assert.equal(address, node.address, `${node.name}: the swarm's address is the hub address`);
      const ns = drawing.namespaces.find((entry) => entry.lines.join(' ').includes(overlayName) && entry.lines.join(' ').includes(`${node.name} · ${address}`));
      assert.ok(ns, `no overlay namespace titled with ${node.name} · ${address}: ${JSON.stringify(drawing.namespaces.map((entry) => entry.lines))}`);
      // Only the manager's engine is configured: every other node says why it is inferred.
      const why = node === c.manager ? '' : ' · no engine configured for this node';
      assert.match(ns.lines.join(' '), new RegExp(`^overlay netns ${overlayName} · network ${c.network.name} · ${node.name} · ${address.replace(/\./g, '\\.')}${why}$`));
      const inside = drawing.interfaces.filter((iface) => namespaceOf(drawing, iface)?.id === ns.id);
      const br0 = inside.find((iface) => iface.lines[0] === 'br0');
      const vxlan = inside.find((iface) => iface.lines[0] === 'vxlan0');
      assert.ok(br0 && vxlan, `${node.name}: br0 and vxlan0 in ${ns.lines.join(' ')}; drawn there: ${JSON.stringify(inside.map((iface) => iface.lines))}`);
      assert.ok(vxlan.lines.includes(`VNI ${vni}`), `${node.name}: vxlan0 shows ${JSON.stringify(vxlan.lines)}`);
      // API level: nothing of the overlay was observed, all of it is drawn dashed (namespace box and interfaces).
      assert.match(ns.classes, /\binferred\b/, `${node.name}: the namespace is not drawn as inferred`);
      for (const iface of [br0, vxlan]) {
        assert.match(iface.classes, /\binferred\b/, `${node.name} ${iface.lines[0]} is not drawn as inferred`);
      }
      vxlanByNode.set(node.name, vxlan);
    }
    // One dashed tunnel per pair of nodes, between their vxlan0, labelled with the VNI and the port.
    for (let i = 0; i < c.nodes.length; i++) {
      for (let j = i + 1; j < c.nodes.length; j++) {
        const [a, b] = [vxlanByNode.get(c.nodes[i].name)!.id, vxlanByNode.get(c.nodes[j].name)!.id];
        const between = (id: string) => id.startsWith(`L_${a}_${b}_`) || id.startsWith(`L_${b}_${a}_`);
        const path = drawing.paths.find((entry) => between(entry.id));
        assert.ok(path, `no tunnel drawn between ${c.nodes[i].name} and ${c.nodes[j].name}`);
        assert.match(path.classes, /edge-pattern-dotted/, `the tunnel ${c.nodes[i].name} - ${c.nodes[j].name} is not dashed`);
        assert.equal(drawing.edgeLabels.find((entry) => between(entry.id))?.text, tunnelLabel);
      }
    }
    // Readable: no namespace title or tunnel label drawn over an interface.
    const hidden = drawing.interfaces.flatMap((iface) => [
      ...drawing.namespaces.filter((ns) => ns.titleRect && overlaps(ns.titleRect, iface.rect)).map((ns) => `${ns.lines.join(' ')} / ${iface.lines[0]}`),
      ...drawing.edgeLabels.filter((l) => l.text && overlaps(l.rect, iface.rect)).map((l) => `${l.text} / ${iface.lines[0]}`),
    ]);
    assert.deepEqual(hidden, []);
    // The panel alone in a wide window (the diagram refits), to read the labels in the picture.
    await p.setViewportSize({ width: 2400, height: 1300 });
    await sleep(1500);
    await screenshot(p, 'swarm-e2e-topology-wide', { locator: p.locator('iframe.webview').first() });
  });
});
