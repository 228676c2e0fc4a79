/**
 * The command line's grammar, parsed by node's util.parseArgs: commands, options (also written
 * `--opt=value`), the help text with a description of each option. Pure: no I/O here.
 */
import { parseArgs } from 'node:util';
import { reachNameIssue } from '../model/engineValues';
import { oneLine } from '../model/safeText';
import type { ProbeLevel } from '../model/topology/facts';
import { DEFAULT_DIAGRAM_OPTIONS, DiagramOptions } from '../model/topology/types';

export const PROGRAM = 'docker-network-explorer';

/** A mistake in the command line: printed with a hint to --help, exit code 2. */
export class UsageError extends Error {}

export interface DiagramArguments {
  command: 'diagram';
  network?: string;
  container?: string;
  format: 'mermaid' | 'json';
  /** `overview` or `full` when asked; by default the panel's plan (planDiagram) picks. */
  view?: 'overview' | 'full';
  level?: ProbeLevel;
  /** `--helper IMAGE`: consent, for this run, to observe the engine's host through a helper container of that image. */
  helper?: string;
  host?: string;
  context?: string;
  options: DiagramOptions;
}

export interface ReachArguments {
  command: 'reach';
  from: string;
  to: string;
  port?: number;
  name?: string;
  verify: boolean;
  /** `--helper IMAGE`: consent, for this run, to probe from a helper container of that image on the engine. */
  helper?: string;
  format: 'text' | 'json';
  host?: string;
  context?: string;
}

export interface TrafficArguments {
  command: 'traffic';
  network?: string;
  container?: string;
  /** Seconds between the two readings the rates come from. */
  intervalSeconds: number;
  format: 'text' | 'json';
  host?: string;
  context?: string;
}

export interface CaptureArguments {
  command: 'capture';
  /** A container (name or id) or an interface of this host. */
  target: string;
  interface?: string;
  filter?: string;
  count?: number;
  duration?: number;
  write: string;
  /** `--helper IMAGE`: consent, for this run, to capture in a helper container of that image on the engine. */
  helper?: string;
  host?: string;
  context?: string;
}

/** --interval's bounds: long enough to count a packet, short enough to wait for. */
export const TRAFFIC_INTERVAL = { min: 0.1, max: 3600, default: 1 } as const;

export type CliRequest = { command: 'help' } | { command: 'version' } | DiagramArguments | ReachArguments | TrafficArguments | CaptureArguments;

