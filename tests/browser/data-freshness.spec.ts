/**
 * Needs Haven with the data API and the imported bundled data (and `HAVEN_BIN` for the
 * moderator). How fresh and how well sourced a fact is, as a person sees it: "as of" dates,
 * the "needs checking" mark with its explanation, "based on one source", the city's
 * profile, where the demand statuses come from — in English and German — and the
 * moderator's re-check list.
 */
import { type Page, expect, test } from '@playwright/test';
import { address, createModerator, hasCli, signIn } from './accounts';
import { requireDataApi, screenshot, seriousViolations, watchProblems } from './support';

interface Membership {
  network: string;
  as_of: string | null;
  verified_on: string | null;
  needs_checking: boolean;
}

interface Demand {
  key: string;
  as_of: string | null;
  needs_checking: boolean;
}

interface CityDetail {
  properties: { name: string; profile: string; summary: string | null; summary_sources: string[]; memberships: Membership[]; demands: Demand[] };
}

interface PracticeProperties {
  slug: string;
  title: string;
  status: string;
  status_as_of: string | null;
  needs_checking: boolean;
  single_source: boolean;
}

const WORDS = {
  en: {
    asOf: (date: string) => `as of ${date}`,
    verified: (date: string) => `verified ${date}`,
    check: 'needs checking',
    explain: 'no source from the last two years confirms it',
    provenance: 'not taken from Seebrücke’s own database',
    oneSource: 'Based on one source.',
    featured: 'Profile',
  },
  de: {
    asOf: (date: string) => `Stand: ${date}`,
    verified: (date: string) => `geprüft ${/^\d{4}$/.test(date) ? '' : /^\d/.test(date) ? 'am ' : 'im '}${date}`,
    check: 'zu prüfen',
    explain: 'keine Quelle aus den letzten zwei Jahren bestätigt ihn',
    provenance: 'stammen nicht aus der Datenbank der Seebrücke',
    oneSource: 'Beruht auf einer Quelle.',
    featured: 'Porträt',
  },
} as const;

/** A partial date as the interface says it ("14 February 2019", "14. Februar 2019", "2015"). */
function spoken(value: string, lang: 'en' | 'de'): string {
  const [year, month, day] = value.split('-');
  if (month === undefined) return year ?? value;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, day === undefined ? 1 : Number(day)));
  const options: Intl.DateTimeFormatOptions = day === undefined ? { year: 'numeric', month: 'long', timeZone: 'UTC' } : { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(lang, options).format(date);
}

test.beforeEach(async ({ request }) => {
  await requireDataApi(request);
});

for (const lang of ['en', 'de'] as const) {
  test(`a city panel shows its profile, as-of dates, the marks and where the demand statuses come from (${lang})`, async ({ page, request }) => {
    const problems = watchProblems(page);
    const words = WORDS[lang];
    const city = ((await (await request.get(`/api/v1/cities/koeln?lang=${lang}`)).json()) as CityDetail).properties;
    await page.goto(`/?lang=${lang}&city=koeln`);
    const panel = page.locator('#detail');
    await expect(panel.locator('#detail-title')).toHaveText(city.name);

    // The profile opens the panel; a featured summary follows with its sources.
    await expect(panel.locator('.profile')).toHaveText(city.profile);
    if (city.summary !== null) {
      await expect(panel.getByRole('heading', { name: words.featured, exact: true })).toBeVisible();
      await expect(panel.locator('.summary-sources > li')).toHaveCount(city.summary_sources.length);
    }

    // Memberships: the date a source last confirmed each, the mark where it needs checking.
    for (const m of city.memberships) {
      const row = panel.locator(`.memberships > li[data-network="${m.network}"]`);
      // The as-of date says it was verified then, or gives the start when no check is recorded.
      if (m.as_of !== null) await expect(row).toContainText((m.verified_on === m.as_of ? words.verified : words.asOf)(spoken(m.as_of, lang)));
      await expect(row.locator('.check')).toHaveCount(m.needs_checking ? 1 : 0);
    }
    expect(city.memberships.some((m) => m.needs_checking), 'Köln has a membership to check').toBe(true);
    await expect(panel.locator('.check-note').first()).toContainText(words.explain);

    // Demands: where the statuses come from, and the mark in the as-of column.
    await expect(panel.locator('.demands-note')).toContainText(words.provenance);
    for (const d of city.demands) {
      const cell = panel.locator(`tr[data-demand="${d.key}"] td.as-of`);
      await expect(cell.locator('.check')).toHaveCount(d.needs_checking ? 1 : 0);
      if (d.as_of !== null) await expect(cell).toContainText(d.as_of.slice(0, 4));
    }
    expect(city.demands.some((d) => d.needs_checking), 'Köln has a demand status to check').toBe(true);
    await expect(panel.locator('td.as-of .check').first()).toHaveText(words.check);

    expect(await seriousViolations(page)).toEqual([]);
    await panel.locator('.demands-note').scrollIntoViewIfNeeded();
    await screenshot(page, `freshness-city-${lang}`);
    expect(problems).toEqual([]);
  });

  test(`a practice panel shows its status as of a date, the mark and "based on one source" (${lang})`, async ({ page, request }) => {
    const problems = watchProblems(page);
    const words = WORDS[lang];
    const all = (await (await request.get(`/api/v1/practices?lang=${lang}&limit=1000`)).json()) as { features: { properties: PracticeProperties }[] };
    const practices = all.features.map((f) => f.properties);
    const stale = practices.find((p) => p.single_source && p.needs_checking && p.status_as_of !== null);
    const fresh = practices.find((p) => !p.single_source && !p.needs_checking && p.status_as_of !== null);
    expect(stale, 'a practice on one source that needs checking').toBeDefined();
    expect(fresh, 'a practice on several sources confirmed in the last two years').toBeDefined();
    if (!stale || !fresh || stale.status_as_of === null || fresh.status_as_of === null) return;

    await page.goto(`/?lang=${lang}&practice=${stale.slug}`);
    const panel = page.locator('#detail');
    const status = panel.locator('.practice-status');
    await expect(status).toContainText(words.asOf(spoken(stale.status_as_of, lang)));
    await expect(status.locator('.check')).toHaveText(words.check);
    await expect(panel.locator('.check-note')).toContainText(words.explain);
    await expect(panel.locator('.reliability')).toContainText(words.oneSource);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, `freshness-practice-${lang}`);

    await page.goto(`/?lang=${lang}&practice=${fresh.slug}`);
    await expect(panel.locator('.practice-status')).toContainText(words.asOf(spoken(fresh.status_as_of, lang)));
    await expect(panel.locator('.practice-status .check')).toHaveCount(0);
    await expect(panel.locator('.check-note')).toHaveCount(0);
    await expect(panel.getByText(words.oneSource)).toHaveCount(0);
    expect(problems).toEqual([]);
  });
}

