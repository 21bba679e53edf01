import { GraphqlResponseError, graphql } from '@octokit/graphql';
import { z } from 'zod';
import type { GitHubConnection } from '../../shared/ratchet.js';
import { GITHUB_COM, githubName } from './api-url.js';
import { RateLimit } from './queries.js';
import { tokenFix } from './token.js';

export type GitHubErrorKind = 'no-token' | 'unauthorized' | 'rate-limited' | 'unavailable' | 'invalid';

export class GitHubError extends Error {
  readonly kind: GitHubErrorKind;
  /** When to try again (rate limits and backoff). */
  readonly retryAt?: number;
  constructor(kind: GitHubErrorKind, message: string, retryAt?: number) {
    super(message);
    this.name = 'GitHubError';
    this.kind = kind;
    if (retryAt !== undefined) this.retryAt = retryAt;
  }
}

/** What a client knows of its connection: the protocol's GitHubConnection without connected/message. */
export type GitHubStatus = Omit<GitHubConnection, 'connected' | 'message'>;

/** The token's GraphQL points for the hour, as GitHub last said (see rateLimitFromHeaders). */
export type RateLimitSeen = NonNullable<GitHubStatus['rateLimit']>;

/** `X-OAuth-Scopes: repo, read:org` → ['repo', 'read:org']. */
export function parseScopes(header: string): string[] {
  return header
    .split(',')
    .map((scope) => scope.trim())
    .filter(Boolean);
}

/**
 * What a classic token's scopes cannot do, for people — pure. ff reads
 * pull requests and issues, opens pull requests, and merges: `repo` covers
 * all of it; `public_repo` only public repositories. Fine-grained and app
 * tokens list no scopes (undefined): nothing to say from here.
 */
export function scopeAdvice(scopes: readonly string[] | undefined): string | undefined {
  if (scopes === undefined || scopes.includes('repo')) return undefined;
  if (scopes.includes('public_repo'))
    return 'The token has `public_repo` but not `repo`: private repositories are out of reach. Add the `repo` scope if you use any.';
  return `The token's scopes (${scopes.join(', ') || 'none'}) cannot open or merge pull requests. Give it the \`repo\` scope (or \`public_repo\` for public repositories only).`;
}

