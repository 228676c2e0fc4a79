/**
 * Records, from a real engine, the raw bytes of a helper capture's attach stream (the Engine API's
 * multiplexed frames, chunked as they came off the socket) for the unit tests of the stream
 * demultiplexer: a helper (tcpdump in local/tcpdump, built by test/support/tcpdumpImage.ts) joined
 * to one test container captures 4 ICMP packets of a ping to a second test container. Saved with
 * what the engine's own CLI says of the same run (`tcpdump -r` of the demultiplexed stdout is checked
 * in the unit test) into test/fixtures/engine-<API version>/helper-attach-stream.json. Removes
 * everything it made.
 *
 *   npm run compile-tests && node out/scripts/recordHelperStream.js
 *
 * Never edit the JSON by hand: re-record it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { resolveTarget } from '../src/engine/connection';
import { EngineClient } from '../src/engine/engineClient';
import type { AttachedStream } from '../src/engine/engineApi';
import { startHelper } from '../src/engine/helperContainer';
import { helperCaptureArgv, HELPER_CAPTURE_CAPABILITIES } from '../src/model/capture/helperArgv';
import { ensureTcpdumpImage } from '../test/support/tcpdumpImage';

const LABEL = 'dne.record.helperstream';
const docker = (args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

async function main(): Promise<void> {
  const image = ensureTcpdumpImage();
  const suffix = process.pid.toString(36);
  const from = `dne-rec-hs-a-${suffix}`;
  const to = `dne-rec-hs-b-${suffix}`;
  const client = new EngineClient(resolveTarget(process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'), 30_000);
  try {
    const fromId = docker(['run', '-d', '--name', from, '--label', LABEL, 'local/busybox:latest', 'sleep', '600']);
    docker(['run', '-d', '--name', to, '--label', LABEL, 'local/busybox:latest', 'sleep', '600']);
    const toIp = docker(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', to]);
    // Tap the raw chunks the client hands the demultiplexer.
    const chunks: string[] = [];
    const attach = client.attachContainer.bind(client);
    client.attachContainer = async (id: string): Promise<AttachedStream> => {
      const stream = await attach(id);
      stream.onData((chunk) => chunks.push(Buffer.from(chunk).toString('base64')));
      return stream;
    };
    let stderr = '';
    const argv = helperCaptureArgv({ target: { kind: 'container', containerId: fromId, containerName: from, interface: 'eth0' }, count: 4, filter: 'icmp', file: '/dev/null' });
    const helper = await startHelper(client, { purpose: 'capture', image, joinContainerId: fromId, argv, capabilities: HELPER_CAPTURE_CAPABILITIES, onStderr: (chunk) => (stderr += Buffer.from(chunk).toString()) });
    for (let i = 0; i < 50 && !/listening on/.test(stderr); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    docker(['exec', from, 'ping', '-c', '2', toIp]);
    await helper.ended;
    await helper.remove();
    const version = await client.version();
    const file = path.join(__dirname, '..', '..', 'test', 'fixtures', `engine-${version.ApiVersion}`, 'helper-attach-stream.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ engine: version.Version, argv, fromIp: docker(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', from]), toIp, chunks }, null, 2) + '\n');
    console.log(`recorded ${chunks.length} chunks from ${version.Version} into ${file}`);
  } finally {
    client.dispose();
    execFileSync('docker', ['rm', '-f', from, to], { stdio: 'ignore' });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
