import { CURRENCIES, formatAmount } from "./money.ts";

/**
 * The catalogue of named database errors, mirroring `db/ERRORS.md` (a test keeps them in step).
 * Keys are SQLSTATEs; `message` is the human sentence with `{name}` placeholders filled from the
 * error's DETAIL JSON.
 */
export const ERRORS = {
  AU001: { key: "not_authenticated", message: "Sign in first: this action needs a guild member or staff session." },
  PD001: { key: "permission_denied", message: "Your role is not allowed to do that." },
  PD002: {
    key: "self_action_forbidden",
    message: "Staff cannot adjust, freeze or unfreeze their own account; ask another staff member.",
  },
  MB001: {
    key: "member_not_registered",
    message: "You have no account in this server yet: open the coin hub or claim your daily coins to start.",
  },
  MB002: { key: "member_not_found", message: "That member has no account in this server." },
  MB003: { key: "guild_not_found", message: "This server is not set up for Guildbank." },
  VL001: { key: "invalid_argument", message: "That value is not allowed for {argument}." },
  AM001: { key: "invalid_amount", message: "The amount must be a whole number of coins greater than zero." },
  NF001: { key: "insufficient_funds", message: "Not enough funds: this needs {needed} and you have {available}." },
  TR001: { key: "self_transfer", message: "You cannot send coins to yourself." },
  FZ001: { key: "account_frozen", message: "Your account is frozen; contact the staff." },
  FZ002: { key: "recipient_frozen", message: "That member's account is frozen and cannot receive coins." },
  FZ003: { key: "already_frozen", message: "That account is already frozen." },
  FZ004: { key: "not_frozen", message: "That account is not frozen." },
  CD001: { key: "cooldown_active", message: "You have already claimed today: come back at {next_claim_at}." },
  RL001: {
    key: "rate_limited",
    message: "Too many transfers: at most {limit} every {window_s} seconds. Try again shortly.",
  },
  RS001: { key: "reason_required", message: "Give a reason of at least 3 characters; it goes into the audit log." },
  IK001: { key: "idempotency_key_reused", message: "That request id was already used for a different request." },
  IK002: { key: "idempotency_key_invalid", message: "A request id (1 to 255 characters) is required." },
  LG001: { key: "ledger_violation", message: "The ledger refused an inconsistent movement; nothing was changed." },
  LG002: { key: "hold_already_resolved", message: "That escrow has already been settled or returned." },
  LG003: { key: "hold_expired", message: "That escrow has expired and can only be returned." },
  AM002: { key: "invalid_quantity", message: "The quantity must be a whole number from 1 to 1,000,000." },
  RW001: { key: "reward_not_found", message: "There is no such item in this server's shop." },
  RW002: { key: "reward_expired", message: "That item is no longer sold (it expired at {expired_at})." },
  RW003: { key: "out_of_stock", message: "Not enough stock: {available} left." },
  RW004: {
    key: "purchase_limit_reached",
    message: "You can buy at most {limit} of this item per {period}; you already have {already}.",
  },
  RW005: { key: "not_tradable", message: "That item cannot be traded on the marketplace." },
  IN001: { key: "insufficient_inventory", message: "You own {have} of that item and need {needed}." },
  FL001: { key: "below_price_floor", message: "That price is below the floor of {floor} coins (reference price {reference})." },
  MK001: { key: "listing_not_found", message: "That listing does not exist in this server." },
  MK002: { key: "listing_not_active", message: "That listing is no longer for sale ({status})." },
  MK003: { key: "self_purchase", message: "You cannot buy your own listing." },
  MK004: { key: "quantity_unavailable", message: "Only {available} left in that listing." },
  MK005: { key: "below_min_per_buyer", message: "This listing sells at least {min} per purchase." },
  MK006: { key: "above_max_per_buyer", message: "This listing sells at most {max} per buyer; you already bought {already}." },
  MK008: { key: "invalid_expiry", message: "A listing lasts from 1 to {max_hours} hours." },
  MK010: { key: "invalid_buyer_limits", message: "Per-buyer limits must satisfy 1 <= min <= quantity and min <= max." },
  OR001: { key: "order_not_found", message: "That order does not exist in this server." },
  OR002: { key: "order_not_pending", message: "That order is already {status}." },
  OR003: { key: "fulfilment_unconfirmed", message: "That order cannot be marked delivered without the delivery's confirmation." },
  QS001: { key: "quest_not_found", message: "That quest is not open in this server." },
  QS002: { key: "quest_cooldown", message: "You have already tried this quest: try again at {next_attempt_at}." },
  QS003: { key: "answer_required", message: "Give an answer to the quest." },
  EV001: { key: "invalid_event_window", message: "An event must end after it starts, in the future, and last at most {max_days} days." },
  EV002: { key: "event_overlap", message: "Another {kind} event (#{event_id}) runs during that time; stop it first." },
  EV003: { key: "event_not_found", message: "That event does not exist in this server." },
  EV004: { key: "event_over", message: "That event has already ended or been stopped." },
  MC001: { key: "invalid_ign", message: "That is not a Minecraft name: 3 to 16 letters, digits or underscores." },
  MC002: { key: "ign_taken", message: "That Minecraft name is already linked to another member." },
  MC003: { key: "ign_not_linked", message: "Link your Minecraft name first: payouts go to your linked name." },
  PY001: { key: "invalid_payment", message: "That payment cannot be recorded ({why})." },
  PY002: { key: "payout_not_found", message: "That payout does not exist in this server." },
  PY003: {
    key: "payout_not_resolvable",
    message: "That payout is {status}: only an unconfirmed payout still in escrow can be resolved.",
  },
  PY004: { key: "payment_not_found", message: "That payment does not exist in this server." },
  PY005: { key: "payment_not_unmatched", message: "That payment is already {status}; only unmatched payments can be assigned." },
  MM001: { key: "mm_trade_not_found", message: "That middleman trade does not exist in this server." },
  MM002: { key: "illegal_transition", message: "Trade {trade} is {status}: it cannot {action} now." },
  MM003: { key: "not_a_party", message: "Only the parties of trade {trade} can do that." },
  MM004: { key: "sale_out_of_range", message: "The sale amount must be between {min} and {max} (MCD cents)." },
  MM005: { key: "too_many_live_trades", message: "At most {limit} middleman trades can be open at once per member." },
  MM006: { key: "trade_rate_limited", message: "At most {limit} middleman trades per hour: try again in {retry_after_s} seconds." },
  MM007: { key: "scam_flag_limit", message: "At most {limit} scam reports per day; contact the staff directly." },
  MM008: { key: "already_flagged", message: "You already marked trade {trade} as scammed; the staff have been told." },
  MM009: { key: "amounts_exhausted", message: "No free verification amount is left right now; try again in a few minutes." },
  MM010: { key: "invalid_counterparty", message: "Tag the member you trade with (not yourself and not a bot) first." },
  MM011: { key: "ign_mismatch", message: "The Minecraft name {ign} cannot be used for this party ({why})." },
  MM012: { key: "buyer_only", message: "Only the buyer of trade {trade} can confirm delivery." },
  MM013: { key: "invalid_split", message: "A split gives the buyer more than 0 and less than the deposit ({deposit})." },
  MM014: { key: "withdraw_out_of_range", message: "A withdrawal must be between {min} and {max} (MCD cents)." },
  MM015: { key: "withdraw_daily_limit", message: "You can withdraw at most {limit} (MCD cents) a day; try again in {retry_after_s} seconds." },
  LK001: { key: "link_in_use", message: "Your Minecraft name {ign} is still needed by {used_by}: unlink it after that ends." },
  LK002: { key: "unlink_rate_limited", message: "You can unlink once a day: try again in {retry_after_s} seconds." },
  PY006: { key: "payment_not_to_bot", message: "That payment was not made to the bot's account ({bot_ign})." },
  VC001: { key: "voucher_not_found", message: "That voucher code does not exist." },
  VC002: { key: "voucher_already_redeemed", message: "That voucher was already redeemed." },
  VC003: { key: "voucher_expired", message: "That voucher has expired or its order was refunded." },
  VC004: { key: "not_a_voucher_order", message: "That order is not delivered by voucher." },
  WH001: { key: "webhook_replayed", message: "That webhook delivery was already received." },
  WH002: { key: "webhook_stale", message: "That webhook's timestamp is outside the {window_s}-second window." },
  TX001: { key: "transaction_not_found", message: "That transaction does not exist in this server." },
  TK001: { key: "task_not_found", message: "That task is not open in this server." },
  TK002: { key: "task_full", message: "Every slot of that task is taken ({max_claims})." },
  TK003: { key: "task_expired", message: "That task closed at {expired_at}." },
  TK004: { key: "task_not_assigned", message: "That task is assigned to other members." },
  TK005: { key: "task_already_claimed", message: "You already have that task ({status})." },
  TK006: { key: "task_limit_reached", message: "You have {active} tasks on the go; the limit is {limit}. Finish one first." },
  TK007: { key: "task_role_required", message: "That task needs a role you do not have (claim it in Discord)." },
  TK008: { key: "claim_not_found", message: "No claim of that task was found (claim it first)." },
  TK009: { key: "claim_wrong_status", message: "That claim is already {status}." },
  TK010: { key: "claim_overdue", message: "The deadline of that claim passed at {deadline}." },
  TK011: { key: "proof_required", message: "This task needs proof: write what you did or attach a file." },
  TK012: { key: "task_claims_closed", message: "Members cannot claim tasks in this server right now." },
  TK013: { key: "self_review", message: "You cannot review your own task; ask another staff member." },
  AN001: { key: "announcement_not_found", message: "That announcement does not exist in this server." },
  IV001: { key: "item_not_found", message: "There is no item {sku} in this server." },
  IV002: { key: "item_not_usable", message: "{name} is not something you can use: it has no /use effect." },
  NT001: { key: "unknown_notification", message: "There is no notification called {kind}." },
  SN001: { key: "season_already_active", message: "{name} is still running (until {ends_at}): end it first." },
  SN002: { key: "no_active_season", message: "No season is running in this server." },
  SN003: { key: "invalid_season_length", message: "A season lasts 1 to 366 days." },
  SN004: { key: "season_not_found", message: "That season does not exist in this server." },
  CC001: { key: "custom_command_not_found", message: "There is no command called {name} here." },
  RC001: { key: "record_not_found", message: "That {subject} does not exist in this server." },
  DB001: {
    key: "database_unavailable",
    message: "The service is briefly unavailable: try again in {retry_after_s} seconds with the same request id (it is carried out at most once).",
  },
  CA001: { key: "card_not_found", message: "You do not own that card, or it no longer exists." },
  CA003: { key: "card_locked", message: "That card is locked: unlock it first." },
  CA004: { key: "card_temporary", message: "Temporary event cards cannot be sold or traded." },
  CA005: { key: "card_listed", message: "That card is listed on the market: cancel the listing first." },
  CA006: { key: "template_not_found", message: "There is no card {public_id} in this server." },
  CA007: { key: "pack_not_found", message: "There is no pack {pack} in this server." },
  CA008: { key: "pack_not_available", message: "The pack {pack} cannot be opened now." },
  CA009: { key: "currency_not_used", message: "{currency} cannot be used for that in this server." },
  CA010: { key: "invalid_drop_rates", message: "Drop rates must add up to exactly 100 % (these add up to {total_bp} basis points)." },
  CA011: { key: "pack_already_picked", message: "You already picked your card from this pack." },
  CA012: { key: "opening_not_found", message: "That pack does not exist or is not yours." },
  CA013: { key: "invalid_slot", message: "That pack has no card in that position." },
  CA014: { key: "empty_catalogue", message: "This server has no cards to draw yet: ask the staff to add some." },
  CA015: { key: "no_free_pack", message: "You have used your {allowed} free {pack} packs today: pay with a currency instead." },
  CA016: { key: "draw_not_found", message: "That draw does not exist in this server." },
  CD002: { key: "card_cooldown_active", message: "You can use /{command} again at {next_at}." },
  FS001: { key: "seed_not_revealed", message: "That draw's server seed is still in use; it is revealed when the staff rotate it (hash {seed_hash})." },
  TD001: { key: "trade_not_found", message: "That trade does not exist or is not yours." },
  TD002: { key: "trade_not_open", message: "That trade is already {status}." },
  TD003: { key: "trade_changed", message: "The trade changed since you looked at it: review version {version} and confirm again." },
  TD004: { key: "self_trade", message: "You cannot trade with yourself." },
  TD005: { key: "empty_trade", message: "A trade needs at least one card or amount." },
  CA017: { key: "artist_not_found", message: "That artist does not exist in this server." },
  CA018: { key: "artist_has_owned_cards", message: "Members own {copies} cards of that artist: delete those cards first." },
  XD001: { key: "self_data_transfer", message: "You cannot transfer your data to your own account." },
  XD002: { key: "nothing_to_transfer", message: "You have no cards, wishlist or balances to transfer." },
  XD003: { key: "transfer_pending", message: "You already have a data transfer waiting ({transfer_id}): cancel it first." },
  XD004: { key: "transfer_not_found", message: "That data transfer does not exist or is not yours." },
  XD005: { key: "transfer_wrong_status", message: "That data transfer is already {status}." },
  XD006: { key: "transfer_blocked", message: "Close the {listings} card listing(s) and {trades} open trade(s) of the account first." },
  XD007: { key: "target_not_empty", message: "The target account now holds cards or money: its owner must agree to a merge (request again)." },
  XD008: { key: "target_unavailable", message: "That account cannot receive a data transfer (it is frozen or a bot)." },
  CG001: { key: "catalogue_run_not_found", message: "That catalogue run does not exist." },
  CG002: { key: "catalogue_image_not_found", message: "That catalogue image does not exist in this server." },
  CG003: { key: "catalogue_image_not_reviewable", message: "That image cannot be reviewed now (it is {status})." },
  CG004: { key: "catalogue_licence_unusable", message: "That image has no licence that allows its use on a card ({licence})." },
  CG005: { key: "catalogue_image_has_template", message: "A card template already uses that image: it cannot be rejected or moved to another era." },
  FT001: { key: "feature_disabled", message: "The {feature} feature is switched off in this server." },
  SW001: { key: "guild_not_permitted", message: "You are not staff of that server in this session: sign in again if your roles changed." },
  AR001: {
    key: "archive_cutoff_too_recent",
    message: "Only transactions older than 30 days can be archived (the latest cutoff allowed is {latest_allowed}).",
  },
  AR002: { key: "ledger_unverifiable", message: "Archiving was refused: the ledger would not verify ({violations} violations)." },
  IA001: { key: "member_not_deactivated", message: "That member is active: there is nothing to reactivate." },
  IA002: { key: "member_already_deactivated", message: "That member is already deactivated." },
} as const satisfies Record<string, { key: string; message: string }>;

