/**
 * A typed client of Haven's read API (CONTRACT.md). It knows the URLs, the paging (`next`
 * links) and the error format; callers get parsed values or an `ApiError` that says what
 * went wrong in terms the interface can show (status, the problem's title, the field).
 */

import type { Filters } from '../filters/filters';
import { filterParams } from '../filters/filters';
import type { Language } from '../i18n';
import {
  ShapeError,
  parseCity,
  parseCityPage,
  parseNetworks,
  parsePlaces,
  parsePolicyAreas,
  parsePractice,
  parsePracticePage,
  parseProblem,
  parseSearch,
} from './parse';
import type {
  CityDetail,
  CitySummary,
  Network,
  Page,
  Place,
  PolicyArea,
  PracticeDetail,
  PracticeSummary,
  Results,
  SearchResult,
} from './types';

/** Why a request failed: `status` 0 means the server was not reached or answered nonsense. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly url: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get notFound(): boolean {
    return this.status === 404;
  }
}

/** Whether an error is the caller's own cancellation (a newer request replaced it). */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** How long public reads may come from the browser's cache (the server says max-age 60). */
const CACHE_WINDOW_MS = 130_000;
const WROTE_KEY = 'haven.wrote';

/**
 * Notes that this browser just changed published data, so that its next reads revalidate
 * instead of showing cached answers from before the change (in this tab and after a reload).
 */
export function markWritten(): void {
  try {
    sessionStorage.setItem(WROTE_KEY, String(Date.now()));
  } catch {
    // No storage (private mode, tests): reads may be up to a minute old.
  }
}

function cacheMode(): RequestCache {
  try {
    const wrote = Number(sessionStorage.getItem(WROTE_KEY) ?? '0');
    return Date.now() - wrote < CACHE_WINDOW_MS ? 'no-cache' : 'default';
  } catch {
    return 'default';
  }
}

/** Large enough for every city in one or two pages; the contract's maximum. */
const PAGE_SIZE = 1000;
/** A safety stop against a server whose `next` links never end. */
const MAX_PAGES = 50;

/** Half the earth's circumference: `near` without a radius limit, the nearest first. */
const ANYWHERE_KM = '20000';

