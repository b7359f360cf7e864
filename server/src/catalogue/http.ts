/**
 * The HTTP glue every catalogue source shares (issue 16 "each with its own rate limit and retry policy"): a
 * Bottleneck limiter per source (minimum spacing and concurrency), p-retry for retries with exponential backoff
 * that honours `Retry-After` on 429/503, a timeout per request, a descriptive User-Agent, and JSON parsing that turns a
 * malformed body into a {@link SourceError} instead of a crash.
 */
import Bottleneck from "bottleneck";
import pRetry, { AbortError } from "p-retry";

/** How one source may be called. */
export interface SourcePolicy {
  /** Minimum milliseconds between the starts of two requests (MusicBrainz: 1000, i.e. at most 1 request/second). */
  minTimeMs: number;
  /** Requests in flight at once. */
  maxConcurrent: number;
  /** Retries after the first attempt (on 429, 5xx, timeouts and network errors). */
  retries: number;
  /** First backoff in milliseconds, doubled after each failure (a `Retry-After` header wins when longer). */
  backoffMs: number;
  /** Longest backoff in milliseconds (caps `Retry-After` too). */
  maxBackoffMs: number;
  /** Timeout of one request in milliseconds. */
  timeoutMs: number;
}

/** A source answered something we cannot use: an HTTP error after the retries, a malformed body, a timeout. */
export class SourceError extends Error {
  /** @param source - the source's name. @param status - the HTTP status (0: no answer). @param message - what went wrong. */
  readonly source: string;
  readonly status: number;
  constructor(source: string, status: number, message: string) {
    super(`${source}: ${message}`);
    this.name = "SourceError";
    this.source = source;
    this.status = status;
  }
}

/** Statuses worth another attempt: rate limited, and the server-side errors that are usually transient. */
const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * Milliseconds a `Retry-After` header asks us to wait (seconds or an HTTP date), or null.
 *
 * @param value - the header's value.
 * @param now - the current time in ms (tests).
 */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const s = Number(value);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Options of one request. */
export interface RequestOptions {
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  /** Statuses answered as `null` instead of an error (e.g. 404 for "no such artist"). */
  nullOn?: number[];
}

/**
 * A rate-limited, retrying HTTP client for one source.
 */
export class SourceHttp {
  private readonly limiter: Bottleneck;
  private stopped = false;
  /** Requests actually sent (each attempt), for tests and the run's progress. */
  requests = 0;

  /**
   * @param source - the source's name (in errors and logs).
   * @param policy - its rate limit and retry policy.
   * @param userAgent - the User-Agent sent with every request.
   * @param onRetry - called before each retry with the reason and the delay in ms (logging).
   */
  readonly source: string;
  readonly policy: SourcePolicy;
  private readonly userAgent: string;
  private readonly onRetry: (why: string, delayMs: number) => void;
  constructor(source: string, policy: SourcePolicy, userAgent: string, onRetry: (why: string, delayMs: number) => void = () => {}) {
    this.source = source;
    this.policy = policy;
    this.userAgent = userAgent;
    this.onRetry = onRetry;
    this.limiter = new Bottleneck({ minTime: policy.minTimeMs, maxConcurrent: policy.maxConcurrent });
  }

  /**
   * Fetches a URL through the limiter and retries, and parses its JSON body.
   *
   * @param url - the absolute URL.
   * @param options - method, headers, body, statuses answered as null.
   * @returns the parsed JSON (unknown: validate it with the source's zod schema), or null for a `nullOn` status.
   * @throws {SourceError} after the retries are spent, on a non-retryable status, or on a body that is not JSON.
   */
  async json(url: string, options: RequestOptions = {}): Promise<unknown> {
    const res = await this.send(url, options, "application/json");
    if (res === null) return null;
    const text = await res.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new SourceError(this.source, res.status, `malformed JSON from ${redact(url)} (${text.slice(0, 60).replace(/\s+/g, " ")}…)`);
    }
  }

  /**
   * Sends a request through the limiter, retrying retryable answers; the caller reads the body.
   *
   * @param url - the absolute URL.
   * @param options - method, headers, body, statuses answered as null.
   * @param accept - the Accept header.
   * @returns the response (status 2xx), or null for a `nullOn` status.
   * @throws {SourceError} as {@link json}.
   */
  async send(url: string, options: RequestOptions, accept: string): Promise<Response | null> {
    const policy = this.policy;
    let delay = policy.backoffMs;
    return pRetry(
      async () => {
        this.requests += 1;
        let res: Response;
        try {
          res = await this.limiter.schedule(() =>
            fetch(url, {
              method: options.method ?? "GET",
              headers: { "user-agent": this.userAgent, accept, ...options.headers },
              body: options.body,
              signal: AbortSignal.timeout(policy.timeoutMs),
              redirect: "follow",
            }),
          );
        } catch (err) {
          const e = err as Error;
          throw new SourceError(this.source, 0, e.name === "TimeoutError" ? `timed out after ${policy.timeoutMs} ms: ${redact(url)}` : `${e.message}: ${redact(url)}`);
        }
        if (res.ok) return res;
        if (options.nullOn?.includes(res.status)) {
          await res.body?.cancel();
          return null;
        }
        const wait = retryAfterMs(res.headers.get("retry-after"));
        await res.body?.cancel();
        const error = new SourceError(this.source, res.status, `HTTP ${res.status} from ${redact(url)}`);
        if (!RETRYABLE.has(res.status)) throw new AbortError(error);
        if (wait !== null) delay = Math.max(delay, wait);
        throw error;
      },
      {
        retries: policy.retries,
        // The delay is ours (Retry-After or doubling), so p-retry's own timer is turned off.
        minTimeout: 0,
        maxTimeout: 0,
        onFailedAttempt: async ({ error, retriesLeft }) => {
          if (retriesLeft <= 0) return;
          const ms = Math.min(delay, policy.maxBackoffMs);
          this.onRetry(error.message, ms);
          await new Promise((r) => setTimeout(r, ms));
          delay = Math.min(delay * 2, policy.maxBackoffMs);
        },
      },
    ).catch((err: unknown) => {
      if (err instanceof SourceError) throw err;
      throw new SourceError(this.source, 0, (err as Error).message);
    });
  }

  /** Stops the limiter (pending requests are dropped). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.limiter.stop({ dropWaitingJobs: true });
  }
}

/** A URL without its secrets (api_key, client credentials) for logs and stored errors. */
export function redact(url: string): string {
  return url.replace(/([?&](?:api_key|key|token|client_secret)=)[^&]+/gi, "$1…");
}
