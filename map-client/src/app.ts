/**
 * The app: one state (language, filters, open city or practice, map view, map or list),
 * kept in the URL, and every part of the page updated from it. Changes flow one way:
 * a control reports a change → the state changes → URL, map, list, counts and panel follow.
 */

import type { StyleSpecification } from 'maplibre-gl';
import { AccountApi, type Me, isModerator } from './api/account';
import { ApiError, HavenApi, isAbort } from './api/client';
import { confirmEmailView, forgotPasswordView, resetPasswordView, signInView, signUpView } from './account/pages';
import { accountView } from './account/settings';
import { editorView } from './editor/dashboard';
import { moderationView } from './moderation/console';
import { historyView } from './moderation/history';
import { addCityView, correctionView, statusView, suggestPracticeView } from './suggest/forms';
import type { View, ViewContext } from './views/context';
import { type Page, type PageName, parsePage, writePage } from './views/page';
import type { CitySummary, Network, Place, PolicyArea, PracticeSummary } from './api/types';
import { type Filters, NO_FILTERS, hasFilters, sameFilters } from './filters/filters';
import { type FilterOptions, FilterPanel } from './filters/panel';
import { DICTIONARIES, LANGUAGES, type Language, type Translate, negotiateLanguage, translator } from './i18n';
import { countryName } from './i18n/format';
import { ResultsList } from './list/results';
import { DEFAULT_VIEW, HavenMap, type MapPick, loadBaseStyle, warmUpMap } from './map';
import { renderLegend } from './map/legend';
import { cityBody } from './panels/city';
import { DetailPanel } from './panels/detail';
import { practiceBody } from './panels/practice';
import { SearchBox } from './search/box';
import { type MapView, type Mode, type Selection, parseUrlState, serializeUrlState } from './state/url';
import { byId, h } from './ui/dom';
import { StatusBar, reason } from './ui/status';

declare global {
  interface Window {
    /** The map instance, for browser tests and debugging. */
    __havenMap?: HavenMap['map'];
  }
}

interface State {
  readonly lang: Language;
  readonly filters: Filters;
  readonly selection: Selection | null;
  readonly mode: Mode;
  readonly view: MapView | null;
}


/** Stands for the slug in a link template ({@link App.href}); never a valid slug. */
const SLUG_MARK = '__HAVEN_SLUG__';
/** The site root (`http://host/`), which the API, tiles and style hang under. */
function siteRoot(): string {
  return new URL('./', document.baseURI).href;
}

/** The zoom at which a single city is shown when the app flies to it. */
const CITY_ZOOM = 9;

export class App {
  private state: State;
  private readonly api = new HavenApi(new URL('api/v1/', siteRoot()));
  private readonly account = new AccountApi(new URL('api/v1/', siteRoot()));
  /** The signed-in account (null when signed out or not known yet). */
  private me: Me | null = null;
  /** The page over the map (a form, a dashboard), if one is open. */
  private page: Page | null = null;
  private t: Translate;
  private map: HavenMap | null = null;
  private areas: readonly PolicyArea[] = [];
  private networks: readonly Network[] = [];
  private allCities: readonly CitySummary[] = [];
  private cities: readonly CitySummary[] = [];
  private practices: readonly PracticeSummary[] = [];
  private matched = { cities: 0, practices: 0 };
  private resultsController: AbortController | null = null;
  private detailController: AbortController | null = null;
  private readonly status = new StatusBar(byId('status'));
  private readonly filterPanel: FilterPanel;
  private readonly results: ResultsList;
  private readonly detail: DetailPanel;
  private readonly search: SearchBox;
  private readonly resultsRoot = byId('results');

  constructor() {
    const initial = parseUrlState(window.location.href);
    this.state = {
      lang: initial.lang ?? negotiateLanguage(navigator.languages),
      filters: { areas: initial.areas, networks: initial.networks, countries: initial.countries, region: initial.region },
      selection: initial.selection ?? null,
      mode: initial.mode ?? 'map',
      view: initial.view ?? null,
    };
    this.page = parsePage(window.location.href, siteRoot());
    this.t = translator(this.state.lang);
    this.filterPanel = new FilterPanel(byId('filters'), (filters) => {
      this.setFilters(filters);
    });
    this.results = new ResultsList(this.resultsRoot, (kind, slug) => {
      this.open({ kind, slug }, { fly: true });
    });
    this.detail = new DetailPanel(byId('detail'), () => {
      // Closing a page about a city or practice returns to its panel.
      this.open(this.page !== null ? this.state.selection : null);
    });
    this.search = new SearchBox(byId('search', HTMLFormElement), this.api, (place) => {
      this.choosePlace(place);
    });
  }

