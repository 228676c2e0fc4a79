/**
 * Records interface counters from the real engine and host, before and after a known transfer, for
 * the unit tier's traffic parsers (test/unit/trafficCounters.test.ts): three containers on a network
 * this script makes, N bytes sent from A to B with busybox `nc`, and around it
 *  - /proc/<pid>/net/dev of A, B and C (the container side, no root);
 *  - `ip -s -j link` inside A's namespace (nsenter, root) and on the host for the three host veths;
 *  - /sys/class/net/<veth>/statistics/* of the three host veths;
 *  - the Engine API's one-shot stats of A, B and C (`GET /containers/{id}/stats?stream=false&one-shot=true`).
 * Removes what it made, also on failure.
 *
 *   npx tsc -p test/tsconfig.json && node out/scripts/recordTrafficFixtures.js     (root, local engine)
 *   bash scripts/engine28.sh run node out/scripts/recordTrafficFixtures.js       (Docker 28)
 *
 * Writes test/fixtures/engine-<api>/traffic.json. Never edit it by hand.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { docker, engineGet } from '../test/support/dockerCli';
import { buildTrafficSituation, hostVethOf, removeTrafficSituation, sendBytes, type TrafficSituation } from '../test/support/trafficSituation';

const PREFIX = `dne-trafrec-${process.pid}`;
const SENT_BYTES = 2_000_000;
const STATISTICS = ['rx_bytes', 'tx_bytes', 'rx_packets', 'tx_packets', 'rx_dropped', 'tx_dropped', 'rx_errors', 'tx_errors'];
type Side = 'a' | 'b' | 'c';
const SIDES: Side[] = ['a', 'b', 'c'];

function reading(situation: TrafficSituation, veths: Record<Side, string>) {
  const perSide = <T>(read: (side: Side) => T) => Object.fromEntries(SIDES.map((side) => [side, read(side)])) as Record<Side, T>;
  return {
    procNetDev: perSide((side) => readFileSync(`/proc/${situation[side].pid}/net/dev`, 'latin1')),
    ipStatsInA: execFileSync('nsenter', [`--net=/proc/${situation.a.pid}/ns/net`, '--', 'ip', '-s', '-j', 'link', 'show'], { encoding: 'utf8' }),
    ipStatsHost: perSide((side) => execFileSync('ip', ['-s', '-j', 'link', 'show', 'dev', veths[side]], { encoding: 'utf8' })),
    sysfs: perSide((side) => STATISTICS.map((file) => readFileSync(`/sys/class/net/${veths[side]}/statistics/${file}`, 'latin1'))),
  };
}

async function stats(situation: TrafficSituation) {
  const one = (side: Side) => engineGet(`/containers/${situation[side].id}/stats?stream=false&one-shot=true`);
  return { a: await one('a'), b: await one('b'), c: await one('c') };
}

async function main(): Promise<void> {
  const apiVersion = docker(['version', '-f', '{{.Server.APIVersion}}']);
  const engine = docker(['version', '-f', '{{.Server.Version}}']);
  removeTrafficSituation(PREFIX);
  try {
    const situation = buildTrafficSituation(PREFIX);
    const veths = { a: hostVethOf(situation.a.pid), b: hostVethOf(situation.b.pid), c: hostVethOf(situation.c.pid) };
    const before = { ...reading(situation, veths), stats: await stats(situation), atMs: Date.now() };
    sendBytes(situation, SENT_BYTES);
    // Let the last segments and their acknowledgements land before reading.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = { ...reading(situation, veths), stats: await stats(situation), atMs: Date.now() };
    const fixture = {
      recordedWith: { engine, apiVersion, prefix: PREFIX, script: 'scripts/recordTrafficFixtures.ts' },
      sentBytes: SENT_BYTES,
      containers: { a: situation.a.name, b: situation.b.name, c: situation.c.name },
      hostVeths: veths,
      statisticsFiles: STATISTICS,
      before,
      after,
    };
    const folder = path.join(__dirname, '..', '..', 'test', 'fixtures', `engine-${apiVersion}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'traffic.json'), JSON.stringify(fixture, null, 2) + '\n');
    console.log(`recorded ${path.join(folder, 'traffic.json')}`);
  } finally {
    removeTrafficSituation(PREFIX);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
