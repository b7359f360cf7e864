/**
 * `/cardsadmin ingest` and `/cardsadmin sync` (issue 16; seed 002 "/admin ingest artist <artist_name>", "/admin
 * sync"): staff queue a catalogue run (app_public.request_catalogue_ingest / request_catalogue_sync, which check the
 * role: PD001) and the answer follows the run's progress, edited in place until it is done or failed.
 */
import type { ChatInputCommandInteraction } from "discord.js";
import { z } from "zod";
import { asStaff } from "../db.ts";
import type { BotContext } from "../context.ts";
import type { Actor } from "../db.ts";
import { answer, UserFacingError } from "../interaction.ts";

/** How often the answer is refreshed while a run goes on (ms), and for how long at most (an interaction lives 15 minutes). */
export const PROGRESS_EVERY_MS = 1000;
export const PROGRESS_FOR_MS = 14 * 60_000;

interface RunView {
  id: string;
  kind: string;
  query: string;
  status: string;
  progress: Record<string, any>;
  error_count: number;
  counts: Record<string, number> | null;
}

const STAGES: Record<string, string> = { artist: "finding the artist", eras: "reading its albums", search: "searching images", download: "downloading images", sync: "looking for new artists", done: "done" };

/**
 * The run's progress as one Discord message.
 *
 * @param r - the run with its image counts by status.
 * @returns the text.
 */
export function progressText(r: RunView): string {
  const p = r.progress ?? {};
  const what = r.kind === "weekly_sync" ? `Catalogue sync (run #${r.id})` : `Ingesting **${r.query}** (run #${r.id})`;
  const errors = r.error_count ? ` · ${r.error_count} error${r.error_count === 1 ? "" : "s"} (see the panel)` : "";
  if (r.status === "queued") return `${what}: queued.`;
  if (r.status === "failed") return `${what}: failed${errors}.`;
  if (r.kind === "weekly_sync") {
    if (r.status !== "done") return `${what}: ${STAGES[p.stage] ?? "running"}…`;
    const queued: string[] = p.queued ?? [];
    return `${what}: done. ${queued.length ? `Queued for ingestion: ${queued.join(", ")}.` : "No new artists found."}${errors}`;
  }
  const c = r.counts ?? {};
  const parts = [
    p.eras !== undefined ? `${p.eras} era${p.eras === 1 ? "" : "s"}` : null,
    p.searched !== undefined && p.eras ? `${p.searched}/${p.eras} searched` : null,
    p.downloaded !== undefined ? `${p.downloaded} downloaded` : null,
  ].filter(Boolean);
  if (r.status !== "done") return `${what}: ${STAGES[p.stage] ?? "running"}…${parts.length ? ` ${parts.join(" · ")}` : ""}${errors}`;
  return (
    `${what}: done. ${parts.join(" · ")}. ${c.pending ?? 0} image(s) wait for review, ${c.approved ?? 0} approved, ${c.filtered ?? 0} filtered` +
    `${p.templates ? `, ${p.templates} template(s) made` : ""}. Review them on the panel's Catalogue page.${errors}`
  );
}

async function readRun(ctx: BotContext, actor: Actor, role: string, runId: string): Promise<RunView> {
  return asStaff(ctx.pool, actor, role as never, async (c) => {
    const { rows } = await c.query<RunView>(
      `select r.id::text, r.kind, r.query, r.status, r.progress, r.error_count,
              (select jsonb_object_agg(s.status, s.n) from (select i.status, count(*)::int as n from app_public.catalogue_images i
                where i.run_id = r.id group by i.status) s) as counts
         from app_public.catalogue_runs r where r.id = $1`,
      [runId],
    );
    return rows[0];
  });
}

/**
 * Edits the answer as the run moves on, until it is done or failed (or the interaction's time runs out). Runs in
 * the background: the command has already answered.
 */
async function follow(ctx: BotContext, i: ChatInputCommandInteraction, actor: Actor, role: string, run: RunView): Promise<void> {
  let last = progressText(run);
  const until = Date.now() + PROGRESS_FOR_MS;
  while (Date.now() < until && !["done", "failed"].includes(run.status)) {
    await new Promise((r) => setTimeout(r, PROGRESS_EVERY_MS));
    run = await readRun(ctx, actor, role, run.id);
    const text = progressText(run);
    if (text !== last) {
      await i.editReply({ content: text });
      last = text;
    }
  }
}

const ingestArgs = z.object({ artist: z.string().trim().min(1).max(100) });

/**
 * `/cardsadmin ingest artist:<name>` and `/cardsadmin sync`.
 *
 * @param ctx - the bot.
 * @param i - the command.
 * @param actor - who.
 * @param role - their resolved staff role (the SQL function checks it: PD001 below OPERATOR).
 * @param sub - `ingest` or `sync`.
 */
export async function catalogueAdmin(ctx: BotContext, i: ChatInputCommandInteraction, actor: Actor, role: string, sub: "ingest" | "sync"): Promise<void> {
  let runId: string;
  if (sub === "ingest") {
    const p = ingestArgs.safeParse({ artist: i.options.getString("artist", true) });
    if (!p.success) throw new UserFacingError("Give the artist's name (1 to 100 characters).");
    runId = await asStaff(ctx.pool, actor, role as never, async (c) => (await c.query<{ id: string }>("select id::text from app_public.request_catalogue_ingest($1)", [p.data.artist])).rows[0].id);
  } else {
    runId = await asStaff(ctx.pool, actor, role as never, async (c) => (await c.query<{ id: string }>("select id::text from app_public.request_catalogue_sync()")).rows[0].id);
  }
  const run = await readRun(ctx, actor, role, runId);
  await answer(i, progressText(run));
  follow(ctx, i, actor, role, run).catch((err: unknown) => ctx.logger.warn({ err, runId }, "could not follow the catalogue run"));
}
