import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "./helpers.ts";

let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  server = await startTestServer({ DEV_LOGIN: "false" });
});
afterAll(async () => {
  await server?.close();
});

describe("operational endpoints", () => {
  it("/healthz checks the database", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", database: "ok" });
  });

  it("echoes a well-formed X-Request-Id and makes one up otherwise", async () => {
    const mine = await fetch(`${server.url}/healthz`, { headers: { "x-request-id": "req-abc-12345" } });
    expect(mine.headers.get("x-request-id")).toBe("req-abc-12345");
    const junk = await fetch(`${server.url}/healthz`, { headers: { "x-request-id": "<script>" } });
    expect(junk.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("has no development login unless DEV_LOGIN is on", async () => {
    const res = await fetch(`${server.url}/auth/dev/login`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(404);
  });

  it("serves no GraphiQL outside development", async () => {
    const res = await fetch(`${server.url}/graphiql`);
    expect(res.status).toBe(404);
  });

  it("/healthz answers 503 when the database is gone", async () => {
    await server.pool.end();
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "error", database: "unreachable" });
  });
});
