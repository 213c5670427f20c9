/**
 * What every page over the map gets from the app: the language, both API clients, the
 * signed-in account, the listed cities and policy areas, and ways to move on (another page,
 * a city or practice panel) or to say that published data changed.
 */

import type { AccountApi } from '../api/account';
import type { Me } from '../api/parse-account';
import type { HavenApi } from '../api/client';
import type { CitySummary, Network, Place, PolicyArea } from '../api/types';
import type { Language, Translate } from '../i18n';
import { countryName } from '../i18n/format';
import type { Selection } from '../state/url';
import { type Child, h } from '../ui/dom';
import type { Page, PageName } from './page';

export interface ViewContext {
  readonly t: Translate;
  readonly lang: Language;
  readonly account: AccountApi;
  readonly api: HavenApi;
  readonly me: Me | null;
  readonly cities: readonly CitySummary[];
  readonly areas: readonly PolicyArea[];
  /** Every network, for the forms that name one. */
  readonly networks: readonly Network[];
  /** The city or practice the page is about (from the URL), if any. */
  readonly selection: Selection | null;
  readonly params: Readonly<Record<string, string>>;
  /** Opens another page (keeping `selection` unless given). */
  readonly go: (page: Page | null, selection?: Selection | null) => void;
  readonly href: (page: Page | null, selection?: Selection | null) => string;
  /** The account changed (signed in or out, a claim filed). */
  readonly setMe: (me: Me | null) => void;
  /** Published data changed: reload the list and the map's tiles. */
  readonly dataChanged: () => void;
}

/** What a page shows in the panel. */
export interface View {
  readonly kind: string;
  readonly title: string;
  readonly body: readonly Child[];
  /** Pages with tables side by side want more room on a desk. */
  readonly wide?: boolean;
}

/** A link to another page that opens in place. */
export function pageLink(context: ViewContext, name: PageName, label: string, params: Readonly<Record<string, string>> = {}, selection?: Selection | null): HTMLAnchorElement {
  const page: Page = { name, params };
  const link = h('a', { href: context.href(page, selection), 'data-page': name }, label);
  link.addEventListener('click', (event) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    context.go(page, selection);
  });
  return link;
}

/** A place as people recognise it: "Dinslaken, Nordrhein-Westfalen, Deutschland". */
export function placeLabel(place: Place, lang: Language): string {
  return [place.name, place.district, place.region, countryName(place.country, lang, place.country)].filter((x) => x !== null && x !== '').join(', ');
}

/**
 * A search in the gazetteer: a labelled input, a button and the hits as buttons. `onPick`
 * gets the chosen place.
 */
export function placePicker(context: ViewContext, id: string, label: string, onPick: (place: Place) => void): HTMLElement {
  const { t } = context;
  const input = h('input', { type: 'search', id, autocomplete: 'off', 'aria-describedby': `${id}-status` });
  const button = h('button', { type: 'button' }, t('search.submit'));
  const status = h('p', { class: 'hint', id: `${id}-status`, role: 'status' });
  const hits = h('ul', { class: 'place-hits' });
  const run = (): void => {
    const query = input.value.trim();
    if (query === '') return;
    status.textContent = t('search.searching');
    context.api.places(query, 8).then(
      (places) => {
        hits.replaceChildren(
          ...places.map((place) => {
            const choose = h('button', { type: 'button', class: 'place-hit', 'data-place': place.id }, placeLabel(place, context.lang), place.citySlug ? ` (${t('search.listed')})` : '');
            choose.addEventListener('click', () => {
              onPick(place);
              status.textContent = t('picker.chosen', { name: placeLabel(place, context.lang) });
              hits.replaceChildren();
            });
            return h('li', {}, choose);
          }),
        );
        status.textContent = places.length === 0 ? t('search.none', { query }) : t('picker.count', { count: places.length });
      },
      () => {
        status.textContent = t('search.error');
      },
    );
  };
  button.addEventListener('click', run);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      run();
    }
  });
  return h('div', { class: 'place-picker' }, h('label', { for: id }, label), h('div', { class: 'picker-row' }, input, button), status, hits);
}
