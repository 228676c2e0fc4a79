/**
 * The child of unprivilegedProbe.ts, run as an unprivileged user: reads the sandboxes from the file
 * named in argv[2], runs the extension's host probe and prints its facts as JSON (argv[3] `--rootless`: for a rootless engine).
 */
import { readFileSync } from 'node:fs';
import type { SandboxInfo } from '../../src/model/topology/facts';
import { probeHost } from '../../src/probe/hostProbe';

if (require.main === module) {
  const sandboxes = JSON.parse(readFileSync(process.argv[2], 'utf8')) as SandboxInfo[];
  // `--rootless`: the engine is rootless (rootless Podman), as its /info says to the session.
  probeHost({ local: true, sandboxes, rootless: process.argv[3] === '--rootless' }).then(
    (facts) => process.stdout.write(JSON.stringify(facts)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
