/**
 * The editor's dashboard: the account's claims (a listed city, or a gazetteer place not
 * listed yet, which becomes a city when a moderator verifies the claim), and for every
 * verified claim the forms to change the city and to add a practice, published at once.
 */

import type { Claim } from '../api/parse-account';
import type { CityDetail } from '../api/types';
import { h } from '../ui/dom';
import { type FieldError, Form, checkSources, isWebUrl, required, sourceFields, sourceUrls, textLanguage, textLanguageField } from '../ui/form';
import { type View, type ViewContext, pageLink, placeLabel, placePicker } from '../views/context';
import { checkedAreas, cityOptions } from '../suggest/forms';
import { standingForms } from './standing';

function claimItem(context: ViewContext, claim: Claim): HTMLElement {
  const { t } = context;
  const name = claim.city?.name ?? claim.place?.name ?? '?';
  return h(
    'li',
    { 'data-claim': claim.id, 'data-status': claim.status },
    h('strong', {}, name),
    ' – ',
    h('span', { class: `claim-status claim-${claim.status}` }, t(`claim.${claim.status === 'verified' || claim.status === 'rejected' || claim.status === 'withdrawn' ? claim.status : 'pending'}`)),
    claim.reason ? h('span', { class: 'muted' }, ` (${claim.reason})`) : null,
  );
}

function claimForm(context: ViewContext): HTMLElement {
  const { t, lang } = context;
  const form = new Form(t, 'claim');
  const chosen = h('p', { class: 'chosen-place', 'data-chosen': '' });
  form.field({ name: 'city', label: t('editor.claimListed'), type: 'select', options: cityOptions(context) });
  form.add(
    h('p', { class: 'hint' }, t('editor.claimOr')),
    placePicker(context, 'claim-place', t('editor.claimPlace'), (place) => {
      // A city the list does not show yet (nothing recorded) is claimed through its place.
      const slug = place.citySlug;
      const listed = slug !== null && [...(form.control('city') as HTMLSelectElement).options].some((option) => option.value === slug);
      if (listed) {
        form.setValue('city', slug);
        form.setValue('place_id', '');
      } else {
        form.setValue('city', '');
        form.setValue('place_id', place.id);
      }
      chosen.textContent = t('picker.chosen', { name: placeLabel(place, lang) });
      chosen.dataset.chosen = place.id;
    }),
    chosen,
  );
  form.field({ name: 'place_id', label: '', type: 'hidden' });
  form.field({ name: 'role_title', label: t('editor.roleTitle'), hint: t('editor.roleHint') });
  form.field({ name: 'evidence', label: t('editor.evidence'), type: 'textarea', hint: t('editor.evidenceHint') });
  form.submitButton(t('editor.claim'));
  form.onSubmit(
    () => (form.value('city') === '' && form.value('place_id') === '' ? [{ field: 'city', message: t('editor.claimWhich') }] : []),
    async () => {
      await context.account.claim({
        ...(form.value('city') !== '' ? { city: form.value('city') } : { place_id: Number(form.value('place_id')) }),
        ...(form.value('role_title') !== '' ? { role_title: form.value('role_title') } : {}),
        ...(form.value('evidence') !== '' ? { evidence: form.value('evidence') } : {}),
      });
      context.setMe(await context.account.me());
      // Shows the new claim in the list above.
      context.go({ name: 'editor', params: {} }, null);
    },
  );
  return h('section', { class: 'dash-section', 'aria-labelledby': 'claim-heading' }, h('h3', { id: 'claim-heading' }, t('editor.claimHeading')), h('p', {}, t('editor.claimIntro')), form.element);
}

function cityForm(context: ViewContext, city: CityDetail): HTMLElement {
  const { t, lang } = context;
  const form = new Form(t, `edit-city-${city.slug}`);
  const initial = { name: city.name, website: city.website ?? '', population: city.population === null ? '' : String(city.population), summary: '' };
  form.field({ name: 'name', label: t('correction.name'), required: true, value: initial.name });
  form.field({ name: 'website', label: t('correction.website'), type: 'url', value: initial.website });
  form.field({ name: 'population', label: t('editor.population'), type: 'number', value: initial.population });
  form.field({ name: 'summary', label: t('correction.summary'), type: 'textarea', value: initial.summary });
  textLanguageField(form, t, lang);
  form.field({ name: 'reason', label: t('editor.reason'), hint: t('editor.reasonHint') });
  form.submitButton(t('editor.save'));
  form.onSubmit(
    () => {
      const errors: FieldError[] = required(form, ['name'], t);
      if (form.value('website') !== '' && !isWebUrl(form.value('website'))) errors.push({ field: 'website', message: t('form.url') });
      if (form.value('population') !== '' && !/^\d+$/.test(form.value('population'))) errors.push({ field: 'population', message: t('form.number') });
      return errors;
    },
    async () => {
      const fields: Record<string, unknown> = {};
      if (form.value('name') !== initial.name) fields.name = form.value('name');
      if (form.value('website') !== initial.website) fields.website = form.value('website') === '' ? null : form.value('website');
      if (form.value('population') !== initial.population) fields.population = form.value('population') === '' ? null : Number(form.value('population'));
      if (form.value('summary') !== initial.summary.trim()) fields.summary = { [textLanguage(form, lang)]: form.value('summary') };
      if (form.value('reason') !== '') fields.reason = form.value('reason');
      await context.account.updateCity(city.slug, fields);
      form.say(t('editor.saved'), 'ok');
      context.dataChanged();
    },
  );
  return h('section', { class: 'dash-section' }, h('h4', {}, t('editor.editCity')), form.element);
}

