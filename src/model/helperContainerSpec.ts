/**
 * Short-lived helper containers the extension runs on an engine (capture today; the helper
 * observation level of issue 20 next), as plain data: the labels that mark them, the create
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

export type HelperPurpose = 'capture';

export interface HelperRequest {
  purpose: HelperPurpose;
  /** Random hex, 8 to 32 characters. */
  session: string;
  image: string;
  /** The container whose network namespace the helper joins (`NetworkMode: container:<id>`). */
  joinContainerId: string;
  argv: string[];
  /** The only capabilities kept (every other one is dropped). */
  capabilities: string[];
  client: { hostHash: string; pid: number };
  /** Unix seconds (see HELPER_DEADLINE_LABEL). */
  deadline?: number;
}

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
      CapDrop: string[];
      CapAdd: string[];
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
  if (!CONTAINER_ID.test(request.joinContainerId)) {
    return 'containerId';
  }
  if (!request.capabilities.every((capability) => CAPABILITY.test(capability))) {
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

/**
 * The create request: joined to the target's network namespace, every capability dropped but the
 * ones named, no new privileges, removed by the engine when it exits, its output not logged (the
 * pcap goes through the attach stream only, never into the engine's log files).
 */
export function helperCreateRequest(request: HelperRequest): HelperCreateRequest {
  const labels: Record<string, string> = {
    [HELPER_LABEL]: request.purpose,
    [HELPER_SESSION_LABEL]: request.session,
    [HELPER_CLIENT_LABEL]: request.client.hostHash,
    [HELPER_PID_LABEL]: String(request.client.pid),
  };
  if (request.deadline !== undefined) {
    labels[HELPER_DEADLINE_LABEL] = String(Math.ceil(request.deadline));
  }
  return {
    name: helperName(request),
    body: {
      Image: request.image,
      Cmd: request.argv,
      Labels: labels,
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      OpenStdin: false,
      HostConfig: {
        NetworkMode: `container:${request.joinContainerId}`,
        CapDrop: ['ALL'],
        CapAdd: request.capabilities,
        AutoRemove: true,
        SecurityOpt: ['no-new-privileges'],
        LogConfig: { Type: 'none', Config: {} },
      },
    },
  };
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