const OPTIONS = {
  network: { type: 'string' },
  container: { type: 'string' },
  format: { type: 'string' },
  level: { type: 'string' },
  host: { type: 'string' },
  context: { type: 'string' },
  macs: { type: 'boolean' },
  'no-ips': { type: 'boolean' },
  stopped: { type: 'boolean' },
  'no-unmanaged': { type: 'boolean' },
  'no-inferred': { type: 'boolean' },
  'no-legend': { type: 'boolean' },
  collapse: { type: 'boolean' },
  overview: { type: 'boolean' },
  full: { type: 'boolean' },
  port: { type: 'string' },
  name: { type: 'string' },
  'no-verify': { type: 'boolean' },
  interval: { type: 'string' },
  interface: { type: 'string' },
  filter: { type: 'string' },
  count: { type: 'string' },
  duration: { type: 'string' },
  write: { type: 'string' },
  helper: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

export const HELP = `Usage: ${PROGRAM} <command> [options]

Commands:
  diagram               Print the Docker networks' plumbing as a Mermaid diagram (or JSON):
                        bridges, veth pairs and network namespaces, as the topology panel draws them.
  reach A B             Can container A reach container B (or \`host\`), by address or --name, and why not:
                        explained from the engine's facts, observed from inside A, where it stops.
  traffic               Rates per interface (bytes and packets per second, rx/tx, drops, errors) over
                        an interval: every interface the diagram draws, read from the host's counters.
  capture TARGET        Capture packets on a container (name or id) or an interface of this host, with
                        the host's tcpdump (root): decoded lines on stdout, the pcap in --write FILE.
  help                  Show this help.

Options of diagram:
  --network NAME|ID     Only this network and what is attached to it.
  --container NAME|ID   Only this container's network namespace and where it leads.
  --format mermaid|json Mermaid text (default) or the topology as JSON.
  --level api|sysfs|netns
                        Deepest host probe to use: api (Engine API only, inferred), sysfs (no root
                        needed), netns (root: overlay, ingress and load-balancer namespaces).
                        Default: the deepest this user can read.
  --helper IMAGE        Read the engine's host through a short-lived helper container of IMAGE on
                        that engine (the host's pid and network namespaces, only SYS_ADMIN and
                        SYS_PTRACE; busybox; nothing is pulled): bridges, veth pairs and every
                        namespace observed, for an engine that is not local (SSH, TLS) or without
                        root. Without this option nothing is run on the engine. Level: helper.
  --macs                Show MAC addresses.
  --no-ips              Hide IP addresses.
  --stopped             Include stopped containers.
  --no-unmanaged        Hide links Docker did not make (hand-made veths and the like).
  --no-inferred         Hide what was inferred from the API rather than observed on the host.
  --no-legend           Leave the legend out.
  --collapse            One node per namespace instead of one per interface.
  --overview            The whole host by network: each network one node listing its containers,
                        containers on several networks between them. By default the overview is
                        printed above 20 containers or 12 networks, as the topology panel shows it.
  --full                Every veth end, however large the host.
  --host URL            The engine to ask (unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host);
                        default: DOCKER_HOST, then the current docker context, then the default socket.
  --context NAME        The docker context to use.

Options of reach (A and B: a container name or id, or host for the host itself):
  --port N              A TCP port on B to connect to (default: ICMP echo).
  --name NAME           Whether A reaches B by this name (DNS, --link, /etc/hosts).
  --no-verify           Explain only: do not send packets from inside A.
  --helper IMAGE        Where this machine cannot enter A's namespace as root (an engine that is not
                        local, or no root): send the probes from short-lived helper containers of
                        IMAGE on the engine, joined to A's network namespace (only NET_RAW; busybox;
                        nothing is pulled), so A's image needs no tools; the engine host's packet
                        filter counters are read around them by one more helper in its host
                        namespaces (SYS_ADMIN, SYS_PTRACE, SYS_CHROOT, NET_ADMIN: its own
                        iptables-save and nft). Without this option A's own tools are used (docker
                        exec). The JSON names the method helper.
  --format text|json    A report in English (default) or JSON (the shape is in the README).
  Exit codes of reach: 0 reachable, 1 not reachable, 2 a usage or engine error. The code follows the
  observation when it was made, the explanation with --no-verify.

Options of traffic:
  --network NAME|ID     Only the interfaces of this network (its bridge, veths and endpoints).
  --container NAME|ID   Only this container's interfaces and the host ends of its veths.
  --interval S          Seconds between the two readings (default 1; 0.1 to 3600).
  --format text|json    A table (default) or JSON: { intervalSeconds, interfaces: [{ container?, namespace,
                        interface, peer?, rxBytesPerSecond, txBytesPerSecond, rxPacketsPerSecond,
                        txPacketsPerSecond, drops, errors, source, interfaceId? }] }.
  Counters come from /sys/class/net and /proc/<pid>/net/dev (no root), ip -s -j link in overlay,
  ingress and load-balancer namespaces (root), or the engine's stats when the engine is not local.
  Exit codes of traffic: 0 success, 2 a usage error or an engine that does not answer.
Options of capture:
  --write FILE.pcap     The pcap file to write (required).
  --interface IF        One interface of the container (default: all of them, tcpdump's "any").
  --filter BPF          A tcpdump filter, checked by tcpdump's compiler before anything runs.
  --count N             Stop after N packets (1 to 10000000).
  --duration S          Stop after S seconds (1 to 86400). Ctrl-C stops earlier, with the counts.
  --helper IMAGE        When tcpdump cannot run here as root (an engine that is not local, or no
                        root): run it in a short-lived helper container of IMAGE (it must have
                        tcpdump; nothing is pulled) on the engine, joined to the container's network
                        namespace; the pcap comes back over the engine connection (SSH, TLS too).
                        Without this option nothing is run on the engine.
  Exit codes of capture: 0 ended by its limit (or Ctrl-C), 1 the capture could not run or failed,
  2 a usage error or an engine that does not answer.

General options:
  -h, --help            Show this help.
  -V, --version         Show the version.

Exit codes of diagram: 0 success, 1 the engine could not answer, 2 a usage error.
Options also take the form --option=value.`;

const LEVELS: readonly ProbeLevel[] = ['api', 'sysfs', 'netns'];

export function parseCommandLine(argv: string[]): CliRequest {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(usageSentence(error));
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') {
    return { command: 'help' };
  }
  if (values.version) {
    return { command: 'version' };
  }
  const [command, ...extra] = positionals;
  if (command === undefined) {
    throw new UsageError('a command is missing (for example: diagram).');
  }
  if (command === 'reach') {
    return reachArguments(values, extra);
  }
  if (command === 'traffic') {
    if (extra.length > 0) {
      throw new UsageError(`unexpected argument "${extra[0]}".`);
    }
    return trafficArguments(values);
  }
  if (command === 'capture') {
    return captureArguments(values, extra);
  }
  if (command !== 'diagram') {
    throw new UsageError(`"${command}" is not a command (the commands are: diagram, reach, traffic, capture, help).`);
  }
  if (extra.length > 0) {
    throw new UsageError(`unexpected argument "${extra[0]}".`);
  }
  return diagramArguments(values);
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** A whole number option (`--count`, `--duration`): digits only, else a usage error. */
function wholeNumber(option: string, value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!/^\d{1,9}$/.test(value)) {
    throw new UsageError(`--${option} takes a whole number, not "${oneLine(value)}".`);
  }
  return Number(value);
}

