/**
 * The shareable part of the app's state, kept in the page URL so every view is a permalink.
 *
 * - the map view lives in the fragment as `#map=zoom/lat/lon` (the OpenStreetMap
 *   convention), so panning never reloads the page nor reaches the server;
 * - choices that change what is shown live in the query: the language (`lang=de`), the
 *   filters (`area=housing,health&area_match=all&network=iash&country=DE,IT&region=DE-05`,
 *   where `area_match=all` asks for all of the areas instead of any), the open city
 *   or practice (`city=koeln` / `practice=gdansk-immigrants-council`), what is near a point
 *   (`near=6.42196,51.38215&near_name=Kempen&near_place=123`) and, on a phone, the list
 *   instead of the map (`show=list`).
 *
 * Parsing is lenient: a malformed or out-of-range part is dropped, never an error, because
 * URLs are typed, truncated and shared by people. Serialising keeps every query parameter
 * and fragment entry it does not own.
 */

import type { Filters } from '../filters/filters';
import { type Language, isLanguage } from '../i18n';

/** A camera position: zoom level and centre in WGS 84 degrees. */
export interface MapView {
  readonly zoom: number;
  readonly lat: number;
  readonly lon: number;
}

/** The city or practice whose panel is open. */
export interface Selection {
  readonly kind: 'city' | 'practice';
  readonly slug: string;
}

/**
 * A point the person asked what is near: a searched place (listed or not) or their own
 * location. `name` labels it (null: the person's location); `place` is the gazetteer id of a
 * searched place, to suggest it when it is not listed.
 */
export interface Near {
  readonly lon: number;
  readonly lat: number;
  readonly name: string | null;
  readonly place: string | null;
}

/** Which half of the app a phone shows; a desk shows both side by side. */
export type Mode = 'map' | 'list';

/** The state encoded in a URL. */
export interface UrlState extends Filters {
  readonly view?: MapView;
  readonly lang?: Language;
  readonly selection?: Selection;
  readonly mode?: Mode;
  readonly near?: Near;
}

export const MIN_ZOOM = 0;
export const MAX_ZOOM = 24;

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const COUNTRY = /^[A-Z]{2}$/;
const REGION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;

/** Query parameters this module owns; every other parameter is kept as it is. */
const OWN_PARAMETERS = ['lang', 'area', 'area_match', 'network', 'country', 'region', 'city', 'practice', 'show', 'near', 'near_name', 'near_place'] as const;

function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined || !NUMBER.test(text)) return undefined;
  return Number(text);
}

/** Wraps a longitude into [-180, 180). */
function wrapLongitude(lon: number): number {
  // `+ 0` turns -0 into 0.
  if (lon >= -180 && lon < 180) return lon + 0;
  return ((((lon + 180) % 360) + 360) % 360) - 180 + 0;
}

/** Parses the value of the `map` fragment entry: `zoom/lat/lon`. */
export function parseMapView(value: string): MapView | undefined {
  const parts = value.split('/');
  if (parts.length !== 3) return undefined;
  const [zoom, lat, lon] = parts.map(parseNumber);
  if (zoom === undefined || lat === undefined || lon === undefined) return undefined;
  if (zoom < MIN_ZOOM || zoom > MAX_ZOOM || lat < -90 || lat > 90) return undefined;
  return { zoom, lat, lon: wrapLongitude(lon) };
}

/**
 * Formats a view with just enough decimals for its zoom level (about one pixel), like
 * openstreetmap.org does, so that URLs stay short.
 */
export function formatMapView(view: MapView): string {
  const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, view.zoom));
  const precision = Math.max(0, Math.ceil(Math.log(zoom) / Math.LN2));
  const lat = Math.min(90, Math.max(-90, view.lat));
  const trim = (n: number, digits: number): string => {
    const text = n.toFixed(digits);
    const trimmed = text.includes('.') ? text.replace(/\.?0+$/, '') : text;
    return trimmed === '-0' ? '0' : trimmed;
  };
  return `${trim(zoom, 2)}/${trim(lat, precision)}/${trim(wrapLongitude(view.lon), precision)}`;
}

/** Splits a fragment (`#a=1&map=…`) into ordered key/value entries without decoding `/`. */
function fragmentEntries(hash: string): [string, string][] {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  if (body === '') return [];
  return body.split('&').map((part): [string, string] => {
    const eq = part.indexOf('=');
    return eq === -1 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
  });
}

