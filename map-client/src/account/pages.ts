/**
 * Account pages: sign up, sign in (a confirmed address only), the confirm-e-mail page mailed
 * links open, and the password reset (request, then a new password with the mailed token).
 * Messages never say whether an address has an account. The signed-in account's own page is
 * `settings.ts`.
 */

import { ApiError } from '../api/http';
import { h } from '../ui/dom';
import { type FieldError, Form, required } from '../ui/form';
import { type View, type ViewContext, pageLink } from '../views/context';

/** The server's minimum (it also refuses common passwords). */
export const MIN_PASSWORD = 12;

export function passwordErrors(context: ViewContext, form: Form, name: string): FieldError[] {
  const value = form.control(name)?.value ?? '';
  return value !== '' && Array.from(value).length < MIN_PASSWORD ? [{ field: name, message: context.t('account.passwordShort', { min: MIN_PASSWORD }) }] : [];
}

function emailErrors(context: ViewContext, form: Form): FieldError[] {
  const value = form.value('email');
  return value !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? [{ field: 'email', message: context.t('form.email') }] : [];
}

export function signInView(context: ViewContext): View {
  const { t } = context;
  const form = new Form(t, 'signin');
  form.field({ name: 'email', label: t('account.email'), type: 'email', required: true, autocomplete: 'username' });
  form.field({ name: 'password', label: t('account.password'), type: 'password', required: true, autocomplete: 'current-password' });
  form.submitButton(t('account.signIn'));
  form.onSubmit(
    () => [...required(form, ['email', 'password'], t), ...emailErrors(context, form)],
    async () => {
      try {
        const me = await context.account.login(form.value('email'), form.control('password')?.value ?? '');
        context.setMe(me);
        context.go({ name: me.user.role === 'moderator' || me.user.role === 'admin' ? 'moderation' : 'editor', params: {} }, null);
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          form.showErrors([{ field: null, message: t('account.wrongCredentials') }]);
          return;
        }
        if (error instanceof ApiError && error.status === 403) {
          form.showErrors([{ field: null, message: t('account.unconfirmed') }]);
          return;
        }
        throw error;
      }
    },
  );
  return {
    kind: t('account.kind'),
    title: t('account.signIn'),
    body: [
      form.element,
      h('p', {}, pageLink(context, 'forgot-password', t('account.forgot'))),
      h('p', {}, t('account.noAccount'), ' ', pageLink(context, 'signup', t('account.signUp'))),
    ],
  };
}

export function signUpView(context: ViewContext): View {
  const { t } = context;
  const form = new Form(t, 'signup');
  form.field({ name: 'display_name', label: t('account.displayName'), required: true, autocomplete: 'name' });
  form.field({ name: 'email', label: t('account.email'), type: 'email', required: true, autocomplete: 'email' });
  form.field({ name: 'password', label: t('account.password'), type: 'password', required: true, autocomplete: 'new-password', hint: t('account.passwordHint', { min: MIN_PASSWORD }), minlength: MIN_PASSWORD });
  form.submitButton(t('account.signUp'));
  const done = h('div', { role: 'status', class: 'done' });
  form.onSubmit(
    () => [...required(form, ['display_name', 'email', 'password'], t), ...emailErrors(context, form), ...passwordErrors(context, form, 'password')],
    async () => {
      await context.account.register({ email: form.value('email'), password: form.control('password')?.value ?? '', display_name: form.value('display_name'), lang: context.lang });
      form.element.hidden = true;
      done.replaceChildren(h('p', {}, t('account.checkMail', { email: form.value('email') })));
      done.focus();
    },
  );
  return {
    kind: t('account.kind'),
    title: t('account.signUp'),
    body: [h('p', {}, t('account.signUpIntro')), form.element, done, h('p', {}, t('account.haveAccount'), ' ', pageLink(context, 'signin', t('account.signIn')))],
  };
}

export function confirmEmailView(context: ViewContext): View {
  const { t } = context;
  const token = context.params.token ?? '';
  const status = h('div', { role: 'status', class: 'done', 'data-confirm': 'pending' }, h('p', {}, t('account.confirming')));
  if (token === '') {
    status.dataset.confirm = 'error';
    status.replaceChildren(h('p', { class: 'panel-error' }, t('account.tokenMissing')));
  } else {
    context.account.confirm(token).then(
      () => {
        status.dataset.confirm = 'done';
        status.replaceChildren(h('p', {}, t('account.confirmed')), h('p', {}, pageLink(context, context.me ? 'editor' : 'signin', context.me ? t('editor.title') : t('account.signIn'))));
        // A session that is already open now holds a confirmed address.
        if (context.me) void context.account.me().then(context.setMe);
      },
      (error: unknown) => {
        status.dataset.confirm = 'error';
        status.replaceChildren(h('p', { class: 'panel-error' }, error instanceof ApiError && error.status < 500 && error.status > 0 ? t('account.tokenInvalid') : t('form.failed')));
      },
    );
  }
  return { kind: t('account.kind'), title: t('account.confirmTitle'), body: [status] };
}

export function forgotPasswordView(context: ViewContext): View {
  const { t } = context;
  const form = new Form(t, 'forgot');
  form.field({ name: 'email', label: t('account.email'), type: 'email', required: true, autocomplete: 'email' });
  form.submitButton(t('account.sendReset'));
  const done = h('div', { role: 'status', class: 'done' });
  form.onSubmit(
    () => [...required(form, ['email'], t), ...emailErrors(context, form)],
    async () => {
      await context.account.requestReset(form.value('email'));
      form.element.hidden = true;
      done.replaceChildren(h('p', {}, t('account.resetMail')));
    },
  );
  return { kind: t('account.kind'), title: t('account.forgot'), body: [h('p', {}, t('account.forgotIntro')), form.element, done] };
}

export function resetPasswordView(context: ViewContext): View {
  const { t } = context;
  const form = new Form(t, 'reset');
  form.field({ name: 'password', label: t('account.newPassword'), type: 'password', required: true, autocomplete: 'new-password', hint: t('account.passwordHint', { min: MIN_PASSWORD }), minlength: MIN_PASSWORD });
  form.field({ name: 'repeat', label: t('account.repeatPassword'), type: 'password', required: true, autocomplete: 'new-password' });
  form.submitButton(t('account.setPassword'));
  const done = h('div', { role: 'status', class: 'done' });
  form.onSubmit(
    () => {
      const errors = [...required(form, ['password', 'repeat'], t), ...passwordErrors(context, form, 'password')];
      if ((context.params.token ?? '') === '') errors.push({ field: null, message: t('account.tokenMissing') });
      if (errors.length === 0 && form.control('password')?.value !== form.control('repeat')?.value) errors.push({ field: 'repeat', message: t('account.mismatch') });
      return errors;
    },
    async () => {
      await context.account.resetPassword(context.params.token ?? '', form.control('password')?.value ?? '');
      form.element.hidden = true;
      context.setMe(null);
      done.replaceChildren(h('p', {}, t('account.passwordChanged')), h('p', {}, pageLink(context, 'signin', t('account.signIn'))));
    },
  );
  return { kind: t('account.kind'), title: t('account.resetTitle'), body: [form.element, done] };
}
