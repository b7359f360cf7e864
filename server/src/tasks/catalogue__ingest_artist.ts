/**
 * `catalogue__ingest_artist` (queued by app_private.catalogue_queue_run: `/cards admin ingest artist`, the panel, the
 * weekly sync; issue 16): ingests the run's artist (artist, eras, candidate images, downloads, filters, storage) and,
 * when the guild auto-approves, its templates. Resumable: each step re-reads what is left (app_hidden.catalogue_run_state).
 */
import type { Task } from "graphile-worker";
import { z } from "zod";
import type { Logger } from "pino";
import { ingestArtist, weeklySync } from "../catalogue/pipeline.ts";
import type { CatalogueRuntime } from "../catalogue/runtime.ts";
import { errorMessage, parsePayload } from "./context.ts";

export const CATALOGUE_INGEST_ARTIST = "catalogue__ingest_artist";
export const CATALOGUE_WEEKLY_SYNC = "catalogue__weekly_sync";

const payloadSchema = z.object({ run_id: z.coerce.number().int().positive() });

/**
 * Builds the `catalogue__ingest_artist` task. Payload: `{ run_id }`.
 *
 * @param runtime - sources, store, limits (lazy: built on the first job).
 * @param logger - the worker's logger.
 * @returns the task; a database error fails the job (retried, it resumes); the last attempt marks the run failed.
 */
export function catalogueIngestArtist(runtime: () => CatalogueRuntime, logger: Logger): Task {
  return async (payload, helpers) => {
    const { run_id } = parsePayload(payloadSchema, payload, CATALOGUE_INGEST_ARTIST);
    const rt = runtime();
    try {
      const progress = await ingestArtist({ db: helpers, ...rt, logger: logger.child({ task: CATALOGUE_INGEST_ARTIST, run_id }) }, run_id);
      helpers.logger.info(`catalogue run ${run_id} done`, { progress });
    } catch (err) {
      if (helpers.job.attempts >= helpers.job.max_attempts) {
        await helpers.query("select app_hidden.catalogue_run_error($1, 'job', null, $2, now())", [run_id, errorMessage(err)]).catch(() => {});
        await helpers.query("select app_hidden.catalogue_run_update($1, 'failed', '{}'::jsonb, null, now())", [run_id]).catch(() => {});
      }
      throw err;
    }
  };
}

/**
 * Builds the `catalogue__weekly_sync` task. Payload: `{ run_id }` (a run queued by staff or by the weekly cron), or the
 * cron's own `{ _cron }`: then it queues one weekly_sync run per guild with the sync on (each its own job).
 *
 * @param runtime - sources (lazy).
 * @param logger - the worker's logger.
 */
export function catalogueWeeklySync(runtime: () => CatalogueRuntime, logger: Logger): Task {
  return async (payload, helpers) => {
    const p = (payload ?? {}) as { run_id?: unknown };
    if (p.run_id === undefined) {
      const { rows } = await helpers.query<{ n: number }>("select app_hidden.catalogue_queue_weekly_syncs() as n");
      helpers.logger.info(`weekly catalogue sync queued for ${rows[0].n} guild(s)`);
      return;
    }
    const { run_id } = parsePayload(payloadSchema, payload, CATALOGUE_WEEKLY_SYNC);
    try {
      const progress = await weeklySync({ db: helpers, ...runtime(), logger: logger.child({ task: CATALOGUE_WEEKLY_SYNC, run_id }) }, run_id);
      helpers.logger.info(`catalogue sync ${run_id} done`, { progress });
    } catch (err) {
      if (helpers.job.attempts >= helpers.job.max_attempts) {
        await helpers.query("select app_hidden.catalogue_run_update($1, 'failed', '{}'::jsonb, null, now())", [run_id]).catch(() => {});
      }
      throw err;
    }
  };
}
