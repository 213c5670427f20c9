import { describe, expect, it } from 'vitest';
import { fieldLabel } from './fields';
import { LANGUAGES } from './index';

describe('field labels', () => {
  it('names the fields of cities and practices in every language', () => {
    for (const lang of LANGUAGES) {
      for (const field of ['name', 'website', 'population', 'summary', 'title', 'organisation', 'policy_areas', 'sources']) {
        expect(fieldLabel(field, lang)).not.toBe(field);
      }
    }
    expect(fieldLabel('policy_areas', 'de')).toBe('Politikfelder');
    expect(fieldLabel('website', 'es')).toBe('Sitio web');
  });

  it('keeps the rest of a dotted path and leaves unknown fields as they are', () => {
    expect(fieldLabel('summary.de', 'en')).toBe('Summary (de)');
    expect(fieldLabel('something_new', 'fr')).toBe('something_new');
  });
});
