import { describe, expect, it } from 'vitest';
import { formatMapView, parseMapView, parseUrlState, serializeUrlState } from './url';

const BASE = 'https://haven.example/';
const NONE = { areas: [], areaMatch: 'any', networks: [], countries: [], region: null } as const;

describe('parseUrlState', () => {
  it('reads view, language and areas', () => {
    expect(parseUrlState(`${BASE}?lang=de&area=housing,health#map=6.5/51.1657/10.4515`)).toEqual({
      view: { zoom: 6.5, lat: 51.1657, lon: 10.4515 },
      lang: 'de',
      ...NONE,
      areas: ['housing', 'health'],
    });
  });

  it('returns empty state for a bare URL', () => {
    expect(parseUrlState(BASE)).toEqual(NONE);
  });

  it('accepts repeated area parameters, dedupes and lowercases', () => {
    expect(parseUrlState(`${BASE}?area=work&area=Housing,work,,&area=social-rights`).areas).toEqual([
      'work',
      'housing',
      'social-rights',
    ]);
  });

  it('drops malformed area slugs', () => {
    expect(parseUrlState(`${BASE}?area=ok,not%20ok,-bad,also_bad,fine-2`).areas).toEqual(['ok', 'fine-2']);
  });

  it('ignores unsupported languages', () => {
    expect(parseUrlState(`${BASE}?lang=it`).lang).toBeUndefined();
    expect(parseUrlState(`${BASE}?lang=FR`).lang).toBe('fr');
  });

  it('finds the map entry among other fragment entries', () => {
    expect(parseUrlState(`${BASE}#layers=c&map=3/-33.9/18.4`).view).toEqual({ zoom: 3, lat: -33.9, lon: 18.4 });
  });

  it('accepts an encoded slash', () => {
    expect(parseUrlState(`${BASE}#map=3%2F10%2F20`).view).toEqual({ zoom: 3, lat: 10, lon: 20 });
  });
});

describe('parseMapView', () => {
  it.each([
    ['', 'empty'],
    ['5/50', 'too few parts'],
    ['5/50/10/1', 'too many parts'],
    ['x/50/10', 'not a number'],
    ['5/50/1e3', 'exponent'],
    ['5/NaN/10', 'NaN'],
    ['5/Infinity/10', 'Infinity'],
    ['-1/50/10', 'zoom below 0'],
    ['25/50/10', 'zoom above 24'],
    ['5/90.5/10', 'latitude above 90'],
    ['5/-91/10', 'latitude below -90'],
  ])('rejects %j (%s)', (value) => {
    expect(parseMapView(value)).toBeUndefined();
  });

  it('wraps longitude into [-180, 180)', () => {
    expect(parseMapView('2/0/190')?.lon).toBe(-170);
    expect(parseMapView('2/0/-540')?.lon).toBe(-180);
    expect(parseMapView('2/0/180')?.lon).toBe(-180);
  });
});

describe('formatMapView', () => {
  it('uses fewer decimals at low zoom', () => {
    expect(formatMapView({ zoom: 2, lat: 51.123456, lon: 10.987654 })).toBe('2/51.1/11');
    expect(formatMapView({ zoom: 16, lat: 51.123456, lon: 10.987654 })).toBe('16/51.1235/10.9877');
  });

  it('rounds zoom to two decimals and trims zeros', () => {
    expect(formatMapView({ zoom: 5.256, lat: 50, lon: 8.5 })).toBe('5.26/50/8.5');
  });

  it('never prints negative zero', () => {
    expect(formatMapView({ zoom: 1, lat: -0.0001, lon: -0.0001 })).toBe('1/0/0');
  });
});