/** Exponential backoff with jitter: 5 s, 10 s, 20 s … capped at 15 min. */
export function backoffMs(failures: number, random = Math.random): number {
  const base = Math.min(15 * 60_000, 5_000 * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}

/**
 * GitHub GraphQL through @octokit/graphql. Reads the rate limit on every
 * response; turns 5xx, timeouts, network errors and rate limits into one
 * error type with a time to retry, and refuses calls until then — so a
 * struggling GitHub gets backoff, not a stampede.
 */
export class GitHubClient {
  readonly #request: typeof graphql;
  readonly #timeoutMs: number;
  readonly #host: string;
  readonly #token: string;
  readonly #restBase: string;
  readonly tokenSource: string;
  #failures = 0;
  #blockedUntil = 0;
  /** What holds calls until then: a rate limit, or backoff after GitHub failed. */
  #blockedBy: GitHubErrorKind = 'unavailable';
  #status: GitHubStatus;
  #requests = 0;
  #points = 0;

  constructor(options: {
    token: string;
    tokenSource: string;
    baseUrl: string;
    /** Which GitHub this is (github.com or an Enterprise host): errors name it. */
    host?: string;
    timeoutMs?: number;
  }) {
    this.tokenSource = options.tokenSource;
    this.#host = options.host ?? GITHUB_COM;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#token = options.token;
    this.#restBase = restBaseUrl(this.#host, options.baseUrl);
    this.#request = graphql.defaults({
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      headers: { authorization: `token ${options.token}`, 'user-agent': 'ff-agent' },
      request: {
        // Every answer says what a classic token may do (doctor warns when it cannot merge), and
        // how much of the hour's points the token has left (the ratchet paces itself by it).
        fetch: async (url: string, init: RequestInit) => {
          const response = await fetch(url, init);
          const scopes = response.headers.get('x-oauth-scopes');
          if (scopes !== null) this.#status.scopes = parseScopes(scopes);
          const budget = rateLimitFromHeaders((name) => response.headers.get(name));
          if (budget) this.#status.rateLimit = budget;
          return parsedJsonBody(response);
        },
        // The body is parsed above with JSON.parse: @octokit/request's own parser (bigint-aware,
        // a regex pass and a reviver on every value) cost more agent CPU than the rest of a
        // 200-PR ratchet tick, and GitHub's GraphQL numbers all fit in a double.
        parseSuccessResponseBody: false,
      },
    });
    this.#status = { tokenSource: options.tokenSource };
  }

  get status(): GitHubStatus {
    return { ...this.#status };
  }

  /** Requests sent so far (for the bench and tests). */
  get requestCount(): number {
    return this.#requests;
  }

  /** Rate-limit points GitHub charged for the queries answered so far (each answer's `rateLimit.cost`). */
  get points(): number {
    return this.#points;
  }

  /**
   * Runs a query and validates the data. With `allowPartial`, GraphQL errors
   * that come with data (one PR of many unreadable) return the data and the
   * errors instead of failing everything.
   */
  async query<T extends z.ZodType>(
    document: string,
    variables: Record<string, unknown>,
    schema: T,
    options: { allowPartial?: boolean } = {},
  ): Promise<{ data: z.infer<T>; errors: string[] }> {
    const now = Date.now();
    if (now < this.#blockedUntil) throw this.#held();
    this.#requests++;
    let raw: unknown;
    let errors: string[] = [];
    try {
      raw = await this.#request(document, {
        ...variables,
        request: { signal: AbortSignal.timeout(this.#timeoutMs) },
      });
    } catch (error) {
      if (error instanceof GraphqlResponseError && error.data && options.allowPartial) {
        raw = error.data;
        errors = error.errors?.map((e) => e.message) ?? [];
      } else {
        throw this.#fail(error);
      }
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      throw this.#fail(
        new GitHubError(
          'invalid',
          `${githubName(this.#host)} answered in an unexpected shape: ${parsed.error.issues[0]?.message}`,
        ),
      );
    }
    this.#succeeded(rateLimitOf(raw));
    return { data: parsed.data, errors };
  }

  /**
   * A REST call (`/repos/...`), for what GraphQL cannot do (re-running jobs,
   * job logs). A redirect to another host (a signed log download) is
   * followed without the token: it must never leave GitHub's API host.
   */
  async rest(method: 'GET' | 'POST', path: string): Promise<{ status: number; text: string }> {
    if (Date.now() < this.#blockedUntil) throw this.#held();
    this.#requests++;
    const headers = {
      authorization: `token ${this.#token}`,
      accept: 'application/vnd.github+json',
      'user-agent': 'ff-agent',
    };
    const signal = AbortSignal.timeout(this.#timeoutMs);
    let response: Response;
    try {
      const url = new URL(`${this.#restBase}${path}`);
      response = await fetch(url, { method, headers, redirect: 'manual', signal });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        const next = new URL(location, url);
        const sameHost = next.origin === url.origin;
        response = await fetch(next, {
          method: 'GET',
          headers: sameHost ? headers : { 'user-agent': 'ff-agent' },
          redirect: sameHost ? 'manual' : 'follow',
          signal,
        });
      }
    } catch (error) {
      throw this.#fail(error);
    }
    const text = await response.text();
    if (response.status >= 400) {
      const message = restErrorMessage(text);
      throw this.#fail({
        status: response.status,
        message: message.slice(0, 300),
        response: {
          headers: Object.fromEntries(
            ['retry-after', 'x-ratelimit-reset', 'x-ratelimit-remaining'].flatMap((name) => {
              const value = response.headers.get(name);
              return value === null ? [] : [[name, value]];
            }),
          ),
        },
      });
    }
    this.#failures = 0;
    return { status: response.status, text };
  }

  #succeeded(rateLimit: RateLimit): void {
    this.#failures = 0;
    delete this.#status.lastError;
    delete this.#status.backoffUntil;
    if (rateLimit) {
      this.#points += rateLimit.cost;
      this.#status.rateLimit = {
        ...this.#status.rateLimit,
        limit: rateLimit.limit,
        remaining: rateLimit.remaining,
        resetAt: rateLimit.resetAt,
      };
    }
    // Primary limit spent: hold every call until GitHub resets it.
    const budget = this.#status.rateLimit;
    if (budget && budget.remaining <= 0)
      this.#block(Date.parse(budget.resetAt), 'rate limit used up', 'rate-limited');
  }

  #fail(error: unknown): GitHubError {
    const failure = classifyGitHubFailure(error, Date.now(), this.#host);
    this.#failures++;
    const retryAt =
      failure.retryAt ??
      (failure.kind === 'unavailable' || failure.kind === 'rate-limited'
        ? Date.now() + backoffMs(this.#failures)
        : undefined);
    this.#status.lastError = failure.message;
    if (retryAt !== undefined) this.#block(retryAt, failure.message, failure.kind);
    return retryAt === undefined ? failure : new GitHubError(failure.kind, failure.message, retryAt);
  }

  /** A call refused while calls are held: rate-limited when a rate limit holds them, else unavailable (backoff). */
  #held(): GitHubError {
    return new GitHubError(
      this.#blockedBy,
      `Waiting until ${new Date(this.#blockedUntil).toISOString()} before calling ${githubName(this.#host)} again (${this.#status.lastError ?? 'backoff'}).`,
      this.#blockedUntil,
    );
  }

  #block(until: number, why: string, kind: GitHubErrorKind): void {
    if (!Number.isFinite(until)) return;
    if (until >= this.#blockedUntil) this.#blockedBy = kind;
    this.#blockedUntil = Math.max(this.#blockedUntil, until);
    this.#status.backoffUntil = new Date(this.#blockedUntil).toISOString();
    this.#status.lastError ??= why;
  }
}

