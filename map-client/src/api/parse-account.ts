/**
 * The answers of the writing half of the API (accounts and sessions, editor claims,
 * submissions, moderation, revision histories, re-checks), read as strictly as the read
 * API's (`read.ts`): a missing id or a wrong type is a `ShapeError` naming its path, never a
 * made-up 0 or empty string. Objects the OpenAPI document describes are read by their schema
 * (`wire.ts`); claims, revisions, queue items and re-checks are still free-form objects there.
 */

import { type Json, type Obj, ShapeError, boolean, list, number, object, optNumber, optObject, optString, string, strings } from './read';
import type { Schemas } from './wire';

export interface User {
  readonly id: number;
  readonly email: string;
  readonly displayName: string | null;
  /** `user`, `moderator` or `admin`. */
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

/** A city as claims, re-checks and the like name it. */
function cityRef(o: Obj, path: string): { slug: string; name: string } {
  return { slug: string(o, 'slug', path), name: string(o, 'name', path) };
}

function claim(value: Json, path: string): Claim {
  const o = object(value, path);
  const city = optObject(o, 'city', path);
  const place = optObject(o, 'place', path);
  const user = optObject(o, 'user', path);
  return {
    id: number(o, 'id', path),
    status: string(o, 'status', path),
    city: city && cityRef(city, `${path}.city`),
    place: place && { id: number(place, 'id', `${path}.place`), name: string(place, 'name', `${path}.place`), country: string(place, 'country', `${path}.place`) },
    roleTitle: optString(o, 'role_title', path),
    evidence: optString(o, 'evidence', path),
    reason: optString(o, 'reason', path),
    createdAt: optString(o, 'created_at', path),
    user: user && { displayName: optString(user, 'display_name', `${path}.user`), email: optString(user, 'email', `${path}.user`) },
  };
}

export function parseClaim(value: Json): Claim {
  return claim(value, '$');
}

export function parseMe(value: Json): Me {
  const o = object<Schemas['Me']>(value, '$');
  const u = object<Schemas['User']>(o.user, '$.user');
  return {
    user: {
      id: number(u, 'id', '$.user'),
      email: string(u, 'email', '$.user'),
      displayName: optString(u, 'display_name', '$.user'),
      role: string(u, 'role', '$.user'),
      emailConfirmed: boolean(u, 'email_confirmed', '$.user'),
    },
    csrfToken: string(o, 'csrf_token', '$'),
    claims: list(o.claims, '$.claims', claim),
  };
}

/** `{claims: [...]}`: a list of claims. */
export function parseClaims(value: Json): readonly Claim[] {
  return list(object(value, '$').claims, '$.claims', claim);
}

/** One of the account's signed-in browsers. */
export interface SignedIn {
  readonly number: number;
  readonly userAgent: string | null;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly current: boolean;
}

export function parseSessions(value: Json): readonly SignedIn[] {
  return list(object<Schemas['Sessions']>(value, '$').sessions, '$.sessions', (item, path) => {
    const o = object<Schemas['SessionInfo']>(item, path);
    return {
      number: number(o, 'number', path),
      userAgent: optString(o, 'user_agent', path),
      createdAt: string(o, 'created_at', path),
      lastSeenAt: string(o, 'last_seen_at', path),
      current: boolean(o, 'current', path),
    };
  });
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

function revision(value: Json, path: string): Revision {
  const o = object(value, path);
  const changes = Object.entries(optObject(o, 'changes', path) ?? {}).map(([field, change]) => {
    const c = object(change, `${path}.changes.${field}`);
    return { field, before: c.before ?? null, after: c.after ?? null };
  });
  return {
    id: number(o, 'id', path),
    entityType: string(o, 'entity_type', path),
    entityId: optNumber(o, 'entity_id', path),
    action: string(o, 'action', path),
    author: optString(o, 'author', path),
    createdAt: optString(o, 'created_at', path),
    reason: optString(o, 'reason', path),
    submission: optString(o, 'submission', path),
    changes,
    after: optObject(o, 'after', path) ?? {},
    before: optObject(o, 'before', path) ?? {},
  };
}

/** `{revisions: [...]}`: the revisions to review. */
export function parseRevisions(value: Json): readonly Revision[] {
  return list(object(value, '$').revisions, '$.revisions', revision);
}

export interface History {
  readonly lastChangedAt: string | null;
  readonly revisions: readonly Revision[];
}

export function parseHistory(value: Json): History {
  const o = object(value, '$');
  return { lastChangedAt: optString(o, 'last_changed_at', '$'), revisions: list(o.revisions, '$.revisions', revision) };
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

function queued(value: Json, path: string): QueuedSubmission {
  const o = object(value, path);
  const target = optObject(o, 'target', path);
  const submitter = optObject(o, 'submitter', path);
  const payload = object(o.payload, `${path}.payload`);
  const diff = optObject(o, 'diff', path);
  return {
    id: number(o, 'id', path),
    reference: string(o, 'reference', path),
    kind: string(o, 'kind', path),
    status: string(o, 'status', path),
    target: target && { type: string(target, 'type', `${path}.target`), slug: optString(target, 'slug', `${path}.target`) },
    payload,
    sourceUrls: strings(o, 'source_urls', path),
    message: optString(o, 'message', path),
    submitter: submitter && optString(submitter, 'display_name', `${path}.submitter`),
    createdAt: optString(o, 'created_at', path),
    before: diff && optObject(diff, 'before', `${path}.diff`),
    after: (diff && optObject(diff, 'after', `${path}.diff`)) ?? payload,
  };
}

/** `{submissions: [...], total, next_offset}`: the queue's submissions. */
export function parseQueue(value: Json): readonly QueuedSubmission[] {
  return list(object(value, '$').submissions, '$.submissions', queued);
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

function recheckSubject(o: Obj, kind: Recheck['kind'], path: string): string {
  if (kind === 'membership') return string(object(o.network, `${path}.network`), 'name', `${path}.network`);
  if (kind === 'practice') return string(object(o.practice, `${path}.practice`), 'title', `${path}.practice`);
  // A demand's label may be missing in the language asked for: its key stands in.
  const demand = object(o.demand, `${path}.demand`);
  return optString(demand, 'label', `${path}.demand`) ?? string(demand, 'key', `${path}.demand`);
}

function recheck(value: Json, path: string): Recheck {
  const o = object(value, path);
  const kind = o.kind;
  if (kind !== 'membership' && kind !== 'demand' && kind !== 'practice') throw new ShapeError(`${path}.kind`, '"membership", "demand" or "practice"');
  return {
    kind,
    city: cityRef(object(o.city, `${path}.city`), `${path}.city`),
    subject: recheckSubject(o, kind, path),
    status: optString(o, 'status', path),
    asOf: optString(o, 'as_of', path),
    sourceUrl: optString(o, 'source_url', path),
    reason: string(o, 'reason', path),
    recheck: string(o, 'recheck', path),
  };
}

export function parseRecheckPage(value: Json): RecheckPage {
  const o = object(value, '$');
  return { items: list(o.rechecks, '$.rechecks', recheck), total: number(o, 'total', '$'), nextOffset: optNumber(o, 'next_offset', '$') };
}

export interface SubmissionStatus {
  readonly reference: string;
  readonly kind: string;
  readonly status: string;
  readonly reason: string | null;
  readonly createdAt: string | null;
  readonly reviewedAt: string | null;
}

export function parseSubmissionStatus(value: Json): SubmissionStatus {
  const o = object(value, '$');
  return {
    reference: string(o, 'reference', '$'),
    kind: string(o, 'kind', '$'),
    status: string(o, 'status', '$'),
    reason: optString(o, 'reason', '$'),
    createdAt: optString(o, 'created_at', '$'),
    reviewedAt: optString(o, 'reviewed_at', '$'),
  };
}

/** A submission's receipt: its reference. */
export function parseReceipt(value: Json): string {
  return string(object<Schemas['Receipt']>(value, '$'), 'reference', '$');
}

/** An editor's new practice: its slug. */
export function parseCreatedPractice(value: Json): string {
  const practice = object(object(value, '$').practice, '$.practice');
  return string(practice, 'slug', '$.practice');
}

/** A recorded change: its revision's id. */
export function parseRevisionId(value: Json): number {
  return number(object<Schemas['Rechecked']>(value, '$'), 'revision_id', '$');
}