describe('serializeUrlState', () => {
  it('writes view, language and areas', () => {
    const url = serializeUrlState(
      { view: { zoom: 6.5, lat: 51.1657, lon: 10.4517 }, lang: 'es', ...NONE, areas: ['housing', 'health'] },
      BASE,
    );
    expect(url.href).toBe(`${BASE}?lang=es&area=housing,health#map=6.5/51.166/10.452`);
  });

  it('keeps foreign parameters and fragment entries, replaces its own', () => {
    const url = serializeUrlState(
      { view: { zoom: 3, lat: 1, lon: 2 }, ...NONE },
      `${BASE}?utm=x&lang=de&area=work#map=9/9/9&layers=c`,
    );
    expect(url.href).toBe(`${BASE}?utm=x#map=3/1/2&layers=c`);
  });

  it('removes the fragment when there is nothing to keep', () => {
    expect(serializeUrlState(NONE, `${BASE}#map=1/2/3`).href).toBe(BASE);
  });

  it('round-trips', () => {
    const state = { view: { zoom: 12, lat: 53.5511, lon: 9.9937 }, lang: 'fr', ...NONE, areas: ['sea-rescue-safe-passage'] } as const;
    expect(parseUrlState(serializeUrlState(state, BASE))).toEqual(state);
  });

  it('round-trips every part of the view', () => {
    const state = {
      view: { zoom: 7, lat: 51, lon: 7 },
      lang: 'de',
      areas: ['housing', 'work'],
      areaMatch: 'all',
      networks: ['iash'],
      countries: ['DE', 'IT'],
      region: 'DE-05',
      selection: { kind: 'practice', slug: 'gdansk-immigrants-council' },
      mode: 'list',
    } as const;
    const url = serializeUrlState(state, BASE);
    expect(url.href).toBe(
      `${BASE}?lang=de&area=housing,work&area_match=all&network=iash&country=DE,IT&region=DE-05&practice=gdansk-immigrants-council&show=list#map=7/51/7`,
    );
    expect(parseUrlState(url)).toEqual(state);
  });

  it('round-trips what is near a point, and drops a malformed one', () => {
    const state = { ...NONE, near: { lon: 6.42196, lat: 51.38215, name: 'Kempen', place: '2891643' } } as const;
    const url = serializeUrlState(state, BASE);
    expect(url.href).toBe(`${BASE}?near=6.42196,51.38215&near_name=Kempen&near_place=2891643`);
    expect(parseUrlState(url)).toEqual(state);
    expect(parseUrlState(`${BASE}?near=6.4,95`).near).toBeUndefined();
    expect(parseUrlState(`${BASE}?near=6.4`).near).toBeUndefined();
    expect(parseUrlState(`${BASE}?near=6.4,51&near_place=x`).near).toEqual({ lon: 6.4, lat: 51, name: null, place: null });
  });

  it('does not write the default mode', () => {
    expect(serializeUrlState({ ...NONE, mode: 'map' }, BASE).href).toBe(BASE);
  });
});

describe('filters and selection in the URL', () => {
  it('normalises countries to upper case and drops malformed ones', () => {
    expect(parseUrlState(`${BASE}?country=de,ITA,pl,1x`).countries).toEqual(['DE', 'PL']);
  });

  it('reads networks like areas', () => {
    expect(parseUrlState(`${BASE}?network=iash,Bad%20Slug,eurocities&network=iash`).networks).toEqual(['iash', 'eurocities']);
  });

  it('accepts plain region codes and rejects odd ones', () => {
    expect(parseUrlState(`${BASE}?region=DE-05`).region).toBe('DE-05');
    expect(parseUrlState(`${BASE}?region=05315`).region).toBe('05315');
    expect(parseUrlState(`${BASE}?region=%3Cscript%3E`).region).toBeNull();
  });

  it('reads one selection, a city before a practice', () => {
    expect(parseUrlState(`${BASE}?city=koeln`).selection).toEqual({ kind: 'city', slug: 'koeln' });
    expect(parseUrlState(`${BASE}?practice=palermo-charter&city=palermo`).selection).toEqual({ kind: 'city', slug: 'palermo' });
    expect(parseUrlState(`${BASE}?city=K%C3%B6ln`).selection).toBeUndefined();
  });

  it('reads the mode', () => {
    expect(parseUrlState(`${BASE}?show=list`).mode).toBe('list');
    expect(parseUrlState(`${BASE}?show=table`).mode).toBeUndefined();
  });
});
