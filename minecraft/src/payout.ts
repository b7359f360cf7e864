/**
 * In-game payouts: the `minecraft__payout` task (owned by this process; ARCHITECTURE.md "Jobs") and the
 * graphile-worker runner that runs only it. States (SQL, `app_public.minecraft_payouts`):
 * queued → sent → confirmed | failed. The claim queued → sent commits BEFORE `/pay` goes out, so
 * a payout is sent at most once whatever crashes; one without confirmation becomes failed with a
 * critical ops alert and is never resent automatically.
 */
import pg from "pg";
import { Logger as WorkerLogger, run, type LogFunctionFactory, type LogLevel, type Runner, type Task } from "graphile-worker";
import { z } from "zod";
import { withClaims, type Logger } from "@guildbank/lib";
import { formatAmount } from "./amount.ts";
import type { MinecraftConfig } from "./config.ts";
import type { Listener } from "./listener.ts";
import type { ListenerMetrics } from "./metrics.ts";

export const MINECRAFT_PAYOUT = "minecraft__payout";

/**
 * The payout task of one guild, `minecraft__payout/<guild id>`: the queue trigger names the payout's guild, and each
 * guild's listener registers only its own, so one guild's runner never claims another guild's payouts.
 *
 * @param guildId - the guild (snowflake, as text).
 * @returns the graphile-worker task identifier.
 */
export function payoutTaskFor(guildId: string): string {
  return `${MINECRAFT_PAYOUT}/${guildId}`;
}

const payloadSchema = z.object({ payout_id: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]) });

/** What the payout task needs. */
export interface PayoutContext {
  config: MinecraftConfig;
  listener: Listener;
  /** The authenticator pool; payout functions run as `coins_listener`. */
  pool: pg.Pool;
  logger: Logger;
  metrics?: ListenerMetrics;
}

/**
 * Builds the `minecraft__payout` task. Payload `{ payout_id }`. Steps:
 * 1. not logged in: throw (the job is retried with backoff; the payout is still queued, nothing sent);
 * 2. `app_hidden.payout_begin(id)` claims it (queued → sent, committed); no row: it was claimed
 *    before (sent, confirmed or failed), so nothing is sent and the job ends;
 * 3. start waiting for its confirmation, send `MINECRAFT_PAY_COMMAND` (`/pay <ign> <amount>`, amount
 *    from cents: `10.50`, `1500`);
 * 4. the listener records the confirmation line (`app_hidden.confirm_payout`: sent → confirmed,
 *    hold posted) and the task ends; after `MINECRAFT_PAYOUT_CONFIRM_TIMEOUT_MS` without one,
 *    `app_hidden.payout_unconfirmed` (sent → failed, critical ops alert). A shutdown while waiting
 *    leaves it sent: the sweep (`fail_stale_payouts`) fails it after twice the timeout.
 *
 * @param ctx - configuration, listener, pool, logger, metrics.
 * @returns the task.
 */
export function minecraftPayout(ctx: PayoutContext): Task {
  const { config, listener, pool, logger, metrics } = ctx;
  const claims = { role: "coins_listener" as const, guildId: config.MINECRAFT_GUILD_ID };
  return async (payload, helpers) => {
    const parsed = payloadSchema.safeParse(payload);
    if (!parsed.success) throw new Error(`${MINECRAFT_PAYOUT}: invalid payload`);
    const payoutId = String(parsed.data.payout_id);
    if (!listener.connected) throw new Error("not logged in to the Minecraft server: the payout stays queued");
    const claimed = await withClaims(pool, claims, async (c) => {
      const { rows } = await c.query<{ id: string; ign: string; amount: string }>(
        "select id::text, ign, amount::text from app_hidden.payout_begin($1)",
        [payoutId],
      );
      return rows[0];
    });
    if (!claimed) {
      logger.info({ payoutId }, "payout is not queued (claimed before): nothing sent");
      return;
    }
    const command = config.MINECRAFT_PAY_COMMAND.replace("{ign}", claimed.ign).replace("{amount}", formatAmount(BigInt(claimed.amount)));
    const confirmation = listener.waitForConfirmation(payoutId, config.MINECRAFT_PAYOUT_CONFIRM_TIMEOUT_MS, helpers.abortSignal);
    let failure: string | null = null;
    try {
      listener.sendCommand(command);
      metrics?.payouts.inc({ outcome: "sent" });
      logger.info({ payoutId, command }, "payout sent");
      if (!(await confirmation)) {
        if (helpers.abortSignal?.aborted) {
          logger.warn({ payoutId }, "shutdown while waiting for the payout's confirmation: left sent for the sweep");
          return;
        }
        failure = `no confirmation line within ${config.MINECRAFT_PAYOUT_CONFIRM_TIMEOUT_MS} ms`;
      }
    } catch (err) {
      failure = `sending failed: ${(err as Error).message}`;
    }
    if (failure) {
      await withClaims(pool, claims, (c) => c.query("select 1 from app_hidden.payout_unconfirmed($1, $2)", [payoutId, failure]));
      metrics?.payouts.inc({ outcome: "unconfirmed" });
      logger.error({ payoutId, failure }, "payout unconfirmed: failed, staff alerted, not resent");
    }
  };
}

