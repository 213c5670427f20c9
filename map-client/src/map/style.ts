/**
 * The map style, built in code so the client needs no external style, tile or font URL.
 *
 * For now it draws a background, a graticule (a reference grid every 10°, generated here)
 * and an empty `cities` GeoJSON source that the app fills from the Haven API. The vector
 * basemap served by Haven (`/tiles/basemap`) will be added as a source when it exists.
 */

import type { StyleSpecification } from 'maplibre-gl';
import type { Feature, FeatureCollection, LineString, Point } from 'geojson';

export const CITIES_SOURCE = 'cities';
export const CITIES_LAYER = 'cities-circle';

export const COLORS = {
  background: '#e8eef0',
  graticule: '#c5d2d6',
  city: '#0b6e4f',
  cityOutline: '#ffffff',
} as const;

/** Meridians and parallels every `step` degrees, as GeoJSON lines. */
export function graticule(step = 10): FeatureCollection<LineString> {
  const features: Feature<LineString>[] = [];
  for (let lon = -180; lon <= 180; lon += step) {
    const coordinates: [number, number][] = [];
    for (let lat = -85; lat <= 85; lat += 5) coordinates.push([lon, lat]);
    features.push({ type: 'Feature', properties: { kind: 'meridian' }, geometry: { type: 'LineString', coordinates } });
  }
  for (let lat = -80; lat <= 80; lat += step) {
    const coordinates: [number, number][] = [];
    for (let lon = -180; lon <= 180; lon += 5) coordinates.push([lon, lat]);
    features.push({ type: 'Feature', properties: { kind: 'parallel' }, geometry: { type: 'LineString', coordinates } });
  }
  return { type: 'FeatureCollection', features };
}

export function emptyCollection(): FeatureCollection<Point> {
  return { type: 'FeatureCollection', features: [] };
}

/** The complete style of Haven's map. */
export function havenStyle(): StyleSpecification {
  return {
    version: 8,
    name: 'Haven',
    sources: {
      graticule: { type: 'geojson', data: graticule() },
      [CITIES_SOURCE]: { type: 'geojson', data: emptyCollection() },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': COLORS.background } },
      {
        id: 'graticule',
        type: 'line',
        source: 'graticule',
        paint: { 'line-color': COLORS.graticule, 'line-width': 1 },
      },
      {
        id: CITIES_LAYER,
        type: 'circle',
        source: CITIES_SOURCE,
        paint: {
          'circle-color': COLORS.city,
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 3, 3, 10, 7],
          'circle-stroke-color': COLORS.cityOutline,
          'circle-stroke-width': 1,
        },
      },
    ],
  };
}
