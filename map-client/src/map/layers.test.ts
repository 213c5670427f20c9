import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import type { StyleSpecification } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import { CITIES, LAYER, PRACTICES, withHavenLayers } from './layers';
import { havenStyle } from './style';

const ROOT = 'http://haven.test/';

describe('withHavenLayers', () => {
  it('gives the fallback style valid data layers on the contract tile URLs', () => {
    const { style, templates } = withHavenLayers(havenStyle(), ROOT);
    expect(validateStyleMin(style)).toEqual([]);
    expect(templates).toEqual({
      cities: 'http://haven.test/tiles/cities/{z}/{x}/{y}.mvt',
      practices: 'http://haven.test/tiles/practices/{z}/{x}/{y}.mvt',
    });
    const ids = style.layers.map((l) => l.id);
    expect(ids).toContain(LAYER.cities);
    expect(ids).toContain(LAYER.practices);
    // Without glyphs there are no text layers (they would fail to load fonts).
    expect(ids).not.toContain(LAYER.cityClusterCounts);
  });

  it("replaces a server style's own layers on the data sources and keeps its tile URLs", () => {
    const server: StyleSpecification = {
      version: 8,
      glyphs: '/fonts/{fontstack}/{range}.pbf',
      sources: {
        basemap: { type: 'vector', tiles: ['/tiles/basemap/{z}/{x}/{y}.mvt'] },
        [CITIES]: { type: 'vector', tiles: ['/tiles/cities/{z}/{x}/{y}.mvt?v=3'] },
        [PRACTICES]: { type: 'vector', url: '/tiles/practices.json' },
      },
      layers: [
        { id: 'land', type: 'fill', source: 'basemap', 'source-layer': 'land' },
        { id: 'labels', type: 'symbol', source: 'basemap', 'source-layer': 'place_labels', layout: { 'text-field': ['get', 'name'], 'text-font': ['Noto Sans Bold'] } },
        { id: 'server-cities', type: 'circle', source: CITIES, 'source-layer': 'cities' },
      ],
    };
    const { style, templates, later } = withHavenLayers(server, ROOT);
    expect(validateStyleMin(style)).toEqual([]);
    expect(style.layers.map((l) => l.id)).not.toContain('server-cities');
    expect(style.layers[0]?.id).toBe('land');
    expect(templates.cities).toBe('http://haven.test/tiles/cities/{z}/{x}/{y}.mvt?v=3');
    expect(templates.practices).toBe('http://haven.test/tiles/practices/{z}/{x}/{y}.mvt');
    const counts = style.layers.find((l) => l.id === LAYER.cityClusterCounts);
    expect(counts?.type === 'symbol' ? counts.layout?.['text-font'] : null).toEqual(['Noto Sans Bold']);
    // Text waits for the cities: its tiles would wait for glyphs.
    expect(counts?.layout?.visibility).toBe('none');
    expect(later).toEqual(['land', 'labels', LAYER.practices, LAYER.cityClusterCounts]);
  });

  it('hides the base map and the practices until the cities have loaded, and lists what to show then', () => {
    const server: StyleSpecification = {
      version: 8,
      sources: { basemap: { type: 'vector', tiles: ['/tiles/basemap/{z}/{x}/{y}.mvt'] } },
      layers: [
        { id: 'background', type: 'background', paint: { 'background-color': '#cfe3ef' } },
        { id: 'land', type: 'fill', source: 'basemap', 'source-layer': 'land' },
        { id: 'off', type: 'line', source: 'basemap', 'source-layer': 'states', layout: { visibility: 'none' } },
      ],
    };
    const { style, later } = withHavenLayers(server, ROOT);
    expect(validateStyleMin(style)).toEqual([]);
    // The background draws at once; a layer the style hides itself stays hidden.
    expect(later).toEqual(['land', LAYER.practices]);
    const visibility = (id: string) => style.layers.find((l) => l.id === id)?.layout?.visibility;
    expect(visibility('background')).toBeUndefined();
    expect(visibility('land')).toBe('none');
    expect(visibility('off')).toBe('none');
    expect(visibility(LAYER.cities)).toBeUndefined();
    expect(visibility(LAYER.cityClusters)).toBeUndefined();
    expect(visibility(LAYER.practices)).toBe('none');
    // The ring of the open city or practice shows with the first selection.
    expect(visibility(LAYER.selected)).toBe('none');
  });
});
