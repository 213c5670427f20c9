/**
 * The one way the client talks to Haven's API: URLs under the API root, the session's CSRF
 * token on writes, the browser cache after this browser's own writes, and every failure as an
 * `ApiError` that says what went wrong in terms the interface can show (the status, the
 * problem's detail, the field). An answer is read by a strict reader (`read.ts`): one that
 * does not have the agreed shape is an error too, never a value made up in its place.
 */

import { ShapeError, parseProblem } from './read';

/** Why a request failed: `status` 0 means the server was not reached or answered nonsense. */
export class ApiError extends Error {
  /** Seconds to wait before trying again (a 429's `Retry-After`). */
  retryAfter: number | null = null;

  constructor(
    message: string,
    readonly status: number,
    readonly url: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get notFound(): boolean {
    return this.status === 404;
  }

  /** The server answered, but not in the agreed shape. */
  get malformed(): boolean {
    return this.status === 0 && this.message.startsWith(ShapeError.PREFIX);
  }
}

/** Whether an error is the caller's own cancellation (a newer request replaced it). */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** How long public reads may come from the browser's cache (the server says max-age 60). */
const CACHE_WINDOW_MS = 130_000;
const WROTE_KEY = 'haven.wrote';

/**
 * Notes that this browser just changed published data, so that its next reads revalidate
 * instead of showing cached answers from before the change (in this tab and after a reload).
 */
export function markWritten(): void {
  try {
    sessionStorage.setItem(WROTE_KEY, String(Date.now()));
  } catch {
    // No storage (private mode, tests): reads may be up to a minute old.
  }
}

function cacheMode(): RequestCache {
  try {
    const wrote = Number(sessionStorage.getItem(WROTE_KEY) ?? '0');
    return Date.now() - wrote < CACHE_WINDOW_MS ? 'no-cache' : 'default';
  } catch {
    return 'default';
  }
}

/** Writes to these paths change what the map shows. */
const PUBLISHING = /^(moderation|cities|practices)\//;

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export type Method = 'GET' | 'POST' | 'PATCH';

/** Reads an answer's JSON into a value, or throws `ShapeError`. */
export type Reader<T> = (json: unknown) => T;

export class Http {
  private readonly base: URL;
  /** The session's CSRF token, sent with every write. */
  csrf: string | null = null;

  /** `base` is the API root, e.g. `https://haven.example/api/v1/`. */
  constructor(
    base: string | URL,
    private readonly fetcher: Fetch = (input, init) => fetch(input, init),
  ) {
    this.base = new URL(base);
    if (!this.base.pathname.endsWith('/')) this.base.pathname += '/';
  }

  /** The absolute URL of an API path with its query. */
  url(path: string, params: readonly (readonly [string, string])[] = []): string {
    const url = new URL(path, this.base);
    for (const [key, value] of params) url.searchParams.set(key, value);
    url.search = url.searchParams.toString().replace(/%2C/gi, ',');
    return url.href;
  }

  /** A read of `url` (absolute, or a path under the API root) by `read`. */
  get<T>(url: string, read: Reader<T>, signal?: AbortSignal): Promise<T> {
    return this.request('GET', url, undefined, read, signal);
  }

  /** A write whose answer is read by `read`. */
  send<T>(method: Method, path: string, body: unknown, read: Reader<T>): Promise<T> {
    return this.request(method, path, body, read);
  }

  /** A write whose answer says nothing but that it succeeded. */
  async write(method: Method, path: string, body?: unknown): Promise<void> {
    await this.request(method, path, body, null);
  }

  private async request<T>(method: Method, path: string, body: unknown, read: Reader<T>, signal?: AbortSignal): Promise<T>;
  private async request(method: Method, path: string, body: unknown, read: null): Promise<undefined>;
  private async request<T>(method: Method, path: string, body: unknown, read: Reader<T> | null, signal?: AbortSignal): Promise<T | undefined> {
    const url = new URL(path, this.base).href;
    const headers: Record<string, string> = { accept: 'application/json, application/geo+json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && this.csrf !== null) headers['x-csrf-token'] = this.csrf;
    const cache = method === 'GET' ? cacheMode() : 'default';
    let response: Response;
    try {
      response = await this.fetcher(url, {
        method,
        headers,
        credentials: 'same-origin',
        ...(cache === 'default' ? {} : { cache }),
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (isAbort(error)) throw error;
      throw new ApiError(error instanceof Error ? error.message : 'network error', 0, url);
    }
    if (!response.ok) {
      const problem = parseProblem(await response.json().catch(() => null));
      const error = new ApiError(problem.detail ?? problem.title ?? `HTTP ${response.status}`, response.status, url, problem.field);
      const retry = Number(response.headers.get('retry-after'));
      if (Number.isFinite(retry) && retry > 0) error.retryAfter = retry;
      throw error;
    }
    if (method !== 'GET' && PUBLISHING.test(path)) markWritten();
    if (read === null) return undefined;
    let json: unknown;
    try {
      json = response.status === 204 ? null : await response.json();
    } catch {
      throw new ApiError(`${ShapeError.PREFIX}: the answer is not JSON`, 0, url);
    }
    try {
      return read(json);
    } catch (error) {
      if (error instanceof ShapeError) throw new ApiError(error.message, 0, url);
      throw error;
    }
  }
}
