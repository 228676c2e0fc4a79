/**
 * ssh_config(5) read the way OpenSSH's `ssh` reads it (`ssh -G` is the reference, see
 * test/unit/sshConfigOracle.test.ts): keywords are case-insensitive, the FIRST value obtained
 * wins, `Host` and `Match` (host, originalhost, user, localuser, all, canonical, final, with
 * negation) decide which lines apply, and `Include` reads more files in place. Pure: the glue reads
 * the files (an Include's globs too) and hands their text over. `Match exec` is never run: it is
 * reported as a refusal naming the file and line (as ProxyCommand is, by sshEndpoint.ts).
 */

/** One directive: its keyword in lower case, its arguments (quotes removed), where it was written. */
export interface SshConfigDirective {
  keyword: string;
  args: string[];
  file: string;
  line: number;
}

/** A file the glue read for an Include: its path (for messages) and its text. */
export interface IncludedFile {
  file: string;
  text: string;
}

/** Reads the files an `Include` argument names (tilde already expanded, relative to ~/.ssh, globs). */
export type IncludeReader = (pattern: string, from: { file: string; line: number }) => IncludedFile[];

export interface SshConfigQuery {
  /** The host as the user wrote it (`ssh HOST`, the URL's host): Host lines match it as written. */
  host: string;
  /** The user given outside the config (`-l`, `user@`), which wins over `User`. */
  user?: string;
  /** The port given outside the config (`-p`, `:port`), which wins over `Port`. */
  port?: number;
  localUser: string;
}

/** Something the config asks for that this client will not do (run a command, go through a proxy). */
export interface SshConfigRefusal {
  directive: string;
  file: string;
  line: number;
}

export interface ResolvedSshConfig {
  /** The first value obtained per keyword (lower case), except the lists below. */
  first: Map<string, SshConfigDirective>;
  /** Every IdentityFile obtained, in order, duplicates dropped (as ssh does). */
  identityFiles: SshConfigDirective[];
  /** `Match exec` lines reached (never run). */
  refusals: SshConfigRefusal[];
}

/** Keywords whose every occurrence counts (the others: the first one wins). */
const CUMULATIVE = new Set(['identityfile', 'certificatefile', 'localforward', 'remoteforward', 'dynamicforward', 'sendenv']);
const MAX_INCLUDE_DEPTH = 16;

/** Splits a line into words like OpenSSH's argv_split: quotes group, `\` escapes, `#` starts a comment. */
function splitWords(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quote) {
      if (char === quote) {
        quote = undefined;
      } else if (char === '\\' && (line[i + 1] === quote || line[i + 1] === '\\')) {
        current += line[++i];
      } else {
        current += char;
      }
    } else if (/\s/.test(char)) {
      if (inWord) {
        words.push(current);
      }
      current = '';
      inWord = false;
    } else if (char === '#' && !inWord) {
      break;
    } else if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (char === '\\' && i + 1 < line.length) {
      current += line[++i];
      inWord = true;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (inWord) {
    words.push(current);
  }
  return words;
}

/** The directives of one file, in order (comments and blank lines dropped; `Keyword=value` allowed). */
export function parseSshConfig(text: string, file: string): SshConfigDirective[] {
  const directives: SshConfigDirective[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith('#')) {
      return;
    }
    const keywordMatch = /^([^\s=]+)\s*(?:=\s*|\s+|$)/.exec(trimmed);
    if (!keywordMatch) {
      return;
    }
    const args = splitWords(trimmed.slice(keywordMatch[0].length));
    directives.push({ keyword: keywordMatch[1].toLowerCase(), args, file, line: index + 1 });
  });
  return directives;
}

/** `*` and `?` wildcards over the whole name. */
export function wildcardMatch(pattern: string, name: string, ignoreCase = false): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(name);
}

/** A comma-separated pattern list with `!` negation: true when one pattern matches and no negated one does. */
export function patternListMatches(list: string, name: string, ignoreCase = false): boolean {
  let matched = false;
  for (const pattern of list.split(',')) {
    if (pattern.startsWith('!')) {
      if (wildcardMatch(pattern.slice(1), name, ignoreCase)) {
        return false;
      }
    } else if (wildcardMatch(pattern, name, ignoreCase)) {
      matched = true;
    }
  }
  return matched;
}

/** `Host p1 p2 !p3`: as written against the host as given (OpenSSH compares these case-sensitively). */
function hostLineMatches(patterns: readonly string[], host: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) {
      if (wildcardMatch(pattern.slice(1), host)) {
        return false;
      }
    } else if (wildcardMatch(pattern, host)) {
      matched = true;
    }
  }
  return matched;
}

interface Pass {
  query: SshConfigQuery;
  /** The host as the user gave it (`Match originalhost`), also in the final pass. */
  originalHost: string;
  final: boolean;
  readInclude: IncludeReader;
  result: ResolvedSshConfig;
  wantFinal: boolean;
}

/** The host `Match host` compares: the HostName obtained so far (with %h), else the host as given. */
function matchHost(pass: Pass): string {
  const hostName = pass.result.first.get('hostname')?.args[0];
  return hostName !== undefined ? expandHostName(hostName, pass.query.host) : pass.query.host;
}

