import { describe, expect, it } from 'vitest';
import { AccountApi } from './account';
import { ApiError, Http } from './http';
import { parseClaims, parseHistory, parseMe, parseQueue, parseRecheckPage, parseSessions, parseSubmissionStatus } from './parse-account';
import { ShapeError } from './read';

// Answers shaped as the server writes them (server/src/api/me.rs, moderation/editor.rs,
// moderation/revision.rs, moderation/queue.rs, moderation/recheck.rs).

const claim = {
  id: 7,
  status: 'pending',
  city: { slug: 'koeln', name: 'Köln' },
  place: null,
  role_title: 'Integrationsbeauftragte',
  evidence: 'https://www.stadt-koeln.de/',
  reason: null,
  decided_at: null,
  created_at: '2026-11-30T10:00:00Z',
  user: { id: 3, display_name: 'Ada', email: 'ada@example.org' },
};

const me = {
  user: { id: 3, email: 'ada@example.org', display_name: 'Ada', role: 'moderator', email_confirmed: true },
  csrf_token: 'token-1',
  claims: [claim],
};

describe('reading account answers', () => {
  it('reads the signed-in account with its claims', () => {
    const parsed = parseMe(me);
    expect(parsed.user).toEqual({ id: 3, email: 'ada@example.org', displayName: 'Ada', role: 'moderator', emailConfirmed: true });
    expect(parsed.csrfToken).toBe('token-1');
    expect(parsed.claims[0]).toMatchObject({ id: 7, status: 'pending', city: { slug: 'koeln', name: 'Köln' }, place: null, user: { displayName: 'Ada' } });
  });

  it('refuses an account without an id instead of making one up', () => {
    const broken = structuredClone(me) as { user: Record<string, unknown> };
    delete broken.user.id;
    expect(() => parseMe(broken)).toThrow(new ShapeError('$.user.id', 'a number'));
  });

  it('refuses a claim whose id is not a number', () => {
    expect(() => parseClaims({ claims: [{ ...claim, id: 'seven' }] })).toThrow(new ShapeError('$.claims[0].id', 'a number'));
  });

  it('refuses a place of a claim without its id', () => {
    expect(() => parseClaims({ claims: [{ ...claim, city: null, place: { name: 'Hürth', country: 'DE' } }] })).toThrow(new ShapeError('$.claims[0].place.id', 'a number'));
  });

  it('reads sessions and refuses one without its number', () => {
    const session = { number: 2, user_agent: null, created_at: '2026-11-30T10:00:00Z', last_seen_at: '2026-11-30T11:00:00Z', expires_at: '2026-12-30T10:00:00Z', current: true };
    expect(parseSessions({ sessions: [session] })).toEqual([{ number: 2, userAgent: null, createdAt: session.created_at, lastSeenAt: session.last_seen_at, current: true }]);
    expect(() => parseSessions({ sessions: [{ ...session, number: null }] })).toThrow(new ShapeError('$.sessions[0].number', 'a number'));
  });

  it('reads a revision history with its changes, and refuses a revision without an action', () => {
    const revision = {
      id: 12,
      entity_type: 'city',
      entity_id: 4,
      action: 'update',
      author: 'Ada',
      created_at: '2026-11-30T10:00:00Z',
      reason: null,
      before: { website: null },
      after: { website: 'https://example.org/' },
      reverts: null,
      submission: 'AB12-CD34',
      needs_review: false,
      changes: { website: { before: null, after: 'https://example.org/' } },
    };
    const history = parseHistory({ city: { slug: 'koeln' }, last_changed_at: '2026-11-30T10:00:00Z', revisions: [revision] });
    expect(history.revisions[0]).toMatchObject({ id: 12, action: 'update', submission: 'AB12-CD34', changes: [{ field: 'website', before: null, after: 'https://example.org/' }] });
    expect(() => parseHistory({ revisions: [{ ...revision, action: undefined }] })).toThrow(new ShapeError('$.revisions[0].action', 'a string'));
  });

  it('reads the moderation queue, the payload standing in for a missing diff', () => {
    const item = { id: 5, reference: 'AB12-CD34', kind: 'city', status: 'pending', target: null, payload: { name: 'Hürth' }, source_urls: ['https://example.org/'], message: null, submitter: null, created_at: null };
    const [queued] = parseQueue({ submissions: [item], total: 1, next_offset: null });
    expect(queued).toMatchObject({ id: 5, reference: 'AB12-CD34', before: null, after: { name: 'Hürth' }, sourceUrls: ['https://example.org/'] });
    expect(() => parseQueue({ submissions: [{ ...item, payload: 'x' }] })).toThrow(new ShapeError('$.submissions[0].payload', 'an object'));
  });

  it('reads a page of re-checks and refuses an unknown kind', () => {
    const membership = {
      kind: 'membership',
      id: 1,
      city: { slug: 'koeln', name: 'Köln' },
      network: { slug: 'seebruecke-safe-harbour', name: 'Sicherer Hafen' },
      status: 'member',
      as_of: null,
      source_url: null,
      reason: 'undated',
      recheck: '/api/v1/moderation/rechecks/memberships/1',
    };
    const page = parseRecheckPage({ rechecks: [membership], total: 30, next_offset: 20 });
    expect(page).toMatchObject({ total: 30, nextOffset: 20, items: [{ kind: 'membership', subject: 'Sicherer Hafen', reason: 'undated' }] });
    expect(() => parseRecheckPage({ rechecks: [{ ...membership, kind: 'pledge' }], total: 1 })).toThrow(ShapeError);
  });

  it('refuses a submission status without its state', () => {
    expect(() => parseSubmissionStatus({ reference: 'AB12-CD34', kind: 'city' })).toThrow(new ShapeError('$.status', 'a string'));
  });
});

