/** Sorting the list view's rows, with the interface language's collation (Ä after A in German). */

import { type CitySummary, type PracticeSummary, cityCategory } from '../api/types';
import { CATEGORIES } from '../map/layers';

export type SortKey = 'name' | 'country' | 'category' | 'practices' | 'title' | 'city';

export interface SortState {
  readonly key: SortKey;
  readonly descending: boolean;
}

function sorted<T>(items: readonly T[], compare: (a: T, b: T) => number, tieBreak: (a: T, b: T) => number, descending: boolean): T[] {
  return [...items].sort((a, b) => {
    const primary = compare(a, b);
    return (descending ? -primary : primary) || tieBreak(a, b);
  });
}

export function sortCities(cities: readonly CitySummary[], sort: SortState, language: string): CitySummary[] {
  const collator = new Intl.Collator(language, { sensitivity: 'base' });
  const byName = (a: CitySummary, b: CitySummary): number => collator.compare(a.name, b.name) || a.slug.localeCompare(b.slug);
  const compare: Record<string, (a: CitySummary, b: CitySummary) => number> = {
    name: byName,
    country: (a, b) => collator.compare(a.countryName, b.countryName),
    category: (a, b) => CATEGORIES.indexOf(cityCategory(a)) - CATEGORIES.indexOf(cityCategory(b)),
    practices: (a, b) => a.practiceCount - b.practiceCount,
  };
  return sorted(cities, compare[sort.key] ?? byName, byName, sort.descending);
}

export function sortPractices(practices: readonly PracticeSummary[], sort: SortState, language: string): PracticeSummary[] {
  const collator = new Intl.Collator(language, { sensitivity: 'base' });
  const byTitle = (a: PracticeSummary, b: PracticeSummary): number => collator.compare(a.title.text, b.title.text) || a.slug.localeCompare(b.slug);
  const compare: Record<string, (a: PracticeSummary, b: PracticeSummary) => number> = {
    title: byTitle,
    city: (a, b) => collator.compare(a.city.name, b.city.name),
  };
  return sorted(practices, compare[sort.key] ?? byTitle, byTitle, sort.descending);
}