test('the legend categories and the alliance filter count what the API counts', async ({ page, request }) => {
  const alliance = 'buendnis-staedte-sicherer-haefen';
  const api = (await (await request.get(`/api/v1/cities?network=${alliance}&limit=1000`)).json()) as {
    numberMatched: number;
    features: { properties: { alliance_member: boolean; safe_harbour: unknown } }[];
  };
  const networks = (await (await request.get('/api/v1/networks')).json()) as { slug: string; member_count: number }[];
  expect(api.numberMatched).toBe(networks.find((n) => n.slug === alliance)?.member_count);
  expect(api.features.every((f) => f.properties.alliance_member)).toBe(true);
  await page.goto(`/?lang=en&network=${alliance}`);
  const results = page.locator('#results');
  await expect(results.getByRole('button', { name: `Cities (${String(api.numberMatched)})` })).toBeVisible();
  await expect(page.locator('#filters-count')).toContainText(`cities: ${String(api.numberMatched)},`);
  // Every alliance member that declared itself a Safe Harbour is drawn and listed as one.
  const declared = api.features.filter((f) => f.properties.safe_harbour !== null && f.properties.safe_harbour !== false).length;
  await expect(results.locator('tbody tr', { hasText: 'Safe Harbour + alliance' })).toHaveCount(declared);
  expect(declared).toBe(api.numberMatched);
});

/** Reverts a revision as the signed-in moderator, from the page (its session and CSRF token). */
async function revert(page: Page, revision: number): Promise<number> {
  return page.evaluate(async (id) => {
    const me = (await (await fetch('/api/v1/me')).json()) as { csrf_token: string };
    const response = await fetch(`/api/v1/moderation/revisions/${String(id)}/revert`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token },
      body: '{}',
    });
    return response.status;
  }, revision);
}

test('a moderator sees what to re-check and records newer evidence', async ({ page }) => {
  test.skip(!hasCli, 'needs HAVEN_BIN to create a moderator');
  // Creating the moderator hashes a password and axe walks the console twice: slow on 2 cores.
  test.setTimeout(240_000);
  const problems = watchProblems(page);
  const moderator = address('recheck');
  createModerator(moderator);
  await signIn(page, moderator);
  await page.goto('/?view=moderation&lang=en');
  const section = page.locator('section[aria-labelledby="mod-rechecks"]');
  await expect(section.getByRole('heading', { name: 'To re-check' })).toBeVisible();
  const api = (await (await page.request.get('/api/v1/moderation/rechecks?lang=en&limit=1')).json()) as { total: number };
  expect(api.total).toBeGreaterThan(0);
  await expect(section.locator('.recheck-count')).toHaveText(`${String(api.total)} to re-check`);
  const item = section.locator('.recheck-item[data-kind="membership"]').first();
  await expect(item).toBeVisible();
  await expect(item.locator('.check')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await item.scrollIntoViewIfNeeded();
  await screenshot(page, 'moderation-rechecks');

  // A bad date is named by its field; then the re-check is recorded.
  const path = await item.getAttribute('data-recheck');
  await item.getByLabel('Date of the source').fill('2026-13');
  await item.getByLabel('Source (web address)').fill('https://example.org/recheck-e2e');
  await item.getByRole('button', { name: 'Record re-check' }).click();
  await expect(item.locator('.field-error:not([hidden])')).toContainText(/YYYY/);
  await expect(item.getByLabel('Date of the source')).toHaveAttribute('aria-invalid', 'true');
  const today = new Date().toISOString().slice(0, 10);
  await item.getByLabel('Date of the source').fill(today);
  await item.getByRole('button', { name: 'Record re-check' }).click();
  const said = section.getByRole('status').filter({ hasText: 'Recorded' });
  await expect(said).toHaveText(/Recorded \(revision \d+\)\./);
  await expect(section.locator('.recheck-count')).toHaveText(`${String(api.total - 1)} to re-check`);
  await expect(section.locator(`.recheck-item[data-recheck="${path ?? ''}"]`)).toHaveCount(0);
  expect(await seriousViolations(page)).toEqual([]);

  // Leave the shared data as it was: revert the re-check's revision.
  const revision = Number(/revision (\d+)/.exec((await said.textContent()) ?? '')?.[1]);
  expect(await revert(page, revision)).toBe(200);
  // The refused date above is the only failed request.
  expect(problems.filter((p) => !(p.includes('422') && p.includes(path ?? '/moderation/rechecks/')))).toEqual([]);
});
