/**
 * The writing half of Haven's API: accounts and sessions, submissions, editor claims and
 * edits, moderation and revision history.
 *
 * The session lives in the `haven_session` cookie (HttpOnly, so this code never sees it);
 * every cookie-authenticated write carries the session's CSRF token in `X-CSRF-Token`, which
 * `me()` and `login()` hand out. Errors are `ApiError`s with the server's problem `field`
 * (`payload.website`, `source_urls.0`) so forms can put the message next to the right input.
 * Answers are read with small checked readers: nothing the server sends is trusted to have
 * the expected shape.
 */

import { ApiError, type Fetch, markWritten } from './client';
import { parseProblem } from './parse';

type Obj = Readonly<Record<string, unknown>>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `value` (or an empty one), for reading answers leniently. */
export function obj(value: unknown): Obj {
  return isObj(value) ? value : {};
}

export function str(o: Obj, key: string): string | null {
  const value = o[key];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
}

export function num(o: Obj, key: string): number | null {
  const value = o[key];
  return typeof value === 'number' ? value : null;
}

export function list(o: Obj, key: string): readonly unknown[] {
  const value = o[key];
  return Array.isArray(value) ? (value as unknown[]) : [];
}

/**
 * Whether this browser signed in (the session cookie itself is HttpOnly, out of reach): kept
 * in localStorage so other tabs and reloads know to ask `/me`.
 */
const SESSION_HINT = 'haven.signedIn';

function hasSessionHint(): boolean {
  try {
    return localStorage.getItem(SESSION_HINT) === '1';
  } catch {
    return true;
  }
}

function setSessionHint(on: boolean): void {
  try {
    if (on) localStorage.setItem(SESSION_HINT, '1');
    else localStorage.removeItem(SESSION_HINT);
  } catch {
    // No storage: `me()` asks the server every time.
  }
}

export interface User {
  readonly id: number;
  readonly email: string;
  readonly displayName: string | null;
  readonly role: string;
  readonly emailConfirmed: boolean;
}

export interface Claim {
  readonly id: number;
  readonly status: string;
  readonly city: { readonly slug: string; readonly name: string } | null;
  readonly place: { readonly id: number; readonly name: string; readonly country: string } | null;
  readonly roleTitle: string | null;
  readonly evidence: string | null;
  readonly reason: string | null;
  readonly createdAt: string | null;
  readonly user: { readonly displayName: string | null; readonly email: string | null } | null;
}

export interface Me {
  readonly user: User;
  readonly csrfToken: string;
  readonly claims: readonly Claim[];
}

export function isModerator(user: User | null | undefined): boolean {
  return user?.role === 'moderator' || user?.role === 'admin';
}

export function parseClaim(value: unknown): Claim {
  const o = obj(value);
  const city = isObj(o.city) ? { slug: str(o.city, 'slug') ?? '', name: str(o.city, 'name') ?? '' } : null;
  const place = isObj(o.place) ? { id: num(o.place, 'id') ?? 0, name: str(o.place, 'name') ?? '', country: str(o.place, 'country') ?? '' } : null;
  const user = isObj(o.user) ? { displayName: str(o.user, 'display_name'), email: str(o.user, 'email') } : null;
  return {
    id: num(o, 'id') ?? 0,
    status: str(o, 'status') ?? 'pending',
    city,
    place,
    roleTitle: str(o, 'role_title'),
    evidence: str(o, 'evidence'),
    reason: str(o, 'reason'),
    createdAt: str(o, 'created_at'),
    user,
  };
}

export function parseMe(value: unknown): Me {
  const o = obj(value);
  const u = obj(o.user);
  const id = num(u, 'id');
  const email = str(u, 'email');
  const csrfToken = str(o, 'csrf_token');
  if (id === null || email === null || csrfToken === null) throw new ApiError('unexpected API response: me', 0, 'me');
  return {
    user: { id, email, displayName: str(u, 'display_name'), role: str(u, 'role') ?? 'user', emailConfirmed: u.email_confirmed === true },
    csrfToken,
    claims: list(o, 'claims').map(parseClaim),
  };
}

