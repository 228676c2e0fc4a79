/**
 * The command line, through the same code as the panel (a session, its inventory, the topology
 * collector):
 *
 *   npx docker-network-explorer diagram [--network NAME] [--format mermaid|json] [--level …] …
 *   npx docker-network-explorer reach A B [--port N] [--name NAME] [--no-verify] [--format text|json]
 *   npx docker-network-explorer traffic [--network N | --container C] [--interval S] [--format text|json]
 *   npx docker-network-explorer capture TARGET [--interface IF] [--filter BPF] [--count N] [--duration S] --write FILE.pcap
 *   npx docker-network-explorer --help | --version
 *
 * Prints on stdout; errors go to stderr as sentences. diagram: exit 1 when the engine could not
 * answer, 2 for a usage error. reach: 0 reachable, 1 not, 2 a usage or engine error. traffic: 0, or
 * 2 for a usage error or an engine that does not answer. capture: 0 ended by its limit (or Ctrl-C),
 * 1 could not run or failed, 2 a usage or engine error.
 */
import { version } from '../package.json';
import { HELP, parseCommandLine, PROGRAM, UsageError } from './cli/arguments';
import { runDiagram } from './cli/diagram';
import { EngineUnreachable } from './cli/cliSession';
import { HelperObservationFailed } from './cli/helperObserver';
import { unreachableSentence } from './messages/unreachableMessages';
import { cliLocale } from './messages/translator';
import { runReach } from './cli/reach';
import { runTraffic } from './cli/traffic';
import { CaptureFailed, runCapture } from './cli/capture';
import { printable } from './model/safeText';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** capture: called with the capture's stop once it runs (the terminal binds Ctrl-C to it). */
  onCaptureStart?: (stop: () => void) => void;
}

/** Runs one command line; resolves with the exit code. */
export async function runCli(argv: string[], rawIo: CliIo): Promise<number> {
  // Engine strings (names, error details, tool output) never reach the terminal with their controls.
  const io: CliIo = { out: (text) => rawIo.out(printable(text)), err: (text) => rawIo.err(printable(text)), onCaptureStart: rawIo.onCaptureStart };
  let request;
  try {
    request = parseCommandLine(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${PROGRAM}: ${error.message}\nRun "${PROGRAM} --help" for the commands and options.\n`);
      return 2;
    }
    throw error;
  }
  switch (request.command) {
    case 'help':
      io.out(`${HELP}\n`);
      return 0;
    case 'version':
      io.out(`${version}\n`);
      return 0;
    case 'diagram':
      try {
        io.out(await runDiagram(request));
        return 0;
      } catch (error) {
        io.err(`${PROGRAM}: ${sentenceFor(error)}\n`);
        return error instanceof UsageError ? 2 : 1;
      }
    case 'capture':
      try {
        return await runCapture(request, { out: io.out, err: io.err, onStart: io.onCaptureStart });
      } catch (error) {
        io.err(`${PROGRAM}: ${error instanceof CaptureFailed ? error.message : sentenceFor(error)}\n`);
        return error instanceof CaptureFailed ? 1 : 2;
      }
    case 'reach':
      try {
        const outcome = await runReach(request);
        io.out(outcome.output);
        return outcome.exitCode;
      } catch (error) {
        io.err(`${PROGRAM}: ${sentenceFor(error)}\n`);
        return 2;
      }
    case 'traffic':
      try {
        io.out(await runTraffic(request));
        return 0;
      } catch (error) {
        io.err(`${PROGRAM}: ${sentenceFor(error)}\n`);
        return 2;
      }
  }
}

function sentenceFor(error: unknown): string {
  if (error instanceof UsageError || error instanceof HelperObservationFailed) {
    return error.message;
  }
  return error instanceof EngineUnreachable ? unreachableSentence(error, cliLocale(), error.reason, error.tls) : unreachableSentence(error, cliLocale());
}

if (require.main === module) {
  runCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    // Ctrl-C during a capture stops it cleanly (tcpdump's counts, the file closed) instead of killing us.
    onCaptureStart: (stop) => process.on('SIGINT', stop),
  }).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(printable(`${PROGRAM}: ${error instanceof Error ? error.message : String(error)}\n`));
      process.exitCode = 1;
    },
  );
}
