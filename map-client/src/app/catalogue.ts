/**
 * What Haven lists, as the app loads it: the reference data (policy areas, networks, every
 * city, for the filter choices and the forms) and the cities and practices that match the
 * filters (the list and the counts).
 */

import { isAbort } from '../api/http';
import type { CitySummary, Network, PolicyArea, PracticeSummary } from '../api/types';
import { NO_FILTERS, hasFilters } from '../filters/filters';
import type { FilterOptions, FilterPanel } from '../filters/panel';
import { countryName } from '../i18n/format';
import type { ResultsContext, ResultsList } from '../list/results';
import { reason } from '../ui/status';
import type { Shell } from './shell';
import { isPhone } from './stage';

/** The longest the list and the filter choices wait for the map's first cities. */
const FIRST_CITIES_WAIT_MS = 2000;

export class Catalogue {
  areas: readonly PolicyArea[] = [];
  networks: readonly Network[] = [];
  /** Every listed city, whatever the filters. */
  allCities: readonly CitySummary[] = [];
  /** The cities and practices that match the filters. */
  cities: readonly CitySummary[] = [];
  practices: readonly PracticeSummary[] = [];
  private matched = { cities: 0, practices: 0 };
  private resultsController: AbortController | null = null;
  /** The policy areas, networks and cities, once loaded (never rejects). */
  reference: Promise<void> = Promise.resolve();
  /**
   * Resolves once the map's first cities have loaded (or `FIRST_CITIES_WAIT_MS` after the
   * start at most, also when there is no map). The list and the filter choices are laid out
   * only then: with software rendering the page's main thread is what the map's first frames
   * wait for, and a list of 600 rows laid out meanwhile put the first cities off by 300–500 ms
   * (bench/browser). Their data is asked for at once all the same. On a phone showing the list
   * instead of the map, the list comes first.
   */
  private readonly firstCities: Promise<unknown>;

  constructor(
    private readonly shell: Shell,
    private readonly filterPanel: FilterPanel,
    private readonly results: ResultsList,
    private readonly resultsRoot: HTMLElement,
  ) {
    const { stage } = shell;
    this.firstCities =
      shell.router.state.mode === 'list' && isPhone()
        ? Promise.resolve()
        : Promise.race([stage.ready.then(() => stage.map?.citiesLoaded), new Promise<void>((resolve) => setTimeout(resolve, FIRST_CITIES_WAIT_MS))]);
  }

  /** Loads the reference data again (a new language), and then the results. */
  reload(): Promise<void> {
    this.reference = this.loadReference();
    return this.reference;
  }

  /** Policy areas, networks and all cities (for the filter choices), then the results. */
  async loadReference(): Promise<void> {
    const { api, router, status } = this.shell;
    const { lang } = router.state;
    try {
      if (this.shell.embedded) {
        // The embedded map has no list nor filter choices: only the names of the listed cities,
        // whose base map labels give way to Haven's.
        const all = await api.cities(NO_FILTERS, lang);
        if (lang !== router.state.lang) return;
        this.allCities = all.items;
        this.hideBaseLabels();
        if (!status.showsError) status.clear();
        return;
      }
      const [areas, networks, all] = await Promise.all([api.policyAreas(lang), api.networks(lang), api.cities(NO_FILTERS, lang)]);
      if (lang !== router.state.lang) return;
      this.areas = [...areas].sort((a, b) => a.position - b.position);
      this.networks = [...networks].sort((a, b) => a.name.localeCompare(b.name, lang));
      this.allCities = all.items;
      this.hideBaseLabels();
      // The results are asked for now and laid out with the filter choices once the map's
      // first cities are in; panels and pages need only the data above, so they do not wait.
      void this.firstCities.then(() => {
        if (lang === router.state.lang) this.filterPanel.render(this.shell.t, this.filterOptions(), router.state.filters);
      });
      void this.loadResults();
    } catch (error) {
      this.failed(error, () => {
        status.loading(this.shell.t);
        void this.loadReference();
      });
    }
  }

  /** The base map's labels of the listed cities give way to Haven's own. */
  private hideBaseLabels(): void {
    const names = this.allCities.map((c) => c.name);
    this.shell.stage.whenReady((map) => {
      map.hideBaseLabels(names);
    });
  }

  /** The choices of the filter panel: policy areas, networks, and the listed countries and regions. */
  filterOptions(): FilterOptions {
    const { lang } = this.shell.router.state;
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
  async loadResults(): Promise<void> {
    const { api, router, status } = this.shell;
    this.resultsController?.abort();
    const controller = new AbortController();
    this.resultsController = controller;
    const { filters, lang } = router.state;
    this.resultsRoot.dataset.results = 'loading';
    this.filterPanel.setCounts('loading');
    try {
      const [cities, practices] = await Promise.all([
        hasFilters(filters) || this.allCities.length === 0
          ? api.cities(filters, lang, controller.signal)
          : Promise.resolve({ items: this.allCities, numberMatched: this.allCities.length }),
        api.practices(filters, lang, controller.signal),
      ]);
      await this.firstCities;
      if (controller.signal.aborted) return;
      this.cities = cities.items;
      this.practices = practices.items;
      this.matched = { cities: cities.numberMatched, practices: practices.numberMatched };
      this.renderResults();
      this.filterPanel.setCounts(this.matched);
      this.resultsRoot.dataset.results = 'ready';
      if (!status.showsError) status.clear();
    } catch (error) {
      if (isAbort(error)) return;
      this.filterPanel.setCounts(null);
      this.failed(error, () => {
        void this.loadResults();
      });
    }
  }

  /** The list as far as it is known: the results, or that they are loading. */
  renderList(): void {
    if (this.cities.length > 0 || this.practices.length > 0) this.renderResults();
    else this.results.update(this.listContext(), 'loading');
  }

  private renderResults(): void {
    this.results.update(this.listContext(), {
      cities: this.cities,
      practices: this.practices,
      citiesMatched: this.matched.cities,
      practicesMatched: this.matched.practices,
    });
  }

  private listContext(): ResultsContext {
    const { router, t } = this.shell;
    return { t, lang: router.state.lang, areas: this.areas, href: (kind, slug) => router.href(kind, slug) };
  }

  private failed(error: unknown, retry: () => void): void {
    const { status, t } = this.shell;
    this.resultsRoot.dataset.results = 'error';
    this.results.update(this.listContext(), null);
    status.error(t, t('status.error', { reason: reason(t, error) }), () => {
      status.clear();
      retry();
    });
  }
}
