/**
 * "What is near here": for a searched place (listed or not) or the person's location, the
 * practices and cities nearest to it with their distance, the filters applied; the three
 * nearest practices for each chosen policy area as a summary; and, for a town that is not
 * listed, its nearest Safe Harbours and a way to suggest it.
 */

import type { HavenApi } from '../api/client';
import type { CitySummary, PolicyArea, PracticeSummary } from '../api/types';
import { type Filters, NO_FILTERS } from '../filters/filters';
import type { Language, Translate } from '../i18n';
import { formatDistance } from '../i18n/format';
import { permalink } from '../panels/detail';
import type { Near } from '../state/url';
import { type Child, h } from '../ui/dom';

/** Nearest practices and cities listed. */
const NEAREST = 10;
/** Nearest practices per chosen policy area, and nearest Safe Harbours of an unlisted town. */
const PER_AREA = 3;
/** The network whose members are the Safe Harbours (the Seebrücke declaration campaign). */
const SAFE_HARBOUR_NETWORK = 'seebruecke-safe-harbour';

/** What the panel shows, loaded in one go. */
export interface NearData {
  readonly practices: readonly PracticeSummary[];
  readonly cities: readonly CitySummary[];
  /** Per chosen policy area, its nearest practices. */
  readonly perArea: readonly { readonly area: string; readonly practices: readonly PracticeSummary[] }[];
  /** For a place that is not listed: the nearest Safe Harbours. */
  readonly safeHarbours: readonly CitySummary[];
}

/** Loads everything the panel shows for `near` under `filters`. */
export async function loadNear(api: HavenApi, near: Near, filters: Filters, lang: Language, unlisted: boolean, signal: AbortSignal): Promise<NearData> {
  const [practices, cities, perArea, safeHarbours] = await Promise.all([
    api.nearestPractices(near, filters, lang, NEAREST, signal),
    api.nearestCities(near, filters, lang, NEAREST, signal),
    Promise.all(
      filters.areas.map(async (area) => ({
        area,
        practices: await api.nearestPractices(near, { ...filters, areas: [area], areaMatch: 'any' }, lang, PER_AREA, signal),
      })),
    ),
    unlisted ? api.nearestCities(near, { ...NO_FILTERS, networks: [SAFE_HARBOUR_NETWORK] }, lang, PER_AREA, signal) : Promise.resolve([]),
  ]);
  return { practices, cities, perArea, safeHarbours };
}

export interface NearContext {
  readonly t: Translate;
  readonly lang: Language;
  readonly areas: readonly PolicyArea[];
  readonly permalink: string;
  readonly href: (kind: 'city' | 'practice', slug: string) => string;
  readonly open: (kind: 'city' | 'practice', slug: string) => void;
  /** "What could {name} do?": the searched place's gap sheet, if it is a place. */
  readonly gapSheet: HTMLElement | null;
  /** Offers to suggest the place (an unlisted town), if that applies. */
  readonly suggest: HTMLElement | null;
}

/** The panel's title. */
export function nearTitle(t: Translate, near: Near): string {
  return t('near.title', { name: near.name ?? t('near.here') });
}

function link(context: NearContext, kind: 'city' | 'practice', slug: string, text: string, lang?: string): HTMLElement {
  const a = h('a', { href: context.href(kind, slug), lang: lang === 'und' ? undefined : lang }, text);
  a.addEventListener('click', (event) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    context.open(kind, slug);
  });
  return a;
}

function distance(context: NearContext, km: number | null): HTMLElement | null {
  return km === null ? null : h('span', { class: 'distance' }, formatDistance(km, context.lang));
}

function practiceList(context: NearContext, practices: readonly PracticeSummary[], kind: string): HTMLElement {
  if (practices.length === 0) return h('p', { class: 'muted' }, context.t('near.none'));
  return h(
    'ol',
    { class: 'nearest', 'data-nearest': kind },
    ...practices.map((p) =>
      h('li', { 'data-slug': p.slug }, link(context, 'practice', p.slug, p.title.text, p.title.lang), h('span', { class: 'muted' }, ` ${p.city.name}`), distance(context, p.distanceKm)),
    ),
  );
}

function cityList(context: NearContext, cities: readonly CitySummary[], kind: string): HTMLElement {
  if (cities.length === 0) return h('p', { class: 'muted' }, context.t('near.none'));
  return h('ol', { class: 'nearest', 'data-nearest': kind }, ...cities.map((c) => h('li', { 'data-slug': c.slug }, link(context, 'city', c.slug, c.name), distance(context, c.distanceKm))));
}

/** The panel body. */
export function nearBody(context: NearContext, data: NearData, filters: Filters): Child[] {
  const { t } = context;
  const label = (slug: string): string => context.areas.find((a) => a.slug === slug)?.label ?? slug;
  const summary =
    filters.areas.length === 0
      ? [h('p', { class: 'muted' }, t('near.pickAreas'))]
      : data.perArea.map(({ area, practices }) => h('section', { class: 'near-area', 'data-area': area }, h('h4', {}, label(area)), practiceList(context, practices, `area-${area}`)));
  return [
    context.gapSheet,
    context.suggest,
    data.safeHarbours.length > 0 || context.suggest !== null ? h('h3', {}, t('near.safeHarbours')) : null,
    context.suggest !== null ? cityList(context, data.safeHarbours, 'safe-harbours') : null,
    h('h3', {}, t('near.perArea')),
    ...summary,
    h('h3', {}, t('near.practices')),
    practiceList(context, data.practices, 'practices'),
    h('h3', {}, t('near.cities')),
    cityList(context, data.cities, 'cities'),
    permalink(t, context.permalink),
  ];
}
