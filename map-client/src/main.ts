/** Entry point: reads the URL state, sets the page language and mounts the map. */

import type { Map as MapLibreMap } from 'maplibre-gl';
import { negotiateLanguage, translator } from './i18n';
import { DEFAULT_VIEW, createMap, currentView } from './map';
import { parseUrlState, serializeUrlState } from './state/url';
import './styles.css';

declare global {
  interface Window {
    /** The map instance, for browser tests and debugging. */
    __havenMap?: MapLibreMap;
  }
}

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} missing from index.html`);
  return found;
}

const initial = parseUrlState(window.location.href);
const language = initial.lang ?? negotiateLanguage(navigator.languages);
const t = translator(language);

document.documentElement.lang = language;
element('app-name').textContent = t('app.name');
element('app-tagline').textContent = t('app.tagline');
const container = element('map');
container.setAttribute('aria-label', t('map.label'));

const map = createMap({ container, view: initial.view ?? DEFAULT_VIEW });
window.__havenMap = map;

// Keep `#map=zoom/lat/lon` in step with the camera without adding history entries.
map.on('moveend', () => {
  const state = { ...parseUrlState(window.location.href), view: currentView(map) };
  const next = serializeUrlState(state, window.location.href);
  if (next.href !== window.location.href) window.history.replaceState(window.history.state, '', next);
});

// A pasted or edited permalink moves the map.
window.addEventListener('hashchange', () => {
  const { view } = parseUrlState(window.location.href);
  if (view) map.jumpTo({ center: [view.lon, view.lat], zoom: view.zoom });
});
