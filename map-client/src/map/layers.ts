/**
 * Haven's data layers on top of any base style: the `cities` and `practices` vector tiles,
 * styled by category, with clusters at low zoom and a highlight for the open city or
 * practice. The legend (`legend.ts`) explains exactly these colours and symbols.
 *
 * The layers are added to the style document before the map is created, whether the style
 * is Haven's `/style.json` or the in-code fallback: a style's own layers on these sources
 * are replaced, so the map always looks like its legend.
 */

import type {
  CircleLayerSpecification,
  ExpressionSpecification,
  LayerSpecification,
  StyleSpecification,
  SymbolLayerSpecification,
} from 'maplibre-gl';
import type { CityCategory } from '../api/types';
import { type Filters, NO_FILTERS, filteredTileTemplate } from '../filters/filters';

export const CITIES = 'cities';
export const PRACTICES = 'practices';

/** Layer ids, for queries (`queryRenderedFeatures`), filters and tests. */
export const LAYER = {
  practices: 'haven-practices',
  cityClusters: 'haven-city-clusters',
  cityClusterCounts: 'haven-city-cluster-counts',
  cities: 'haven-cities',
  cityLabels: 'haven-city-labels',
  selected: 'haven-selected',
} as const;

/** The GeoJSON source of the ring around the open city or practice (one point, or none). */
export const SELECTION = 'haven-selection';

/** Colours of the city categories (Okabe–Ito based, distinguishable with colour blindness). */
export const CATEGORY_COLORS: Readonly<Record<CityCategory, string>> = {
  safe_harbour_alliance: '#00427a',
  safe_harbour: '#3b9ad9',
  network_member: '#e69f00',
  no_network: '#cc79a7',
};

export const COLORS = {
  practice: '#c2410c',
  cluster: '#2f4b5f',
  clusterText: '#ffffff',
  outline: '#ffffff',
  selected: '#111111',
  label: '#14213d',
  pin: '#a4161a',
} as const;

/** The order in which categories are drawn and listed. */
export const CATEGORIES: readonly CityCategory[] = ['safe_harbour_alliance', 'safe_harbour', 'network_member', 'no_network'];

export const IS_CLUSTER: ExpressionSpecification = ['==', ['get', 'cluster'], true];
export const NOT_CLUSTER: ExpressionSpecification = ['!', IS_CLUSTER];

/** A ring's radius around a selected city and a selected practice (which is drawn larger). */
const SELECTED_RADIUS = { city: 11, practice: 16 } as const;

/** Tile URL templates of the two data sources. */
export interface TileTemplates {
  readonly cities: string;
  readonly practices: string;
}

/** The contract's tile URLs under `origin` (`http://host/`, with trailing slash). */
export function defaultTileTemplates(root: string): TileTemplates {
  return {
    cities: `${root}tiles/cities/{z}/{x}/{y}.mvt`,
    practices: `${root}tiles/practices/{z}/{x}/{y}.mvt`,
  };
}

