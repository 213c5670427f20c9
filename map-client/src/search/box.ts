/**
 * The search box: a combobox (WAI-ARIA 1.2 pattern) over everything Haven knows by name or
 * text (`/api/v1/search?q=`): places of the gazetteer ("Köln" from "koln" or "Cologne"),
 * listed cities, practices (full text with synonyms: "Krankenschein" finds "anonymer
 * Behandlungsschein") and policy areas, grouped. When nothing is found it says so and offers
 * similar words. Choosing a hit is reported to the app, which opens it.
 */

import type { HavenApi } from '../api/client';
import { isAbort } from '../api/http';
import type { Place, SearchResult } from '../api/types';
import type { Language, MessageKey, Translate } from '../i18n';
import { countryName } from '../i18n/format';
import { type Child, h, replaceChildren } from '../ui/dom';

const DEBOUNCE_MS = 180;

/** Hits per group. */
const PER_GROUP = 5;

/** One thing the search found, as the app opens it. */
export type SearchHit =
  | { readonly kind: 'place'; readonly place: Place }
  | { readonly kind: 'city'; readonly slug: string; readonly name: string }
  | { readonly kind: 'practice'; readonly slug: string; readonly title: string }
  | { readonly kind: 'area'; readonly slug: string; readonly label: string }
  | { readonly kind: 'suggestion'; readonly word: string };

/** An option of the list: what it opens and what it shows. */
interface Option {
  readonly hit: SearchHit;
  readonly content: readonly Child[];
  readonly lang?: string;
}

interface Group {
  readonly key: string;
  readonly label: string;
  readonly options: readonly Option[];
}

export class SearchBox {
  private t: Translate = (key) => key;
  private lang: Language = 'en';
  private groups: readonly Group[] = [];
  private options: readonly Option[] = [];
  private active = -1;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private controller: AbortController | null = null;
  private readonly input: HTMLInputElement;
  private readonly listbox: HTMLElement;
  private readonly empty: HTMLElement;
  /** Holds the "nothing found" message above the list, under the box. */
  private readonly popup: HTMLElement;
  private readonly status: HTMLElement;
  private readonly label: HTMLLabelElement;
  private readonly button: HTMLButtonElement;

  constructor(
    form: HTMLFormElement,
    private readonly api: HavenApi,
    private readonly onChoose: (hit: SearchHit) => void,
  ) {
    this.label = h('label', { for: 'search-input', class: 'visually-hidden' });
    this.input = h('input', {
      id: 'search-input',
      type: 'search',
      role: 'combobox',
      autocomplete: 'off',
      spellcheck: 'false',
      'aria-autocomplete': 'list',
      'aria-expanded': 'false',
      'aria-controls': 'search-results',
    });
    this.listbox = h('div', { id: 'search-results', role: 'listbox', class: 'search-results', hidden: true });
    this.empty = h('div', { class: 'search-empty', hidden: true });
    this.status = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
    this.button = h('button', { type: 'submit', class: 'search-submit' });
    this.popup = h('div', { class: 'search-popup', hidden: true }, this.empty, this.listbox);
    form.append(this.label, h('div', { class: 'search-row' }, this.input, this.button), this.popup, this.status);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
    this.input.addEventListener('input', () => {
      this.schedule();
    });
    this.input.addEventListener('keydown', (event) => {
      this.keys(event);
    });
    this.input.addEventListener('blur', () => {
      // Let a click on an option land before the list closes.
      setTimeout(() => {
        if (!form.contains(document.activeElement)) this.close();
      }, 150);
    });
  }

  setLanguage(t: Translate, lang: Language): void {
    this.t = t;
    this.lang = lang;
    this.label.textContent = t('search.label');
    this.input.placeholder = t('search.placeholder');
    this.button.textContent = t('search.submit');
    this.close();
  }

