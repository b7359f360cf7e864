/**
 * `tasks__expire` (crontab: every minute): in guilds with `auto_expire_enabled`, active tasks past
 * `expires_at` become expired and claims still in progress past their deadline expire (their slot
 * frees). Each run converges to "now"; a second run finds nothing (issue 14).
 */
import type { Task } from "graphile-worker";

export const TASKS_EXPIRE = "tasks__expire";

/**
 * Builds the `tasks__expire` task: `app_hidden.expire_tasks(now())`.
 * Payload: ignored (cron sends `{ _cron: { ts } }`).
 *
 * @returns the task function (throws database errors).
 */
export function tasksExpire(): Task {
  return async (_payload, helpers) => {
    const { rows } = await helpers.query<{ r: { tasks: number; claims: number } }>("select app_hidden.expire_tasks(now()) as r");
    const { tasks, claims } = rows[0].r;
    if (tasks + claims > 0) helpers.logger.info(`expired ${tasks} task(s) and ${claims} overdue claim(s)`, { tasks, claims });
  };
}
