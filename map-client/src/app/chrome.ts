/**
 * The page around the map and the panel: the header (name, language, account links), the
 * site links, the map/list switch, the filters toggle, the legend and the skip links. Every
 * interface string is drawn again when the language changes.
 */

import { isModerator } from '../api/parse-account';
import { embedDialog, embedUrl, fullUrl, viewOnHaven } from '../embed/embed';
import type { FilterPanel } from '../filters/panel';
import { DICTIONARIES, LANGUAGES } from '../i18n';
import { renderLegend } from '../map/legend';
import type { SearchBox } from '../search/box';
import { byId, h } from '../ui/dom';
import type { PageName } from '../views/page';
import type { Catalogue } from './catalogue';
import { openPageLink } from './pages';
import type { Shell } from './shell';
import { isPhone } from './stage';
import { siteRoot } from './state';

export class Chrome {
  /** The embedded map's "View on Haven" link. */
  private embedLink: HTMLAnchorElement | null = null;
  private readonly resultsRoot = byId('results');

  constructor(
    private readonly shell: Shell,
    private readonly parts: { readonly filterPanel: FilterPanel; readonly search: SearchBox; readonly catalogue: Catalogue },
    private readonly hooks: {
      /** "Near me" was pressed. */
      readonly nearMe: () => void;
      /** The account signed out. */
      readonly signedOut: () => void;
    },
  ) {
    shell.router.onWrite = (url) => {
      if (this.embedLink) this.embedLink.href = fullUrl(url, siteRoot()).href;
    };
  }

  /** Wires the controls (once). */
  setup(): void {
    const { router } = this.shell;
    const language = byId('language', HTMLSelectElement);
    for (const lang of LANGUAGES) language.append(h('option', { value: lang, lang }, DICTIONARIES[lang]['language.name']));
    language.addEventListener('change', () => {
      const value = LANGUAGES.find((l) => l === language.value);
      if (value && value !== router.state.lang) router.go({ lang: value }, 'push');
    });
    byId('filters-toggle').addEventListener('click', () => {
      this.toggleFilters();
    });
    byId('near-me').addEventListener('click', () => {
      this.hooks.nearMe();
    });
    byId('skip-map').addEventListener('click', (event) => {
      event.preventDefault();
      if (isPhone() && router.state.mode !== 'map') router.go({ mode: 'map' }, 'push');
      byId('map').querySelector<HTMLElement>('canvas')?.focus();
    });
    this.parts.filterPanel.onShowResults = () => {
      this.toggleFilters(false);
      if (router.state.mode !== 'list') router.go({ mode: 'list' }, 'push');
    };
    byId('skip-link').addEventListener('click', (event) => {
      event.preventDefault();
      if (isPhone() && router.state.mode !== 'list') router.go({ mode: 'list' }, 'push');
      this.focusResults();
    });
    window.matchMedia('(max-width: 720px)').addEventListener('change', () => {
      this.shell.stage.map?.resize();
    });
    this.applyMode();
  }

  /** Moves the focus to the list's heading. */
  focusResults(): void {
    this.resultsRoot.querySelector<HTMLElement>('#results-heading')?.focus();
  }

  private toggleFilters(open?: boolean): void {
    const toggle = byId('filters-toggle');
    const next = open ?? toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(next));
    document.body.classList.toggle('filters-open', next);
    if (next) byId('filters').querySelector<HTMLElement>('input, select, button')?.focus();
  }

  /** Shows the map or the list, as the state says. */
  applyMode(): void {
    const { mode } = this.shell.router.state;
    document.body.dataset.mode = mode;
    for (const button of byId('mode-toggle').querySelectorAll('button')) {
      button.setAttribute('aria-pressed', String(button.dataset.mode === mode));
    }
    requestAnimationFrame(() => this.shell.stage.map?.resize());
  }

  /** Header links: add your city, and sign in / the account's pages / sign out. */
  renderAccountNav(): void {
    const { account, me, status, t } = this.shell;
    const nav = byId('account-nav');
    nav.setAttribute('aria-label', t('nav.label'));
    const link = (name: PageName, label: string): HTMLElement => h('li', {}, openPageLink(this.shell, { name, params: {} }, null, label));
    const items: HTMLElement[] = [link('add-city', t('nav.addCity'))];
    if (me === null) items.push(link('signin', t('account.signIn')));
    else {
      items.push(link('editor', t('nav.myCity')));
      if (isModerator(me.user)) items.push(link('moderation', t('moderation.title')));
      items.push(link('account', t('nav.account')));
      const out = h('button', { type: 'button', class: 'link-button', 'data-action': 'signout' }, t('account.signOut'));
      out.addEventListener('click', () => {
        void account.logout().finally(() => {
          this.shell.me = null;
          this.renderAccountNav();
          this.hooks.signedOut();
          status.notice(t('account.signedOut'));
        });
      });
      items.push(h('li', {}, out));
    }
    nav.replaceChildren(h('ul', {}, ...items));
  }

  /** Where to read more: what Haven is, its data and APIs (pages served by Haven itself). */
  private renderSiteLinks(): void {
    const { router, t } = this.shell;
    const { lang } = router.state;
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
    if (this.shell.embedded) {
      this.embedLink?.remove();
      this.embedLink = viewOnHaven(t, fullUrl(router.urlFor(null, null), siteRoot()).href);
      byId('map-area').append(this.embedLink);
    }
  }

  /** "Embed this map": the iframe snippet for the current filters and view. */
  private embedButton(): HTMLElement {
    const button = h('button', { type: 'button', class: 'link-button embed-open' }, this.shell.t('embed.open'));
    button.addEventListener('click', () => {
      const dialog = embedDialog(this.shell.t, embedUrl(this.shell.router.urlFor(null, null), siteRoot()));
      document.body.append(dialog);
      dialog.showModal();
    });
    return button;
  }

  /** Every interface string, in the current language. */
  render(): void {
    const { router, t } = this.shell;
    const { lang, mode } = router.state;
    document.documentElement.lang = lang;
    document.title = t('app.name');
    byId('app-name').textContent = t('app.name');
    byId('app-tagline').textContent = t('app.tagline');
    byId('map').setAttribute('aria-label', t('map.label'));
    byId('skip-link').textContent = t('skip.results');
    byId('skip-map').textContent = t('skip.map');
    this.renderSiteLinks();
    byId('language-label').textContent = t('language.label');
    byId('language', HTMLSelectElement).value = lang;
    byId('filters-toggle').textContent = t('filters.toggle');
    byId('near-me').textContent = t('near.me');
    byId('near-me').title = t('near.meLabel');
    const modes = byId('mode-toggle');
    modes.setAttribute('aria-label', t('mode.label'));
    modes.replaceChildren(
      ...(['map', 'list'] as const).map((choice) => {
        const button = h('button', { type: 'button', 'data-mode': choice, 'aria-pressed': String(choice === mode) }, t(choice === 'map' ? 'mode.map' : 'mode.list'));
        button.addEventListener('click', () => {
          if (choice !== router.state.mode) router.go({ mode: choice }, 'push');
        });
        return button;
      }),
    );
    renderLegend(byId('legend', HTMLDetailsElement), t);
    // Folded unless the screen has room for it beside the land of the opening view.
    if (window.matchMedia('(max-width: 1100px), (max-height: 900px)').matches) byId('legend', HTMLDetailsElement).open = false;
    const { filterPanel, search, catalogue } = this.parts;
    search.setLanguage(t, lang);
    filterPanel.render(t, catalogue.filterOptions(), router.state.filters);
    catalogue.renderList();
  }
}
