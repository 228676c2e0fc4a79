/**
 * A client of the helper observation level in its own process, to be SIGKILLed mid-read: argv[2] is
 * a JSON config `{ host, image, sandboxes, mode }`. It starts observeThroughHelper on the engine at
 * `host` and says `{"event":"created"|"started","id":…}` on stdout at that step; then, with mode
 * `created`, it never lets the start go on (the helper stays created, never started: what a client
 * killed between the two leaves), with mode `started` it lets the read run (the parent kills it
 * while the helper runs).
 */
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import { observeThroughHelper } from '../../src/engine/helperObservation';
import type { SandboxInfo } from '../../src/model/topology/facts';

interface ChildConfig {
  host: string;
  image: string;
  sandboxes: SandboxInfo[];
  mode: 'created' | 'started';
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]) as ChildConfig;
  const client = new EngineClient(resolveTarget(config.host), 30_000);
  const create = client.createContainer.bind(client);
  client.createContainer = async (name: string, body: object) => {
    const id = await create(name, body);
    process.stdout.write(`${JSON.stringify({ event: 'created', id, name })}\n`);
    if (config.mode === 'created') {
      await new Promise(() => setInterval(() => undefined, 60_000));
    }
    return id;
  };
  const start = client.startContainer.bind(client);
  client.startContainer = async (id: string) => {
    await start(id);
    process.stdout.write(`${JSON.stringify({ event: 'started', id })}\n`);
    // The parent kills this process now; a read that wins the race is held back here.
    await new Promise(() => setInterval(() => undefined, 60_000));
  };
  await observeThroughHelper(client, { image: config.image, sandboxes: config.sandboxes });
}

main().catch((error: unknown) => {
  process.stdout.write(`${JSON.stringify({ event: 'error', message: error instanceof Error ? error.message : String(error) })}\n`);
  process.exit(1);
});
