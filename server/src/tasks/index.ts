/**
 * The server's task list (ARCHITECTURE.md "Jobs": the server owns every task but `discord__*` and
 * `minecraft__*`). One file per task, `<table>__<action>.ts`; each re-reads its rows and does
 * nothing when the work is already done.
 */
import type { TaskList } from "graphile-worker";
import type { TaskContext } from "./context.ts";
import { recordJobRun } from "../metrics/worker.ts";
import { ALERTS_NOTIFY, alertsNotify, type AlertsNotifyContext } from "./alerts__notify.ts";
import { CARDS_EXPIRE, cardsExpire } from "./cards__expire.ts";
import { CARDS_REWARDS, cardsRewards } from "./cards__rewards.ts";
import { DIGEST_DAILY, digestDaily } from "./digest__daily.ts";
import { LEADERBOARD_REFRESH, leaderboardRefresh } from "./leaderboard__refresh.ts";
import { LEDGER_VERIFY, ledgerVerify } from "./ledger__verify.ts";
import { LISTINGS_EXPIRE, listingsExpire } from "./listings__expire.ts";
import { MM_EXPIRE, mmExpire } from "./mm__expire.ts";
import { ORDERS_ESCROW_TIMEOUT, ordersEscrowTimeout } from "./orders__escrow_timeout.ts";
import { ORDERS_FULFIL, ordersFulfil } from "./orders__fulfil.ts";
import { PRICING_ROLLUP, pricingRollup } from "./pricing__rollup.ts";
import { PURGE_EXPIRED, purgeExpired } from "./purge__expired.ts";
import { TASKS_EXPIRE, tasksExpire } from "./tasks__expire.ts";
import { MESSAGES_SYNC, messagesSync } from "./messages__sync.ts";
import { ANNOUNCEMENTS_PUBLISH, announcementsPublish } from "./announcements__publish.ts";
import { ROLE_GRANTS_EXPIRE, roleGrantsExpire } from "./role_grants__expire.ts";
import { SEASONS_ROLLOVER, seasonsRollover } from "./seasons__rollover.ts";
import { BADGES_AWARD, badgesAward } from "./badges__award.ts";
import { CATALOGUE_INGEST_ARTIST, CATALOGUE_WEEKLY_SYNC, catalogueIngestArtist, catalogueWeeklySync } from "./catalogue__ingest_artist.ts";

export type { TaskContext } from "./context.ts";
export { cronMatches } from "./leaderboard__refresh.ts";
export { digestDay } from "./digest__daily.ts";
export { DELIVERY_MARGIN_MS, readOrder } from "./orders__fulfil.ts";
export { ALERTS_NOTIFY, ALERTS_SUMMARY_JOB_KEY, alertsNotify, type AlertsNotifyContext } from "./alerts__notify.ts";

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
  TASKS_EXPIRE,
  MESSAGES_SYNC,
  ANNOUNCEMENTS_PUBLISH,
  CARDS_EXPIRE,
  CARDS_REWARDS,
  MM_EXPIRE,
  ROLE_GRANTS_EXPIRE,
  SEASONS_ROLLOVER,
  BADGES_AWARD,
  CATALOGUE_INGEST_ARTIST,
  CATALOGUE_WEEKLY_SYNC,
] as const;

/** A task identifier of the server's worker. */
export type TaskIdentifier = (typeof TASK_IDENTIFIERS)[number];

/**
 * Builds the task list handed to graphile-worker (a runner only claims jobs it has a task for).
 *
 * The periodic (crontab) tasks are wrapped by `recordJobRun`: each successful run is recorded in
 * `app_hidden.job_runs` (what /metrics reports as freshness). `alerts__notify` is registered too
 * (it is queued by a trigger, not by the crontab).
 *
 * @param ctx - adapters, refund batch size, test hook, and the alert webhook (`alerts`).
 * @returns identifier → task function.
 */
export function createTaskList(
  ctx: TaskContext & { alerts?: AlertsNotifyContext },
): TaskList & Record<TaskIdentifier | typeof ALERTS_NOTIFY, NonNullable<TaskList[string]>> {
  return {
    [ORDERS_FULFIL]: ordersFulfil(ctx),
    [ORDERS_ESCROW_TIMEOUT]: recordJobRun(ORDERS_ESCROW_TIMEOUT, ordersEscrowTimeout(ctx)),
    [LISTINGS_EXPIRE]: recordJobRun(LISTINGS_EXPIRE, listingsExpire()),
    [CARDS_EXPIRE]: recordJobRun(CARDS_EXPIRE, cardsExpire()),
    [CARDS_REWARDS]: recordJobRun(CARDS_REWARDS, cardsRewards()),
    [PRICING_ROLLUP]: recordJobRun(PRICING_ROLLUP, pricingRollup()),
    [LEADERBOARD_REFRESH]: recordJobRun(LEADERBOARD_REFRESH, leaderboardRefresh()),
    [LEDGER_VERIFY]: recordJobRun(LEDGER_VERIFY, ledgerVerify()),
    [DIGEST_DAILY]: recordJobRun(DIGEST_DAILY, digestDaily()),
    [PURGE_EXPIRED]: recordJobRun(PURGE_EXPIRED, purgeExpired()),
    [MM_EXPIRE]: recordJobRun(MM_EXPIRE, mmExpire()),
    [TASKS_EXPIRE]: recordJobRun(TASKS_EXPIRE, tasksExpire()),
    [MESSAGES_SYNC]: recordJobRun(MESSAGES_SYNC, messagesSync()),
    [ANNOUNCEMENTS_PUBLISH]: recordJobRun(ANNOUNCEMENTS_PUBLISH, announcementsPublish()),
    [ROLE_GRANTS_EXPIRE]: recordJobRun(ROLE_GRANTS_EXPIRE, roleGrantsExpire()),
    [SEASONS_ROLLOVER]: recordJobRun(SEASONS_ROLLOVER, seasonsRollover()),
    [BADGES_AWARD]: recordJobRun(BADGES_AWARD, badgesAward()),
    [ALERTS_NOTIFY]: alertsNotify(ctx.alerts),
    [CATALOGUE_INGEST_ARTIST]: catalogueIngestArtist(ctx.catalogue, ctx.logger),
    [CATALOGUE_WEEKLY_SYNC]: recordJobRun(CATALOGUE_WEEKLY_SYNC, catalogueWeeklySync(ctx.catalogue, ctx.logger)),
  };
}
