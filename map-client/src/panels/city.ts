/**
 * A city's panel: its profile, where it is, its network memberships with dates and evidence,
 * the eight Safe Harbour demands (decided / fulfilled / unknown, as of, read by Haven from
 * council decisions and membership reports), and its practices. Facts whose status is unknown
 * or whose newest source is older than two years carry a "needs checking" mark.
 */

import { type CityDetail, type Demand, type PolicyArea, cityCategory } from '../api/types';
import type { Language, Translate } from '../i18n';
import type { MessageKey } from '../i18n';
import { countryName, datePrecision, formatDate, formatNumber, formatShortDate } from '../i18n/format';
import { CATEGORY_COLORS } from '../map/layers';
import { type Child, externalLink, h } from '../ui/dom';
import { contentBlock } from './content';
import { citablePageLink, fact, gapSheetLink, permalink } from './detail';

export interface CityPanelContext {
  readonly t: Translate;
  readonly lang: Language;
  readonly areas: readonly PolicyArea[];
  /** The policy areas the filter has chosen (the gap sheet compares them). */
  readonly chosenAreas: readonly string[];
  readonly permalink: string;
  readonly practiceHref: (slug: string) => string;
  readonly openPractice: (slug: string) => void;
}

/** Membership statuses the interface names. */
const MEMBERSHIP_STATUSES: readonly string[] = ['declared', 'member', 'founding_member', 'left'];

/**
 * "geprüft am 14. Juli 2020" but "geprüft im Juli 2020": a phrase with a date says it as the
 * language does for a day, a month or a year (`{key}`, `{key}Month`, `{key}Year`).
 */
export function datePhrase(t: Translate, key: 'city.verified' | 'practice.accessed' | 'fresh.asOf', value: string, lang: Language): string {
  const precision = datePrecision(value);
  const chosen: MessageKey = precision === 'day' ? key : precision === 'month' ? `${key}Month` : `${key}Year`;
  return t(chosen, { date: formatDate(value, lang) });
}

/** The "needs checking" mark beside a date. */
export function checkMark(t: Translate): HTMLElement {
  return h('span', { class: 'check' }, t('fresh.needsChecking'));
}

/** What the mark means, shown once per section that has one. */
export function checkNote(t: Translate): HTMLElement {
  return h('p', { class: 'note check-note' }, t('fresh.explain'));
}

function answer(t: Translate, value: boolean | null): HTMLElement {
  // "Unknown" is a "?" on screen (the caption explains it), so the table fits a panel in every
  // language; assistive technology reads the word.
  if (value === null) return h('span', { class: 'answer answer-unknown', title: t('value.unknown') }, h('span', { 'aria-hidden': 'true' }, '?'), h('span', { class: 'visually-hidden' }, t('value.unknown')));
  return h('span', { class: `answer answer-${String(value)}` }, t(value ? 'value.yes' : 'value.no'));
}

function demandsTable(context: CityPanelContext, demands: readonly Demand[]): HTMLElement {
  const { t, lang } = context;
  if (demands.length === 0) return h('p', {}, t('city.noDemands'));
  return h(
    'table',
    { class: 'demands' },
    h('caption', {}, t('city.demandsCaption')),
    h(
      'thead',
      {},
      h('tr', {}, h('th', { scope: 'col' }, t('city.demand')), h('th', { scope: 'col' }, t('city.decided')), h('th', { scope: 'col' }, t('city.fulfilled')), h('th', { scope: 'col' }, t('city.asOf'))),
    ),
    h(
      'tbody',
      {},
      ...demands.map((d) =>
        h(
          'tr',
          { 'data-demand': d.key },
          h('th', { scope: 'row' }, d.evidenceUrl ? externalLink(d.evidenceUrl, d.label) : d.label),
          h('td', {}, answer(t, d.decided)),
          h('td', {}, answer(t, d.fulfilled)),
          h('td', { class: 'as-of' }, d.asOf ? formatShortDate(d.asOf, lang) : '–', d.needsChecking ? checkMark(t) : null),
        ),
      ),
    ),
  );
}

