import type { CommandDefinition } from './command';

/** The welcome view's Retry button: try the engine now instead of waiting for the backoff. */
export const retryCommand: CommandDefinition = {
  id: 'dockerNetworks.retry',
  run: (services) => services.session.retryNow(),
};
