/**
 * Pages over the map (forms, the editor's dashboard, the moderator console, a revision
 * history) and how they live in the URL: `?view=signin`, `?view=suggest-practice&city=koeln`,
 * `?view=status&ref=AB12-CD34`, and the two paths mailed links open, `/confirm-email?token=…`
 * and `/reset-password?token=…`. The `city` / `practice` parameter doubles as the context a
 * page is about (the city a correction is for), so closing the page returns to that panel.
 */

export const PAGES = [
  'signin',
  'signup',
  'forgot-password',
  'reset-password',
  'confirm-email',
  'add-city',
  'suggest-practice',
  'suggest-correction',
  'status',
  'editor',
  'moderation',
  'history',
  'account',
] as const;

export type PageName = (typeof PAGES)[number];

export interface Page {
  readonly name: PageName;
  /** `ref`, `token`, `place` (a gazetteer id) and the like. */
  readonly params: Readonly<Record<string, string>>;
}

/** Parameters a page owns besides `view`; dropped when the page closes. */
const PAGE_PARAMS = ['view', 'ref', 'token', 'place'] as const;
/** Paths that are pages themselves (mailed links). */
const PATH_PAGES: Readonly<Record<string, PageName>> = { 'confirm-email': 'confirm-email', 'reset-password': 'reset-password' };

function isPage(value: string): value is PageName {
  return (PAGES as readonly string[]).includes(value);
}

/** The page a URL shows, if any. */
export function parsePage(input: string | URL, root: string | URL): Page | null {
  const url = new URL(input);
  const rootPath = new URL(root).pathname;
  const rest = url.pathname.startsWith(rootPath) ? url.pathname.slice(rootPath.length).replace(/\/$/, '') : '';
  const fromPath = PATH_PAGES[rest];
  const view = url.searchParams.get('view') ?? '';
  const name = fromPath ?? (isPage(view) ? view : null);
  if (name === null) return null;
  const params: Record<string, string> = {};
  for (const key of PAGE_PARAMS) {
    const value = url.searchParams.get(key);
    if (key !== 'view' && value !== null && value.length <= 200) params[key] = value;
  }
  return { name, params };
}

/** Writes `page` into a copy of `base` (or removes every trace of a page for `null`). */
export function writePage(base: string | URL, page: Page | null, root: string | URL): URL {
  const url = new URL(base);
  const rootUrl = new URL(root);
  for (const key of PAGE_PARAMS) url.searchParams.delete(key);
  // A mailed link's path is left once its page is done; the page itself goes in `view`.
  url.pathname = rootUrl.pathname;
  if (page !== null) {
    url.searchParams.set('view', page.name);
    for (const [key, value] of Object.entries(page.params)) url.searchParams.set(key, value);
  }
  url.search = url.searchParams.toString().replace(/%2C/gi, ',');
  return url;
}
