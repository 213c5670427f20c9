/**
 * The MapLibre map: its style, its data layers, and the few things the app asks of it
 * (apply filters, highlight the open city or practice, fly somewhere, report clicks).
 *
 * maplibre-gl 6 loads its worker from a separate file. Vite copies that file into dist as a
 * hashed asset (`?url` import) and `setWorkerUrl` points MapLibre at it, so the map works
 * from Haven's own origin with nothing fetched from a CDN.
 */

import type { ExpressionSpecification, GeoJSONSource, MapGeoJSONFeature, MapMouseEvent, MapSourceDataEvent, StyleSpecification, VectorTileSource } from 'maplibre-gl';
import { Map as MapLibreMap, Marker, NavigationControl, ScaleControl, prewarm, setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { type Filters, filteredTileTemplate } from '../filters/filters';
import type { MapView } from '../state/url';
import { CITIES, COLORS, LAYER, PRACTICES, SELECTION, type TileTemplates, withHavenLayers } from './layers';
import { havenStyle } from './style';

setWorkerUrl(workerUrl);

/**
 * Starts MapLibre's web workers at once, so that they load and start while the page fetches
 * the style and the reference data, instead of after the map is created (measured in
 * bench/browser: the worker module was requested only ~800 ms after navigation).
 */
export function warmUpMap(): void {
  prewarm();
}

/** Europe, where most Safe Harbour cities are. */
export const DEFAULT_VIEW: MapView = { zoom: 3.5, lat: 50.5, lon: 10 };

/**
 * The longest the base map and the practices wait for the cities before they show anyway
 * (slow tiles, a view without cities); measured from the map's creation.
 */
const CITIES_WAIT_MS = 1500;

/** How long to wait for `/style.json` before drawing with the fallback style. */
const STYLE_TIMEOUT_MS = 4000;

function isStyle(value: unknown): value is StyleSpecification {
  if (typeof value !== 'object' || value === null) return false;
  const style = value as Partial<StyleSpecification>;
  return style.version === 8 && typeof style.sources === 'object' && Array.isArray(style.layers);
}

/** Haven's own style when the server has one, else the in-code fallback. */
export async function loadBaseStyle(root: string): Promise<{ style: StyleSpecification; fromServer: boolean }> {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort();
  }, STYLE_TIMEOUT_MS);
  try {
    // No headers of its own: the request must match index.html's preload of the style.
    const response = await fetch(`${root}style.json`, { signal: controller.signal });
    if (response.ok) {
      const style: unknown = await response.json();
      if (isStyle(style)) return { style, fromServer: true };
    }
  } catch {
    // Unreachable or not JSON: the fallback below still shows the data layers.
  } finally {
    clearTimeout(timer);
  }
  return { style: havenStyle(), fromServer: false };
}

/** What the person clicked on the map. */
export type MapPick = { readonly kind: 'city' | 'practice'; readonly slug: string } | { readonly kind: 'cluster'; readonly lon: number; readonly lat: number };

/** What the map rings as open: a city or practice at its point. */
export interface MapSelection {
  readonly kind: 'city' | 'practice';
  readonly lon: number;
  readonly lat: number;
}

export interface HavenMapOptions {
  readonly container: HTMLElement;
  readonly view: MapView;
  /** The filters the tiles are asked with from the first request on. */
  readonly filters: Filters;
  readonly style: StyleSpecification;
  /** The site root (`http://host/`), for tile URLs in a style that gives none. */
  readonly root: string;
  readonly onPick: (pick: MapPick) => void;
  readonly onMove: (view: MapView) => void;
  /** A data layer's tiles failed to load. */
  readonly onTileError: () => void;
}

/** The map and Haven's operations on it. */
export class HavenMap {
  readonly map: MapLibreMap;
  private readonly templates: TileTemplates;
  private filters: Filters;
  /** The tile URL each data source should have; set once its tiles have settled. */
  private styleReady = false;
  private readonly wantedTiles = new Map<typeof CITIES | typeof PRACTICES, string>();

