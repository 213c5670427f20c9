/**
 * The legend: every colour and symbol the data layers draw (`layers.ts`), in words. The
 * swatches are drawn with the same colours, so the legend cannot drift from the map.
 */

import type { Translate } from '../i18n';
import { h, replaceChildren } from '../ui/dom';
import { CATEGORIES, CATEGORY_COLORS, COLORS } from './layers';

function swatch(kind: 'dot' | 'ring' | 'cluster' | 'selected', color: string): HTMLElement {
  const span = h('span', { class: `swatch swatch-${kind}`, 'aria-hidden': 'true' });
  if (kind === 'ring' || kind === 'selected') span.style.borderColor = color;
  else span.style.backgroundColor = color;
  if (kind === 'cluster') span.textContent = '12';
  return span;
}

/** Renders the legend into its `<details>` element (open on a desk, folded on a phone). */
export function renderLegend(container: HTMLDetailsElement, t: Translate): void {
  const item = (symbol: HTMLElement, text: string): HTMLElement => h('li', {}, symbol, h('span', {}, text));
  replaceChildren(
    container,
    h('summary', {}, t('legend.heading')),
    h(
      'ul',
      { class: 'legend-items' },
      ...CATEGORIES.map((category) => item(swatch('dot', CATEGORY_COLORS[category]), t(`category.${category}`))),
      item(swatch('ring', COLORS.practice), t('legend.practice')),
      item(swatch('cluster', COLORS.cluster), t('legend.cluster')),
      item(swatch('selected', COLORS.selected), t('legend.selected')),
    ),
  );
}
