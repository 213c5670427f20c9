import { describe, expect, it } from 'vitest';
import { embedUrl, fullUrl, isEmbed, snippet } from './embed';

const ROOT = 'https://haven.example/';

describe('the embeddable map', () => {
  it('is the page at /embed under the site root', () => {
    expect(isEmbed(ROOT, { pathname: '/embed' })).toBe(true);
    expect(isEmbed(ROOT, { pathname: '/' })).toBe(false);
    expect(isEmbed('https://haven.example/sub/', { pathname: '/sub/embed' })).toBe(true);
  });

  it('keeps the filters and view of the full map, not its phone mode', () => {
    const url = embedUrl(new URL('https://haven.example/?lang=de&area=housing,health&z=6&lon=10&lat=51&mode=list'), ROOT);
    expect(url.href).toBe('https://haven.example/embed?lang=de&area=housing,health&z=6&lon=10&lat=51');
    expect(fullUrl(url, ROOT).href).toBe('https://haven.example/?lang=de&area=housing,health&z=6&lon=10&lat=51');
  });

  it('writes an iframe whose attributes cannot be broken out of', () => {
    const code = snippet(new URL('https://haven.example/embed?lang=en&area=housing'), 'Haven "map" <b>');
    expect(code).toBe(
      '<iframe src="https://haven.example/embed?lang=en&amp;area=housing" title="Haven &quot;map&quot; &lt;b&gt;" width="100%" height="480" style="border:0" loading="lazy"></iframe>',
    );
  });
});
