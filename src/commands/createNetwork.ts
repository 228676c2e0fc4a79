import type { CommandDefinition } from './command';
import { runQuickCreate } from './createNetworkFlow';

/** Create Network…: the quick path (name, driver, Enter). Palette and the Networks view title. */
export const createNetworkCommand: CommandDefinition = {
  id: 'dockerNetworks.createNetwork',
  run: (services) => runQuickCreate(services),
};
