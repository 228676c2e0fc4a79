/**
 * A client of the kept helper in its own process, to be SIGKILLed while its helper exists: argv[2]
 * is a JSON config `{ host, image, sandboxes }`. It reads once through a KeptHelperObserver (which
 * keeps its helper), says `{"event":"read","id":…}` on stdout, then waits to be killed.
 */
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import { KeptHelperObserver } from '../../src/engine/keptHelperObserver';
import type { SandboxInfo } from '../../src/model/topology/facts';

interface ChildConfig {
  host: string;
  image: string;
  sandboxes: SandboxInfo[];
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]) as ChildConfig;
  const client = new EngineClient(resolveTarget(config.host), 30_000);
  const kept = new KeptHelperObserver(client, { image: config.image, idleMs: 600_000 });
  await kept.observe({ sandboxes: config.sandboxes, hostOnly: false });
  process.stdout.write(`${JSON.stringify({ event: 'read', id: kept.helperId })}\n`);
  await new Promise(() => setInterval(() => undefined, 60_000));
}

main().catch((error: unknown) => {
  process.stdout.write(`${JSON.stringify({ event: 'error', message: error instanceof Error ? error.message : String(error) })}\n`);
  process.exit(1);
});
