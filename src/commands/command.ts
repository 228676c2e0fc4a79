import type { Services } from '../services';

/**
 * One command: its id (as in package.json) and its handler. Tree commands receive the clicked node
 * and the multi-selection as VS Code passes them: (node, selectedNodes).
 */
export interface CommandDefinition {
  id: string;
  /**
   * 'none': the command does not act on one engine (settings, view toggles, refresh of all). Else,
   * with several engines, it runs on the clicked node's engine, or asks which (engineChoice.ts).
   */
  engine?: 'none';
  run(services: Services, ...args: unknown[]): unknown;
}

/** An error whose message is already a localized sentence for the user (no stack, no prefix). */
export class UserFacingError extends Error {
  constructor(message: string, readonly detail?: string) {
    super(message);
  }
}

/** The user dismissed a prompt: stop quietly. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}
