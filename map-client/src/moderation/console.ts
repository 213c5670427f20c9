/**
 * The moderator console: pending submissions with the published state beside what was
 * proposed (approve, or reject with a reason the submitter sees), editor claims to verify
 * or withdraw, revisions editors published that await a look (mark reviewed or revert), and
 * the facts to re-check (status unknown or newest source older than two years), where newer
 * evidence is recorded.
 */

import { type Claim, type QueuedSubmission, type Recheck, type Revision, isModerator } from '../api/parse-account';
import type { MessageKey } from '../i18n';
import { formatDate } from '../i18n/format';
import { externalLink, h } from '../ui/dom';
import { Form, apiFieldError } from '../ui/form';
import { type View, type ViewContext, pageLink } from '../views/context';
import { fieldLabel } from '../i18n/fields';
import { diffRows, diffTable } from './diff';

/** A decision: an optional or required text and a button, with errors shown by the field. */
function decision(context: ViewContext, name: string, label: string, button: string, needsText: boolean, act: (text: string) => Promise<void>): HTMLElement {
  const { t } = context;
  const form = new Form(t, name);
  form.field({ name: 'reason', label, type: 'text', required: needsText });
  form.submitButton(button);
  form.onSubmit(
    () => (needsText && form.value('reason') === '' ? [{ field: 'reason', message: t('form.required') }] : []),
    () => act(form.value('reason')),
  );
  return form.element;
}

function section(id: string, title: string, ...children: (HTMLElement | null)[]): HTMLElement {
  return h('section', { class: 'dash-section', 'aria-labelledby': id }, h('h3', { id }, title), ...children);
}

/** A text of the payload a moderator may correct: a string, or a text per language. */
interface Correctable {
  readonly path: readonly [string] | readonly [string, string];
  readonly value: string;
}

function correctable(payload: Readonly<Record<string, unknown>>): Correctable[] {
  return Object.entries(payload).flatMap(([key, value]): Correctable[] => {
    if (typeof value === 'string') return [{ path: [key], value }];
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return Object.entries(value as Record<string, unknown>).flatMap(([inner, text]): Correctable[] => (typeof text === 'string' ? [{ path: [key, inner], value: text }] : []));
    }
    return [];
  });
}

/**
 * The texts of a suggestion as inputs a moderator may correct before approving; `corrected`
 * gives the whole payload with the corrections, or null when nothing changed.
 */
function corrections(context: ViewContext, item: QueuedSubmission): { element: HTMLElement; corrected: () => Readonly<Record<string, unknown>> | null } {
  const { t } = context;
  const fields = correctable(item.payload).map((field) => {
    const id = `correct-${String(item.id)}-${field.path.join('-')}`;
    const long = field.value.length > 80 || field.value.includes('\n');
    const input = long ? h('textarea', { id, rows: 3 }) : h('input', { id, type: 'text' });
    input.value = field.value;
    const label = field.path.length === 2 ? `${fieldLabel(field.path[0], context.lang)} (${field.path[1]})` : fieldLabel(field.path[0], context.lang);
    return { field, input, element: h('div', { class: 'field' }, h('label', { for: id }, label), input) };
  });
  const element = h('details', { class: 'corrections' }, h('summary', {}, t('moderation.correct')), h('p', { class: 'hint' }, t('moderation.correctHint')), ...fields.map((f) => f.element));
  const corrected = (): Readonly<Record<string, unknown>> | null => {
    const changed = fields.filter(({ field, input }) => input.value !== field.value);
    if (changed.length === 0) return null;
    const payload: Record<string, unknown> = structuredClone({ ...item.payload });
    for (const { field, input } of changed) {
      const [key, inner] = field.path;
      if (inner === undefined) payload[key] = input.value;
      else payload[key] = { ...(payload[key] as Record<string, unknown>), [inner]: input.value };
    }
    return payload;
  };
  return { element, corrected };
}

/**
 * A primary button named `name` that runs `action`, then tells the views that data changed and
 * reloads the queue; a failure enables it again and shows why in `status`.
 */
