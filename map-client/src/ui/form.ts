/**
 * Accessible forms built from the DOM: every input has a label, hints and errors are linked
 * with `aria-describedby`, invalid inputs get `aria-invalid`, and after a failed attempt the
 * focus moves to the first field at fault (or to the form's message when no field is named).
 *
 * Inputs are named by the API's field paths (`payload.name`, `source_urls.0`, `email`) so a
 * server error naming a field lands next to that input; a deeper path (`payload.title.de`)
 * lands on the closest input that exists.
 */

import { ApiError } from '../api/http';
import { LANGUAGES, type Language, type Translate } from '../i18n';
import { languageName } from '../i18n/format';
import { type Child, h } from './dom';

export type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

export interface FieldSpec {
  readonly name: string;
  readonly label: string;
  readonly type?: 'text' | 'email' | 'password' | 'url' | 'number' | 'textarea' | 'select' | 'hidden';
  readonly required?: boolean;
  readonly hint?: string;
  readonly value?: string;
  readonly autocomplete?: string;
  readonly options?: readonly (readonly [string, string])[];
  readonly minlength?: number;
}

export interface FieldError {
  readonly field: string | null;
  readonly message: string;
}

let counter = 0;

export class Form {
  readonly element: HTMLFormElement;
  private readonly controls = new Map<string, Control>();
  private readonly errors = new Map<string, HTMLElement>();
  private readonly message: HTMLElement;
  private readonly prefix: string;

  constructor(
    private readonly t: Translate,
    name: string,
  ) {
    counter += 1;
    this.prefix = `f${String(counter)}-${name}`;
    this.message = h('div', { class: 'form-message', id: `${this.prefix}--status`, tabindex: '-1', role: 'alert' });
    this.element = h('form', { class: 'haven-form', novalidate: true, 'data-form': name }, this.message);
  }

