import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { clientFor, createGuild, ledgerViolations, startTestServer, superuserPool, walletBalance } from "./helpers.ts";

const GIVE = `mutation($to: BigInt!, $amount: BigInt!, $key: String!) {
  give(input: { toDiscordId: $to, amount: $amount, idempotencyKey: $key }) { giveReceipt { txId balance } }
}`;

let server: Awaited<ReturnType<typeof startTestServer>>;
let db: pg.Pool;

beforeAll(async () => {
  db = superuserPool();
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
  await db?.end();
});

async function liftRateLimit(guildId: string) {
  await db.query("update app_public.guild_settings set give_rate_limit = 10000 where guild_id = $1", [guildId]);
}

describe("concurrency against the real server", () => {
  it("20 connections claiming the same member's daily at once: exactly one wins", async () => {
    const { guildId, memberIds } = await createGuild(db, 1);
    const clients = await Promise.all(
      Array.from({ length: 20 }, () => clientFor(server, { guildId, discordId: memberIds[0], kind: "player" })),
    );
    const results = await Promise.all(clients.map((c) => c.gql(`mutation { claimDaily(input: {}) { dailyClaim { amount } } }`)));
    const wins = results.filter((r) => r.data?.claimDaily?.dailyClaim);
    const codes = results.filter((r) => r.errors).map((r) => r.errors![0].extensions?.code);
    expect(wins).toHaveLength(1);
    expect(codes).toEqual(Array(19).fill("CD001"));
    expect(await walletBalance(db, guildId, memberIds[0])).toBe(100);
    expect(await ledgerViolations(db, guildId)).toEqual([]);
  });

  it("50 concurrent gives from one wallet never overdraw it", async () => {
    const { guildId, memberIds } = await createGuild(db, 6, 1000);
    await liftRateLimit(guildId);
    const sender = await clientFor(server, { guildId, discordId: memberIds[0], kind: "player" });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => sender.gql(GIVE, { to: memberIds[1 + (i % 5)], amount: "30", key: `burst-${i}` })),
    );
    const ok = results.filter((r) => r.data?.give?.giveReceipt).length;
    const refused = results.filter((r) => r.errors?.[0]?.extensions?.code === "NF001").length;
    expect(ok).toBe(Math.floor(1000 / 30));
    expect(ok + refused).toBe(50);
    expect(await walletBalance(db, guildId, memberIds[0])).toBe(1000 - 30 * ok);
    let received = 0;
    for (const id of memberIds.slice(1)) received += await walletBalance(db, guildId, id);
    expect(received).toBe(5 * 1000 + 30 * ok);
    expect(await ledgerViolations(db, guildId)).toEqual([]);
  });

  it("gives in opposite directions at once neither deadlock nor lose coins", async () => {
    const { guildId, memberIds } = await createGuild(db, 2, 500);
    await liftRateLimit(guildId);
    const [a, b] = await Promise.all([
      clientFor(server, { guildId, discordId: memberIds[0], kind: "player" }),
      clientFor(server, { guildId, discordId: memberIds[1], kind: "player" }),
    ]);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 ? a.gql(GIVE, { to: memberIds[1], amount: "7", key: `ab-${i}` }) : b.gql(GIVE, { to: memberIds[0], amount: "11", key: `ba-${i}` }),
      ),
    );
    expect(results.every((r) => r.data?.give?.giveReceipt)).toBe(true);
    expect(await walletBalance(db, guildId, memberIds[0])).toBe(500 - 20 * 7 + 20 * 11);
    expect(await walletBalance(db, guildId, memberIds[1])).toBe(500 + 20 * 7 - 20 * 11);
    expect(await ledgerViolations(db, guildId)).toEqual([]);
  });

  it("20 concurrent deliveries of one idempotency key make one transfer", async () => {
    const { guildId, memberIds } = await createGuild(db, 2, 200);
    const sender = await clientFor(server, { guildId, discordId: memberIds[0], kind: "player" });
    const results = await Promise.all(Array.from({ length: 20 }, () => sender.gql(GIVE, { to: memberIds[1], amount: "15", key: "one-click" })));
    const txIds = new Set(results.map((r) => r.data?.give?.giveReceipt?.txId));
    expect(txIds.size).toBe(1);
    expect([...txIds][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(await walletBalance(db, guildId, memberIds[0])).toBe(185);
    const transfers = await db.query("select count(*)::int n from app_public.transfers where guild_id = $1 and reason = 'give'", [guildId]);
    expect(transfers.rows[0].n).toBe(1);
  });
});
