/**
 * `messages__sync` (crontab: every 10 minutes): re-queues the bot's job for every message the panel
 * causes that is still pending a minute after its last change (a post that failed for good, a
 * channel configured later): task posts (`discord__task`) and #shop posts of rewards
 * (`discord__reward`), the seed's `sync_pending_discord_messages` (issue 14). The bot's runner
 * does the Discord work.
 */
import type { Task } from "graphile-worker";

export const MESSAGES_SYNC = "messages__sync";

/**
 * Builds the `messages__sync` task: `app_hidden.requeue_task_sync(now())` and
 * `app_hidden.requeue_reward_sync(now())`.
 * Payload: ignored.
 *
 * @returns the task function (throws database errors).
 */
export function messagesSync(): Task {
  return async (_payload, helpers) => {
    const { rows } = await helpers.query<{ tasks: number; rewards: number }>(
      "select app_hidden.requeue_task_sync(now()) as tasks, app_hidden.requeue_reward_sync(now()) as rewards",
    );
    const { tasks, rewards } = rows[0];
    if (tasks + rewards > 0) helpers.logger.info(`re-queued ${tasks} task and ${rewards} #shop message(s)`, { tasks, rewards });
  };
}
