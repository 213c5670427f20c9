/**
 * The app: one state (language, filters, open city or practice, map view, map or list),
 * kept in the URL, and every part of the page updated from it. Changes flow one way:
 * a control reports a change → the state changes → URL, map, list, counts and panel follow.
 *
 * The parts: the state and its URL (router.ts), what Haven lists (catalogue.ts), the panel
 * (panel.ts) and the pages over the map (pages.ts), the page around them (chrome.ts) and the
 * map (stage.ts). This file wires them together and takes what the map and the search pick.
 */

import type { StyleSpecification } from 'maplibre-gl';
import { AccountApi } from '../api/account';
import { HavenApi } from '../api/client';
import { Http } from '../api/http';
import type { Place } from '../api/types';
import { isEmbed, fullUrl } from '../embed/embed';
import { sameFilters } from '../filters/filters';
import { FilterPanel } from '../filters/panel';
import { negotiateLanguage, translator } from '../i18n';
import { ResultsList } from '../list/results';
import { DEFAULT_VIEW, type MapPick, loadBaseStyle, warmUpMap } from '../map';
import { DetailPanel } from '../panels/detail';
import { SearchBox, type SearchHit } from '../search/box';
import type { Near } from '../state/url';
import { byId } from '../ui/dom';
import { StatusBar } from '../ui/status';
import { Catalogue } from './catalogue';
import { Chrome } from './chrome';
import { Pages, needsReference } from './pages';
import { Panel } from './panel';
import { Router } from './router';
import type { Shell } from './shell';
import { MapStage } from './stage';
import { type AppState, type FollowOptions, sameNear, samePage, sameSelection, siteRoot } from './state';

export class App {
  private readonly shell: Shell;
  private readonly filterPanel: FilterPanel;
  private readonly catalogue: Catalogue;
  private readonly panel: Panel;
  private readonly chrome: Chrome;

  constructor() {
    const embedded = isEmbed(siteRoot());
    const router = new Router(negotiateLanguage(navigator.languages), embedded);
    const http = new Http(new URL('api/v1/', siteRoot()));
    const shell: Shell = {
      router,
      api: new HavenApi(http),
      account: new AccountApi(http),
      status: new StatusBar(byId('status')),
      stage: new MapStage(),
      embedded,
      t: translator(router.state.lang),
      me: null,
    };
    this.shell = shell;
    this.filterPanel = new FilterPanel(byId('filters'), (filters) => {
      router.go({ filters }, 'push');
    });
    const results = new ResultsList(byId('results'), (kind, slug) => {
      router.open({ kind, slug }, { fly: true });
    });
    this.catalogue = new Catalogue(shell, this.filterPanel, results, byId('results'));
    const detail = new DetailPanel(byId('detail'), () => {
      // Closing a page about a city or practice returns to its panel.
      if (router.state.page !== null) router.go({ page: null }, 'push');
      else if (router.state.selection !== null) router.go({ selection: null }, 'push');
      else router.go({ near: null }, 'push');
    });
    const search = new SearchBox(byId('search', HTMLFormElement), shell.api, (hit) => {
      this.chooseHit(hit);
    });
    const pages = new Pages(shell, this.catalogue, {
      redraw: () => {
        this.panel.show();
      },
      accountChanged: () => {
        this.chrome.renderAccountNav();
      },
    });
    this.panel = new Panel(shell, detail, this.catalogue, pages);
    this.chrome = new Chrome(
      shell,
      { filterPanel: this.filterPanel, search, catalogue: this.catalogue },
      {
        nearMe: () => {
          this.nearMe();
        },
        signedOut: () => {
          if (router.state.page) this.panel.showPage();
        },
      },
    );
  }

  async start(): Promise<void> {
    const { shell } = this;
    const { router, status } = shell;
    if (shell.embedded) document.body.dataset.embed = 'true';
    this.chrome.setup();
    this.chrome.render();
    status.loading(shell.t);
    warmUpMap();
    router.listen(
      (previous, options) => {
        this.follow(previous, options);
      },
      (view) => shell.stage.map?.jumpTo(view),
    );
    this.chrome.renderAccountNav();
    const signedIn = (shell.embedded ? Promise.resolve(null) : shell.account.me()).then(
      (me) => {
        shell.me = me;
        this.chrome.renderAccountNav();
      },
      () => undefined,
    );
    // Pages that need no reference data show at once; the others once it is loaded, so a
    // form is never rendered twice under someone typing into it.
    const { page } = router.state;
    // The reference data, the style and an open panel's entry load side by side.
    void this.catalogue.reload();
    if (page && !needsReference(page)) {
      await signedIn;
      this.panel.showPage();
    } else if (!page) this.panel.show({ fly: router.state.view === null });
    const { style } = await loadBaseStyle(siteRoot());
    this.createMap(style);
    await this.catalogue.reference;
    await signedIn;
    if (page && needsReference(page)) this.panel.showPage();
  }

