/**
 * Capture Packets…: from a container, an endpoint or a membership (the container's namespace), a
 * network (its bridge on the host), or the palette (asks). Then a quick input flow: the interface
 * (the container's, or all of them), a BPF filter checked by tcpdump's own compiler as it is typed
 * (its refusal shown at the field), a limit (packets, or seconds with `s`), the file (a save dialog,
 * by default in the workspace folder or the temporary folder). The capture runs where
 * chooseCaptureRunner says (the host's tcpdump as root) and the live view follows it.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CaptureView } from '../capturePanel/capturePanel';
import { captureFolderProblem, isHostInterface } from '../engine/capture/captureFile';
import { chooseCaptureRunner } from '../engine/capture/captureRunner';
import { HelperCaptureError } from '../engine/captureHelper';
import { helperRunnerFactory } from '../session/vscodeHelperCapture';
import type { CaptureRunner } from '../engine/capture/captureRunner';
import { containerInterfaces } from '../engine/capture/containerInterfaces';
import { captureIssueSentence, filterRefusedSentence, folderNotWritableSentence, unavailableSentence } from '../messages/captureMessages';
import { captureInterface, countIssue, durationIssue, filterIssue, interfaceIssue } from '../model/capture/spec';
import type { CaptureSpec, CaptureTarget } from '../model/capture/types';
import type { Inventory } from '../model/inventory';
import type { TreeNode } from '../model/treeModel';
import type { Services } from '../services';
import { Cancelled, CommandDefinition, UserFacingError } from './command';

function targetOfNode(node: TreeNode, inventory: Inventory): CaptureTarget | undefined {
  switch (node.kind) {
    case 'container':
    case 'endpoint':
    case 'membership': {
      const container = inventory.containerById.get(node.containerId);
      return container ? { kind: 'container', containerId: container.id, containerName: container.name } : undefined;
    }
    case 'network': {
      const network = inventory.networkById.get(node.networkId);
      if (network && !network.bridgeName) {
        throw new UserFacingError(vscode.l10n.t('{0} has no bridge on this host to capture on (driver {1}): capture on one of its containers instead.', network.name, network.driver));
      }
      return network?.bridgeName ? { kind: 'hostInterface', interface: network.bridgeName } : undefined;
    }
    default:
      return undefined;
  }
}

async function pickTarget(inventory: Inventory): Promise<CaptureTarget> {
  type Item = vscode.QuickPickItem & { target?: CaptureTarget };
  const containers: Item[] = inventory.containers
    .filter((container) => container.running)
    .map((container) => ({ label: `$(package) ${container.name}`, description: vscode.l10n.t('container'), target: { kind: 'container', containerId: container.id, containerName: container.name } }));
  const bridges: Item[] = inventory.networks
    .filter((network) => network.bridgeName)
    .map((network) => ({ label: `$(type-hierarchy) ${network.bridgeName}`, description: vscode.l10n.t('bridge of {0}', network.name), target: { kind: 'hostInterface', interface: network.bridgeName! } }));
  const other: Item = { label: `$(edit) ${vscode.l10n.t('Another interface of this host…')}` };
  const chosen = await vscode.window.showQuickPick<Item>([...containers, ...bridges, other], { title: vscode.l10n.t('Capture Packets'), placeHolder: vscode.l10n.t('Where to capture'), matchOnDescription: true });
  if (!chosen) {
    throw new Cancelled();
  }
  if (chosen.target) {
    return chosen.target;
  }
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('Capture Packets'),
    prompt: vscode.l10n.t('An interface of this host (a bridge, a veth…)'),
    validateInput: async (value) => {
      const issue = interfaceIssue(value.trim());
      if (issue || value.trim() === 'any') {
        return captureIssueSentence(issue ?? { field: 'interface', code: 'invalidInterface', value: 'any' }, vscode.l10n);
      }
      return (await isHostInterface(value.trim())) ? undefined : vscode.l10n.t('This host has no interface named {0}.', value.trim());
    },
  });
  if (name === undefined) {
    throw new Cancelled();
  }
  return { kind: 'hostInterface', interface: name.trim() };
}

async function pickInterface(services: Services, target: Extract<CaptureTarget, { kind: 'container' }>): Promise<string | undefined> {
  const names = await containerInterfaces(services.session.client, target.containerId, services.session.isLocal);
  if (names.length === 0) {
    return undefined;
  }
  const all: vscode.QuickPickItem = { label: vscode.l10n.t('All interfaces'), description: 'any' };
  const chosen = await vscode.window.showQuickPick([all, ...names.map((name) => ({ label: name }))], {
    title: vscode.l10n.t('Capture Packets on {0}', target.containerName),
    placeHolder: vscode.l10n.t('Interface to capture on'),
  });
  if (!chosen) {
    throw new Cancelled();
  }
  return chosen === all ? undefined : chosen.label;
}

async function askFilter(runner: CaptureRunner): Promise<string | undefined> {
  const filter = await vscode.window.showInputBox({
    title: vscode.l10n.t('Capture Packets: filter'),
    prompt: vscode.l10n.t('A tcpdump (BPF) filter, e.g. icmp or tcp port 80; empty: every packet'),
    validateInput: async (value) => {
      if (value.trim() === '') {
        return undefined;
      }
      const issue = filterIssue(value);
      if (issue) {
        return captureIssueSentence(issue, vscode.l10n);
      }
      const refusal = await runner.checkFilter(value);
      return refusal ? filterRefusedSentence(refusal, vscode.l10n) : undefined;
    },
  });
  if (filter === undefined) {
    throw new Cancelled();
  }
  return filter.trim() === '' ? undefined : filter.trim();
}

/** `N` packets, `Ns` seconds, empty: until stopped. */
function parseLimit(text: string): { count?: number; durationSeconds?: number; error?: string } {
  const value = text.trim();
  if (value === '') {
    return {};
  }
  const match = /^(\d{1,9})\s*(s?)$/.exec(value);
  if (!match) {
    return { error: vscode.l10n.t('Write a number of packets (1000) or of seconds (30s), or leave it empty to capture until stopped.') };
  }
  const number = Number(match[1]);
  const issue = match[2] ? durationIssue(number) : countIssue(number);
  return issue ? { error: captureIssueSentence(issue, vscode.l10n) } : match[2] ? { durationSeconds: number } : { count: number };
}

