/**
 * The UI language's forms for the glue: singular or plural sentences (one l10n string per form)
 * and dates, with `vscode.env.language`. The formatting itself is in common/localeFormat.ts.
 */
import * as vscode from 'vscode';
import { formatAgo, formatDateTime, formatDuration, isSingular } from '../common/localeFormat';

/**
 * Picks the singular or the plural sentence for `count`, by the UI language's rule. Both are
 * written at the call site with `vscode.l10n.t` so that each has its own translation.
 */
export function plural(count: number, singular: string, pluralForm: string): string {
  return isSingular(vscode.env.language, count) ? singular : pluralForm;
}

export function dateTime(date: Date): string {
  return formatDateTime(vscode.env.language, date);
}

export function duration(ms: number): string {
  return formatDuration(vscode.env.language, ms);
}

export function ago(ms: number): string {
  return formatAgo(vscode.env.language, ms);
}
