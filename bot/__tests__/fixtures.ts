/**
 * Fixtures of the bot's end-to-end tests: a real bot (discord.js Client, router, `discord__*`
 * runner) against the test database and a {@link FakeDiscord}; raw interaction payloads shaped as
 * Discord's gateway sends them (INTERACTION_CREATE), handed to discord.js's own
 * `client.actions.InteractionCreate.handle`, so discord.js builds the real Interaction objects.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { EventEmitter } from "node:events";
import type pg from "pg";
import type { WorkerEvents } from "graphile-worker";
import { loadBotConfig, startBot, type BotHandle } from "../src/index.ts";
import { dbUrls } from "../../server/__tests__/helpers.ts";
import { FakeDiscord, snowflake, type Call } from "./fake-discord.ts";

export { snowflake };

/** The application (bot user) id of the tests. */
export const APP_ID = "1250000000000000001";

/** A member who interacts. */
export interface Member {
  id: string;
  name: string;
  roles?: string[];
}

/** A started bot with its fake Discord. */
export interface TestBot {
  bot: BotHandle;
  discord: FakeDiscord;
  events: WorkerEvents;
  stop(): Promise<void>;
}

/**
 * Starts a fake Discord and a bot (no gateway login) against the test database.
 *
 * @returns both, and a stop function.
 */
export async function startTestBot(): Promise<TestBot> {
  const discord = new FakeDiscord(APP_ID);
  await discord.start();
  const events = new EventEmitter() as WorkerEvents;
  const bot = await startBot({
    config: loadBotConfig({
      NODE_ENV: "test",
      DATABASE_URL: dbUrls().authenticator,
      DISCORD_TOKEN: "test-token-0123456789abcdefghij",
      DISCORD_CLIENT_ID: APP_ID,
      DISCORD_API_BASE_URL: `${discord.api}/v10`,
      BOT_HEALTH_PORT: "0",
      BOT_WORKER_POLL_INTERVAL_MS: "100",
      BOT_WORKER_CONCURRENCY: "2",
      LOG_LEVEL: process.env.BOT_TEST_LOG_LEVEL ?? "silent",
      CARD_CACHE_DIR: mkdtempSync(path.join(tmpdir(), "guildbank-card-cache-")),
    }),
    login: false,
    events,
  });
  return {
    bot,
    discord,
    events,
    stop: async () => {
      await bot.stop();
      await discord.stop();
    },
  };
}

/** A raw interaction as Discord sends it. */
export type RawInteraction = Record<string, any> & { id: string; token: string };

function user(m: Member) {
  return { id: m.id, username: m.name.toLowerCase().replace(/\W/g, ""), global_name: m.name, discriminator: "0", avatar: null, public_flags: 0 };
}

function base(type: number, guildId: string, m: Member, data: unknown, extra: Record<string, unknown> = {}): RawInteraction {
  const id = snowflake();
  return {
    id,
    application_id: APP_ID,
    type,
    data,
    guild_id: guildId,
    channel_id: "1290000000000000001",
    member: {
      user: user(m),
      roles: m.roles ?? [],
      nick: null,
      avatar: null,
      joined_at: "2026-01-01T00:00:00.000Z",
      premium_since: null,
      deaf: false,
      mute: false,
      pending: false,
      flags: 0,
      permissions: "2248473465835073",
    },
    token: `token-${id}`,
    version: 1,
    app_permissions: "2248473465835073",
    locale: "en-US",
    guild_locale: "en-US",
    entitlements: [],
    authorizing_integration_owners: { "0": guildId },
    context: 0,
    ...extra,
  };
}

/** A message a component was on (what Discord sends in `message`). */
export function messageOf(components: unknown[] = [], flags = 64, id = snowflake()) {
  return {
    id,
    channel_id: "1290000000000000001",
    type: 0,
    content: "",
    embeds: [],
    components,
    flags,
    author: { id: APP_ID, username: "Guildbank", discriminator: "0", bot: true, avatar: null, global_name: null },
    attachments: [],
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    pinned: false,
    tts: false,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
  };
}