const RateLimitAnswer = z.lazy(() => z.object({ rateLimit: RateLimit }));

/**
 * The rate limit an answer reports (every query asks for it: see queries.ts), checked: an
 * answer without one, or with one in another shape, reports none.
 */
function rateLimitOf(raw: unknown): RateLimit {
  const answer = RateLimitAnswer.safeParse(raw);
  return answer.success ? answer.data.rateLimit : null;
}

/** What a REST error answer says: GitHub's JSON `message`, else its text as sent. */
export function restErrorMessage(text: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text;
  }
  const message = typeof body === 'object' && body !== null && 'message' in body ? body.message : undefined;
  return message === undefined || message === null ? text : String(message);
}

/**
 * A successful JSON answer as @octokit/request reads it when `parseSuccessResponseBody` is off
 * (its `body` taken as the data), parsed natively; any other answer is passed on untouched.
 */
async function parsedJsonBody(response: Response): Promise<Response> {
  const type = response.headers.get('content-type') ?? '';
  if (
    !response.ok ||
    response.status === 204 ||
    response.status === 205 ||
    !/^application\/json\b/i.test(type)
  )
    return response;
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return {
    status: response.status,
    statusText: response.statusText,
    url: response.url,
    headers: response.headers,
    body,
  } as unknown as Response;
}

/**
 * Where a host's REST API lives, given its GraphQL base: the same on
 * github.com (api.github.com) and test fakes; `<base>/v3` for an Enterprise
 * server's `https://<host>/api`.
 */
export function restBaseUrl(host: string, graphqlBase: string): string {
  const base = graphqlBase.replace(/\/+$/, '');
  return host !== GITHUB_COM && /\/api$/.test(base) ? `${base}/v3` : base;
}

/**
 * Pure: what kind of failure an @octokit/graphql error is, and when to retry
 * if GitHub said. Messages name the host when it is not github.com.
 */
