import { describe, expect, it } from 'vitest';
import { DICTIONARIES, LANGUAGES, interpolate, isLanguage, negotiateLanguage, translator } from './index';

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

  it.each(LANGUAGES)('%s uses the same placeholders as English', (language) => {
    const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
    for (const [key, value] of Object.entries(DICTIONARIES.en)) {
      const translated = DICTIONARIES[language][key as keyof typeof DICTIONARIES.en];
      expect(placeholders(translated), `${language}:${key}`).toEqual(placeholders(value));
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

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translator('en')('filters.matching', { cities: 3, practices: 1 })).toBe('Matching — cities: 3, practices: 1');
    expect(interpolate('{a} and {b}', { a: 'x' })).toBe('x and {b}');
  });
});
