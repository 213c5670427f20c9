/**
 * The status line over the map: "Loading map data…" while the first answers are on their way,
 * and a clear message with a retry button when the API or the tiles fail, so that a broken
 * server never looks like an empty map.
 */

import { ApiError } from '../api/http';
import type { Translate } from '../i18n';
import { h, replaceChildren } from './dom';

/** Why something failed, in words for people. */
export function reason(t: Translate, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return error.malformed ? t('status.invalid') : t('status.unreachable');
    return t('status.http', { status: error.status });
  }
  return t('status.unreachable');
}

export class StatusBar {
  constructor(private readonly root: HTMLElement) {}

  loading(t: Translate): void {
    this.root.className = 'status status-loading';
    this.root.setAttribute('role', 'status');
    replaceChildren(this.root, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('status.loading'));
    this.root.hidden = false;
  }

  error(t: Translate, message: string, retry?: () => void): void {
    this.root.className = 'status status-error';
    this.root.setAttribute('role', 'alert');
    const buttons: HTMLElement[] = [];
    if (retry) {
      const again = h('button', { type: 'button' }, t('status.retry'));
      again.addEventListener('click', retry);
      buttons.push(again);
    }
    const dismiss = h('button', { type: 'button', class: 'status-dismiss' }, t('status.dismiss'));
    dismiss.addEventListener('click', () => {
      this.clear();
    });
    replaceChildren(this.root, h('span', {}, message), ...buttons, dismiss);
    this.root.hidden = false;
  }

  /** A passing message ("Signed out.") that needs no action. */
  notice(message: string): void {
    this.root.className = 'status status-notice';
    this.root.setAttribute('role', 'status');
    replaceChildren(this.root, h('span', {}, message));
    this.root.hidden = false;
    setTimeout(() => {
      if (this.root.classList.contains('status-notice')) this.clear();
    }, 4000);
  }

  clear(): void {
    this.root.hidden = true;
    replaceChildren(this.root);
  }

  get showsError(): boolean {
    return !this.root.hidden && this.root.classList.contains('status-error');
  }
}
