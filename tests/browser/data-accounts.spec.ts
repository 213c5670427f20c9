/**
 * Cities register themselves (issue 7), end to end against the real server: a new user signs
 * up, confirms the address with the mailed token, claims a town that is not listed, a
 * moderator verifies the claim, the editor adds a practice, and it appears on the map and in
 * the list. And a hostile suggestion stays inert text everywhere it is shown.
 */
import { expect, test } from '@playwright/test';
import { PASSWORD, address, createModerator, hasCli, mailedToken, signIn } from './accounts';
import { LAYER, listedSlugs, renderedFeatures, requireDataApi, seriousViolations, waitForMapIdle, waitForResults, watchProblems } from './support';

test.skip(!hasCli, 'needs HAVEN_BIN (the haven command line on the server’s data directory)');

test('a town registers itself: sign up, confirm, claim, verify, add a practice', async ({ page, browser, request }) => {
  // Two accounts, a dozen pages and the map drawn in software.
  test.slow();
  await requireDataApi(request);
  // Tile 404s are allowed while the server has no tiles (checked below).
  const problems = watchProblems(page, { allowMissingData: !(await request.get('/tiles/practices.json')).ok() });
  const editor = address('editor');
  const moderator = address('moderator');
  createModerator(moderator);

  // Sign up.
  await page.goto('/?view=signup&lang=en');
  const signup = page.locator('form[data-form="signup"]');
  // Field-level errors first: too short a password, linked to its input, focused.
  await signup.getByLabel('Your name').fill('Erika Editor');
  await signup.getByLabel('E-mail address').fill(editor);
  await signup.getByLabel('Password').fill('short');
  await signup.getByRole('button', { name: 'Create an account' }).click();
  const password = signup.getByLabel('Password');
  await expect(password).toHaveAttribute('aria-invalid', 'true');
  await expect(password).toBeFocused();
  await expect(page.locator(`#${(await password.getAttribute('aria-describedby'))?.split(' ').at(-1) ?? 'none'}`)).toContainText('at least 12');
  await password.fill(PASSWORD);
  await signup.getByRole('button', { name: 'Create an account' }).click();
  await expect(page.getByText(/confirmation link is on its way/)).toBeVisible();

  // Confirm with the mailed link (the path the server's mail uses).
  await page.goto(`/confirm-email?token=${mailedToken(editor, 'confirm-email')}&lang=en`);
  await expect(page.locator('[data-confirm]')).toHaveAttribute('data-confirm', 'done');
  await expect(page.getByText('Your e-mail address is confirmed.')).toBeVisible();

  // Sign in and claim Hünxe, a town that is not on the map yet, picked from the gazetteer.
  await signIn(page, editor);
  await expect(page).toHaveURL(/view=editor/);
  const claim = page.locator('form[data-form="claim"]');
  await claim.getByLabel('Find a place').fill('Hünxe');
  await claim.getByRole('button', { name: 'Search' }).click();
  await claim.locator('.place-hit', { hasText: 'Hünxe' }).first().click();
  await claim.getByLabel('Your role').fill('Integrationsbeauftragte');
  await claim.getByRole('button', { name: 'Claim', exact: true }).click();
  await expect(page.locator('li[data-status="pending"]', { hasText: 'Hünxe' })).toBeVisible();

  // A moderator verifies the claim.
  const moderation = await browser.newContext();
  const modPage = await moderation.newPage();
  await signIn(modPage, moderator);
  await expect(modPage).toHaveURL(/view=moderation/);
  const card = modPage.locator('article[data-claim]', { hasText: editor });
  await card.getByRole('button', { name: 'Verify' }).click();
  await expect(card).toHaveCount(0);
  await moderation.close();

  // The editor adds a practice to the new city: published at once.
  await page.goto('/?view=editor&lang=en');
  await expect(page.locator('li[data-status="verified"]', { hasText: 'Hünxe' })).toBeVisible();
  const section = page.locator('.city-editor').first();
  const add = section.locator('form[data-form^="add-practice-"]');
  await add.getByLabel('Title').fill('Welcome desk in the town hall');
  await add.getByLabel('Short description').fill('Advice for newcomers, every Tuesday.');
  await add.getByLabel('Source 1').fill('https://example.org/huenxe-welcome');
  await add.getByRole('button', { name: 'Publish the practice' }).click();
  await expect(add.getByText('The practice is published.')).toBeVisible();
  // A Safe Harbour declaration is proposed with its evidence: a moderator reviews it first.
  const declaration = section.locator('form[data-form^="membership-"]');
  await declaration.getByLabel(/^Network/).selectOption('seebruecke-safe-harbour');
  await declaration.getByLabel('Status').selectOption('declared');
  await declaration.getByLabel('Since').fill('2024-05');
  await declaration.getByLabel('Evidence (a web page)').fill('https://example.org/huenxe-council-2024-05');
  await declaration.getByRole('button', { name: 'Send for review' }).click();
  await expect(declaration.getByText(/^Sent for review\. Your reference: [A-Z0-9]{4}-[A-Z0-9]{4}$/)).toBeVisible();
  const show = section.getByRole('link', { name: 'Show it on the map' });
  const slug = new URL((await show.getAttribute('href')) ?? '', page.url()).searchParams.get('practice') ?? '';
  expect(slug).not.toBe('');

  // It is in the list, in its panel (with "last changed" and the history), and on the map,
  // viewed at its own position (the town's point).
  const published = (await (await request.get(`/api/v1/practices/${slug}`)).json()) as { geometry: { coordinates: [number, number] } };
  const [lon, lat] = published.geometry.coordinates;
  await page.goto(`/?practice=${slug}&lang=en#map=12/${String(lat)}/${String(lon)}`);
  await expect(page.locator('#detail-title')).toHaveText('Welcome desk in the town hall');
  await expect(page.locator('#detail')).toContainText('Last changed on');
  await waitForResults(page);
  await page.getByRole('button', { name: /^Practices/ }).click();
  expect(await listedSlugs(page, 'practice')).toContain(slug);
  // On the map as soon as the vector tiles are served (the tiles capability).
  if ((await request.get('/tiles/practices.json')).ok()) {
    await waitForMapIdle(page);
    await expect.poll(async () => (await renderedFeatures(page, LAYER.practices)).map((f) => f.slug)).toContain(slug);
  } else {
    test.info().annotations.push({ type: 'missing', description: 'no /tiles on this server: the map check was left out' });
  }
  await page.locator('#detail').getByRole('link', { name: 'History of changes' }).click();
  await expect(page).toHaveURL(/view=history/);
  await expect(page.locator('[data-history]')).toHaveAttribute('data-history', 'ready');
  await expect(page.locator('.history article').first()).toContainText('Erika Editor');
  // The fields are named as readers say them, in the interface's language.
  await expect(page.locator('.history tr[data-field="title"] th')).toHaveText('Title');
  await page.getByRole('combobox', { name: 'Language' }).selectOption('de');
  await expect(page.locator('.history tr[data-field="title"] th')).toHaveText('Titel');
  await expect(page.locator('.history tr[data-field="summary"] th')).toHaveText('Zusammenfassung');
  expect(problems).toEqual([]);
});

const HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">Town<script>window.__pwned=2</script>';
const HOSTILE_TEXT = '<b>bold</b><a href="javascript:window.__pwned=3">click</a>';

test('a hostile suggestion is inert text in the console and the panel', async ({ page, browser, request }) => {
  await requireDataApi(request);
  // The server refuses javascript: URLs outright, naming the field.
  const refused = await request.post('/api/v1/submissions', {
    data: { kind: 'correction', target: { type: 'city', slug: 'koeln' }, payload: { website: 'https://example.org' }, source_urls: ['javascript:alert(1)'] },
  });
  expect(refused.status()).toBeGreaterThanOrEqual(400);
  expect((await refused.json()).field).toBe('source_urls.0');

  await page.goto('/?view=add-city&lang=en');
  const form = page.locator('form[data-form="add-city"]');
  // The honeypot is there for robots only: hidden from people and assistive technology.
  await expect(form.locator('input[name="website"]')).toHaveAttribute('tabindex', '-1');
  await expect(form.locator('.honeypot')).toHaveAttribute('aria-hidden', 'true');
  // A German place that is not listed yet (a different one on every run of the same data).
  // Every run lists one more, so the search goes on through several prefixes until it finds one.
  type Candidate = { id: number | string; name: string; country: string; city_slug: string | null };
  let place: Candidate | undefined;
  for (const prefix of ['Sch', 'Ober', 'Neu', 'Bad', 'Alt', 'Klein', 'Groß', 'Wald', 'Berg', 'Hoh']) {
    const candidates = (await (await request.get(`/api/v1/places?q=${encodeURIComponent(prefix)}&limit=50`)).json()) as Candidate[];
    place = candidates.find((p) => p.city_slug === null && p.country === 'DE');
    if (place) break;
  }
  expect(place, 'an unlisted place').toBeTruthy();
  const placeId = String(place?.id);
  await form.getByLabel('Find your place').fill(place?.name ?? '');
  await form.getByRole('button', { name: 'Search' }).click();
  await form.locator(`.place-hit[data-place="${placeId}"]`).click();
  await form.getByLabel('Name of the city').fill(HOSTILE_NAME);
  await form.getByLabel('Official website').fill('javascript:window.__pwned=4');
  await form.getByLabel('What does the city do?').fill(HOSTILE_TEXT);
  await form.getByRole('button', { name: 'Send the suggestion' }).click();
  // A javascript: URL never leaves the browser: the field says why and has the focus.
  const website = form.getByLabel('Official website');
  await expect(website).toHaveAttribute('aria-invalid', 'true');
  await expect(website).toBeFocused();
  await expect(form.getByLabel('Source 1')).toHaveAttribute('aria-invalid', 'true');
  await website.fill('https://example.org/town');
  await form.getByLabel('Source 1').fill('https://example.org/town-<script>');
  await form.getByLabel('Message to the moderators').fill(HOSTILE_TEXT);
  await form.getByRole('button', { name: 'Send the suggestion' }).click();
  const reference = (await page.locator('[data-reference]').textContent()) ?? '';
  expect(reference).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  await page.getByRole('link', { name: 'Check its status' }).click();
  await expect(page.locator('.submission-status dd[data-status]')).toHaveText('Waiting for review');

  // The moderator sees the text as text, beside nothing (it is new), and approves it.
  const moderator = address('moderator');
  createModerator(moderator);
  const context = await browser.newContext();
  const mod = await context.newPage();
  await signIn(mod, moderator);
  const item = mod.locator(`article[data-submission="${reference}"]`);
  await expect(item.locator('tr[data-field="name"] td.after')).toHaveText(HOSTILE_NAME);
  await expect(item.locator('dd.value')).toHaveText(HOSTILE_TEXT);
  expect(await item.locator('img, script, b, a[href^="javascript"]').count()).toBe(0);
  expect(await mod.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  await item.getByRole('button', { name: 'Approve and publish' }).click();
  await expect(item).toHaveCount(0);
  await context.close();

  // Published: the panel and the list show the name as text, and nothing ran.
  const places = (await (await request.get(`/api/v1/places?q=${encodeURIComponent(place?.name ?? '')}&limit=50`)).json()) as { id: number | string; city_slug: string | null }[];
  const slug = places.find((p) => String(p.id) === placeId)?.city_slug ?? '';
  expect(slug).not.toBe('');
  // A visitor (whose browser has cached nothing from before the approval).
  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  await visitor.goto(`/?city=${slug}&lang=en`);
  await expect(visitor.locator('#detail-title')).toHaveText(HOSTILE_NAME);
  // (The list shows cities with a membership, demand or practice, so not this one yet.)
  expect(await visitor.locator('#detail img, #detail script, #results img, #results script, #detail b').count()).toBe(0);
  expect(await visitor.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  await visitorContext.close();
});

test('a moderator corrects a typo in a suggestion before approving it', async ({ browser, request }) => {
  await requireDataApi(request);
  const typo = `Neustdat ${Date.now().toString(36)}`;
  const sent = await request.post('/api/v1/submissions', {
    data: { kind: 'city', payload: { name: typo, country: 'DE', lon: 7.1, lat: 51.2 }, source_urls: ['https://example.org/council-decision'] },
  });
  expect(sent.status()).toBe(201);
  const reference = ((await sent.json()) as { reference: string }).reference;

  const moderator = address('moderator');
  createModerator(moderator);
  const context = await browser.newContext();
  const mod = await context.newPage();
  await signIn(mod, moderator);
  const item = mod.locator(`article[data-submission="${reference}"]`);
  await item.getByText('Correct before approving').click();
  const name = item.getByLabel('Name', { exact: true });
  await expect(name).toHaveValue(typo);
  const corrected = typo.replace('Neustdat', 'Neustadt');
  await name.fill(corrected);
  expect(await seriousViolations(mod, `article[data-submission="${reference}"]`)).toEqual([]);
  await item.getByRole('button', { name: 'Approve and publish' }).click();
  await expect(item).toHaveCount(0);
  await context.close();

  // Published as corrected; the status page the submitter has says so.
  const status = (await (await request.get(`/api/v1/submissions/${reference}`)).json()) as { status: string };
  expect(status.status).toBe('published');
  const city = await request.get(`/api/v1/cities/${corrected.toLowerCase().replace(' ', '-')}`);
  expect(city.status()).toBe(200);
  expect(((await city.json()) as { properties: { name: string } }).properties.name).toBe(corrected);
});