/** A slash command (APPLICATION_COMMAND, chat input). */
export function command(guildId: string, m: Member, name: string, options: { name: string; type: number; value: unknown }[] = [], resolvedUsers: Member[] = []): RawInteraction {
  const data: Record<string, unknown> = { id: snowflake(), name, type: 1, options };
  if (resolvedUsers.length) data.resolved = { users: Object.fromEntries(resolvedUsers.map((u) => [u.id, user(u)])) };
  return base(2, guildId, m, data);
}

/** A button click (MESSAGE_COMPONENT, button). */
export function button(guildId: string, m: Member, customId: string, message = messageOf()): RawInteraction {
  return base(3, guildId, m, { custom_id: customId, component_type: 2 }, { message });
}

/** A string select (MESSAGE_COMPONENT, string select). */
export function select(guildId: string, m: Member, customId: string, values: string[], message = messageOf()): RawInteraction {
  return base(3, guildId, m, { custom_id: customId, component_type: 3, values }, { message });
}

/** A modal submission (MODAL_SUBMIT); `message` when the modal was opened from a message's button. */
export function modal(guildId: string, m: Member, customId: string, fields: Record<string, string>, message?: unknown): RawInteraction {
  const components = Object.entries(fields).map(([id, value]) => ({ type: 1, components: [{ type: 4, custom_id: id, value }] }));
  return base(5, guildId, m, { custom_id: customId, components }, message ? { message } : {});
}

/** What a member saw for one interaction. */
export interface Seen {
  calls: Call[];
  /** The first answer's body (callback `data`, or the deferred reply's edit). */
  reply: any;
  /** The callback's type (4 reply, 5 deferred, 6 deferred update, 7 update, 9 modal). */
  callbackType: number;
  /** Followups (bodies). */
  followups: any[];
}

/**
 * Injects a raw interaction through discord.js's gateway action and waits until the bot answered.
 *
 * @param t - the test bot.
 * @param raw - the payload.
 * @returns what the member saw.
 */
export async function inject(t: TestBot, raw: RawInteraction): Promise<Seen> {
  (t.bot.client as any).actions.InteractionCreate.handle(raw);
  await t.bot.idle();
  const calls = t.discord.callsFor(raw);
  const callback = calls.find((c) => c.path.endsWith("/callback"));
  const edit = calls.find((c) => c.method === "PATCH" && c.path.endsWith("/messages/@original"));
  const followups = calls.filter((c) => c.method === "POST" && c.path.startsWith("/webhooks/")).map((c) => c.body);
  const callbackType = callback?.body?.type ?? 0;
  return { calls, reply: callbackType === 5 ? { ...edit?.body, flags: callback?.body?.data?.flags } : callback?.body?.data, callbackType, followups };
}

/**
 * The embed fields of a message body as name → value.
 *
 * @param body - a message body.
 * @param n - which embed (default 0).
 * @returns the fields.
 */
export function fields(body: any, n = 0): Record<string, string> {
  return Object.fromEntries((body?.embeds?.[n]?.fields ?? []).map((f: any) => [f.name, f.value]));
}

/**
 * The custom ids of a message body's components, row by row flattened.
 *
 * @param body - a message body.
 * @returns the custom ids.
 */
export function customIds(body: any): string[] {
  return (body?.components ?? []).flatMap((row: any) => (row.components ?? []).map((c: any) => c.custom_id));
}

/**
 * A member's wallet balance (coins), as superuser.
 *
 * @param db - a superuser pool.
 * @param guildId - the guild.
 * @param discordId - the member.
 * @returns the balance, or null without an account.
 */
export async function wallet(db: pg.Pool, guildId: string, discordId: string): Promise<number | null> {
  const { rows } = await db.query(
    "select app_public.users_wallet_balance(u) as b from app_public.users u where guild_id = $1 and discord_id = $2",
    [guildId, discordId],
  );
  return rows[0] ? Number(rows[0].b) : null;
}
