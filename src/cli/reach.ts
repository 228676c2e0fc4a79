/**
 * `reach A B [--port N] [--name NAME] [--no-verify] [--helper IMAGE] [--format text|json]`: the connectivity
 * doctor's report in English (or JSON), from a one-shot session. Exit code: 0 reachable, 1 not
 * (the observation's verdict when it was made, the explanation's otherwise), 2 usage/engine error.
 */
import { checkReach, ReachRequestError } from '../engine/reachability/checkReach';
import type { Check, ObservationReason, ReachReport } from '../model/reachability/types';
import { ReachArguments, UsageError } from './arguments';
import { withCliSession } from './cliSession';
import { oneLine, printable, shellCommand } from '../model/safeText';
import { tableName } from '../model/reachability/packetFilter';
import {
  CLI_NOT_REQUESTED,
  CLI_OUTCOME_WORDS,
  ENGINE_VALUE_KINDS,
  FIXES,
  HopStyle,
  hopText,
  NOTES,
  OBSERVATION_REASONS,
  OBSERVED_THROUGH_HELPER,
  packetStoryText,
  RULES,
  sideName,
} from '../messages/reachMessages';
import { englishTranslator as english } from '../messages/translator';
import { engineCli, type EngineCli } from '../model/engineProduct';

export interface ReachOutcome {
  output: string;
  exitCode: 0 | 1;
}

export async function runReach(args: ReachArguments): Promise<ReachOutcome> {
  return withCliSession(args, async ({ session, topology }) => {
    const state = session.state;
    // --helper IMAGE: the consent, for this run, to probe from a helper container on the engine.
    const helper = args.helper !== undefined ? { image: args.helper, log: (line: string) => process.stderr.write(`${line}\n`) } : undefined;
    const report = await checkReach(session, { from: args.from, to: args.to, name: args.name, port: args.port, verify: args.verify, helper }, topology).catch((error: unknown) => {
      throw error instanceof ReachRequestError ? usageErrorOf(error, engineCli(state.kind === 'connected' ? state.engineProduct : undefined)) : error;
    });
    const output = args.format === 'json' ? reportJson(report) : reportText(report);
    return { output, exitCode: report.verdict.final === 'reachable' ? 0 : 1 };
  });
}

function usageErrorOf(error: ReachRequestError, cli: EngineCli): UsageError {
  switch (error.code) {
    case 'unknownContainer':
      return new UsageError(`there is no container "${error.ref}" on this engine (${cli} ps -a lists them; "host" is the host itself).`);
    case 'sameSide':
      return new UsageError('A and B are the same: give two different containers (or one container and host).');
    case 'invalidName':
      return new UsageError(`--name takes a container name or alias, not "${oneLine(error.ref, 200)}".`);
    case 'engineValueInvalid':
      return new UsageError(
        `the engine answered a value that is not valid, so nothing was run: ${oneLine(error.ref, 300)} is "${oneLine(error.invalid?.value ?? '', 200)}", not ${ENGINE_VALUE_KINDS[error.invalid?.kind ?? 'ipAddress'](english)}.`,
      );
    default:
      return new UsageError(`the engine ${error.ref} did not answer.`);
  }
}

/**
 * The report as JSON: argv arrays stay arrays. JSON.stringify escapes the C0 controls; the line
 * and paragraph separators and bidi overrides, which it leaves raw, are escaped too.
 */
export function reportJson(report: ReachReport): string {
  return `${JSON.stringify(report, null, 2).replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

/** Every string of the report on one printable line (engine names, rule texts, tool output), for the terminal. */
function flattened<T>(value: T): T {
  if (typeof value === 'string') {
    return oneLine(value) as T;
  }
  if (Array.isArray(value)) {
    return value.map(flattened) as T;
  }
  if (value && typeof value === 'object') {
    // A fix's argv stays as it is: shellCommand quotes it (and strips its controls) when printed.
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, key === 'command' ? inner : flattened(inner)])) as T;
  }
  return value;
}

/** The terminal's path: plain names, the dropping chain or the stopping rule in capitals. */
const TERMINAL_HOPS: HopStyle = {
  name: (text) => text,
  dropped: (chain) => `DROP (${chain})`,
  stopped: (blocker) => `STOP (${blocker ?? 'unknown'})`,
};

/** The report in English: the disagreement first (the case that needs help), then the verdict and why. */
export function reportText(raw: ReachReport): string {
  // Engine strings never reach the terminal raw: no escape sequence, no line of their own.
  const report = flattened(raw);
  const lines: string[] = [];
  const { question, verdict } = report;
  if (report.disagreement) {
    const drop = report.disagreement.droppedBy;
    lines.push(
      `DISAGREEMENT: the engine's facts say ${report.disagreement.explained}, but the observation says ${report.disagreement.observed} (checks: ${report.disagreement.checks.join(', ')}).` +
        (drop ? ` Dropped by ${tableName(drop)} ${drop.chain}: ${drop.rule}` : ''),
      '',
    );
  }
  const how = [question.name !== undefined ? `by name "${question.name}"` : 'by address', question.port !== undefined ? `TCP port ${question.port}` : 'ICMP echo'].join(', ');
  const basis = verdict.observed !== undefined ? `observed; explained: ${verdict.explained}` : 'explained, not observed';
  lines.push(`${sideName(question.from, 'host')} -> ${sideName(question.to, 'host')} (${how}): ${verdict.final === 'reachable' ? 'REACHABLE' : 'NOT REACHABLE'} (${basis})`);
  lines.push(...networkLines(report), ...blockerLines(report), ...noteLines(report), ...checkLines(report.checks));
  lines.push('', observationLine(report), `Path: ${report.path.hops.map((hop) => hopText(hop, TERMINAL_HOPS)).join(' -> ') || '(none)'}`);
  const story = packetStoryText(report.path, english, TERMINAL_HOPS);
  if (story) {
    lines.push(story.replace(/ → /g, ' -> '));
  }
  return printable(lines.join('\n')) + '\n';
}

