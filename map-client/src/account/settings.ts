/**
 * The signed-in account's own page: where it is signed in (every browser, this one marked,
 * each can be signed out, or all at once) and a new password. Changing the password signs
 * every other browser out; the server hands this one a new session.
 */

import { ApiError } from '../api/http';
import { h } from '../ui/dom';
import { Form, required } from '../ui/form';
import { type View, type ViewContext, pageLink } from '../views/context';
import { MIN_PASSWORD, passwordErrors } from './pages';

const BROWSERS: readonly (readonly [string, string])[] = [
  ['Edg/', 'Edge'],
  ['OPR/', 'Opera'],
  ['Firefox/', 'Firefox'],
  ['Chrome/', 'Chrome'],
  ['Safari/', 'Safari'],
];
const SYSTEMS: readonly (readonly [string, string])[] = [
  ['Android', 'Android'],
  ['iPhone', 'iOS'],
  ['iPad', 'iPadOS'],
  ['Windows', 'Windows'],
  ['Mac OS X', 'macOS'],
  ['Linux', 'Linux'],
];

/** A browser's name as people know it ("Firefox, Windows"), from its User-Agent. */
function browserName(agent: string | null): string | null {
  if (agent === null) return null;
  const browser = BROWSERS.find(([needle]) => agent.includes(needle))?.[1];
  const system = SYSTEMS.find(([needle]) => agent.includes(needle))?.[1];
  if (browser === undefined) return agent.slice(0, 60);
  return system === undefined ? browser : `${browser}, ${system}`;
}

function when(value: string, lang: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

function sessionsSection(context: ViewContext): HTMLElement {
  const { t, lang } = context;
  const status = h('p', { role: 'status', class: 'hint' });
  const items = h('ul', { class: 'session-list' });
  const everywhere = h('button', { type: 'button', 'data-action': 'signout-everywhere' }, t('account.signOutEverywhere'));
  const failed = (error: unknown): void => {
    status.textContent = error instanceof ApiError && error.status === 0 ? (error.malformed ? t('status.invalid') : t('status.unreachable')) : t('form.failed');
  };
  const load = (): void => {
    context.account.sessions().then((sessions) => {
      items.replaceChildren(
        ...sessions.map((session) => {
          const times = t('account.sessionTimes', { since: when(session.createdAt, lang), last: when(session.lastSeenAt, lang) });
          const name = browserName(session.userAgent) ?? t('account.unknownBrowser');
          const end = h('button', { type: 'button', class: 'link-button', 'data-action': 'end-session' }, t('account.endSession'));
          end.addEventListener('click', () => {
            context.account.endSession(session.number).then(() => {
              status.textContent = t('account.sessionEnded');
              load();
            }, failed);
          });
          return h(
            'li',
            { 'data-session': String(session.number), 'data-current': session.current ? 'true' : 'false' },
            h('strong', {}, name),
            session.current ? h('span', { class: 'badge' }, ` (${t('account.thisBrowser')})`) : '',
            h('br', {}),
            h('span', { class: 'hint' }, times),
            session.current ? '' : h('br', {}),
            session.current ? '' : end,
          );
        }),
      );
    }, failed);
  };
  everywhere.addEventListener('click', () => {
    context.account.logoutEverywhere().then(async () => {
      // Asking who is signed in now clears what this page kept of the session.
      await context.account.me().catch(() => null);
      context.setMe(null);
      status.textContent = t('account.signedOutEverywhere');
      context.go({ name: 'signin', params: {} }, null);
    }, failed);
  });
  load();
  return h('section', { class: 'account-sessions', 'aria-labelledby': 'sessions-heading' }, h('h3', { id: 'sessions-heading' }, t('account.sessionsTitle')), h('p', {}, t('account.sessionsIntro')), items, h('p', {}, everywhere), status);
}

function passwordSection(context: ViewContext): HTMLElement {
  const { t } = context;
  const form = new Form(t, 'change-password');
  form.field({ name: 'current_password', label: t('account.currentPassword'), type: 'password', required: true, autocomplete: 'current-password' });
  form.field({ name: 'new_password', label: t('account.newPassword'), type: 'password', required: true, autocomplete: 'new-password', hint: t('account.passwordHint', { min: MIN_PASSWORD }), minlength: MIN_PASSWORD });
  form.field({ name: 'repeat', label: t('account.repeatPassword'), type: 'password', required: true, autocomplete: 'new-password' });
  form.submitButton(t('account.changePassword'));
  form.onSubmit(
    () => {
      const errors = [...required(form, ['current_password', 'new_password', 'repeat'], t), ...passwordErrors(context, form, 'new_password')];
      if (errors.length === 0 && form.control('new_password')?.value !== form.control('repeat')?.value) errors.push({ field: 'repeat', message: t('account.mismatch') });
      return errors;
    },
    async () => {
      await context.account.changePassword(form.control('current_password')?.value ?? '', form.control('new_password')?.value ?? '');
      // The server started a new session for this browser: take its CSRF token.
      context.setMe(await context.account.me());
      for (const name of ['current_password', 'new_password', 'repeat']) form.setValue(name, '');
      form.say(t('account.passwordChangedHere'), 'ok');
    },
  );
  return h('section', { class: 'account-password', 'aria-labelledby': 'password-heading' }, h('h3', { id: 'password-heading' }, t('account.changePassword')), form.element);
}

export function accountView(context: ViewContext): View {
  const { t } = context;
  if (context.me === null) {
    return { kind: t('account.kind'), title: t('nav.account'), body: [h('p', {}, t('account.needSignIn'), ' ', pageLink(context, 'signin', t('account.signIn')))] };
  }
  return {
    kind: t('account.kind'),
    title: t('nav.account'),
    body: [h('p', {}, context.me.user.email), sessionsSection(context), passwordSection(context)],
  };
}