function nearParams(point: { lon: number; lat: number }, filters: Filters, lang: Language, limit: number): [string, string][] {
  return [...filterParams(filters), ['near', `${point.lon.toFixed(5)},${point.lat.toFixed(5)}`], ['radius_km', ANYWHERE_KM], ['lang', lang], ['limit', String(limit)]];
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export class HavenApi {
  private readonly base: URL;

  /** `base` is the API root, e.g. `https://haven.example/api/v1/`. */
  constructor(
    base: string | URL,
    private readonly fetcher: Fetch = (input, init) => fetch(input, init),
  ) {
    this.base = new URL(base);
    if (!this.base.pathname.endsWith('/')) this.base.pathname += '/';
  }

  /** The absolute URL of an API path with its query. */
  url(path: string, params: readonly (readonly [string, string])[] = []): string {
    const url = new URL(path, this.base);
    for (const [key, value] of params) url.searchParams.set(key, value);
    url.search = url.searchParams.toString().replace(/%2C/gi, ',');
    return url.href;
  }

  private async get(url: string, signal?: AbortSignal): Promise<unknown> {
    let response: Response;
    try {
      const cache = cacheMode();
      response = await this.fetcher(url, { headers: { accept: 'application/json, application/geo+json' }, ...(cache === 'default' ? {} : { cache }), ...(signal ? { signal } : {}) });
    } catch (error) {
      if (isAbort(error)) throw error;
      throw new ApiError(error instanceof Error ? error.message : 'network error', 0, url);
    }
    if (!response.ok) {
      const problem = parseProblem(await response.json().catch(() => null));
      const message = problem.detail ?? problem.title ?? `HTTP ${response.status}`;
      throw new ApiError(message, response.status, url, problem.field);
    }
    try {
      return await response.json();
    } catch {
      throw new ApiError('the answer is not JSON', 0, url);
    }
  }

  private async parsed<T>(url: string, parse: (json: unknown) => T, signal?: AbortSignal): Promise<T> {
    const json = await this.get(url, signal);
    try {
      return parse(json);
    } catch (error) {
      if (error instanceof ShapeError) throw new ApiError(error.message, 0, url);
      throw error;
    }
  }

  /** Every page of a collection, following `next` links. */
  private async all<T>(first: string, parse: (json: unknown) => Page<T>, signal?: AbortSignal): Promise<Results<T>> {
    const items: T[] = [];
    let url: string | null = first;
    let matched: number | null = null;
    for (let pages = 0; url !== null && pages < MAX_PAGES; pages += 1) {
      const page: Page<T> = await this.parsed(url, parse, signal);
      items.push(...page.items);
      matched ??= page.numberMatched;
      url = page.next === null ? null : new URL(page.next, url).href;
    }
    return { items, numberMatched: matched ?? items.length };
  }

  policyAreas(lang: Language, signal?: AbortSignal): Promise<readonly PolicyArea[]> {
    return this.parsed(this.url('policy-areas', [['lang', lang]]), parsePolicyAreas, signal);
  }

  networks(lang: Language, signal?: AbortSignal): Promise<readonly Network[]> {
    return this.parsed(this.url('networks', [['lang', lang]]), parseNetworks, signal);
  }

  cities(filters: Filters, lang: Language, signal?: AbortSignal): Promise<Results<CitySummary>> {
    const params: [string, string][] = [...filterParams(filters), ['lang', lang], ['limit', String(PAGE_SIZE)]];
    return this.all(this.url('cities', params), parseCityPage, signal);
  }

  practices(filters: Filters, lang: Language, signal?: AbortSignal): Promise<Results<PracticeSummary>> {
    const params: [string, string][] = [...filterParams(filters), ['lang', lang], ['limit', String(PAGE_SIZE)]];
    return this.all(this.url('practices', params), parsePracticePage, signal);
  }

  /** The `limit` nearest cities to a point matching `filters`, nearest first, with `distanceKm`. */
  nearestCities(point: { lon: number; lat: number }, filters: Filters, lang: Language, limit: number, signal?: AbortSignal): Promise<readonly CitySummary[]> {
    return this.parsed(this.url('cities', nearParams(point, filters, lang, limit)), parseCityPage, signal).then((page) => page.items);
  }

  /** The `limit` nearest practices to a point matching `filters`, nearest first, with `distanceKm`. */
  nearestPractices(point: { lon: number; lat: number }, filters: Filters, lang: Language, limit: number, signal?: AbortSignal): Promise<readonly PracticeSummary[]> {
    return this.parsed(this.url('practices', nearParams(point, filters, lang, limit)), parsePracticePage, signal).then((page) => page.items);
  }

  city(slug: string, lang: Language, signal?: AbortSignal): Promise<CityDetail> {
    return this.parsed(this.url(`cities/${encodeURIComponent(slug)}`, [['lang', lang]]), parseCity, signal);
  }

  practice(slug: string, lang: Language, signal?: AbortSignal): Promise<PracticeDetail> {
    return this.parsed(this.url(`practices/${encodeURIComponent(slug)}`, [['lang', lang]]), parsePractice, signal);
  }

  /** Places, cities, practices and policy areas for the search box, grouped. */
  search(query: string, lang: Language, limit = 5, signal?: AbortSignal): Promise<SearchResult> {
    return this.parsed(this.url('search', [['q', query], ['lang', lang], ['limit', String(limit)]]), parseSearch, signal);
  }

  places(query: string, limit = 8, signal?: AbortSignal): Promise<readonly Place[]> {
    return this.parsed(this.url('places', [['q', query], ['limit', String(limit)]]), parsePlaces, signal);
  }
}