export function classifyGitHubFailure(error: unknown, now = Date.now(), host = GITHUB_COM): GitHubError {
  if (error instanceof GitHubError) return error;
  const name = githubName(host);
  if (error instanceof GraphqlResponseError) {
    const messages = (error.errors ?? []).map((e) => e.message).join('; ');
    if ((error.errors ?? []).some(isRateLimitError)) {
      // The hour's points are spent: GitHub answers 200 with this error until they reset.
      return new GitHubError(
        'rate-limited',
        `${name} rate limit: ${messages || 'API rate limit exceeded'}`.slice(0, 500),
        retryAtFrom(error.headers as Record<string, string | number | undefined>, now),
      );
    }
    return new GitHubError('invalid', `${name}: ${messages || error.message}`.slice(0, 500));
  }
  const e = error as {
    status?: number;
    message?: string;
    name?: string;
    response?: { headers?: Record<string, string> };
  };
  const status = e.status;
  const headers = e.response?.headers ?? {};
  const retryAfter = Number(headers['retry-after']);
  const message = (e.message ?? String(error)).split('\n')[0]!.slice(0, 300);
  if (status === 401)
    return new GitHubError('unauthorized', `${name} refused the token (401): ${tokenFix(host)}.`);
  if (status === 403 || status === 429) {
    const limited =
      status === 429 ||
      /rate limit/i.test(message) ||
      Number.isFinite(retryAfter) ||
      headers['x-ratelimit-remaining'] === '0';
    if (limited)
      return new GitHubError(
        'rate-limited',
        `${name} rate limit (${status}): ${message}`,
        retryAtFrom(headers, now),
      );
    return new GitHubError('unauthorized', `${name} refused the request (403): ${message}`);
  }
  if (status !== undefined && status >= 500)
    return new GitHubError('unavailable', `${name} is having trouble (${status}).`);
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || /timeout|aborted/i.test(message)) {
    return new GitHubError('unavailable', `${name} did not answer in time.`);
  }
  if (status === undefined) return new GitHubError('unavailable', `Cannot reach ${name}: ${message}`);
  return new GitHubError('invalid', `${name} error (${status}): ${message}`);
}

/**
 * A GraphQL error saying the hour's points are spent: `type: "RATE_LIMITED"` (github.com
 * today), or the newer `type: "RATE_LIMIT"` / `code: "graphql_rate_limit"` — pure.
 */
export function isRateLimitError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { type, code } = error as { type?: unknown; code?: unknown };
  return type === 'RATE_LIMITED' || type === 'RATE_LIMIT' || code === 'graphql_rate_limit';
}

/** When GitHub says to try again: `retry-after` (seconds from now), else `x-ratelimit-reset` (epoch seconds) — pure. */
export function retryAtFrom(
  headers: Record<string, string | number | undefined>,
  now: number,
): number | undefined {
  const retryAfter = Number(headers['retry-after'] ?? Number.NaN);
  if (Number.isFinite(retryAfter)) return now + retryAfter * 1000;
  const reset = Number(headers['x-ratelimit-reset'] ?? Number.NaN);
  return Number.isFinite(reset) ? reset * 1000 : undefined;
}

/**
 * The token's GraphQL budget from an answer's `x-ratelimit-*` headers, or undefined when they
 * are absent (a GitHub Enterprise server without rate limits) or about another resource — pure.
 */
export function rateLimitFromHeaders(header: (name: string) => string | null): RateLimitSeen | undefined {
  const resource = header('x-ratelimit-resource');
  if (resource !== null && resource !== 'graphql') return undefined;
  const limit = Number(header('x-ratelimit-limit') ?? Number.NaN);
  const remaining = Number(header('x-ratelimit-remaining') ?? Number.NaN);
  const reset = Number(header('x-ratelimit-reset') ?? Number.NaN);
  if (![limit, remaining, reset].every(Number.isFinite)) return undefined;
  const used = Number(header('x-ratelimit-used') ?? Number.NaN);
  return {
    limit,
    remaining,
    resetAt: new Date(reset * 1000).toISOString(),
    ...(Number.isFinite(used) ? { used } : {}),
  };
}
