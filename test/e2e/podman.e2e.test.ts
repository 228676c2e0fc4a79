/**
 * The Podman tier's e2e: the packaged VSIX in code-server, driven in Chromium, its engine a real
 * Podman (Debian 12's 4.3) serving its Docker-compatible API on a private socket
 * (test/support/podmanService.ts), chosen as a Podman user would: `dockerNetworks.dockerHost` set
 * to that socket (machine settings: the setting is machine-overridable and the code-server window
 * is remote). What the user sees, compared with what the `podman` CLI says:
 *  - the views' header names the engine "Podman <version>" (`podman version`), not Docker;
 *  - a network made with `podman network create` is in the Networks tree with its container's
 *    endpoint at the address `podman inspect` gives; the Containers tree shows the container on it;
 *  - Containers view: right-click the container -> Connect to Network… -> pick a second Podman
 *    network, no aliases, a fixed address in the subnet Podman picked for it (Podman, unlike Docker,
 *    takes one there: the address step offers it) -> `podman inspect` shows the container on that
 *    network at that address, and both trees show it there.
 * Screenshots: test-output/podman-e2e-*.png. Everything is named `pdm-…-<run>` with the label
 * dne.test.podman=1 and removed in `after` (service.stop()), even on failure; the Docker engines
 * are not touched (only read once: `docker save` gives Podman the test image).
 */
import * as assert from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { contextMenu, expandRow, readTree, screenshot, viewPane, waitForQuickInput, waitForRow, waitForTree } from '../harness/browser';
import { closeExtensionWorkbench, ensureDocker, ExtensionWorkbench, openExtensionWorkbench } from '../harness/workbench';
import { podmanInstalled, PodmanService, startPodmanService } from '../support/podmanService';
import { sleep, waitFor } from '../support/waitFor';

interface PodmanEndpoint {
  IPAddress?: string;
  IPPrefixLen?: number;
}

