/**
 * Run-time checks that turn the read API's JSON into the client's types, with the strict
 * readers of `read.ts`.
 */

import type {
  CityDetail,
  CitySummary,
  Demand,
  DemandEvidence,
  LocalisedText,
  Membership,
  Network,
  Page,
  Place,
  PolicyArea,
  PracticeDetail,
  PracticeRef,
  PracticeSummary,
  Region,
  SafeHarbour,
  SearchResult,
  Source,
} from './types';
import type { Schemas } from './wire';
import { type Fields, type Json, type Obj, ShapeError, array, isObject, list, number, object, optBoolean, optList, optNumber, optString, string, strings } from './read';

/** A field of `W` that has its language beside it (`title` and `title_lang`). */
type LocalisedKey<W> = { [K in keyof W & string]: `${K}_lang` extends keyof W ? K : never }[keyof W & string];

/** `{key}` with `{key}_lang` beside it, as the contract sends localised content. */
function localised<W>(o: Fields<W>, key: LocalisedKey<W>, path: string): LocalisedText | null {
  const text = optString(o, key, path);
  if (text === null || text === '') return null;
  return { text, lang: optString<unknown>(o, `${key}_lang`, path) ?? 'und' };
}

function requiredLocalised<W>(o: Fields<W>, key: LocalisedKey<W>, path: string): LocalisedText {
  const text = localised(o, key, path);
  if (!text) throw new ShapeError(`${path}.${key}`, 'a non-empty string');
  return text;
}

/** A Point feature's coordinates. */
function point(feature: Obj, path: string): { lon: number; lat: number } {
  const geometry = object(feature.geometry, `${path}.geometry`);
  if (geometry.type !== 'Point') throw new ShapeError(`${path}.geometry.type`, '"Point"');
  const coordinates = array(geometry.coordinates, `${path}.geometry.coordinates`);
  const [lon, lat] = coordinates;
  if (typeof lon !== 'number' || typeof lat !== 'number') {
    throw new ShapeError(`${path}.geometry.coordinates`, '[lon, lat]');
  }
  return { lon, lat };
}

/**
 * The region of a city: the contract gives the detail an object `{code, name, ...}`; a plain
 * string (a name or code) is accepted too and then serves as both.
 */
function region(o: Obj, path: string): Region | null {
  const value = o.region;
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value === '' ? null : { code: value, name: value };
  const r = object(value, `${path}.region`);
  const code = optString(r, 'code', `${path}.region`) ?? optString(r, 'id', `${path}.region`);
  const name = optString(r, 'name', `${path}.region`) ?? code;
  return code !== null && name !== null ? { code, name } : null;
}

function safeHarbour(o: Fields<Schemas['CityProperties']>, path: string): SafeHarbour | null {
  const value = o.safe_harbour;
  if (value === undefined || value === null || value === false) return null;
  if (value === true) return { status: 'declared', since: null };
  const s = object<Schemas['SafeHarbour']>(value, `${path}.safe_harbour`);
  return { status: optString(s, 'status', `${path}.safe_harbour`) ?? 'declared', since: optString(s, 'since', `${path}.safe_harbour`) };
}

function citySummary(value: Json, path: string): CitySummary {
  const feature = object<Schemas['FeatureDoc_CityProperties']>(value, path);
  const p = object<Schemas['CityProperties']>(feature.properties, `${path}.properties`);
  const at = `${path}.properties`;
  return {
    slug: string(p, 'slug', at),
    name: string(p, 'name', at),
    kind: optString(p, 'kind', at),
    country: string(p, 'country', at),
    countryName: optString(p, 'country_name', at) ?? string(p, 'country', at),
    region: region(p, at),
    population: optNumber(p, 'population', at),
    networks: strings(p, 'networks', at),
    safeHarbour: safeHarbour(p, at),
    allianceMember: optBoolean(p, 'alliance_member', at) ?? false,
    policyAreas: strings(p, 'policy_areas', at),
    practiceCount: optNumber(p, 'practice_count', at) ?? 0,
    ...point(feature, path),
    distanceKm: optNumber(p, 'distance_km', at),
  };
}

function membership(value: Json, path: string): Membership {
  const m = object<Schemas['MembershipDoc']>(value, path);
  const network = string(m, 'network', path);
  return {
    network,
    networkName: optString(m, 'network_name', path) ?? network,
    status: optString(m, 'status', path),
    role: optString(m, 'role', path),
    since: optString(m, 'since', path),
    until: optString(m, 'until', path),
    evidenceUrl: optString(m, 'evidence_url', path),
    verifiedOn: optString(m, 'verified_on', path),
    asOf: optString(m, 'as_of', path),
    needsChecking: optBoolean(m, 'needs_checking', path) ?? false,
  };
}

