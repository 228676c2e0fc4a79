/**
 * Numbers, dates and durations in the UI's language, with the platform's Intl (no vscode here: the
 * glue passes `vscode.env.language`). Unit-tested in plain Node.
 */

/** A locale Intl accepts: the UI language, or English when Intl does not know it. */
function safeLocale(locale: string): string {
  try {
    return Intl.getCanonicalLocales(locale)[0] ?? 'en';
  } catch {
    return 'en';
  }
}

/** Whether `count` takes the singular form in this language (English: 1; French: 0 and 1). */
export function isSingular(locale: string, count: number): boolean {
  return new Intl.PluralRules(safeLocale(locale)).select(count) === 'one';
}

/** A date and time as the language writes it (French: "25 nov. 2026, 19:27:25"). */
export function formatDateTime(locale: string, date: Date): string {
  return new Intl.DateTimeFormat(safeLocale(locale), { dateStyle: 'medium', timeStyle: 'medium' }).format(date);
}

type Unit = 'second' | 'minute' | 'hour' | 'day';

/** The largest unit that fits a duration, and the count of it (rounded down). */
function largestUnit(ms: number): { unit: Unit; count: number } {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) {
    return { unit: 'second', count: seconds };
  }
  if (seconds < 3600) {
    return { unit: 'minute', count: Math.floor(seconds / 60) };
  }
  if (seconds < 2 * 86400) {
    return { unit: 'hour', count: Math.floor(seconds / 3600) };
  }
  return { unit: 'day', count: Math.floor(seconds / 86400) };
}

/** A duration in words, singular or plural as the language wants ("1 minute", "5 minutes", "2 jours"). */
export function formatDuration(locale: string, ms: number): string {
  const { unit, count } = largestUnit(ms);
  return new Intl.NumberFormat(safeLocale(locale), { style: 'unit', unit, unitDisplay: 'long' }).format(count);
}

/** How long ago, in words ("5 minutes ago", "il y a 5 minutes"). */
export function formatAgo(locale: string, ms: number): string {
  const { unit, count } = largestUnit(ms);
  return new Intl.RelativeTimeFormat(safeLocale(locale), { numeric: 'auto' }).format(-count, unit);
}