/** A SQLSTATE listed in `db/ERRORS.md`. */
export type ErrorCode = keyof typeof ERRORS;

/** A named application error, decoded from a PostgreSQL error. */
export interface AppError {
  /** The SQLSTATE, e.g. `NF001`. */
  code: ErrorCode;
  /** The stable key, e.g. `insufficient_funds`. */
  key: string;
  /** The parameters from the exception's DETAIL. */
  detail: Record<string, unknown>;
  /** The human sentence, parameters substituted. */
  message: string;
}

/** True when `code` is one of our named SQLSTATEs. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.hasOwn(ERRORS, code);
}

/**
 * Fills `{name}` placeholders of a catalogue message from a detail object; amounts
 * ({@link AMOUNT_PARAMETERS}) with the DETAIL's currency, its scale and unit (`1,500.00 MCD`, `30 coins`).
 *
 * @param code - a catalogue SQLSTATE.
 * @param detail - the parameters (missing ones render as `?`).
 * @returns the human sentence.
 */
export function renderError(code: ErrorCode, detail: Record<string, unknown> = {}): string {
  return ERRORS[code].message.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = detail[name];
    if (v === undefined || v === null) return "?";
    if (AMOUNT_PARAMETERS.has(name) && (typeof v === "number" || typeof v === "string") && /^-?\d+$/.test(String(v))) {
      // An amount in minor units of the detail's currency (COIN when it names none): shown at its scale, with its unit.
      const currency = typeof detail.currency === "string" && CURRENCIES[detail.currency] ? detail.currency : "COIN";
      return formatAmount(String(v), currency);
    }
    return String(v);
  });
}

