/**
 * Short-lived helper containers the extension runs on an engine (packet capture, and the helper
 * observation level), as plain data: the labels that mark them, the create
 * request, and which leftovers a later start may remove. Pure: the engine calls are in
 * src/engine/helperContainer.ts.
 */

/** Every helper carries this label; its value says what for (`capture`, …). */
export const HELPER_LABEL = 'io.github.dne.helper';
/** The run's own id (random, also in the container's name). */
export const HELPER_SESSION_LABEL = 'io.github.dne.helper.session';
/** A hash of the client machine's host name: who may judge whether the owner still runs. */
export const HELPER_CLIENT_LABEL = 'io.github.dne.helper.client';
/** The owning process on that client. */
export const HELPER_PID_LABEL = 'io.github.dne.helper.pid';
/** Unix seconds after which the helper has outlived any limit it was given (absent: no time limit). */
export const HELPER_DEADLINE_LABEL = 'io.github.dne.helper.deadline';

/**
 * `capture`: tcpdump in a container's namespace; `observe`: the helper observation level, reading
 * the engine's host; `probe`: the connectivity doctor's ping/nc/nslookup in a container's namespace;
 * `filter`: the doctor's reading of the engine host's packet filter counters.
 */
export type HelperPurpose = 'capture' | 'observe' | 'probe' | 'filter';

interface HelperRequestCommon {
  /** Random hex, 8 to 32 characters. */
  session: string;
  image: string;
  argv: string[];
  client: { hostHash: string; pid: number };
  /** Unix seconds (see HELPER_DEADLINE_LABEL). */
  deadline?: number;
}

/** A capture helper: joined to one container's network namespace, with the few capabilities it names. */
export interface CaptureHelperRequest extends HelperRequestCommon {
  purpose: 'capture';
  /** The container whose network namespace the helper joins (`NetworkMode: container:<id>`). */
  joinContainerId: string;
  /** The only capabilities kept (every other one is dropped). */
  capabilities: string[];
}

/**
 * An observation helper: in the engine host's network and process namespaces (`--network=host
 * --pid=host`), with the capabilities that reading every namespace needs (OBSERVE_CAPABILITIES).
 */
export interface ObserveHelperRequest extends HelperRequestCommon {
  purpose: 'observe';
}

/**
 * A probe helper (the connectivity doctor on an engine that is not this machine's): joined to the
 * source container's network namespace like a capture helper, with only NET_RAW (PROBE_CAPABILITIES).
 */
export interface ProbeHelperRequest extends HelperRequestCommon {
  purpose: 'probe';
  joinContainerId: string;
}

/** What a probe helper keeps: NET_RAW for ping's raw socket; nc and nslookup need none. */
export const PROBE_CAPABILITIES: readonly string[] = ['NET_RAW'];

/**
 * A filter helper: in the engine host's network and process namespaces like an observation helper,
 * running the host's own iptables-save / nft in the host's mount namespace (FILTER_CAPABILITIES).
 */
export interface FilterHelperRequest extends HelperRequestCommon {
  purpose: 'filter';
}

/**
 * What the filter helper needs: OBSERVE_CAPABILITIES, plus SYS_CHROOT (entering a mount namespace
 * needs it beside SYS_ADMIN) and NET_ADMIN (the kernel gives the rule tables and their counters to
 * it only). Checked on this project's engines: without either, setns or the dump is refused.
 */
export const FILTER_CAPABILITIES: readonly string[] = ['SYS_ADMIN', 'SYS_PTRACE', 'SYS_CHROOT', 'NET_ADMIN'];

export type HelperRequest = CaptureHelperRequest | ObserveHelperRequest | ProbeHelperRequest | FilterHelperRequest;

/**
 * What the observation helper needs, and nothing more (rather than `--privileged`, which also hands
 * it every device and which Docker 20.10 cannot even start where the host's capability bounding
 * set lacks one it knows, as on this project's test machine: "unable to apply caps"):
 * - SYS_ADMIN: enter another network namespace (setns) and mount a fresh sysfs inside it;
 * - SYS_PTRACE: reach the host's file system through /proc/<pid>/root (its namespace files).
 */
