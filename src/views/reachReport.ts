/**
 * The connectivity doctor's report as Markdown in the UI language: the disagreement first (the
 * case a user needs help with), then the verdict, the networks in common with the names A can
 * use, why not and the fix, every check (expected vs observed) and the path. Every engine string
 * is escaped (md) or fenced (code): a crafted name cannot add a link, a line or HTML.
 */
import * as vscode from 'vscode';
import type { Blocker, Check, ReachPath, ReachReport, ReachSide, SharedNetwork, VerdictValue } from '../model/reachability/types';
import { CHECK_KINDS, FIXES, HopStyle, hopText, NOTES, OBSERVATION_REASONS, OBSERVED_THROUGH_HELPER, OUTCOMES, packetStoryText, RULES, sideName } from '../messages/reachMessages';
import { shellCommand } from '../model/safeText';
import { tableName } from '../model/reachability/packetFilter';
import { code, field, md } from './treeItems';
import { dateTime } from './uiFormat';

type Params = Record<string, string>;

/** Params escaped for Markdown; the packet-filter rule text as a code span. */
function escaped(params: Params): Params {
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, key === 'rule' ? code(value) : md(value)]));
}

function sideText(side: ReachSide): string {
  return sideName(side, vscode.l10n.t('the host'));
}

function verdictWord(value: VerdictValue): string {
  return value === 'reachable' ? vscode.l10n.t('reachable') : vscode.l10n.t('not reachable');
}

/** The report's title line: who, to whom, how (by address or name, ICMP or a TCP port). */
export function reachTitle(report: ReachReport): string {
  const { question } = report;
  const how = [
    question.name !== undefined ? vscode.l10n.t('by the name {0}', code(question.name)) : vscode.l10n.t('by address'),
    question.port !== undefined ? vscode.l10n.t('TCP port {0}', String(question.port)) : vscode.l10n.t('ping'),
  ].join(', ');
  return vscode.l10n.t('Can {0} reach {1}? ({2})', md(sideText(question.from)), md(sideText(question.to)), how);
}

export function reachReportMarkdown(report: ReachReport, checkedAt: Date = new Date()): string {
  const parts = [`# ${reachTitle(report)}`, `_${vscode.l10n.t('Checked at {0}.', md(dateTime(checkedAt)))}_`];
  if (report.disagreement) {
    parts.push(disagreementBlock(report));
  }
  parts.push(verdictBlock(report), networksBlock(report.sharedNetworks), blockersBlock(report.blockers), notesBlock(report), checksBlock(report.checks), pathBlock(report.path));
  return parts.filter(Boolean).join('\n\n') + '\n';
}

function disagreementBlock(report: ReachReport): string {
  const disagreement = report.disagreement!;
  const lines = [
    `> ⚠ **${vscode.l10n.t('The explanation and the observation disagree.')}** ` +
      vscode.l10n.t("The engine's facts say {0}; from inside the source, it is {1}.", verdictWord(disagreement.explained), verdictWord(disagreement.observed)),
  ];
  const drop = disagreement.droppedBy;
  if (drop) {
    lines.push('>', `> ${vscode.l10n.t('Dropped by this packet-filter rule (table {0}, chain {1}): {2}', md(tableName(drop)), md(drop.chain), code(drop.rule))}`);
  } else {
    lines.push('>', `> ${vscode.l10n.t('No packet-filter rule was seen dropping: look for a hand-made route or a firewall outside {0}.', report.engine ?? 'Docker')}`);
  }
  return lines.join('\n');
}

function verdictBlock(report: ReachReport): string {
  const { verdict, observation } = report;
  const icon = verdict.final === 'reachable' ? '✓' : '✗';
  const basis =
    verdict.observed !== undefined
      ? vscode.l10n.t('Observed from inside {0}; the explanation says {1}.', md(sideText(report.question.from)), verdictWord(verdict.explained))
      : vscode.l10n.t('Explained from the engine\'s facts, not observed.');
  const lines = [`## ${icon} ${verdictWord(verdict.final)}`, basis];
  if (observation.method === 'none' || observation.reason) {
    lines.push(OBSERVATION_REASONS[observation.reason ?? 'notRequested'](vscode.l10n));
  } else if (observation.method === 'helper') {
    lines.push(md(OBSERVED_THROUGH_HELPER({ container: sideName(report.question.from, 'host'), image: observation.tools?.[1] ?? '' }, vscode.l10n)));
  } else if (observation.tools) {
    lines.push(vscode.l10n.t('Observed with {0}.', code(observation.tools.join(' '))));
  }
  return lines.join('\n\n');
}

