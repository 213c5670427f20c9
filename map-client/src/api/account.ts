/**
 * The writing half of Haven's API: accounts and sessions, submissions, editor claims and
 * edits, moderation and revision history.
 *
 * The session lives in the `haven_session` cookie (HttpOnly, so this code never sees it);
 * every cookie-authenticated write carries the session's CSRF token in `X-CSRF-Token`, which
 * `me()` and `login()` hand out. Requests go through the same `Http` as the read API's, so
 * errors are `ApiError`s with the server's problem `field` (`payload.website`,
 * `source_urls.0`) that forms put next to the right input, and answers are read by the
 * strict readers of `parse-account.ts`.
 */

import { ApiError, type Http } from './http';
import {
  type Claim,
  type History,
  type Me,
  type QueuedSubmission,
  type Recheck,
  type RecheckPage,
  type Revision,
  type SignedIn,
  type SubmissionStatus,
  parseClaim,
  parseClaims,
  parseCreatedPractice,
  parseHistory,
  parseMe,
  parseQueue,
  parseReceipt,
  parseRecheckPage,
  parseRevisionId,
  parseRevisions,
  parseSessions,
  parseSubmissionStatus,
} from './parse-account';
import type { Obj } from './read';

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

/** New evidence on a fact: status, the date of the source, the source, and a note. */
export interface RecheckEvidence {
  readonly status: string;
  readonly as_of: string;
  readonly source_url: string;
  readonly note?: string;
}

export class AccountApi {
  constructor(private readonly http: Http) {}

  /** The signed-in account, or null without a session. */
  async me(): Promise<Me | null> {
    // Visitors who never signed in here are not asked (no 401 on every page view).
    if (!hasSessionHint()) return null;
    try {
      const me = await this.http.get('me', parseMe);
      this.http.csrf = me.csrfToken;
      return me;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        this.http.csrf = null;
        setSessionHint(false);
        return null;
      }
      throw error;
    }
  }

  async login(email: string, password: string): Promise<Me> {
    const me = await this.http.send('POST', 'auth/login', { email, password }, parseMe);
    this.http.csrf = me.csrfToken;
    setSessionHint(true);
    return me;
  }

  async logout(): Promise<void> {
    try {
      await this.http.write('POST', 'auth/logout');
    } finally {
      this.http.csrf = null;
      setSessionHint(false);
    }
  }

  /** Signs every browser of the account out, this one too. */
  logoutEverywhere(): Promise<void> {
    return this.http.write('POST', 'auth/logout-everywhere');
  }

  register(input: { email: string; password: string; display_name: string; lang: string }): Promise<void> {
    return this.http.write('POST', 'auth/register', input);
  }

  confirm(token: string): Promise<void> {
    return this.http.write('POST', 'auth/confirm', { token });
  }

  requestReset(email: string): Promise<void> {
    return this.http.write('POST', 'auth/password-reset', { email });
  }

  resetPassword(token: string, password: string): Promise<void> {
    return this.http.write('POST', 'auth/password-reset/confirm', { token, password });
  }

  /** The account's signed-in browsers, this one first. */
  sessions(): Promise<readonly SignedIn[]> {
    return this.http.get('me/sessions', parseSessions);
  }

  endSession(number: number): Promise<void> {
    return this.http.write('POST', `me/sessions/${String(number)}/end`);
  }

  /** A new password; the server signs the other browsers out and this one in again. */
  changePassword(current: string, next: string): Promise<void> {
    return this.http.write('POST', 'me/password', { current_password: current, new_password: next });
  }

  /** Files a submission; resolves to its reference. */
  submit(proposal: Readonly<Record<string, unknown>>): Promise<string> {
    return this.http.send('POST', 'submissions', proposal, parseReceipt);
  }

  submissionStatus(reference: string): Promise<SubmissionStatus> {
    return this.http.get(`submissions/${encodeURIComponent(reference)}`, parseSubmissionStatus);
  }

  claim(request: { city?: string; place_id?: number; role_title?: string; evidence?: string }): Promise<Claim> {
    return this.http.send('POST', 'editors/claims', request, parseClaim);
  }

  updateCity(slug: string, fields: Readonly<Record<string, unknown>>): Promise<void> {
    return this.http.write('PATCH', `cities/${encodeURIComponent(slug)}`, fields);
  }

  /** Adds a practice to a city; resolves to the new practice's slug. */
  createPractice(city: string, fields: Readonly<Record<string, unknown>>): Promise<string> {
    return this.http.send('POST', `cities/${encodeURIComponent(city)}/practices`, fields, parseCreatedPractice);
  }

  history(kind: 'city' | 'practice', slug: string): Promise<History> {
    return this.http.get(this.historyUrl(kind, slug), parseHistory);
  }

  historyUrl(kind: 'city' | 'practice', slug: string): string {
    return this.http.url(kind === 'city' ? `cities/${encodeURIComponent(slug)}/revisions` : `practices/${encodeURIComponent(slug)}/revisions`);
  }

  // ---- moderation ---------------------------------------------------------------------

  queue(): Promise<readonly QueuedSubmission[]> {
    return this.http.get('moderation/submissions?status=pending', parseQueue);
  }

  /** Approves submission `id`; `payload`, when given, is the proposal as the moderator corrected it. */
  approve(id: number, note: string, payload: Obj | null = null): Promise<void> {
    return this.http.write('POST', `moderation/submissions/${String(id)}/approve`, { ...(note === '' ? {} : { note }), ...(payload === null ? {} : { payload }) });
  }

  reject(id: number, reason: string): Promise<void> {
    return this.http.write('POST', `moderation/submissions/${String(id)}/reject`, { reason });
  }

  pendingClaims(): Promise<readonly Claim[]> {
    return this.http.get('moderation/claims?status=pending', parseClaims);
  }

  verifyClaim(id: number): Promise<void> {
    return this.http.write('POST', `moderation/claims/${String(id)}/verify`);
  }

  withdrawClaim(id: number, reason: string): Promise<void> {
    return this.http.write('POST', `moderation/claims/${String(id)}/withdraw`, { reason });
  }

  revisionsToReview(): Promise<readonly Revision[]> {
    return this.http.get('moderation/revisions', parseRevisions);
  }

  markReviewed(id: number): Promise<void> {
    return this.http.write('POST', `moderation/revisions/${String(id)}/reviewed`);
  }

  revert(id: number, reason: string): Promise<void> {
    return this.http.write('POST', `moderation/revisions/${String(id)}/revert`, reason === '' ? {} : { reason });
  }

  /** A page of facts to re-check, names in `lang`, the most recently stale first. */
  rechecks(lang: string, offset: number, limit = 20): Promise<RecheckPage> {
    return this.http.get(`moderation/rechecks?lang=${encodeURIComponent(lang)}&limit=${String(limit)}&offset=${String(offset)}`, parseRecheckPage);
  }

  /** Records newer evidence on a queued fact; resolves to the revision's id. */
  recheck(item: Recheck, evidence: RecheckEvidence): Promise<number> {
    // The queue gives the absolute API path; requests go relative to the API base.
    const path = item.recheck.replace(/^\/api\/v1\//, '');
    return this.http.send('POST', path, evidence, parseRevisionId);
  }
}
