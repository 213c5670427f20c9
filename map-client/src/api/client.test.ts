import { describe, expect, it } from 'vitest';
import { NO_FILTERS } from '../filters/filters';
import { HavenApi } from './client';
import cityPage from './fixtures/cities.page1.json';
import koeln from './fixtures/city.koeln.json';
import networks from './fixtures/networks.json';
import places from './fixtures/places.koln.json';
import areas from './fixtures/policy-areas.de.json';
import gdansk from './fixtures/practice.gdansk.json';
import practicePage from './fixtures/practices.page.json';
import { ApiError, Http } from './http';
import { parseCity, parseCityPage, parseNetworks, parsePlaces, parsePolicyAreas, parsePractice, parsePracticePage } from './parse';
import { ShapeError } from './read';
import { cityCategory } from './types';

// The fixtures are recorded answers shaped exactly like CONTRACT.md.

describe('parsing recorded answers', () => {
  it('reads policy areas', () => {
    const parsed = parsePolicyAreas(areas);
    expect(parsed).toHaveLength(12);
    expect(parsed[0]).toMatchObject({ slug: 'reception', label: 'Aufnahme', position: 1 });
  });

  it('reads networks', () => {
    const parsed = parseNetworks(networks);
    const campaign = parsed.find((n) => n.isSafeHarbourCampaign);
    expect(campaign?.slug).toBe('seebruecke-safe-harbour');
    expect(parsed.every((n) => n.memberCount >= 0)).toBe(true);
  });

  it('reads a page of cities with its next link', () => {
    const page = parseCityPage(cityPage);
    expect(page.items).toHaveLength(2);
    expect(page.numberMatched).toBeGreaterThan(2);
    expect(page.next).toMatch(/offset=2/);
    const first = page.items[0];
    expect(first?.lon).toBeTypeOf('number');
    expect(first?.policyAreas).toContain('housing');
  });

  it('reads a city with memberships, all eight demands in order, and practices', () => {
    const city = parseCity(koeln);
    expect(city.name).toBe('Köln');
    expect(city.region).toEqual({ code: 'DE-05', name: 'Nordrhein-Westfalen' });
    expect(city.memberships[0]).toMatchObject({ network: 'seebruecke-safe-harbour', since: '2019-02-14' });
    expect(city.demands).toHaveLength(8);
    expect(city.demands.map((d) => d.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(city.demands[0]).toMatchObject({ decided: true, fulfilled: true });
    expect(city.demands[7]).toMatchObject({ decided: null, fulfilled: null, asOf: null });
    expect(city.practices[0]?.title.lang).toBe('en');
    expect(cityCategory(city)).toBe('safe_harbour');
  });

  it('reads the freshness of a city: profile, as-of dates, needs checking and demand evidence', () => {
    const city = parseCity(koeln);
    expect(city.profile).toContain('Safe Harbour');
    expect(city.summary).toBeNull();
    expect(city.summarySources).toEqual([]);
    expect(city.memberships[0]).toMatchObject({ asOf: '2019-02-14', needsChecking: true });
    expect(city.demands[0]?.needsChecking).toBe(true);
    expect(city.demands[0]?.evidence[0]).toMatchObject({ status: 'fulfilled', asOf: '2019-02-14' });
    expect(city.demands[7]).toMatchObject({ needsChecking: false, evidence: [] });
    expect(() => parseCity({ ...koeln, properties: { ...koeln.properties, demands: [{ key: 'k', evidence: [{ status: 'decided' }] }] } })).toThrow('$.properties.demands[0].evidence[0].source_url');
    const practice = parsePractice(gdansk);
    expect(practice).toMatchObject({ statusAsOf: '2019-05', needsChecking: true, singleSource: true });
  });

  it('reads practices with their content languages', () => {
    const page = parsePracticePage(practicePage);
    expect(page.items.length).toBeGreaterThan(0);
    const practice = parsePractice(gdansk);
    expect(practice.city).toEqual({ slug: 'gdansk', name: 'Gdańsk' });
    expect(practice.originalLang).toBe('pl');
    expect(practice.title.lang).toBe('en');
    expect(practice.sources[0]?.accessedOn).toBe('2026-11-01');
    expect(practice.policyAreas).toEqual(['political-participation']);
  });

  it('reads places, with or without a city', () => {
    const parsed = parsePlaces(places);
    expect(parsed[0]).toMatchObject({ name: 'Köln', citySlug: 'koeln', country: 'DE' });
    expect(parsed.some((p) => p.citySlug === null)).toBe(true);
  });
});

describe('shape errors', () => {
  it('names the path of a missing field', () => {
    const broken = structuredClone(koeln) as { properties: Record<string, unknown> };
    delete broken.properties.slug;
    expect(() => parseCity(broken)).toThrow(new ShapeError('$.properties.slug', 'a string'));
  });

  it('rejects a non-point geometry', () => {
    const broken = structuredClone(koeln) as { geometry: unknown };
    broken.geometry = { type: 'Polygon', coordinates: [] };
    expect(() => parseCity(broken)).toThrow(/geometry.type/);
  });

  it('accepts a region given as a plain string and a safe_harbour given as a boolean', () => {
    const variant = structuredClone(koeln) as { properties: Record<string, unknown> };
    variant.properties.region = 'Nordrhein-Westfalen';
    variant.properties.safe_harbour = true;
    const city = parseCity(variant);
    expect(city.region).toEqual({ code: 'Nordrhein-Westfalen', name: 'Nordrhein-Westfalen' });
    expect(city.safeHarbour).toEqual({ status: 'declared', since: null });
  });
});

/** A fake fetch that answers from a table of URL → [status, body]. */
function fakeFetch(answers: Record<string, [number, unknown]>) {
  const requested: string[] = [];
  const fetcher = (input: string): Promise<Response> => {
    requested.push(input);
    const answer = answers[input];
    if (!answer) return Promise.reject(new TypeError('Failed to fetch'));
    const [status, body] = answer;
    return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
  };
  return { fetcher, requested };
}

describe('HavenApi', () => {
  const base = 'http://haven.test/api/v1/';

  it('builds contract URLs with filters and language', () => {
    const api = new HavenApi(new Http(base));
    expect(api.url('cities', [['policy_area', 'housing,work'], ['lang', 'de']])).toBe('http://haven.test/api/v1/cities?policy_area=housing,work&lang=de');
    expect(api.url('places', [['q', 'Köln']])).toBe('http://haven.test/api/v1/places?q=K%C3%B6ln');
  });

  it('follows next links to collect every page', async () => {
    const page1 = structuredClone(cityPage) as { links: { rel: string; href: string }[] };
    const page2 = structuredClone(cityPage) as { links: { rel: string; href: string }[]; features: unknown[] };
    page1.links = [{ rel: 'next', href: '/api/v1/cities?cursor=abc' }];
    page2.links = [];
    page2.features = page2.features.slice(0, 1);
    const { fetcher, requested } = fakeFetch({
      'http://haven.test/api/v1/cities?lang=en&limit=1000': [200, page1],
      'http://haven.test/api/v1/cities?cursor=abc': [200, page2],
    });
    const result = await new HavenApi(new Http(base, fetcher)).cities(NO_FILTERS, 'en');
    expect(result.items).toHaveLength(3);
    expect(result.numberMatched).toBe((cityPage as { numberMatched: number }).numberMatched);
    expect(requested).toHaveLength(2);
  });

  it('turns a problem document into an ApiError with status and field', async () => {
    const { fetcher } = fakeFetch({
      'http://haven.test/api/v1/places?q=x&limit=8': [400, { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'q is too short', field: 'q' }],
    });
    const error = await new HavenApi(new Http(base, fetcher)).places('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, field: 'q', message: 'q is too short' });
  });

  it('reports an unreachable server as status 0', async () => {
    const { fetcher } = fakeFetch({});
    await expect(new HavenApi(new Http(base, fetcher)).policyAreas('en')).rejects.toMatchObject({ status: 0 });
  });

  it('reports an answer of the wrong shape', async () => {
    const { fetcher } = fakeFetch({ 'http://haven.test/api/v1/cities/koeln?lang=en': [200, { type: 'Feature' }] });
    await expect(new HavenApi(new Http(base, fetcher)).city('koeln', 'en')).rejects.toMatchObject({ status: 0, message: /unexpected API response/ });
  });
});
