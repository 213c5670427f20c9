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
import { DetailPanel, gapSheetLink } from './panels/detail';
import { embedDialog, embedUrl, fullUrl, isEmbed, viewOnHaven } from './embed/embed';
import { practiceBody } from './panels/practice';
import { SearchBox, type SearchHit } from './search/box';
import { type MapView, type Mode, type Near, type Selection, parseUrlState, serializeUrlState } from './state/url';
import { loadNear, nearBody, nearTitle } from './near/panel';
import { byId, h } from './ui/dom';
import { StatusBar, reason } from './ui/status';

declare global {
  interface Window {
    /** The map instance, for browser tests and debugging. */
    __havenMap?: HavenMap['map'];
  }
}

/** Everything a view is, all of it in the URL: Back and Forward restore exactly this. */
interface State {
  readonly lang: Language;
  readonly filters: Filters;
  readonly selection: Selection | null;
  readonly mode: Mode;
  readonly view: MapView | null;
  /** The page over the map (a form, a dashboard), if one is open. */
  readonly page: Page | null;
  /** The point whose surroundings are listed, if any (under an open city or practice). */
  readonly near: Near | null;
}

/** How a state change is kept in the browser history. */
type History = 'push' | 'replace' | 'none';

function samePage(a: Page | null, b: Page | null): boolean {
  return a === b || (a !== null && b !== null && a.name === b.name && JSON.stringify(a.params) === JSON.stringify(b.params));
}

function sameSelection(a: Selection | null, b: Selection | null): boolean {
  return a?.kind === b?.kind && a?.slug === b?.slug;
}

function sameNear(a: Near | null, b: Near | null): boolean {
  return a === b || (a !== null && b !== null && a.lon === b.lon && a.lat === b.lat && a.name === b.name && a.place === b.place);
}


/** Stands for the slug in a link template ({@link App.href}); never a valid slug. */
const SLUG_MARK = '__HAVEN_SLUG__';
/** The site root (`http://host/`), which the API, tiles and style hang under. */
function siteRoot(): string {
  return new URL('./', document.baseURI).href;
}

/** The longest the list and the filter choices wait for the map's first cities. */
const FIRST_CITIES_WAIT_MS = 2000;

/** The zoom at which a single city is shown when the app flies to it. */
const CITY_ZOOM = 9;
/** The zoom at which the surroundings of a point are shown. */
const NEAR_ZOOM = 8;

