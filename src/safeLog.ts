/**
 * The extension's LogOutputChannel, as every module gets it: each message and each argument goes
 * through logLine (model/displayHost.ts) on its way in, so that no engine string, webview message
 * or error can show a password or token, forge a line (newline, CR, U+2028) or flood the log.
 * An Error keeps its stack frames (our code's), its message made safe the same way.
 */
import type * as vscode from 'vscode';
import { logLine } from './model/displayHost';

const LEVELS = new Set<string | symbol>(['trace', 'debug', 'info', 'warn', 'error', 'appendLine', 'append']);

function safeError(error: Error): Error {
  const message = logLine(error.message);
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  const safe = new Error(message);
  safe.name = logLine(error.name, 100);
  safe.stack = [`${safe.name}: ${message}`, ...frames.map((frame) => logLine(frame))].join('\n');
  return safe;
}

/** One argument made safe: strings and errors; anything else is formatted by VS Code as it is. */
export function safeLogArgument(value: unknown): unknown {
  return typeof value === 'string' ? logLine(value) : value instanceof Error ? safeError(value) : value;
}

export function safeLog(channel: vscode.LogOutputChannel): vscode.LogOutputChannel {
  return new Proxy(channel, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') {
        return value;
      }
      if (LEVELS.has(property)) {
        return (...args: unknown[]) => (value as (...a: unknown[]) => void).apply(target, args.map(safeLogArgument));
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}
