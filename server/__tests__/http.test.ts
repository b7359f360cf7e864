/**
 * The HTTP layer around /graphql with the development login on (what `npm start` runs): request
 * bodies are read by the route that owns them (no 4 kB login parser on /graphql, a malformed body
 * is a 4xx), and an Idempotency-Key's request hash covers the exact request.
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import express, { type RequestHandler } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { idempotencyMiddleware } from "../src/http/idempotency.ts";
import { ApiClient, clientFor, createGuild, ledgerViolations, startTestServer, superuserPool, walletBalance } from "./helpers.ts";

const GIVE = `mutation($to: BigInt!, $amount: BigInt!, $key: String!) {
  give(input: { toDiscordId: $to, amount: $amount, idempotencyKey: $key }) { giveReceipt { txId amount balance } }
}`;

let db: pg.Pool;
let server: Awaited<ReturnType<typeof startTestServer>>;
let guildId: string;
let members: string[];

/** Every member's balance and the guild's transfer count: what a refused request must leave as it was. */
async function snapshot(): Promise<{ balances: number[]; transfers: number }> {
  const balances = await Promise.all(members.map((m) => walletBalance(db, guildId, m)));
  const { rows } = await db.query("select count(*)::int as n from app_public.transfers where guild_id = $1", [guildId]);
  return { balances, transfers: rows[0].n };
}

beforeAll(async () => {
  db = superuserPool();
  ({ guildId, memberIds: members } = await createGuild(db, 3, 1000));
  server = await startTestServer({ DEV_LOGIN: "true" });
});

afterAll(async () => {
  await server?.close();
  await db?.end();
});