/**
 * Adapts pino to graphile-worker's logger (levels error, warning → warn, info, debug).
 *
 * @param logger - the process logger.
 * @returns a graphile-worker Logger.
 */
function workerLogger(logger: Logger): WorkerLogger {
  const levels: Record<string, "error" | "warn" | "info" | "debug"> = { error: "error", warning: "warn", info: "info", debug: "debug" };
  return new WorkerLogger((scope: Parameters<LogFunctionFactory>[0]) => {
    const child = logger.child({ label: scope.label ?? "worker", ...(scope.taskIdentifier ? { task: scope.taskIdentifier } : {}) });
    return (level: LogLevel, message: string) => child[levels[level] ?? "info"](message);
  });
}

/** The running payout runner. */
export interface PayoutRunner {
  runner: Runner;
  /** Stops the runner, the sweep and the queue pool. */
  stop(): Promise<void>;
}

/**
 * Starts graphile-worker with only this guild's `minecraft__payout/<guild id>` (a runner claims only jobs it has a
 * task for, so the server's worker never runs payouts, this one runs nothing else, and another guild's listener
 * never claims this guild's payouts), one job at a
 * time (payout confirmations are matched by IGN and amount), plus the sweep: every minute
 * `app_hidden.fail_stale_payouts` fails payouts left sent for more than twice the confirmation
 * timeout (a crash while waiting). The queue connections act as `coins_worker`.
 *
 * @param ctx - as the task.
 * @param pollIntervalMs - graphile-worker's polling fallback, in milliseconds (default 1000).
 * @returns the runner.
 * @throws when graphile-worker cannot start (schema missing, database unreachable).
 */
export async function startPayoutRunner(ctx: PayoutContext, pollIntervalMs = 1000): Promise<PayoutRunner> {
  const queuePool = new pg.Pool({
    connectionString: ctx.config.DATABASE_URL,
    max: 4,
    application_name: "guildbank-minecraft-queue",
    onConnect: async (client) => {
      await client.query("set role coins_worker");
    },
  });
  // Both listeners also tell graphile-worker that the pool's errors are handled.
  queuePool.on("error", (err) => ctx.logger.warn({ err }, "idle queue database connection error"));
  queuePool.on("connect", (client) => {
    client.on("error", (err) => ctx.logger.warn({ err }, "queue database connection error"));
  });
  let runner: Runner;
  try {
    runner = await run({
      pgPool: queuePool,
      taskList: { [payoutTaskFor(ctx.config.MINECRAFT_GUILD_ID)]: minecraftPayout(ctx) },
      concurrency: 1,
      pollInterval: pollIntervalMs,
      noHandleSignals: true,
      logger: workerLogger(ctx.logger),
    });
  } catch (err) {
    await queuePool.end().catch(() => {});
    throw err;
  }
  const staleS = Math.max(60, Math.ceil((2 * ctx.config.MINECRAFT_PAYOUT_CONFIRM_TIMEOUT_MS) / 1000));
  const sweep = async () => {
    try {
      const n = await withClaims(ctx.pool, { role: "coins_listener", guildId: ctx.config.MINECRAFT_GUILD_ID }, async (c) => {
        const { rows } = await c.query<{ n: number }>("select app_hidden.fail_stale_payouts($1) as n", [staleS]);
        return rows[0].n;
      });
      if (n > 0) ctx.logger.error({ failed: n }, "payouts left sent without confirmation: failed, staff alerted");
    } catch (err) {
      ctx.logger.warn({ err }, "payout sweep failed");
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), 60_000);
  timer.unref();
  return {
    runner,
    async stop() {
      clearInterval(timer);
      await runner.stop().catch(() => {});
      await queuePool.end().catch(() => {});
    },
  };
}
