/** What the browser tests use of the page's `window.__havenMap` (a MapLibre `Map`). */
interface HavenRenderedFeature {
  id?: string | number;
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates: unknown };
  layer: { id: string };
}

interface HavenMapForTests {
  loaded(): boolean;
  areTilesLoaded(): boolean;
  isMoving(): boolean;
  getCanvas(): HTMLCanvasElement;
  once(type: 'render' | 'idle', listener: () => void): unknown;
  on(type: 'move', listener: () => void): unknown;
  triggerRepaint(): void;
  getLayer(id: string): unknown;
  queryRenderedFeatures(options?: { layers?: string[] }): HavenRenderedFeature[];
  getBounds(): { getWest(): number; getSouth(): number; getEast(): number; getNorth(): number };
  getZoom(): number;
  getCenter(): { lng: number; lat: number };
  project(lngLat: [number, number]): { x: number; y: number };
  jumpTo(options: { center: [number, number]; zoom: number }): unknown;
}

interface Window {
  __havenMap?: HavenMapForTests;
}
