/**
 * The local probe of an engine's host, run where that host's network namespace is this process's
 * (helperObservationBench.test.ts starts it under `nsenter --net` with a sysfs mounted from inside):
 * argv[2] is `{ sandboxes, netnsDir, level, rounds }`; prints `{"ms":[…],"namespaces":N}` (each round's
 * elapsedMs).
 */
import type { SandboxInfo } from '../src/model/topology/facts';
import { probeHost } from '../src/probe/hostProbe';

interface BenchConfig {
  sandboxes: SandboxInfo[];
  netnsDir: string;
  level: 'sysfs' | 'netns';
  rounds: number;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]) as BenchConfig;
  const ms: number[] = [];
  let namespaces = 0;
  for (let round = 0; round < config.rounds; round++) {
    const facts = await probeHost({ local: true, sandboxes: config.sandboxes, netnsDir: config.netnsDir, maxLevel: config.level === 'sysfs' ? 'sysfs' : undefined });
    ms.push(facts.elapsedMs ?? -1);
    namespaces = facts.namespaces.length;
  }
  process.stdout.write(`${JSON.stringify({ ms, namespaces })}\n`);
}

main().catch((error: unknown) => {
  process.stdout.write(`${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`);
  process.exit(1);
});
