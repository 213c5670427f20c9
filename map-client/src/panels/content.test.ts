import { describe, expect, it } from 'vitest';
import { translator } from '../i18n';
import { languageNote } from './content';

describe('languageNote', () => {
  const en = translator('en');

  it('says nothing when the text is in the interface language', () => {
    expect(languageNote(en, 'en', 'en', 'pl')).toBeNull();
    expect(languageNote(en, 'en', 'und', null)).toBeNull();
  });

  it('names the original language', () => {
    expect(languageNote(en, 'en', 'pl', 'pl')).toBe('Shown in Polish, the original language.');
    expect(languageNote(translator('de'), 'de', 'pl', null)).toBe('Angezeigt auf Polnisch, in der Originalsprache.');
  });

  it('says when a fallback language is shown instead', () => {
    expect(languageNote(translator('fr'), 'fr', 'en', 'pl')).toBe('Affiché en anglais : pas encore disponible en français.');
  });
});