  constructor(options: HavenMapOptions) {
    const { style, templates, later } = withHavenLayers(options.style, options.root, options.filters);
    this.templates = templates;
    this.filters = options.filters;
    this.map = new MapLibreMap({
      container: options.container,
      style,
      center: [options.view.lon, options.view.lat],
      zoom: options.view.zoom,
      maxZoom: 20,
      attributionControl: { compact: true },
      // Haven's style and layers are checked by the tests (layers.test.ts, style.test.ts);
      // checking them again on every load held up the map's start by 20–40 ms (bench/browser).
      validateStyle: false,
      // A person who asked their system for less motion gets no cross-fades of tiles and
      // labels either (flights jump too, see `flyTo`).
      fadeDuration: prefersReducedMotion() ? 0 : 300,
    });
    this.citiesLoaded = this.showAfterCities(later);
    // Not `isStyleLoaded()`: that is false whenever tiles load, and 'load' fires only once.
    void this.map.once('load').then(() => {
      this.styleReady = true;
      this.flushTiles();
    });
    this.map.on('sourcedata', (event: MapSourceDataEvent) => {
      if ((event.sourceId === CITIES || event.sourceId === PRACTICES) && event.isSourceLoaded) this.flushTiles();
    });
    this.map.addControl(new NavigationControl({ visualizePitch: false }), 'top-right');
    this.map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
    this.map.on('moveend', () => {
      options.onMove(this.view());
    });
    this.map.on('click', (event) => {
      const pick = this.pickAt(event);
      if (pick) options.onPick(pick);
    });
    const pointer = (on: boolean) => () => {
      this.map.getCanvas().style.cursor = on ? 'pointer' : '';
    };
    for (const id of [LAYER.cities, LAYER.cityClusters, LAYER.practices]) {
      this.map.on('mouseenter', id, pointer(true));
      this.map.on('mouseleave', id, pointer(false));
    }
    this.map.on('error', (event) => {
      const sourceId = (event as { sourceId?: unknown }).sourceId;
      if (sourceId === CITIES || sourceId === PRACTICES) options.onTileError();
      // Anything else is a bug (an invalid layer, a broken style) and must not pass silently.
      else console.error(event.error);
    });
  }

  /**
   * Resolves once the cities in view have loaded, failed to load, or `CITIES_WAIT_MS` passed,
   * whichever comes first: what else the page has to draw or lay out waits for it.
   */
  readonly citiesLoaded: Promise<void>;

  /**
   * Shows the `layers` that `withHavenLayers` hid (the base map's, the practices') once the
   * cities in view have loaded, failed to load, or `CITIES_WAIT_MS` passed.
   */
  private showAfterCities(layers: readonly string[]): Promise<void> {
    return new Promise((resolve) => {
      let shown = false;
      const show = (): void => {
        if (shown) return;
        shown = true;
        clearTimeout(timer);
        this.map.off('sourcedata', onData);
        for (const id of layers) if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', 'visible');
        resolve();
      };
      const onData = (event: MapSourceDataEvent): void => {
        if (event.sourceId === CITIES && event.isSourceLoaded) show();
      };
      const timer = setTimeout(show, CITIES_WAIT_MS);
      this.map.on('sourcedata', onData);
      this.map.on('error', (event) => {
        if ((event as { sourceId?: unknown }).sourceId === CITIES) show();
      });
    });
  }

  view(): MapView {
    const { lng, lat } = this.map.getCenter();
    return { zoom: this.map.getZoom(), lat, lon: lng };
  }

  jumpTo(view: MapView): void {
    this.map.jumpTo({ center: [view.lon, view.lat], zoom: view.zoom });
  }

  /** Flies to a place; `padding` keeps it clear of a panel that covers part of the map. */
  flyTo(lon: number, lat: number, zoom = 10, padding: { right?: number; bottom?: number } = {}): void {
    this.map.flyTo({
      center: [lon, lat],
      zoom: Math.max(zoom, this.map.getZoom()),
      // An offset, not camera padding: padding would stay on after the panel closes.
      offset: [-(padding.right ?? 0) / 2, -(padding.bottom ?? 0) / 2],
      // Not essential: with `prefers-reduced-motion: reduce` MapLibre jumps instead of flying.
      essential: false,
    });
  }

  /**
   * Shows only what the filters select, by the server's filtered tiles (exact, clusters
   * counted for the filter): the old tiles stay drawn until the new ones replace them.
   *
   * A source's tile URL changes only while none of its tiles is loading. MapLibre 6 does not
   * refetch a tile that is loading when `setTiles` is called (it re-parses the old data once
   * that arrives), and a layer filter change re-parses tiles too, racing with fetches; both
   * left clusters of the unfiltered tiles drawn over filtered data ("feature index out of
   * bounds" on every query). So no layer filter follows the filters, and URLs wait for a
   * settled source (`flushTiles`).
   */
  applyFilters(filters: Filters): void {
    this.filters = filters;
    this.wantedTiles.set(CITIES, this.fresh(filteredTileTemplate(this.templates.cities, filters)));
    this.wantedTiles.set(PRACTICES, this.fresh(filteredTileTemplate(this.templates.practices, filters)));
    this.flushTiles();
  }

  /**
   * Gives each settled data source the tile URL it should have: the cities first, the
   * practices once the cities' tiles are in. The browser opens six connections to a server;
   * the cities' tiles (with the counts) and the list's requests come before the practices'.
   */
  private flushTiles(): void {
    if (!this.styleReady) return;
    if (!this.settle(CITIES)) return;
    this.settle(PRACTICES);
  }

