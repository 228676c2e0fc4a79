import { forgetSshAnswers } from '../session/vscodeSshPrompts';
import type { CommandDefinition } from './command';

/** The welcome view's Retry button: try the engine now instead of waiting for the backoff. */
export const retryCommand: CommandDefinition = {
  id: 'dockerNetworks.retry',
  run: (services) => {
    // Retry also asks again what the user declined (an SSH host key, a passphrase).
    forgetSshAnswers();
    return services.session.retryNow();
  },
};