describe("request bodies with the development login on", () => {
  it("answers a /graphql body over 4 kB (the login form's limit) like any other", async () => {
    const client = await clientFor(server, { guildId, discordId: members[0], kind: "player" });
    const padding = `# ${"x".repeat(6000)}\n`;
    const res = await client.fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `${padding}{ currentDiscordId }` }),
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(JSON.parse(text)).toEqual({ data: { currentDiscordId: members[0] } });
  });

  it("answers a malformed /graphql body with a 4xx, not 500, and moves nothing", async () => {
    const client = await clientFor(server, { guildId, discordId: members[0], kind: "player" });
    const before = await snapshot();
    for (const [type, body] of [
      ["application/json", '{"query": "mutation { claimDaily(input: {}) { clientMutationId } }"'],
      ["application/json", "not json"],
      ["application/x-www-form-urlencoded", "query=%E0%A4%A"],
    ] as const) {
      const res = await client.fetch("/graphql", { method: "POST", headers: { "content-type": type }, body });
      expect(res.status, `${type} ${body}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${type} ${body}`).toBeLessThan(500);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("answers a webhook body over its 16 kB limit with 413, not 500", async () => {
    const hooks = await startTestServer({ REDEMPTION_WEBHOOK_SECRET: "s".repeat(32), MINECRAFT_PAYMENT_WEBHOOK_SECRET: "p".repeat(32) });
    try {
      for (const route of ["/webhooks/redeem", "/webhooks/minecraft/payment"]) {
        const res = await fetch(`${hooks.url}${route}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ pad: "x".repeat(20_000) }) });
        expect(res.status, route).toBe(413);
        expect(((await res.json()) as { error: string }).error).toBe("body_too_large");
      }
    } finally {
      await hooks.close();
    }
  });

  it("answers a malformed development login with 400", async () => {
    for (const [type, body] of [
      ["application/json", '{"guildId": '],
      ["application/json", JSON.stringify({ guildId, discordId: members[0], kind: "player", pad: "x".repeat(5000) })],
    ] as const) {
      const res = await fetch(`${server.url}/auth/dev/login`, { method: "POST", headers: { "content-type": type }, body });
      expect(res.status, body.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(res.status, body.slice(0, 40)).toBeLessThan(500);
    }
  });
});

describe("Idempotency-Key with the development login on", () => {
  it("replays the same request, and refuses the same key with a different request (422) without moving coins", async () => {
    const client = await clientFor(server, { guildId, discordId: members[0], kind: "player" });
    const send = (variables: Record<string, string>, extra: Record<string, string> = {}) =>
      client.fetch("/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": "http-give-1", ...extra },
        body: JSON.stringify({ query: GIVE, variables }),
      });
    const first = await send({ to: members[1], amount: "10", key: "g1" });
    const firstBody = await first.text();
    expect(first.status).toBe(200);
    expect(JSON.parse(firstBody).errors).toBeUndefined();
    const afterFirst = await snapshot();
    const replay = await send({ to: members[1], amount: "10", key: "g1" });
    expect(replay.headers.get("idempotency-replayed"), `${replay.status} ${await replay.clone().text()}`).toBe("true");
    expect(await replay.text()).toBe(firstBody);
    for (const other of [{ to: members[1], amount: "11", key: "g1" }, { to: members[2], amount: "10", key: "g2" }]) {
      const reused = await send(other);
      expect(reused.status).toBe(422);
      expect(reused.headers.get("idempotency-replayed")).toBeNull();
      expect(((await reused.json()) as { error: string }).error).toBe("idempotency_key_reused");
    }
    expect(await snapshot()).toEqual(afterFirst);
    expect(afterFirst.balances.slice(0, 2)).toEqual([990, 1010]);
    expect(await ledgerViolations(db, guildId)).toEqual([]);
  });

  it("refuses a read with another query under the same key (422)", async () => {
    const client = await clientFor(server, { guildId, discordId: members[0], kind: "player" });
    const query = "{ currentDiscordId }";
    const json = await client.fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": "http-read-1" },
      body: JSON.stringify({ query }),
    });
    expect(json.status, await json.clone().text()).toBe(200);
    const other = await client.fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": "http-read-1" },
      body: JSON.stringify({ query: "{ currentGuildId }" }),
    });
    expect(other.status).toBe(422);
  });

  it("hashes the exact bytes whatever parsed the body before it, and never hashes a body it cannot see", async () => {
    // A bare express app: a stand-in session, then a parser that ran before the middleware.
    const session: RequestHandler = (req, _res, next) => {
      (req as unknown as { session: unknown }).session = { guildId, discordId: members[2], kind: "player" };
      next();
    };
    let runs = 0;
    const serve = async (before: RequestHandler) => {
      const app = express();
      app.post("/w", session, before, idempotencyMiddleware(server.pool), (req, res) => {
        runs++;
        res.json({ run: runs, body: req.body });
      });
      app.use(((err, _req, res, _next) => res.status(500).json({ error: String(err) })) as express.ErrorRequestHandler);
      const http = createServer(app);
      await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
      return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/w`, close: () => new Promise((r) => http.close(r)) };
    };
    const post = (url: string, key: string, body: string) =>
      fetch(url, { method: "POST", headers: { "content-type": "application/json", "idempotency-key": key }, body });

    // A JSON parser that keeps the bytes (verify): the hash covers them.
    const kept = await serve(express.json({ verify: (req, _res, buf) => void ((req as unknown as { rawBody: Buffer }).rawBody = buf) }));
    const a = await post(kept.url, "unit-1", '{"amount":1}');
    expect(a.status).toBe(200);
    expect((await post(kept.url, "unit-1", '{"amount":1}')).headers.get("idempotency-replayed")).toBe("true");
    expect((await post(kept.url, "unit-1", '{"amount":2}')).status).toBe(422);
    expect(runs).toBe(1);
    await kept.close();

    // A JSON parser that kept nothing: refused as a server fault, and the handler never runs.
    const lost = await serve(express.json());
    const b = await post(lost.url, "unit-2", '{"amount":1}');
    expect(b.status).toBe(500);
    expect(runs).toBe(1);
    await lost.close();
  });
});

describe("the CSRF secret across a restart", () => {
  it("without CSRF_SECRET or a data directory, a restarted server refuses the old token (403) and nothing moves", async () => {
    const first = await startTestServer({ DEV_LOGIN: "true" });
    const client = await clientFor(first, { guildId, discordId: members[2], kind: "player" });
    await first.close();
    const second = await startTestServer({ DEV_LOGIN: "true" });
    try {
      const retry = new ApiClient(second.url);
      for (const [k, v] of client.cookies) retry.cookies.set(k, v);
      retry.csrfToken = client.csrfToken;
      const before = await snapshot();
      const res = await retry.fetch("/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": "restart-refused-1" },
        body: JSON.stringify({ query: GIVE, variables: { to: members[0], amount: "7", key: "restart-refused" } }),
      });
      expect(res.status).toBe(403);
      expect(await snapshot()).toEqual(before);
    } finally {
      await second.close();
    }
  });


  it("keeps a session's CSRF token valid after a restart: a write retried with its Idempotency-Key runs once", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "guildbank-csrf-"));
    try {
      const env = { DEV_LOGIN: "true", GUILDBANK_DATA_DIR: dataDir };
      const first = await startTestServer(env);
      const client = await clientFor(first, { guildId, discordId: members[2], kind: "player" });
      await first.close();
      expect((await stat(path.join(dataDir, "csrf-secret"))).mode & 0o777).toBe(0o600);

      const second = await startTestServer(env);
      try {
        // The same browser (cookies, CSRF token) talking to the restarted server.
        const retry = new ApiClient(second.url);
        for (const [k, v] of client.cookies) retry.cookies.set(k, v);
        retry.csrfToken = client.csrfToken;
        const before = await snapshot();
        const send = () =>
          retry.fetch("/graphql", {
            method: "POST",
            headers: { "content-type": "application/json", "idempotency-key": "restart-give-1" },
            body: JSON.stringify({ query: GIVE, variables: { to: members[0], amount: "7", key: "restart-1" } }),
          });
        const res = await send();
        const body = await res.text();
        expect(res.status, body).toBe(200);
        expect(JSON.parse(body).errors).toBeUndefined();
        const again = await send();
        expect(again.headers.get("idempotency-replayed")).toBe("true");
        const after = await snapshot();
        expect(after.balances[2]).toBe(before.balances[2] - 7);
        expect(after.balances[0]).toBe(before.balances[0] + 7);
        expect(after.transfers).toBe(before.transfers + 1);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
