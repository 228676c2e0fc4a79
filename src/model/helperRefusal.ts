/**
 * Whether the helper observation level (a short-lived container with `Privileged`, `PidMode: host`
 * and `NetworkMode: host` that reads the engine host's /sys, /proc and network namespaces) can work
 * on an engine, decided from its `GET /info` BEFORE anything is sent: an engine where it cannot is
 * refused with its reason (src/messages/helperObservationMessages.ts says it), so nothing is created
 * there and the drawing stays inferred from the Engine API. Pure.
 *
 * What real engines say (test/fixtures/helper-refusal/, recorded by scripts/recordHelperRefusalInfo.ts):
 * - Docker (20.10, 28.5), rootful: `OSType: "linux"`, `SecurityOptions: ["name=seccomp,profile=…"]`
 *   (`name=apparmor`, `name=selinux`, `name=cgroupns` on hosts that have them): not refused.
 * - Docker with `--userns-remap`: `SecurityOptions` has `name=userns`. The engine refuses the helper
 *   itself at create time ("privileged mode is incompatible with user namespaces.  You must run the
 *   container in the host namespace when running privileged mode"); the way round, `--userns=host`,
 *   would opt out of the remapping the administrator chose, so it is not taken.
 * - Docker rootless (dockerd-rootless.sh): `SecurityOptions` has `name=rootless`. The engine creates
 *   the helper but cannot start it: runc may not mount the host PID namespace's /proc from the
 *   user's namespace ("error mounting \"proc\" to rootfs at \"/proc\" … operation not permitted").
 *   Its networks live in RootlessKit's network namespace anyway, not in the host's.
 * - Podman 4.3, rootful and rootless: its compatible /info has `Rootless` (a field Docker's /info
 *   does not have) and, rootless, does NOT list `name=rootless` in `SecurityOptions`: `Rootless:
 *   true` is the only sign. Rootless Podman does start the helper (seen by hand with `podman run
 *   --privileged --pid=host --network=host`), but what it reads is not that engine's plumbing: the
 *   host's interfaces, while that engine's bridges live in the user's rootless network namespace,
 *   and every other process's namespace is closed to it ("nsenter: can't open '/proc/1/ns/net':
 *   Permission denied"). The user's own probe reads that engine without root (src/probe/rootless.ts).
 * - Windows: `OSType: "windows"` (an engine running Windows containers): no /sys, /proc, network
 *   namespaces nor privileged containers there. Not recordable on this Linux machine.
 * - Docker Desktop is NOT refused: its engine is Linux in a VM (`OSType: "linux"`, `OperatingSystem:
 *   "Docker Desktop"`), and a helper there reads that VM, which is exactly where the engine's bridges,
 *   veths and namespaces are. That is the case the helper exists for.
 * What /info does not tell: a policy that forbids privileged containers (an authorization plugin is
 * listed in `Plugins.Authorization`, but not what it allows). The engine's own refusal at create
 * time says it, in the helper's failure sentence.
 */
import type { EngineInfoJson } from './dockerTypes';

export type HelperRefusal = 'rootless' | 'usernsRemap' | 'windows' | 'notLinux' | 'podmanRootless';

/** The fields of GET /info read here: the extension's EngineInfoJson, plus SecurityOptions (read only here). */
export interface EngineInfoForHelper extends Pick<EngineInfoJson, 'OSType' | 'Rootless'> {
  /** `name=seccomp,profile=default`, `name=userns`, `name=rootless`… (API 1.25+; bare names before). */
  SecurityOptions?: readonly string[] | null;
}

/** The `name` of each security option: `name=userns` -> `userns`, `name=seccomp,profile=x` -> `seccomp`. */
export function securityOptionNames(options: readonly string[] | null | undefined): string[] {
  return (options ?? []).map((option) => {
    const fields = option.split(',').map((field) => field.trim());
    // Engines before API 1.25 listed bare names ("seccomp", "apparmor"); later ones, key=value fields.
    const named = fields.find((field) => field.startsWith('name='));
    return named !== undefined ? named.slice('name='.length) : fields[0].includes('=') ? '' : fields[0];
  }).filter((name) => name !== '');
}

/**
 * Why a helper container cannot observe this engine's host, or undefined when it can be offered.
 * The operating system comes first (nothing else matters on Windows); then Podman's own rootless
 * flag, then Docker's rootless and user-namespace options. An engine that does not say its OSType is
 * not refused on that ground: the engine's own answer would then say what went wrong.
 */
export function helperObservationRefusal(info: EngineInfoForHelper): HelperRefusal | undefined {
  const osType = (info.OSType ?? '').trim().toLowerCase();
  if (osType === 'windows') {
    return 'windows';
  }
  if (osType !== '' && osType !== 'linux') {
    return 'notLinux';
  }
  if (info.Rootless === true) {
    return 'podmanRootless';
  }
  const names = securityOptionNames(info.SecurityOptions);
  if (names.includes('rootless')) {
    return 'rootless';
  }
  if (names.includes('userns')) {
    return 'usernsRemap';
  }
  return undefined;
}
