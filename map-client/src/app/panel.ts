/**
 * What the panel beside the map shows, from the state: a page over the map, else the open
 * city or practice, else what is near a point, else nothing. Each load replaces the one
 * before it, so a slow answer never overwrites a newer panel.
 */

import { ApiError, isAbort } from '../api/http';
import { loadNear, nearBody, nearTitle } from '../near/panel';
import { cityBody } from '../panels/city';
import { type DetailPanel, gapSheetLink } from '../panels/detail';
import { practiceBody } from '../panels/practice';
import type { Near, Selection } from '../state/url';
import { byId, h } from '../ui/dom';
import { reason } from '../ui/status';
import type { Catalogue } from './catalogue';
import type { Pages } from './pages';
import type { Shell } from './shell';
import { CITY_ZOOM, NEAR_ZOOM } from './stage';
import type { FollowOptions } from './state';

export class Panel {
  private controller: AbortController | null = null;

  constructor(
    private readonly shell: Shell,
    private readonly detail: DetailPanel,
    private readonly catalogue: Catalogue,
    private readonly pages: Pages,
  ) {}

  /** Shows what the state puts in the panel: a page, else a city or practice, else nothing. */
  show(options: FollowOptions = {}): void {
    const { router, stage, t } = this.shell;
    if (router.state.page !== null) {
      this.showPage();
      return;
    }
    document.body.classList.remove('page-open', 'page-wide');
    delete byId('detail').dataset.page;
    this.controller?.abort();
    const { selection, near } = router.state;
    stage.whenReady((map) => {
      map.pin(near === null ? null : { ...near, label: this.shell.t('near.pin', { name: near.name ?? this.shell.t('near.here') }) });
    });
    if (selection === null) stage.map?.select(null);
    if (selection !== null) void this.loadDetail(selection, options.fly ?? false);
    else if (near !== null) void this.loadNear(near, options.fly ?? false);
    else {
      this.detail.hide();
      document.title = t('app.name');
    }
  }

  /** Renders the open page in the panel. */
  showPage(): void {
    const { page } = this.shell.router.state;
    if (page === null) return;
    this.controller?.abort();
    const view = this.pages.view(page);
    document.title = `${view.title} – ${this.shell.t('app.name')}`;
    document.body.classList.add('page-open');
    document.body.classList.toggle('page-wide', view.wide === true);
    this.detail.show(this.shell.t, view.kind, view.title, view.body);
    byId('detail').dataset.page = page.name;
  }

