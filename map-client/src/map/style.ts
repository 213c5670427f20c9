/**
 * The fallback base style, built in code, for when Haven's `/style.json` is not available:
 * a background and a graticule (a reference grid every 10°, generated here), so the data
 * layers (`layers.ts`) still have something to sit on. It needs no external URL.
 */

import type { StyleSpecification } from 'maplibre-gl';
import type { Feature, FeatureCollection, LineString } from 'geojson';

export const COLORS = {
  background: '#e8eef0',
  graticule: '#c5d2d6',
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

/** The fallback base style. */
export function havenStyle(): StyleSpecification {
  return {
    version: 8,
    name: 'Haven',
    sources: {
      graticule: { type: 'geojson', data: graticule() },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': COLORS.background } },
      {
        id: 'graticule',
        type: 'line',
        source: 'graticule',
        paint: { 'line-color': COLORS.graticule, 'line-width': 1 },
      },
    ],
  };
}
