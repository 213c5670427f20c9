/**
 * Before/after tables for submissions and revisions: one row per field, the published value
 * beside the proposed one, changed rows marked. Values are shown as text (objects as
 * `key: value` lines), so nothing anyone sent can become markup or a live link.
 */

import type { Language, Translate } from '../i18n';
import { fieldLabel } from '../i18n/fields';
import { h } from '../ui/dom';

/** A value as plain text. */
export function plain(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(plain).join('\n');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => `${key}: ${plain(inner)}`)
      .join('\n');
  }
  return JSON.stringify(value);
}

export interface DiffRow {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** Rows for the fields of `after` (and of `before`, when given). */
export function diffRows(before: Readonly<Record<string, unknown>> | null, after: Readonly<Record<string, unknown>>): DiffRow[] {
  const fields = [...new Set([...Object.keys(after), ...(before ? Object.keys(before) : [])])];
  return fields.map((field) => ({ field, before: before ? before[field] : undefined, after: after[field] }));
}

export function diffTable(t: Translate, lang: Language, rows: readonly DiffRow[], caption: string): HTMLElement {
  return h(
    'div',
    { class: 'diff-scroll' },
    h(
      'table',
      { class: 'diff' },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('diff.field')), h('th', { scope: 'col' }, t('diff.before')), h('th', { scope: 'col' }, t('diff.after')))),
      h(
        'tbody',
        {},
        ...rows.map((row) => {
          const changed = plain(row.before) !== plain(row.after);
          return h(
            'tr',
            { class: changed ? 'changed' : null, 'data-field': row.field },
            h('th', { scope: 'row' }, fieldLabel(row.field, lang)),
            h('td', { class: 'before' }, h('span', { class: 'value' }, plain(row.before))),
            h('td', { class: 'after' }, h('span', { class: 'value' }, plain(row.after))),
          );
        }),
      ),
    ),
  );
}