  /** The panel of what is near a point, with the filters applied. */
  private async loadNear(near: Near, fly: boolean): Promise<void> {
    const controller = new AbortController();
    this.controller = controller;
    const { api, router, stage, t } = this.shell;
    const title = nearTitle(t, near);
    this.detail.show(t, t('near.kind'), title, [h('p', { class: 'muted' }, t('panel.loading'))], { focus: false });
    if (fly) stage.flyTo(near.lon, near.lat, NEAR_ZOOM);
    const { filters, lang } = router.state;
    const unlisted = near.place !== null;
    try {
      const [data] = await Promise.all([loadNear(api, near, filters, lang, unlisted, controller.signal), this.catalogue.reference]);
      if (controller.signal.aborted) return;
      document.title = `${title} – ${t('app.name')}`;
      const suggest = near.place !== null && near.name !== null ? this.suggestButton(near.place, near.name) : null;
      this.detail.show(t, t('near.kind'), title, [
        ...(suggest ? [h('p', { class: 'not-listed' }, t('place.notListed', { name: near.name ?? '' }))] : []),
        ...nearBody(
          {
            t,
            lang,
            areas: this.catalogue.areas,
            gapSheet: near.place !== null && near.name !== null ? gapSheetLink(t, lang, near.place, near.name, filters.areas) : null,
            permalink: router.urlFor(null, null).href,
            href: (kind, slug) => router.href(kind, slug),
            open: (kind, slug) => {
              router.open({ kind, slug }, { fly: true });
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
    const { router, t } = this.shell;
    const button = h('button', { type: 'button', class: 'near-from' }, t('near.from', { name: near.name ?? t('near.here') }));
    button.addEventListener('click', () => {
      router.go({ near, selection: null, page: null }, 'push', { fly: true });
    });
    return h('p', {}, button);
  }

  /** "Suggest it": the form for adding a place that is not listed. */
  private suggestButton(place: string, name: string): HTMLElement {
    const suggest = h('button', { type: 'button', class: 'suggest' }, this.shell.t('place.suggest'));
    suggest.addEventListener('click', () => {
      this.shell.router.goPage({ name: 'add-city', params: { place, name } }, null);
    });
    return suggest;
  }

  private async loadDetail(selection: Selection, fly: boolean): Promise<void> {
    const controller = new AbortController();
    this.controller = controller;
    const { api, router, stage, t } = this.shell;
    const { catalogue } = this;
    const kindLabel = t(selection.kind === 'city' ? 'city.kind' : 'practice.kind');
    const knownCity = selection.kind === 'city' ? catalogue.cities.find((c) => c.slug === selection.slug) : undefined;
    const known = selection.kind === 'city' ? knownCity?.name : catalogue.practices.find((p) => p.slug === selection.slug)?.title.text;
    this.detail.show(t, kindLabel, known ?? t('panel.loading'), [h('p', { class: 'muted' }, t('panel.loading'))], { focus: false });
    // A listed city's point is known: the map sets off at once. Otherwise it follows the
    // answer, unless the person has moved the map while it was on its way.
    if (fly && knownCity) stage.flyTo(knownCity.lon, knownCity.lat, CITY_ZOOM);
    const flyLater = fly && !knownCity;
    const viewBefore = stage.view();
    try {
      const lang = router.state.lang;
      if (selection.kind === 'city') {
        const [city] = await Promise.all([api.city(selection.slug, lang, controller.signal), catalogue.reference]);
        if (controller.signal.aborted) return;
        // An old slug: the address names the city's current one, in place of the old.
        if (city.slug !== selection.slug) router.settle({ selection: { kind: 'city', slug: city.slug } });
        document.title = `${city.name} – ${t('app.name')}`;
        this.detail.show(t, kindLabel, city.name, [
          ...cityBody(
            {
              t,
              lang,
              areas: catalogue.areas,
              chosenAreas: router.state.filters.areas,
              permalink: router.permalink('city', city.slug),
              practiceHref: (slug) => router.href('practice', slug),
              openPractice: (slug) => {
                router.open({ kind: 'practice', slug }, { fly: true });
              },
            },
            city,
          ),
          this.nearButton({ lon: city.lon, lat: city.lat, name: city.name, place: null }),
          this.pages.actions('city', city.slug),
        ]);
        stage.whenReady((map) => {
          map.select({ kind: 'city', lon: city.lon, lat: city.lat });
        });
        if (flyLater) stage.flyToUnlessMoved(viewBefore, city.lon, city.lat, CITY_ZOOM);
      } else {
        const [practice] = await Promise.all([api.practice(selection.slug, lang, controller.signal), catalogue.reference]);
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
                areas: catalogue.areas,
                permalink: router.permalink('practice', practice.slug),
                cityHref: (slug) => router.href('city', slug),
                openCity: (slug) => {
                  router.open({ kind: 'city', slug }, { fly: true });
                },
              },
              practice,
            ),
            this.pages.actions('practice', practice.slug),
          ],
          { titleLang: practice.title.lang === 'und' ? undefined : practice.title.lang },
        );
        stage.whenReady((map) => {
          map.select({ kind: 'practice', lon: practice.lon, lat: practice.lat });
        });
        if (flyLater) stage.flyToUnlessMoved(viewBefore, practice.lon, practice.lat, CITY_ZOOM);
      }
    } catch (error) {
      if (isAbort(error)) return;
      const message = error instanceof ApiError && error.notFound ? t('panel.notFound') : t('panel.error', { reason: reason(t, error) });
      this.detail.show(t, kindLabel, known ?? selection.slug, [h('p', { class: 'panel-error', role: 'alert' }, message)]);
    }
  }
}
