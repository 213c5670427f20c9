/**
 * The app's one state (language, filters, open city or practice, map view, map or list, the
 * page over the map, the point whose surroundings are listed), all of it in the URL: Back and
 * Forward restore exactly this.
 */

import type { Filters } from '../filters/filters';
import type { Language } from '../i18n';
import { type MapView, type Mode, type Near, type Selection, parseUrlState } from '../state/url';
import { type Page, parsePage } from '../views/page';

export interface AppState {
  readonly lang: Language;
  readonly filters: Filters;
  readonly selection: Selection | null;
  readonly mode: Mode;
  readonly view: MapView | null;
  /** The page over the map (a form, a dashboard), if one is open. */
  readonly page: Page | null;
  /** The point whose surroundings are listed, if any (under an open city or practice). */
  readonly near: Near | null;
}

/** How a state change is kept in the browser history. */
export type HistoryEntry = 'push' | 'replace' | 'none';

/** How the page follows a change: `fly` moves the map to what opens. */
export interface FollowOptions {
  readonly fly?: boolean;
}

export function samePage(a: Page | null, b: Page | null): boolean {
  return a === b || (a !== null && b !== null && a.name === b.name && JSON.stringify(a.params) === JSON.stringify(b.params));
}

export function sameSelection(a: Selection | null, b: Selection | null): boolean {
  return a?.kind === b?.kind && a?.slug === b?.slug;
}

export function sameNear(a: Near | null, b: Near | null): boolean {
  return a === b || (a !== null && b !== null && a.lon === b.lon && a.lat === b.lat && a.name === b.name && a.place === b.place);
}

/** The site root (`http://host/`), which the API, tiles and style hang under. */
export function siteRoot(): string {
  return new URL('./', document.baseURI).href;
}

/** The state the current URL describes (`lang` falls back to `fallbackLang`). */
export function stateFromUrl(fallbackLang: Language): AppState {
  const url = parseUrlState(window.location.href);
  return {
    lang: url.lang ?? fallbackLang,
    filters: { areas: url.areas, areaMatch: url.areaMatch, networks: url.networks, countries: url.countries, region: url.region },
    selection: url.selection ?? null,
    mode: url.mode ?? 'map',
    view: url.view ?? null,
    page: parsePage(window.location.href, siteRoot()),
    near: url.near ?? null,
  };
}
