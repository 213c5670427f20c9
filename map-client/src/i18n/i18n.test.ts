import { describe, expect, it } from 'vitest';
import { DICTIONARIES, LANGUAGES, isLanguage, negotiateLanguage, translator } from './index';

describe('dictionaries', () => {
  const reference = Object.keys(DICTIONARIES.en).sort();

  it.each(LANGUAGES)('%s has exactly the reference keys', (language) => {
    expect(Object.keys(DICTIONARIES[language]).sort()).toEqual(reference);
  });

  it.each(LANGUAGES)('%s has no empty strings', (language) => {
    for (const [key, value] of Object.entries(DICTIONARIES[language])) {
      expect(value.trim(), `${language}:${key}`).not.toBe('');
    }
  });

  it('covers de, en, fr and es', () => {
    expect([...LANGUAGES].sort()).toEqual(['de', 'en', 'es', 'fr']);
  });
});

describe('language negotiation', () => {
  it('matches on the primary subtag', () => {
    expect(negotiateLanguage(['de-AT', 'en'])).toBe('de');
    expect(negotiateLanguage(['FR-ca'])).toBe('fr');
  });

  it('skips unsupported languages', () => {
    expect(negotiateLanguage(['it', 'es-MX'])).toBe('es');
  });

  it('falls back to English', () => {
    expect(negotiateLanguage([])).toBe('en');
    expect(negotiateLanguage(['pl'])).toBe('en');
  });

  it('recognises languages', () => {
    expect(isLanguage('de')).toBe(true);
    expect(isLanguage('DE')).toBe(false);
    expect(isLanguage('it')).toBe(false);
  });

  it('translates', () => {
    expect(translator('de')('app.tagline')).toBe('Karte der solidarischen Städte');
  });
});
