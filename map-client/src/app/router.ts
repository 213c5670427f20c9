/**
 * The state and its URL. A change is complete before anything reacts to it: the URL is
 * written, then the app brings every part of the page in line. Back and Forward (and an
 * edited address) read the state again from the URL.
 */

import { embedUrl } from '../embed/embed';
import type { Language } from '../i18n';
import { type MapView, type Selection, serializeUrlState } from '../state/url';
import { type Page, writePage } from '../views/page';
import { type AppState, type FollowOptions, type HistoryEntry, siteRoot, stateFromUrl } from './state';

/** Stands for the slug in a link template ({@link Router.href}); never a valid slug. */
const SLUG_MARK = '__HAVEN_SLUG__';

export class Router {
  private current: AppState;
  private follow: (previous: AppState, options: FollowOptions) => void = () => undefined;
  private readonly hrefTemplates = new Map<'city' | 'practice', { key: string; parts: string[] }>();
  /** Told of every URL written (the embedded map's "View on Haven" link follows it). */
  onWrite: (url: URL) => void = () => undefined;

  constructor(
    fallbackLang: Language,
    private readonly embedded: boolean,
  ) {
    this.current = stateFromUrl(fallbackLang);
  }

  get state(): AppState {
    return this.current;
  }

  /**
   * Starts reacting: `follow` brings the page in line after every change; Back and Forward
   * read the URL again, and `jump` moves the map to the view it holds.
   */
  listen(follow: (previous: AppState, options: FollowOptions) => void, jump: (view: MapView) => void): void {
    this.follow = follow;
    window.addEventListener('popstate', () => {
      this.fromUrl(jump);
    });
  }

  /**
   * The one way the state changes: the new state is complete before anything reacts to it,
   * the URL is written (`history`), then every part of the page is brought in line with what
   * changed. Nothing a change sets off (a map move, a reload of the results) can write an
   * older state into the address.
   */
  go(change: Partial<AppState>, history: HistoryEntry, options: FollowOptions = {}): void {
    const previous = this.current;
    this.current = { ...previous, ...change };
    if (history !== 'none') this.write(history);
    this.follow(previous, options);
  }

  /** Records what the page already shows (the map's view, a city's current slug) in place. */
  settle(change: Partial<AppState>): void {
    this.current = { ...this.current, ...change };
    this.write('replace');
  }

  /** Opens a city or practice panel (or closes it with `null`), as a new history entry. */
  open(selection: Selection | null, options: FollowOptions = {}): void {
    this.go({ selection, page: null }, 'push', options);
  }

  /** Opens a page (or closes it with `null`, showing `selection` if any). */
  goPage(page: Page | null, selection: Selection | null = this.current.selection): void {
    this.go({ page, selection }, 'push');
  }

  /** Reads the state again from the URL (Back, Forward, an edited address). */
  private fromUrl(jump: (view: MapView) => void): void {
    const previous = this.current;
    const next = stateFromUrl(previous.lang);
    // The view the URL holds, else the map's own (a URL without `#map` does not move it).
    this.current = { ...next, view: next.view ?? previous.view };
    if (next.view) jump(next.view);
    this.follow(previous, {});
  }

  private write(how: 'push' | 'replace'): void {
    const url = this.urlFor(this.current.page, this.current.selection);
    this.onWrite(url);
    if (url.href === window.location.href) return;
    if (how === 'push') window.history.pushState(null, '', url);
    else window.history.replaceState(window.history.state, '', url);
  }

  /** The URL of this view with another page and selection. */
  urlFor(page: Page | null, selection: Selection | null): URL {
    const state = this.current;
    const url = serializeUrlState(
      {
        lang: state.lang,
        ...state.filters,
        ...(selection ? { selection } : {}),
        mode: state.mode,
        ...(state.view ? { view: state.view } : {}),
        ...(state.near ? { near: state.near } : {}),
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
  href(kind: 'city' | 'practice', slug: string): string {
    const key = `${kind} ${window.location.href} ${JSON.stringify(this.current)}`;
    let template = this.hrefTemplates.get(kind);
    if (template?.key !== key) {
      template = { key, parts: this.urlFor(null, { kind, slug: SLUG_MARK }).href.split(SLUG_MARK) };
      this.hrefTemplates.set(kind, template);
    }
    return template.parts.join(encodeURIComponent(slug));
  }

  /** The permanent link of a city or practice: just what it is, nothing of this view. */
  permalink(kind: 'city' | 'practice', slug: string): string {
    const url = new URL(siteRoot());
    url.searchParams.set(kind, slug);
    return url.href;
  }
}
