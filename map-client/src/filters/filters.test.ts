import { featureFilter as compileFilter } from '@maplibre/maplibre-gl-style-spec';
import type { ExpressionSpecification } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import { NOT_CLUSTER, IS_CLUSTER } from '../map/layers';
import {
  type Filters,
  NO_FILTERS,
  featureFilter,
  filterParams,
  filterQuery,
  filteredTileTemplate,
  hasFilters,
  matches,
  sameFilters,
  tileProperty,
  toggle,
} from './filters';

const filters = (f: Partial<Filters>): Filters => ({ ...NO_FILTERS, ...f });

describe('filter parameters', () => {
  it('names them as the contract does, sorted, with readable commas', () => {
    const f = filters({ areas: ['work', 'housing'], networks: ['iash'], countries: ['IT', 'DE'], region: 'DE-05' });
    expect(filterParams(f)).toEqual([
      ['policy_area', 'housing,work'],
      ['network', 'iash'],
      ['country', 'DE,IT'],
      ['region', 'DE-05'],
    ]);
    expect(filterQuery(f)).toBe('policy_area=housing,work&network=iash&country=DE,IT&region=DE-05');
  });

  it('is empty without filters', () => {
    expect(filterQuery(NO_FILTERS)).toBe('');
    expect(hasFilters(NO_FILTERS)).toBe(false);
    expect(hasFilters(filters({ region: 'x' }))).toBe(true);
  });

  it('compares regardless of order', () => {
    expect(sameFilters(filters({ areas: ['a', 'b'] }), filters({ areas: ['b', 'a'] }))).toBe(true);
    expect(sameFilters(filters({ areas: ['a'] }), filters({ areas: ['a'], region: 'r' }))).toBe(false);
  });

  it('toggles one value', () => {
    expect(toggle(['a', 'b'], 'c', true)).toEqual(['a', 'b', 'c']);
    expect(toggle(['a', 'b'], 'a', false)).toEqual(['b']);
    expect(toggle(['a'], 'a', true)).toEqual(['a']);
  });
});

describe('filteredTileTemplate', () => {
  const template = 'http://h/tiles/cities/{z}/{x}/{y}.mvt';

  it('appends the filters and keeps the placeholders', () => {
    expect(filteredTileTemplate(template, filters({ areas: ['health'] }))).toBe(`${template}?policy_area=health`);
  });

  it('replaces earlier filters and keeps other parameters', () => {
    const previous = `${template}?v=3&policy_area=work&country=DE`;
    expect(filteredTileTemplate(previous, filters({ countries: ['PL'] }))).toBe(`${template}?v=3&country=PL`);
    expect(filteredTileTemplate(previous, NO_FILTERS)).toBe(`${template}?v=3`);
    expect(filteredTileTemplate(template, NO_FILTERS)).toBe(template);
  });
});

describe('featureFilter', () => {
  /** Evaluates the expression like MapLibre does on one tile feature. */
  function shown(expression: ExpressionSpecification | null, base: ExpressionSpecification, properties: Record<string, unknown>): boolean {
    const compiled = compileFilter(expression ? ['all', base, expression] : base, 'test');
    return compiled.filter({ zoom: 6 }, { type: 1, properties, geometry: [] } as never);
  }

  const koeln = { slug: 'koeln', cluster: false, country: 'DE', area_housing: true, area_reception: true, area_health: false, net_iash: false, net_eurocities: true };
  const gdansk = { slug: 'gdansk', cluster: false, country: 'PL', area_housing: false, area_reception: false, area_health: false, net_iash: false, net_eurocities: false };
  const cluster = { cluster: true, count: 12, area_housing: 3, area_health: 0 };

  it('uses the tile property names of the contract', () => {
    expect(tileProperty('area', 'sea-rescue-safe-passage')).toBe('area_sea_rescue_safe_passage');
    expect(tileProperty('net', 'buendnis-staedte-sicherer-haefen')).toBe('net_buendnis_staedte_sicherer_haefen');
  });

  it('shows everything without filters', () => {
    expect(featureFilter(NO_FILTERS, 'cities')).toBeNull();
  });

  it('selects features with any of the areas', () => {
    const f = featureFilter(filters({ areas: ['health', 'housing'] }), 'cities');
    expect(shown(f, NOT_CLUSTER, koeln)).toBe(true);
    expect(shown(f, NOT_CLUSTER, gdansk)).toBe(false);
  });

  it('judges clusters by their per-area counts', () => {
    expect(shown(featureFilter(filters({ areas: ['housing'] }), 'cities'), IS_CLUSTER, cluster)).toBe(true);
    expect(shown(featureFilter(filters({ areas: ['health'] }), 'cities'), IS_CLUSTER, cluster)).toBe(false);
    // Networks and countries are not in clusters: those are left to the filtered tiles.
    expect(shown(featureFilter(filters({ countries: ['PL'] }), 'cities'), IS_CLUSTER, cluster)).toBe(true);
  });

  it('filters cities by network and country', () => {
    expect(shown(featureFilter(filters({ networks: ['eurocities'] }), 'cities'), NOT_CLUSTER, koeln)).toBe(true);
    expect(shown(featureFilter(filters({ networks: ['iash'] }), 'cities'), NOT_CLUSTER, koeln)).toBe(false);
    expect(shown(featureFilter(filters({ countries: ['PL', 'IT'] }), 'cities'), NOT_CLUSTER, koeln)).toBe(false);
    expect(shown(featureFilter(filters({ countries: ['PL', 'IT'] }), 'cities'), NOT_CLUSTER, gdansk)).toBe(true);
  });

  it('treats a missing flag as not set', () => {
    expect(shown(featureFilter(filters({ areas: ['work'] }), 'cities'), NOT_CLUSTER, koeln)).toBe(false);
  });

  it('agrees with the same decision on API data', () => {
    const cases: Filters[] = [
      filters({ areas: ['housing'] }),
      filters({ areas: ['health'] }),
      filters({ networks: ['eurocities'] }),
      filters({ countries: ['PL'] }),
      filters({ areas: ['reception'], countries: ['DE'] }),
    ];
    const api = [
      { tile: koeln, item: { policyAreas: ['housing', 'reception'], networks: ['eurocities'], country: 'DE' } },
      { tile: gdansk, item: { policyAreas: [], networks: [], country: 'PL' } },
    ];
    for (const f of cases) {
      for (const { tile, item } of api) expect(shown(featureFilter(f, 'cities'), NOT_CLUSTER, tile), JSON.stringify(f)).toBe(matches(item, f));
    }
  });

  it('filters practices by area only (the rest comes with the tiles)', () => {
    const practice = { slug: 'p', cluster: false, area_housing: true };
    expect(shown(featureFilter(filters({ areas: ['housing'], countries: ['PL'] }), 'practices'), NOT_CLUSTER, practice)).toBe(true);
    expect(featureFilter(filters({ countries: ['PL'] }), 'practices')).toBeNull();
  });
});
