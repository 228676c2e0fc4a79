/**
 * The one seam between the message catalog (src/messages/) and a language: a `Translator`. VS Code
 * passes `vscode.l10n`; the command line passes `cliTranslator(locale)`, which reads the same French
 * bundles (l10n/fr/*.json); tests and English-only output pass `englishTranslator`. No `vscode`
 * import here: the catalog is shared by the extension and the command-line tool.
 */
import frenchCapture from '../../l10n/fr/capture.json';
import frenchHelperObservation from '../../l10n/fr/helperObservation.json';
import frenchEngines from '../../l10n/fr/engines.json';
import frenchSecrets from '../../l10n/fr/hardening-secrets.json';
import frenchTls from '../../l10n/fr/tls.json';
import frenchTraffic from '../../l10n/fr/traffic.json';

/** Named placeholders (`{from}`, `{network}`…), as the connectivity doctor's sentences use them. */
export type NamedArgs = Record<string, string>;

/** What `vscode.l10n` offers, and what the command line provides without VS Code. */
export interface Translator {
  t(message: string, ...args: Array<string | number | boolean>): string;
  t(message: string, args: NamedArgs): string;
}

type Bundle = Record<string, string>;

/** Fills `{param}` placeholders; a missing param stays visible as `{param}`. */
function fill(template: string, params: NamedArgs): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => params[key] ?? whole);
}

/** vscode.l10n's formatting ({0}, {1}, … or {name}) over a bundle's text, the English source when it has none. */
export function bundleTranslator(bundle: Record<string, string>): Translator {
  return {
    t: (message: string, ...args: Array<string | number | boolean | NamedArgs>) => {
      const text = bundle[message] ?? message;
      const [first] = args;
      if (args.length === 0) {
        return text; // as vscode.l10n: no arguments, no formatting ('{0} more' stays a template)
      }
      if (args.length === 1 && typeof first === 'object') {
        return fill(text, first);
      }
      return text.replace(/\{(\d+)\}/g, (_match, index: string) => String(args[Number(index)] ?? ''));
    },
  };
}

/** The English source sentences, placeholders filled: the command line's reports and the tests. */
export const englishTranslator: Translator = bundleTranslator({});

export function cliLocale(env: NodeJS.ProcessEnv = process.env): 'fr' | 'en' {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^fr\b|^fr_/i.test(locale) ? 'fr' : 'en';
}

/**
 * The command line's translator: the French bundles of the sentences it says (engine causes, TLS
 * checks, unreadable certificate files, the traffic table, captures) when the locale is French, English otherwise.
 */
export function cliTranslator(locale: 'fr' | 'en'): Translator {
  const bundle: Bundle = locale === 'fr' ? { ...(frenchEngines as Bundle), ...(frenchTls as Bundle), ...(frenchSecrets as Bundle), ...(frenchTraffic as Bundle), ...(frenchCapture as Bundle), ...(frenchHelperObservation as Bundle) } : {};
  return bundleTranslator(bundle);
}
