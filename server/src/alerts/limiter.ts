/**
 * The per-webhook rate limit of alert posts: at most `limit` posts in any sliding window of
 * `windowMs` (default one minute), plus a block until a time Discord asks for (HTTP 429
 * `retry_after`). In memory, per worker process: with several worker processes each has its own
 * budget (Discord's own 429s still throttle them all, and are honoured).
 */

/** The answer of {@link WebhookRateLimiter.acquire}. */
export type Acquired = { ok: true } | { ok: false; retryAt: number };

/** Sliding-window limiter keyed by webhook (see the module comment). */
export class WebhookRateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  readonly #now: () => number;
  readonly #posts = new Map<string, number[]>();
  readonly #blockedUntil = new Map<string, number>();

  /**
   * @param limit - posts allowed per window (at least 1).
   * @param windowMs - the window, in milliseconds (default 60 000).
   * @param now - the clock (tests).
   */
  constructor(limit: number, windowMs = 60_000, now: () => number = Date.now) {
    if (!(limit >= 1)) throw new RangeError("limit must be at least 1");
    this.limit = limit;
    this.windowMs = windowMs;
    this.#now = now;
  }

  /**
   * Takes one post's slot if the window has room and the webhook is not blocked.
   *
   * @param key - the webhook's key.
   * @returns `{ ok: true }` (the slot is taken), or when the next slot frees up (epoch ms).
   */
  acquire(key: string): Acquired {
    const t = this.#now();
    const blocked = this.#blockedUntil.get(key) ?? 0;
    if (blocked > t) return { ok: false, retryAt: blocked };
    const posts = (this.#posts.get(key) ?? []).filter((p) => p > t - this.windowMs);
    if (posts.length >= this.limit) {
      this.#posts.set(key, posts);
      return { ok: false, retryAt: posts[posts.length - this.limit] + this.windowMs };
    }
    posts.push(t);
    this.#posts.set(key, posts);
    return { ok: true };
  }

  /**
   * Gives back the slot taken by the last {@link acquire} (nothing was posted after all).
   *
   * @param key - the webhook's key.
   */
  release(key: string): void {
    this.#posts.get(key)?.pop();
  }

  /**
   * Blocks a webhook until a time (Discord answered 429).
   *
   * @param key - the webhook's key.
   * @param until - epoch ms.
   */
  block(key: string, until: number): void {
    if (until > (this.#blockedUntil.get(key) ?? 0)) this.#blockedUntil.set(key, until);
  }
}
