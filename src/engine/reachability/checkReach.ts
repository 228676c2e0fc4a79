/**
 * The connectivity doctor end to end, for the CLI and the extension alike (no `vscode`): resolve
 * both sides in the session's inventory, inspect what the explanation needs, explain, observe on
 * request from inside A's namespace, read the packet filter around it, and draw the path on the
 * same topology the panel shows.
 */
import type { Inventory } from '../../model/inventory';
import type { EngineTarget } from '../../model/connectionResolution';
import type { ContainerInspectJson } from '../../model/dockerTypes';
import { displayHost } from '../../model/displayHost';
import { EngineValueError, isSafePid, reachNameIssue } from '../../model/engineValues';
import { checkEngineAnswers } from '../../model/reachability/engineAnswers';
import { concludeReach, NOT_OBSERVED, ObservationResult } from '../../model/reachability/conclude';
import { Explanation, explainReach, publishedPorts } from '../../model/reachability/explain';
import { reachPath } from '../../model/reachability/path';
import { findContainer } from '../../model/reachability/sides';
import type { ObservationReason, ReachReport, ReachSide } from '../../model/reachability/types';
import type { ProbeLevel } from '../../model/topology/facts';
import type { Topology } from '../../model/topology/types';
import { collectTopology, type TopologySession } from '../collectTopology';
import type { TopologySource } from '../topologySource';
import { observe, readFilter } from './observe';
import { podmanIsolatedBridges } from '../../model/reachability/packetFilter';
import type { PodmanFacts } from '../../model/reachability/podmanRules';
import type { ContainerRunApi, ExecResult } from '../engineApi';
import { helperRunner } from './helperRunner';
import { readFilterThroughHelper } from './helperFilter';
import { CONTAINER_FILE_MAX_BYTES } from './containerFiles';
import { archiveFileText } from '../../model/reachability/archiveFile';
import { systemTool } from '../../probe/systemTools';
import { engineSocketOwned, rootPathRefusal } from './localProof';
import { dockerExecRunner, findBusybox, localRunner, NamespaceRunner } from './runners';
import { engineCli, type EngineCli, type EngineProduct } from '../../model/engineProduct';
import { storyPoints, withStory } from '../../model/reachability/packetStory';
import type { PathHop } from '../../model/reachability/types';
import type { StoryCapturePoint } from './storyCaptures';

/** What the doctor reads from: an EngineSession offers exactly this. */
export interface ReachSource extends TopologySession {
  readonly target: EngineTarget;
  /** The engine's API version, when connected: which gateway modes its bridges have. */
  readonly apiVersion?: string;
  /** `docker exec` over the session's own client (socket, TLS or SSH), for the observation from inside A. */
  execInContainer(containerId: string, argv: string[], timeoutMs: number): Promise<ExecResult>;
  /** The session's client: it also runs containers (the probe helper) when it is an EngineClient. */
  readonly client?: object;
  /** The session's state: on Podman (its own /version), the fixes print `podman` commands. */
  readonly state?: { kind: string; engineProduct?: EngineProduct };
}

export interface ReachRequest {
  /** A container name, id or id prefix, or `host` for the host's own namespace. */
  from: string;
  to: string;
  name?: string;
  port?: number;
  /** Observe from inside A (default true). */
  verify?: boolean;
  /** Deepest host probe for the path (the topology's level). */
  level?: ProbeLevel;
  /** Where the host's tools are (tests); found on the usual paths otherwise. */
  busybox?: string;
  isRoot?: boolean;
  /**
   * The user's consent to probe through a helper container of `image` on the engine (VS Code: the
   * engine is observed through the helper level; CLI: `--helper IMAGE`), used where this machine
   * cannot enter A's namespace as root. `api`: the engine to run it on (default: the session's client).
   */
  helper?: { image: string; api?: ContainerRunApi; log?: (line: string) => void };
}

/**
 * A side named in the request is not on this engine, the question makes no sense, the name to
 * resolve is not a DNS name, or the engine answered a value its field cannot hold (`invalid`
 * says which field and value; nothing was run).
 */
