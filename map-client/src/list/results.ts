/**
 * The list view: the same cities and practices the map shows for the current filters, as
 * sortable tables. It is the accessible equivalent of the map, so it is real table markup
 * (caption, column headers with `aria-sort`, one link per row that opens the same panel a
 * click on the map opens) and the arrow keys move between rows.
 */

import { type CitySummary, type PolicyArea, type PracticeSummary, cityCategory } from '../api/types';
import type { Language, Translate } from '../i18n';
import { countryName } from '../i18n/format';
import type { MessageKey } from '../i18n';
import { CATEGORY_COLORS } from '../map/layers';
import { h, replaceChildren } from '../ui/dom';
import { type SortKey, type SortState, sortCities, sortPractices } from './sort';

export type ResultKind = 'cities' | 'practices';

export interface ResultsData {
  readonly cities: readonly CitySummary[];
  readonly practices: readonly PracticeSummary[];
  readonly citiesMatched: number;
  readonly practicesMatched: number;
}

export interface ResultsContext {
  readonly t: Translate;
  readonly lang: Language;
  readonly areas: readonly PolicyArea[];
  /** The link that opens a city or practice (a permalink, so it also works in a new tab). */
  readonly href: (kind: 'city' | 'practice', slug: string) => string;
}

export class ResultsList {
  private kind: ResultKind = 'cities';
  private sort: SortState = { key: 'name', descending: false };
  private data: ResultsData | 'loading' | null = null;
  private context: ResultsContext | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly onOpen: (kind: 'city' | 'practice', slug: string) => void,
  ) {
    root.addEventListener('keydown', (event) => {
      this.arrowKeys(event);
    });
  }

  update(context: ResultsContext, data: ResultsData | 'loading' | null): void {
    this.context = context;
    this.data = data;
    this.render();
  }

  private render(): void {
    const context = this.context;
    if (!context) return;
    const { t } = context;
    const data = this.data;
    const counts = data !== null && data !== 'loading' ? { cities: data.citiesMatched, practices: data.practicesMatched } : null;
    const tab = (kind: ResultKind, key: MessageKey): HTMLElement => {
      const button = h(
        'button',
        { type: 'button', class: 'result-kind', 'aria-pressed': String(this.kind === kind), 'data-kind': kind },
        t(key, { count: counts ? counts[kind] : '…' }),
      );
      button.addEventListener('click', () => {
        this.kind = kind;
        this.sort = { key: kind === 'cities' ? 'name' : 'title', descending: false };
        this.render();
        this.root.querySelector<HTMLElement>(`[data-kind="${kind}"]`)?.focus();
      });
      return button;
    };
    let body: HTMLElement;
    if (data === 'loading') body = h('p', { class: 'results-note' }, t('results.loading'));
    else if (data === null) body = h('p', { class: 'results-note' });
    else if ((this.kind === 'cities' ? data.cities.length : data.practices.length) === 0) body = h('p', { class: 'results-note' }, t('results.empty'));
    else body = this.kind === 'cities' ? this.citiesTable(context, data.cities) : this.practicesTable(context, data.practices);
    replaceChildren(
      this.root,
      h('h2', { id: 'results-heading', tabindex: '-1' }, t('results.heading')),
      h('div', { class: 'result-kinds', role: 'group', 'aria-label': t('results.kind') }, tab('cities', 'results.cities'), tab('practices', 'results.practices')),
      body,
    );
  }

  private header(context: ResultsContext, key: SortKey, label: string, numeric = false): HTMLElement {
    const active = this.sort.key === key;
    const button = h('button', { type: 'button', class: 'sort', 'aria-label': context.t('results.sortBy', { column: label }) }, label, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, active ? (this.sort.descending ? ' ▼' : ' ▲') : ''));
    button.addEventListener('click', () => {
      this.sort = { key, descending: active ? !this.sort.descending : numeric };
      this.render();
      this.root.querySelector<HTMLElement>(`th[data-key="${key}"] button`)?.focus();
    });
    return h('th', { scope: 'col', 'data-key': key, 'aria-sort': active ? (this.sort.descending ? 'descending' : 'ascending') : false }, button);
  }

  private link(context: ResultsContext, kind: 'city' | 'practice', slug: string, text: string, lang?: string): HTMLElement {
    const a = h('a', { href: context.href(kind, slug), class: 'row-link', lang }, text);
    a.addEventListener('click', (event) => {
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      this.onOpen(kind, slug);
    });
    return a;
  }

  private citiesTable(context: ResultsContext, cities: readonly CitySummary[]): HTMLElement {
    const { t, lang } = context;
    const rows = sortCities(cities, this.sort, lang).map((city) => {
      const category = cityCategory(city);
      return h(
        'tr',
        {},
        h('th', { scope: 'row' }, this.link(context, 'city', city.slug, city.name)),
        h('td', {}, countryName(city.country, lang, city.countryName)),
        h('td', {}, h('span', { class: 'dot', style: `background:${CATEGORY_COLORS[category]}`, 'aria-hidden': 'true' }), h('span', { title: t(`category.${category}`) }, t(`categoryShort.${category}`))),
        h('td', { class: 'num' }, city.practiceCount),
      );
    });
    return h(
      'table',
      { class: 'results-table' },
      h('caption', { class: 'visually-hidden' }, t('results.citiesCaption')),
      h('thead', {}, h('tr', {}, this.header(context, 'name', t('column.name')), this.header(context, 'country', t('column.country')), this.header(context, 'category', t('column.category')), this.header(context, 'practices', t('column.practices'), true))),
      h('tbody', {}, ...rows),
    );
  }

  private practicesTable(context: ResultsContext, practices: readonly PracticeSummary[]): HTMLElement {
    const { t, lang, areas } = context;
    const label = (slug: string): string => areas.find((a) => a.slug === slug)?.label ?? slug;
    const rows = sortPractices(practices, this.sort, lang).map((practice) =>
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, this.link(context, 'practice', practice.slug, practice.title.text, practice.title.lang)),
        h('td', {}, practice.city.name),
        h('td', {}, practice.policyAreas.map(label).join(', ')),
      ),
    );
    return h(
      'table',
      { class: 'results-table' },
      h('caption', { class: 'visually-hidden' }, t('results.practicesCaption')),
      h('thead', {}, h('tr', {}, this.header(context, 'title', t('column.title')), this.header(context, 'city', t('column.city')), h('th', { scope: 'col' }, t('column.areas')))),
      h('tbody', {}, ...rows),
    );
  }

  /** Up and down arrows move between the rows' links, Home and End to the first and last. */
  private arrowKeys(event: KeyboardEvent): void {
    const target = event.target;
    if (!(target instanceof HTMLElement) || !target.classList.contains('row-link')) return;
    const links = [...this.root.querySelectorAll<HTMLElement>('.row-link')];
    const index = links.indexOf(target);
    const next = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: links.length - 1 }[event.key];
    if (next === undefined) return;
    const link = links[Math.max(0, Math.min(links.length - 1, next))];
    if (!link) return;
    event.preventDefault();
    link.focus();
  }
}