function demandEvidence(value: Json, path: string): DemandEvidence {
  const e = object<Schemas['DemandEvidenceDoc']>(value, path);
  return { status: string(e, 'status', path), asOf: optString(e, 'as_of', path), sourceUrl: string(e, 'source_url', path) };
}

function demand(value: Json, path: string): Demand {
  const d = object<Schemas['DemandDoc']>(value, path);
  return {
    key: string(d, 'key', path),
    label: optString(d, 'label', path) ?? string(d, 'key', path),
    position: optNumber(d, 'position', path) ?? 0,
    decided: optBoolean(d, 'decided', path),
    fulfilled: optBoolean(d, 'fulfilled', path),
    asOf: optString(d, 'as_of', path),
    evidenceUrl: optString(d, 'evidence_url', path),
    needsChecking: optBoolean(d, 'needs_checking', path) ?? false,
    evidence: optList(d, 'evidence', path, demandEvidence),
  };
}

function practiceRef(value: Json, path: string): PracticeRef {
  const r = object<Schemas['PracticeRef']>(value, path);
  return { slug: string(r, 'slug', path), title: requiredLocalised(r, 'title', path), policyAreas: strings(r, 'policy_areas', path) };
}

function practiceSummary(value: Json, path: string): PracticeSummary {
  const feature = object<Schemas['FeatureDoc_PracticeProperties']>(value, path);
  const at = `${path}.properties`;
  const p = object<Schemas['PracticeProperties']>(feature.properties, at);
  const city = object<Schemas['CityRef']>(p.city, `${at}.city`);
  return {
    slug: string(p, 'slug', at),
    title: requiredLocalised(p, 'title', at),
    summary: localised(p, 'summary', at),
    city: { slug: string(city, 'slug', `${at}.city`), name: string(city, 'name', `${at}.city`) },
    country: optString(p, 'country', at) ?? '',
    policyAreas: strings(p, 'policy_areas', at),
    status: optString(p, 'status', at),
    statusAsOf: optString(p, 'status_as_of', at),
    needsChecking: optBoolean(p, 'needs_checking', at) ?? false,
    singleSource: optBoolean(p, 'single_source', at) ?? false,
    started: optNumber(p, 'started', at),
    ended: optNumber(p, 'ended', at),
    organisation: optString(p, 'organisation', at),
    ...point(feature, path),
    distanceKm: optNumber(p, 'distance_km', at),
  };
}

function source(value: Json, path: string): Source {
  const s = object<Schemas['SourceDoc']>(value, path);
  return { url: string(s, 'url', path), title: optString(s, 'title', path), accessedOn: optString(s, 'accessed_on', path) };
}

function page<T>(value: Json, item: (v: Json, p: string) => T): Page<T> {
  const collection = object<Schemas['FeatureCollectionDoc_CityProperties'] | Schemas['FeatureCollectionDoc_PracticeProperties']>(value, '$');
  if (collection.type !== 'FeatureCollection') throw new ShapeError('$.type', '"FeatureCollection"');
  const links = optList(collection, 'links', '$', (v, p) => object<Schemas['Link']>(v, p));
  const next = links.find((l) => l.rel === 'next');
  return {
    items: list(collection.features, '$.features', item),
    numberMatched: optNumber(collection, 'numberMatched', '$'),
    next: next ? string(next, 'href', '$.links[next]') : null,
  };
}

export function parsePolicyAreas(value: Json): readonly PolicyArea[] {
  return list(value, '$', (v, path) => {
    const a = object<Schemas['PolicyAreaDoc']>(v, path);
    return {
      slug: string(a, 'slug', path),
      label: string(a, 'label', path),
      description: optString(a, 'description', path) ?? '',
      position: optNumber(a, 'position', path) ?? 0,
      practiceCount: optNumber(a, 'practice_count', path) ?? 0,
    };
  });
}

export function parseNetworks(value: Json): readonly Network[] {
  return list(value, '$', (v, path) => {
    const n = object<Schemas['NetworkDoc']>(v, path);
    return {
      slug: string(n, 'slug', path),
      name: string(n, 'name', path),
      kind: optString(n, 'kind', path),
      scope: optString(n, 'scope', path),
      founded: optString(n, 'founded', path),
      website: optString(n, 'website', path),
      memberCount: optNumber(n, 'member_count', path) ?? 0,
      isSafeHarbourCampaign: optBoolean(n, 'is_safe_harbour_campaign', path) ?? false,
    };
  });
}