export const OBSERVE_CAPABILITIES: readonly string[] = ['SYS_ADMIN', 'SYS_PTRACE'];

/**
 * The observation helper's security options: no new privileges; AppArmor's docker-default profile
 * forbids mount (unconfined instead) and SELinux labels would deny the host's files (disabled).
 * Engines without AppArmor or SELinux accept and ignore them.
 */
export const OBSERVE_SECURITY_OPTIONS: readonly string[] = ['no-new-privileges', 'apparmor=unconfined', 'label=disable'];

/** The body of `POST /containers/create` for a helper, and its name. */
export interface HelperCreateRequest {
  name: string;
  body: {
    Image: string;
    Cmd: string[];
    Labels: Record<string, string>;
    AttachStdin: false;
    AttachStdout: true;
    AttachStderr: true;
    Tty: false;
    OpenStdin: false;
    HostConfig: {
      NetworkMode: string;
      /** `host` for the observation helper (it reads /proc of the host's processes). */
      PidMode?: 'host';
      CapDrop: string[];
      CapAdd: string[];
      /** Explicitly no init process (an engine's `init: true` default would put one between the shim and the script). */
      Init?: false;
      AutoRemove: true;
      SecurityOpt: string[];
      LogConfig: { Type: string; Config: Record<string, string> };
    };
  };
}

const SESSION = /^[0-9a-f]{8,32}$/;
const CONTAINER_ID = /^[0-9a-f]{12,64}$/;
const CAPABILITY = /^[A-Z_]{2,32}$/;

/** Why a helper request is refused before anything is sent. */
export type HelperRequestProblem = 'session' | 'containerId' | 'capability' | 'image' | 'argv';

export function helperRequestProblem(request: HelperRequest): HelperRequestProblem | undefined {
  if (!SESSION.test(request.session)) {
    return 'session';
  }
  if ((request.purpose === 'capture' || request.purpose === 'probe') && !CONTAINER_ID.test(request.joinContainerId)) {
    return 'containerId';
  }
  if (request.purpose === 'capture' && !request.capabilities.every((capability) => CAPABILITY.test(capability))) {
    return 'capability';
  }
  if (request.image.trim() === '' || request.image.length > 255 || /\s/.test(request.image)) {
    return 'image';
  }
  if (request.argv.length === 0 || request.argv.some((item) => item.includes('\0'))) {
    return 'argv';
  }
  return undefined;
}

export function helperName(request: Pick<HelperRequest, 'purpose' | 'session'>): string {
  return `dne-helper-${request.purpose}-${request.session}`;
}

function helperLabels(request: HelperRequest): Record<string, string> {
  const labels: Record<string, string> = {
    [HELPER_LABEL]: request.purpose,
    [HELPER_SESSION_LABEL]: request.session,
    [HELPER_CLIENT_LABEL]: request.client.hostHash,
    [HELPER_PID_LABEL]: String(request.client.pid),
  };
  if (request.deadline !== undefined) {
    labels[HELPER_DEADLINE_LABEL] = String(Math.ceil(request.deadline));
  }
  return labels;
}

/**
 * The create request. A capture helper: joined to the target's network namespace, every capability
 * dropped but the ones named, no new privileges; a probe helper alike, with PROBE_CAPABILITIES. An observation helper: in the host's network and
 * process namespaces with OBSERVE_CAPABILITIES. Both: removed by the engine when they exit, their
 * output not logged (it goes through the attach stream only, never into the engine's log files).
 */