  async start(): Promise<void> {
    this.setupChrome();
    this.renderChrome();
    this.status.loading(this.t);
    warmUpMap();
    window.addEventListener('popstate', () => {
      this.fromUrl();
    });
    this.renderAccountNav();
    const signedIn = this.account.me().then(
      (me) => {
        this.me = me;
        this.renderAccountNav();
      },
      () => undefined,
    );
    // Pages that need no reference data show at once; the others once it is loaded, so a
    // form is never rendered twice under someone typing into it.
    if (this.page && !App.NEEDS_REFERENCE.includes(this.page.name)) {
      await signedIn;
      this.showPage();
    }
    const { style } = await loadBaseStyle(siteRoot());
    this.createMap(style);
    await this.loadReference();
    await signedIn;
    if (this.page) {
      if (App.NEEDS_REFERENCE.includes(this.page.name)) this.showPage();
    } else if (this.state.selection) this.open(this.state.selection, { fly: this.state.view === null, history: 'none' });
  }

  // ---- state changes -----------------------------------------------------------------

  private setFilters(filters: Filters): void {
    if (sameFilters(filters, this.state.filters)) return;
    this.state = { ...this.state, filters };
    this.writeUrl('replace');
    this.filterPanel.setFilters(filters);
    this.map?.applyFilters(filters);
    void this.loadResults();
  }

  private setLanguage(lang: Language): void {
    if (lang === this.state.lang) return;
    this.state = { ...this.state, lang };
    this.t = translator(lang);
    this.writeUrl('replace');
    this.renderChrome();
    this.renderAccountNav();
    void this.loadReference().then(() => {
      if (this.page) this.showPage();
      else if (this.state.selection) this.open(this.state.selection, { fly: false, history: 'none' });
    });
  }

  private setMode(mode: Mode): void {
    if (mode === this.state.mode) return;
    this.state = { ...this.state, mode };
    this.writeUrl('push');
    this.applyMode();
    if (mode === 'list') this.resultsRoot.querySelector<HTMLElement>('#results-heading')?.focus();
  }

  /** Opens a city or practice panel (or closes it with `null`). */
  private open(selection: Selection | null, options: { fly?: boolean; history?: 'push' | 'replace' | 'none' } = {}): void {
    const same = this.page === null && selection?.kind === this.state.selection?.kind && selection?.slug === this.state.selection?.slug;
    this.page = null;
    document.body.classList.remove('page-open', 'page-wide');
    this.state = { ...this.state, selection };
    if (!same || options.history !== undefined) {
      const history = options.history ?? 'push';
      if (history !== 'none') this.writeUrl(history);
    }
    this.map?.select(selection);
    this.detailController?.abort();
    if (selection === null) {
      this.detail.hide();
      document.title = this.t('app.name');
      return;
    }
    void this.loadDetail(selection, options.fly ?? false);
  }

  /** Reads the state again from the URL (Back, Forward, an edited address). */
  private fromUrl(): void {
    const next = parseUrlState(window.location.href);
    const filters: Filters = { areas: next.areas, networks: next.networks, countries: next.countries, region: next.region };
    if (next.lang && next.lang !== this.state.lang) this.setLanguage(next.lang);
    this.setFilters(filters);
    const mode = next.mode ?? 'map';
    if (mode !== this.state.mode) {
      this.state = { ...this.state, mode };
      this.applyMode();
    }
    if (next.view) this.map?.jumpTo(next.view);
    const page = parsePage(window.location.href, siteRoot());
    if (page !== null) {
      this.page = page;
      this.state = { ...this.state, selection: next.selection ?? null };
      this.showPage();
      return;
    }
    if (this.page !== null) {
      this.page = null;
      document.body.classList.remove('page-open', 'page-wide');
      this.state = { ...this.state, selection: next.selection ?? null };
      if (this.state.selection) this.open(this.state.selection, { fly: false, history: 'none' });
      else this.detail.hide();
      return;
    }
    const selection = next.selection ?? null;
    if (selection?.slug !== this.state.selection?.slug || selection?.kind !== this.state.selection?.kind) {
      this.open(selection, { fly: false, history: 'none' });
    }
  }

