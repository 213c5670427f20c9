import { describe, expect, it } from 'vitest';
import {
  type Filters,
  NO_FILTERS,
  filterParams,
  filterQuery,
  filteredTileTemplate,
  hasFilters,
  sameFilters,
  toggle,
} from './filters';

const filters = (f: Partial<Filters>): Filters => ({ ...NO_FILTERS, ...f });

describe('filter parameters', () => {
  it('names them as the contract does, sorted, with readable commas', () => {
    const f = filters({ areas: ['work', 'housing'], networks: ['iash'], countries: ['IT', 'DE'], region: 'DE-05' });
    expect(filterParams(f)).toEqual([
      ['policy_area', 'housing,work'],
      ['network', 'iash'],
      ['country', 'DE,IT'],
      ['region', 'DE-05'],
    ]);
    expect(filterQuery(f)).toBe('policy_area=housing,work&network=iash&country=DE,IT&region=DE-05');
  });

  it('asks for all of several areas with the same parameter as the API and the tiles', () => {
    expect(filterQuery(filters({ areas: ['work', 'housing'], areaMatch: 'all' }))).toBe('policy_area=housing,work&policy_area_match=all');
    // All of one area is any of it: one URL, one cached tile.
    expect(filterQuery(filters({ areas: ['work'], areaMatch: 'all' }))).toBe('policy_area=work');
    expect(filteredTileTemplate('http://h/t/{z}/{x}/{y}.mvt?policy_area_match=all', filters({ areas: ['work'] }))).toBe('http://h/t/{z}/{x}/{y}.mvt?policy_area=work');
    expect(sameFilters(filters({ areas: ['a', 'b'] }), filters({ areas: ['a', 'b'], areaMatch: 'all' }))).toBe(false);
  });

  it('is empty without filters', () => {
    expect(filterQuery(NO_FILTERS)).toBe('');
    expect(hasFilters(NO_FILTERS)).toBe(false);
    expect(hasFilters(filters({ region: 'x' }))).toBe(true);
  });

  it('compares regardless of order', () => {
    expect(sameFilters(filters({ areas: ['a', 'b'] }), filters({ areas: ['b', 'a'] }))).toBe(true);
    expect(sameFilters(filters({ areas: ['a'] }), filters({ areas: ['a'], region: 'r' }))).toBe(false);
  });

  it('toggles one value', () => {
    expect(toggle(['a', 'b'], 'c', true)).toEqual(['a', 'b', 'c']);
    expect(toggle(['a', 'b'], 'a', false)).toEqual(['b']);
    expect(toggle(['a'], 'a', true)).toEqual(['a']);
  });
});

describe('filteredTileTemplate', () => {
  const template = 'http://h/tiles/cities/{z}/{x}/{y}.mvt';

  it('appends the filters and keeps the placeholders', () => {
    expect(filteredTileTemplate(template, filters({ areas: ['health'] }))).toBe(`${template}?policy_area=health`);
  });

  it('replaces earlier filters and keeps other parameters', () => {
    const previous = `${template}?v=3&policy_area=work&country=DE`;
    expect(filteredTileTemplate(previous, filters({ countries: ['PL'] }))).toBe(`${template}?v=3&country=PL`);
    expect(filteredTileTemplate(previous, NO_FILTERS)).toBe(`${template}?v=3`);
    expect(filteredTileTemplate(template, NO_FILTERS)).toBe(template);
  });
});
