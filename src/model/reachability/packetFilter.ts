/**
 * The packet filter as `iptables-save -c` and `ip6tables-save -c` print it (every table: raw,
 * mangle, nat, filter; the nft and the legacy backend apart), read twice around the observation:
 * the DROP (or REJECT) rule whose counter grew is where the packets stopped, observed rather than
 * guessed, in whichever table it is (Docker 28 drops in raw PREROUTING). Only rules that could see
 * the path count: those naming one of its bridges, or no interface at all (a hand-made DOCKER-USER
 * rule). Pure.
 */
import type { FilterRule } from './types';

export interface CountedRule {
  table: string;
  chain: string;
  rule: string;
  target: string;
  packets: number;
  /** Interfaces named by -i / -o (empty when the rule names none). */
  interfaces: string[];
  family?: 'ipv6';
  legacy?: true;
}

/** Which dump a reading came from: IPv4 or IPv6, the nft backend (or the system's default) or the legacy one. */
export interface FilterSource {
  family?: 'ipv6';
  legacy?: true;
}

const DROPPING = new Set(['DROP', 'REJECT']);

/** Parses `iptables-save -c`: rules `[packets:bytes] -A CHAIN …` and chain policies `:CHAIN POLICY [p:b]`. */
export function parseIptablesSave(text: string, source: FilterSource = {}): CountedRule[] {
  const rules: CountedRule[] = [];
  const tag = { ...(source.family ? { family: source.family } : {}), ...(source.legacy ? { legacy: source.legacy } : {}) };
  let table = '';
  const seen = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) {
      table = line.slice(1).trim();
      continue;
    }
    const policy = /^:(\S+) (\S+) \[(\d+):\d+\]/.exec(line);
    if (policy && policy[2] !== '-') {
      rules.push({ table, chain: policy[1], rule: `:${policy[1]} ${policy[2]}`, target: policy[2], packets: Number(policy[3]), interfaces: [], ...tag });
      continue;
    }
    const rule = /^\[(\d+):\d+\] (-A (\S+) .*)$/.exec(line);
    if (rule) {
      // The same rule text twice in a chain: keep them apart by their rank.
      const key = `${table} ${rule[2]}`;
      const rank = (seen.get(key) ?? 0) + 1;
      seen.set(key, rank);
      rules.push({
        table,
        chain: rule[3],
        rule: rank > 1 ? `${rule[2]} #${rank}` : rule[2],
        // From the words, not the text: a comment may say "-j DROP" or "-i docker0".
        target: wordAfter(ruleWords(rule[2]), ['-j'])[0] ?? '',
        packets: Number(rule[1]),
        interfaces: wordAfter(ruleWords(rule[2]), ['-i', '-o']),
        ...tag,
      });
    }
  }
  return rules;
}

/** The words that follow any of `flags`. */
function wordAfter(words: string[], flags: string[]): string[] {
  return words.flatMap((word, index) => (flags.includes(word) && index + 1 < words.length ? [words[index + 1]] : []));
}

/**
 * The dropping rules whose counters grew between two readings, restricted to rules that name one
 * of `bridges` or no interface; the most specific first (a rule before a chain's policy).
 */
export function droppedBetween(before: CountedRule[], after: CountedRule[], bridges: string[]): FilterRule[] {
  const key = (rule: CountedRule) => `${rule.family ?? 'ipv4'} ${rule.legacy ? 'legacy' : ''} ${rule.table} ${rule.rule}`;
  const earlier = new Map(before.map((rule) => [key(rule), rule.packets]));
  const grown: FilterRule[] = [];
  for (const rule of after) {
    const delta = rule.packets - (earlier.get(key(rule)) ?? 0);
    const onPath = rule.interfaces.length === 0 || rule.interfaces.some((name) => bridges.includes(name));
    if (delta > 0 && DROPPING.has(rule.target) && onPath) {
      grown.push({ table: rule.table, chain: rule.chain, rule: rule.rule, target: rule.target, packets: delta, ...(rule.family ? { family: rule.family } : {}), ...(rule.legacy ? { legacy: rule.legacy } : {}) });
    }
  }
  return grown.sort((a, b) => Number(a.rule.startsWith(':')) - Number(b.rule.startsWith(':')));
}

/**
 * The bridges Podman's CNI firewall plugin isolates (`--opt isolate=true`, ingressPolicy
 * same-bridge): one `-A CNI-ISOLATION-STAGE-1 -i <bridge> ! -o <bridge> … -j CNI-ISOLATION-STAGE-2`
 * per isolated bridge that has a container on it, as `iptables-save` prints them on Podman 4.3.
 */
export function podmanIsolatedBridges(rules: CountedRule[]): string[] {
  const bridges = new Set<string>();
  for (const rule of rules) {
    if (rule.table !== 'filter' || rule.chain !== 'CNI-ISOLATION-STAGE-1' || rule.target !== 'CNI-ISOLATION-STAGE-2' || rule.family) {
      continue;
    }
    const bridge = wordAfter(ruleWords(rule.rule), ['-i'])[0];
    if (bridge) {
      bridges.add(bridge);
    }
  }
  return [...bridges];
}

/**
 * The words of a rule as iptables-save writes them: a word with spaces is in double quotes, inside
 * which `"` and `\` are escaped with a backslash (a comment such as `block; curl x|sh #`).
 */
export function ruleWords(text: string): string[] {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((match) => (match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]));
}

/**
 * The iptables argv that deletes a rule (`-A CHAIN …` becomes `-D CHAIN …`); undefined for a
 * policy. An argv: printed, it is shell-quoted (safeText.shellCommand), never joined raw.
 */
export function deleteCommand(rule: FilterRule): string[] | undefined {
  if (!rule.rule.startsWith('-A ')) {
    return undefined;
  }
  const tool = `${rule.family === 'ipv6' ? 'ip6tables' : 'iptables'}${rule.legacy ? '-legacy' : ''}`;
  return [tool, '-t', rule.table, '-D', ...ruleWords(rule.rule.replace(/ #\d+$/, '').slice(3))];
}
