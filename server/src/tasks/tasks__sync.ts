/**
 * `tasks__sync` (crontab: every 10 minutes): re-queues `discord__task` for every task whose
 * Discord message is still pending (a post that failed for good, a task channel configured later),
 * the seed's `sync_pending_discord_messages` (issue 14). The bot's runner does the Discord work.
 */
import type { Task } from "graphile-worker";

export const TASKS_SYNC = "tasks__sync";

/**
 * Builds the `tasks__sync` task: `app_hidden.requeue_task_sync(now())`.
 * Payload: ignored.
 *
 * @returns the task function (throws database errors).
 */
export function tasksSync(): Task {
  return async (_payload, helpers) => {
    const { rows } = await helpers.query<{ n: number }>("select app_hidden.requeue_task_sync(now()) as n");
    if (rows[0].n > 0) helpers.logger.info(`re-queued ${rows[0].n} pending task message(s)`, { requeued: rows[0].n });
  };
}
