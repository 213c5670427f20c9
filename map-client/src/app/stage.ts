/**
 * The map on the page: created once the base style has loaded, and the layout around it
 * (a phone shows map or list, and a panel covers part of the map).
 */

import { HavenMap, type HavenMapOptions } from '../map';
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
}