export class App {
  private state: State;
  private readonly api = new HavenApi(new URL('api/v1/', siteRoot()));
  private readonly account = new AccountApi(new URL('api/v1/', siteRoot()));
  /** The signed-in account (null when signed out or not known yet). */
  private me: Me | null = null;
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
    this.state = App.stateFromUrl(negotiateLanguage(navigator.languages));
    this.t = translator(this.state.lang);
    this.firstCities =
      this.state.mode === 'list' && this.isPhone()
        ? Promise.resolve()
        : Promise.race([this.mapReady.then(() => this.map?.citiesLoaded), new Promise<void>((resolve) => setTimeout(resolve, FIRST_CITIES_WAIT_MS))]);
    this.filterPanel = new FilterPanel(byId('filters'), (filters) => {
      this.go({ filters }, 'push');
    });
    this.results = new ResultsList(this.resultsRoot, (kind, slug) => {
      this.open({ kind, slug }, { fly: true });
    });
    this.detail = new DetailPanel(byId('detail'), () => {
      // Closing a page about a city or practice returns to its panel.
      if (this.state.page !== null) this.go({ page: null }, 'push');
      else if (this.state.selection !== null) this.go({ selection: null }, 'push');
      else this.go({ near: null }, 'push');
    });
    this.search = new SearchBox(byId('search', HTMLFormElement), this.api, (hit) => {
      this.chooseHit(hit);
    });
  }

  /** This page is the embeddable map (`/embed`): the map alone, framed by another site. */
  private readonly embedded = isEmbed(siteRoot());
  /** The embedded map's "View on Haven" link. */
  private embedLink: HTMLAnchorElement | null = null;

  async start(): Promise<void> {
    if (this.embedded) document.body.dataset.embed = 'true';
    this.setupChrome();
    this.renderChrome();
    this.status.loading(this.t);
    warmUpMap();
    window.addEventListener('popstate', () => {
      this.fromUrl();
    });
    this.renderAccountNav();
    const signedIn = (this.embedded ? Promise.resolve(null) : this.account.me()).then(
      (me) => {
        this.me = me;
        this.renderAccountNav();
      },
      () => undefined,
    );
    // Pages that need no reference data show at once; the others once it is loaded, so a
    // form is never rendered twice under someone typing into it.
    const { page } = this.state;
    // The reference data, the style and an open panel's entry load side by side.
    this.reference = this.loadReference();
    if (page && !App.NEEDS_REFERENCE.includes(page.name)) {
      await signedIn;
      this.showPage();
    } else if (!page) this.showPanel({ fly: this.state.view === null });
    const { style } = await loadBaseStyle(siteRoot());
    this.createMap(style);
    await this.reference;
    await signedIn;
    if (page && App.NEEDS_REFERENCE.includes(page.name)) this.showPage();
  }

  /** The policy areas, networks and cities, once loaded (never rejects). */
  private reference: Promise<void> = Promise.resolve();
  private mapCreated: () => void = () => undefined;
  /** Resolves once the map exists (declared after `mapCreated`, which it sets). */
  private readonly mapReady = new Promise<void>((resolve) => {
    this.mapCreated = resolve;
  });
  /**
   * Resolves once the map's first cities have loaded (or `FIRST_CITIES_WAIT_MS` after the
   * start at most, also when there is no map). The list and the filter choices are laid out
   * only then: with software rendering the page's main thread is what the map's first frames
   * wait for, and a list of 600 rows laid out meanwhile put the first cities off by 300–500 ms
   * (bench/browser). Their data is asked for at once all the same. On a phone showing the list
   * instead of the map, the list comes first.
   */
  private readonly firstCities: Promise<unknown>;

  // ---- state changes -----------------------------------------------------------------

  /** The state a URL describes (`lang` falls back to `fallbackLang`). */
  private static stateFromUrl(fallbackLang: Language): State {
    const url = parseUrlState(window.location.href);
    return {
      lang: url.lang ?? fallbackLang,
      filters: { areas: url.areas, areaMatch: url.areaMatch, networks: url.networks, countries: url.countries, region: url.region },
      selection: url.selection ?? null,
      mode: url.mode ?? 'map',
      view: url.view ?? null,
      page: parsePage(window.location.href, siteRoot()),
      near: url.near ?? null,
    };
  }

  /**
   * The one way the state changes: the new state is complete before anything reacts to it,
   * the URL is written (`history`), then every part of the page is brought in line with what
   * changed. Nothing a change sets off (a map move, a reload of the results) can write an
   * older state into the address.
   */
  private go(change: Partial<State>, history: History, options: { fly?: boolean } = {}): void {
    const previous = this.state;
    this.state = { ...previous, ...change };
    if (history !== 'none') this.writeUrl(history);
    this.follow(previous, options);
  }

  /** Brings the page in line with the state after `previous`. */
  private follow(previous: State, options: { fly?: boolean } = {}): void {
    const state = this.state;
    if (state.lang !== previous.lang) {
      this.t = translator(state.lang);
      this.renderChrome();
      this.renderAccountNav();
      this.reference = this.loadReference();
      void this.reference.then(() => {
        this.showPanel();
      });
    }
    if (!sameFilters(state.filters, previous.filters)) {
      this.filterPanel.setFilters(state.filters);
      // The list first: with software rendering each map frame blocks the page for hundreds
      // of milliseconds, so the new tiles are asked for once the list has been painted.
      const { filters } = state;
      void this.loadResults().then(() => {
        if (this.state.filters === filters) this.map?.applyFilters(filters);
      });
    }
    if (state.mode !== previous.mode) {
      this.applyMode();
      if (state.mode === 'list') this.resultsRoot.querySelector<HTMLElement>('#results-heading')?.focus();
    }
    const nearShown = state.page === null && state.selection === null && state.near !== null;
    if (
      state.lang === previous.lang &&
      (!samePage(state.page, previous.page) ||
        !sameSelection(state.selection, previous.selection) ||
        !sameNear(state.near, previous.near) ||
        (nearShown && !sameFilters(state.filters, previous.filters)))
    ) {
      this.showPanel(options);
    }
  }

  /** Shows what the state puts in the panel: a page, else a city or practice, else nothing. */
  private showPanel(options: { fly?: boolean } = {}): void {
    if (this.state.page !== null) {
      this.showPage();
      return;
    }
    document.body.classList.remove('page-open', 'page-wide');
    delete byId('detail').dataset.page;
    this.detailController?.abort();
    const { selection, near } = this.state;
    void this.mapReady.then(() => {
      this.map?.pin(near === null ? null : { ...near, label: this.t('near.pin', { name: near.name ?? this.t('near.here') }) });
    });
    if (selection === null) this.map?.select(null);
    if (selection !== null) void this.loadDetail(selection, options.fly ?? false);
    else if (near !== null) void this.loadNearPanel(near, options.fly ?? false);
    else {
      this.detail.hide();
      document.title = this.t('app.name');
    }
  }

  /** The panel of what is near a point, with the filters applied. */
  private async loadNearPanel(near: Near, fly: boolean): Promise<void> {
    const controller = new AbortController();
    this.detailController = controller;
    const { t } = this;
    const title = nearTitle(t, near);
    this.detail.show(t, t('near.kind'), title, [h('p', { class: 'muted' }, t('panel.loading'))], { focus: false });
    if (fly) void this.mapReady.then(() => this.map?.flyTo(near.lon, near.lat, NEAR_ZOOM, this.panelPadding()));
    const { filters, lang } = this.state;
    const unlisted = near.place !== null;
    try {
      const [data] = await Promise.all([loadNear(this.api, near, filters, lang, unlisted, controller.signal), this.reference]);
      if (controller.signal.aborted) return;
      document.title = `${title} – ${t('app.name')}`;
      const suggest = near.place !== null && near.name !== null ? this.suggestButton(near.place, near.name) : null;
      this.detail.show(t, t('near.kind'), title, [
        ...(suggest ? [h('p', { class: 'not-listed' }, t('place.notListed', { name: near.name ?? '' }))] : []),
        ...nearBody(
          {
            t,
            lang,
            areas: this.areas,
            gapSheet: near.place !== null && near.name !== null ? gapSheetLink(t, lang, near.place, near.name, filters.areas) : null,
            permalink: this.urlFor(null, null).href,
            href: (kind, slug) => this.href(kind, slug),
            open: (kind, slug) => {
              this.open({ kind, slug }, { fly: true });
            },
            suggest,
          },
          data,
          filters,
        ),
      ]);
    } catch (error) {
      if (isAbort(error)) return;
      this.detail.show(t, t('near.kind'), title, [h('p', { class: 'panel-error', role: 'alert' }, t('panel.error', { reason: reason(t, error) }))]);
    }
  }

  /** "What is near {name}?": the near view of a city's point. */
  private nearButton(near: Near): HTMLElement {
    const button = h('button', { type: 'button', class: 'near-from' }, this.t('near.from', { name: near.name ?? this.t('near.here') }));
    button.addEventListener('click', () => {
      this.go({ near, selection: null, page: null }, 'push', { fly: true });
    });
    return h('p', {}, button);
  }

  /** "Suggest it": the form for adding a place that is not listed. */
  private suggestButton(place: string, name: string): HTMLElement {
    const suggest = h('button', { type: 'button', class: 'suggest' }, this.t('place.suggest'));
    suggest.addEventListener('click', () => {
      this.goPage({ name: 'add-city', params: { place, name } }, null);
    });
    return suggest;
  }

  /** Lists what is near the person's location, asked of the browser only now. */
  private nearMe(): void {
    if (typeof navigator.geolocation === 'undefined') {
      this.status.notice(this.t('near.unavailable', { reason: '–' }));
      return;
    }
    this.status.notice(this.t('near.locating'));
    navigator.geolocation.getCurrentPosition(
      (position) => {
        this.status.clear();
        const near: Near = { lon: position.coords.longitude, lat: position.coords.latitude, name: null, place: null };
        this.go({ near, selection: null, page: null }, 'push', { fly: true });
      },
      (error) => {
        this.status.notice(this.t('near.unavailable', { reason: error.message }));
      },
      { enableHighAccuracy: false, timeout: 15_000, maximumAge: 600_000 },
    );
  }

  /** Opens a city or practice panel (or closes it with `null`), as a new history entry. */
  private open(selection: Selection | null, options: { fly?: boolean } = {}): void {
    this.go({ selection, page: null }, 'push', options);
  }

  /** Reads the state again from the URL (Back, Forward, an edited address). */
  private fromUrl(): void {
    const previous = this.state;
    const next = App.stateFromUrl(previous.lang);
    // The view the URL holds, else the map's own (a URL without `#map` does not move it).
    this.state = { ...next, view: next.view ?? previous.view };
    if (next.view) this.map?.jumpTo(next.view);
    this.follow(previous);
  }

  private writeUrl(how: 'push' | 'replace'): void {
    const url = this.urlFor(this.state.page, this.state.selection);
    if (this.embedLink) this.embedLink.href = fullUrl(url, siteRoot()).href;
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
        ...(this.state.near ? { near: this.state.near } : {}),
      },
      window.location.href,
    );
    const written = writePage(url, page, siteRoot());
    return this.embedded ? embedUrl(written, siteRoot()) : written;
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
      filters: this.state.filters,
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
    this.mapCreated();
  }

  /** Flies to a city or practice once the map exists, clear of the panel. */
  private flyTo(lon: number, lat: number): void {
    void this.mapReady.then(() => {
      this.map?.flyTo(lon, lat, CITY_ZOOM, this.panelPadding());
    });
  }

  private pick(pick: MapPick): void {
    if (pick.kind === 'cluster') {
      const map = this.map?.map;
      map?.easeTo({ center: [pick.lon, pick.lat], zoom: Math.min(map.getZoom() + 2, 14) });
      return;
    }
    if (this.embedded) {
      // The embedded map has no panels: the city or practice opens on Haven itself.
      window.open(fullUrl(this.urlFor(null, { kind: pick.kind, slug: pick.slug }), siteRoot()).href, '_blank', 'noopener');
      return;
    }
    this.open({ kind: pick.kind, slug: pick.slug });
  }

  /** Opens what the search found: a place, a city, a practice, or a policy area as a filter. */
  private chooseHit(hit: SearchHit): void {
    if (hit.kind === 'place') this.choosePlace(hit.place);
    else if (hit.kind === 'city' || hit.kind === 'practice') this.open({ kind: hit.kind, slug: hit.slug }, { fly: true });
    else if (hit.kind === 'area') {
      const { filters } = this.state;
      if (!filters.areas.includes(hit.slug)) this.go({ filters: { ...filters, areas: [...filters.areas, hit.slug] } }, 'push');
    }
  }

  /** A place from the search: its city when listed, else what is near it, with a pin. */
  private choosePlace(place: Place): void {
    if (place.citySlug !== null) {
      this.open({ kind: 'city', slug: place.citySlug }, { fly: true });
      return;
    }
    const near: Near = { lon: place.lon, lat: place.lat, name: place.name, place: place.id };
    this.go({ near, selection: null, page: null }, 'push', { fly: true });
  }


  // ---- data ---------------------------------------------------------------------------

  /** Policy areas, networks and all cities (for the filter choices), then the results. */
  private async loadReference(): Promise<void> {
    const { lang } = this.state;
    try {
      if (this.embedded) {
        // The embedded map has no list nor filter choices: only the names of the listed cities,
        // whose base map labels give way to Haven's.
        const all = await this.api.cities(NO_FILTERS, lang);
        if (lang !== this.state.lang) return;
        this.allCities = all.items;
        this.hideBaseLabels();
        if (!this.status.showsError) this.status.clear();
        return;
      }
      const [areas, networks, all] = await Promise.all([
        this.api.policyAreas(lang),
        this.api.networks(lang),
        this.api.cities(NO_FILTERS, lang),
      ]);
      if (lang !== this.state.lang) return;
      this.areas = [...areas].sort((a, b) => a.position - b.position);
      this.networks = [...networks].sort((a, b) => a.name.localeCompare(b.name, lang));
      this.allCities = all.items;
      this.hideBaseLabels();
      // The results are asked for now and laid out with the filter choices once the map's
      // first cities are in; panels and pages need only the data above, so they do not wait.
      void this.firstCities.then(() => {
        if (lang === this.state.lang) this.filterPanel.render(this.t, this.filterOptions(), this.state.filters);
      });
      void this.loadResults();
    } catch (error) {
      this.failed(error, () => {
        this.status.loading(this.t);
        void this.loadReference();
      });
    }
  }

  /** The base map's labels of the listed cities give way to Haven's own. */
  private hideBaseLabels(): void {
    const names = this.allCities.map((c) => c.name);
    void this.mapReady.then(() => this.map?.hideBaseLabels(names));
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
      await this.firstCities;
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
        const [city] = await Promise.all([this.api.city(selection.slug, lang, controller.signal), this.reference]);
        if (controller.signal.aborted) return;
        // An old slug: the address names the city's current one, in place of the old.
        if (city.slug !== selection.slug) {
          this.state = { ...this.state, selection: { kind: 'city', slug: city.slug } };
          this.writeUrl('replace');
        }
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
                chosenAreas: this.state.filters.areas,
                permalink: this.permalink('city', city.slug),
                practiceHref: (slug) => this.href('practice', slug),
                openPractice: (slug) => {
                  this.open({ kind: 'practice', slug }, { fly: true });
                },
              },
              city,
            ),
            this.nearButton({ lon: city.lon, lat: city.lat, name: city.name, place: null }),
            this.panelActions('city', city.slug),
          ],
        );
        void this.mapReady.then(() => this.map?.select({ kind: 'city', lon: city.lon, lat: city.lat }));
        if (fly) this.flyTo(city.lon, city.lat);
      } else {
        const [practice] = await Promise.all([this.api.practice(selection.slug, lang, controller.signal), this.reference]);
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
        void this.mapReady.then(() => this.map?.select({ kind: 'practice', lon: practice.lon, lat: practice.lat }));
        if (fly) this.flyTo(practice.lon, practice.lat);
      }
    } catch (error) {
      if (isAbort(error)) return;
      const message = error instanceof ApiError && error.notFound ? t('panel.notFound') : t('panel.error', { reason: reason(t, error) });
      this.detail.show(t, kindLabel, known ?? selection.slug, [h('p', { class: 'panel-error', role: 'alert' }, message)]);
    }
  }

  // ---- pages over the map (forms, dashboards) ---------------------------------------------

  /** Opens a page (or closes it with `null`, showing `selection` if any). */
  private goPage(page: Page | null, selection: Selection | null = this.state.selection): void {
    this.go({ page, selection }, 'push');
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
      networks: this.networks,
      selection: this.state.selection,
      params: page.params,
      go: (next, selection) => {
        const chosen = selection === undefined ? this.state.selection : selection;
        // The page already shown is drawn again (after a form changed what it lists).
        if (samePage(next, this.state.page) && sameSelection(chosen, this.state.selection)) this.showPanel();
        else this.goPage(next, chosen);
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
    const { page } = this.state;
    if (page === null) return;
    this.detailController?.abort();
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
          if (this.state.page) this.showPage();
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
      if (value && value !== this.state.lang) this.go({ lang: value }, 'push');
    });
    byId('filters-toggle').addEventListener('click', () => {
      this.toggleFilters();
    });
    byId('near-me').addEventListener('click', () => {
      this.nearMe();
    });
    byId('skip-map').addEventListener('click', (event) => {
      event.preventDefault();
      if (this.isPhone() && this.state.mode !== 'map') this.go({ mode: 'map' }, 'push');
      byId('map').querySelector<HTMLElement>('canvas')?.focus();
    });
    this.filterPanel.onShowResults = () => {
      this.toggleFilters(false);
      if (this.state.mode !== 'list') this.go({ mode: 'list' }, 'push');
    };
    byId('skip-link').addEventListener('click', (event) => {
      event.preventDefault();
      if (this.isPhone() && this.state.mode !== 'list') this.go({ mode: 'list' }, 'push');
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

  /** Where to read more: what Haven is, its data and APIs (pages served by Haven itself). */
  private renderSiteLinks(): void {
    const { t } = this;
    const { lang } = this.state;
    const nav = byId('site-links');
    nav.setAttribute('aria-label', t('links.label'));
    const root = siteRoot();
    const link = (path: string, label: string): HTMLElement => h('li', {}, h('a', { href: new URL(path, root).href }, label));
    nav.replaceChildren(
      h(
        'ul',
        {},
        link(`${lang}/about`, t('links.about')),
        link(`${lang}/data`, t('links.data')),
        link(`${lang}/take-action`, t('links.takeAction')),
        link('api/docs', t('links.api')),
        link('ogc', t('links.ogc')),
        h('li', {}, this.embedButton()),
      ),
    );
    if (this.embedded) {
      this.embedLink?.remove();
      this.embedLink = viewOnHaven(t, fullUrl(this.urlFor(null, null), siteRoot()).href);
      byId('map-area').append(this.embedLink);
    }
  }

  /** "Embed this map": the iframe snippet for the current filters and view. */
  private embedButton(): HTMLElement {
    const button = h('button', { type: 'button', class: 'link-button embed-open' }, this.t('embed.open'));
    button.addEventListener('click', () => {
      const dialog = embedDialog(this.t, embedUrl(this.urlFor(null, null), siteRoot()));
      document.body.append(dialog);
      dialog.showModal();
    });
    return button;
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
    byId('skip-map').textContent = t('skip.map');
    this.renderSiteLinks();
    byId('language-label').textContent = t('language.label');
    byId('language', HTMLSelectElement).value = this.state.lang;
    byId('filters-toggle').textContent = t('filters.toggle');
    byId('near-me').textContent = t('near.me');
    byId('near-me').title = t('near.meLabel');
    const modes = byId('mode-toggle');
    modes.setAttribute('aria-label', t('mode.label'));
    modes.replaceChildren(
      ...(['map', 'list'] as const).map((mode) => {
        const button = h('button', { type: 'button', 'data-mode': mode, 'aria-pressed': String(mode === this.state.mode) }, t(mode === 'map' ? 'mode.map' : 'mode.list'));
        button.addEventListener('click', () => {
          if (mode !== this.state.mode) this.go({ mode }, 'push');
        });
        return button;
      }),
    );
    renderLegend(byId('legend', HTMLDetailsElement), t);
    // Folded unless the screen has room for it beside the land of the opening view.
    if (window.matchMedia('(max-width: 1100px), (max-height: 900px)').matches) byId('legend', HTMLDetailsElement).open = false;
    this.search.setLanguage(t, this.state.lang);
    this.filterPanel.render(t, this.filterOptions(), this.state.filters);
    if (this.cities.length > 0 || this.practices.length > 0) this.renderResults();
    else this.results.update({ t, lang: this.state.lang, areas: this.areas, href: (kind, slug) => this.href(kind, slug) }, 'loading');
  }
}
