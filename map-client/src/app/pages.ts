/**
 * The pages over the map (forms, dashboards, the moderator console, a revision history): which
 * view draws each, what a view gets from the app, and the links under a city or practice panel
 * that open them.
 */

import { confirmEmailView, forgotPasswordView, resetPasswordView, signInView, signUpView } from '../account/pages';
import { accountView } from '../account/settings';
import { editorView } from '../editor/dashboard';
import { moderationView } from '../moderation/console';
import { historyView } from '../moderation/history';
import type { Selection } from '../state/url';
import { addCityView, correctionView, statusView, suggestPracticeView } from '../suggest/forms';
import { h } from '../ui/dom';
import type { View, ViewContext } from '../views/context';
import type { Page, PageName } from '../views/page';
import type { Catalogue } from './catalogue';
import type { Shell } from './shell';
import { samePage, sameSelection } from './state';

/** Pages whose forms list the cities or policy areas. */
const NEEDS_REFERENCE: readonly PageName[] = ['suggest-practice', 'editor'];

const VIEWS: Readonly<Record<PageName, (context: ViewContext) => View>> = {
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

/** Whether a page waits for the reference data before it is drawn. */
export function needsReference(page: Page): boolean {
  return NEEDS_REFERENCE.includes(page.name);
}

/** A link that opens a page in place (a new history entry), or in a new tab with a modifier. */
export function openPageLink(shell: Shell, page: Page, selection: Selection | null, label: string): HTMLElement {
  const a = h('a', { href: shell.router.urlFor(page, selection).href, 'data-page': page.name }, label);
  a.addEventListener('click', (event) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    shell.router.goPage(page, selection);
  });
  return a;
}

export class Pages {
  constructor(
    private readonly shell: Shell,
    private readonly catalogue: Catalogue,
    private readonly hooks: {
      /** Draws the panel again (the page shown has changed what it lists). */
      readonly redraw: () => void;
      /** The signed-in account changed. */
      readonly accountChanged: () => void;
    },
  ) {}

  /** The view of a page. */
  view(page: Page): View {
    return VIEWS[page.name](this.context(page));
  }

  private context(page: Page): ViewContext {
    const { shell, catalogue } = this;
    const { router } = shell;
    return {
      t: shell.t,
      lang: router.state.lang,
      account: shell.account,
      api: shell.api,
      me: shell.me,
      cities: catalogue.allCities,
      areas: catalogue.areas,
      networks: catalogue.networks,
      selection: router.state.selection,
      params: page.params,
      go: (next, selection) => {
        const chosen = selection === undefined ? router.state.selection : selection;
        // The page already shown is drawn again (after a form changed what it lists).
        if (samePage(next, router.state.page) && sameSelection(chosen, router.state.selection)) this.hooks.redraw();
        else router.goPage(next, chosen);
      },
      href: (next, selection) => router.urlFor(next, selection === undefined ? router.state.selection : selection).href,
      setMe: (me) => {
        shell.me = me;
        this.hooks.accountChanged();
      },
      dataChanged: () => {
        shell.stage.map?.refreshData();
        void catalogue.loadReference();
      },
    };
  }

  /** Under a city or practice: suggest a correction (or a practice), and the history. */
  actions(kind: 'city' | 'practice', slug: string): HTMLElement {
    const { t } = this.shell;
    const selection: Selection = { kind, slug };
    const link = (name: PageName, label: string): HTMLElement => h('li', {}, openPageLink(this.shell, { name, params: {} }, selection, label));
    return h(
      'ul',
      { class: 'panel-actions' },
      link('suggest-correction', t('suggest.correction')),
      kind === 'city' ? link('suggest-practice', t('suggest.practice')) : null,
      link('history', t('history.title')),
    );
  }
}