/** A fake fetch that answers every request with `status` and `body`, and keeps the requests. */
function answering(status: number, body: string | null, headers: Record<string, string> = {}) {
  const requests: { url: string; init: RequestInit | undefined }[] = [];
  const fetcher = (url: string, init?: RequestInit): Promise<Response> => {
    requests.push({ url, init });
    return Promise.resolve(new Response(body, { status, headers: { 'content-type': 'application/json', ...headers } }));
  };
  return { fetcher, requests };
}

describe('AccountApi over the one Http', () => {
  const base = 'http://haven.test/api/v1/';

  it('turns a malformed answer into an ApiError the interface calls unreadable', async () => {
    const { fetcher } = answering(200, JSON.stringify({ user: { email: 'ada@example.org' }, csrf_token: 't' }));
    const error = await new AccountApi(new Http(base, fetcher)).login('ada@example.org', 'secret').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 0, malformed: true, message: 'unexpected API response: $.user.id should be a number' });
  });

  it('sends the CSRF token from sign-in with the writes that follow', async () => {
    const { fetcher, requests } = answering(200, JSON.stringify(me));
    const http = new Http(base, fetcher);
    const account = new AccountApi(http);
    await account.login('ada@example.org', 'secret');
    await account.verifyClaim(7);
    expect(requests[1]?.url).toBe('http://haven.test/api/v1/moderation/claims/7/verify');
    expect(new Headers(requests[1]?.init?.headers).get('x-csrf-token')).toBe('token-1');
  });

  it('takes a write that answers 204 without a body', async () => {
    const { fetcher } = answering(204, null);
    await expect(new AccountApi(new Http(base, fetcher)).endSession(2)).resolves.toBeUndefined();
  });

  it('keeps how long a throttled request must wait', async () => {
    const { fetcher } = answering(429, JSON.stringify({ title: 'Too Many Requests', status: 429 }), { 'retry-after': '30' });
    const error = await new AccountApi(new Http(base, fetcher)).requestReset('ada@example.org').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429, retryAfter: 30 });
  });
});