  private id(name: string): string {
    return `${this.prefix}-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  }

  /** Adds a labelled field and returns its wrapper. */
  field(spec: FieldSpec): HTMLElement {
    const id = this.id(spec.name);
    const hintId = spec.hint ? `${id}-hint` : null;
    const errorId = `${id}-error`;
    const common = { id, name: spec.name, required: spec.required === true, 'aria-describedby': hintId, autocomplete: spec.autocomplete };
    let control: Control;
    if (spec.type === 'textarea') {
      control = h('textarea', { ...common, rows: 4 });
      control.value = spec.value ?? '';
    } else if (spec.type === 'select') {
      control = h('select', common, ...(spec.options ?? []).map(([value, label]) => h('option', { value }, label)));
      control.value = spec.value ?? '';
    } else {
      control = h('input', { ...common, type: spec.type ?? 'text', minlength: spec.minlength });
      control.value = spec.value ?? '';
    }
    this.controls.set(spec.name, control);
    if (spec.type === 'hidden') {
      this.element.append(control);
      return control;
    }
    const error = h('p', { class: 'field-error', id: errorId, hidden: true });
    this.errors.set(spec.name, error);
    const label = h('label', { for: id }, spec.label, spec.required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null);
    const wrapper = h('div', { class: 'field', 'data-field': spec.name }, label, hintId ? h('p', { class: 'hint', id: hintId }, spec.hint ?? '') : null, control, error);
    this.element.append(wrapper);
    return wrapper;
  }

  /**
   * The honeypot: a `website` input that people never see nor hear (off screen, out of the
   * tab order, hidden from assistive technology). Only robots fill it in.
   */
  honeypot(): void {
    const input = h('input', { type: 'text', name: 'website', id: this.id('hp'), tabindex: '-1', autocomplete: 'off' });
    this.controls.set('website', input);
    this.element.append(h('div', { class: 'honeypot', 'aria-hidden': 'true' }, h('label', { for: this.id('hp') }, 'Website'), input));
  }

  /** Appends other content (headings, groups, buttons). */
  add(...children: readonly Child[]): void {
    for (const child of children) if (child !== null && child !== undefined && child !== false) this.element.append(typeof child === 'object' ? child : String(child));
  }

  submitButton(label: string): HTMLButtonElement {
    const button = h('button', { type: 'submit', class: 'primary' }, label);
    this.element.append(h('div', { class: 'form-actions' }, button));
    return button;
  }

  control(name: string): Control | undefined {
    return this.controls.get(name);
  }

  value(name: string): string {
    return this.controls.get(name)?.value.trim() ?? '';
  }

  setValue(name: string, value: string): void {
    const control = this.controls.get(name);
    if (control) control.value = value;
  }

  /** The input a server field path belongs to (`payload.title.de` → `payload.title`). */
  private resolve(field: string): string | null {
    if (this.errors.has(field)) return field;
    if (this.errors.has(`${field}.0`)) return `${field}.0`;
    const parts = field.split('.');
    while (parts.length > 1) {
      parts.pop();
      const candidate = parts.join('.');
      if (this.errors.has(candidate)) return candidate;
    }
    return null;
  }

  clearErrors(): void {
    this.message.hidden = true;
    this.message.textContent = '';
    this.message.className = 'form-message';
    for (const [name, error] of this.errors) {
      error.hidden = true;
      error.textContent = '';
      const control = this.controls.get(name);
      if (!control) continue;
      control.removeAttribute('aria-invalid');
      const described = (control.getAttribute('aria-describedby') ?? '').split(' ').filter((x) => x !== '' && x !== error.id);
      if (described.length > 0) control.setAttribute('aria-describedby', described.join(' '));
      else control.removeAttribute('aria-describedby');
    }
  }

  /** Shows errors next to their fields and moves the focus to the first one. */
  showErrors(errors: readonly FieldError[]): void {
    this.clearErrors();
    let first: HTMLElement | null = null;
    const general: string[] = [];
    for (const { field, message } of errors) {
      const name = field === null ? null : this.resolve(field);
      const error = name === null ? undefined : this.errors.get(name);
      const control = name === null ? undefined : this.controls.get(name);
      if (!error || !control || name === null) {
        general.push(message);
        continue;
      }
      error.textContent = message;
      error.hidden = false;
      control.setAttribute('aria-invalid', 'true');
      const described = (control.getAttribute('aria-describedby') ?? '').split(' ').filter((x) => x !== '');
      control.setAttribute('aria-describedby', [...described, error.id].join(' '));
      first ??= control;
    }
    const summary = general.length > 0 ? general.join(' ') : this.t('form.fix', { count: errors.length });
    this.say(summary, 'error');
    (first ?? this.message).focus();
  }

  /** A message at the top of the form (`error` or `ok`). */
  say(text: string, kind: 'error' | 'ok'): void {
    this.message.textContent = text;
    this.message.className = `form-message form-${kind}`;
    this.message.hidden = false;
  }

  /** Runs `action` on submit: checks `validate` first, shows server errors by field. */
  onSubmit(validate: () => FieldError[], action: () => Promise<void>): void {
    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      const problems = validate();
      if (problems.length > 0) {
        this.showErrors(problems);
        return;
      }
      this.clearErrors();
      const buttons = [...this.element.querySelectorAll('button')];
      for (const b of buttons) b.disabled = true;
      this.element.setAttribute('aria-busy', 'true');
      action()
        .catch((error: unknown) => {
          this.showErrors([apiFieldError(this.t, error)]);
        })
        .finally(() => {
          for (const b of buttons) b.disabled = false;
          this.element.removeAttribute('aria-busy');
        });
    });
  }
}

/** An API failure as a field error in words for people. */
export function apiFieldError(t: Translate, error: unknown): FieldError {
  if (!(error instanceof ApiError)) return { field: null, message: t('form.failed') };
  if (error.status === 0) return { field: null, message: error.malformed ? t('status.invalid') : t('status.unreachable') };
  if (error.status === 401) return { field: null, message: t('account.needSignIn') };
  if (error.status === 403) return { field: null, message: t('form.forbidden') };
  if (error.status === 429) {
    return { field: null, message: t('form.throttled', { seconds: error.retryAfter ?? 60 }) };
  }
  if (error.status === 400 || error.status === 409 || error.status === 422) return { field: error.field, message: t('form.rejected', { detail: error.message }) };
  return { field: null, message: t('status.http', { status: error.status }) };
}

/** Client-side checks shared by forms. */
export function required(form: Form, names: readonly string[], t: Translate): FieldError[] {
  return names.filter((name) => form.value(name) === '').map((name) => ({ field: name, message: t('form.required') }));
}

export function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && !/\s/.test(value);
  } catch {
    return false;
  }
}

/** Source URL inputs `source_urls.0..n-1`; the first is required. */
export function sourceFields(form: Form, t: Translate, count = 3): void {
  const group = h('fieldset', { class: 'sources' }, h('legend', {}, t('suggest.sources')), h('p', { class: 'hint' }, t('suggest.sourcesHint')));
  form.add(group);
  for (let i = 0; i < count; i += 1) {
    const field = form.field({ name: `source_urls.${String(i)}`, label: t('suggest.sourceN', { n: i + 1 }), type: 'url', required: i === 0 });
    group.append(field);
  }
}

export function sourceUrls(form: Form, count = 3): string[] {
  const urls: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const value = form.value(`source_urls.${String(i)}`);
    if (value !== '') urls.push(value);
  }
  return urls;
}

export function checkSources(form: Form, t: Translate, count = 3): FieldError[] {
  const errors: FieldError[] = [];
  if (form.value('source_urls.0') === '') errors.push({ field: 'source_urls.0', message: t('suggest.sourceRequired') });
  for (let i = 0; i < count; i += 1) {
    const value = form.value(`source_urls.${String(i)}`);
    if (value !== '' && !isWebUrl(value)) errors.push({ field: `source_urls.${String(i)}`, message: t('form.url') });
  }
  return errors;
}

/** Languages people write in on Haven besides the interface's four, by ISO 639-1 code. */
const TEXT_LANGUAGES = ['ar', 'ca', 'cs', 'da', 'el', 'fa', 'hu', 'it', 'nl', 'pl', 'pt', 'ro', 'ru', 'sv', 'tr', 'uk'] as const;

/** The name of the field that says which language a form's texts are written in. */
export const TEXT_LANG = 'text_lang';

/**
 * "Language of your text": texts are stored under the language they are written in, which is
 * not always the interface's (German typed with the interface in English). Defaults to the
 * interface language; the interface's four languages come first, then others by name.
 */
export function textLanguageField(form: Form, t: Translate, lang: Language): HTMLElement {
  const collator = new Intl.Collator(lang);
  const others = TEXT_LANGUAGES.map((code): [string, string] => [code, languageName(code, lang)]).sort((a, b) => collator.compare(a[1], b[1]));
  const interfaceLanguages = LANGUAGES.map((code): [string, string] => [code, languageName(code, lang)]);
  return form.field({ name: TEXT_LANG, label: t('form.textLang'), type: 'select', hint: t('form.textLangHint'), options: [...interfaceLanguages, ...others], value: lang });
}

/** The language a form's texts are in (the field's value, else the interface language). */
export function textLanguage(form: Form, lang: Language): string {
  const value = form.value(TEXT_LANG);
  return /^[a-z]{2}$/.test(value) ? value : lang;
}
