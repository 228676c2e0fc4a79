/**
 * The host probe as a user without root: the built probe (out/src/probe/hostProbe.js) run under
 * `runuser -u nobody`, as the extension runs for a user who is not root, and its facts read back
 * as JSON. Used by the engine tier and the fixture recorder (both root). The child is
 * unprivilegedProbeChild.ts, bundled and run as that user (test/support/asUser.ts).
 */
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { HostFacts, SandboxInfo } from '../../src/model/topology/facts';
import { runScriptAsUser, sharedTempFolder, UNPRIVILEGED_USER } from '../support/asUser';

export { UNPRIVILEGED_USER };

export function probeAsUnprivilegedUser(sandboxes: SandboxInfo[], user = UNPRIVILEGED_USER, options: { rootless?: boolean } = {}): HostFacts {
  const dir = sharedTempFolder();
  try {
    const file = path.join(dir, 'sandboxes.json');
    writeFileSync(file, JSON.stringify(sandboxes), { mode: 0o644 });
    const result = runScriptAsUser(path.join(__dirname, 'unprivilegedProbeChild.js'), [file, ...(options.rootless ? ['--rootless'] : [])], { user });
    if (result.status !== 0) {
      throw new Error(`the probe as ${user} failed (${result.status}): ${result.stderr}`);
    }
    return JSON.parse(result.stdout) as HostFacts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