/** Parameters of catalogue messages that are amounts in minor units (of the DETAIL's `currency`). */
export const AMOUNT_PARAMETERS: ReadonlySet<string> = new Set(["needed", "available"]);

/**
 * Decodes an error thrown by node-postgres into an {@link AppError} when it is one of ours.
 *
 * @param err - anything caught (a `pg` `DatabaseError` has `code`, `message`, `detail`).
 * @returns the decoded error, or `null` for any other error (which callers must mask).
 */
export function decodeDbError(err: unknown): AppError | null {
  if (!err || typeof err !== "object") return null;
  const e = err as { code?: unknown; detail?: unknown };
  if (!isErrorCode(e.code)) return null;
  let detail: Record<string, unknown> = {};
  if (typeof e.detail === "string" && e.detail.startsWith("{")) {
    try {
      detail = JSON.parse(e.detail) as Record<string, unknown>;
    } catch {
      detail = {};
    }
  }
  return { code: e.code, key: ERRORS[e.code].key, detail, message: renderError(e.code, detail) };
}

/**
 * SQLSTATEs of failures that say nothing about the request: the connection was lost or refused,
 * the server is shutting down or starting up, a timeout or lock timeout cancelled the statement,
 * or a serialisation failure or deadlock aborted the transaction. In every case the transaction
 * was rolled back (or, for a connection lost during `COMMIT`, its outcome is unknown): repeating
 * the request with the same idempotency key is safe and does it at most once.
 */
