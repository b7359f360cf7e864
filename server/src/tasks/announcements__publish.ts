/**
 * `announcements__publish` (crontab: every minute): publishes the scheduled announcements whose
 * time has come (which queues their post for the bot, `discord__announcement`). Converges to "now"
 * (issue 14: "schedule (publish at a time)").
 */
import type { Task } from "graphile-worker";

export const ANNOUNCEMENTS_PUBLISH = "announcements__publish";

/**
 * Builds the `announcements__publish` task: `app_hidden.publish_due_announcements(now())`.
 * Payload: ignored.
 *
 * @returns the task function (throws database errors).
 */
export function announcementsPublish(): Task {
  return async (_payload, helpers) => {
    const { rows } = await helpers.query<{ n: number }>("select app_hidden.publish_due_announcements(now()) as n");
    if (rows[0].n > 0) helpers.logger.info(`published ${rows[0].n} scheduled announcement(s)`, { published: rows[0].n });
  };
}
