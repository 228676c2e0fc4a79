import type { CommandDefinition } from './command';

export const refreshCommand: CommandDefinition = {
  id: 'dockerNetworks.refresh',
  // Every engine's session.
  engine: 'none',
  run: (services) => services.refreshNow(),
};
