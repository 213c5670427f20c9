/**
 * The place search: a combobox (WAI-ARIA 1.2 pattern) over the gazetteer
 * (`/api/v1/places?q=`), which finds "Köln" from "koln" or "Cologne". Choosing a place flies
 * the map there; the app then opens the city, or says that the place is not listed yet.
 */

import type { HavenApi } from '../api/client';
import { isAbort } from '../api/client';
import type { Place } from '../api/types';
import type { Translate } from '../i18n';
import { h, replaceChildren } from '../ui/dom';

const DEBOUNCE_MS = 180;

export class SearchBox {
  private t: Translate = (key) => key;
  private places: readonly Place[] = [];
  private active = -1;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private controller: AbortController | null = null;
  private readonly input: HTMLInputElement;
  private readonly listbox: HTMLUListElement;
  private readonly status: HTMLElement;
  private readonly label: HTMLLabelElement;
  private readonly button: HTMLButtonElement;

  constructor(
    form: HTMLFormElement,
    private readonly api: HavenApi,
    private readonly onChoose: (place: Place) => void,
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
    this.listbox = h('ul', { id: 'search-results', role: 'listbox', class: 'search-results', hidden: true });
    this.status = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
    this.button = h('button', { type: 'submit', class: 'search-submit' });
    form.append(this.label, h('div', { class: 'search-row' }, this.input, this.button), this.listbox, this.status);
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

  setLanguage(t: Translate): void {
    this.t = t;
    this.label.textContent = t('search.label');
    this.input.placeholder = t('search.placeholder');
    this.button.textContent = t('search.submit');
    this.renderOptions();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.search();
    }, DEBOUNCE_MS);
  }

  private async search(): Promise<readonly Place[]> {
    const query = this.input.value.trim();
    this.controller?.abort();
    if (query.length < 2) {
      this.places = [];
      this.close();
      return [];
    }
    const controller = new AbortController();
    this.controller = controller;
    this.status.textContent = this.t('search.searching');
    try {
      const places = await this.api.places(query, 8, controller.signal);
      if (controller.signal.aborted) return [];
      this.places = places;
      this.active = -1;
      this.status.textContent = places.length === 0 ? this.t('search.none', { query }) : this.t('search.count', { count: places.length });
      this.renderOptions();
      return places;
    } catch (error) {
      if (isAbort(error)) return [];
      this.places = [];
      this.close();
      this.status.textContent = this.t('search.error');
      return [];
    }
  }

  private async submit(): Promise<void> {
    clearTimeout(this.timer);
    const chosen = this.places[this.active];
    if (chosen) {
      this.choose(chosen);
      return;
    }
    const places = await this.search();
    const first = places[0];
    if (first) this.choose(first);
  }

  private renderOptions(): void {
    if (this.places.length === 0) {
      this.close();
      return;
    }
    replaceChildren(
      this.listbox,
      ...this.places.map((place, index) => {
        const where = [place.region, place.country].filter((x): x is string => x !== null && x !== '').join(', ');
        const option = h(
          'li',
          { id: `search-option-${index}`, role: 'option', class: 'search-option', 'aria-selected': String(index === this.active) },
          h('span', { class: 'option-name' }, place.name),
          where === '' ? null : h('span', { class: 'option-where' }, ` ${where}`),
          h('span', { class: place.citySlug ? 'option-listed' : 'option-unlisted' }, place.citySlug ? this.t('search.listed') : this.t('search.notListed')),
        );
        option.addEventListener('mousedown', (event) => {
          event.preventDefault();
        });
        option.addEventListener('click', () => {
          this.choose(place);
        });
        return option;
      }),
    );
    this.listbox.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    if (this.active >= 0) this.input.setAttribute('aria-activedescendant', `search-option-${this.active}`);
    else this.input.removeAttribute('aria-activedescendant');
  }

  private keys(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      if (!this.listbox.hidden) {
        event.preventDefault();
        this.close();
      }
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    if (this.places.length === 0) return;
    event.preventDefault();
    const step = event.key === 'ArrowDown' ? 1 : -1;
    this.active = (this.active + step + this.places.length) % this.places.length;
    this.renderOptions();
  }

  private choose(place: Place): void {
    this.input.value = place.name;
    this.close();
    this.onChoose(place);
  }

  private close(): void {
    this.listbox.hidden = true;
    this.active = -1;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }
}
