/**
 * Shared by the traffic fixture recorder (scripts/recordTrafficFixtures.ts) and the engine tier's
 * traffic test: three busybox containers on a network the caller names, B listening with busybox
 * `nc`, and a way to send exactly N bytes from A to B. Host-side veths are found with the real
 * tools (`ip -j link` inside the container's namespace gives its eth0's peer index; /sys/class/net
 * on the host gives the name), never with the code under test. Traffic stays between these containers.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createNetwork, docker, runContainer, TEST_IMAGE, TEST_LABEL } from './dockerCli';

export const LISTEN_PORT = 5001;

export interface TrafficSituation {
  network: string;
  a: { name: string; id: string; pid: number };
  b: { name: string; id: string; pid: number };
  c: { name: string; id: string; pid: number };
}

function pidOf(name: string): number {
  return Number(docker(['inspect', '-f', '{{.State.Pid}}', name]));
}

/** Makes the network and the three containers (B listening on LISTEN_PORT, what it receives thrown away). */
export function buildTrafficSituation(prefix: string, label = TEST_LABEL, dockerArgs: { network?: string[] } = {}): TrafficSituation {
  const network = `${prefix}-net`;
  createNetwork(network, dockerArgs.network ?? [], label);
  const names = { a: `${prefix}-a`, b: `${prefix}-b`, c: `${prefix}-c` };
  runContainer(names.a, ['--network', network], label);
  runContainer(names.c, ['--network', network], label);
  // A persistent busybox server (-ll -e): every connection gets its own `cat > /dev/null`, so A can send again and again.
  const b = docker(['run', '-d', '--name', names.b, '--label', `${label}=1`, '--network', network, TEST_IMAGE, 'nc', '-ll', '-p', String(LISTEN_PORT), '-e', 'sh', '-c', 'cat > /dev/null']);
  const id = (name: string) => docker(['inspect', '-f', '{{.Id}}', name]);
  return {
    network,
    a: { name: names.a, id: id(names.a), pid: pidOf(names.a) },
    b: { name: names.b, id: b, pid: pidOf(names.b) },
    c: { name: names.c, id: id(names.c), pid: pidOf(names.c) },
  };
}

/** The command A runs to send `bytes` zero bytes to B's listener once (busybox head and nc). */
export function senderArgv(situation: TrafficSituation, bytes: number): string[] {
  return ['exec', situation.a.name, 'sh', '-c', `busybox head -c ${bytes} /dev/zero | nc ${situation.b.name} ${LISTEN_PORT}`];
}

// At the image's root: local/busybox has /bin and little else (no /tmp).
const STOP_FILE = '/dne-stop-sending';

/**
 * The command A runs to send `bytes` again and again, `pauseSeconds` apart, until stopSending() (at
 * most `maxTimes`, so that a test that dies midway leaves no endless sender behind).
 */
export function repeatedSenderArgv(situation: TrafficSituation, bytes: number, pauseSeconds: number, maxTimes = 200): string[] {
  const once = `busybox head -c ${bytes} /dev/zero | nc ${situation.b.name} ${LISTEN_PORT}`;
  return ['exec', situation.a.name, 'sh', '-c', `busybox rm -f ${STOP_FILE}; i=0; while [ ! -e ${STOP_FILE} ] && [ $i -lt ${maxTimes} ]; do ${once} || exit 1; sleep ${pauseSeconds}; i=$((i+1)); done`];
}

export function stopSending(situation: TrafficSituation): void {
  docker(['exec', situation.a.name, 'sh', '-c', `: > ${STOP_FILE}`], { allowFailure: true });
}

/** Sends `bytes` zero bytes from A to B; returns when A's nc is done. */
export function sendBytes(situation: TrafficSituation, bytes: number): void {
  docker(senderArgv(situation, bytes), { timeoutMs: 30_000 });
}

/** The host-side veth of a container's eth0, found with `ip` inside its namespace (root) and /sys/class/net. */
export function hostVethOf(pid: number, inside = 'eth0'): string {
  const links = JSON.parse(execFileSync('nsenter', [`--net=/proc/${pid}/ns/net`, '--', 'ip', '-j', 'link', 'show', inside], { encoding: 'utf8' })) as Array<{ link_index?: number }>;
  const peerIndex = links[0]?.link_index;
  for (const name of readdirSync('/sys/class/net')) {
    try {
      if (Number(readFileSync(`/sys/class/net/${name}/ifindex`, 'utf8')) === peerIndex) {
        return name;
      }
    } catch {
      // an interface that went away meanwhile
    }
  }
  throw new Error(`no host interface has ifindex ${peerIndex} (the peer of ${inside} in /proc/${pid})`);
}

/** Removes what buildTrafficSituation made (by name, so that nothing else carrying the label is touched). */
export function removeTrafficSituation(prefix: string): void {
  docker(['rm', '-f', `${prefix}-a`, `${prefix}-b`, `${prefix}-c`], { allowFailure: true });
  docker(['network', 'rm', `${prefix}-net`], { allowFailure: true });
}
