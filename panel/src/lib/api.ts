/**
 * The panel's one HTTP client: same-origin requests with the session cookies, the CSRF token on
 * every state-changing request, a fresh `Idempotency-Key` on every GraphQL mutation, and a
 * silent refresh of the short-lived access session before it lapses.
 */

/** The signed-in staff member, as `GET /auth/session` describes them. */
export interface Session {
  guildId: string;
  discordId: string;
  kind: "player" | "staff";
  staffRole: StaffRole | null;
  expiresAt: string;
  /** Their Discord name as the sign-in read it (server nickname, else global name); null for the development login. */
  displayName?: string | null;
}

export type StaffRole = "SUPERADMIN" | "ADMIN" | "OPERATOR" | "SUPPORT" | "AUDITOR";

/** A named error from the server (`extensions: { code, key, detail }`) or a transport failure. */
export class ApiError extends Error {
  readonly status: number;
  readonly code?: string;
  readonly key?: string;
  readonly detail?: Record<string, unknown>;
  constructor(message: string, status: number, ext: { code?: string; key?: string; detail?: Record<string, unknown> } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = ext.code;
    this.key = ext.key;
    this.detail = ext.detail;
  }
}

interface SessionAnswer {
  session: Session | null;
  csrfToken?: string;
  refreshable?: boolean;
  methods?: { discord: boolean; dev: boolean };
}

let csrfToken: string | undefined;
let current: Session | null = null;
let refreshable = false;
let refreshing: Promise<Session | null> | undefined;

/** Sign-in methods the server offers (Discord when configured; the development login outside production). */
export let signInMethods: { discord: boolean; dev: boolean } = { discord: true, dev: false };

/**
 * Reads the session (and a CSRF token); when the access session has lapsed but a refresh token
 * is held, refreshes once.
 *
 * @returns the session, or null when signed out.
 */
export async function loadSession(): Promise<Session | null> {
  const res = await fetch("/auth/session", { credentials: "same-origin" });
  const body = (await res.json()) as SessionAnswer;
  csrfToken = body.csrfToken;
  refreshable = Boolean(body.refreshable);
  if (body.methods) signInMethods = body.methods;
  current = body.session;
  if (!current && refreshable) return refresh();
  return current;
}

/** The session loaded last (null when signed out). */
export function session(): Session | null {
  return current;
}

/** The session behind the cookies as they are now (another tab may have rotated them). */
async function currentSession(): Promise<SessionAnswer> {
  const res = await fetch("/auth/session", { credentials: "same-origin" });
  return (await res.json()) as SessionAnswer;
}

/**
 * Exchanges the refresh token for a new access session (rotation: the old refresh token dies).
 * Tabs share the cookies, and presenting a rotated refresh token twice revokes the session, so
 * refreshes run one at a time across tabs (Web Locks), and a tab that waited first checks whether
 * another one has already refreshed.
 *
 * @returns the new session, or null when the refresh was refused (signed out).
 */
