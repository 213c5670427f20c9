import { describe, expect, it } from 'vitest';
import { parsePage, writePage } from './page';

const ROOT = 'https://haven.test/';

describe('pages in the URL', () => {
  it('reads a view with its context and parameters', () => {
    expect(parsePage('https://haven.test/?view=suggest-correction&city=koeln&lang=de', ROOT)).toEqual({ name: 'suggest-correction', params: {} });
    expect(parsePage('https://haven.test/?view=status&ref=AB12-CD34', ROOT)).toEqual({ name: 'status', params: { ref: 'AB12-CD34' } });
  });

  it('reads the paths mailed links open, with their token', () => {
    expect(parsePage('https://haven.test/confirm-email?token=abc', ROOT)).toEqual({ name: 'confirm-email', params: { token: 'abc' } });
    expect(parsePage('https://haven.test/app/reset-password?token=x', 'https://haven.test/app/')).toEqual({ name: 'reset-password', params: { token: 'x' } });
  });

  it('ignores unknown views', () => {
    expect(parsePage('https://haven.test/?view=<script>', ROOT)).toBeNull();
    expect(parsePage('https://haven.test/?city=koeln', ROOT)).toBeNull();
  });

  it('writes a page and removes every trace of it, keeping the rest', () => {
    const url = writePage('https://haven.test/confirm-email?token=abc&lang=fr#map=3/50/10', { name: 'signin', params: {} }, ROOT);
    expect(url.href).toBe('https://haven.test/?lang=fr&view=signin#map=3/50/10');
    const closed = writePage('https://haven.test/?view=status&ref=AB&city=koeln', null, ROOT);
    expect(closed.href).toBe('https://haven.test/?city=koeln');
  });
});