function primaryAction(
  context: ViewContext,
  name: string,
  label: string,
  action: () => Promise<void>,
  reload: () => void,
): { button: HTMLButtonElement; status: HTMLParagraphElement } {
  const button = h('button', { type: 'button', class: 'primary', 'data-action': name }, label);
  const status = h('p', { class: 'form-message', role: 'alert', hidden: true });
  button.addEventListener('click', () => {
    button.disabled = true;
    action().then(
      () => {
        context.dataChanged();
        reload();
      },
      (error: unknown) => {
        button.disabled = false;
        status.textContent = apiFieldError(context.t, error).message;
        status.hidden = false;
      },
    );
  });
  return { button, status };
}

function submissionCard(context: ViewContext, item: QueuedSubmission, reload: () => void): HTMLElement {
  const { t, lang } = context;
  const target = item.target ? `${item.target.type} ${item.target.slug ?? ''}` : null;
  const correction = corrections(context, item);
  const approve = primaryAction(context, 'approve', t('moderation.approve'), () => context.account.approve(item.id, '', correction.corrected()), reload);
  return h(
    'article',
    { class: 'queue-item', 'data-submission': item.reference, 'data-kind': item.kind },
    h('h4', {}, t(`kind.${item.kind === 'city' || item.kind === 'practice' || item.kind === 'correction' || item.kind === 'membership' ? item.kind : 'demand'}`), ' · ', h('code', {}, item.reference)),
    h(
      'dl',
      { class: 'facts' },
      target ? h('dt', {}, t('moderation.target')) : null,
      target ? h('dd', {}, target) : null,
      h('dt', {}, t('moderation.by')),
      h('dd', {}, item.submitter ?? t('moderation.anonymous')),
      item.createdAt ? h('dt', {}, t('status.sent')) : null,
      item.createdAt ? h('dd', {}, formatDate(item.createdAt, lang)) : null,
      item.message ? h('dt', {}, t('suggest.message')) : null,
      item.message ? h('dd', { class: 'value' }, item.message) : null,
      h('dt', {}, t('suggest.sources')),
      h('dd', {}, h('ul', {}, ...item.sourceUrls.map((url) => h('li', {}, externalLink(url, url))))),
    ),
    diffTable(t, lang, diffRows(item.before, item.after), item.before ? t('moderation.diff') : t('moderation.new')),
    correction.element,
    h('div', { class: 'decisions' }, approve.button, approve.status, decision(context, `reject-${String(item.id)}`, t('moderation.rejectReason'), t('moderation.reject'), true, async (reason) => {
      await context.account.reject(item.id, reason);
      reload();
    })),
  );
}

function claimCard(context: ViewContext, claim: Claim, reload: () => void): HTMLElement {
  const { t } = context;
  const verify = primaryAction(context, 'verify', t('moderation.verify'), () => context.account.verifyClaim(claim.id), reload);
  const place = claim.city ? claim.city.name : claim.place ? `${claim.place.name} (${claim.place.country}) – ${t('search.notListed')}` : '?';
  return h(
    'article',
    { class: 'queue-item', 'data-claim': claim.id },
    h('h4', {}, place),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, t('moderation.by')),
      h('dd', {}, `${claim.user?.displayName ?? ''} <${claim.user?.email ?? ''}>`),
      claim.roleTitle ? h('dt', {}, t('editor.roleTitle')) : null,
      claim.roleTitle ? h('dd', {}, claim.roleTitle) : null,
      claim.evidence ? h('dt', {}, t('editor.evidence')) : null,
      claim.evidence ? h('dd', { class: 'value' }, claim.evidence) : null,
    ),
    h('div', { class: 'decisions' }, verify.button, verify.status, decision(context, `withdraw-${String(claim.id)}`, t('moderation.withdrawReason'), t('moderation.withdraw'), true, async (reason) => {
      await context.account.withdrawClaim(claim.id, reason);
      reload();
    })),
  );
}