/** One entry of a revision history or of the review list. */
export interface Revision {
  readonly id: number;
  readonly entityType: string;
  readonly entityId: number | null;
  readonly action: string;
  readonly author: string | null;
  readonly createdAt: string | null;
  readonly reason: string | null;
  readonly submission: string | null;
  readonly changes: readonly { readonly field: string; readonly before: unknown; readonly after: unknown }[];
  readonly after: Obj;
  readonly before: Obj;
}

export function parseRevision(value: unknown): Revision {
  const o = obj(value);
  const changes = Object.entries(obj(o.changes)).map(([field, change]) => ({ field, before: obj(change).before ?? null, after: obj(change).after ?? null }));
  return {
    id: num(o, 'id') ?? 0,
    entityType: str(o, 'entity_type') ?? '',
    entityId: num(o, 'entity_id'),
    action: str(o, 'action') ?? '',
    author: str(o, 'author'),
    createdAt: str(o, 'created_at'),
    reason: str(o, 'reason'),
    submission: str(o, 'submission'),
    changes,
    after: obj(o.after),
    before: obj(o.before),
  };
}

export interface History {
  readonly lastChangedAt: string | null;
  readonly revisions: readonly Revision[];
}

/** A submission in the moderation queue. */
export interface QueuedSubmission {
  readonly id: number;
  readonly reference: string;
  readonly kind: string;
  readonly status: string;
  readonly target: { readonly type: string; readonly slug: string | null } | null;
  readonly payload: Obj;
  readonly sourceUrls: readonly string[];
  readonly message: string | null;
  readonly submitter: string | null;
  readonly createdAt: string | null;
  readonly before: Obj | null;
  readonly after: Obj;
}

export function parseQueued(value: unknown): QueuedSubmission {
  const o = obj(value);
  const diff = obj(o.diff);
  return {
    id: num(o, 'id') ?? 0,
    reference: str(o, 'reference') ?? '',
    kind: str(o, 'kind') ?? '',
    status: str(o, 'status') ?? '',
    target: isObj(o.target) ? { type: str(o.target, 'type') ?? '', slug: str(o.target, 'slug') } : null,
    payload: obj(o.payload),
    sourceUrls: list(o, 'source_urls').filter((u): u is string => typeof u === 'string'),
    message: str(o, 'message'),
    submitter: isObj(o.submitter) ? str(o.submitter, 'display_name') : null,
    createdAt: str(o, 'created_at'),
    before: isObj(diff.before) ? diff.before : null,
    after: isObj(diff.after) ? diff.after : obj(o.payload),
  };
}

/** A fact that needs checking again, as the re-check queue lists it. */
export interface Recheck {
  readonly kind: 'membership' | 'demand' | 'practice';
  readonly city: { readonly slug: string; readonly name: string };
  /** The network's name, the demand's label or the practice's title. */
  readonly subject: string;
  readonly status: string | null;
  readonly asOf: string | null;
  readonly sourceUrl: string | null;
  /** `status_unknown`, `undated` or `older_than_two_years`. */
  readonly reason: string;
  /** The API path that takes newer evidence. */
  readonly recheck: string;
}

export interface RecheckPage {
  readonly items: readonly Recheck[];
  readonly total: number;
  readonly nextOffset: number | null;
}

export function parseRecheck(value: unknown): Recheck {
  const o = obj(value);
  const rawKind = str(o, 'kind');
  const kind = rawKind === 'membership' || rawKind === 'demand' ? rawKind : 'practice';
  const subject = kind === 'membership' ? str(obj(o.network), 'name') : kind === 'demand' ? str(obj(o.demand), 'label') : str(obj(o.practice), 'title');
  const city = obj(o.city);
  return {
    kind,
    city: { slug: str(city, 'slug') ?? '', name: str(city, 'name') ?? '' },
    subject: subject ?? '',
    status: str(o, 'status'),
    asOf: str(o, 'as_of'),
    sourceUrl: str(o, 'source_url'),
    reason: str(o, 'reason') ?? '',
    recheck: str(o, 'recheck') ?? '',
  };
}

