/**
 * The trees' tooltip line of a container's current rates: each interface that moved data with its
 * rx/tx rates (its name as code: a kernel name never becomes a link), or "idle".
 */
import * as vscode from 'vscode';
import { formatRate } from '../model/traffic/overlay';
import { isIdle } from '../model/traffic/rates';
import type { InterfaceRate } from '../model/traffic/types';
import { rateUnits, tooltipTrafficLine } from '../messages/trafficOverlayMessages';
import { code } from './markdownText';

export function trafficTooltipLine(rates: readonly InterfaceRate[]): string {
  const busy = rates.filter((rate) => !isIdle(rate) || rate.drops > 0 || rate.errors > 0);
  const units = rateUnits(vscode.l10n);
  const text = busy.map((rate) => `${code(rate.interface)} ${formatRate(rate, units, vscode.env.language)}`).join('; ');
  return tooltipTrafficLine(busy.length > 0 ? text : undefined, vscode.l10n);
}
