/**
 * What the person filters by, and how one set of filters reaches every consumer alike: the
 * API's query parameters (list and counts) and the tile URLs (the server filters and counts
 * the clusters). One spelling for both is what makes the map and the list agree.
 */

/** How several policy areas combine: a result in any of them, or in all of them. */
export type AreaMatch = 'any' | 'all';

export interface Filters {
  /** Policy-area slugs, combined by `areaMatch`. */
  readonly areas: readonly string[];
  readonly areaMatch: AreaMatch;
  /** Network slugs, any-of. */
  readonly networks: readonly string[];
  /** ISO 3166-1 alpha-2 codes, upper case, any-of. */
  readonly countries: readonly string[];
  /** A region code, as the API's `region` filter takes it. */
  readonly region: string | null;
}

export const NO_FILTERS: Filters = { areas: [], areaMatch: 'any', networks: [], countries: [], region: null };

export function hasFilters(filters: Filters): boolean {
  return filters.areas.length + filters.networks.length + filters.countries.length > 0 || filters.region !== null;
}

export function sameFilters(a: Filters, b: Filters): boolean {
  const same = (x: readonly string[], y: readonly string[]): boolean =>
    x.length === y.length && [...x].sort().join(',') === [...y].sort().join(',');
  return same(a.areas, b.areas) && a.areaMatch === b.areaMatch && same(a.networks, b.networks) && same(a.countries, b.countries) && a.region === b.region;
}

/** Adds or removes one value of a multi-valued filter. */
export function toggle(values: readonly string[], value: string, on: boolean): readonly string[] {
  const without = values.filter((v) => v !== value);
  return on ? [...without, value] : without;
}

/**
 * The contract's filter parameters (`policy_area`, `policy_area_match`, `network`, `country`,
 * `region`), in a stable order; "all of" one area is "any of" it, so it is not sent.
 */
export function filterParams(filters: Filters): [string, string][] {
  const params: [string, string][] = [];
  const sorted = (values: readonly string[]): string => [...new Set(values)].sort().join(',');
  if (filters.areas.length > 0) params.push(['policy_area', sorted(filters.areas)]);
  if (filters.areaMatch === 'all' && new Set(filters.areas).size > 1) params.push(['policy_area_match', 'all']);
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
  for (const key of ['policy_area', 'policy_area_match', 'network', 'country', 'region']) keep.delete(key);
  const params = new URLSearchParams([...keep, ...filterParams(filters)]);
  const search = params.toString().replace(/%2C/gi, ',');
  return search === '' ? path : `${path}?${search}`;
}