function networksBlock(networks: SharedNetwork[]): string {
  const title = `## ${vscode.l10n.t('Networks in common')}`;
  if (networks.length === 0) {
    return `${title}\n\n${vscode.l10n.t('None.')}`;
  }
  const header = `| ${vscode.l10n.t('Network')} | ${vscode.l10n.t('Source address')} | ${vscode.l10n.t('Target address')} | ${vscode.l10n.t('Names the source can use')} |\n|---|---|---|---|`;
  const rows = networks.map((network) => {
    const flags = [network.internal ? vscode.l10n.t('internal') : '', network.icc ? '' : vscode.l10n.t('ICC off')].filter(Boolean);
    const name = `${md(network.networkName)} (${md(network.driver)}${flags.length > 0 ? `, ${flags.join(', ')}` : ''})`;
    const names = network.names.length > 0 ? network.names.map((n) => code(n.name)).join(', ') : vscode.l10n.t('none');
    return `| ${name} | ${code(network.fromAddress ?? '?')} | ${code(network.toAddress ?? '?')} | ${names} |`;
  });
  return [title, header, ...rows].join('\n');
}

function blockersBlock(blockers: Blocker[]): string {
  if (blockers.length === 0) {
    return '';
  }
  const items = blockers.map((blocker) => {
    const observed = blocker.source === 'observed' ? ` _(${vscode.l10n.t('observed')})_` : '';
    const lines = [`- ${RULES[blocker.rule](escaped(blocker.params), vscode.l10n)}${observed}`];
    if (blocker.fix) {
      lines.push(`  - ${field(`**${vscode.l10n.t('Fix')}**`, FIXES[blocker.fix.code](escaped(blocker.fix.params), vscode.l10n))}`);
      if (blocker.fix.command) {
        // Quoted for a POSIX shell (a rule's comment is the engine's or anyone's text): pasted, it runs this argv and nothing else.
        lines.push(`    ${code(shellCommand(blocker.fix.command))}`);
      }
    }
    return lines.join('\n');
  });
  return [`## ${vscode.l10n.t('Why not')}`, ...items].join('\n');
}

function notesBlock(report: ReachReport): string {
  return report.notes.length === 0 ? '' : [`## ${vscode.l10n.t('Notes')}`, ...report.notes.map((note) => `- ${NOTES[note.code](escaped(note.params), vscode.l10n)}`)].join('\n');
}

function checksBlock(checks: Check[]): string {
  if (checks.length === 0) {
    return '';
  }
  const header = `| ${vscode.l10n.t('Check')} | ${vscode.l10n.t('Target')} | ${vscode.l10n.t('Expected')} | ${vscode.l10n.t('Observed')} |\n|---|---|---|---|`;
  const rows = checks.map((check) => {
    const target = check.port !== undefined ? `${check.target}:${check.port}` : check.target;
    const resolved = check.resolved && check.resolved.length > 0 ? ` → ${check.resolved.map(code).join(', ')}` : '';
    const observed = check.observed ? OUTCOMES[check.observed](vscode.l10n) : OUTCOMES.notRun(vscode.l10n);
    const mark = check.observed && check.expected !== 'unknown' && check.observed !== 'skipped' && (check.observed === 'pass') !== (check.expected === 'pass') ? ' ⚠' : '';
    return `| ${CHECK_KINDS[check.kind](vscode.l10n)} | ${code(target)}${resolved} | ${OUTCOMES[check.expected](vscode.l10n)} | ${observed}${mark} |`;
  });
  return [`## ${vscode.l10n.t('Checks')}`, header, ...rows].join('\n');
}

/** The report's path: names as code spans, a drop as ✗ and the chain or the rule that stopped it. */
const MARKDOWN_HOPS: HopStyle = {
  name: (text) => code(text),
  dropped: (chain) => `✗ ${code(chain)}`,
  stopped: (blocker) => `✗ ${md(blocker ?? '')}`,
};

function pathBlock(path: ReachPath): string {
  if (path.hops.length === 0) {
    return '';
  }
  const story = packetStoryText(path, vscode.l10n, MARKDOWN_HOPS);
  return [`## ${vscode.l10n.t('Path')}`, path.hops.map((hop) => hopText(hop, MARKDOWN_HOPS)).join(' → '), ...(story ? [story] : [])].join('\n\n');
}
