/**
 * The engine host's packet filter, read by a filter helper container (the doctor on an engine that
 * is not this machine's): the script it runs, and the parser of what it prints. Pure: the helper is
 * run by src/engine/reachability/helperFilter.ts.
 *
 * busybox has no iptables-save nor nft: the host's own tools run, in the host's mount namespace
 * entered through the helper's parent (`/proc/$PPID/ns/mnt`: the container's shim lives in the
 * host's file system; PID 1 may not be enterable), while the helper stays in the host's network
 * namespace (`--network=host`): the rules dumped are the host's. The choice of dumps is the local
 * reader's (observe.ts readFilter): per family, the nft and legacy backends' dumps when both tools
 * are there, else the default `-save`; then `nft -j list ruleset` when nft is there. The script is a
 * constant; it takes no argument.
 *
 * What it prints:
 *   dne-filter 1                          the format's version, first
 *   === dne-dump <tool> ===               a dump begins (tool: iptables-nft-save, iptables-legacy-save,
 *                                         iptables-save, the ip6tables ones, nft)
 *   …                                     the tool's stdout
 *   === dne-end <status> ===              the dump ends with the tool's exit status
 *   === dne-done ===                      the end: everything was printed
 */
import { CountedRule, FilterSource, parseIptablesSave, parseNftRuleset } from './packetFilter';

/** The folders the host's tools are looked for in (as systemTool looks for them on this machine). */
const TOOL_DIRS = '/usr/sbin /sbin /usr/bin /bin';

export const FILTER_DUMP_SCRIPT = `R=/proc/$PPID/root; M=/proc/$PPID/ns/mnt
t() { for d in ${TOOL_DIRS}; do if [ -e "$R$d/$1" ] || [ -L "$R$d/$1" ]; then echo "$d/$1"; return 0; fi; done; return 1; }
dump() { n=$1; shift; echo "=== dne-dump $n ==="; nsenter --mount="$M" -- "$@" 2>/dev/null; s=$?; echo; echo "=== dne-end $s ==="; }
echo "dne-filter 1"
for f in iptables ip6tables; do
  n=$(t $f-nft-save); l=$(t $f-legacy-save)
  if [ -n "$n" ] && [ -n "$l" ]; then dump $f-nft-save "$n" -c; dump $f-legacy-save "$l" -c
  elif g=$(t $f-save); then dump $f-save "$g" -c; fi
done
if z=$(t nft); then dump nft "$z" -j list ruleset; fi
echo "=== dne-done ==="`;

export const FILTER_DUMP_SCRIPT_NAME = 'dne-filter';

/** The filter helper's argv: busybox sh, the constant script. */
export function filterDumpArgv(): string[] {
  return ['sh', '-c', FILTER_DUMP_SCRIPT, FILTER_DUMP_SCRIPT_NAME];
}

/** One dump the helper printed: the tool's name, its exit status and output. */
export interface FilterDump {
  tool: string;
  status: number;
  output: string;
}

/** The dumps, in order; undefined when the output is not the script's (no version line, or no end line). */
export function splitFilterDumps(text: string): FilterDump[] | undefined {
  const lines = text.split('\n');
  if (lines[0]?.trim() !== 'dne-filter 1' || !lines.some((line) => line.trim() === '=== dne-done ===')) {
    return undefined;
  }
  const dumps: FilterDump[] = [];
  let current: { tool: string; lines: string[] } | undefined;
  for (const line of lines.slice(1)) {
    const begin = /^=== dne-dump ([a-z0-9-]+) ===$/.exec(line);
    const end = /^=== dne-end (\d+) ===$/.exec(line);
    if (begin) {
      current = { tool: begin[1], lines: [] };
    } else if (end && current) {
      dumps.push({ tool: current.tool, status: Number(end[1]), output: current.lines.join('\n').trim() });
      current = undefined;
    } else if (current) {
      current.lines.push(line);
    }
  }
  return dumps;
}

const SOURCES: Record<string, FilterSource> = {
  'iptables-nft-save': {},
  'iptables-legacy-save': { legacy: true },
  'iptables-save': {},
  'ip6tables-nft-save': { family: 'ipv6' },
  'ip6tables-legacy-save': { family: 'ipv6', legacy: true },
  'ip6tables-save': { family: 'ipv6' },
};

/**
 * The counted rules of every dump that ran (status 0), parsed as the local reader parses them;
 * iptables-nft's own tables are left out of nft's dump when the IPv4 nft-save dump was read.
 * Undefined when no dump could be read.
 */
export function parseFilterDumps(text: string): CountedRule[] | undefined {
  const dumps = splitFilterDumps(text)?.filter((dump) => dump.status === 0);
  if (!dumps || dumps.length === 0) {
    return undefined;
  }
  const nftSaveRead = dumps.some((dump) => dump.tool === 'iptables-nft-save');
  const rules: CountedRule[] = [];
  for (const dump of dumps) {
    const source = SOURCES[dump.tool];
    if (source) {
      rules.push(...parseIptablesSave(dump.output, source));
    } else if (dump.tool === 'nft') {
      rules.push(...parseNftRuleset(dump.output, { skipIptablesTables: nftSaveRead }));
    }
  }
  return rules;
}
