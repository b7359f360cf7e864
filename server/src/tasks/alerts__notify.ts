/**
 * `alerts__notify`: queued by the trigger on `app_public.ops_alerts` for critical alerts and
 * high-value trades (job key `alerts__notify:<alert id>`, 5 attempts). Posts the alert to the
 * Discord alert webhook (`DISCORD_ALERT_WEBHOOK_URL`), rate-limited per webhook.
 *
 * Rate limit and coalescing, durable across retries and restarts (the state that matters lives
 * in the job queue, not in memory):
 * - at most `limit` posts per window (default 10 per minute) per webhook and worker process;
 * - an alert that finds the window full is not posted: it is appended to the summary job (job key
 *   {@link ALERTS_SUMMARY_JOB_KEY}, an array payload, which graphile-worker concatenates when the
 *   key is added again) scheduled for when the window frees up, and its own job completes;
 * - the summary job posts every alert it holds as ONE message (a summary embed, or the alert's own
 *   embed when only one is left); if the window is full again it re-queues itself the same way;
 * - Discord's 429 blocks the webhook for `retry_after` and re-queues the alert(s) into the summary
 *   job at that time (a thrown error would retry on graphile-worker's own backoff instead);
 * - any other failure (network, 5xx, 4xx) throws: graphile-worker retries with backoff, up to the
 *   job's attempts. A slot taken by a failed post stays taken (conservative).
 * Delivery is at least once: a worker dying between Discord's answer and the job's completion
 * posts again on retry. Alerts gone from the table (their guild deleted) are skipped.
 *
 * No webhook configured: every job completes at once, doing nothing (said once, at debug).
 */
import type { Task } from "graphile-worker";
import { z } from "zod";
import {
  postWebhook,
  webhookKey,
  webhookMessage,
  WebhookRateLimitedError,
  WebhookRateLimiter,
  type AlertForNotification,
} from "../alerts/index.ts";
import type { AlertNotificationOutcome } from "../metrics/worker.ts";
import { parsePayload } from "./context.ts";

/** The task identifier (the trigger on `app_public.ops_alerts` queues it by this name). */
export const ALERTS_NOTIFY = "alerts__notify";

/** The job key of the pending summary (rate-limited alerts waiting for the window to free up). */
export const ALERTS_SUMMARY_JOB_KEY = "alerts__notify:summary";

/** Attempts of a summary job. */
const SUMMARY_MAX_ATTEMPTS = 10;

/** What `alerts__notify` needs (built by `startWorker` from the worker configuration). */
export interface AlertsNotifyContext {
  /** `DISCORD_ALERT_WEBHOOK_URL` (secret); undefined: notifications are off. */
  webhookUrl?: string;
  /** The per-webhook limiter (`ALERT_RATE_LIMIT_PER_MINUTE` per minute). */
  limiter?: WebhookRateLimiter;
  /** Counts each alert's outcome (`alert_notifications_total`). */
  count?: (outcome: AlertNotificationOutcome, n?: number) => void;
  /** Timeout of one post, in ms (default 10 000). */
  postTimeoutMs?: number;
}

const alertId = z.union([z.string().regex(/^\d{1,19}$/), z.number().int().nonnegative()]).transform(String);
const itemSchema = z.looseObject({ alert_id: alertId });
const payloadSchema = z.union([itemSchema, z.array(itemSchema).min(1)]);

/**
 * Builds the `alerts__notify` task (see the module comment).
 *
 * Payload: `{ alert_id }` (one alert, from the trigger) or `[{ alert_id }, …]` (the summary job).
 *
 * @param ctx - the webhook, the limiter, the metrics callback.
 * @returns the task function.
 */
export function alertsNotify(ctx: AlertsNotifyContext = {}): Task {
  const limiter = ctx.limiter ?? new WebhookRateLimiter(10);
  const count = ctx.count ?? (() => {});
  const key = ctx.webhookUrl ? webhookKey(ctx.webhookUrl) : "";
  let saidDisabled = false;

  return async (payload, helpers) => {
    const parsed = parsePayload(payloadSchema, payload, ALERTS_NOTIFY);
    const summary = Array.isArray(parsed);
    const ids = [...new Set((summary ? parsed : [parsed]).map((p) => p.alert_id))];
    const log = helpers.logger;
    if (!ctx.webhookUrl) {
      if (!saidDisabled) {
        saidDisabled = true;
        log.debug("no DISCORD_ALERT_WEBHOOK_URL: alert notifications are off");
      }
      count("disabled", ids.length);
      return;
    }

    /** Appends alerts to the summary job, due at `runAt` (epoch ms). */
    const coalesce = async (alerts: string[], runAt: number, outcome: AlertNotificationOutcome) => {
      await helpers.addJob(
        ALERTS_NOTIFY,
        alerts.map((id) => ({ alert_id: id })),
        { jobKey: ALERTS_SUMMARY_JOB_KEY, jobKeyMode: "preserve_run_at", runAt: new Date(runAt), maxAttempts: SUMMARY_MAX_ATTEMPTS },
      );
      count(outcome, alerts.length);
      log.info(`${alerts.length} alert(s) queued for a summary post at ${new Date(runAt).toISOString()} (${outcome})`, {
        alertIds: alerts,
        webhook: key,
      });
    };

    const alerts: AlertForNotification[] = [];
    for (const id of ids) {
      const { rows } = await helpers.query<AlertForNotification>(
        "select id::text, guild_id::text, guild_name, severity::text as severity, kind, message, detail, created_at from app_hidden.alert_for_notification($1)",
        [id],
      );
      if (rows[0]) alerts.push(rows[0]);
    }
    if (alerts.length < ids.length) count("skipped", ids.length - alerts.length);
    if (alerts.length === 0) {
      log.debug("alert(s) gone: nothing to post", { alertIds: ids });
      return;
    }
    const present = alerts.map((a) => a.id);

    const slot = limiter.acquire(key);
    if (!slot.ok) {
      await coalesce(present, slot.retryAt, "coalesced");
      return;
    }
    try {
      await postWebhook(ctx.webhookUrl, webhookMessage(alerts), { signal: helpers.abortSignal, timeoutMs: ctx.postTimeoutMs });
    } catch (err) {
      if (err instanceof WebhookRateLimitedError) {
        const until = Date.now() + err.retryAfterMs;
        limiter.block(key, until);
        await coalesce(present, until, "deferred");
        return;
      }
      count("failed", alerts.length);
      throw err;
    }
    count(alerts.length === 1 ? "posted" : "summarised", alerts.length);
    log.info(alerts.length === 1 ? `alert #${present[0]} posted to Discord` : `summary of ${alerts.length} alerts posted to Discord`, {
      alertIds: present,
      webhook: key,
    });
  };
}