function captureArguments(values: Values, targets: string[]): CaptureArguments {
  if (targets.length !== 1) {
    throw new UsageError(targets.length === 0 ? 'capture needs a target: a container (name or id) or an interface of this host.' : `unexpected argument "${oneLine(targets[1])}".`);
  }
  if (values.write === undefined || values.write === '') {
    throw new UsageError('capture needs --write FILE.pcap: the file the packets are written to.');
  }
  return {
    command: 'capture',
    target: targets[0],
    interface: values.interface,
    filter: values.filter,
    count: wholeNumber('count', values.count),
    duration: wholeNumber('duration', values.duration),
    write: values.write,
    helper: values.helper,
    host: values.host,
    context: values.context,
  };
}

function reachArguments(values: Values, sides: string[]): ReachArguments {
  if (sides.length < 2) {
    throw new UsageError('reach needs two containers: reach A B (a name, an id, or host).');
  }
  if (sides.length > 2) {
    throw new UsageError(`unexpected argument "${sides[2]}".`);
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    throw new UsageError(`--format takes text or json, not "${format}".`);
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!/^\d+$/.test(values.port!) || port < 1 || port > 65535)) {
    throw new UsageError(`--port takes a TCP port from 1 to 65535, not "${values.port}".`);
  }
  // A DNS name as the docker CLI writes names and aliases: never a leading `-` (nslookup would read an option).
  if (values.name !== undefined && reachNameIssue(values.name)) {
    throw new UsageError(`--name takes a container name or alias (a letter or digit first, then letters, digits, "_", "." and "-"), not "${oneLine(values.name, 200)}".`);
  }
  if (values.helper !== undefined && (values.helper.trim() === '' || /\s/.test(values.helper))) {
    throw new UsageError(`--helper takes an image the engine already has (e.g. busybox:1.37), not "${oneLine(values.helper, 200)}".`);
  }
  if (values.helper !== undefined && values['no-verify']) {
    throw new UsageError('--helper and --no-verify cannot be used together: --helper is how the observation is made, --no-verify skips it.');
  }
  return {
    command: 'reach',
    from: sides[0],
    to: sides[1],
    port,
    name: values.name,
    verify: !values['no-verify'],
    ...(values.helper !== undefined ? { helper: values.helper } : {}),
    format,
    host: values.host,
    context: values.context,
  };
}