export class ReachRequestError extends Error {
  constructor(
    readonly code: 'unknownContainer' | 'sameSide' | 'engineUnreachable' | 'invalidName' | 'engineValueInvalid',
    readonly ref: string,
    readonly invalid?: EngineValueError,
  ) {
    super(`${code}: ${ref}`);
  }
}

export const HOST_SIDE = 'host';

export function sideOf(inventory: Inventory, ref: string): ReachSide {
  if (ref === HOST_SIDE) {
    return { kind: 'host' };
  }
  const container = findContainer(inventory, ref);
  if (!container) {
    throw new ReachRequestError('unknownContainer', ref);
  }
  return { kind: 'container', id: container.id, name: container.name };
}

/**
 * `topology`: the session's topology source (its incremental probe reads only what changed since the
 * panel or the last check read the host); without it, the host is probed in full.
 */
export async function checkReach(source: ReachSource, request: ReachRequest, topology?: TopologySource): Promise<ReachReport> {
  const inventory = source.inventory;
  if (!inventory) {
    throw new ReachRequestError('engineUnreachable', displayHost(source.target.host));
  }
  const from = sideOf(inventory, request.from);
  const to = sideOf(inventory, request.to);
  if ((from.kind === 'host' && to.kind === 'host') || (from.kind === 'container' && to.kind === 'container' && from.id === to.id)) {
    throw new ReachRequestError('sameSide', request.from);
  }
  if (request.name !== undefined && reachNameIssue(request.name)) {
    throw new ReachRequestError('invalidName', request.name);
  }
  const collected = await (topology ? topology.collect(request.level) : collectTopology(source, request.level));
  const inspections = await inspectAll(source, inventory);
  const product = source.state?.kind === 'connected' ? source.state.engineProduct : undefined;
  const cli = engineCli(product);
  const explanation = explainReach({
    inventory,
    inspectionOf: (id) => inspections.get(id),
    question: { from, to, name: request.name, port: request.port },
    hostAddresses: hostAddressesOf(collected?.topology),
    apiVersion: source.apiVersion,
    cli,
    podman: product === 'Podman' ? await podmanFacts(source, request) : undefined,
  });
  // The whole path the probes' packets would take, every hop captured on for the packet story.
  const planned = reachPath({ inventory, topology: collected?.topology, explanation, final: 'reachable' }).hops;
  const observed = await refusingInvalid(() => {
    checkEngineAnswers(inventory, explanation);
    return request.verify === false ? Promise.resolve(NOT_OBSERVED) : observeFor(source, explanation, inventory, inspections, { ...request, cli, planned });
  });
  const concluded = concludeReach(explanation, observed, (final, drop) => reachPath({ inventory, topology: collected?.topology, explanation, final, drop }));
  const report = observed.seen ? { ...concluded, path: withStory(concluded.path, planned, observed.seen) } : concluded;
  return product ? { ...report, engine: product } : report;
}

/**
 * On Podman, what its host's packet filter says of isolation (the bridges CNI-ISOLATION-STAGE-1
 * sends on): Podman 4.3's API can leave `isolate` out. Read only where the observation may read it
 * too (local engine, root); otherwise the API's word stands, and the report says so.
 */
async function podmanFacts(source: ReachSource, request: ReachRequest): Promise<PodmanFacts> {
  const root = request.isRoot ?? process.getuid?.() === 0;
  if (!source.isLocal || process.platform !== 'linux' || !root) {
    return {};
  }
  const rules = await readFilter();
  return rules ? { isolatedBridges: podmanIsolatedBridges(rules) } : {};
}

/** Every container's inspection (links, aliases on other networks, hostnames, published ports); cached by the session. */
async function inspectAll(source: ReachSource, inventory: Inventory): Promise<Map<string, ContainerInspectJson>> {
  const inspections = new Map<string, ContainerInspectJson>();
  await Promise.all(
    inventory.containers.map(async (container) => {
      const details = await source.containerDetails(container.id);
      if (details) {
        inspections.set(container.id, details);
      }
    }),
  );
  return inspections;
}

function hostAddressesOf(topology: Topology | undefined): Record<string, string[]> {
  const addresses: Record<string, string[]> = {};
  for (const iface of topology?.namespaces.find((ns) => ns.id === 'ns:host')?.interfaces ?? []) {
    if (iface.name && iface.addresses.length > 0) {
      addresses[iface.name] = iface.addresses;
    }
  }
  return addresses;
}

