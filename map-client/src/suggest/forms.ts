/**
 * Suggestions anyone may send without an account: "Add your city", "Suggest a practice" and
 * "Suggest a correction" (prefilled from the city or practice being viewed). Each needs at
 * least one source URL and goes to the moderators; the sender gets a reference and a page
 * to follow its status. The `website` honeypot is invisible to people.
 */

import { ApiError } from '../api/http';
import type { SubmissionStatus } from '../api/parse-account';
import type { CityDetail, PracticeDetail } from '../api/types';
import { formatDate } from '../i18n/format';
import { h } from '../ui/dom';
import { type FieldError, Form, apiFieldError, checkSources, isWebUrl, required, sourceFields, sourceUrls, textLanguage, textLanguageField } from '../ui/form';
import { type View, type ViewContext, pageLink, placeLabel, placePicker } from '../views/context';

/** Contact, message and honeypot: the end of every suggestion form. */
function contactFields(context: ViewContext, form: Form): void {
  const { t } = context;
  form.field({ name: 'message', label: t('suggest.message'), type: 'textarea' });
  form.field({ name: 'email', label: t('suggest.email'), type: 'email', autocomplete: 'email', hint: t('suggest.emailHint'), value: context.me?.user.email ?? '' });
  form.honeypot();
}

function optional(value: string): string | undefined {
  return value === '' ? undefined : value;
}

/** Sends the proposal and replaces the form by its reference. */
async function send(context: ViewContext, form: Form, done: HTMLElement, proposal: Record<string, unknown>): Promise<void> {
  const reference = await context.account.submit({
    ...proposal,
    source_urls: sourceUrls(form),
    ...(form.value('email') !== '' ? { email: form.value('email') } : {}),
    ...(form.value('message') !== '' ? { message: form.value('message') } : {}),
    website: form.control('website')?.value ?? '',
  });
  form.element.hidden = true;
  const { t } = context;
  done.replaceChildren(
    h('p', {}, t('suggest.thanks')),
    h('p', {}, t('suggest.reference'), ' ', h('strong', { class: 'reference', 'data-reference': reference }, reference)),
    h('p', {}, pageLink(context, 'status', t('suggest.checkStatus'), { ref: reference })),
  );
  done.hidden = false;
  done.focus();
}

function doneBox(): HTMLElement {
  return h('div', { class: 'done', role: 'status', tabindex: '-1', hidden: true });
}

function urlError(form: Form, name: string, context: ViewContext): FieldError[] {
  const value = form.value(name);
  return value !== '' && !isWebUrl(value) ? [{ field: name, message: context.t('form.url') }] : [];
}

/** "Add your city": from a gazetteer place (prefilled with `place` in the URL) or by name. */
export function addCityView(context: ViewContext): View {
  const { t, lang } = context;
  const form = new Form(t, 'add-city');
  const chosen = h('p', { class: 'chosen-place', 'data-chosen': '' });
  form.add(
    placePicker(context, 'add-city-place', t('suggest.findPlace'), (place) => {
      form.setValue('payload.place_id', place.id);
      form.setValue('payload.name', place.name);
      chosen.textContent = t('picker.chosen', { name: placeLabel(place, lang) });
      chosen.dataset.chosen = place.id;
    }),
    chosen,
  );
  form.field({ name: 'payload.place_id', label: '', type: 'hidden', value: context.params.place ?? '' });
  form.field({ name: 'payload.name', label: t('suggest.cityName'), required: true, value: context.params.name ?? '' });
  form.field({ name: 'payload.website', label: t('suggest.cityWebsite'), type: 'url' });
  form.field({ name: 'payload.summary', label: t('suggest.citySummary'), type: 'textarea' });
  textLanguageField(form, t, lang);
  sourceFields(form, t);
  contactFields(context, form);
  form.submitButton(t('suggest.send'));
  const done = doneBox();
  // A place id in the URL (the "Suggest it" button of an unlisted place): show which place.
  const placeId = context.params.place;
  if (placeId !== undefined && placeId !== '') {
    chosen.dataset.chosen = placeId;
    chosen.textContent = t('picker.chosen', { name: context.params.name ?? placeId });
    context.api.places(context.params.name ?? '', 8).then(
      (places) => {
        const place = places.find((p) => p.id === placeId);
        if (place) {
          chosen.textContent = t('picker.chosen', { name: placeLabel(place, lang) });
          if (form.value('payload.name') === '') form.setValue('payload.name', place.name);
        }
      },
      () => undefined,
    );
  }
  form.onSubmit(
    () => {
      const errors = [...required(form, ['payload.name'], t), ...urlError(form, 'payload.website', context), ...checkSources(form, t)];
      if (form.value('payload.place_id') === '') errors.unshift({ field: null, message: t('suggest.placeRequired') });
      return errors;
    },
    () =>
      send(context, form, done, {
        kind: 'city',
        payload: {
          name: form.value('payload.name'),
          place_id: Number(form.value('payload.place_id')),
          ...(form.value('payload.website') !== '' ? { website: form.value('payload.website') } : {}),
          ...(form.value('payload.summary') !== '' ? { summary: { [textLanguage(form, lang)]: form.value('payload.summary') } } : {}),
        },
      }),
  );
  return { kind: t('suggest.kind'), title: t('suggest.addCity'), body: [h('p', {}, t('suggest.addCityIntro')), form.element, done] };
}

