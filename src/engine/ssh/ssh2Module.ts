/**
 * ssh2, loaded when an SSH engine is first used rather than at activation: it is the largest
 * package in the bundle, and evaluating it was about a third of the bundle's load time.
 */
import type * as Ssh2 from 'ssh2';

let loaded: typeof Ssh2 | undefined;

export function ssh2(): typeof Ssh2 {
  // A require inside a function: esbuild keeps the package in the bundle but runs it on first use.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('ssh2') as typeof Ssh2;
  return loaded;
}
