/**
 * The map on the page: created once the base style has loaded, and the layout around it
 * (a phone shows map or list, and a panel covers part of the map).
 */

import { HavenMap, type HavenMapOptions } from '../map';
import type { MapView } from '../state/url';
import { byId } from '../ui/dom';

declare global {
  interface Window {
    /** The map instance, for browser tests and debugging. */
    __havenMap?: HavenMap['map'];
  }
}

/** The zoom at which a single city is shown when the app flies to it. */
export const CITY_ZOOM = 9;
/** The zoom at which the surroundings of a point are shown. */
export const NEAR_ZOOM = 8;

/** Whether the screen is a phone's: map and list take turns, the panel is a bottom sheet. */
export function isPhone(): boolean {
  return window.matchMedia('(max-width: 720px)').matches;
}

/** The part of the map a panel covers: the right side on a desk, the bottom on a phone. */
function panelPadding(): { right?: number; bottom?: number } {
  const map = byId('map');
  return isPhone() ? { bottom: Math.round(map.clientHeight * 0.6) } : { right: byId('detail').offsetWidth || 400 };
}

export class MapStage {
  /** The map, once created. */
  map: HavenMap | null = null;
  private created: () => void = () => undefined;
  /** Resolves once the map exists (declared after `created`, which it sets). */
  readonly ready = new Promise<void>((resolve) => {
    this.created = resolve;
  });

  create(options: HavenMapOptions): void {
    this.map = new HavenMap(options);
    window.__havenMap = this.map.map;
    this.created();
  }

  /** Does `action` on the map once it exists. */
  whenReady(action: (map: HavenMap) => void): void {
    void this.ready.then(() => {
      if (this.map) action(this.map);
    });
  }

  /** Flies to a point once the map exists, clear of the panel. */
  flyTo(lon: number, lat: number, zoom: number): void {
    this.whenReady((map) => {
      map.flyTo(lon, lat, zoom, panelPadding());
    });
  }

  /** Where the map looks now; null before it exists. */
  view(): MapView | null {
    return this.map?.view() ?? null;
  }

  /**
   * Flies to a point unless the map moved since `before` was taken: a panel whose answer
   * comes late must not take the map away from where the person has gone meanwhile.
   */
  flyToUnlessMoved(before: MapView | null, lon: number, lat: number, zoom: number): void {
    const now = this.view();
    if (before !== null && now !== null && (now.zoom !== before.zoom || now.lon !== before.lon || now.lat !== before.lat)) return;
    this.flyTo(lon, lat, zoom);
  }
}