/** Checkboxes of the policy areas, named `payload.policy_areas`. */
function areaBoxes(context: ViewContext, form: Form, checked: readonly string[] = []): HTMLElement {
  const boxes = context.areas.map((area) =>
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'payload.policy_areas', value: area.slug, checked: checked.includes(area.slug) }), ' ', area.label),
  );
  const group = h('fieldset', { class: 'areas' }, h('legend', {}, t2(context, 'filters.areas')), ...boxes);
  form.add(group);
  return group;
}

function t2(context: ViewContext, key: 'filters.areas'): string {
  return context.t(key);
}

export function checkedAreas(form: Form): string[] {
  return [...form.element.querySelectorAll<HTMLInputElement>('input[name="payload.policy_areas"]:checked')].map((box) => box.value);
}

export function cityOptions(context: ViewContext): [string, string][] {
  const collator = new Intl.Collator(context.lang);
  return [['', context.t('suggest.chooseCity')], ...[...context.cities].sort((a, b) => collator.compare(a.name, b.name)).map((c): [string, string] => [c.slug, c.name])];
}

/** "Suggest a practice" for a listed city (the one in the URL preselected). */
export function suggestPracticeView(context: ViewContext): View {
  const { t, lang } = context;
  const form = new Form(t, 'suggest-practice');
  form.field({ name: 'payload.city', label: t('suggest.city'), type: 'select', required: true, options: cityOptions(context), value: context.selection?.kind === 'city' ? context.selection.slug : '' });
  form.field({ name: 'payload.title', label: t('suggest.practiceTitle'), required: true });
  form.field({ name: 'payload.summary', label: t('suggest.practiceSummary'), type: 'textarea' });
  form.field({ name: 'payload.organisation', label: t('suggest.organisation') });
  form.field({ name: 'payload.started', label: t('suggest.started'), type: 'number' });
  textLanguageField(form, t, lang);
  areaBoxes(context, form);
  sourceFields(form, t);
  contactFields(context, form);
  form.submitButton(t('suggest.send'));
  const done = doneBox();
  form.onSubmit(
    () => {
      const errors = [...required(form, ['payload.city', 'payload.title'], t)];
      const started = form.value('payload.started');
      if (started !== '' && !/^\d{4}$/.test(started)) errors.push({ field: 'payload.started', message: t('form.year') });
      return [...errors, ...checkSources(form, t)];
    },
    () => {
      const started = form.value('payload.started');
      const areas = checkedAreas(form);
      const written = textLanguage(form, lang);
      return send(context, form, done, {
        kind: 'practice',
        payload: {
          city: form.value('payload.city'),
          original_lang: written,
          title: { [written]: form.value('payload.title') },
          ...(form.value('payload.summary') !== '' ? { summary: { [written]: form.value('payload.summary') } } : {}),
          ...(optional(form.value('payload.organisation')) ? { organisation: form.value('payload.organisation') } : {}),
          ...(started !== '' ? { started: Number(started) } : {}),
          ...(areas.length > 0 ? { policy_areas: areas } : {}),
          sources: sourceUrls(form).map((url) => ({ url })),
        },
      });
    },
  );
  return { kind: t('suggest.kind'), title: t('suggest.practice'), body: [h('p', {}, t('suggest.practiceIntro')), form.element, done] };
}

