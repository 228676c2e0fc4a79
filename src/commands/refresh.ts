import type { CommandDefinition } from './command';

export const refreshCommand: CommandDefinition = {
  id: 'dockerNetworks.refresh',
  run: (services) => services.refreshNow(),
};