  private writeUrl(how: 'push' | 'replace'): void {
    const url = this.urlFor(this.page, this.state.selection);
    if (url.href === window.location.href) return;
    if (how === 'push') window.history.pushState(null, '', url);
    else window.history.replaceState(window.history.state, '', url);
  }

  /** The URL of this view with another page and selection. */
  private urlFor(page: Page | null, selection: Selection | null): URL {
    const url = serializeUrlState(
      {
        lang: this.state.lang,
        ...this.state.filters,
        ...(selection ? { selection } : {}),
        mode: this.state.mode,
        ...(this.state.view ? { view: this.state.view } : {}),
      },
      window.location.href,
    );
    return writePage(url, page, siteRoot());
  }

  /**
   * A link that opens a city or practice in this view (used for list rows and panel links).
   * Built from one serialised URL per kind and view, with the slug put in its place: a list
   * of 300 rows would otherwise parse and serialise 300 URLs.
   */
  private href(kind: 'city' | 'practice', slug: string): string {
    const key = `${kind} ${window.location.href} ${JSON.stringify(this.state)}`;
    let template = this.hrefTemplates.get(kind);
    if (template?.key !== key) {
      template = { key, parts: this.urlFor(null, { kind, slug: SLUG_MARK }).href.split(SLUG_MARK) };
      this.hrefTemplates.set(kind, template);
    }
    return template.parts.join(encodeURIComponent(slug));
  }

  private readonly hrefTemplates = new Map<'city' | 'practice', { key: string; parts: string[] }>();


  /** The permanent link of a city or practice: just what it is, nothing of this view. */
  private permalink(kind: 'city' | 'practice', slug: string): string {
    const url = new URL(siteRoot());
    url.searchParams.set(kind, slug);
    return url.href;
  }

  // ---- the map ------------------------------------------------------------------------

  private createMap(style: StyleSpecification): void {
    const container = byId('map');
    this.map = new HavenMap({
      container,
      style,
      root: siteRoot(),
      view: this.state.view ?? DEFAULT_VIEW,
      onPick: (pick) => {
        this.pick(pick);
      },
      onMove: (view) => {
        this.state = { ...this.state, view };
        this.writeUrl('replace');
      },
      onTileError: () => {
        if (!this.status.showsError) this.status.error(this.t, this.t('status.tiles'));
      },
    });
    window.__havenMap = this.map.map;
    this.map.applyFilters(this.state.filters);
    this.map.select(this.state.selection);
  }

  private pick(pick: MapPick): void {
    if (pick.kind === 'cluster') {
      const map = this.map?.map;
      map?.easeTo({ center: [pick.lon, pick.lat], zoom: Math.min(map.getZoom() + 2, 14) });
      return;
    }
    this.open({ kind: pick.kind, slug: pick.slug });
  }

  private choosePlace(place: Place): void {
    this.map?.flyTo(place.lon, place.lat, CITY_ZOOM, this.panelPadding());
    if (place.citySlug !== null) {
      this.open({ kind: 'city', slug: place.citySlug });
      return;
    }
    this.open(null);
    this.showNotListed(place);
  }

  // ---- data ---------------------------------------------------------------------------

  /** Policy areas, networks and all cities (for the filter choices), then the results. */
  private async loadReference(): Promise<void> {
    const { lang } = this.state;
    try {
      const [areas, networks, all] = await Promise.all([
        this.api.policyAreas(lang),
        this.api.networks(lang),
        this.api.cities(NO_FILTERS, lang),
      ]);
      if (lang !== this.state.lang) return;
      this.areas = [...areas].sort((a, b) => a.position - b.position);
      this.networks = [...networks].sort((a, b) => a.name.localeCompare(b.name, lang));
      this.allCities = all.items;
      this.filterPanel.render(this.t, this.filterOptions(), this.state.filters);
      await this.loadResults();
    } catch (error) {
      this.failed(error, () => {
        this.status.loading(this.t);
        void this.loadReference();
      });
    }
  }

  private filterOptions(): FilterOptions {
    const { lang } = this.state;
    const countries = new Map<string, string>();
    const regions = new Map<string, { code: string; name: string; country: string }>();
    for (const city of this.allCities) {
      countries.set(city.country, countryName(city.country, lang, city.countryName));
      if (city.region) regions.set(city.region.code, { ...city.region, country: city.country });
    }
    const collator = new Intl.Collator(lang);
    return {
      areas: this.areas,
      networks: this.networks,
      countries: [...countries].map(([code, name]) => ({ code, name })).sort((a, b) => collator.compare(a.name, b.name)),
      regions: [...regions.values()].sort((a, b) => collator.compare(a.name, b.name)),
    };
  }

