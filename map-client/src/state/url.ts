/**
 * The shareable part of the app's state, kept in the page URL so every view is a permalink.
 *
 * - the map view lives in the fragment as `#map=zoom/lat/lon` (the OpenStreetMap
 *   convention), so panning never reloads the page nor reaches the server;
 * - choices that change what is shown live in the query: `?lang=de&area=housing,health`.
 *
 * Parsing is lenient: a malformed or out-of-range part is dropped, never an error, because
 * URLs are typed, truncated and shared by people. Serialising keeps every query parameter
 * and fragment entry it does not own.
 */

import { type Language, isLanguage } from '../i18n';

/** A camera position: zoom level and centre in WGS 84 degrees. */
export interface MapView {
  readonly zoom: number;
  readonly lat: number;
  readonly lon: number;
}

/** The state encoded in a URL. */
export interface UrlState {
  readonly view?: MapView;
  readonly lang?: Language;
  /** Selected policy-area slugs, in the order given, without duplicates. */
  readonly areas: readonly string[];
}

export const MIN_ZOOM = 0;
export const MAX_ZOOM = 24;

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

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

function parseAreas(values: readonly string[]): string[] {
  const areas: string[] = [];
  for (const value of values) {
    for (const raw of value.split(',')) {
      const slug = raw.trim().toLowerCase();
      if (SLUG.test(slug) && !areas.includes(slug)) areas.push(slug);
    }
  }
  return areas;
}

/** Reads the state from a URL (absolute string or `URL`). */
export function parseUrlState(input: string | URL): UrlState {
  const url = new URL(input);
  const mapEntry = fragmentEntries(url.hash).find(([key]) => key === 'map');
  const view = mapEntry ? parseMapView(decodeURIComponent(mapEntry[1])) : undefined;
  const lang = url.searchParams.get('lang')?.toLowerCase();
  return {
    ...(view ? { view } : {}),
    ...(lang !== undefined && isLanguage(lang) ? { lang } : {}),
    areas: parseAreas(url.searchParams.getAll('area')),
  };
}

/**
 * Writes the state into a copy of `base`, replacing the parts Haven owns (`lang`, `area`,
 * `#map`) and keeping everything else. Absent state removes its part.
 */
export function serializeUrlState(state: UrlState, base: string | URL): URL {
  const url = new URL(base);

  url.searchParams.delete('lang');
  url.searchParams.delete('area');
  if (state.lang) url.searchParams.set('lang', state.lang);
  const areas = parseAreas(state.areas);
  if (areas.length > 0) url.searchParams.set('area', areas.join(','));
  // URLSearchParams escapes the comma; a literal comma is valid in a query and easier to read.
  url.search = url.searchParams.toString().replace(/%2C/gi, ',');

  const others = fragmentEntries(url.hash).filter(([key]) => key !== 'map');
  const entries = state.view ? [['map', formatMapView(state.view)], ...others] : others;
  url.hash = entries.map(([key, value]) => (value === '' ? key : `${key}=${value}`)).join('&');

  return url;
}