/** An engine value that is not what its field must hold stops the doctor with the field's name. */
async function refusingInvalid<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof EngineValueError) {
      throw new ReachRequestError('engineValueInvalid', error.field, error);
    }
    throw error;
  }
}

async function observeFor(
  source: ReachSource,
  explanation: Explanation,
  inventory: Inventory,
  inspections: Map<string, ContainerInspectJson>,
  request: ReachRequest & { cli: EngineCli; planned: PathHop[] },
): Promise<ObservationResult> {
  const local = source.isLocal && process.platform === 'linux';
  const root = request.isRoot ?? process.getuid?.() === 0;
  const context: RunnerContext = { local, root, busybox: request.busybox, cli: request.cli, helper: helperOf(source, request) };
  const chosen = await chooseRunner(source, explanation, inventory, inspections, context);
  if (!chosen.runner) {
    return { observation: { method: 'none', reason: chosen.reason }, probes: [] };
  }
  const loopbackPorts = loopbackPortsOf(explanation, inspections);
  // This host's packet filter (and its interfaces) say something about the path only when the engine was proved to be this host's.
  // A probe helper's packets run on the engine's host: this machine's filter and interfaces are not theirs.
  const here = chosen.runner.method !== 'helper';
  const proved = here && local && root && !chosen.runner.reason && chosen.runner.method !== 'dockerExec';
  const story = proved ? await storyCaptures(source, request.planned, inventory, inspections) : undefined;
  // Through a probe helper, the engine host's filter is read by a filter helper on the same engine (the same consent).
  const helper = chosen.runner.method === 'helper' ? context.helper : undefined;
  const filter = helper ? () => readFilterThroughHelper(helper.api, helper.image, helper.log) : here && local && root && !chosen.runner.reason;
  return observe(chosen.runner, explanation, { readFilter: filter, loopbackPorts, story });
}

/**
 * Where the packet story captures (local engine, root): each hop's interface, in the host's
 * namespace or in a running container's, entered by its pid only when that namespace was proved to
 * be the engine's sandbox (as A's is before the probes run there). A hop that cannot be proved is
 * left uncounted. Undefined without tcpdump.
 */
async function storyCaptures(
  source: ReachSource,
  planned: PathHop[],
  inventory: Inventory,
  inspections: Map<string, ContainerInspectJson>,
): Promise<{ points: StoryCapturePoint[]; tools: { tcpdump: string; nsenter: string } } | undefined> {
  const [tcpdump, nsenter] = await Promise.all([systemTool('tcpdump'), systemTool('nsenter')]);
  if (!tcpdump || !nsenter) {
    return undefined;
  }
  const owned = await engineSocketOwned(source.target);
  const points: StoryCapturePoint[] = [];
  for (const point of storyPoints(planned)) {
    if (!point.containerId) {
      points.push(point);
      continue;
    }
    const container = inventory.containerById.get(point.containerId);
    const stack = container?.running ? inspections.get(point.containerId) : undefined;
    const pid = stack?.State?.Pid;
    if (!isSafePid(pid) || (await rootPathRefusal(source.target, owned, pid, stack?.NetworkSettings?.SandboxKey || undefined))) {
      continue;
    }
    points.push({ ...point, netnsFile: `/proc/${pid}/ns/net` });
  }
  return { points, tools: { tcpdump, nsenter } };
}

interface RunnerContext {
  local: boolean;
  root: boolean;
  busybox?: string;
  cli: EngineCli;
  helper?: { image: string; api: ContainerRunApi; log?: (line: string) => void };
}

function canRunContainers(api: unknown): api is ContainerRunApi {
  const candidate = api as Partial<ContainerRunApi> | undefined;
  return typeof candidate?.createContainer === 'function' && typeof candidate.attachContainer === 'function' && typeof candidate.startContainer === 'function';
}

/** The consented helper and the engine it runs on, when the request gave one and the engine can run it. */
function helperOf(source: ReachSource, request: ReachRequest): RunnerContext['helper'] {
  const api = request.helper?.api ?? source.client;
  return request.helper && request.helper.image.trim() !== '' && canRunContainers(api) ? { image: request.helper.image, api, log: request.helper.log } : undefined;
}