const TRANSIENT_SQLSTATES = new Set([
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "53300", // too_many_connections
  "55P03", // lock_not_available (lock_timeout)
  "57014", // query_canceled (statement_timeout)
  "57P01", // admin_shutdown (fast shutdown, pg_terminate_backend)
  "57P02", // crash_shutdown (another backend crashed: PostgreSQL resets every session)
  "57P03", // cannot_connect_now (starting up, shutting down, in recovery)
  "57P05", // idle_session_timeout
  "25P03", // idle_in_transaction_session_timeout
]);

/** Socket-level error codes of node (the database host refused, reset or dropped the connection). */
const TRANSIENT_SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ENOTFOUND"]);

/** node-postgres's messages for a connection it lost or could not open in time (these carry no code). */
const TRANSIENT_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
  /^Query read timeout/,
  /^Connection is closed/,
];

/**
 * Whether an error is a transient database failure ({@link TRANSIENT_SQLSTATES}: lost or refused
 * connections, shutdown, start-up, timeouts, serialisation failures, deadlocks), after which the
 * same request, with the same idempotency key, may simply be repeated. Follows `cause` and
 * `originalError` chains (GraphQL and grafast wrap the database error).
 *
 * @param err - anything caught.
 * @returns true for a transient failure; false for named errors, bugs and everything else.
 */
export function isTransientDbError(err: unknown): boolean {
  let e: unknown = err;
  for (let i = 0; e && typeof e === "object" && i < 6; i++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === "string") {
      if (TRANSIENT_SQLSTATES.has(code) || code.startsWith("08") || TRANSIENT_SOCKET_CODES.has(code)) return true;
    }
    if (typeof message === "string" && TRANSIENT_MESSAGES.some((m) => m.test(message))) return true;
    const next = (e as { originalError?: unknown; cause?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
    if (next === e) break;
    e = next;
  }
  return false;
}

/** Seconds a client should wait before repeating a request refused by a transient failure. */
export const TRANSIENT_RETRY_AFTER_S = 2;

/**
 * The named error (DB001 `database_unavailable`) that answers a transient database failure: the
 * HTTP layer sends it with status 503 and `Retry-After`.
 *
 * @param retryAfterS - the suggested wait in seconds (default {@link TRANSIENT_RETRY_AFTER_S}).
 */
export function databaseUnavailable(retryAfterS = TRANSIENT_RETRY_AFTER_S): AppError {
  const detail = { retry_after_s: retryAfterS };
  return { code: "DB001", key: ERRORS.DB001.key, detail, message: renderError("DB001", detail) };
}
