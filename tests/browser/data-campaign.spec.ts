/**
 * Needs Haven with the imported bundled data.
 * The campaigner's tools: from the map to the gap sheet of Kempen ("what could Kempen do?"),
 * choosing policy areas, printing it on at most two A4 pages (the PDF is kept under
 * target/print/), and on to the take-action guide of a gap; an unlisted town's gap sheet.
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { address, hasCli, mailedToken } from './accounts';
import { pdfPageCount, requireDataApi, screenshot, seriousViolations, waitForResults, watchProblems } from './support';

const BOX = { name: /Search places, practices and topics|Orte, Praktiken und Themen suchen/ };

test.beforeEach(async ({ request }) => {
  await requireDataApi(request);
});

test('from the map to the gap sheet of Kempen, with a policy area, printed on two pages at most', async ({ page }) => {
  test.slow();
  const problems = watchProblems(page);
  await page.goto('/?lang=de');
  await waitForResults(page);
  await page.getByRole('combobox', BOX).fill('Kempen');
  await page.locator('#search-results [data-group="places"] [role="option"]').filter({ hasText: /^Kempen/ }).first().click();
  await expect(page.locator('#detail-title')).toHaveText('Kempen');
  await page.getByRole('link', { name: 'Was könnte Kempen tun?' }).click();

  await expect(page.locator('h1')).toHaveText('Was könnte Kempen tun?');
  await expect(page).toHaveURL(/\/de\/places\/\d+\/gaps$/);
  // Seebrücke's eight demands, each with its standing; a gap lists who did it, nearest first.
  await expect(page.locator('section.gap')).toHaveCount(8);
  const nearest = page.locator('section.gap.is-gap .nearest > ol > li').first();
  await expect(nearest).toContainText('km');
  const km = await page
    .locator('section.gap.is-gap')
    .first()
    .locator('.nearest > ol > li .distance')
    .allTextContents();
  const numbers = km.map((text) => Number(text.replace(/[^\d]/g, '')));
  expect([...numbers].sort((a, b) => a - b)).toEqual(numbers);
  await expect(page.locator('.gap-networks')).toContainText('Sicherer Hafen');
  await expect(page.locator('.made')).toContainText('Erstellt am');
  await expect(page.locator('.citation-text')).toContainText('/de/places/');

  // Compare a policy area: the form needs no script.
  await page.getByRole('checkbox', { name: 'Wohnen' }).check();
  await page.getByRole('button', { name: 'Vergleichen' }).click();
  await expect(page).toHaveURL(/policy_area=housing/);
  await expect(page.locator('section.gap[data-key="housing"] h3')).toHaveText('Wohnen');
  await expect(page.locator('section.gap')).toHaveCount(9);
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'gaps-kempen-de');

  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.area-chooser')).toBeHidden();
  const dir = fileURLToPath(new URL('../../target/print/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const pages = pdfPageCount(await page.pdf({ path: `${dir}gaps-kempen.pdf`, format: 'A4' }));
  expect(pages, `the gap sheet prints on ${pages} pages`).toBeLessThanOrEqual(2);
  await page.emulateMedia({ media: 'screen' });

  // On to the guide for one of the gaps.
  const gap = page.locator('section.gap.is-gap').filter({ has: page.locator('.guide-link') }).first();
  const demand = await gap.locator('h3').textContent();
  await gap.getByRole('link', { name: 'So fragen Sie Ihren Rat danach' }).click();
  await expect(page).toHaveURL(/\/de\/take-action\//);
  await expect(page.locator('p.muted').first()).toContainText(demand ?? '');
  for (const heading of ['Wer entscheidet', 'Was ein Ratsantrag verlangt', 'Was es kostet', 'Was Gegner sagen', 'Nächste Schritte']) {
    await expect(page.getByRole('heading', { name: heading })).toBeVisible();
  }
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'take-action-de');
  expect(problems).toEqual([]);
});

test('an unlisted town: its near panel leads to a gap sheet that says it is not listed', async ({ page, request }) => {
  const places = (await (await request.get('/api/v1/places?q=Kempenich')).json()) as { id: number; name: string; city_slug: string | null }[];
  const kempenich = places.find((p) => p.name === 'Kempenich');
  test.skip(kempenich === undefined || kempenich.city_slug !== null, 'Kempenich is listed in this data');
  await page.goto('/?lang=en&area=health');
  await waitForResults(page);
  await page.getByRole('combobox', BOX).fill('Kempenich');
  await page.locator('#search-results [role="option"]').filter({ hasText: 'Kempenich' }).first().click();
  await expect(page.locator('#detail-title')).toHaveText('Near Kempenich');
  const link = page.getByRole('link', { name: 'What could Kempenich do?' });
  await expect(link).toHaveAttribute('href', `/en/places/${kempenich?.id}/gaps?policy_area=health`);
  await link.click();
  await expect(page.locator('h1')).toHaveText('What could Kempenich do?');
  await expect(page.locator('p.not-listed')).toContainText('Kempenich is not listed on Haven yet');
  await expect(page.locator('section.gap.is-gap')).toHaveCount(9);
  await expect(page.locator('section.gap[data-key="health"] .nearest > ol > li')).toHaveCount(3);
  await expect(page.getByRole('link', { name: 'Show on the map' })).toHaveAttribute('href', /near_place=/);
  expect(await seriousViolations(page)).toEqual([]);
});

test('the take-action guides: every one listed, French readers told the text is English', async ({ page }) => {
  await page.goto('/fr/');
  await page.locator('nav.site-nav').getByRole('link', { name: 'Passer à l’action' }).click();
  await expect(page.locator('h1')).toHaveText('Passer à l’action : interpeller son conseil municipal');
  await expect(page.locator('ul.guides li')).toHaveCount(20);
  await page.locator('#policy-areas + ul.guides a').first().click();
  await expect(page.locator('p.note')).toContainText('anglais');
  await expect(page.locator('h1')).toHaveAttribute('lang', 'en');
  await expect(page.locator('table.members tbody tr').first()).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'take-action-fr');
});

test('growth over time: from a network page to the chart and its table, read by keyboard', async ({ page, request }) => {
  await page.goto('/en/networks/buendnis-staedte-sicherer-haefen');
  await page.getByRole('link', { name: 'Growth over time' }).click();
  await expect(page).toHaveURL(/\/en\/growth\?network=buendnis-staedte-sicherer-haefen$/);
  await expect(page.getByRole('img', { name: /Safe Harbour declarations and network memberships in total/ })).toBeVisible();
  const api = (await (await request.get('/api/v1/stats/growth?network=buendnis-staedte-sicherer-haefen')).json()) as {
    series: { period: string; declarations_total: number; memberships_total: number }[];
  };
  const rows = page.locator('.growth-table tbody tr');
  await expect(rows).toHaveCount(api.series.length);
  const last = api.series[api.series.length - 1];
  const cells = rows.last().locator('td');
  await expect(rows.last().locator('th')).toHaveText(last?.period ?? '');
  await expect(cells.nth(1)).toHaveText(String(last?.declarations_total));
  await expect(cells.nth(3)).toHaveText(String(last?.memberships_total));
  // The table is a keyboard stop that scrolls.
  await page.locator('.growth-table').focus();
  await expect(page.locator('.growth-table')).toBeFocused();
  await page.getByLabel('Country').selectOption('DE');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByRole('heading', { name: 'By state or region' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'growth-en');
});

test('following a city: its feed, then by e-mail with a confirmed address, and one click to unsubscribe', async ({ page, request }) => {
  test.skip(!hasCli, 'needs HAVEN_BIN to read the outbox');
  await page.goto('/en/cities/koeln');
  await page.getByRole('link', { name: 'Follow by feed or e-mail' }).click();
  await expect(page).toHaveURL(/\/en\/follow\?city=koeln$/);
  await expect(page.locator('h1')).toHaveText('Follow Köln');
  // The feed: a link any feed reader takes, with entries about Köln.
  const feedHref = await page.locator('.feed-url a').getAttribute('href');
  expect(feedHref).toContain('/feeds/follow.atom?city=koeln&lang=en');
  const feed = await request.get(new URL(feedHref ?? '').pathname + new URL(feedHref ?? '').search);
  expect(feed.headers()['content-type']).toContain('application/atom+xml');
  expect(await feed.text()).toContain('(Köln)');
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'follow-koeln-en');

  // By e-mail: a wrong address is refused in words, a right one gets a link to confirm.
  const email = address('follower');
  await page.getByLabel('Your e-mail address').fill('not an address');
  await page.getByLabel('Your e-mail address').evaluate((input: HTMLInputElement) => { input.type = 'text'; });
  await page.getByRole('button', { name: 'Follow by e-mail' }).click();
  await expect(page.getByRole('alert')).toHaveText('Enter an e-mail address such as name@example.org.');
  await page.getByLabel('Your e-mail address').fill(email);
  await page.getByRole('button', { name: 'Follow by e-mail' }).click();
  await expect(page.locator('h1')).toHaveText('Check your mail');
  await expect(page.locator('main')).toContainText(email);

  // The mailed link shows a button; pressing it confirms.
  const token = mailedToken(email, 'follow/confirm');
  await page.goto(`/en/follow/confirm?token=${token}`);
  await expect(page.locator('h1')).toHaveText('Confirm: follow Köln');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.locator('h1')).toHaveText('You follow Köln');
  expect(await seriousViolations(page)).toEqual([]);

  // Unsubscribing is one button, and the link is dead afterwards.
  await page.getByRole('button', { name: 'Unsubscribe' }).click();
  await expect(page.locator('h1')).toHaveText('Unsubscribed');
  await page.goto(`/en/follow/unsubscribe?token=${token}`);
  await expect(page.locator('h1')).toHaveText('This link is no longer valid');
});

test('the map offers its embed code, and another site shows the embedded map in an iframe', async ({ page, baseURL }) => {
  test.slow();
  await page.goto('/?lang=en&area=housing');
  await waitForResults(page);
  await page.getByRole('button', { name: 'Embed this map' }).click();
  const dialog = page.getByRole('dialog', { name: 'Embed this map on your site' });
  await expect(dialog).toBeVisible();
  const code = await dialog.getByRole('textbox').inputValue();
  expect(code).toMatch(/^<iframe src="http:\/\/127\.0\.0\.1:\d+\/embed\?lang=en&amp;area=housing[^"]*" title="Haven: map of welcoming cities"/);
  expect(await seriousViolations(page, '.embed-dialog')).toEqual([]);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);

  // A site of another origin (its own server on another port) frames the embedded map;
  // Haven's own map refuses to be framed.
  const src = `${baseURL}/embed?lang=en&area=housing`;
  const site = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(
      `<!doctype html><title>Our town</title><h1>Our town</h1><iframe id="embedded" src="${src}" title="Haven" width="800" height="480"></iframe><iframe id="full" src="${baseURL}/?lang=en" title="Full" width="200" height="100"></iframe>`,
    );
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const address = site.address();
  const other = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/`;
  await page.goto(other);
  const frame = page.frameLocator('#embedded');
  await expect(frame.locator('.embed-view-on-haven')).toHaveText('View on Haven');
  await expect(frame.locator('.embed-view-on-haven')).toHaveAttribute('href', /\/\?lang=en&area=housing/);
  await expect(frame.locator('.site-header')).toBeHidden();
  await expect(frame.locator('.maplibregl-ctrl-attrib')).toContainText('GeoBasis-DE');
  const embedded = page.frames().find((f) => f.url().startsWith(`${baseURL}/embed`));
  expect(embedded, 'the embedded map loaded').toBeDefined();
  await expect
    .poll(async () => embedded?.evaluate(() => {
      const map = window.__havenMap;
      return map?.getLayer('haven-city-clusters') || map?.getLayer('haven-cities') ? map.queryRenderedFeatures({ layers: ['haven-city-clusters', 'haven-cities'].filter((id) => map.getLayer(id)) }).length : 0;
    }), { timeout: 30_000 })
    .toBeGreaterThan(0);
  const full = page.frames().find((f) => f.parentFrame() === page.mainFrame() && !f.url().includes('/embed'));
  await expect.poll(() => full?.url() ?? '', { message: 'the full map refuses to be framed' }).toMatch(/^chrome-error:/);
  await screenshot(page, 'embed-on-another-site');
  site.close();
});
