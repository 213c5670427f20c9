/**
 * Where a verified editor's city stands, proposed for review: a network membership (the Safe
 * Harbour declaration is the Seebrücke campaign's), or its status on one of Seebrücke's
 * demands, each with the evidence a moderator checks before it is published.
 */

import type { CityDetail } from '../api/types';
import { h } from '../ui/dom';
import { type FieldError, Form, isWebUrl, required } from '../ui/form';
import type { ViewContext } from '../views/context';

/** A year, a month or a day, as the API's partial dates are written. */
const PARTIAL_DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

function checkDates(form: Form, names: readonly string[], message: string): FieldError[] {
  return names.filter((name) => form.value(name) !== '' && !PARTIAL_DATE.test(form.value(name))).map((field) => ({ field, message }));
}

function checkEvidence(form: Form, message: string): FieldError[] {
  return form.value('payload.evidence_url') !== '' && !isWebUrl(form.value('payload.evidence_url')) ? [{ field: 'payload.evidence_url', message }] : [];
}

/** The optional fields of `names` that were filled in, as payload entries. */
function filled(form: Form, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.filter((name) => form.value(`payload.${name}`) !== '').map((name) => [name, form.value(`payload.${name}`)]));
}

function sendFor(context: ViewContext, form: Form, kind: 'membership' | 'demand', payload: () => Record<string, unknown>): () => Promise<void> {
  return async () => {
    const evidence = form.value('payload.evidence_url');
    const reference = await context.account.submit({ kind, payload: { ...payload(), evidence_url: evidence }, source_urls: [evidence] });
    form.say(context.t('standing.sent', { reference }), 'ok');
  };
}

function membershipForm(context: ViewContext, city: CityDetail): HTMLElement {
  const { t } = context;
  const form = new Form(t, `membership-${city.slug}`);
  const networks = [...context.networks].sort((a, b) => Number(b.isSafeHarbourCampaign) - Number(a.isSafeHarbourCampaign) || a.name.localeCompare(b.name, context.lang));
  form.field({ name: 'payload.network', label: t('standing.network'), type: 'select', required: true, options: networks.map((n): [string, string] => [n.slug, n.name]) });
  form.field({
    name: 'payload.status',
    label: t('standing.status'),
    type: 'select',
    required: true,
    options: [
      ['declared', t('standing.declared')],
      ['member', t('standing.member')],
      ['founding_member', t('standing.founding')],
      ['left', t('standing.left')],
    ],
  });
  form.field({ name: 'payload.since', label: t('standing.since'), hint: t('standing.dateHint') });
  form.field({ name: 'payload.until', label: t('standing.until'), hint: t('standing.dateHint') });
  form.field({ name: 'payload.evidence_url', label: t('standing.evidence'), type: 'url', required: true });
  form.submitButton(t('standing.send'));
  form.onSubmit(
    () => [...required(form, ['payload.evidence_url'], t), ...checkEvidence(form, t('form.url')), ...checkDates(form, ['payload.since', 'payload.until'], t('standing.date'))],
    sendFor(context, form, 'membership', () => ({ city: city.slug, network: form.value('payload.network'), status: form.value('payload.status'), ...filled(form, ['since', 'until']) })),
  );
  return h('section', { class: 'dash-section standing' }, h('h4', {}, t('standing.membershipHeading')), h('p', { class: 'hint' }, t('standing.intro')), form.element);
}

function demandForm(context: ViewContext, city: CityDetail): HTMLElement {
  const { t } = context;
  const form = new Form(t, `demand-${city.slug}`);
  const choice: [string, string][] = [
    ['', t('standing.unknown')],
    ['true', t('standing.yes')],
    ['false', t('standing.no')],
  ];
  form.field({ name: 'payload.demand', label: t('standing.demand'), type: 'select', required: true, options: [...city.demands].sort((a, b) => a.position - b.position).map((d): [string, string] => [d.key, d.label]) });
  form.field({ name: 'payload.decided', label: t('standing.decided'), type: 'select', options: choice });
  form.field({ name: 'payload.fulfilled', label: t('standing.fulfilled'), type: 'select', options: choice });
  form.field({ name: 'payload.as_of', label: t('standing.asOf'), hint: t('standing.dateHint') });
  form.field({ name: 'payload.evidence_url', label: t('standing.evidence'), type: 'url', required: true });
  form.submitButton(t('standing.send'));
  const flag = (name: string): boolean | null => (form.value(name) === '' ? null : form.value(name) === 'true');
  form.onSubmit(
    () => [...required(form, ['payload.evidence_url'], t), ...checkEvidence(form, t('form.url')), ...checkDates(form, ['payload.as_of'], t('standing.date'))],
    sendFor(context, form, 'demand', () => ({ city: city.slug, demand: form.value('payload.demand'), decided: flag('payload.decided'), fulfilled: flag('payload.fulfilled'), ...filled(form, ['as_of']) })),
  );
  return h('section', { class: 'dash-section standing' }, h('h4', {}, t('standing.demandHeading')), h('p', { class: 'hint' }, t('standing.intro')), form.element);
}

/** The two proposal forms of a city's editor. */
export function standingForms(context: ViewContext, city: CityDetail): HTMLElement[] {
  return [membershipForm(context, city), ...(city.demands.length > 0 ? [demandForm(context, city)] : [])];
}