async function askLimit(): Promise<{ count?: number; durationSeconds?: number }> {
  const text = await vscode.window.showInputBox({
    title: vscode.l10n.t('Capture Packets: limit'),
    prompt: vscode.l10n.t('Stop after this many packets (1000) or seconds (30s); empty: until you stop it'),
    value: '1000',
    validateInput: (value) => parseLimit(value).error,
  });
  if (text === undefined) {
    throw new Cancelled();
  }
  return parseLimit(text);
}

function safeFilePart(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60);
}

async function askFile(target: CaptureTarget): Promise<string> {
  const name = target.kind === 'container' ? target.containerName : captureInterface(target);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.scheme === 'file' ? vscode.workspace.workspaceFolders[0].uri.fsPath : os.tmpdir();
  const chosen = await vscode.window.showSaveDialog({
    title: vscode.l10n.t('Capture Packets: pcap file'),
    defaultUri: vscode.Uri.file(path.join(folder, `capture-${safeFilePart(name)}-${stamp}.pcap`)),
    filters: { pcap: ['pcap'] },
  });
  if (!chosen) {
    throw new Cancelled();
  }
  // A remote window's dialog answers with the remote side's path (vscode-remote://…/path).
  return chosen.scheme === 'file' ? chosen.fsPath : chosen.path;
}