/** New evidence on a fact: status, the date of the source, the source, and a note. */
export interface RecheckEvidence {
  readonly status: string;
  readonly as_of: string;
  readonly source_url: string;
  readonly note?: string;
}

export interface SubmissionStatus {
  readonly reference: string;
  readonly kind: string;
  readonly status: string;
  readonly reason: string | null;
  readonly createdAt: string | null;
  readonly reviewedAt: string | null;
}

export class AccountApi {
  private readonly base: URL;
  private csrf: string | null = null;

  constructor(
    base: string | URL,
    private readonly fetcher: Fetch = (input, init) => fetch(input, init),
  ) {
    this.base = new URL(base);
  }

  /** Sends a request; `body` goes as JSON. Resolves to the parsed answer (null for 204). */
  async send(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<unknown> {
    const url = new URL(path, this.base).href;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && this.csrf !== null) headers['x-csrf-token'] = this.csrf;
    let response: Response;
    try {
      response = await this.fetcher(url, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (error) {
      throw new ApiError(error instanceof Error ? error.message : 'network error', 0, url);
    }
    if (!response.ok) {
      const problem = parseProblem(await response.json().catch(() => null));
      const error = new ApiError(problem.detail ?? problem.title ?? `HTTP ${response.status}`, response.status, url, problem.field);
      const retry = Number(response.headers.get('retry-after'));
      if (Number.isFinite(retry) && retry > 0) Object.assign(error, { retryAfter: retry });
      throw error;
    }
    // Moderation and editor writes change what the map shows.
    if (method !== 'GET' && /^(moderation|cities|practices)\//.test(path)) markWritten();
    if (response.status === 204) return null;
    return response.json().catch(() => null);
  }

  /** The signed-in account, or null without a session. */
  async me(): Promise<Me | null> {
    // Visitors who never signed in here are not asked (no 401 on every page view).
    if (!hasSessionHint()) return null;
    try {
      const me = parseMe(await this.send('GET', 'me'));
      this.csrf = me.csrfToken;
      return me;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        this.csrf = null;
        setSessionHint(false);
        return null;
      }
      throw error;
    }
  }

  async login(email: string, password: string): Promise<Me> {
    const me = parseMe(await this.send('POST', 'auth/login', { email, password }));
    this.csrf = me.csrfToken;
    setSessionHint(true);
    return me;
  }

  async logout(): Promise<void> {
    try {
      await this.send('POST', 'auth/logout');
    } finally {
      this.csrf = null;
      setSessionHint(false);
    }
  }

  async register(input: { email: string; password: string; display_name: string; lang: string }): Promise<void> {
    await this.send('POST', 'auth/register', input);
  }

  async confirm(token: string): Promise<void> {
    await this.send('POST', 'auth/confirm', { token });
  }

  async requestReset(email: string): Promise<void> {
    await this.send('POST', 'auth/password-reset', { email });
  }

  async resetPassword(token: string, password: string): Promise<void> {
    await this.send('POST', 'auth/password-reset/confirm', { token, password });
  }

  /** Files a submission; resolves to its reference. */
  async submit(proposal: Readonly<Record<string, unknown>>): Promise<string> {
    return str(obj(await this.send('POST', 'submissions', proposal)), 'reference') ?? '';
  }

  async submissionStatus(reference: string): Promise<SubmissionStatus> {
    const o = obj(await this.send('GET', `submissions/${encodeURIComponent(reference)}`));
    return {
      reference: str(o, 'reference') ?? reference,
      kind: str(o, 'kind') ?? '',
      status: str(o, 'status') ?? '',
      reason: str(o, 'reason'),
      createdAt: str(o, 'created_at'),
      reviewedAt: str(o, 'reviewed_at'),
    };
  }

  async claim(request: { city?: string; place_id?: number; role_title?: string; evidence?: string }): Promise<Claim> {
    return parseClaim(await this.send('POST', 'editors/claims', request));
  }

  async updateCity(slug: string, fields: Readonly<Record<string, unknown>>): Promise<void> {
    await this.send('PATCH', `cities/${encodeURIComponent(slug)}`, fields);
  }

  /** Adds a practice to a city; resolves to the new practice's slug. */
  async createPractice(city: string, fields: Readonly<Record<string, unknown>>): Promise<string | null> {
    const answer = obj(await this.send('POST', `cities/${encodeURIComponent(city)}/practices`, fields));
    return str(obj(answer.practice), 'slug');
  }

  async history(kind: 'city' | 'practice', slug: string): Promise<History> {
    const path = kind === 'city' ? `cities/${encodeURIComponent(slug)}/revisions` : `practices/${encodeURIComponent(slug)}/revisions`;
    const o = obj(await this.send('GET', path));
    return { lastChangedAt: str(o, 'last_changed_at'), revisions: list(o, 'revisions').map(parseRevision) };
  }

  historyUrl(kind: 'city' | 'practice', slug: string): string {
    return new URL(kind === 'city' ? `cities/${encodeURIComponent(slug)}/revisions` : `practices/${encodeURIComponent(slug)}/revisions`, this.base).href;
  }

  // ---- moderation ---------------------------------------------------------------------

  async queue(): Promise<readonly QueuedSubmission[]> {
    return list(obj(await this.send('GET', 'moderation/submissions?status=pending')), 'submissions').map(parseQueued);
  }

  /** Approves submission `id`; `payload`, when given, is the proposal as the moderator corrected it. */
  async approve(id: number, note: string, payload: Obj | null = null): Promise<void> {
    await this.send('POST', `moderation/submissions/${String(id)}/approve`, { ...(note === '' ? {} : { note }), ...(payload === null ? {} : { payload }) });
  }

  async reject(id: number, reason: string): Promise<void> {
    await this.send('POST', `moderation/submissions/${String(id)}/reject`, { reason });
  }

  async pendingClaims(): Promise<readonly Claim[]> {
    return list(obj(await this.send('GET', 'moderation/claims?status=pending')), 'claims').map(parseClaim);
  }

  async verifyClaim(id: number): Promise<void> {
    await this.send('POST', `moderation/claims/${String(id)}/verify`);
  }

  async withdrawClaim(id: number, reason: string): Promise<void> {
    await this.send('POST', `moderation/claims/${String(id)}/withdraw`, { reason });
  }

  async revisionsToReview(): Promise<readonly Revision[]> {
    return list(obj(await this.send('GET', 'moderation/revisions')), 'revisions').map(parseRevision);
  }

  async markReviewed(id: number): Promise<void> {
    await this.send('POST', `moderation/revisions/${String(id)}/reviewed`);
  }

  async revert(id: number, reason: string): Promise<void> {
    await this.send('POST', `moderation/revisions/${String(id)}/revert`, reason === '' ? {} : { reason });
  }

  /** A page of facts to re-check, names in `lang`, the most recently stale first. */
  async rechecks(lang: string, offset: number, limit = 20): Promise<RecheckPage> {
    const page = obj(await this.send('GET', `moderation/rechecks?lang=${encodeURIComponent(lang)}&limit=${String(limit)}&offset=${String(offset)}`));
    return { items: list(page, 'rechecks').map(parseRecheck), total: num(page, 'total') ?? 0, nextOffset: num(page, 'next_offset') };
  }

  /** Records newer evidence on a queued fact; resolves to the revision's id. */
  async recheck(item: Recheck, evidence: RecheckEvidence): Promise<number | null> {
    // The queue gives the absolute API path; requests go relative to the API base.
    const path = item.recheck.replace(/^\/api\/v1\//, '');
    return num(obj(await this.send('POST', path, evidence)), 'revision_id');
  }
}