  /** The cities and practices that match the filters: the list and the counts. */
  private async loadResults(): Promise<void> {
    this.resultsController?.abort();
    const controller = new AbortController();
    this.resultsController = controller;
    const { filters, lang } = this.state;
    this.resultsRoot.dataset.results = 'loading';
    this.filterPanel.setCounts('loading');
    try {
      const [cities, practices] = await Promise.all([
        hasFilters(filters) || this.allCities.length === 0
          ? this.api.cities(filters, lang, controller.signal)
          : Promise.resolve({ items: this.allCities, numberMatched: this.allCities.length }),
        this.api.practices(filters, lang, controller.signal),
      ]);
      if (controller.signal.aborted) return;
      this.cities = cities.items;
      this.practices = practices.items;
      this.matched = { cities: cities.numberMatched, practices: practices.numberMatched };
      this.renderResults();
      this.filterPanel.setCounts(this.matched);
      this.resultsRoot.dataset.results = 'ready';
      if (!this.status.showsError) this.status.clear();
    } catch (error) {
      if (isAbort(error)) return;
      this.filterPanel.setCounts(null);
      this.failed(error, () => {
        void this.loadResults();
      });
    }
  }

  private renderResults(): void {
    this.results.update(
      { t: this.t, lang: this.state.lang, areas: this.areas, href: (kind, slug) => this.href(kind, slug) },
      { cities: this.cities, practices: this.practices, citiesMatched: this.matched.cities, practicesMatched: this.matched.practices },
    );
  }

  private failed(error: unknown, retry: () => void): void {
    this.resultsRoot.dataset.results = 'error';
    this.results.update({ t: this.t, lang: this.state.lang, areas: this.areas, href: (kind, slug) => this.href(kind, slug) }, null);
    this.status.error(this.t, this.t('status.error', { reason: reason(this.t, error) }), () => {
      this.status.clear();
      retry();
    });
  }

  private async loadDetail(selection: Selection, fly: boolean): Promise<void> {
    const controller = new AbortController();
    this.detailController = controller;
    const { t } = this;
    const kindLabel = t(selection.kind === 'city' ? 'city.kind' : 'practice.kind');
    const known = selection.kind === 'city' ? this.cities.find((c) => c.slug === selection.slug)?.name : this.practices.find((p) => p.slug === selection.slug)?.title.text;
    this.detail.show(t, kindLabel, known ?? t('panel.loading'), [h('p', { class: 'muted' }, t('panel.loading'))], { focus: false });
    try {
      const lang = this.state.lang;
      if (selection.kind === 'city') {
        const city = await this.api.city(selection.slug, lang, controller.signal);
        if (controller.signal.aborted) return;
        if (city.slug !== selection.slug) this.open({ kind: 'city', slug: city.slug }, { history: 'replace' });
        document.title = `${city.name} – ${t('app.name')}`;
        this.detail.show(
          t,
          kindLabel,
          city.name,
          [
            ...cityBody(
              {
                t,
                lang,
                areas: this.areas,
                permalink: this.permalink('city', city.slug),
                practiceHref: (slug) => this.href('practice', slug),
                openPractice: (slug) => {
                  this.open({ kind: 'practice', slug }, { fly: true });
                },
              },
              city,
            ),
            this.panelActions('city', city.slug),
          ],
        );
        if (fly) this.map?.flyTo(city.lon, city.lat, CITY_ZOOM, this.panelPadding());
      } else {
        const practice = await this.api.practice(selection.slug, lang, controller.signal);
        if (controller.signal.aborted) return;
        document.title = `${practice.title.text} – ${t('app.name')}`;
        this.detail.show(
          t,
          kindLabel,
          practice.title.text,
          [
            ...practiceBody(
              {
                t,
                lang,
                areas: this.areas,
                permalink: this.permalink('practice', practice.slug),
                cityHref: (slug) => this.href('city', slug),
                openCity: (slug) => {
                  this.open({ kind: 'city', slug }, { fly: true });
                },
              },
              practice,
            ),
            this.panelActions('practice', practice.slug),
          ],
          { titleLang: practice.title.lang === 'und' ? undefined : practice.title.lang },
        );
        if (fly) this.map?.flyTo(practice.lon, practice.lat, CITY_ZOOM, this.panelPadding());
      }
    } catch (error) {
      if (isAbort(error)) return;
      const message = error instanceof ApiError && error.notFound ? t('panel.notFound') : t('panel.error', { reason: reason(t, error) });
      this.detail.show(t, kindLabel, known ?? selection.slug, [h('p', { class: 'panel-error', role: 'alert' }, message)]);
    }
  }

