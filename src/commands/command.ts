import type { Services } from '../services';

/**
 * One command: its id (as in package.json) and its handler. Tree commands receive the clicked node
 * and the multi-selection as VS Code passes them: (node, selectedNodes).
 */
export interface CommandDefinition {
  id: string;
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
