/**
 * The server's task list (DESIGN.md "Jobs": the server owns every task but `discord__*` and
 * `minecraft__*`). One file per task, `<table>__<action>.ts`; each re-reads its rows and does
 * nothing when the work is already done.
 */
import type { TaskList } from "graphile-worker";
import type { TaskContext } from "./context.ts";
import { DIGEST_DAILY, digestDaily } from "./digest__daily.ts";
import { LEADERBOARD_REFRESH, leaderboardRefresh } from "./leaderboard__refresh.ts";
import { LEDGER_VERIFY, ledgerVerify } from "./ledger__verify.ts";
import { LISTINGS_EXPIRE, listingsExpire } from "./listings__expire.ts";
import { ORDERS_ESCROW_TIMEOUT, ordersEscrowTimeout } from "./orders__escrow_timeout.ts";
import { ORDERS_FULFIL, ordersFulfil } from "./orders__fulfil.ts";
import { PRICING_ROLLUP, pricingRollup } from "./pricing__rollup.ts";
import { PURGE_EXPIRED, purgeExpired } from "./purge__expired.ts";

export type { TaskContext } from "./context.ts";
export { cronMatches } from "./leaderboard__refresh.ts";
export { digestDay } from "./digest__daily.ts";
export { DELIVERY_MARGIN_MS, readOrder } from "./orders__fulfil.ts";

/** Every task identifier this process runs. */
export const TASK_IDENTIFIERS = [
  ORDERS_FULFIL,
  ORDERS_ESCROW_TIMEOUT,
  LISTINGS_EXPIRE,
  PRICING_ROLLUP,
  LEADERBOARD_REFRESH,
  LEDGER_VERIFY,
  DIGEST_DAILY,
  PURGE_EXPIRED,
] as const;

/** A task identifier of the server's worker. */
export type TaskIdentifier = (typeof TASK_IDENTIFIERS)[number];

/**
 * Builds the task list handed to graphile-worker (a runner only claims jobs it has a task for).
 *
 * @param ctx - adapters, refund batch size, test hook.
 * @returns identifier → task function.
 */
export function createTaskList(ctx: TaskContext): TaskList & Record<TaskIdentifier, NonNullable<TaskList[string]>> {
  return {
    [ORDERS_FULFIL]: ordersFulfil(ctx),
    [ORDERS_ESCROW_TIMEOUT]: ordersEscrowTimeout(ctx),
    [LISTINGS_EXPIRE]: listingsExpire(),
    [PRICING_ROLLUP]: pricingRollup(),
    [LEADERBOARD_REFRESH]: leaderboardRefresh(),
    [LEDGER_VERIFY]: ledgerVerify(),
    [DIGEST_DAILY]: digestDaily(),
    [PURGE_EXPIRED]: purgeExpired(),
  };
}
