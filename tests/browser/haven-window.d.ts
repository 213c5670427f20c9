/** What the browser tests use of the page's `window.__havenMap` (a MapLibre `Map`). */
interface HavenMapForTests {
  loaded(): boolean;
  areTilesLoaded(): boolean;
  isMoving(): boolean;
  getCanvas(): HTMLCanvasElement;
  once(type: 'render' | 'idle', listener: () => void): unknown;
  triggerRepaint(): void;
}

interface Window {
  __havenMap?: HavenMapForTests;
}