export function helperCreateRequest(request: HelperRequest): HelperCreateRequest {
  const common = {
    Image: request.image,
    Cmd: request.argv,
    Labels: helperLabels(request),
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    OpenStdin: false,
  } as const;
  if (request.purpose === 'observe' || request.purpose === 'filter') {
    return {
      name: helperName(request),
      body: {
        ...common,
        HostConfig: {
          NetworkMode: 'host',
          PidMode: 'host',
          CapDrop: ['ALL'],
          CapAdd: [...(request.purpose === 'filter' ? FILTER_CAPABILITIES : OBSERVE_CAPABILITIES)],
          Init: false,
          AutoRemove: true,
          SecurityOpt: [...OBSERVE_SECURITY_OPTIONS],
          LogConfig: { Type: 'none', Config: {} },
        },
      },
    };
  }
  return {
    name: helperName(request),
    body: {
      ...common,
      HostConfig: {
        NetworkMode: `container:${request.joinContainerId}`,
        CapDrop: ['ALL'],
        CapAdd: request.purpose === 'probe' ? [...PROBE_CAPABILITIES] : request.capabilities,
        AutoRemove: true,
        SecurityOpt: ['no-new-privileges'],
        LogConfig: { Type: 'none', Config: {} },
      },
    },
  };
}

/**
 * The `docker run` command line that makes the same container as `create` (what the consent modal
 * shows): `docker run --rm --name … --label k=v … <host config as flags> IMAGE CMD…`. An argument
 * array (quote it with safeText's shellCommand to show it as one line).
 */
export function helperDockerRunArgs(create: HelperCreateRequest): string[] {
  const { body } = create;
  const host = body.HostConfig;
  const args = ['docker', 'run'];
  if (host.AutoRemove) {
    args.push('--rm');
  }
  args.push('--name', create.name);
  for (const [key, value] of Object.entries(body.Labels)) {
    args.push('--label', `${key}=${value}`);
  }
  args.push(`--network=${host.NetworkMode}`);
  if (host.PidMode) {
    args.push(`--pid=${host.PidMode}`);
  }
  for (const capability of host.CapDrop) {
    args.push('--cap-drop', capability);
  }
  for (const capability of host.CapAdd) {
    args.push('--cap-add', capability);
  }
  for (const option of host.SecurityOpt) {
    args.push('--security-opt', option);
  }
  if (host.Init === false) {
    args.push('--init=false');
  }
  args.push(`--log-driver=${host.LogConfig.Type}`);
  return [...args, body.Image, ...body.Cmd];
}

/** What the engine's container list says of one helper (GET /containers/json, label filter). */
export interface HelperListing {
  Id: string;
  /** Unix seconds. */
  Created: number;
  Labels?: Record<string, string> | null;
}

export interface SweepContext {
  /** Unix seconds, the engine's clock when known. */
  now: number;
  /** This client's host hash (HELPER_CLIENT_LABEL). */
  hostHash: string;
  /** Whether a process of this client machine still runs. */
  processAlive: (pid: number) => boolean;
  /** Younger helpers are left alone (their owner may be starting them now). */
  minAgeSeconds?: number;
  /** Time past a deadline before the helper counts as abandoned (its owner stops it at the deadline). */
  graceSeconds?: number;
}

/**
 * The helpers a start may remove: older than a few seconds, and either owned by a process of this
 * machine that is gone (the extension or the CLI was killed), or past their deadline (whoever owns
 * them). A helper of another machine with no deadline is left alone: its owner may still be reading it.
 */
export function abandonedHelpers(listing: readonly HelperListing[], context: SweepContext): string[] {
  const minAge = context.minAgeSeconds ?? 5;
  const grace = context.graceSeconds ?? 30;
  return listing
    .filter((helper) => {
      const labels = helper.Labels ?? {};
      if (labels[HELPER_LABEL] === undefined || context.now - helper.Created < minAge) {
        return false;
      }
      const deadline = Number(labels[HELPER_DEADLINE_LABEL]);
      if (Number.isFinite(deadline) && labels[HELPER_DEADLINE_LABEL] !== undefined && context.now > deadline + grace) {
        return true;
      }
      const pid = Number(labels[HELPER_PID_LABEL]);
      return labels[HELPER_CLIENT_LABEL] === context.hostHash && Number.isSafeInteger(pid) && pid > 0 && !context.processAlive(pid);
    })
    .map((helper) => helper.Id);
}