function detailOf(spec: CaptureSpec): string {
  const parts = [vscode.l10n.t('interface {0}', captureInterface(spec.target))];
  parts.push(spec.filter ? vscode.l10n.t('filter {0}', spec.filter) : vscode.l10n.t('no filter'));
  if (spec.count !== undefined) parts.push(vscode.l10n.t('{0} packets', spec.count));
  if (spec.durationSeconds !== undefined) parts.push(vscode.l10n.t('{0} s', spec.durationSeconds));
  parts.push(spec.file);
  return parts.join(' · ');
}

/** The diagram's context menu passes its node's `data-vscode-context` (webview/context menus). */
function diagramNodeOf(argument: unknown): string | undefined {
  if (!argument || typeof argument !== 'object') {
    return undefined;
  }
  const context = argument as { webviewSection?: unknown; dneNode?: unknown };
  return context.webviewSection === 'diagramInterface' && typeof context.dneNode === 'string' ? context.dneNode : undefined;
}

export const capturePacketsCommand: CommandDefinition = {
  id: 'dockerNetworks.capturePackets',
  async run(services: Services, node?: unknown) {
    const inventory = services.inventory();
    if (!inventory) {
      throw new UserFacingError(vscode.l10n.t('The engine does not answer: there is nothing to capture on.'));
    }
    const treeNode = node && typeof node === 'object' && 'kind' in node ? (node as TreeNode) : undefined;
    const diagramNode = diagramNodeOf(node);
    services.log.info(`capture packets: from ${treeNode ? `a ${treeNode.kind} node` : diagramNode ? 'the diagram' : 'the palette'}`);
    const fromDiagram = diagramNode !== undefined ? services.topologyPanel.captureTargetAt(diagramNode) : undefined;
    if (diagramNode !== undefined && !fromDiagram) {
      throw new UserFacingError(vscode.l10n.t('This part of the diagram is no longer drawn: capture from the redrawn diagram.'));
    }
    const target = fromDiagram ? { ...fromDiagram } : ((treeNode && targetOfNode(treeNode, inventory)) ?? (await pickTarget(inventory)));
    if (target.kind === 'container' && !fromDiagram) {
      target.interface = await pickInterface(services, target);
    }
    const draft: CaptureSpec = { target, file: '/' };
    // Without root or on an engine that is not local: a helper container on the engine, after consent.
    const helper = helperRunnerFactory(services.context, services.log, services.session.client);
    const choice = await chooseCaptureRunner(draft, { api: services.session.client, target: services.session.target, isLocal: services.session.isLocal, helper }).catch((error: unknown) => {
      throw error instanceof HelperCaptureError ? new UserFacingError(error.message) : error;
    });
    if (!choice.runner) {
      throw new UserFacingError(unavailableSentence(choice.reason, target.kind === 'container' ? target.containerName : captureInterface(target), vscode.l10n));
    }
    const filter = await askFilter(choice.runner);
    const limit = await askLimit();
    const file = await askFile(target);
    const problem = await captureFolderProblem(file);
    if (problem) {
      throw new UserFacingError(folderNotWritableSentence(path.dirname(file), problem, vscode.l10n));
    }
    const spec: CaptureSpec = { target, filter, ...limit, file };
    // The runner was chosen for the target; the filter, limit and file are its spec now.
    const again = choice.runner.method === 'helper' ? helperRunnerFactory(services.context, services.log, services.session.client, true) : undefined;
    const runner = (await chooseCaptureRunner(spec, { api: services.session.client, target: services.session.target, isLocal: services.session.isLocal, helper: again })).runner ?? choice.runner;
    const capture = await runner.start();
    services.log.info(`capture started on ${target.kind === 'container' ? target.containerName : ''} ${captureInterface(target)} (${runner.method}) to ${file}`);
    const title = vscode.l10n.t('Capture: {0}', target.kind === 'container' ? `${target.containerName} (${captureInterface(target)})` : captureInterface(target));
    // Not in the context's subscriptions (a closed view would stay there): deactivate closes the open ones.
    new CaptureView(capture, { title, detail: detailOf(spec), file, log: services.log });
  },
};
