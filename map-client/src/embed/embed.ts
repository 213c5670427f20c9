/**
 * The embeddable map (`/embed?…`): the map alone with the filters and view of its address, a
 * "View on Haven" link and the attribution, for other sites to put in an iframe (the server
 * lets only `/embed` be framed). And "Embed this map": the snippet the full map offers for
 * its current view.
 */

import type { Translate } from '../i18n';
import { h } from '../ui/dom';

/** Parameters of the full map that mean nothing in the embedded one. */
const FULL_ONLY = ['mode', 'view'] as const;

/** Whether this page is the embeddable map. */
export function isEmbed(root: string, location: Pick<Location, 'pathname'> = window.location): boolean {
  return location.pathname === new URL('embed', root).pathname;
}

/** The address of the embeddable map that shows what `view` (a full map address) shows. */
export function embedUrl(view: URL, root: string): URL {
  const url = new URL(view);
  url.pathname = new URL('embed', root).pathname;
  for (const key of FULL_ONLY) url.searchParams.delete(key);
  url.search = url.searchParams.toString().replace(/%2C/gi, ',');
  return url;
}

/** The address of the full map for an embedded map's address. */
export function fullUrl(embed: URL, root: string): URL {
  const url = new URL(embed);
  url.pathname = new URL(root).pathname;
  return url;
}

function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The HTML to paste into another site: an iframe of the embeddable map. */
export function snippet(url: URL, title: string): string {
  return `<iframe src="${attribute(url.href)}" title="${attribute(title)}" width="100%" height="480" style="border:0" loading="lazy"></iframe>`;
}

/** The link from the embedded map to the same view on Haven (in a new tab). */
export function viewOnHaven(t: Translate, href: string): HTMLAnchorElement {
  return h('a', { class: 'embed-view-on-haven', href, target: '_blank', rel: 'noopener' }, t('embed.viewOnHaven'));
}

/** The "Embed this map" dialog with the snippet for `url` and a copy button. */
export function embedDialog(t: Translate, url: URL): HTMLDialogElement {
  const code = h('textarea', { id: 'embed-code', readonly: '', rows: '4', spellcheck: 'false' });
  code.value = snippet(url, t('embed.frameTitle'));
  const status = h('p', { class: 'embed-status', role: 'status' });
  const copy = h('button', { type: 'button' }, t('embed.copy'));
  copy.addEventListener('click', () => {
    code.select();
    navigator.clipboard.writeText(code.value).then(
      () => {
        status.textContent = t('embed.copied');
      },
      () => {
        status.textContent = t('embed.copyFailed');
      },
    );
  });
  const close = h('button', { type: 'button' }, t('embed.close'));
  const dialog = h(
    'dialog',
    { class: 'embed-dialog', 'aria-labelledby': 'embed-title' },
    h('h2', { id: 'embed-title' }, t('embed.title')),
    h('label', { for: 'embed-code' }, t('embed.help')),
    code,
    h('p', { class: 'embed-preview' }, h('a', { href: url.href, target: '_blank', rel: 'noopener' }, t('embed.preview'))),
    h('div', { class: 'embed-actions' }, copy, close, status),
  );
  close.addEventListener('click', () => {
    dialog.close();
  });
  dialog.addEventListener('close', () => {
    dialog.remove();
  });
  return dialog;
}