  private showNotListed(place: Place): void {
    const { t } = this;
    const suggest = h('button', { type: 'button', class: 'suggest' }, t('place.suggest'));
    suggest.addEventListener('click', () => {
      this.goPage({ name: 'add-city', params: { place: place.id, name: place.name } }, null);
    });
    const where = [place.district, place.region, countryName(place.country, this.state.lang, place.country)].filter((x): x is string => x !== null && x !== '').join(', ');
    this.detail.show(t, t('search.notListed'), place.name, [h('p', { class: 'muted' }, where), h('p', { class: 'not-listed' }, t('place.notListed', { name: place.name })), suggest]);
  }

  // ---- pages over the map (forms, dashboards) ---------------------------------------------

  /** Opens a page (or closes it with `null`, showing `selection` if any). */
  private goPage(page: Page | null, selection: Selection | null = this.state.selection): void {
    if (page === null) {
      this.open(selection, { history: 'push', fly: false });
      return;
    }
    this.page = page;
    this.state = { ...this.state, selection };
    this.writeUrl('push');
    this.showPage();
  }

  private viewContext(page: Page): ViewContext {
    return {
      t: this.t,
      lang: this.state.lang,
      account: this.account,
      api: this.api,
      me: this.me,
      cities: this.allCities,
      areas: this.areas,
      selection: this.state.selection,
      params: page.params,
      go: (next, selection) => {
        this.goPage(next, selection === undefined ? this.state.selection : selection);
      },
      href: (next, selection) => this.urlFor(next, selection === undefined ? this.state.selection : selection).href,
      setMe: (me) => {
        this.me = me;
        this.renderAccountNav();
      },
      dataChanged: () => {
        this.map?.refreshData();
        void this.loadReference();
      },
    };
  }

  /** Pages whose forms list the cities or policy areas. */
  private static readonly NEEDS_REFERENCE: readonly PageName[] = ['suggest-practice', 'editor'];

  private static readonly VIEWS: Readonly<Record<PageName, (context: ViewContext) => View>> = {
    signin: signInView,
    signup: signUpView,
    'forgot-password': forgotPasswordView,
    'reset-password': resetPasswordView,
    'confirm-email': confirmEmailView,
    'add-city': addCityView,
    'suggest-practice': suggestPracticeView,
    'suggest-correction': correctionView,
    status: statusView,
    editor: editorView,
    moderation: moderationView,
    history: historyView,
    account: accountView,
  };

  /** Under a city or practice: suggest a correction (or a practice), and the history. */
  private panelActions(kind: 'city' | 'practice', slug: string): HTMLElement {
    const { t } = this;
    const selection: Selection = { kind, slug };
    const link = (name: PageName, label: string): HTMLElement => {
      const page: Page = { name, params: {} };
      const a = h('a', { href: this.urlFor(page, selection).href, 'data-page': name }, label);
      a.addEventListener('click', (event) => {
        if (event.ctrlKey || event.metaKey || event.shiftKey) return;
        event.preventDefault();
        this.goPage(page, selection);
      });
      return h('li', {}, a);
    };
    return h(
      'ul',
      { class: 'panel-actions' },
      link('suggest-correction', t('suggest.correction')),
      kind === 'city' ? link('suggest-practice', t('suggest.practice')) : null,
      link('history', t('history.title')),
    );
  }

  /** Renders the open page in the panel. */
  private showPage(): void {
    const page = this.page;
    if (page === null) return;
    this.detailController?.abort();
    this.map?.select(this.state.selection);
    const view = App.VIEWS[page.name](this.viewContext(page));
    document.title = `${view.title} – ${this.t('app.name')}`;
    document.body.classList.add('page-open');
    document.body.classList.toggle('page-wide', view.wide === true);
    this.detail.show(this.t, view.kind, view.title, view.body);
    byId('detail').dataset.page = page.name;
  }