function layers(fontStack: readonly string[] | null): LayerSpecification[] {
  const cityRadius: ExpressionSpecification = ['interpolate', ['linear'], ['zoom'], 3, 4, 8, 6, 12, 9];
  const clusterRing: ExpressionSpecification = ['interpolate', ['linear'], ['coalesce', ['get', 'count'], 2], 2, 13, 50, 22];
  const practiceRings: CircleLayerSpecification = {
    id: LAYER.practices,
    type: 'circle',
    source: PRACTICES,
    'source-layer': PRACTICES,
    paint: {
      'circle-color': 'rgba(0,0,0,0)',
      // A zoom expression must be the outermost one; clusters grow with their count instead.
      'circle-radius': [
        'interpolate',
        ['linear'],
        ['zoom'],
        3,
        ['case', IS_CLUSTER, clusterRing, 8],
        8,
        ['case', IS_CLUSTER, clusterRing, 10],
        12,
        ['case', IS_CLUSTER, clusterRing, 14],
      ],
      'circle-stroke-color': COLORS.practice,
      'circle-stroke-width': 2.5,
    },
  };
  const clusters: CircleLayerSpecification = {
    id: LAYER.cityClusters,
    type: 'circle',
    source: CITIES,
    'source-layer': CITIES,
    filter: IS_CLUSTER,
    paint: {
      'circle-color': COLORS.cluster,
      'circle-opacity': 0.85,
      'circle-radius': ['interpolate', ['linear'], ['coalesce', ['get', 'count'], 2], 2, 10, 20, 15, 200, 24],
      'circle-stroke-color': COLORS.outline,
      'circle-stroke-width': 1.5,
    },
  };
  const cities: CircleLayerSpecification = {
    id: LAYER.cities,
    type: 'circle',
    source: CITIES,
    'source-layer': CITIES,
    filter: NOT_CLUSTER,
    paint: {
      'circle-color': [
        'match',
        ['get', 'category'],
        'safe_harbour_alliance',
        CATEGORY_COLORS.safe_harbour_alliance,
        'safe_harbour',
        CATEGORY_COLORS.safe_harbour,
        'network_member',
        CATEGORY_COLORS.network_member,
        CATEGORY_COLORS.no_network,
      ],
      'circle-radius': cityRadius,
      'circle-stroke-color': COLORS.outline,
      'circle-stroke-width': 1.5,
    },
  };
  // The ring of the open city or practice: its own GeoJSON source, so that selecting never
  // touches the tile sources (a layer filter change makes MapLibre re-parse their tiles, which
  // can race with a tile fetch and leave old features drawn over new data).
  const selected: CircleLayerSpecification = {
    id: LAYER.selected,
    type: 'circle',
    source: SELECTION,
    // Shown with the first selection (`HavenMap.select`): until then its source loads nothing.
    layout: { visibility: 'none' },
    paint: {
      'circle-color': 'rgba(0,0,0,0)',
      'circle-radius': ['match', ['get', 'kind'], 'practice', SELECTED_RADIUS.practice, SELECTED_RADIUS.city],
      'circle-stroke-color': COLORS.selected,
      'circle-stroke-width': 3,
    },
  };
  const result: LayerSpecification[] = [practiceRings, clusters];
  if (fontStack) {
    const counts: SymbolLayerSpecification = {
      id: LAYER.cityClusterCounts,
      type: 'symbol',
      source: CITIES,
      'source-layer': CITIES,
      filter: IS_CLUSTER,
      layout: {
        'text-field': ['to-string', ['coalesce', ['get', 'count'], '']],
        'text-font': [...fontStack],
        'text-size': 12,
        'text-allow-overlap': true,
      },
      paint: { 'text-color': COLORS.clusterText },
    };
    result.push(counts);
  }
  result.push(cities);
  if (fontStack) {
    const labels: SymbolLayerSpecification = {
      id: LAYER.cityLabels,
      type: 'symbol',
      source: CITIES,
      'source-layer': CITIES,
      filter: NOT_CLUSTER,
      minzoom: 6,
      layout: {
        'text-field': ['get', 'name'],
        'text-font': [...fontStack],
        'text-size': 12,
        'text-offset': [0, 1.1],
        'text-anchor': 'top',
        'text-optional': true,
      },
      paint: { 'text-color': COLORS.label, 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
    };
    result.push(labels);
  }
  result.push(selected);
  return result;
}

/** The first `text-font` a style's symbol layers use, to label with a font the server has. */
function styleFontStack(style: StyleSpecification): readonly string[] | null {
  if (style.glyphs === undefined) return null;
  for (const layer of style.layers) {
    if (layer.type !== 'symbol') continue;
    const font: unknown = layer.layout?.['text-font'];
    if (Array.isArray(font) && font.length > 0 && font.every((f) => typeof f === 'string')) return font;
  }
  return ['Noto Sans Regular'];
}

/** The tile template a style's source declares, made absolute; null when it has none. */
function sourceTemplate(style: StyleSpecification, id: string, root: string): string | null {
  const source = style.sources[id];
  if (source?.type !== 'vector' || !source.tiles || source.tiles.length === 0) return null;
  const [template] = source.tiles;
  if (template === undefined) return null;
  if (/^https?:\/\//.test(template)) return template;
  // Not `new URL()`: it would percent-encode the `{z}` placeholders.
  return template.startsWith('/') ? `${new URL(root).origin}${template}` : `${root}${template}`;
}

/**
 * Returns `style` with Haven's data sources and layers: the style's own `cities` and
 * `practices` layers are dropped, the sources are declared with explicit tile templates (so
 * that filters can be appended to them) and Haven's layers go on top.
 *
 * Cities first: the base map's layers (every layer on another source than Haven's data), the
 * practices' rings and the clusters' counts start hidden and are listed in `later`, for the map
 * to show once the cities have loaded. A hidden layer's tiles are not fetched nor parsed. With software rendering (WebGL
 * on the CPU) every frame blocks the page for 50–300 ms, and MapLibre draws one after each tile
 * it receives: the base map's and the practices' tiles, arriving beside the cities', put such
 * frames before the cities' (bench/browser).
 */
export function withHavenLayers(
  style: StyleSpecification,
  root: string,
  filters: Filters = NO_FILTERS,
): { style: StyleSpecification; templates: TileTemplates; later: string[] } {
  const defaults = defaultTileTemplates(root);
  const templates: TileTemplates = {
    cities: sourceTemplate(style, CITIES, root) ?? defaults.cities,
    practices: sourceTemplate(style, PRACTICES, root) ?? defaults.practices,
  };
  const own = new Set<string>([CITIES, PRACTICES, SELECTION]);
  const later: string[] = [];
  const hideUntilCities = (layer: LayerSpecification): LayerSpecification => {
    if (!('source' in layer) || layer.layout?.visibility === 'none') return layer;
    later.push(layer.id);
    return { ...layer, layout: { ...layer.layout, visibility: 'none' } };
  };
  const kept = style.layers
    .filter((layer) => !('source' in layer) || typeof layer.source !== 'string' || !own.has(layer.source))
    .map(hideUntilCities);
  // The cluster counts too: a tile with text waits in the worker for the page to send it the
  // glyphs, which the page does only between its frames (250–450 ms each on a busy machine),
  // so tiles with clusters came one or two frames after the others (bench/browser/trace.mjs).
  const drawnLater: ReadonlySet<string> = new Set([LAYER.practices, LAYER.cityClusterCounts]);
  const data = layers(styleFontStack(style)).map((layer) => (drawnLater.has(layer.id) ? hideUntilCities(layer) : layer));
  return {
    templates,
    later,
    style: {
      ...style,
      sources: {
        ...style.sources,
        // Filtered from the start: tiles asked for unfiltered and then replaced would race
        // (see `HavenMap.applyFilters`).
        [CITIES]: { type: 'vector', tiles: [filteredTileTemplate(templates.cities, filters)], minzoom: 0, maxzoom: 14 },
        [PRACTICES]: { type: 'vector', tiles: [filteredTileTemplate(templates.practices, filters)], minzoom: 0, maxzoom: 14 },
        [SELECTION]: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
      },
      layers: [...kept, ...data],
    },
  };
}
