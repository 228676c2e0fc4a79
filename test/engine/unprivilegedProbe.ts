/**
 * The host probe as a user without root: the built probe (out/src/probe/hostProbe.js) run under
 * `runuser -u nobody`, as the extension runs for a user who is not root, and its facts read back
 * as JSON. Used by the engine tier and the fixture recorder (both root). Run as a script, this
 * file is that child: it reads the sandboxes from the file named in argv[2] and prints the facts.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HostFacts, SandboxInfo } from '../../src/model/topology/facts';
import { probeHost } from '../../src/probe/hostProbe';

export const UNPRIVILEGED_USER = 'nobody';

export function probeAsUnprivilegedUser(sandboxes: SandboxInfo[], user = UNPRIVILEGED_USER): HostFacts {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dne-probe-'));
  try {
    chmodSync(dir, 0o755);
    const file = path.join(dir, 'sandboxes.json');
    writeFileSync(file, JSON.stringify(sandboxes), { mode: 0o644 });
    const out = execFileSync('runuser', ['-u', user, '--', process.execPath, __filename, file], { encoding: 'utf8', cwd: dir, maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(out) as HostFacts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const sandboxes = JSON.parse(readFileSync(process.argv[2], 'utf8')) as SandboxInfo[];
  probeHost({ local: true, sandboxes }).then(
    (facts) => process.stdout.write(JSON.stringify(facts)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
