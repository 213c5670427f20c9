/**
 * Formatting values for people in the interface language: partial ISO dates (`2018`,
 * `2018-09`, `2018-09-14`, as the data has them), numbers and names of content languages.
 */

import type { Language } from './index';

const PARTIAL_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/;

/**
 * One formatter per kind and language: building an `Intl` formatter costs far more than using
 * one (a list of 300 cities spent ~300 ms constructing them, measured in bench/browser).
 */
function memo<T>(make: (language: Language) => T): (language: Language) => T {
  const made = new Map<Language, T>();
  return (language) => {
    let formatter = made.get(language);
    if (formatter === undefined) {
      formatter = make(language);
      made.set(language, formatter);
    }
    return formatter;
  };
}

const monthYear = memo((language) => new Intl.DateTimeFormat(language, { year: 'numeric', month: 'long', timeZone: 'UTC' }));
const dayMonthYear = memo((language) => new Intl.DateTimeFormat(language, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }));
const numbers = memo((language) => new Intl.NumberFormat(language));
const languageNames = memo((language) => new Intl.DisplayNames([language], { type: 'language' }));
const regionNames = memo((language) => new Intl.DisplayNames([language], { type: 'region' }));

/**
 * `2018` → "2018", `2018-09` → "September 2018", `2018-09-14` → "14 September 2018" (in the
 * interface language); anything else is shown as it is.
 */
export function formatDate(value: string, language: Language): string {
  return formatPartialDate(value, monthYear(language), dayMonthYear(language));
}

/** `value`'s year alone, or its month with `month`, or its day with `day`; else `value`. */
function formatPartialDate(value: string, month: Intl.DateTimeFormat, day: Intl.DateTimeFormat): string {
  const match = PARTIAL_DATE.exec(value);
  if (!match) return value;
  const [, y, m, d] = match;
  if (m === undefined) return y ?? value;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, d === undefined ? 1 : Number(d)));
  if (Number.isNaN(date.getTime())) return value;
  return (d === undefined ? month : day).format(date);
}

/** How precise a partial date is: `2018`, `2018-09` or `2018-09-14`. */
export function datePrecision(value: string): 'year' | 'month' | 'day' {
  const match = PARTIAL_DATE.exec(value);
  if (!match) return 'day';
  return match[3] !== undefined ? 'day' : match[2] !== undefined ? 'month' : 'year';
}

const shortDay = memo((language) => new Intl.DateTimeFormat(language, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }));
const shortMonth = memo((language) => new Intl.DateTimeFormat(language, { year: 'numeric', month: 'short', timeZone: 'UTC' }));

/** A partial date in a narrow column: "14 Feb 2020", "Feb 2020", "2020" (in the interface language). */
export function formatShortDate(value: string, language: Language): string {
  return formatPartialDate(value, shortMonth(language), shortDay(language));
}

export function formatNumber(value: number, language: Language): string {
  return numbers(language).format(value);
}

/** The name of a content language (`pl`) in the interface language ("Polish", "polnisch"). */
export function languageName(code: string, language: Language): string {
  try {
    return languageNames(language).of(code) ?? code;
  } catch {
    return code;
  }
}

/** The name of a country (`DE`) in the interface language, or the given fallback. */
export function countryName(code: string, language: Language, fallback: string = code): string {
  const known = countryNames(language);
  let name = known.get(code);
  if (name === undefined) {
    try {
      name = regionNames(language).of(code) ?? null;
    } catch {
      name = null;
    }
    known.set(code, name);
  }
  return name ?? fallback;
}

/**
 * Country names already looked up, per language: the list names the country of each of its
 * hundreds of rows, and `Intl.DisplayNames.of` is slow enough to show in a first load.
 */
const countryNames = memo(() => new Map<string, string | null>());

const kilometres = memo((language) => new Intl.NumberFormat(language, { style: 'unit', unit: 'kilometer', maximumFractionDigits: 1 }));
const wholeKilometres = memo((language) => new Intl.NumberFormat(language, { style: 'unit', unit: 'kilometer', maximumFractionDigits: 0 }));

/** A distance for people: "2.4 km" below 10 km, "37 km" above, in the interface language. */
export function formatDistance(km: number, language: Language): string {
  return (km < 10 ? kilometres : wholeKilometres)(language).format(km);
}
