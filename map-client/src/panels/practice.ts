/**
 * A practice's panel: summary (and description), policy areas, organisation, years,
 * status with the date of the newest fact confirming it (marked "needs checking" when unknown
 * or older than two years), contact, how well it is sourced, and the sources with the date
 * they were accessed.
 */

import type { PolicyArea, PracticeDetail } from '../api/types';
import type { Language, MessageKey, Translate } from '../i18n';
import { formatDate } from '../i18n/format';
import { type Child, externalLink, h, safeUrl } from '../ui/dom';
import { checkMark, checkNote, datePhrase } from './city';
import { contentBlock } from './content';
import { citablePageLink, fact, permalink } from './detail';

export interface PracticePanelContext {
  readonly t: Translate;
  readonly lang: Language;
  readonly areas: readonly PolicyArea[];
  readonly permalink: string;
  readonly cityHref: (slug: string) => string;
  readonly openCity: (slug: string) => void;
}

const STATUSES = ['active', 'ended', 'planned', 'unknown'] as const;

function statusText(t: Translate, status: string | null): string | null {
  if (status === null) return null;
  const known = STATUSES.find((s) => s === status);
  return known ? t(`practice.status.${known}` as MessageKey) : status;
}

/** "active · as of May 2019", with the mark when it needs checking. */
function status(context: PracticePanelContext, practice: PracticeDetail): HTMLElement | null {
  const { t, lang } = context;
  const text = statusText(t, practice.status);
  if (text === null) return null;
  return h(
    'span',
    { class: 'practice-status' },
    text,
    practice.statusAsOf ? h('span', { class: 'muted as-of' }, ` · ${datePhrase(t, 'fresh.asOf', practice.statusAsOf, lang)}`) : null,
    practice.needsChecking ? ' ' : null,
    practice.needsChecking ? checkMark(t) : null,
  );
}

/** How well the practice is sourced: one source, secondary sources. */
function reliability(t: Translate, practice: PracticeDetail): HTMLElement | null {
  const notes = [practice.singleSource ? t('practice.singleSource') : null, practice.confidence === 'medium' ? t('practice.confidenceMedium') : null].filter((x): x is string => x !== null);
  return notes.length > 0 ? h('p', { class: 'note reliability' }, notes.join(' ')) : null;
}

function years(t: Translate, practice: PracticeDetail): string | null {
  if (practice.started !== null && practice.ended !== null) return `${practice.started}–${practice.ended}`;
  if (practice.started !== null) return t('practice.since', { year: practice.started });
  if (practice.ended !== null) return `–${practice.ended}`;
  return null;
}

/** A contact is shown as a mail or web link when it is one, else as text. */
function contact(value: string | null): Child {
  if (value === null || value === '') return null;
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return externalLink(`mailto:${value}`, value);
  return safeUrl(value) ? externalLink(value, value) : value;
}

export function practiceBody(context: PracticePanelContext, practice: PracticeDetail): Child[] {
  const { t, lang } = context;
  const areaLabel = (slug: string): string => context.areas.find((a) => a.slug === slug)?.label ?? slug;
  const cityLink = h('a', { href: context.cityHref(practice.city.slug) }, practice.city.name);
  cityLink.addEventListener('click', (event) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    context.openCity(practice.city.slug);
  });
  const titleNote = contentBlock(t, lang, practice.title, practice.originalLang).slice(1);
  return [
    ...titleNote,
    practice.titleOriginal && practice.titleOriginal !== practice.title.text
      ? h('p', { class: 'muted' }, `${t('practice.originalTitle')}: `, h('span', { lang: practice.originalLang ?? undefined }, practice.titleOriginal))
      : null,
    h(
      'dl',
      { class: 'facts' },
      ...fact(t('practice.city'), cityLink),
      ...fact(t('practice.organisation'), practice.organisation),
      ...fact(t('practice.years'), years(t, practice)),
      ...fact(t('practice.status'), status(context, practice)),
      ...fact(t('practice.areas'), practice.policyAreas.map(areaLabel).join(', ')),
      ...fact(t('practice.contact'), contact(practice.contact)),
    ),
    practice.needsChecking ? checkNote(t) : null,
    ...(practice.summary ? [h('h3', {}, t('practice.summary')), ...contentBlock(t, lang, practice.summary, practice.originalLang)] : []),
    ...(practice.body ? [h('h3', {}, t('practice.description')), ...contentBlock(t, lang, practice.body, practice.originalLang)] : []),
    ...(practice.transferability ? [h('h3', {}, t('practice.transferability')), h('p', {}, practice.transferability)] : []),
    h('h3', {}, t('practice.sources')),
    reliability(t, practice),
    h(
      'ul',
      { class: 'sources' },
      ...practice.sources.map((s) =>
        h(
          'li',
          {},
          externalLink(s.url, s.title ?? s.url.replace(/^https?:\/\//, '')),
          s.accessedOn ? h('span', { class: 'muted' }, ` (${datePhrase(t, 'practice.accessed', s.accessedOn, lang)})`) : null,
        ),
      ),
    ),
    practice.updatedAt ? h('p', { class: 'muted' }, t('panel.updated', { date: formatDate(practice.updatedAt, lang) })) : null,
    citablePageLink(lang, 'practices', practice.slug),
    permalink(t, context.permalink),
  ];
}