/** One `Match` criterion's verdict, or undefined for `exec` (never run: refused). */
function criterion(name: string, arg: string | undefined, pass: Pass): boolean | undefined {
  const { query } = pass;
  switch (name) {
    case 'all':
      return true;
    case 'canonical':
    case 'final':
      pass.wantFinal ||= name === 'final';
      return pass.final;
    case 'host':
      return arg !== undefined && patternListMatches(arg, matchHost(pass), true);
    case 'originalhost':
      return arg !== undefined && patternListMatches(arg, pass.originalHost, true);
    case 'user':
      return arg !== undefined && patternListMatches(arg, query.user ?? pass.result.first.get('user')?.args[0] ?? query.localUser);
    case 'localuser':
      return arg !== undefined && patternListMatches(arg, query.localUser);
    default:
      return undefined;
  }
}

/** Whether a `Match` line applies; `exec` (and criteria this client does not know) are refused, not run. */
function matchLineMatches(directive: SshConfigDirective, pass: Pass): boolean {
  let result = true;
  for (let i = 0; i < directive.args.length; i++) {
    let name = directive.args[i].toLowerCase();
    const negate = name.startsWith('!');
    name = negate ? name.slice(1) : name;
    const takesArg = !['all', 'canonical', 'final'].includes(name);
    const arg = takesArg ? directive.args[++i] : undefined;
    if (name === 'exec' && !result) {
      continue; // ssh skips an exec whose line already failed
    }
    const verdict = criterion(name, arg, pass);
    if (verdict === undefined) {
      pass.result.refusals.push({ directive: `Match ${name}`, file: directive.file, line: directive.line });
      result = false;
      continue;
    }
    if (verdict === negate) {
      result = false;
    }
  }
  return result;
}

function record(directive: SshConfigDirective, result: ResolvedSshConfig): void {
  if (directive.keyword === 'identityfile') {
    const value = directive.args[0];
    if (value !== undefined && !result.identityFiles.some((known) => known.args[0] === value)) {
      result.identityFiles.push(directive);
    }
  } else if (directive.keyword === 'proxycommand' && result.first.get('proxyjump')?.args[0]?.toLowerCase() !== undefined && result.first.get('proxyjump')?.args[0]?.toLowerCase() !== 'none') {
    // ProxyJump and ProxyCommand share one slot in ssh: whichever comes first wins (ProxyJump none leaves it free).
  } else if (directive.keyword === 'proxyjump' && result.first.has('proxycommand')) {
    // See above.
  } else if (!CUMULATIVE.has(directive.keyword) && !result.first.has(directive.keyword) && directive.args.length > 0) {
    result.first.set(directive.keyword, directive);
  }
}

/**
 * Applies the directives of one file. An Include in a block that does not apply is still read, as
 * ssh does, but nothing in it applies (its `Match final` still asks for the final pass).
 */
function readDirectives(directives: readonly SshConfigDirective[], pass: Pass, depth: number, neverMatch = false): void {
  let active = !neverMatch;
  for (const directive of directives) {
    switch (directive.keyword) {
      case 'host':
        active = !neverMatch && hostLineMatches(directive.args, pass.query.host);
        break;
      case 'match':
        active = matchLineMatches(directive, pass) && !neverMatch;
        break;
      case 'include':
        if (depth < MAX_INCLUDE_DEPTH) {
          for (const pattern of directive.args) {
            for (const included of pass.readInclude(pattern, directive)) {
              readDirectives(parseSshConfig(included.text, included.file), pass, depth + 1, !active);
            }
          }
        }
        break;
      default:
        if (active) {
          record(directive, pass.result);
        }
    }
  }
}

/**
 * The options ssh would use for `query`, from the config files in the order ssh reads them (the
 * user's, then the system's). A `Match final` makes a second pass, as ssh does, with the host
 * being the HostName obtained (lower case).
 */
export function resolveSshConfig(files: readonly IncludedFile[], query: SshConfigQuery, readInclude: IncludeReader = () => []): ResolvedSshConfig {
  const result: ResolvedSshConfig = { first: new Map(), identityFiles: [], refusals: [] };
  const pass: Pass = { query, originalHost: query.host, final: false, readInclude, result, wantFinal: false };
  const parsed = files.map((file) => parseSshConfig(file.text, file.file));
  parsed.forEach((directives) => readDirectives(directives, pass, 0));
  if (pass.wantFinal) {
    // As ssh: the host becomes the HostName obtained (lower case), and is set, so no HostName changes it.
    const finalHost = canonicalHost(matchHost(pass));
    if (!result.first.has('hostname')) {
      result.first.set('hostname', { keyword: 'hostname', args: [finalHost.replace(/%/g, '%%')], file: '', line: 0 });
    }
    const finalPass: Pass = { ...pass, final: true, query: { ...query, host: finalHost } };
    const refusals = result.refusals.length;
    parsed.forEach((directives) => readDirectives(directives, finalPass, 0));
    result.refusals.splice(refusals).forEach((refusal) => {
      if (!result.refusals.some((known) => known.file === refusal.file && known.line === refusal.line)) {
        result.refusals.push(refusal);
      }
    });
  }
  return result;
}

/** HostName's own token: `%h` is the host as given, `%%` a percent sign. */
export function expandHostName(value: string, host: string): string {
  return value.replace(/%([%h])/g, (_match, token: string) => (token === 'h' ? host : '%'));
}

/** Whether a name is an IPv4 or IPv6 address (ssh does not lowercase those). */
function isAddress(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(':');
}

/** The host ssh connects to and looks up in known_hosts: lower case, unless it is an address. */
export function canonicalHost(name: string): string {
  return isAddress(name) ? name : name.toLowerCase();
}
