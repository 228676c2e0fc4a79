/**
 * The packet filter as `iptables-save -c` and `ip6tables-save -c` print it (every table: raw,
 * mangle, nat, filter; the nft and the legacy backend apart), and the native nftables tables as
 * `nft -j list ruleset` gives them (Docker 29's `ip`/`ip6 docker-bridges`, firewalld, a hand-made
 * table), read twice around the observation:
 * the DROP (or REJECT) rule whose counter grew is where the packets stopped, observed rather than
 * guessed, in whichever table it is (Docker 28 drops in raw PREROUTING). Only rules that could see
 * the path count: those naming one of its bridges, or no interface at all (a hand-made DOCKER-USER
 * rule). Pure.
 */
import type { FilterRule, NftablesPlace } from './types';

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
  nftables?: NftablesPlace;
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
  const key = (rule: CountedRule) =>
    rule.nftables ? `nft ${rule.nftables.family} ${rule.table} ${rule.chain} ${rule.nftables.handle}` : `${rule.family ?? 'ipv4'} ${rule.legacy ? 'legacy' : ''} ${rule.table} ${rule.rule}`;
  const earlier = new Map(before.map((rule) => [key(rule), rule.packets]));
  const grown: FilterRule[] = [];
  for (const rule of after) {
    const delta = rule.packets - (earlier.get(key(rule)) ?? 0);
    const onPath = rule.interfaces.length === 0 || rule.interfaces.some((name) => bridges.includes(name));
    if (delta > 0 && DROPPING.has(rule.target) && onPath) {
      grown.push({
        table: rule.table,
        chain: rule.chain,
        rule: rule.rule,
        target: rule.target,
        packets: delta,
        ...(rule.family ? { family: rule.family } : {}),
        ...(rule.legacy ? { legacy: rule.legacy } : {}),
        ...(rule.nftables ? { nftables: rule.nftables } : {}),
      });
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
 * The rule's table as the report names it: `raw`, `filter`…, with `(IPv6)` for ip6tables and
 * `(legacy)` for the legacy backend; a native nftables table as nft names it, `ip docker-bridges (nftables)`.
 */
export function tableName(rule: FilterRule): string {
  if (rule.nftables) {
    return `${rule.nftables.family} ${rule.table} (nftables)`;
  }
  return [rule.table, ...(rule.family === 'ipv6' ? ['(IPv6)'] : []), ...(rule.legacy ? ['(legacy)'] : [])].join(' ');
}

/**
 * The iptables argv that deletes a rule (`-A CHAIN …` becomes `-D CHAIN …`); undefined for a
 * policy. An argv: printed, it is shell-quoted (safeText.shellCommand), never joined raw.
 */
export function deleteCommand(rule: FilterRule): string[] | undefined {
  if (rule.nftables) {
    return ['nft', 'delete', 'rule', rule.nftables.family, rule.table, rule.chain, 'handle', String(rule.nftables.handle)];
  }
  if (!rule.rule.startsWith('-A ')) {
    return undefined;
  }
  const tool = `${rule.family === 'ipv6' ? 'ip6tables' : 'iptables'}${rule.legacy ? '-legacy' : ''}`;
  return [tool, '-t', rule.table, '-D', ...ruleWords(rule.rule.replace(/ #\d+$/, '').slice(3))];
}

/**
 * The tables iptables-nft keeps in nftables (`ip`/`ip6` filter, nat, raw, mangle, security): read
 * with iptables' own words by `iptables-nft-save`, so skipped here when that dump was read (a rule
 * must not be counted twice).
 */
const IPTABLES_NFT_TABLES = new Set(['filter', 'nat', 'raw', 'mangle', 'security']);

/**
 * The counted rules of the native nftables tables in `nft -j list ruleset`. A rule's text is nft's
 * own words for it (without the counter's numbers); its interfaces are those its `iifname` /
 * `oifname` matches name and the one its chain is for (Docker 29 names per-bridge chains
 * `filter-forward-in__<bridge>`). Only rules with a counter can be observed; others are left out.
 * Anything unexpected in the JSON is skipped, never thrown: the ruleset is the host's, not ours.
 */
export function parseNftRuleset(json: string, options: { skipIptablesTables: boolean }): CountedRule[] {
  let items: unknown;
  try {
    items = (JSON.parse(json) as { nftables?: unknown }).nftables;
  } catch {
    return [];
  }
  if (!Array.isArray(items)) {
    return [];
  }
  const rules: CountedRule[] = [];
  for (const item of items) {
    const rule = (item as { rule?: unknown } | null)?.rule as NftRule | undefined;
    if (!rule || typeof rule.family !== 'string' || typeof rule.table !== 'string' || typeof rule.chain !== 'string' || typeof rule.handle !== 'number' || !Array.isArray(rule.expr)) {
      continue;
    }
    if (options.skipIptablesTables && (rule.family === 'ip' || rule.family === 'ip6') && IPTABLES_NFT_TABLES.has(rule.table)) {
      continue;
    }
    const counter = rule.expr.find((expr): expr is { counter: { packets: number } } => typeof (expr as { counter?: { packets?: unknown } })?.counter?.packets === 'number');
    if (!counter) {
      continue;
    }
    const verdict = rule.expr.map(verdictOf).find((word) => word !== undefined);
    const chainFor = /__(.+)$/.exec(rule.chain)?.[1];
    rules.push({
      table: rule.table,
      chain: rule.chain,
      rule: [...rule.expr.map(expressionText), ...(typeof rule.comment === 'string' ? [`comment ${quoted(rule.comment)}`] : [])].filter(Boolean).join(' '),
      target: verdict ?? '',
      packets: counter.counter.packets,
      interfaces: [...new Set([...rule.expr.flatMap(interfacesNamed), ...(chainFor ? [chainFor] : [])])],
      ...(rule.family === 'ip6' ? { family: 'ipv6' as const } : {}),
      nftables: { family: rule.family, handle: rule.handle },
    });
  }
  return rules;
}

interface NftRule {
  family: unknown;
  table: unknown;
  chain: unknown;
  handle: unknown;
  comment?: unknown;
  expr: unknown[];
}

/** DROP / REJECT / ACCEPT… for a verdict statement (iptables' words, so both readings compare). */
function verdictOf(expr: unknown): string | undefined {
  if (expr === null || typeof expr !== 'object') return undefined;
  const key = Object.keys(expr)[0];
  return ['accept', 'drop', 'reject', 'return', 'jump', 'goto', 'queue'].includes(key) ? key.toUpperCase() : undefined;
}

/** The interface names a `meta iifname/oifname` match compares with (a word or a set of words). */
function interfacesNamed(expr: unknown): string[] {
  const match = (expr as { match?: { left?: { meta?: { key?: unknown } }; right?: unknown } } | null)?.match;
  const key = match?.left?.meta?.key;
  if (key !== 'iifname' && key !== 'oifname') return [];
  const right = match?.right;
  const words = typeof right === 'string' ? [right] : Array.isArray((right as { set?: unknown })?.set) ? (right as { set: unknown[] }).set : [];
  return words.filter((word): word is string => typeof word === 'string');
}

/** nft's words for one expression of a rule; `…` for one this reader does not spell out. */
function expressionText(expr: unknown): string {
  if (expr === null || typeof expr !== 'object') return '…';
  const [key, value] = Object.entries(expr)[0] ?? [];
  switch (key) {
    case 'match': {
      const match = value as { op?: unknown; left?: unknown; right?: unknown };
      const op = match.op === '==' || match.op === 'in' ? '' : `${String(match.op)} `;
      // nft quotes interface names (they may hold any character); addresses and keywords stand bare.
      const names = interfacesNamed(expr).length > 0;
      return `${operandText(match.left)} ${op}${operandText(match.right, names)}`;
    }
    case 'counter':
      return 'counter';
    case 'accept': case 'drop': case 'return': case 'continue': case 'masquerade': case 'notrack':
      return key;
    case 'reject':
      return 'reject';
    case 'jump': case 'goto':
      return `${key} ${String((value as { target?: unknown })?.target ?? '…')}`;
    case 'vmap':
      return `${operandText((value as { key?: unknown }).key)} vmap ${operandText((value as { data?: unknown }).data)}`;
    case 'log':
      return 'log';
    case 'dnat': case 'snat': {
      const nat = value as { addr?: unknown; port?: unknown };
      return `${key} to ${operandText(nat.addr)}${nat.port !== undefined ? `:${operandText(nat.port)}` : ''}`;
    }
    default:
      return key ? `${key} …` : '…';
  }
}

/** An operand of a match: `ip daddr`, `iifname`, `ct state`, a value, a prefix, a set. */
function operandText(operand: unknown, quote = false): string {
  if (typeof operand === 'string') {
    return quote || !/^@?[\w.:/-]+$/.test(operand) ? quoted(operand) : operand;
  }
  if (typeof operand === 'number') return String(operand);
  if (Array.isArray(operand)) return operand.map((item) => operandText(item, quote)).join(',');
  if (operand === null || typeof operand !== 'object') return '…';
  const [key, value] = Object.entries(operand)[0] ?? [];
  const fields = value as Record<string, unknown>;
  switch (key) {
    case 'meta':
      return String(fields.key);
    case 'payload':
      return `${String(fields.protocol)} ${String(fields.field)}`;
    case 'ct':
      return `ct ${String(fields.key)}`;
    case 'prefix':
      return `${String(fields.addr)}/${String(fields.len)}`;
    case 'range':
      return Array.isArray(value) ? value.map((item) => operandText(item)).join('-') : '…';
    case 'set':
      return `{ ${Array.isArray(value) ? value.map((item) => operandText(item, quote)).join(', ') : '…'} }`;
    case 'fib':
      return `fib ${Array.isArray(fields.flags) ? fields.flags.join(' . ') : ''} ${String(fields.result)}`.trim();
    default:
      return key ? `${key} …` : '…';
  }
}

function quoted(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}
