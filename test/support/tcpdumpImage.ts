/**
 * The helper-capture tests' image: no registry is reachable, so `local/tcpdump:latest` is made with
 * `docker import` from the host's own Debian tcpdump (its binary and every library `ldd` lists, at
 * the same paths) plus the static busybox (sh, sleep, for the tests' own use). Built once per engine
 * (the machine's 20.10, Docker 28 in its box: whichever `docker` reaches) when it is missing.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const TCPDUMP_IMAGE = 'local/tcpdump:latest';

/** The shared libraries `ldd` lists for `binary` (absolute paths; the vdso has none). */
function librariesOf(binary: string): string[] {
  const listing = execFileSync('ldd', [binary], { encoding: 'utf8' });
  const found = new Set<string>();
  for (const line of listing.split('\n')) {
    const match = /(\/\S+)\s+\(0x/.exec(line);
    if (match) {
      found.add(match[1]);
    }
  }
  return [...found];
}

/** Copies `file` into `root` at the same path (the symlink's target's bytes, under the link's name). */
function place(root: string, file: string): void {
  const destination = path.join(root, file);
  mkdirSync(path.dirname(destination), { recursive: true });
  copyFileSync(realpathSync(file), destination);
}

/** Builds the image unless the engine `docker` reaches (with `dockerArgs`, e.g. `-H unix://…`) has it. */
export function ensureTcpdumpImage(dockerArgs: readonly string[] = []): string {
  const docker = (args: readonly string[], input?: Buffer) => execFileSync('docker', [...dockerArgs, ...args], { input, stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'], timeout: 120_000 });
  try {
    docker(['image', 'inspect', TCPDUMP_IMAGE]);
    return TCPDUMP_IMAGE;
  } catch {
    // missing: build it below
  }
  const tcpdump = ['/usr/bin/tcpdump', '/usr/sbin/tcpdump'].find((candidate) => existsSync(candidate));
  if (!tcpdump || !existsSync('/bin/busybox')) {
    throw new Error('building local/tcpdump needs the host tcpdump and busybox (scripts/ensure-system.sh installs them)');
  }
  const root = mkdtempSync(path.join(os.tmpdir(), 'dne-tcpdump-image-'));
  try {
    place(root, tcpdump);
    librariesOf(tcpdump).forEach((library) => place(root, library));
    mkdirSync(path.join(root, 'bin'), { recursive: true });
    copyFileSync('/bin/busybox', path.join(root, 'bin', 'busybox'));
    for (const applet of ['sh', 'sleep', 'cat', 'ls']) {
      symlinkSync('busybox', path.join(root, 'bin', applet));
    }
    // tcpdump drops to the user `tcpdump` only when asked (-Z); it still reads /etc/passwd for names.
    mkdirSync(path.join(root, 'etc'), { recursive: true });
    execFileSync('sh', ['-c', 'printf "root:x:0:0:root:/root:/bin/sh\\n" > "$1/etc/passwd"', 'sh', root]);
    const archive = execFileSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 256 * 1024 * 1024 });
    docker(['import', '--change', 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin', '-', TCPDUMP_IMAGE], archive);
    return TCPDUMP_IMAGE;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
