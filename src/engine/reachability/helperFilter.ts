/**
 * The engine host's packet filter with its counters, read by a filter helper container on that
 * engine (model/reachability/filterDump.ts: the host's own iptables-save / ip6tables-save / nft in
 * its mount namespace, the helper in its network namespace), one helper run for every dump; parsed
 * by the same parsers as this machine's dumps. The doctor reads it before and after the probes,
 * as it reads this machine's filter on the local root path, to name the rule whose counter grew.
 */
import { filterDumpArgv, parseFilterDumps } from '../../model/reachability/filterDump';
import type { CountedRule } from '../../model/reachability/packetFilter';
import type { ContainerRunApi } from '../engineApi';
import { runHelperToEnd } from './helperRunner';

/** The most of the dumps read (a host with many rules prints a few MB of nft JSON at most). */
const FILTER_OUTPUT_MAX_BYTES = 16 * 1024 * 1024;

/** Undefined when nothing could be read (the helper refused, no tool on the host, a cut output). */
export async function readFilterThroughHelper(api: ContainerRunApi, image: string, log?: (line: string) => void, timeoutMs = 15_000): Promise<CountedRule[] | undefined> {
  const result = await runHelperToEnd(api, { purpose: 'filter', image, argv: filterDumpArgv() }, timeoutMs, FILTER_OUTPUT_MAX_BYTES, log);
  return result.code === 0 && !result.truncated ? parseFilterDumps(result.output) : undefined;
}
