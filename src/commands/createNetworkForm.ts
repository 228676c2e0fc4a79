import type { CommandDefinition } from './command';
import { runFullCreate } from './createNetworkFlow';

/** New Network (All Options)…: the multi-step form with Back. Palette and the Networks view's "…" menu. */
export const createNetworkFormCommand: CommandDefinition = {
  id: 'dockerNetworks.createNetworkForm',
  run: (services) => runFullCreate(services),
};
