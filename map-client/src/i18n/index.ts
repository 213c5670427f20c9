/**
 * User-interface strings in Haven's four languages.
 *
 * English is the reference dictionary: its keys are the `MessageKey` type, and every other
 * language must provide exactly the same keys (checked by the compiler through
 * `Dictionary` and at test time by `i18n.test.ts`). Content such as city and practice
 * texts comes translated from the API; only the chrome of the app lives here.
 */

export const LANGUAGES = ['de', 'en', 'fr', 'es'] as const;

/** A language Haven is translated into. */
export type Language = (typeof LANGUAGES)[number];

export const DEFAULT_LANGUAGE: Language = 'en';

const en = {
  'app.name': 'Haven',
  'app.tagline': 'Map of welcoming cities',
  'map.label': 'Map of welcoming cities and their local practices',
  'language.name': 'English',
} as const;

/** Identifier of a user-interface string. */
export type MessageKey = keyof typeof en;

/** All user-interface strings of one language. */
export type Dictionary = Readonly<Record<MessageKey, string>>;

const de: Dictionary = {
  'app.name': 'Haven',
  'app.tagline': 'Karte der solidarischen Städte',
  'map.label': 'Karte der solidarischen Städte und ihrer lokalen Praktiken',
  'language.name': 'Deutsch',
};

const fr: Dictionary = {
  'app.name': 'Haven',
  'app.tagline': 'Carte des villes accueillantes',
  'map.label': 'Carte des villes accueillantes et de leurs pratiques locales',
  'language.name': 'Français',
};

const es: Dictionary = {
  'app.name': 'Haven',
  'app.tagline': 'Mapa de ciudades acogedoras',
  'map.label': 'Mapa de ciudades acogedoras y sus prácticas locales',
  'language.name': 'Español',
};

export const DICTIONARIES: Readonly<Record<Language, Dictionary>> = { de, en, fr, es };

/** Narrows an arbitrary string (URL parameter, stored preference) to a `Language`. */
export function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value);
}

/**
 * Picks the first supported language from the browser's preferences (`navigator.languages`),
 * matching on the primary subtag (`de-AT` → `de`), else the default.
 */
export function negotiateLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0] ?? '';
    if (isLanguage(primary)) return primary;
  }
  return DEFAULT_LANGUAGE;
}

/** Returns a translator bound to one language. */
export function translator(language: Language): (key: MessageKey) => string {
  const dictionary = DICTIONARIES[language];
  return (key) => dictionary[key];
}
