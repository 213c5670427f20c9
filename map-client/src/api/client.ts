/**
 * A typed client of Haven's read API (CONTRACT.md). It knows the URLs and the paging (`next`
 * links); callers get parsed values or an `ApiError` (`http.ts`).
 */

import type { Filters } from '../filters/filters';
import { filterParams } from '../filters/filters';
import type { Language } from '../i18n';
import type { Http, Reader } from './http';
import {
  parseCity,
  parseCityPage,
  parseNetworks,
  parsePlaces,
  parsePolicyAreas,
  parsePractice,
  parsePracticePage,
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

/** Large enough for every city in one or two pages; the contract's maximum. */
const PAGE_SIZE = 1000;
/** A safety stop against a server whose `next` links never end. */
const MAX_PAGES = 50;

/** Half the earth's circumference: `near` without a radius limit, the nearest first. */
const ANYWHERE_KM = '20000';

function nearParams(point: { lon: number; lat: number }, filters: Filters, lang: Language, limit: number): [string, string][] {
  return [...filterParams(filters), ['near', `${point.lon.toFixed(5)},${point.lat.toFixed(5)}`], ['radius_km', ANYWHERE_KM], ['lang', lang], ['limit', String(limit)]];
}

export class HavenApi {
  constructor(private readonly http: Http) {}

  /** The absolute URL of an API path with its query. */
  url(path: string, params: readonly (readonly [string, string])[] = []): string {
    return this.http.url(path, params);
  }

  private parsed<T>(url: string, parse: Reader<T>, signal?: AbortSignal): Promise<T> {
    return this.http.get(url, parse, signal);
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
