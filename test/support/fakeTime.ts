/**
 * Time for tests on the fake engine: it answers asynchronously, and the session's timers are
 * node:test's mocked ones. One copy for every such test file.
 */
import { mock } from 'node:test';

/** Lets pending promise callbacks run (setImmediate is not mocked). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Moves the mocked clock on by `ms`, then lets what it woke up run. */
export async function advance(ms: number): Promise<void> {
  mock.timers.tick(ms);
  await settle();
}