function practiceForm(context: ViewContext, city: CityDetail): HTMLElement {
  const { t, lang } = context;
  const form = new Form(t, `add-practice-${city.slug}`);
  form.field({ name: 'title', label: t('suggest.practiceTitle'), required: true });
  form.field({ name: 'summary', label: t('suggest.practiceSummary'), type: 'textarea' });
  form.field({ name: 'organisation', label: t('suggest.organisation') });
  form.field({ name: 'started', label: t('suggest.started'), type: 'number' });
  textLanguageField(form, t, lang);
  const boxes = context.areas.map((area) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'payload.policy_areas', value: area.slug }), ' ', area.label));
  form.add(h('fieldset', { class: 'areas' }, h('legend', {}, t('filters.areas')), ...boxes));
  sourceFields(form, t);
  form.submitButton(t('editor.publish'));
  const published = h('div', { role: 'status', class: 'done' });
  form.onSubmit(
    () => {
      const errors = required(form, ['title'], t);
      if (form.value('started') !== '' && !/^\d{4}$/.test(form.value('started'))) errors.push({ field: 'started', message: t('form.year') });
      return [...errors, ...checkSources(form, t)];
    },
    async () => {
      const areas = checkedAreas(form);
      const written = textLanguage(form, lang);
      const slug = await context.account.createPractice(city.slug, {
        original_lang: written,
        title: { [written]: form.value('title') },
        ...(form.value('summary') !== '' ? { summary: { [written]: form.value('summary') } } : {}),
        ...(form.value('organisation') !== '' ? { organisation: form.value('organisation') } : {}),
        ...(form.value('started') !== '' ? { started: Number(form.value('started')) } : {}),
        ...(areas.length > 0 ? { policy_areas: areas } : {}),
        sources: sourceUrls(form).map((url) => ({ url })),
      });
      form.element.reset();
      form.say(t('editor.published'), 'ok');
      published.replaceChildren(pageLinkToPractice(context, slug));
      context.dataChanged();
    },
  );
  return h('section', { class: 'dash-section' }, h('h4', {}, t('editor.addPractice')), form.element, published);
}

function pageLinkToPractice(context: ViewContext, slug: string): HTMLElement {
  const link = h('a', { href: context.href(null, { kind: 'practice', slug }) }, context.t('editor.showPractice'));
  link.addEventListener('click', (event) => {
    event.preventDefault();
    context.go(null, { kind: 'practice', slug });
  });
  return link;
}

export function editorView(context: ViewContext): View {
  const { t, me } = context;
  if (me === null) {
    return { kind: t('editor.kind'), title: t('editor.title'), body: [h('p', {}, t('account.needSignIn')), h('p', {}, pageLink(context, 'signin', t('account.signIn')), ' · ', pageLink(context, 'signup', t('account.signUp')))] };
  }
  const body: HTMLElement[] = [h('p', {}, t('editor.signedInAs', { name: me.user.displayName ?? me.user.email }))];
  if (!me.user.emailConfirmed) body.push(h('p', { class: 'notice' }, t('editor.confirmFirst')));
  body.push(
    h(
      'section',
      { class: 'dash-section', 'aria-labelledby': 'claims-heading' },
      h('h3', { id: 'claims-heading' }, t('editor.claims')),
      me.claims.length === 0 ? h('p', { class: 'muted' }, t('editor.noClaims')) : h('ul', { class: 'claims' }, ...me.claims.map((claim) => claimItem(context, claim))),
    ),
  );
  for (const claim of me.claims) {
    if (claim.status !== 'verified' || claim.city === null) continue;
    const slug = claim.city.slug;
    const section = h('section', { class: 'dash-section city-editor', 'data-city': slug }, h('h3', {}, claim.city.name), h('p', { class: 'muted' }, t('panel.loading')));
    body.push(section);
    context.api.city(slug, context.lang).then(
      (city) => {
        section.replaceChildren(h('h3', {}, city.name), h('p', { class: 'muted' }, t('editor.direct')), cityForm(context, city), practiceForm(context, city), ...standingForms(context, city));
      },
      () => {
        section.replaceChildren(h('h3', {}, claim.city?.name ?? slug), h('p', { class: 'panel-error' }, t('panel.notFound')));
      },
    );
  }
  body.push(claimForm(context));
  return { kind: t('editor.kind'), title: t('editor.title'), body, wide: true };
}
