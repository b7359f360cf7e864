import type { Logger as WorkerLogger } from "graphile-worker";

/** How a purchase is delivered (`app_public.fulfilment_kind`). */
export type FulfilmentKind = "none" | "api" | "voucher";

/** Every fulfilment kind, in the enum's order. */
export const FULFILMENT_KINDS: readonly FulfilmentKind[] = ["none", "api", "voucher"];

/** One line of an order, with what the catalogue says about its item. */
export interface FulfilmentLine {
  sku: string;
  /** Units bought. */
  qty: number;
  /** Coins per unit (decimal string: bigint). */
  unitPrice: string;
  /** The listing, for marketplace orders; null for shop orders. */
  listingId: string | null;
  /** `app_public.reward_category`: money, rank, cosmetic, voucher. */
  category: string;
  /** The reward's delivery payload (`rewards.payload`, e.g. a server command template). */
  payload: Record<string, unknown>;
}

/** An order as `app_hidden.order_for_fulfilment` returns it (re-read by every attempt). */
export interface FulfilmentOrder {
  orderId: string;
  /** Guild snowflake (decimal string). */
  guildId: string;
  kind: "shop" | "market";
  status: "pending" | "fulfilled" | "refunded" | "cancelled";
  fulfilment: FulfilmentKind;
  /** The buyer's Discord snowflake (decimal string). */
  buyerDiscordId: string;
  /** The seller's Discord snowflake for marketplace orders, else null. */
  sellerDiscordId: string | null;
  /** Coins held in escrow for the order (decimal string: bigint). */
  escrow: string;
  /** The escrow timeout: after it the order can only be refunded. */
  expiresAt: Date;
  /** Failed attempts recorded so far (`orders.fulfilment_attempts`). */
  fulfilmentAttempts: number;
  lines: FulfilmentLine[];
}

/** What an adapter gets besides the order. */
export interface AdapterContext {
  /** This attempt's number, 1-based (graphile-worker's `job.attempts`). */
  attempt: number;
  /** The job's attempt limit (`job.max_attempts`, 8 for orders). */
  maxAttempts: number;
  /** Aborted when the worker shuts down: stop waiting and throw. */
  signal: AbortSignal;
  /** The job's logger (scoped to the job). */
  logger: WorkerLogger;
  /**
   * Runs one statement as `coins_worker` (graphile-worker's `helpers.query`), for adapters that
   * read or write through `app_hidden` functions (the voucher's code, the buyer's IGN).
   */
  query?: <R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<{ rows: R[] }>;
}

/**
 * Delivers the goods of one fulfilment kind. `orders__fulfil` calls `deliver` for a pending order
 * (for `api` and `voucher` only while its escrow has more than a minute left); when it resolves,
 * the task settles the order with `app_hidden.fulfil_order(order_id, delivery_ref)` (escrow
 * posted, goods in the buyer's inventory, `settle_reason` = `delivered: <ref>`). When it throws,
 * the task records the failure (`app_hidden.record_fulfilment_failure`) and graphile-worker
 * retries with exponential backoff; the escrow timeout refunds orders that never get delivered.
 *
 * Contract for implementations (the Minecraft issue's `api` and `voucher`):
 * - resolve only once the goods are delivered (or the voucher issued), with a non-empty
 *   reference proving it (the API's transaction id, the voucher's id): the database refuses to
 *   fulfil an `api` or `voucher` order without one (OR003 fulfilment_unconfirmed, recorded as a
 *   failed attempt and retried);
 * - be idempotent per `order.orderId`: the same order may be delivered again after a crash or a
 *   failed settlement (key the external effect by the order id, or look it up first and return
 *   the existing reference);
 * - honour `context.signal` (shutdown) and throw rather than hang.
 */
export interface FulfilmentAdapter {
  /** The kind this adapter delivers. */
  readonly kind: FulfilmentKind;
  /**
   * Delivers `order`.
   *
   * @param order - the re-read, pending order.
   * @param context - attempt number, abort signal, logger.
   * @returns the delivery reference (at most 200 characters are kept); null only for kind `none`.
   * @throws any error when delivery failed (the attempt is recorded and retried).
   */
  deliver(order: FulfilmentOrder, context: AdapterContext): Promise<string | null>;
}

/** The adapter of every fulfilment kind. */
export type FulfilmentAdapters = Record<FulfilmentKind, FulfilmentAdapter>;

/** Thrown by the adapter of a kind this worker is not configured to deliver (e.g. `api` without MINECRAFT_API_URL). */
export class FulfilmentNotConfiguredError extends Error {
  readonly kind: FulfilmentKind;
  constructor(kind: FulfilmentKind) {
    super(`fulfilment kind '${kind}' is not configured on this worker`);
    this.name = "FulfilmentNotConfiguredError";
    this.kind = kind;
  }
}

/**
 * Thrown by an adapter whose delivery continues outside the job: the order stays pending and the
 * job ends without a failure (the voucher: issued now, delivered when the signed redeem webhook
 * fulfils it; refunded by the escrow timeout, `VOUCHER_TIMEOUT_H`, when never redeemed).
 */
export class FulfilmentDeferred extends Error {
  /** What was handed over, for the logs: never a secret (e.g. `voucher-order:<order id>`, not the code). */
  readonly reference: string;
  constructor(reference: string, message: string) {
    super(message);
    this.name = "FulfilmentDeferred";
    this.reference = reference;
  }
}

/**
 * Thrown by an adapter that gave up for good (its own retries exhausted, or a delivery that can
 * never succeed): `orders__fulfil` refunds the order at once
 * (`app_hidden.refund_undeliverable_order`, with an ops alert) instead of retrying.
 */
export class FulfilmentFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FulfilmentFailedError";
  }
}

/** `none`: nothing to deliver outside the database; `app_hidden.fulfil_order` puts the goods in the inventory. */
export const noneAdapter: FulfilmentAdapter = {
  kind: "none",
  async deliver() {
    return null;
  },
};

/**
 * The adapter of a kind this worker cannot deliver: every delivery fails (recorded on the order,
 * retried with backoff, alerted at the last attempt, then refunded by the escrow timeout).
 *
 * @param kind - the fulfilment kind.
 * @returns an adapter whose `deliver` throws {@link FulfilmentNotConfiguredError}.
 */
export function notConfiguredAdapter(kind: FulfilmentKind): FulfilmentAdapter {
  return {
    kind,
    async deliver() {
      throw new FulfilmentNotConfiguredError(kind);
    },
  };
}

/**
 * Builds the adapter registry: `none` delivers nothing (the database does it); `api` and
 * `voucher` fail as not configured unless `overrides` provide them (the worker passes the
 * Minecraft adapters of `server/src/fulfilment`: `voucher` always, `api` when MINECRAFT_API_URL
 * is set).
 *
 * @param overrides - adapters by kind (each must report the kind it is registered under).
 * @returns one adapter per fulfilment kind.
 * @throws {Error} when an override's `kind` differs from its key.
 */
export function createAdapterRegistry(overrides: Partial<FulfilmentAdapters> = {}): FulfilmentAdapters {
  const registry: FulfilmentAdapters = {
    none: noneAdapter,
    api: notConfiguredAdapter("api"),
    voucher: notConfiguredAdapter("voucher"),
  };
  for (const kind of FULFILMENT_KINDS) {
    const adapter = overrides[kind];
    if (!adapter) continue;
    if (adapter.kind !== kind) throw new Error(`the adapter registered for '${kind}' reports kind '${adapter.kind}'`);
    registry[kind] = adapter;
  }
  return registry;
}