function revisionCard(context: ViewContext, revision: Revision, reload: () => void): HTMLElement {
  const { t, lang } = context;
  const reviewed = h('button', { type: 'button', 'data-action': 'reviewed' }, t('moderation.reviewed'));
  reviewed.addEventListener('click', () => {
    reviewed.disabled = true;
    void context.account.markReviewed(revision.id).then(reload, () => {
      reviewed.disabled = false;
    });
  });
  const name = typeof revision.after.name === 'string' ? revision.after.name : typeof revision.after.slug === 'string' ? revision.after.slug : `${revision.entityType} ${String(revision.entityId ?? '')}`;
  return h(
    'article',
    { class: 'queue-item', 'data-revision': revision.id },
    h('h4', {}, `${t(`action.${revision.action === 'create' || revision.action === 'revert' ? revision.action : 'update'}`)} · ${revision.entityType} · `, name),
    h('p', { class: 'muted' }, revision.author ?? '', revision.createdAt ? ` · ${formatDate(revision.createdAt, lang)}` : '', revision.reason ? ` · ${revision.reason}` : ''),
    diffTable(t, lang, revision.changes, t('moderation.diff')),
    h('div', { class: 'decisions' }, reviewed, decision(context, `revert-${String(revision.id)}`, t('moderation.revertReason'), t('moderation.revert'), false, async (reason) => {
      await context.account.revert(revision.id, reason);
      context.dataChanged();
      reload();
    })),
  );
}

/** The statuses a source can state for each kind of fact, with their labels' keys. */
const RECHECK_STATUSES: Readonly<Record<Recheck['kind'], readonly (readonly [string, MessageKey])[]>> = {
  membership: [
    ['member', 'membership.member'],
    ['founding_member', 'membership.founding_member'],
    ['declared', 'membership.declared'],
    ['left', 'membership.left'],
  ],
  demand: [
    ['decided', 'demandStatus.decided'],
    ['fulfilled', 'demandStatus.fulfilled'],
    ['not_decided', 'demandStatus.not_decided'],
  ],
  practice: [
    ['active', 'practice.status.active'],
    ['planned', 'practice.status.planned'],
    ['ended', 'practice.status.ended'],
    ['unknown', 'practice.status.unknown'],
  ],
};

function statusLabel(context: ViewContext, item: Recheck): string {
  const known = RECHECK_STATUSES[item.kind].find(([value]) => value === item.status);
  if (known) return context.t(known[1]);
  return item.status === 'unknown' ? context.t('demandStatus.unknown') : (item.status ?? '–');
}

function recheckCard(context: ViewContext, item: Recheck, done: (revision: number | null) => void): HTMLElement {
  const { t, lang } = context;
  const form = new Form(t, `recheck${item.recheck.replace(/^\/api\/v1\/moderation\/rechecks/, '').replace(/[^A-Za-z0-9_]+/g, '-')}`);
  const statuses = RECHECK_STATUSES[item.kind];
  form.field({ name: 'status', label: t('recheck.status'), type: 'select', options: statuses.map(([value, key]) => [value, t(key)] as const), value: statuses.some(([value]) => value === item.status) ? (item.status ?? '') : (statuses[0]?.[0] ?? '') });
  form.field({ name: 'as_of', label: t('recheck.asOf'), hint: t('recheck.asOfHint'), required: true });
  form.field({ name: 'source_url', label: t('recheck.sourceUrl'), type: 'url', required: true });
  form.field({ name: 'note', label: t('recheck.note') });
  form.submitButton(t('recheck.submit'));
  form.onSubmit(
    () => [
      ...(form.value('as_of') === '' ? [{ field: 'as_of', message: t('form.required') }] : []),
      ...(form.value('source_url') === '' ? [{ field: 'source_url', message: t('form.required') }] : []),
    ],
    async () => {
      const note = form.value('note');
      const revision = await context.account.recheck(item, { status: form.value('status'), as_of: form.value('as_of'), source_url: form.value('source_url'), ...(note === '' ? {} : { note }) });
      context.dataChanged();
      done(revision);
    },
  );
  return h(
    'article',
    { class: 'queue-item recheck-item', 'data-recheck': item.recheck, 'data-kind': item.kind },
    h('h4', {}, `${t(`recheck.kind.${item.kind}`)} · `, h('a', { href: `/${lang}/cities/${encodeURIComponent(item.city.slug)}` }, item.city.name), ` · ${item.subject}`),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, t('recheck.now')),
      h('dd', {}, statusLabel(context, item), item.asOf ? ` · ${formatDate(item.asOf, lang)}` : '', ' ', h('span', { class: 'check' }, t(`recheck.reason.${item.reason === 'status_unknown' || item.reason === 'undated' ? item.reason : 'older_than_two_years'}`))),
      item.sourceUrl ? h('dt', {}, t('recheck.source')) : null,
      item.sourceUrl ? h('dd', {}, externalLink(item.sourceUrl, item.sourceUrl)) : null,
    ),
    form.element,
  );
}

