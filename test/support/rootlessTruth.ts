/**
 * What rootless Podman's plumbing really is, read as root with the real tools, to check the
 * extension's topology against: `ip -j -d addr` inside each container's namespace (nsenter) and
 * inside the rootless network namespace (through the pause process's mount namespace, where its
 * file is mounted), and the slirp4netns processes with the namespace each serves.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface IpLink {
  ifindex: number;
  ifname: string;
  link_index?: number;
  master?: string;
  address?: string;
  linkinfo?: { info_kind?: string; info_data?: { type?: string } };
  addr_info?: { family: string; local: string; prefixlen: number; scope: string }[];
}

/** `ip -j -d addr show` inside the network namespace of process `pid`. */
export function ipInProcess(pid: number): IpLink[] {
  return JSON.parse(execFileSync('nsenter', [`--net=/proc/${pid}/ns/net`, '--', 'ip', '-j', '-d', 'addr', 'show'], { encoding: 'utf8' })) as IpLink[];
}

/** The rootless network namespace's file under the user's runtime folder, if any. */
export function rootlessNetnsFile(runtimeDir: string): string | undefined {
  const dir = path.join(runtimeDir, 'netns');
  const name = readdirSync(dir).find((file) => file.startsWith('rootless-netns-'));
  return name ? path.join(dir, name) : undefined;
}

/** `ip -j -d addr show` inside the rootless network namespace (entered as `podman unshare --rootless-netns` does). */
export function ipInRootlessNetns(runtimeDir: string): IpLink[] {
  const file = rootlessNetnsFile(runtimeDir);
  if (!file) {
    throw new Error(`no rootless network namespace under ${runtimeDir}/netns`);
  }
  const pause = readFileSync(path.join(runtimeDir, 'libpod', 'tmp', 'pause.pid'), 'utf8').trim();
  return JSON.parse(execFileSync('nsenter', ['-t', pause, '-m', '--', 'nsenter', `--net=${file}`, '--', 'ip', '-j', '-d', 'addr', 'show'], { encoding: 'utf8' })) as IpLink[];
}

/** The slirp4netns processes: pid and their command line's words. */
export function slirp4netnsProcesses(): { pid: number; argv: string[] }[] {
  const found: { pid: number; argv: string[] }[] = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'slirp4netns') {
        found.push({ pid: Number(entry), argv: readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean) });
      }
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** `10.0.2.100/24` style addresses of a link, link-local ones left out (as the topology draws them). */
export function addressesOf(link: IpLink): string[] {
  return (link.addr_info ?? []).filter((address) => address.scope !== 'link').map((address) => `${address.local}/${address.prefixlen}`);
}