/** "Suggest a correction" of the city or practice in the URL, prefilled with what is shown. */
export function correctionView(context: ViewContext): View {
  const { t, lang } = context;
  const selection = context.selection;
  const done = doneBox();
  const holder = h('div', {}, h('p', { class: 'muted' }, t('panel.loading')));
  if (selection === null) {
    return { kind: t('suggest.kind'), title: t('suggest.correction'), body: [h('p', { class: 'panel-error' }, t('suggest.noTarget'))] };
  }
  const form = new Form(t, 'suggest-correction');
  const build = (initial: Readonly<Record<string, string>>, name: string): void => {
    const fields = selection.kind === 'city' ? (['name', 'website', 'summary'] as const) : (['title', 'organisation', 'contact', 'summary'] as const);
    for (const field of fields) {
      form.field({ name: `payload.${field}`, label: t(`correction.${field}`), type: field === 'summary' ? 'textarea' : field === 'website' ? 'url' : 'text', value: initial[field] ?? '' });
    }
    textLanguageField(form, t, lang);
    sourceFields(form, t);
    contactFields(context, form);
    form.submitButton(t('suggest.send'));
    form.onSubmit(
      () => {
        const changed = fields.filter((field) => form.value(`payload.${field}`) !== (initial[field] ?? '').trim());
        const errors: FieldError[] = changed.length === 0 ? [{ field: `payload.${fields[0]}`, message: t('correction.nothing') }] : [];
        return [...errors, ...urlError(form, 'payload.website', context), ...checkSources(form, t)];
      },
      () => {
        const payload: Record<string, unknown> = {};
        for (const field of fields) {
          const value = form.value(`payload.${field}`);
          if (value === (initial[field] ?? '').trim()) continue;
          if (field === 'summary' || field === 'title') payload[field] = { [textLanguage(form, lang)]: value };
          else payload[field] = value === '' ? null : value;
        }
        return send(context, form, done, { kind: 'correction', target: { type: selection.kind, slug: selection.slug }, payload });
      },
    );
    holder.replaceChildren(h('p', {}, t('correction.intro', { name })), form.element);
  };
  const failed = (): void => {
    holder.replaceChildren(h('p', { class: 'panel-error' }, t('panel.notFound')));
  };
  if (selection.kind === 'city') {
    context.api.city(selection.slug, lang).then((city: CityDetail) => {
      build({ name: city.name, website: city.website ?? '', summary: '' }, city.name);
    }, failed);
  } else {
    context.api.practice(selection.slug, lang).then((practice: PracticeDetail) => {
      build({ title: practice.title.text, organisation: practice.organisation ?? '', contact: practice.contact ?? '', summary: practice.summary?.text ?? '' }, practice.title.text);
    }, failed);
  }
  return { kind: t('suggest.kind'), title: t('suggest.correction'), body: [holder, done] };
}

/** Follows a suggestion by its reference. */
export function statusView(context: ViewContext): View {
  const { t, lang } = context;
  const form = new Form(t, 'status');
  form.field({ name: 'reference', label: t('status.reference'), required: true, value: context.params.ref ?? '', autocomplete: 'off' });
  form.submitButton(t('status.check'));
  const result = h('div', { class: 'submission-status', role: 'status' });
  const show = (s: SubmissionStatus): void => {
    result.dataset.status = s.status;
    result.replaceChildren(
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, t('status.reference')),
        h('dd', {}, s.reference),
        h('dt', {}, t('status.state')),
        h('dd', { 'data-status': s.status }, t(`submission.${s.status === 'published' || s.status === 'rejected' || s.status === 'approved' ? s.status : 'pending'}`)),
        s.createdAt ? h('dt', {}, t('status.sent')) : null,
        s.createdAt ? h('dd', {}, formatDate(s.createdAt, lang)) : null,
        s.reason ? h('dt', {}, t('status.reason')) : null,
        s.reason ? h('dd', {}, s.reason) : null,
      ),
    );
  };
  const check = async (): Promise<void> => {
    show(await context.account.submissionStatus(form.value('reference').toUpperCase()));
  };
  form.onSubmit(() => required(form, ['reference'], t), check);
  if ((context.params.ref ?? '') !== '') {
    context.account.submissionStatus(context.params.ref ?? '').then(show, (error: unknown) => {
      // No such reference (or none at all) says so; any other failure, an unreadable answer
      // too, says what it was.
      const message = error instanceof ApiError && (error.notFound || error.status === 400) ? t('status.unknownRef') : apiFieldError(t, error).message;
      result.replaceChildren(h('p', { class: 'panel-error' }, message));
    });
  }
  return { kind: t('suggest.kind'), title: t('status.title'), body: [form.element, result] };
}