  /** Brings the page in line with the state after `previous`. */
  private follow(previous: AppState, options: FollowOptions): void {
    const { shell } = this;
    const state = shell.router.state;
    if (state.lang !== previous.lang) {
      shell.t = translator(state.lang);
      this.chrome.render();
      this.chrome.renderAccountNav();
      void this.catalogue.reload().then(() => {
        this.panel.show();
      });
    }
    if (!sameFilters(state.filters, previous.filters)) {
      this.filterPanel.setFilters(state.filters);
      // The list first: with software rendering each map frame blocks the page for hundreds
      // of milliseconds, so the new tiles are asked for once the list has been painted.
      const { filters } = state;
      void this.catalogue.loadResults().then(() => {
        if (shell.router.state.filters === filters) shell.stage.map?.applyFilters(filters);
      });
    }
    if (state.mode !== previous.mode) {
      this.chrome.applyMode();
      if (state.mode === 'list') this.chrome.focusResults();
    }
    const nearShown = state.page === null && state.selection === null && state.near !== null;
    if (
      state.lang === previous.lang &&
      (!samePage(state.page, previous.page) ||
        !sameSelection(state.selection, previous.selection) ||
        !sameNear(state.near, previous.near) ||
        (nearShown && !sameFilters(state.filters, previous.filters)))
    ) {
      this.panel.show(options);
    }
  }

  private createMap(style: StyleSpecification): void {
    const { router, stage, status } = this.shell;
    stage.create({
      container: byId('map'),
      style,
      root: siteRoot(),
      view: router.state.view ?? DEFAULT_VIEW,
      filters: router.state.filters,
      onPick: (pick) => {
        this.pick(pick);
      },
      onMove: (view) => {
        router.settle({ view });
      },
      onTileError: () => {
        if (!status.showsError) status.error(this.shell.t, this.shell.t('status.tiles'));
      },
    });
  }

  private pick(pick: MapPick): void {
    const { router, stage } = this.shell;
    if (pick.kind === 'cluster') {
      const map = stage.map?.map;
      map?.easeTo({ center: [pick.lon, pick.lat], zoom: Math.min(map.getZoom() + 2, 14) });
      return;
    }
    if (this.shell.embedded) {
      // The embedded map has no panels: the city or practice opens on Haven itself.
      window.open(fullUrl(router.urlFor(null, { kind: pick.kind, slug: pick.slug }), siteRoot()).href, '_blank', 'noopener');
      return;
    }
    router.open({ kind: pick.kind, slug: pick.slug });
  }

  /** Opens what the search found: a place, a city, a practice, or a policy area as a filter. */
  private chooseHit(hit: SearchHit): void {
    const { router } = this.shell;
    if (hit.kind === 'place') this.choosePlace(hit.place);
    else if (hit.kind === 'city' || hit.kind === 'practice') router.open({ kind: hit.kind, slug: hit.slug }, { fly: true });
    else if (hit.kind === 'area') {
      const { filters } = router.state;
      if (!filters.areas.includes(hit.slug)) router.go({ filters: { ...filters, areas: [...filters.areas, hit.slug] } }, 'push');
    }
  }

  /** A place from the search: its city when listed, else what is near it, with a pin. */
  private choosePlace(place: Place): void {
    const { router } = this.shell;
    if (place.citySlug !== null) {
      router.open({ kind: 'city', slug: place.citySlug }, { fly: true });
      return;
    }
    const near: Near = { lon: place.lon, lat: place.lat, name: place.name, place: place.id };
    router.go({ near, selection: null, page: null }, 'push', { fly: true });
  }

  /** Lists what is near the person's location, asked of the browser only now. */
  private nearMe(): void {
    const { router, status } = this.shell;
    if (typeof navigator.geolocation === 'undefined') {
      status.notice(this.shell.t('near.unavailable', { reason: '–' }));
      return;
    }
    status.notice(this.shell.t('near.locating'));
    navigator.geolocation.getCurrentPosition(
      (position) => {
        status.clear();
        const near: Near = { lon: position.coords.longitude, lat: position.coords.latitude, name: null, place: null };
        router.go({ near, selection: null, page: null }, 'push', { fly: true });
      },
      (error) => {
        status.notice(this.shell.t('near.unavailable', { reason: error.message }));
      },
      { enableHighAccuracy: false, timeout: 15_000, maximumAge: 600_000 },
    );
  }
}
