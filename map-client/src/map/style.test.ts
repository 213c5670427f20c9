import { describe, expect, it } from 'vitest';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { graticule, havenStyle } from './style';

describe('havenStyle', () => {
  it('is a valid MapLibre style', () => {
    expect(validateStyleMin(havenStyle())).toEqual([]);
  });

  it('references no external URL', () => {
    expect(JSON.stringify(havenStyle())).not.toMatch(/https?:|\/\//);
  });
});

describe('graticule', () => {
  it('has 37 meridians and 17 parallels at 10°', () => {
    const kinds = graticule(10).features.map((f) => f.properties?.kind as string);
    expect(kinds.filter((k) => k === 'meridian')).toHaveLength(37);
    expect(kinds.filter((k) => k === 'parallel')).toHaveLength(17);
  });
});