export function refresh(): Promise<Session | null> {
  const run = async (): Promise<Session | null> => {
    const now = await currentSession();
    if (now.session && new Date(now.session.expiresAt).getTime() - Date.now() > 60_000) {
      csrfToken = now.csrfToken;
      current = now.session;
      return current;
    }
    const res = await fetch("/auth/refresh", { method: "POST", credentials: "same-origin", headers: now.csrfToken ? { "x-csrf-token": now.csrfToken } : {} });
    if (!res.ok) {
      current = null;
      refreshable = false;
      return null;
    }
    const body = (await res.json()) as SessionAnswer;
    csrfToken = body.csrfToken;
    current = body.session;
    refreshable = true;
    return current;
  };
  refreshing ??= (async () => {
    try {
      const locks = typeof navigator !== "undefined" ? (navigator as { locks?: { request<T>(name: string, fn: () => Promise<T>): Promise<T> } }).locks : undefined;
      return locks ? await locks.request("guildbank-refresh", run) : await run();
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

/** Refreshes when the access session lapses within 30 s (panel sessions only). */
async function fresh(): Promise<void> {
  if (current && refreshable && new Date(current.expiresAt).getTime() - Date.now() < 30_000) await refresh();
}

/** Ends the session on the server (both tokens) and forgets it here. */
export async function signOut(): Promise<void> {
  await fetch("/auth/logout", { method: "POST", credentials: "same-origin", headers: csrfToken ? { "x-csrf-token": csrfToken } : {} });
  current = null;
  refreshable = false;
}

/** A fresh idempotency key for one user action. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/**
 * Runs a GraphQL operation. Mutations carry `Idempotency-Key` (the given one, else a new one).
 *
 * @param query - the operation.
 * @param variables - its variables.
 * @param options - `idempotencyKey` for a mutation that is retried as the same action; `reason`
 *   for a direct write (recorded in the audit log).
 * @returns `data`.
 * @throws {ApiError} the first GraphQL error (our named errors keep code/key/detail), or the HTTP failure.
 */
export async function gql<T = Record<string, any>>(
  query: string,
  variables: Record<string, unknown> = {},
  options: { idempotencyKey?: string; reason?: string } = {},
): Promise<T> {
  await fresh();
  const mutation = /^\s*mutation\b/.test(query);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (csrfToken) headers["x-csrf-token"] = csrfToken;
  if (mutation) headers["idempotency-key"] = options.idempotencyKey ?? newIdempotencyKey();
  // A direct write's reason goes to the audit log (app.reason); URI-encoded, as headers are ASCII.
  if (options.reason) headers["x-audit-reason"] = encodeURIComponent(options.reason);
  const post = () => fetch("/graphql", { method: "POST", credentials: "same-origin", headers, body: JSON.stringify({ query, variables }) });
  let res = await post();
  if (res.status === 403 && ((await res.clone().json().catch(() => ({}))) as { error?: string }).error === "csrf_invalid") {
    // The server restarted (a new CSRF secret) or the session changed in another tab: take a fresh token, retry once.
    await loadSession();
    if (csrfToken) headers["x-csrf-token"] = csrfToken;
    res = await post();
  }
  if (res.status === 401 || res.status === 403) throw new ApiError("Your session has ended: please sign in again.", 401);
  if (res.status === 429) throw new ApiError("Too many requests: wait a moment and retry.", 429);
  type Answer = { data?: T; errors?: { message: string; extensions?: { code?: string; key?: string; detail?: Record<string, unknown> } }[] };
  let body: Answer;
  try {
    body = (await res.json()) as Answer;
  } catch {
    throw new ApiError(`The server answered ${res.status}.`, res.status);
  }
  if (body.errors?.length) {
    const e = body.errors[0];
    const code = e.extensions?.code;
    throw new ApiError(e.message, code === "AU001" ? 401 : code === "PD001" ? 403 : 400, e.extensions ?? {});
  }
  if (!body.data) throw new ApiError("Empty answer from the server.", res.status);
  return body.data;
}

/** One guild of the server switcher (`GET /auth/guilds`). */
export interface SwitcherGuild {
  guildId: string;
  name: string;
  staffRole: StaffRole;
  selected: boolean;
}

/**
 * The guilds the signed-in staff member may switch to without signing in again (recorded at the
 * Discord sign-in; issue 14).
 *
 * @throws {ApiError} 401 when signed out.
 */
export async function listGuilds(): Promise<SwitcherGuild[]> {
  const res = await fetch("/auth/guilds", { credentials: "same-origin" });
  if (!res.ok) throw new ApiError(`guilds: HTTP ${res.status}`, res.status);
  return ((await res.json()) as { guilds: SwitcherGuild[] }).guilds;
}

/**
 * Moves the session to another guild (`POST /auth/guild`); the server re-checks the guild on every
 * request afterwards.
 *
 * @param guildId - the guild (snowflake).
 * @returns the session in the new guild.
 * @throws {ApiError} 403 `guild_not_permitted` (SW001) for a guild not granted at sign-in.
 */
export async function switchGuild(guildId: string): Promise<Session> {
  const res = await fetch("/auth/guild", {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json", ...(csrfToken ? { "x-csrf-token": csrfToken } : {}) },
    body: JSON.stringify({ guildId }),
  });
  const body = (await res.json().catch(() => ({}))) as { session?: Session; error?: string; message?: string };
  if (!res.ok || !body.session) throw new ApiError(body.message ?? body.error ?? `HTTP ${res.status}`, res.status);
  current = { ...body.session, displayName: current?.displayName ?? null } as Session;
  return current;
}
