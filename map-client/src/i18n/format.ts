/**
 * Formatting values for people in the interface language: partial ISO dates (`2018`,
 * `2018-09`, `2018-09-14`, as the data has them), numbers and names of content languages.
 */

import type { Language } from './index';

const PARTIAL_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/;

/**
 * `2018` → "2018", `2018-09` → "September 2018", `2018-09-14` → "14 September 2018" (in the
 * interface language); anything else is shown as it is.
 */
export function formatDate(value: string, language: Language): string {
  const match = PARTIAL_DATE.exec(value);
  if (!match) return value;
  const [, year, month, day] = match;
  if (month === undefined) return year ?? value;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, day === undefined ? 1 : Number(day)));
  if (Number.isNaN(date.getTime())) return value;
  const options: Intl.DateTimeFormatOptions =
    day === undefined ? { year: 'numeric', month: 'long', timeZone: 'UTC' } : { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(language, options).format(date);
}

export function formatNumber(value: number, language: Language): string {
  return new Intl.NumberFormat(language).format(value);
}

/** The name of a content language (`pl`) in the interface language ("Polish", "polnisch"). */
export function languageName(code: string, language: Language): string {
  try {
    return new Intl.DisplayNames([language], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** The name of a country (`DE`) in the interface language, or the given fallback. */
export function countryName(code: string, language: Language, fallback: string = code): string {
  try {
    return new Intl.DisplayNames([language], { type: 'region' }).of(code) ?? fallback;
  } catch {
    return fallback;
  }
}