  /**
   * Gives a settled source the tile URL it should have; true when its tiles are the wanted
   * ones and loaded.
   */
  private settle(id: typeof CITIES | typeof PRACTICES): boolean {
    const tiles = this.wantedTiles.get(id);
    const source = this.map.getSource<VectorTileSource>(id);
    if (!source || !this.map.isSourceLoaded(id)) return false;
    if (tiles === undefined || source.tiles[0] === tiles) return true;
    source.setTiles([tiles]);
    return false;
  }

  /** Published data changed (an approval, an editor's edit): fetch the data tiles again. */
  refreshData(): void {
    this.generation += 1;
    this.applyFilters(this.filters);
  }

  /** Tile URLs carry a generation after a change so no cached tile is shown. */
  private fresh(template: string): string {
    if (this.generation === 0) return template;
    return `${template}${template.includes('?') ? '&' : '?'}r=${String(this.generation)}`;
  }

  private generation = 0;

  /** Rings the open city or practice at its point (nothing with `null`). */
  select(selection: MapSelection | null): void {
    const apply = (): void => {
      if (selection !== null && this.map.getLayoutProperty(LAYER.selected, 'visibility') === 'none') {
        this.map.setLayoutProperty(LAYER.selected, 'visibility', 'visible');
      }
      void this.map.getSource<GeoJSONSource>(SELECTION)?.setData({
        type: 'FeatureCollection',
        features:
          selection === null
            ? []
            : [{ type: 'Feature', properties: { kind: selection.kind }, geometry: { type: 'Point', coordinates: [selection.lon, selection.lat] } }],
      });
    };
    if (this.styleReady) apply();
    else void this.map.once('load').then(apply);
  }

  /**
   * Hides the base map's labels of listed cities: Haven's own labels name them, so a name is
   * never shown twice nor drawn through a marker ("Kre●ld / Krefeld").
   */
  hideBaseLabels(names: readonly string[]): void {
    const apply = (): void => {
      for (const layer of this.map.getStyle().layers) {
        if (layer.type !== 'symbol' || !('source-layer' in layer) || layer['source-layer'] !== 'place_labels') continue;
        // Haven's style writes its filters as expressions, which combine with this one.
        const own = (this.baseFilters.get(layer.id) ?? layer.filter ?? null) as ExpressionSpecification | null;
        this.baseFilters.set(layer.id, own);
        const notListed: ExpressionSpecification = ['!', ['in', ['get', 'name'], ['literal', [...names]]]];
        const filter: ExpressionSpecification = own === null ? notListed : ['all', own, notListed];
        this.map.setFilter(layer.id, filter);
      }
    };
    if (this.styleReady) apply();
    else void this.map.once('load').then(apply);
  }

  /** The base map label layers' own filters, before `hideBaseLabels`. */
  private readonly baseFilters = new Map<string, ExpressionSpecification | null>();

  /** Puts the pin of a searched place or the person's location (removes it with `null`). */
  pin(point: { lon: number; lat: number; label: string } | null): void {
    if (point === null) {
      this.marker?.remove();
      this.marker = null;
      return;
    }
    if (!this.marker) {
      this.marker = new Marker({ color: COLORS.pin });
      this.marker.getElement().classList.add('haven-pin');
      this.marker.getElement().setAttribute('role', 'img');
    }
    this.marker.getElement().setAttribute('aria-label', point.label);
    this.marker.setLngLat([point.lon, point.lat]).addTo(this.map);
  }

  private marker: Marker | null = null;

  resize(): void {
    this.map.resize();
  }

  private pickAt(event: MapMouseEvent): MapPick | null {
    const layers = [LAYER.cities, LAYER.cityClusters, LAYER.practices].filter((id) => this.map.getLayer(id));
    const box: [[number, number], [number, number]] = [
      [event.point.x - 6, event.point.y - 6],
      [event.point.x + 6, event.point.y + 6],
    ];
    const features: MapGeoJSONFeature[] = this.map.queryRenderedFeatures(box, { layers });
    const city = features.find((f) => f.layer.id === LAYER.cities);
    const practice = features.find((f) => f.layer.id === LAYER.practices && f.properties.cluster !== true);
    const cluster = features.find((f) => f.properties.cluster === true);
    const slug = (f: MapGeoJSONFeature): string | null => (typeof f.properties.slug === 'string' ? f.properties.slug : null);
    if (city && slug(city) !== null) return { kind: 'city', slug: slug(city) ?? '' };
    if (practice && slug(practice) !== null) return { kind: 'practice', slug: slug(practice) ?? '' };
    if (cluster) return { kind: 'cluster', lon: event.lngLat.lng, lat: event.lngLat.lat };
    return null;
  }
}

/** Whether the person asked their system for reduced motion. */
export function prefersReducedMotion(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}