  /** Puts a text in the box and searches it (a suggestion chosen). */
  searchFor(text: string): void {
    this.input.value = text;
    this.input.focus();
    void this.search();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.search();
    }, DEBOUNCE_MS);
  }

  private async search(): Promise<readonly Option[]> {
    const query = this.input.value.trim();
    this.controller?.abort();
    if (query.length < 2) {
      this.show([], null);
      return [];
    }
    const controller = new AbortController();
    this.controller = controller;
    this.status.textContent = this.t('search.searching');
    try {
      const result = await this.api.search(query, this.lang, PER_GROUP, controller.signal);
      if (controller.signal.aborted) return [];
      this.show(this.grouped(result), result);
      return this.options;
    } catch (error) {
      if (isAbort(error)) return [];
      this.show([], null);
      this.status.textContent = this.t('search.error');
      return [];
    }
  }

  /** The answer as groups of options: places, then cities not already among the places, practices, policy areas. */
  private grouped(result: SearchResult): Group[] {
    const { t, lang } = this;
    const where = (parts: readonly (string | null)[]): string => parts.filter((x): x is string => x !== null && x !== '').join(', ');
    const placed = new Set(result.places.map((p) => p.citySlug).filter((s): s is string => s !== null));
    const cities = result.cities.filter((c) => !placed.has(c.slug));
    const heading = (key: MessageKey, shown: number, matched: number): string =>
      matched > shown ? t('search.groupMore', { group: t(key), shown, matched }) : t(key);
    const groups: Group[] = [
      {
        key: 'places',
        label: t('search.places'),
        options: result.places.map((place) => ({
          hit: { kind: 'place', place },
          content: [
            h('span', { class: 'option-name' }, place.name),
            h('span', { class: 'option-where' }, where([place.region, countryName(place.country, lang, place.country)])),
            h('span', { class: place.citySlug ? 'option-listed' : 'option-unlisted' }, place.citySlug ? t('search.listed') : t('search.notListed')),
          ],
        })),
      },
      {
        key: 'cities',
        label: heading('search.cities', cities.length, result.citiesMatched - (result.cities.length - cities.length)),
        options: cities.map((city) => ({
          hit: { kind: 'city', slug: city.slug, name: city.name },
          content: [h('span', { class: 'option-name' }, city.name), h('span', { class: 'option-where' }, countryName(city.country, lang, city.country))],
        })),
      },
      {
        key: 'practices',
        label: heading('search.practices', result.practices.length, result.practicesMatched),
        options: result.practices.map((practice) => ({
          hit: { kind: 'practice', slug: practice.slug, title: practice.title.text },
          lang: practice.title.lang,
          content: [h('span', { class: 'option-name' }, practice.title.text), h('span', { class: 'option-where' }, practice.city.name)],
        })),
      },
      {
        key: 'areas',
        label: t('search.areas'),
        options: result.policyAreas.map((area) => ({
          hit: { kind: 'area', slug: area.slug, label: area.label },
          content: [h('span', { class: 'option-name' }, area.label), h('span', { class: 'option-where' }, t('search.areaFilter', { count: area.practiceCount }))],
        })),
      },
      {
        key: 'suggestions',
        label: t('search.suggestions'),
        options: result.suggestions.map((word) => ({ hit: { kind: 'suggestion', word }, content: [h('span', { class: 'option-name' }, word)] })),
      },
    ];
    return groups.filter((g) => g.options.length > 0);
  }

  private show(groups: readonly Group[], result: SearchResult | null): void {
    this.groups = groups;
    this.options = groups.flatMap((g) => g.options);
    this.active = -1;
    const found = this.options.filter((o) => o.hit.kind !== 'suggestion').length;
    if (result === null) {
      this.empty.hidden = true;
      this.status.textContent = '';
    } else if (found === 0) {
      // Said on screen, not only to screen readers, with what to try instead.
      replaceChildren(
        this.empty,
        h('p', {}, this.t('search.none', { query: result.q })),
        h('p', { class: 'muted' }, this.t(result.suggestions.length > 0 ? 'search.tryThese' : 'search.hint')),
      );
      this.empty.hidden = false;
      this.status.textContent = this.t('search.none', { query: result.q });
    } else {
      this.empty.hidden = true;
      this.status.textContent = this.t('search.count', { count: found });
    }
    this.renderOptions();
  }

  private async submit(): Promise<void> {
    clearTimeout(this.timer);
    const chosen = this.options[this.active];
    if (chosen) {
      this.choose(chosen.hit);
      return;
    }
    const options = await this.search();
    const first = options[0];
    if (first) this.choose(first.hit);
  }

  private renderOptions(): void {
    this.popup.hidden = this.options.length === 0 && this.empty.hidden;
    if (this.options.length === 0) {
      this.listbox.hidden = true;
      replaceChildren(this.listbox);
      this.input.setAttribute('aria-expanded', 'false');
      this.input.removeAttribute('aria-activedescendant');
      return;
    }
    let index = 0;
    replaceChildren(
      this.listbox,
      ...this.groups.map((group) => {
        const labelId = `search-group-${group.key}`;
        return h(
          'div',
          { role: 'group', 'aria-labelledby': labelId, class: 'search-group', 'data-group': group.key },
          h('div', { role: 'presentation', id: labelId, class: 'search-group-label' }, group.label),
          ...group.options.map((option) => {
            const at = index;
            index += 1;
            const element = h(
              'div',
              { id: `search-option-${at}`, role: 'option', class: 'search-option', 'aria-selected': String(at === this.active), lang: option.lang === 'und' ? undefined : option.lang },
              ...option.content,
            );
            element.addEventListener('mousedown', (event) => {
              event.preventDefault();
            });
            element.addEventListener('click', () => {
              this.choose(option.hit);
            });
            return element;
          }),
        );
      }),
    );
    this.listbox.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    if (this.active >= 0) {
      this.input.setAttribute('aria-activedescendant', `search-option-${this.active}`);
      this.listbox.querySelector(`#search-option-${this.active}`)?.scrollIntoView({ block: 'nearest' });
    } else this.input.removeAttribute('aria-activedescendant');
  }

  private keys(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      if (!this.popup.hidden) {
        event.preventDefault();
        this.close();
      }
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    if (this.options.length === 0) return;
    event.preventDefault();
    const step = event.key === 'ArrowDown' ? 1 : -1;
    this.active = (this.active + step + this.options.length) % this.options.length;
    this.renderOptions();
  }

  private choose(hit: SearchHit): void {
    if (hit.kind === 'suggestion') {
      this.searchFor(hit.word);
      return;
    }
    this.input.value = hit.kind === 'place' ? hit.place.name : hit.kind === 'practice' ? hit.title : hit.kind === 'area' ? hit.label : hit.name;
    this.close();
    this.onChoose(hit);
  }

  private close(): void {
    this.show([], null);
  }
}
