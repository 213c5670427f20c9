/**
 * Creating the MapLibre map.
 *
 * maplibre-gl 6 loads its worker from a separate file. Vite copies that file into dist as a
 * hashed asset (`?url` import) and `setWorkerUrl` points MapLibre at it, so the map works
 * from Haven's own origin with nothing fetched from a CDN.
 */

import { Map as MapLibreMap, NavigationControl, ScaleControl, setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { MapView } from '../state/url';
import { havenStyle } from './style';

setWorkerUrl(workerUrl);

/** Europe, where most Safe Harbour cities are. */
export const DEFAULT_VIEW: MapView = { zoom: 3.5, lat: 50.5, lon: 10 };

export interface CreateMapOptions {
  readonly container: HTMLElement;
  readonly view: MapView;
}

export function createMap({ container, view }: CreateMapOptions): MapLibreMap {
  const map = new MapLibreMap({
    container,
    style: havenStyle(),
    center: [view.lon, view.lat],
    zoom: view.zoom,
    maxZoom: 20,
    attributionControl: { compact: true },
  });
  map.addControl(new NavigationControl({ visualizePitch: false }), 'top-right');
  map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
  return map;
}

/** The current camera as a `MapView`. */
export function currentView(map: MapLibreMap): MapView {
  const { lng, lat } = map.getCenter();
  return { zoom: map.getZoom(), lat, lon: lng };
}
