/**
 * The in-game listener (ARCHITECTURE.md "Processes": minecraft/): a mineflayer bot logged into the
 * server, reconnecting with backoff after kicks and network loss. Every system-chat line (never a
 * player's chat message, whatever it looks like) that
 * matches a payment pattern becomes one `app_hidden.record_payment` call (as `coins_listener`),
 * every payout confirmation line one `app_hidden.confirm_payout` call; the rules are in SQL.
 */
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import mineflayer, { type Bot, type BotOptions } from "mineflayer";
import type pg from "pg";
import { decodeDbError, withClaims, type Logger } from "@guildbank/lib";
import type { MinecraftConfig } from "./config.ts";
import { compilePatterns, matchLine } from "./lines.ts";
import type { ListenerMetrics } from "./metrics.ts";

/** A payment row as `app_hidden.record_payment` returns it. */
export interface RecordedPayment {
  id: string;
  status: "credited" | "unmatched" | "duplicate";
  payerIgn: string;
  /** Cents of MCD (decimal string: bigint). */
  amount: string;
  source: string;
  deliveryKey: string;
  /** When the listener received the line. */
  seenAt: Date;
}

/** What {@link createListener} needs. */
export interface ListenerOptions {
  config: MinecraftConfig;
  /** A pool on the authenticator (`DATABASE_URL`); calls switch to `coins_listener` per transaction. */
  pool: pg.Pool;
  logger: Logger;
  metrics?: ListenerMetrics;
  /** Replaces `mineflayer.createBot` (tests). */
  createBot?: (options: BotOptions) => Bot;
}