describe('Podman in the views (e2e: VSIX in code-server + Chromium + a real podman system service)', { timeout: 600_000, skip: podmanInstalled() ? false : 'podman is not installed' }, () => {
  let service: PodmanService | undefined;
  let workbench: ExtensionWorkbench | undefined;
  let page: Page | undefined;
  let net = '';
  let other = '';
  let box = '';

  const endpointsOf = (container: string): Record<string, PodmanEndpoint> =>
    (JSON.parse(service!.podman(['inspect', container])) as { NetworkSettings: { Networks: Record<string, PodmanEndpoint> } }[])[0].NetworkSettings.Networks;
  const cidr = (endpoint: PodmanEndpoint): string => `${endpoint.IPAddress}/${endpoint.IPPrefixLen}`;
  const rowOf = async (view: string, labelPath: string[]) => {
    const rows = await readTree(page!, view);
    let start = 0;
    let found: (typeof rows)[number] | undefined;
    for (let depth = 0; depth < labelPath.length; depth++) {
      const index = rows.findIndex((row, i) => i >= start && row.level === depth + 1 && row.label === labelPath[depth]);
      if (index < 0) return undefined;
      found = rows[index];
      start = index + 1;
    }
    return found;
  };

  /**
   * Expands a row, clicking again when a refresh re-rendered it under the first click (the shared
   * Podman storage may carry other runs' events, each refreshing the tree).
   */
  const expandStubbornly = async (p: Page, view: string, labelPath: string[]): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await expandRow(p, view, labelPath, 5_000);
        return;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
  };

  before(async () => {
    // The test image comes from the Docker engine (`docker save | podman load`, once per storage).
    ensureDocker();
    service = await startPodmanService();
    net = service.name('e2enet');
    other = service.name('e2eother');
    box = service.name('e2ebox');
    service.createNetwork(net);
    service.createNetwork(other);
    service.runContainer(box, ['--network', net]);
    workbench = await openExtensionWorkbench('docker-network-explorer-podman-e2e', {
      width: 1280,
      height: 1000,
      views: ['Networks', 'Containers'],
      machineSettings: { 'dockerNetworks.dockerHost': service.host },
    });
    page = workbench.page;
  });

  after(async () => {
    await closeExtensionWorkbench(workbench, 'podman-e2e-final');
    await service?.stop();
  });

  it('names the engine Podman in the header, with the version `podman version` gives', async () => {
    const p = page!;
    const version = service!.podman(['version', '--format', '{{.Client.Version}}']);
    assert.match(version, /^\d+\.\d+/);
    const paneHeader = viewPane(p, 'Networks').locator('.pane-header').first();
    let seen = '';
    const header = await waitFor('the Networks header to name the engine', async () => {
      seen = ((await paneHeader.innerText().catch(() => '')) ?? '').trim();
      return / · (Podman|Docker) /.test(seen) ? seen : undefined;
    }, { timeoutMs: 30_000, lastSeen: () => JSON.stringify(seen) });
    await screenshot(p, 'podman-e2e-header', { locator: viewPane(p, 'Networks') });
    // The header names the socket as a path (unix:// left out), then the engine.
    assert.ok(header.includes(`${service!.socketPath} · Podman ${version}`), `header: ${JSON.stringify(header)}`);
    assert.doesNotMatch(header, /Docker/);
  });

  it("shows the network made with `podman network create`, its container at the address `podman inspect` gives, in both trees", async () => {
    const p = page!;
    const endpoint = endpointsOf(box)[net];
    assert.ok(endpoint?.IPAddress, `podman inspect shows ${box} on ${net}`);
    // Podman's default network, under Podman's name for it (its compatible list calls it `bridge`).
    await waitForRow(p, 'Networks', ['podman'], 30_000);
    await waitForRow(p, 'Networks', [net], 30_000);
    await expandStubbornly(p, 'Networks', [net]);
    await waitForRow(p, 'Networks', [net, box], 15_000);
    assert.equal((await rowOf('Networks', [net, box]))?.description, `${cidr(endpoint)} · running`);
    assert.deepEqual((await rowOf('Networks', [other]))?.expanded, undefined, `${other} has no endpoint yet`);

    await waitForRow(p, 'Containers', [box], 30_000);
    await expandStubbornly(p, 'Containers', [box]);
    await waitForRow(p, 'Containers', [box, net], 15_000);
    assert.equal((await rowOf('Containers', [box]))?.description, `${cidr(endpoint)} · running`);
    assert.equal((await rowOf('Containers', [box, net]))?.description, `${cidr(endpoint)} · bridge`);
    await screenshot(p, 'podman-e2e-trees');
  });

  it('connects the container to a second Podman network from its context menu: podman inspect and both trees show it there', async () => {
    const p = page!;
    await contextMenu(p, 'Containers', [box], /^Connect to Network/);
    await waitForQuickInput(p, /Networks to connect/);
    const otherRow = p.locator('.quick-input-widget .monaco-list-row').filter({ has: p.locator('.label-name', { hasText: new RegExp(`^\\s*${other}\\s*$`) }) }).first();
    // In a multi-select quick pick a click on the row toggles its checkbox.
    await otherRow.locator('.label-name').first().click();
    await waitForQuickInput(p, /1 Selected/);
    await p.keyboard.press('Enter');
    await waitForQuickInput(p, /aliases/i);
    await screenshot(p, 'podman-e2e-aliases-step');
    await p.keyboard.press('Enter'); // no aliases: Podman's CNI networks here run no DNS server to answer them
    // Podman stores the subnet it picked as the network's own (`podman network inspect`) and honours a
    // fixed address there, unlike Docker on a subnet it chose: the step offers one, in that subnet.
    const subnet = service!.podman(['network', 'inspect', other, '--format', '{{range .Subnets}}{{.Subnet}} {{end}}']).trim();
    const [base, prefix] = subnet.split('/');
    assert.ok(/^\d+\.\d+\.\d+\.0$/.test(base) && Number(prefix) <= 24, `a /24 or wider IPv4 subnet: ${subnet}`);
    const fixed = base.replace(/\.0$/, '.77');
    await waitForQuickInput(p, new RegExp(`Fixed IPv4 address in ${subnet.replace(/[./]/g, '\\$&')}`));
    await screenshot(p, 'podman-e2e-address-step');
    await p.locator('.quick-input-widget input').first().fill(fixed);
    await sleep(300);
    await p.keyboard.press('Enter');

    const endpoint = await waitFor(`podman inspect to show ${box} on ${other}`, () => endpointsOf(box)[other]?.IPAddress ? endpointsOf(box)[other] : undefined, { timeoutMs: 20_000 });
    assert.equal(endpoint.IPAddress, fixed, 'the address asked for');
    // The engine's event refreshes the tree (no click): `other` gets its endpoint.
    await waitForTree(p, 'Networks', (rows) => rows.some((r) => r.level === 1 && r.label === other && r.expanded !== undefined), 20_000, `${other} has endpoints`);
    await expandStubbornly(p, 'Networks', [other]);
    await waitForRow(p, 'Networks', [other, box], 15_000);
    assert.equal((await rowOf('Networks', [other, box]))?.description, `${cidr(endpoint)} · running`);
    await waitForRow(p, 'Containers', [box, other], 15_000);
    assert.equal((await rowOf('Containers', [box, other]))?.description, `${cidr(endpoint)} · bridge`);
    const toasts = await p.locator('.notification-toast').allInnerTexts();
    assert.ok(!toasts.some((text) => /fail|refus|error/i.test(text)), `notifications: ${JSON.stringify(toasts)}`);
    await screenshot(p, 'podman-e2e-connected');
  });
});
