/**
 * The public revision history of a city or practice: who changed what (before/after), when
 * and why, newest first, with the raw JSON one link away.
 */

import { formatDate } from '../i18n/format';
import { h } from '../ui/dom';
import { apiFieldError } from '../ui/form';
import type { View, ViewContext } from '../views/context';
import { diffTable } from './diff';

export function historyView(context: ViewContext): View {
  const { t, lang, selection } = context;
  if (selection === null) return { kind: t('history.kind'), title: t('history.title'), body: [h('p', { class: 'panel-error' }, t('suggest.noTarget'))] };
  const list = h('div', { class: 'history', 'data-history': 'loading' }, h('p', { class: 'muted' }, t('panel.loading')));
  context.account.history(selection.kind, selection.slug).then(
    (history) => {
      list.dataset.history = 'ready';
      list.replaceChildren(
        history.lastChangedAt ? h('p', {}, t('panel.updated', { date: formatDate(history.lastChangedAt, lang) })) : '',
        ...(history.revisions.length === 0
          ? [h('p', { class: 'muted' }, t('history.empty'))]
          : history.revisions.map((r) =>
              h(
                'article',
                { class: 'queue-item', 'data-revision': r.id },
                h('h4', {}, `${r.createdAt ? formatDate(r.createdAt, lang) : ''} · ${t(`action.${r.action === 'create' || r.action === 'revert' ? r.action : 'update'}`)}`),
                h('p', { class: 'muted' }, t('history.by', { name: r.author ?? t('history.moderation') }), r.reason ? ` · ${r.reason}` : '', r.submission ? ` · ${r.submission}` : ''),
                r.changes.length > 0 ? diffTable(t, lang, r.changes, t('moderation.diff')) : '',
              ),
            )),
      );
    },
    (error: unknown) => {
      list.dataset.history = 'error';
      list.replaceChildren(h('p', { class: 'panel-error' }, apiFieldError(t, error).message));
    },
  );
  const raw = h('a', { href: context.account.historyUrl(selection.kind, selection.slug), class: 'raw-history' }, t('history.json'));
  return { kind: t('history.kind'), title: t('history.title'), body: [list, h('p', {}, raw)], wide: true };
}