export function parseCityPage(value: Json): Page<CitySummary> {
  return page(value, citySummary);
}

export function parsePracticePage(value: Json): Page<PracticeSummary> {
  return page(value, practiceSummary);
}

export function parseCity(value: Json): CityDetail {
  const summary = citySummary(value, '$');
  const p = object<Schemas['CityDetailProperties']>(object<Schemas['FeatureDoc_CityDetailProperties']>(value, '$').properties, '$.properties');
  const at = '$.properties';
  const profile = optString(p, 'profile', at);
  return {
    ...summary,
    profile: profile === '' ? null : profile,
    summary: localised(p, 'summary', at),
    summarySources: strings(p, 'summary_sources', at),
    officialName: optString(p, 'official_name', at),
    district: isObject(p.district) ? optString(p.district, 'name', `${at}.district`) : optString(p, 'district', at),
    website: optString(p, 'website', at),
    wikidata: optString(p, 'wikidata', at),
    placeId: optNumber(p, 'place_id', at),
    memberships: optList(p, 'memberships', at, membership),
    demands: [...optList(p, 'demands', at, demand)].sort((a, b) => a.position - b.position),
    practices: optList(p, 'practices', at, practiceRef),
    updatedAt: optString(p, 'updated_at', at),
  };
}

export function parsePractice(value: Json): PracticeDetail {
  const summary = practiceSummary(value, '$');
  const at = '$.properties';
  const p = object<Schemas['PracticeDetailProperties']>(object<Schemas['FeatureDoc_PracticeDetailProperties']>(value, '$').properties, at);
  return {
    ...summary,
    originalLang: optString(p, 'original_lang', at),
    titleOriginal: optString(p, 'title_original', at),
    body: localised(p, 'body', at),
    transferability: optString(p, 'transferability', at),
    contact: optString(p, 'contact', at),
    sources: optList(p, 'sources', at, source),
    confidence: optString(p, 'confidence', at),
    updatedAt: optString(p, 'updated_at', at),
  };
}

function place(v: Json, path: string): Place {
    const p = object<Schemas['PlaceDoc']>(v, path);
    return {
      id: optString(p, 'id', path) ?? `${string(p, 'name', path)}@${number(p, 'lon', path)},${number(p, 'lat', path)}`,
      name: string(p, 'name', path),
      country: optString(p, 'country', path) ?? '',
      region: optString(p, 'region', path),
      district: optString(p, 'district', path),
      population: optNumber(p, 'population', path),
      lon: number(p, 'lon', path),
      lat: number(p, 'lat', path),
      citySlug: optString(p, 'city_slug', path),
    };
}

export function parsePlaces(value: Json): readonly Place[] {
  return list(value, '$', place);
}

export function parseSearch(value: Json): SearchResult {
  const o = object<Schemas['SearchDoc']>(value, '$');
  const cityRef = (c: Fields<Schemas['CityRef']>, path: string): { slug: string; name: string } => ({ slug: string(c, 'slug', path), name: string(c, 'name', path) });
  return {
    q: optString(o, 'q', '$') ?? '',
    places: optList(o, 'places', '$', place),
    cities: optList(o, 'cities', '$', (v, path) => {
      const c = object<Schemas['CityHit']>(v, path);
      return { ...cityRef(c, path), country: optString(c, 'country', path) ?? '' };
    }),
    citiesMatched: optNumber(o, 'cities_matched', '$') ?? 0,
    practices: optList(o, 'practices', '$', (v, path) => {
      const p = object<Schemas['PracticeHit']>(v, path);
      return { slug: string(p, 'slug', path), title: requiredLocalised(p, 'title', path), city: cityRef(object<Schemas['CityRef']>(p.city, `${path}.city`), `${path}.city`) };
    }),
    practicesMatched: optNumber(o, 'practices_matched', '$') ?? 0,
    policyAreas: optList(o, 'policy_areas', '$', (v, path) => {
      const a = object<Schemas['PolicyAreaHit']>(v, path);
      return { slug: string(a, 'slug', path), label: string(a, 'label', path), practiceCount: optNumber(a, 'practice_count', path) ?? 0 };
    }),
    suggestions: strings(o, 'suggestions', '$'),
  };
}