/**
 * A's namespace through probe helpers; A's files (/etc/hosts, resolv.conf) through the Engine API's
 * archive (no tool of A's needed), else through exec when A has `cat`.
 */
function probeHelperRunner(source: ReachSource, id: string, helper: NonNullable<RunnerContext['helper']>, cli: EngineCli, reason?: ObservationReason): NamespaceRunner {
  const exec = dockerExecRunner(source, id, reason, cli);
  const api = helper.api;
  const readFile = async (file: string): Promise<string | undefined> => {
    if (api.containerArchive) {
      try {
        // The tar's header records come first: a few blocks more than the file.
        const tar = await api.containerArchive(id, file, CONTAINER_FILE_MAX_BYTES + 8 * 1024);
        const text = tar ? archiveFileText(tar, CONTAINER_FILE_MAX_BYTES) : undefined;
        if (text !== undefined) {
          return text;
        }
      } catch {
        // The engine refused the archive: A's own tools, as without a helper.
      }
    }
    return exec.readFile(file);
  };
  return helperRunner(api, id, { image: helper.image, log: helper.log, reason, readFile });
}

async function chooseRunner(
  source: ReachSource,
  explanation: Explanation,
  inventory: Inventory,
  inspections: Map<string, ContainerInspectJson>,
  context: RunnerContext,
): Promise<{ runner?: NamespaceRunner; reason?: ObservationReason }> {
  const asked = explanation.question.from;
  const busybox = context.busybox ?? (context.local ? await findBusybox() : undefined);
  if (asked.kind === 'host') {
    if (!context.local) {
      return { reason: source.isLocal ? 'notLinux' : 'remoteEngine' };
    }
    return busybox ? { runner: localRunner(busybox, undefined) } : { reason: 'noTools' };
  }
  const container = inventory.containerById.get(asked.id);
  const owner = container?.sharesStackOf ? inventory.containerById.get(container.sharesStackOf.id) : undefined;
  if (!container?.running || (owner && !owner.running)) {
    return { reason: 'sourceStopped' };
  }
  // The namespace entered is the owner's for a `container:` mode source: its pid and SandboxKey.
  const stack = inspections.get((owner ?? container).id);
  const pid = stack?.State?.Pid;
  const nsenter = context.local && context.root && busybox && pid ? await systemTool('nsenter') : undefined;
  // The probe helper joins the namespace that owns the stack (`container:` of A's owner), as nsenter does.
  const joined = (owner ?? container).id;
  if (!nsenter) {
    return { runner: context.helper ? probeHelperRunner(source, joined, context.helper, context.cli) : dockerExecRunner(source, asked.id, undefined, context.cli) };
  }
  if (!isSafePid(pid)) {
    throw new EngineValueError(`State.Pid of container ${(owner ?? container).name}`, typeof pid === 'string' ? pid : JSON.stringify(pid), 'pid');
  }
  const refusal = await rootPathRefusal(source.target, await engineSocketOwned(source.target), pid, stack?.NetworkSettings?.SandboxKey || undefined);
  if (refusal) {
    return { runner: context.helper ? probeHelperRunner(source, joined, context.helper, context.cli, refusal) : dockerExecRunner(source, asked.id, refusal, context.cli) };
  }
  return { runner: localRunner(busybox!, pid, nsenter) };
}

/** Host -> container on a port: the host ports that publish it on loopback or every address. */
function loopbackPortsOf(explanation: Explanation, inspections: Map<string, ContainerInspectJson>): number[] {
  const to = explanation.effectiveTo;
  const port = explanation.question.port;
  if (explanation.question.from.kind !== 'host' || to.kind !== 'container' || port === undefined) {
    return [];
  }
  return publishedPorts(inspections.get(to.id))
    .filter((binding) => binding.containerPort === `${port}/tcp` && ['', '0.0.0.0', '127.0.0.1'].includes(binding.hostIp))
    .map((binding) => Number(binding.hostPort))
    .filter((value) => Number.isInteger(value) && value > 0);
}