/** The re-check queue, a page at a time with "Show more". */
function rechecks(context: ViewContext): HTMLElement {
  const { t } = context;
  const list = h('div', { 'data-list': 'rechecks' }, h('p', { class: 'muted' }, t('panel.loading')));
  const said = h('p', { class: 'form-message form-ok', role: 'status', hidden: true });
  const root = h('div', {}, h('p', {}, t('recheck.intro')), said, list);
  const done = (revision: number | null): void => {
    said.textContent = t('recheck.done', { id: revision ?? '' });
    said.hidden = false;
    load();
  };
  function load(): void {
    const shown: HTMLElement[] = [];
    const count = h('p', { class: 'muted recheck-count' });
    const more = h('button', { type: 'button', class: 'recheck-more', hidden: true }, t('recheck.more'));
    const next = (offset: number): void => {
      context.account.rechecks(context.lang, offset).then(
        (page) => {
          count.textContent = t('recheck.count', { count: page.total });
          list.dataset.count = String(page.total);
          shown.push(...page.items.map((item) => recheckCard(context, item, done)));
          more.hidden = page.nextOffset === null;
          more.onclick = page.nextOffset === null ? null : () => { next(page.nextOffset ?? 0); };
          list.replaceChildren(count, ...(page.total === 0 ? [h('p', { class: 'muted' }, t('moderation.empty'))] : shown), more);
        },
        (error: unknown) => {
          list.replaceChildren(h('p', { class: 'panel-error', role: 'alert' }, apiFieldError(t, error).message));
        },
      );
    };
    next(0);
  }
  load();
  return root;
}

export function moderationView(context: ViewContext): View {
  const { t } = context;
  if (!isModerator(context.me?.user)) {
    return { kind: t('moderation.kind'), title: t('moderation.title'), body: [h('p', {}, t('moderation.only')), context.me ? null : h('p', {}, pageLink(context, 'signin', t('account.signIn')))] };
  }
  const queue = h('div', { 'data-list': 'submissions' }, h('p', { class: 'muted' }, t('panel.loading')));
  const claims = h('div', { 'data-list': 'claims' }, h('p', { class: 'muted' }, t('panel.loading')));
  const revisions = h('div', { 'data-list': 'revisions' }, h('p', { class: 'muted' }, t('panel.loading')));
  const fill = <T>(root: HTMLElement, load: () => Promise<readonly T[]>, card: (item: T, reload: () => void) => HTMLElement): void => {
    const reload = (): void => {
      fill(root, load, card);
    };
    load().then(
      (items) => {
        root.dataset.count = String(items.length);
        root.replaceChildren(...(items.length === 0 ? [h('p', { class: 'muted' }, t('moderation.empty'))] : items.map((item) => card(item, reload))));
      },
      (error: unknown) => {
        root.replaceChildren(h('p', { class: 'panel-error', role: 'alert' }, apiFieldError(t, error).message));
      },
    );
  };
  fill(queue, () => context.account.queue(), (item, reload) => submissionCard(context, item, reload));
  fill(claims, () => context.account.pendingClaims(), (item, reload) => claimCard(context, item, reload));
  fill(revisions, () => context.account.revisionsToReview(), (item, reload) => revisionCard(context, item, reload));
  return {
    kind: t('moderation.kind'),
    title: t('moderation.title'),
    wide: true,
    body: [
      section('mod-submissions', t('moderation.submissions'), queue),
      section('mod-claims', t('moderation.claims'), claims),
      section('mod-revisions', t('moderation.revisions'), revisions),
      section('mod-rechecks', t('moderation.rechecks'), rechecks(context)),
    ],
  };
}