/** Comma lists, possibly repeated, normalised and checked, without duplicates, in order. */
function parseList(values: readonly string[], normalise: (raw: string) => string, valid: RegExp): string[] {
  const result: string[] = [];
  for (const value of values) {
    for (const raw of value.split(',')) {
      const item = normalise(raw.trim());
      if (valid.test(item) && !result.includes(item)) result.push(item);
    }
  }
  return result;
}

const slugs = (values: readonly string[]): string[] => parseList(values, (s) => s.toLowerCase(), SLUG);
const countries = (values: readonly string[]): string[] => parseList(values, (s) => s.toUpperCase(), COUNTRY);

function parseSelection(params: URLSearchParams): Selection | undefined {
  for (const kind of ['city', 'practice'] as const) {
    const slug = params.get(kind)?.trim().toLowerCase();
    if (slug !== undefined && SLUG.test(slug)) return { kind, slug };
  }
  return undefined;
}

/** `near=lon,lat` with `near_name` and `near_place`; undefined when absent or malformed. */
function parseNear(params: URLSearchParams): Near | undefined {
  const parts = (params.get('near') ?? '').split(',');
  if (parts.length !== 2) return undefined;
  const [lon, lat] = parts.map((p) => parseNumber(p.trim()));
  if (lon === undefined || lat === undefined || lon < -180 || lon > 180 || lat < -90 || lat > 90) return undefined;
  const name = params.get('near_name')?.trim().slice(0, 120) ?? '';
  const place = params.get('near_place')?.trim() ?? '';
  return { lon, lat, name: name === '' ? null : name, place: /^[0-9]{1,12}$/.test(place) ? place : null };
}

/** Reads the state from a URL (absolute string or `URL`). */
export function parseUrlState(input: string | URL): UrlState {
  const url = new URL(input);
  const mapEntry = fragmentEntries(url.hash).find(([key]) => key === 'map');
  const view = mapEntry ? parseMapView(decodeURIComponent(mapEntry[1])) : undefined;
  const params = url.searchParams;
  const lang = params.get('lang')?.toLowerCase();
  const region = params.get('region')?.trim();
  const selection = parseSelection(params);
  const show = params.get('show');
  const near = parseNear(params);
  return {
    ...(view ? { view } : {}),
    ...(lang !== undefined && isLanguage(lang) ? { lang } : {}),
    areas: slugs(params.getAll('area')),
    areaMatch: params.get('area_match') === 'all' ? 'all' : 'any',
    networks: slugs(params.getAll('network')),
    countries: countries(params.getAll('country')),
    region: region !== undefined && REGION.test(region) ? region : null,
    ...(selection ? { selection } : {}),
    ...(show === 'list' || show === 'map' ? { mode: show } : {}),
    ...(near ? { near } : {}),
  };
}

/**
 * Writes the state into a copy of `base`, replacing the parts Haven owns (the parameters in
 * `OWN_PARAMETERS` and `#map`) and keeping everything else. Absent state removes its part;
 * the default mode (`map`) is not written.
 */
export function serializeUrlState(state: UrlState, base: string | URL): URL {
  const url = new URL(base);

  for (const key of OWN_PARAMETERS) url.searchParams.delete(key);
  const set = (key: string, values: readonly string[]): void => {
    if (values.length > 0) url.searchParams.set(key, values.join(','));
  };
  if (state.lang) url.searchParams.set('lang', state.lang);
  set('area', slugs(state.areas));
  if (state.areaMatch === 'all' && state.areas.length > 1) url.searchParams.set('area_match', 'all');
  set('network', slugs(state.networks));
  set('country', countries(state.countries));
  if (state.region !== null && REGION.test(state.region)) url.searchParams.set('region', state.region);
  if (state.selection) url.searchParams.set(state.selection.kind, state.selection.slug);
  if (state.mode === 'list') url.searchParams.set('show', 'list');
  if (state.near) {
    // About a metre: enough for a pin, short in a link.
    url.searchParams.set('near', `${state.near.lon.toFixed(5)},${state.near.lat.toFixed(5)}`);
    if (state.near.name !== null) url.searchParams.set('near_name', state.near.name);
    if (state.near.place !== null) url.searchParams.set('near_place', state.near.place);
  }
  // URLSearchParams escapes the comma; a literal comma is valid in a query and easier to read.
  url.search = url.searchParams.toString().replace(/%2C/gi, ',');

  const others = fragmentEntries(url.hash).filter(([key]) => key !== 'map');
  const entries = state.view ? [['map', formatMapView(state.view)], ...others] : others;
  url.hash = entries.map(([key, value]) => (value === '' ? key : `${key}=${value}`)).join('&');

  return url;
}
