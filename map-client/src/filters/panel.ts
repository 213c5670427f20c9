/**
 * The filter form: policy areas (several), network, country and region, how many cities
 * and practices match, and one button that clears everything. It only reports changes;
 * the app applies them to the map, the list and the URL together.
 */

import type { Network, PolicyArea, Region } from '../api/types';
import type { Translate } from '../i18n';
import { h, replaceChildren } from '../ui/dom';
import { type Filters, NO_FILTERS, hasFilters, toggle } from './filters';

export interface FilterOptions {
  readonly areas: readonly PolicyArea[];
  readonly networks: readonly Network[];
  readonly countries: readonly { readonly code: string; readonly name: string }[];
  readonly regions: readonly (Region & { readonly country: string })[];
}

export const NO_OPTIONS: FilterOptions = { areas: [], networks: [], countries: [], regions: [] };

export type Counts = { readonly cities: number; readonly practices: number } | 'loading' | null;

export class FilterPanel {
  private filters: Filters = NO_FILTERS;
  private options: FilterOptions = NO_OPTIONS;
  private t: Translate = (key) => key;
  private readonly form: HTMLFormElement;
  private readonly count: HTMLElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly onChange: (filters: Filters) => void,
  ) {
    this.form = h('form', { class: 'filters-form', 'aria-labelledby': 'filters-heading' });
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
    });
    this.count = h('p', { class: 'filters-count', id: 'filters-count', role: 'status', 'aria-live': 'polite' });
    this.show = h('button', { type: 'button', class: 'show-results' });
    this.show.addEventListener('click', () => {
      this.onShowResults();
    });
  }

  /** "Show N results", which the phone's filter sheet ends with (CSS shows it there only). */
  private readonly show: HTMLButtonElement;
  private counts: { readonly cities: number; readonly practices: number } | null = null;
  /** Called by the "Show N results" button. */
  onShowResults: () => void = () => undefined;

  render(t: Translate, options: FilterOptions, filters: Filters): void {
    this.t = t;
    this.options = options;
    this.filters = filters;
    const areaBoxes = options.areas.map((area) => {
      const id = `area-${area.slug}`;
      const box = h('input', { type: 'checkbox', id, name: 'area', value: area.slug, checked: filters.areas.includes(area.slug) });
      box.addEventListener('change', () => {
        this.change({ ...this.filters, areas: toggle(this.filters.areas, area.slug, box.checked) });
      });
      return h('li', {}, box, h('label', { for: id, title: area.description }, area.label));
    });
    const matchRadio = (value: 'any' | 'all', label: string): HTMLElement => {
      const id = `area-match-${value}`;
      const radio = h('input', { type: 'radio', id, name: 'area-match', value, checked: filters.areaMatch === value });
      radio.addEventListener('change', () => {
        if (radio.checked) this.change({ ...this.filters, areaMatch: value });
      });
      return h('li', {}, radio, h('label', { for: id }, label));
    };
    // Several ticked areas combine as the person says, in words, never silently.
    const areaMatch = h(
      'fieldset',
      { class: 'area-match' },
      h('legend', {}, t('filters.areaMatch')),
      h('ul', {}, matchRadio('any', t('filters.areaMatchAny')), matchRadio('all', t('filters.areaMatchAll'))),
    );
    const select = (
      id: string,
      label: string,
      values: readonly { value: string; label: string }[],
      current: string | null,
      set: (value: string | null) => Filters,
    ): HTMLElement => {
      const element = h(
        'select',
        { id, name: id },
        h('option', { value: '' }, t('filters.all')),
        ...values.map((v) => h('option', { value: v.value, selected: v.value === current }, v.label)),
      );
      element.addEventListener('change', () => {
        this.change(set(element.value === '' ? null : element.value));
      });
      return h('div', { class: 'filter-select' }, h('label', { for: id }, label), element);
    };
    const regions = options.regions.filter((r) => filters.countries.length === 0 || filters.countries.includes(r.country));
    const clear = h('button', { type: 'button', class: 'clear-filters', disabled: !hasFilters(filters) }, t('filters.clear'));
    clear.addEventListener('click', () => {
      this.change(NO_FILTERS);
    });
    replaceChildren(
      this.form,
      options.areas.length === 0
        ? null
        : h(
        'fieldset',
        { class: 'filter-areas' },
        h('legend', {}, t('filters.areas')),
        h('ul', {}, ...areaBoxes),
        areaMatch,
      ),
      select(
        'filter-network',
        t('filters.network'),
        options.networks.map((n) => ({ value: n.slug, label: n.name })),
        filters.networks[0] ?? null,
        (value) => ({ ...this.filters, networks: value === null ? [] : [value] }),
      ),
      select(
        'filter-country',
        t('filters.country'),
        options.countries.map((c) => ({ value: c.code, label: c.name })),
        filters.countries[0] ?? null,
        (value) => ({ ...this.filters, countries: value === null ? [] : [value], region: null }),
      ),
      select(
        'filter-region',
        t('filters.region'),
        regions.map((r) => ({ value: r.code, label: filters.countries.length === 1 ? r.name : `${r.name} (${r.country})` })),
        filters.region,
        (value) => ({ ...this.filters, region: value }),
      ),
      clear,
    );
    replaceChildren(
      this.root,
      h('h2', { id: 'filters-heading' }, t('filters.heading')),
      this.form,
      this.count,
      this.show,
    );
    this.setCounts(this.counts);
  }

  /** Shows new filters (from the URL or another control) without losing focus needlessly. */
  setFilters(filters: Filters): void {
    const regionsChanged = filters.countries.join() !== this.filters.countries.join();
    this.filters = filters;
    if (regionsChanged) {
      this.render(this.t, this.options, filters);
      return;
    }
    for (const box of this.form.querySelectorAll<HTMLInputElement>('input[name="area"]')) box.checked = filters.areas.includes(box.value);
    for (const radio of this.form.querySelectorAll<HTMLInputElement>('input[name="area-match"]')) radio.checked = radio.value === filters.areaMatch;
    const set = (id: string, value: string | null): void => {
      const element = this.form.querySelector<HTMLSelectElement>(`#${id}`);
      if (element) element.value = value ?? '';
    };
    set('filter-network', filters.networks[0] ?? null);
    set('filter-country', filters.countries[0] ?? null);
    set('filter-region', filters.region);
    const clear = this.form.querySelector<HTMLButtonElement>('.clear-filters');
    if (clear) clear.disabled = !hasFilters(filters);
  }

  setCounts(counts: Counts): void {
    if (counts === null) this.count.textContent = '';
    else if (counts === 'loading') this.count.textContent = this.t('filters.loading');
    else this.count.textContent = this.t('filters.matching', counts);
    if (counts !== 'loading') this.counts = counts;
    this.show.textContent = this.counts === null ? this.t('filters.showList') : this.t('filters.showResults', this.counts);
  }

  private change(filters: Filters): void {
    this.setFilters(filters);
    this.onChange(filters);
  }
}
