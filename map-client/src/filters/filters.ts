/**
 * What the person filters by, and how one set of filters reaches every consumer alike:
 * the API's query parameters (list and counts), the tile URLs (the server's clusters and the
 * region filter) and MapLibre filter expressions (instant feedback while new tiles load).
 * Keeping the three in one place is what makes the map and the list show the same results.
 */

import type { ExpressionSpecification } from 'maplibre-gl';

export interface Filters {
  /** Policy-area slugs, any-of. */
  readonly areas: readonly string[];
  /** Network slugs, any-of. */
  readonly networks: readonly string[];
  /** ISO 3166-1 alpha-2 codes, upper case, any-of. */
  readonly countries: readonly string[];
  /** A region code, as the API's `region` filter takes it. */
  readonly region: string | null;
}

export const NO_FILTERS: Filters = { areas: [], networks: [], countries: [], region: null };

export function hasFilters(filters: Filters): boolean {
  return filters.areas.length + filters.networks.length + filters.countries.length > 0 || filters.region !== null;
}

export function sameFilters(a: Filters, b: Filters): boolean {
  const same = (x: readonly string[], y: readonly string[]): boolean =>
    x.length === y.length && [...x].sort().join(',') === [...y].sort().join(',');
  return same(a.areas, b.areas) && same(a.networks, b.networks) && same(a.countries, b.countries) && a.region === b.region;
}

/** Adds or removes one value of a multi-valued filter. */
export function toggle(values: readonly string[], value: string, on: boolean): readonly string[] {
  const without = values.filter((v) => v !== value);
  return on ? [...without, value] : without;
}

/** The contract's filter parameters (`policy_area`, `network`, `country`, `region`), in a stable order. */
export function filterParams(filters: Filters): [string, string][] {
  const params: [string, string][] = [];
  const sorted = (values: readonly string[]): string => [...values].sort().join(',');
  if (filters.areas.length > 0) params.push(['policy_area', sorted(filters.areas)]);
  if (filters.networks.length > 0) params.push(['network', sorted(filters.networks)]);
  if (filters.countries.length > 0) params.push(['country', sorted(filters.countries)]);
  if (filters.region !== null) params.push(['region', filters.region]);
  return params;
}

/** `a=b&c=d,e` with readable commas; empty when there are no filters. */
export function filterQuery(filters: Filters): string {
  return new URLSearchParams(filterParams(filters)).toString().replace(/%2C/gi, ',');
}

/**
 * A tile URL template with the filters appended, e.g.
 * `http://h/tiles/cities/{z}/{x}/{y}.mvt` → `…/{y}.mvt?policy_area=health`.
 * Parameters the template already has are kept unless they are filter parameters.
 */
export function filteredTileTemplate(template: string, filters: Filters): string {
  const [path = '', query = ''] = template.split('?', 2);
  const keep = new URLSearchParams(query);
  for (const key of ['policy_area', 'network', 'country', 'region']) keep.delete(key);
  const params = new URLSearchParams([...keep, ...filterParams(filters)]);
  const search = params.toString().replace(/%2C/gi, ',');
  return search === '' ? path : `${path}?${search}`;
}

/** The tile property of a policy area or network: `sea-rescue-safe-passage` → `area_sea_rescue_safe_passage`. */
export function tileProperty(prefix: 'area' | 'net', slug: string): string {
  return `${prefix}_${slug.replace(/-/g, '_')}`;
}

const IS_CLUSTER: ExpressionSpecification = ['==', ['get', 'cluster'], true];

/** Any of the flags set; `to-boolean` reads both a feature's `true` and a cluster's count `> 0`. */
function anyFlag(prefix: 'area' | 'net', slugs: readonly string[]): ExpressionSpecification {
  return ['any', ...slugs.map((slug): ExpressionSpecification => ['to-boolean', ['get', tileProperty(prefix, slug)]])];
}

/**
 * A MapLibre filter for the `cities` or `practices` tile layer that shows what the filters
 * select, using the properties every tile feature carries (`area_*`, `net_*`, `country`).
 *
 * Clusters carry only per-area counts, so they are judged on areas alone; the region filter
 * is not in the tiles at all. Both are exact once the filtered tiles from the server arrive
 * (`filteredTileTemplate`): this expression is the instant first step, never the only one.
 */
export function featureFilter(filters: Filters, layer: 'cities' | 'practices'): ExpressionSpecification | null {
  const single: ExpressionSpecification[] = [];
  const cluster: ExpressionSpecification[] = [];
  if (filters.areas.length > 0) {
    single.push(anyFlag('area', filters.areas));
    cluster.push(anyFlag('area', filters.areas));
  }
  if (layer === 'cities') {
    if (filters.networks.length > 0) single.push(anyFlag('net', filters.networks));
    if (filters.countries.length > 0) single.push(['in', ['get', 'country'], ['literal', [...filters.countries]]]);
  }
  if (single.length === 0 && cluster.length === 0) return null;
  return [
    'any',
    ['all', IS_CLUSTER, ...cluster],
    ['all', ['!', IS_CLUSTER], ...single],
  ];
}

/**
 * The same decision as `featureFilter` for one city or practice of the API's answer; used by
 * tests to check that expression and API agree, and to keep cached data consistent.
 */
export function matches(
  item: { readonly policyAreas: readonly string[]; readonly networks?: readonly string[]; readonly country: string },
  filters: Filters,
): boolean {
  if (filters.areas.length > 0 && !filters.areas.some((a) => item.policyAreas.includes(a))) return false;
  if (item.networks && filters.networks.length > 0 && !filters.networks.some((n) => item.networks?.includes(n))) return false;
  if (filters.countries.length > 0 && !filters.countries.includes(item.country)) return false;
  return true;
}
