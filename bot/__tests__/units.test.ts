/** The bot's pure parts: configuration, custom ids, error sentences. */
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ConfigError } from "@guildbank/lib";
import { discordRestOptions, loadBotConfig } from "../src/config.ts";
import { customId, describeError, parseCustomId } from "../src/interaction.ts";
import type { BotContext } from "../src/context.ts";
import { BOT_TASKS } from "../src/tasks/index.ts";
import { feedMessage, recentLine, type FeedEntry } from "../src/render/embeds.ts";
import { TASK_IDENTIFIERS } from "../../server/src/tasks/index.ts";

describe("bot configuration", () => {
  it("names every missing variable", () => {
    try {
      loadBotConfig({});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.map((p) => p.variable).sort()).toEqual(["DATABASE_URL", "DISCORD_CLIENT_ID", "DISCORD_TOKEN"]);
    }
  });

  it("reads the token from DISCORD_TOKEN_FILE (a Docker secret) and applies defaults", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "bot-")), "token");
    writeFileSync(file, "a-bot-token-from-a-file-0123456789\n");
    const c = loadBotConfig({ DISCORD_TOKEN_FILE: file, DISCORD_CLIENT_ID: "1250000000000000001", DATABASE_URL: "postgres://x@localhost/db" });
    expect(c.DISCORD_TOKEN).toBe("a-bot-token-from-a-file-0123456789");
    expect(c.BOT_HEALTH_PORT).toBe(9465);
    expect(c.BOT_WORKER_CONCURRENCY).toBe(2);
  });
});

describe("Discord's API base URL (DISCORD_API_BASE_URL)", () => {
  it("defaults to Discord's v10 API, as the server's", () => {
    const c = loadBotConfig({ DISCORD_TOKEN: "a-bot-token-0123456789abcdef", DISCORD_CLIENT_ID: "1250000000000000001", DATABASE_URL: "postgres://x@localhost/db" });
    expect(c.DISCORD_API_BASE_URL).toBe("https://discord.com/api/v10");
    expect(discordRestOptions(c.DISCORD_API_BASE_URL)).toEqual({ api: "https://discord.com/api", version: "10" });
  });

  it("splits the version off for discord.js, and refuses what is not an http(s) URL", () => {
    expect(discordRestOptions("http://127.0.0.1:8080/api/v9/")).toEqual({ api: "http://127.0.0.1:8080/api", version: "9" });
    expect(discordRestOptions("https://proxy.example/discord")).toEqual({ api: "https://proxy.example/discord", version: "10" });
    try {
      loadBotConfig({ DISCORD_TOKEN: "a-bot-token-0123456789abcdef", DISCORD_CLIENT_ID: "1250000000000000001", DATABASE_URL: "postgres://x@localhost/db", DISCORD_API_BASE_URL: "discord.com" });
      expect.unreachable();
    } catch (err) {
      expect((err as ConfigError).problems.map((p) => p.variable)).toEqual(["DISCORD_API_BASE_URL"]);
    }
  });
});

describe("custom ids", () => {
  it("are feature:action:id, the id keeping its own colons, at most 100 characters", () => {
    expect(customId("market", "confirm", "abc", "123")).toBe("market:confirm:abc:123");
    expect(parseCustomId("market:confirm:abc:123")).toEqual({ feature: "market", action: "confirm", id: "abc:123" });
    expect(parseCustomId("hub:card")).toEqual({ feature: "hub", action: "card", id: "" });
    expect(() => customId("x", "y", "z".repeat(100))).toThrow(/100 characters/);
  });
});

describe("error sentences", () => {
  const logged: { obj: any; msg: string }[] = [];
  const ctx = { logger: { error: (obj: any, msg: string) => logged.push({ obj, msg }) } } as unknown as BotContext;

  it("a named SQLSTATE becomes its catalogue sentence, times as Discord timestamps", () => {
    const err = Object.assign(new Error("cooldown_active"), { code: "CD001", detail: JSON.stringify({ next_claim_at: "2026-11-22T10:00:00Z", retry_after_s: 5 }) });
    expect(describeError(ctx, err, "test")).toEqual({ text: "You have already claimed today: come back at <t:1795341600:f>.", expected: true });
  });

  it("anything else is a short apology whose reference id is in the log line", () => {
    const { text, expected } = describeError(ctx, new Error("connection reset"), "test");
    expect(expected).toBe(false);
    const reference = /reference: ([0-9a-f]{8})\./.exec(text)![1];
    expect(logged.at(-1)!.obj.reference).toBe(reference);
    expect(logged.at(-1)!.obj.err.message).toBe("connection reset");
  });
});

describe("the bot's runner", () => {
  it("has only discord__* tasks, none of which the server's worker has (each runner claims only its own jobs)", () => {
    expect(BOT_TASKS.every((t) => t.startsWith("discord__"))).toBe(true);
    expect(TASK_IDENTIFIERS.filter((t) => t.startsWith("discord__"))).toEqual([]);
  });
});

describe("amounts in the bot's messages carry their currency and scale (issue 17, defect 9)", () => {
  const payment: FeedEntry = {
    tx_id: "00000000-0000-4000-8000-000000000001",
    type: "earn",
    reason: "minecraft_payment",
    amount: "150000",
    currency: "MCD",
    created_at: "2026-12-01T10:00:00Z",
    actor_discord_id: null,
    user_discord_id: "1250000000000000101",
    counterparty_discord_id: null,
    sku: null,
    qty: null,
    unit_price: null,
    fee: null,
    order_id: null,
    order_status: null,
    listing_id: null,
    listing_status: null,
    user_frozen: false,
    deltas: [
      { discord_id: null, kind: "external", currency: "MCD", delta: "-150000", balance: "-150000" },
      { discord_id: "1250000000000000101", kind: "wallet", currency: "MCD", delta: "150000", balance: "150000" },
    ],
    actions: [],
  };
  const fieldsOf = (e: FeedEntry) => Object.fromEntries(feedMessage(e).embeds[0].toJSON().fields!.map((f) => [f.name, f.value]));

  it("a 1,500.00 MCD payment shows in #coin-transactions as 1,500.00 MCD, not 150,000 coins", () => {
    const f = fieldsOf(payment);
    expect(f.Price).toBe("1,500.00 MCD");
    expect(f["Coin deltas"]).toBe("external external: -1,500.00 MCD\n<@1250000000000000101> wallet: +1,500.00 MCD");
    expect(f["Balances after"]).toBe("<@1250000000000000101> wallet: 1,500.00 MCD");
  });

  it("coin entries are unchanged (COIN, scale 0), and an entry without a currency is COIN", () => {
    const f = fieldsOf({ ...payment, currency: undefined, amount: "1250", unit_price: "625", qty: 2, fee: "100", deltas: [{ discord_id: "1", kind: "wallet", delta: "-1250", balance: "40" }] });
    expect(f.Price).toBe("625 coins each (1,250 coins)");
    expect(f.Fees).toBe("100 coins");
    expect(f["Coin deltas"]).toBe("<@1> wallet: -1,250");
    expect(f["Balances after"]).toBe("<@1> wallet: 40 coins");
  });

  it("the card's recent transactions name a currency other than COIN", () => {
    expect(recentLine({ tx_id: "x", type: "earn", amount: "150000", currency: "MCD", direction: "in", reason: "minecraft_payment", created_at: "" })).toBe(
      "+1,500.00 MCD earn (minecraft payment)",
    );
    expect(recentLine({ tx_id: "x", type: "spend", amount: "1200", currency: "COIN", direction: "out", reason: "shop_purchase", created_at: "" })).toBe("-1,200 spend (shop purchase)");
  });
});