/** The panel body for a city. */
export function cityBody(context: CityPanelContext, city: CityDetail): Child[] {
  const { t, lang } = context;
  const category = cityCategory(city);
  const memberships = city.memberships.map((m) => {
    const dates = [m.since ? t('city.since', { date: formatDate(m.since, lang) }) : null, m.until ? t('city.until', { date: formatDate(m.until, lang) }) : null]
      .filter((x): x is string => x !== null)
      .join(', ');
    // The status in the reader's language; the source's own wording of the role only in English,
    // the language the sources' roles are recorded in.
    const status = m.status !== null && MEMBERSHIP_STATUSES.includes(m.status) ? t(`membership.${m.status}` as MessageKey) : null;
    const role = lang === 'en' && m.role !== null && m.role.toLowerCase() !== status?.toLowerCase() ? m.role : null;
    const details = [status, role, dates].filter((x): x is string => x !== null && x !== '').join(' · ');
    return h(
      'li',
      { 'data-network': m.network },
      h('strong', {}, m.networkName),
      details === '' ? null : h('span', { class: 'membership-details' }, ` — ${details}`),
      m.evidenceUrl ? h('span', {}, ' (', externalLink(m.evidenceUrl, t('city.evidence')), ')') : null,
      // The as-of date: when a source last confirmed it ("geprüft im Juli 2020"), else its start.
      m.asOf ? h('span', { class: 'muted as-of' }, ` · ${datePhrase(t, m.verifiedOn === m.asOf ? 'city.verified' : 'fresh.asOf', m.asOf, lang)}`) : null,
      m.needsChecking ? ' ' : null,
      m.needsChecking ? checkMark(t) : null,
    );
  });
  const areaLabel = (slug: string): string => context.areas.find((a) => a.slug === slug)?.label ?? slug;
  const practices = city.practices.map((p) => {
    const link = h('a', { href: context.practiceHref(p.slug), lang: p.title.lang === 'und' ? undefined : p.title.lang }, p.title.text);
    link.addEventListener('click', (event) => {
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      context.openPractice(p.slug);
    });
    return h('li', {}, link, p.policyAreas.length > 0 ? h('span', { class: 'muted' }, ` — ${p.policyAreas.map(areaLabel).join(', ')}`) : null);
  });
  const featured = city.summary
    ? [
        h('h3', {}, t('city.featured')),
        ...contentBlock(t, lang, city.summary, null),
        city.summarySources.length > 0 ? h('p', { class: 'muted' }, t('city.featuredSources')) : null,
        city.summarySources.length > 0 ? h('ul', { class: 'sources summary-sources' }, ...city.summarySources.map((url) => h('li', {}, externalLink(url, url.replace(/^https?:\/\//, ''))))) : null,
      ]
    : [];
  return [
    city.profile ? h('p', { class: 'profile' }, city.profile) : null,
    ...featured,
    h('p', { class: 'category' }, h('span', { class: 'dot', style: `background:${CATEGORY_COLORS[category]}`, 'aria-hidden': 'true' }), t(`category.${category}`)),
    h(
      'dl',
      { class: 'facts' },
      ...fact(t('city.country'), countryName(city.country, lang, city.countryName)),
      ...fact(t('city.region'), city.region?.name),
      ...fact(t('city.population'), city.population === null ? null : formatNumber(city.population, lang)),
      ...fact(t('city.website'), city.website ? externalLink(city.website, city.website.replace(/^https?:\/\//, '')) : null),
    ),
    h('h3', {}, t('city.networks')),
    memberships.length > 0 ? h('ul', { class: 'memberships' }, ...memberships) : h('p', {}, t('city.noNetworks')),
    city.memberships.some((m) => m.needsChecking) ? checkNote(t) : null,
    h('h3', {}, t('city.demands')),
    h('p', { class: 'note demands-note' }, t('city.demandsProvenance')),
    demandsTable(context, city.demands),
    city.demands.some((d) => d.needsChecking) ? checkNote(t) : null,
    h('h3', {}, t('city.practices')),
    practices.length > 0 ? h('ul', { class: 'practices' }, ...practices) : h('p', {}, t('city.noPractices')),
    city.updatedAt ? h('p', { class: 'muted' }, t('panel.updated', { date: formatDate(city.updatedAt, lang) })) : null,
    citablePageLink(lang, 'cities', city.slug),
    city.placeId !== null ? gapSheetLink(t, lang, city.placeId, city.name, context.chosenAreas) : null,
    permalink(t, context.permalink),
  ];
}
