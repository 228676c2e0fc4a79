/**
 * A client of a helper capture run in its own process (as another user, or to be SIGKILLed):
 * argv[2] is a JSON config. It starts a capture through the helper container on the engine at
 * `host`, says `{"event":"listening",...}` on stdout once tcpdump listens, then either pings the
 * peer from the target container through the Engine API and prints the pcap (base64) with the
 * closing counts (`mode: "ping"`), or waits to be killed (`mode: "hang"`).
 */
import { resolveTarget } from '../../src/engine/connection';
import { EngineClient } from '../../src/engine/engineClient';
import { startHelperCapture } from '../../src/engine/captureHelper';
import { englishTranslator } from '../../src/messages/translator';

interface ChildConfig {
  host: string;
  image: string;
  containerId: string;
  containerName: string;
  peerIp: string;
  mode: 'ping' | 'hang';
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]) as ChildConfig;
  const client = new EngineClient(resolveTarget(config.host), 30_000);
  const chunks: Buffer[] = [];
  const capture = await startHelperCapture(
    client,
    { target: { kind: 'container', containerId: config.containerId, containerName: config.containerName, interface: 'eth0' }, filter: 'icmp', ...(config.mode === 'ping' ? { count: 4 } : {}), file: '/dev/null' },
    { image: config.image, engineLabel: config.host, l10n: englishTranslator },
  );
  capture.onPcap((chunk) => chunks.push(Buffer.from(chunk)));
  await capture.listening;
  process.stdout.write(`${JSON.stringify({ event: 'listening', helperId: capture.helperId, helperName: capture.helperName, uid: process.getuid?.() })}\n`);
  if (config.mode === 'hang') {
    setInterval(() => undefined, 60_000);
    return;
  }
  const ping = await client.execInContainer(config.containerId, ['ping', '-c', '2', config.peerIp], 20_000);
  const ended = await capture.done;
  client.dispose();
  process.stdout.write(`${JSON.stringify({ event: 'done', ping: ping.code, end: ended.end, counts: ended.counts, error: ended.error, pcap: Buffer.concat(chunks).toString('base64') })}\n`);
}

main().catch((error: unknown) => {
  process.stdout.write(`${JSON.stringify({ event: 'error', message: error instanceof Error ? error.message : String(error) })}\n`);
  process.exit(1);
});