function networkLines(report: ReachReport): string[] {
  if (report.sharedNetworks.length === 0) {
    return ['', 'Networks in common: none'];
  }
  return [
    '',
    'Networks in common:',
    ...report.sharedNetworks.map((network) => {
      const names = network.names.length > 0 ? network.names.map((name) => name.name).join(', ') : 'none';
      const flags = [network.internal ? 'internal' : '', network.icc ? '' : 'ICC off', network.usable ? '' : 'not usable'].filter(Boolean).join(', ');
      return `  ${network.networkName} (${network.driver}${network.bridge ? ` ${network.bridge}` : ''}${flags ? `; ${flags}` : ''}): ${network.fromAddress ?? '?'} -> ${network.toAddress ?? '?'}; names: ${names}`;
    }),
  ];
}

function blockerLines(report: ReachReport): string[] {
  if (report.blockers.length === 0) {
    return [];
  }
  const lines = ['', 'Why not:'];
  for (const blocker of report.blockers) {
    lines.push(`  - ${RULES[blocker.rule](blocker.params, english)}${blocker.source === 'observed' ? ' (observed)' : ''}`);
    if (blocker.fix) {
      lines.push(`    Fix: ${FIXES[blocker.fix.code](blocker.fix.params, english)}`);
      if (blocker.fix.command) {
        lines.push(`    $ ${shellCommand(blocker.fix.command)}`);
      }
    }
  }
  return lines;
}

function noteLines(report: ReachReport): string[] {
  return report.notes.length === 0 ? [] : ['', 'Notes:', ...report.notes.map((note) => `  - ${NOTES[note.code](note.params, english)}`)];
}

function checkLines(checks: Check[]): string[] {
  if (checks.length === 0) {
    return [];
  }
  return [
    '',
    'Checks (expected -> observed):',
    ...checks.map((check) => {
      const target = check.port !== undefined ? `${check.target}:${check.port}` : check.target;
      const observed = CLI_OUTCOME_WORDS[check.observed ?? 'notRun'];
      const resolved = check.resolved && check.resolved.length > 0 ? ` [${check.resolved.join(', ')}]` : '';
      const detail = check.kind === 'filter' && check.detail ? `  ${check.detail}` : '';
      return `  ${check.kind.padEnd(6)} ${target.padEnd(24)} ${CLI_OUTCOME_WORDS[check.expected]} -> ${observed}${resolved}${detail}`;
    }),
  ];
}

function observationLine(report: ReachReport): string {
  const { observation } = report;
  if (observation.method === 'none') {
    return reasonSentence(observation.reason ?? 'notRequested');
  }
  const reason = observation.reason ? ` ${reasonSentence(observation.reason)}` : '';
  if (observation.method === 'helper') {
    return `${OBSERVED_THROUGH_HELPER({ container: sideName(report.question.from, 'host'), image: observation.tools?.[1] ?? '' }, english)}${reason}`;
  }
  // The exec method is the engine's (`docker exec`, `podman exec`): its tool says it; the other methods are named.
  const method = observation.method === 'dockerExec' ? '' : ` (${observation.method})`;
  return `Observed from inside ${sideName(report.question.from, 'host')} with ${(observation.tools ?? []).join(' ')}${method}.${reason}`;
}

function reasonSentence(reason: ObservationReason): string {
  return reason === 'notRequested' ? CLI_NOT_REQUESTED : OBSERVATION_REASONS[reason](english);
}
