/**
 * Content texts (titles, summaries) come from the API in the requested language when a
 * translation exists, else in English or the original. This shows which one it is: the text
 * carries its `lang` attribute (for screen readers and hyphenation) and, when it is not in
 * the interface language, a visible note such as "Shown in Polish, the original language."
 */

import type { LocalisedText } from '../api/types';
import type { Language, Translate } from '../i18n';
import { languageName } from '../i18n/format';
import { h } from '../ui/dom';

/** The note for a text in `textLang` shown to a reader of `uiLang`, or null when none is needed. */
export function languageNote(t: Translate, uiLang: Language, textLang: string, originalLang: string | null): string | null {
  const primary = textLang.toLowerCase().split('-')[0] ?? '';
  if (primary === uiLang || primary === 'und' || primary === '') return null;
  const language = languageName(primary, uiLang);
  if (originalLang === null || originalLang.toLowerCase() === primary) return t('content.original', { language });
  return t('content.fallback', { language, wanted: languageName(uiLang, uiLang) });
}

/** A paragraph of content with its language and, when needed, the note. */
export function contentBlock(t: Translate, uiLang: Language, text: LocalisedText, originalLang: string | null, tag: 'p' | 'div' = 'p'): HTMLElement[] {
  const note = languageNote(t, uiLang, text.lang, originalLang);
  const block: HTMLElement[] = [h(tag, { lang: text.lang === 'und' ? undefined : text.lang, class: 'content' }, text.text)];
  if (note !== null) block.push(h('p', { class: 'language-note' }, note));
  return block;
}
