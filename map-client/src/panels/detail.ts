/**
 * The panel that shows one city, practice or place: a side panel on a desk, a bottom sheet
 * on a phone (the CSS decides). It owns what every panel shares: the heading that receives
 * focus when it opens, the close button, Escape, and the permanent link with a copy button.
 */

import type { Language, Translate } from '../i18n';
import { type Child, h, replaceChildren } from '../ui/dom';

export class DetailPanel {
  private opener: HTMLElement | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly onClose: () => void,
  ) {
    root.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        this.onClose();
      }
    });
  }

  get isOpen(): boolean {
    return !this.root.hidden;
  }

  /** Shows a panel: `kind` is the small label above the title ("City", "Practice"). */
  show(t: Translate, kind: string, title: Child, body: readonly Child[], options: { titleLang?: string | undefined; focus?: boolean } = {}): void {
    if (!this.isOpen && document.activeElement instanceof HTMLElement && !this.root.contains(document.activeElement)) {
      this.opener = document.activeElement;
    }
    const close = h('button', { type: 'button', class: 'panel-close', 'aria-label': t('panel.close') }, '×');
    close.addEventListener('click', () => {
      this.onClose();
    });
    const heading = h('h2', { id: 'detail-title', tabindex: '-1', lang: options.titleLang }, title);
    replaceChildren(this.root, h('div', { class: 'panel-head' }, h('p', { class: 'panel-kind' }, kind), close), heading, ...body);
    this.root.hidden = false;
    this.root.scrollTop = 0;
    if (options.focus !== false) heading.focus({ preventScroll: true });
  }

  hide(): void {
    if (!this.isOpen) return;
    const hadFocus = this.root.contains(document.activeElement);
    this.root.hidden = true;
    replaceChildren(this.root);
    if (hadFocus && this.opener?.isConnected) this.opener.focus();
    this.opener = null;
  }
}

/** A permanent link with a copy button and a spoken confirmation. */
export function permalink(t: Translate, url: string): HTMLElement {
  const input = h('input', { type: 'text', id: 'permalink', readonly: true, value: url, class: 'permalink-url' });
  const status = h('span', { class: 'permalink-status', role: 'status' });
  const button = h('button', { type: 'button', class: 'copy-link' }, t('panel.copy'));
  button.addEventListener('click', () => {
    const done = (ok: boolean): void => {
      status.textContent = t(ok ? 'panel.copied' : 'panel.copyFailed');
      if (!ok) input.select();
    };
    if (typeof navigator.clipboard === 'undefined') {
      done(false);
      return;
    }
    navigator.clipboard.writeText(url).then(
      () => {
        done(true);
      },
      () => {
        done(false);
      },
    );
  });
  input.addEventListener('focus', () => {
    input.select();
  });
  return h('div', { class: 'permalink' }, h('label', { for: 'permalink' }, t('panel.permalink')), h('div', { class: 'permalink-row' }, input, button), status);
}

/** A `<dl>` row, or nothing when the value is empty. */
export function fact(term: string, ...value: readonly Child[]): HTMLElement[] {
  if (value.every((v) => v === null || v === undefined || v === '' || v === false)) return [];
  return [h('dt', {}, term), h('dd', {}, ...value)];
}

const CITABLE_PAGE: Readonly<Record<Language, string>> = {
  de: 'Seite zum Zitieren und Drucken',
  en: 'Page to cite and print',
  fr: 'Page à citer et à imprimer',
  es: 'Página para citar e imprimir',
};

/** A link to the server-rendered page of a city or practice, made to be cited and printed. */
/**
 * "What could {name} do?": the gap sheet of a place (its networks, Seebrücke's demands and the
 * chosen policy areas, with the nearest and most similar cities that did what it has not).
 */
export function gapSheetLink(t: Translate, lang: Language, placeId: number | string, name: string, areas: readonly string[]): HTMLElement {
  const query = areas.length > 0 ? `?policy_area=${areas.map(encodeURIComponent).join(',')}` : '';
  return h('p', { class: 'gap-sheet' }, h('a', { href: `/${lang}/places/${encodeURIComponent(String(placeId))}/gaps${query}` }, t('gaps.link', { name })));
}

export function citablePageLink(lang: Language, kind: 'cities' | 'practices', slug: string): HTMLElement {
  return h('p', { class: 'citable-page' }, h('a', { href: `/${lang}/${kind}/${encodeURIComponent(slug)}` }, CITABLE_PAGE[lang]));
}
