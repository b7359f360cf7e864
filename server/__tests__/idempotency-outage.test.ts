/**
 * An `Idempotency-Key` claimed just before the database went away (issue 17, defect 21): storing
 * the answer, or releasing the key after a 5xx, is retried until the database is back, so the key
 * does not stay "in progress" (409 to every retry) for good. A fake pool fails the store with
 * transient errors first.
 */
import type { AddressInfo } from "node:net";
import { createServer } from "node:http";
import express from "express";
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { idempotencyMiddleware } from "../src/http/idempotency.ts";
import { waitFor } from "./helpers.ts";

describe("Idempotency-Key across a database outage", () => {
  it("keeps trying to release the key of a 503 answer until the database answers", async () => {
    const finishes: unknown[][] = [];
    const pool = {
      async query(text: string, params: unknown[]) {
        if (text.includes("http_request_begin")) return { rows: [{ state: "new", status: null, body: null, content_type: null }] };
        finishes.push(params);
        if (finishes.length === 1) throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
        if (finishes.length === 2) throw new Error("Connection terminated unexpectedly");
        return { rows: [] };
      },
    } as unknown as pg.Pool;
    const app = express();
    app.use((req, _res, next) => {
      req.session = { sessionId: "1", guildId: "100000000000000000", discordId: "100000000000000001", kind: "player", staffRole: null, expiresAt: new Date(Date.now() + 60_000) };
      next();
    });
    app.use(idempotencyMiddleware(pool, { finishRetry: { minTimeout: 10, maxTimeout: 20 } }));
    app.post("/graphql", (_req, res) => {
      res.status(503).json({ error: "database_unavailable" });
    });
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": "outage-key-1" },
        body: "{}",
      });
      expect(res.status).toBe(503);
      await waitFor("the key to be released", () => finishes.length === 3, 5_000, 10);
      // Every attempt releases the same key (a null body: a 5xx answer is not stored).
      expect(finishes.every((p) => p[2] === "outage-key-1" && p[3] === 503 && p[4] === null)).toBe(true);
    } finally {
      server.close();
    }
  });
});