/** A running listener. */
export interface Listener {
  /** Events: `connected` (sessionId), `disconnected` (reason), `payment` (RecordedPayment), `payout-confirmed` (payout id, string). */
  readonly events: EventEmitter;
  /** Whether the bot is logged in now. */
  readonly connected: boolean;
  /** The current Minecraft session's id (a uuid per login), or null. */
  readonly sessionId: string | null;
  /** Lines matched but not yet recorded. */
  readonly pending: number;
  /** Connects (and keeps reconnecting until {@link Listener.stop}). */
  start(): void;
  /**
   * Sends a chat command through the bot (`/pay …`: a `chat_command` packet from 1.19 on).
   *
   * @throws {Error} when the bot is not connected.
   */
  sendCommand(command: string): void;
  /**
   * Waits until the confirmation of payout `payoutId` has been recorded.
   *
   * @param payoutId - the payout's id (decimal string).
   * @param timeoutMs - how long to wait, in milliseconds.
   * @param signal - aborts the wait (resolves false).
   * @returns true once confirmed, false on timeout or abort.
   */
  waitForConfirmation(payoutId: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  /** Resolves when every matched line so far has been recorded (or refused). */
  drain(): Promise<void>;
  /** Stops reconnecting, quits the server, waits for pending lines (up to 10 s). */
  stop(): Promise<void>;
}

interface PaymentRow {
  id: string;
  status: RecordedPayment["status"];
  payer_ign: string;
  amount: string;
  source: string;
  delivery_key: string;
  seen_at: Date;
}

/**
 * Creates the listener (not yet connected: call `start`).
 *
 * Replay rule (SQL: `app_private.record_payment_for`): each login gets a new session id; the
 * n-th matched line of a session is recorded with source `<MINECRAFT_LISTENER_ID>:<session id>`
 * and delivery key `n`. A call that fails for a transient reason (database unreachable) is retried
 * with the same source and key until it succeeds, so it is recorded once; two identical payments
 * have different line numbers and both count; the same payment delivered by another listener or
 * the plugin webhook within 30 s is recorded as a duplicate.
 *
 * @param options - configuration, pool, logger, metrics.
 * @returns the listener.
 */
export function createListener(options: ListenerOptions): Listener {
  const { config, pool, logger, metrics } = options;
  const createBot = options.createBot ?? mineflayer.createBot;
  const payments = compilePatterns(config.MINECRAFT_PAYMENT_PATTERNS, "payer");
  const confirms = compilePatterns(config.MINECRAFT_CONFIRM_PATTERNS, "ign");
  const claims = { role: "coins_listener" as const, guildId: config.MINECRAFT_GUILD_ID };
  const events = new EventEmitter();
  events.setMaxListeners(0);
  let bot: Bot | null = null;
  let connected = false;
  let sessionId: string | null = null;
  let lineNo = 0;
  let stopping = false;
  let attempt = 0;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let pending = 0;
  let chain: Promise<void> = Promise.resolve();

  /** Runs `work` after every earlier line (one database call at a time, in arrival order). */
  function enqueue(work: () => Promise<void>): void {
    pending++;
    chain = chain.then(work).catch((err: unknown) => logger.error({ err }, "line handler failed")).finally(() => {
      pending--;
    });
  }

  /** Calls `fn` until it succeeds or refuses with a named error; transient errors wait and retry. */
  async function persist<T>(what: string, fn: () => Promise<T>): Promise<T | null> {
    for (let retry = 0; ; retry++) {
      try {
        return await fn();
      } catch (err) {
        const named = decodeDbError(err);
        if (named) {
          logger.warn({ code: named.code, key: named.key, detail: named.detail }, `${what} refused`);
          metrics?.refused.inc({ code: named.code });
          return null;
        }
        if (stopping && retry >= 3) {
          logger.error({ err }, `${what} not recorded before shutdown`);
          return null;
        }
        const delay = Math.min(30_000, 100 * 2 ** Math.min(retry, 9));
        logger.warn({ err, retryInMs: delay }, `${what} failed; retrying with the same delivery key`);
        await sleep(delay);
      }
    }
  }

  function handleLine(text: string, seenAt: Date): void {
    const payment = matchLine(text, payments, "payer", config.MINECRAFT_PAYMENT_MAX);
    if (payment) {
      const source = `${config.MINECRAFT_LISTENER_ID}:${sessionId ?? "none"}`;
      const key = String(++lineNo);
      logger.info({ raw: text, line: payment.line, source, key, ok: payment.ok }, "payment line");
      metrics?.lines.inc({ kind: "payment" });
      if (!payment.ok) {
        logger.warn({ line: payment.line, problem: payment.problem }, "payment line with an unusable amount: not recorded");
        metrics?.refused.inc({ code: `amount_${payment.problem}` });
        return;
      }
      enqueue(async () => {
        const started = performance.now();
        const row = await persist("record_payment", () =>
          withClaims(pool, claims, async (c) => {
            const { rows } = await c.query<PaymentRow>(
              "select id::text, status::text, payer_ign, amount::text, source, delivery_key, seen_at from app_hidden.record_payment($1, $2, $3, $4, $5, $6)",
              [payment.ign, payment.minor.toString(), payment.line, seenAt, source, key],
            );
            return rows[0];
          }),
        );
        if (!row) return;
        metrics?.recordSeconds.observe((performance.now() - started) / 1000);
        metrics?.payments.inc({ status: row.status });
        const recorded: RecordedPayment = {
          id: row.id,
          status: row.status,
          payerIgn: row.payer_ign,
          amount: row.amount,
          source: row.source,
          deliveryKey: row.delivery_key,
          seenAt: row.seen_at,
        };
        logger.info({ paymentId: recorded.id, status: recorded.status, payer: recorded.payerIgn, amount: recorded.amount }, "payment recorded");
        events.emit("payment", recorded);
      });
      return;
    }
    const confirm = matchLine(text, confirms, "ign", config.MINECRAFT_PAYMENT_MAX);
    if (confirm?.ok) {
      logger.info({ raw: text, line: confirm.line }, "payout confirmation line");
      metrics?.lines.inc({ kind: "confirmation" });
      enqueue(async () => {
        const rows = await persist("confirm_payout", () =>
          withClaims(pool, claims, async (c) => {
            const r = await c.query<{ id: string }>("select id::text from app_hidden.confirm_payout($1, $2, $3, $4)", [
              confirm.ign,
              confirm.minor.toString(),
              confirm.line,
              seenAt,
            ]);
            return r.rows;
          }),
        );
        if (!rows?.length) {
          logger.warn({ line: confirm.line }, "confirmation line matches no sent payout");
          return;
        }
        logger.info({ payoutId: rows[0].id }, "payout confirmed");
        metrics?.payouts.inc({ outcome: "confirmed" });
        events.emit("payout-confirmed", rows[0].id);
      });
    }
  }

  function scheduleReconnect(): void {
    if (stopping || reconnectTimer) return;
    const base = Math.min(config.MINECRAFT_RECONNECT_MAX_MS, config.MINECRAFT_RECONNECT_MIN_MS * 2 ** Math.min(attempt, 20));
    const delay = Math.round(base / 2 + (Math.random() * base) / 2);
    attempt++;
    logger.info({ delayMs: delay, attempt }, "reconnecting to the Minecraft server");
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      connect();
    }, delay);
  }

  function connect(): void {
    if (stopping) return;
    let b: Bot;
    try {
      b = createBot({
        host: config.MINECRAFT_HOST,
        port: config.MINECRAFT_PORT,
        username: config.MINECRAFT_USERNAME,
        version: config.MINECRAFT_VERSION,
        auth: config.MINECRAFT_AUTH,
        profilesFolder: config.MINECRAFT_PROFILES_DIR,
        hideErrors: true,
        logErrors: false,
        physicsEnabled: false,
      });
    } catch (err) {
      logger.error({ err }, "could not create the Minecraft client");
      scheduleReconnect();
      return;
    }
    bot = b;
    b.once("login", () => {
      sessionId = randomUUID();
      lineNo = 0;
      connected = true;
      attempt = 0;
      metrics?.connected.set(1);
      logger.info({ host: config.MINECRAFT_HOST, port: config.MINECRAFT_PORT, sessionId, username: b.username }, "logged in to the Minecraft server");
      events.emit("connected", sessionId);
    });
    b.on("messagestr", (text: string, position: string) => {
      // Only the server's own lines (system chat) are evidence of a payment or a payout. Player chat
      // (position "chat": signed, unsigned or profileless messages, whispers) is text any player
      // types, rendered with whatever decoration the server's chat type gives it, and the action bar
      // ("game_info") is not chat at all.
      if (position !== "system") return;
      handleLine(text, new Date());
    });
    b.on("kicked", (reason: unknown) => {
      logger.warn({ reason: typeof reason === "string" ? reason : JSON.stringify(reason) }, "kicked from the Minecraft server");
    });
    b.on("error", (err: Error) => logger.warn({ err }, "Minecraft connection error"));
    b.once("end", (reason: string) => {
      const wasConnected = connected;
      connected = false;
      sessionId = null;
      metrics?.connected.set(0);
      if (bot === b) bot = null;
      logger.warn({ reason, wasConnected }, "disconnected from the Minecraft server");
      if (wasConnected) metrics?.reconnects.inc();
      events.emit("disconnected", reason);
      scheduleReconnect();
    });
  }

  return {
    events,
    get connected() {
      return connected;
    },
    get sessionId() {
      return sessionId;
    },
    get pending() {
      return pending;
    },
    start() {
      stopping = false;
      connect();
    },
    sendCommand(command: string) {
      if (!bot || !connected) throw new Error("not connected to the Minecraft server");
      bot.chat(command);
    },
    waitForConfirmation(payoutId, timeoutMs, signal) {
      return new Promise<boolean>((resolve) => {
        const done = (value: boolean) => {
          clearTimeout(timer);
          events.off("payout-confirmed", onConfirmed);
          signal?.removeEventListener("abort", onAbort);
          resolve(value);
        };
        const onConfirmed = (id: string) => {
          if (id === payoutId) done(true);
        };
        const onAbort = () => done(false);
        const timer = setTimeout(() => done(false), timeoutMs);
        events.on("payout-confirmed", onConfirmed);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
    async drain() {
      while (pending > 0) await chain;
    },
    async stop() {
      stopping = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      const b = bot;
      if (b) {
        const ended = new Promise<void>((resolve) => b.once("end", () => resolve()));
        b.quit();
        await Promise.race([ended, sleep(5000)]);
      }
      await Promise.race([this.drain(), sleep(10_000)]);
    },
  };
}