function trafficArguments(values: Values): TrafficArguments {
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    throw new UsageError(`--format takes text or json, not "${oneLine(format, 200)}".`);
  }
  if (values.network !== undefined && values.container !== undefined) {
    throw new UsageError('--network and --container cannot be used together.');
  }
  const raw = values.interval;
  const interval = raw === undefined ? TRAFFIC_INTERVAL.default : Number(raw);
  if (raw !== undefined && (!/^\d+(\.\d+)?$/.test(raw) || interval < TRAFFIC_INTERVAL.min || interval > TRAFFIC_INTERVAL.max)) {
    throw new UsageError(`--interval takes a number of seconds from ${TRAFFIC_INTERVAL.min} to ${TRAFFIC_INTERVAL.max}, not "${oneLine(raw, 200)}".`);
  }
  for (const option of ['level', 'port', 'name'] as const) {
    if (values[option] !== undefined) {
      throw new UsageError(`--${option} is not an option of traffic.`);
    }
  }
  return { command: 'traffic', network: values.network, container: values.container, intervalSeconds: interval, format, host: values.host, context: values.context };
}

function diagramArguments(values: Values): DiagramArguments {
  const format = values.format ?? 'mermaid';
  if (format !== 'mermaid' && format !== 'json') {
    throw new UsageError(`--format takes mermaid or json, not "${format}".`);
  }
  if (values.interval !== undefined) {
    throw new UsageError('--interval is an option of traffic, not of diagram.');
  }
  if (values.level !== undefined && !LEVELS.includes(values.level as ProbeLevel)) {
    throw new UsageError(`--level takes api, sysfs or netns, not "${values.level}".`);
  }
  if (values.helper !== undefined && values.level !== undefined) {
    throw new UsageError('--helper and --level cannot be used together: --helper reads the engine\'s host through a helper container, --level limits this machine\'s probe.');
  }
  if (values.network !== undefined && values.container !== undefined) {
    throw new UsageError('--network and --container cannot be used together.');
  }
  if (values.overview && values.full) {
    throw new UsageError('--overview and --full cannot be used together.');
  }
  if (values.overview && (values.network !== undefined || values.container !== undefined)) {
    throw new UsageError('--overview draws the whole host: leave out --network and --container.');
  }
  return {
    command: 'diagram',
    network: values.network,
    container: values.container,
    format,
    view: values.overview ? 'overview' : values.full ? 'full' : undefined,
    level: values.level as ProbeLevel | undefined,
    helper: values.helper,
    host: values.host,
    context: values.context,
    options: {
      ...DEFAULT_DIAGRAM_OPTIONS,
      showMACs: values.macs ?? DEFAULT_DIAGRAM_OPTIONS.showMACs,
      showIPs: values['no-ips'] ? false : DEFAULT_DIAGRAM_OPTIONS.showIPs,
      showStopped: values.stopped ?? DEFAULT_DIAGRAM_OPTIONS.showStopped,
      showUnmanaged: values['no-unmanaged'] ? false : DEFAULT_DIAGRAM_OPTIONS.showUnmanaged,
      showInferred: values['no-inferred'] ? false : DEFAULT_DIAGRAM_OPTIONS.showInferred,
      showLegend: values['no-legend'] ? false : DEFAULT_DIAGRAM_OPTIONS.showLegend,
      collapse: values.collapse ?? DEFAULT_DIAGRAM_OPTIONS.collapse,
    },
  };
}

/** parseArgs's errors, as sentences that name the option. */
function usageSentence(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(-[^' ]+)/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option "${option}".`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(message) ? `${option} needs a value.` : `${option} takes no value.`;
    default:
      return message;
  }
}
