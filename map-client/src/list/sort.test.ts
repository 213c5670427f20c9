import { describe, expect, it } from 'vitest';
import type { CitySummary } from '../api/types';
import { sortCities } from './sort';

const city = (slug: string, name: string, extra: Partial<CitySummary> = {}): CitySummary => ({
  slug,
  name,
  kind: null,
  country: 'DE',
  countryName: 'Germany',
  region: null,
  population: null,
  distanceKm: null,
  networks: [],
  safeHarbour: null,
  allianceMember: false,
  policyAreas: [],
  practiceCount: 0,
  lon: 0,
  lat: 0,
  ...extra,
});

describe('sortCities', () => {
  const cities = [
    city('zuerich', 'Zürich', { practiceCount: 1 }),
    city('aachen', 'Aachen', { safeHarbour: { status: 'declared', since: null } }),
    city('oeland', 'Öland', { practiceCount: 3, safeHarbour: { status: 'declared', since: null }, allianceMember: true }),
  ];

  it('sorts names with the language collation', () => {
    expect(sortCities(cities, { key: 'name', descending: false }, 'de').map((c) => c.slug)).toEqual(['aachen', 'oeland', 'zuerich']);
    expect(sortCities(cities, { key: 'name', descending: true }, 'de').map((c) => c.slug)).toEqual(['zuerich', 'oeland', 'aachen']);
  });

  it('sorts by category in legend order and by practices', () => {
    expect(sortCities(cities, { key: 'category', descending: false }, 'en').map((c) => c.slug)).toEqual(['oeland', 'aachen', 'zuerich']);
    expect(sortCities(cities, { key: 'practices', descending: true }, 'en').map((c) => c.slug)).toEqual(['oeland', 'zuerich', 'aachen']);
  });
});
