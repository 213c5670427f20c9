/**
 * Needs Haven with the imported bundled data.
 * The citable pages: read without JavaScript, copy a citation, print a practice on at most two
 * A4 pages (the PDF is kept under target/print/), and the map's panels link to them.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type APIRequestContext, expect, test } from '@playwright/test';
import { pdfPageCount, requireDataApi, screenshot, seriousViolations, waitForResults, watchProblems } from './support';

test.beforeEach(async ({ request }) => {
  await requireDataApi(request);
});

/** The practice with the most to print: the longest summary and sources among the longest five. */
async function longestPractice(request: APIRequestContext): Promise<string> {
  const list = (await (await request.get('/api/v1/practices?limit=1000')).json()) as {
    features: { id: string; properties: { summary: string | null } }[];
  };
  const candidates = list.features
    .map((f) => ({ slug: f.id, length: f.properties.summary?.length ?? 0 }))
    .sort((a, b) => b.length - a.length)
    .slice(0, 5);
  let best = { slug: '', size: -1 };
  for (const candidate of candidates) {
    const detail = (await (await request.get(`/api/v1/practices/${candidate.slug}`)).json()) as {
      properties: { sources: { url: string }[] };
    };
    const size = candidate.length + detail.properties.sources.reduce((sum, s) => sum + s.url.length + 40, 0);
    if (size > best.size) best = { slug: candidate.slug, size };
  }
  return best.slug;
}

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a city page reads completely without JavaScript', async ({ page }) => {
    const problems = watchProblems(page);
    await page.goto('/en/cities/koeln');
    await expect(page.locator('h1')).toHaveText('Köln');
    await expect(page.locator('.citation-text')).toContainText('Haven contributors (');
    await expect(page.locator('.citation-text')).toContainText('/en/cities/koeln');
    await expect(page.getByRole('button', { name: 'Copy citation' })).toHaveCount(0);
    await expect(page.locator('table.demands tbody tr')).toHaveCount(8);
    await expect(page.locator('.demands-note')).toContainText("not taken from Seebrücke's own database");
    await expect(page.locator('table.memberships')).toContainText('needs checking');
    await expect(page.getByRole('link', { name: 'Show on the map' })).toHaveAttribute('href', '/?city=koeln&lang=en');
    await page.locator('nav.languages').getByRole('link', { name: 'Deutsch' }).click();
    await expect(page).toHaveURL(/\/de\/cities\/koeln$/);
    await expect(page.locator('.demands-note')).toContainText('nicht aus der Datenbank der Seebrücke');
    await screenshot(page, 'page-city-no-js');
    expect(problems).toEqual([]);
  });
});

test('a citation copies with one click, and the page is accessible', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const problems = watchProblems(page);
  await page.goto('/de/cities/koeln');
  const text = (await page.locator('.citation-text').textContent())?.trim() ?? '';
  expect(text).toContain('abgerufen am');
  await page.getByRole('button', { name: 'Zitat kopieren' }).click();
  await expect(page.locator('.citation [role=status]')).toHaveText('Zitat kopiert.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);
  expect(await seriousViolations(page)).toEqual([]);
  expect(problems).toEqual([]);
});

test('a practice prints on at most two A4 pages with its sources as full URLs', async ({ page, request }) => {
  const slug = await longestPractice(request);
  await page.goto(`/en/practices/${slug}`);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('nav.site-nav')).toBeHidden();
  await expect(page.locator('.to-map')).toBeHidden();
  await expect(page.locator('.copy-citation')).toBeHidden();
  const firstSource = page.locator('ol.sources a.source-url').first();
  await expect(firstSource).toHaveText((await firstSource.getAttribute('href')) ?? '');
  const dir = fileURLToPath(new URL('../../target/print/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const pdf = await page.pdf({ path: `${dir}practice-${slug}.pdf`, format: 'A4' });
  const pages = pdfPageCount(pdf);
  expect(pages).toBeGreaterThanOrEqual(1);
  expect(pages, `practice ${slug} prints on ${pages} pages`).toBeLessThanOrEqual(2);
});

test('the city with the most practices prints on at most two A4 pages', async ({ page, request }) => {
  const cities = (await (await request.get('/api/v1/cities?limit=1000')).json()) as {
    features: { id: string; properties: { practice_count: number } }[];
  };
  const slug = [...cities.features].sort((a, b) => b.properties.practice_count - a.properties.practice_count)[0]?.id ?? 'berlin';
  await page.goto(`/en/cities/${slug}`);
  const dir = fileURLToPath(new URL('../../target/print/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const pages = pdfPageCount(await page.pdf({ path: `${dir}city-${slug}.pdf`, format: 'A4' }));
  expect(pages, `city ${slug} prints on ${pages} pages`).toBeLessThanOrEqual(2);
});

test('the map panels link to the pages', async ({ page }) => {
  await page.goto('/?lang=fr&city=koeln');
  await waitForResults(page);
  await expect(page.locator('#detail-title')).toHaveText('Köln');
  await expect(page.getByRole('link', { name: 'Page à citer et à imprimer' })).toHaveAttribute('href', '/fr/cities/koeln');
  await page.goto('/?lang=es&practice=koeln-move-out-management');
  await waitForResults(page);
  const link = page.getByRole('link', { name: 'Página para citar e imprimir' });
  await expect(link).toHaveAttribute('href', /^\/es\/practices\//);
});

test('city and practice pages in German and English: profile, as-of dates, marks and provenance', async ({ page }) => {
  const problems = watchProblems(page);
  for (const lang of ['de', 'en'] as const) {
    await page.goto(`/${lang}/cities/koeln`);
    await expect(page.locator('p.profile')).toContainText('Köln');
    await expect(page.locator('.demands-note')).toContainText(lang === 'de' ? 'nicht aus der Datenbank der Seebrücke' : "not taken from Seebrücke's own database");
    await expect(page.getByRole('columnheader', { name: lang === 'de' ? 'Stand' : 'As of' }).first()).toBeVisible();
    await screenshot(page, `page-city-${lang}`);
    // Köln's advice for people without papers rests on one source, and the page says so.
    await page.goto(`/${lang}/practices/koeln-city-funded-advice-undocumented`);
    await expect(page.locator('.reliability').filter({ hasText: lang === 'de' ? 'einer Quelle' : 'one source' })).toBeVisible();
    await screenshot(page, `page-practice-${lang}`);
  }
  expect(problems).toEqual([]);
});