  /** Header links: add your city, and sign in / the account's pages / sign out. */
  private renderAccountNav(): void {
    const { t } = this;
    const nav = byId('account-nav');
    nav.setAttribute('aria-label', t('nav.label'));
    const link = (name: PageName, label: string): HTMLElement => {
      const page: Page = { name, params: {} };
      const a = h('a', { href: this.urlFor(page, null).href, 'data-page': name }, label);
      a.addEventListener('click', (event) => {
        if (event.ctrlKey || event.metaKey || event.shiftKey) return;
        event.preventDefault();
        this.goPage(page, null);
      });
      return h('li', {}, a);
    };
    const items: HTMLElement[] = [link('add-city', t('nav.addCity'))];
    if (this.me === null) items.push(link('signin', t('account.signIn')));
    else {
      items.push(link('editor', t('nav.myCity')));
      if (isModerator(this.me.user)) items.push(link('moderation', t('moderation.title')));
      items.push(link('account', t('nav.account')));
      const out = h('button', { type: 'button', class: 'link-button', 'data-action': 'signout' }, t('account.signOut'));
      out.addEventListener('click', () => {
        void this.account.logout().finally(() => {
          this.me = null;
          this.renderAccountNav();
          if (this.page) this.showPage();
          this.status.notice(t('account.signedOut'));
        });
      });
      items.push(h('li', {}, out));
    }
    nav.replaceChildren(h('ul', {}, ...items));
  }

  // ---- chrome -------------------------------------------------------------------------

  private setupChrome(): void {
    const language = byId('language', HTMLSelectElement);
    for (const lang of LANGUAGES) language.append(h('option', { value: lang, lang }, DICTIONARIES[lang]['language.name']));
    language.addEventListener('change', () => {
      const value = LANGUAGES.find((l) => l === language.value);
      if (value) this.setLanguage(value);
    });
    byId('filters-toggle').addEventListener('click', () => {
      this.toggleFilters();
    });
    byId('skip-link').addEventListener('click', (event) => {
      event.preventDefault();
      if (this.isPhone()) this.setMode('list');
      this.resultsRoot.querySelector<HTMLElement>('#results-heading')?.focus();
    });
    window.matchMedia('(max-width: 720px)').addEventListener('change', () => {
      this.map?.resize();
    });
    this.applyMode();
  }

  /** The part of the map a panel covers: the right side on a desk, the bottom on a phone. */
  private panelPadding(): { right?: number; bottom?: number } {
    const map = byId('map');
    return this.isPhone() ? { bottom: Math.round(map.clientHeight * 0.6) } : { right: byId('detail').offsetWidth || 400 };
  }

  private isPhone(): boolean {
    return window.matchMedia('(max-width: 720px)').matches;
  }

  private toggleFilters(open?: boolean): void {
    const toggle = byId('filters-toggle');
    const next = open ?? toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(next));
    document.body.classList.toggle('filters-open', next);
    if (next) byId('filters').querySelector<HTMLElement>('input, select, button')?.focus();
  }

  private applyMode(): void {
    document.body.dataset.mode = this.state.mode;
    for (const button of byId('mode-toggle').querySelectorAll('button')) {
      button.setAttribute('aria-pressed', String(button.dataset.mode === this.state.mode));
    }
    requestAnimationFrame(() => this.map?.resize());
  }

  /** Every interface string, in the current language. */
  private renderChrome(): void {
    const { t } = this;
    document.documentElement.lang = this.state.lang;
    document.title = t('app.name');
    byId('app-name').textContent = t('app.name');
    byId('app-tagline').textContent = t('app.tagline');
    byId('map').setAttribute('aria-label', t('map.label'));
    byId('skip-link').textContent = t('skip.results');
    byId('language-label').textContent = t('language.label');
    byId('language', HTMLSelectElement).value = this.state.lang;
    byId('filters-toggle').textContent = t('filters.toggle');
    const modes = byId('mode-toggle');
    modes.setAttribute('aria-label', t('mode.label'));
    modes.replaceChildren(
      ...(['map', 'list'] as const).map((mode) => {
        const button = h('button', { type: 'button', 'data-mode': mode, 'aria-pressed': String(mode === this.state.mode) }, t(mode === 'map' ? 'mode.map' : 'mode.list'));
        button.addEventListener('click', () => {
          this.setMode(mode);
        });
        return button;
      }),
    );
    renderLegend(byId('legend', HTMLDetailsElement), t);
    if (this.isPhone()) byId('legend', HTMLDetailsElement).open = false;
    this.search.setLanguage(t);
    this.filterPanel.render(t, this.filterOptions(), this.state.filters);
    if (this.cities.length > 0 || this.practices.length > 0) this.renderResults();
    else this.results.update({ t, lang: this.state.lang, areas: this.areas, href: (kind, slug) => this.href(kind, slug) }, 'loading');
  }
}
