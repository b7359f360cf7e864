import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "@guildbank/lib";
import { loadServerConfig } from "../src/config.ts";

const base = { DATABASE_URL: "postgres://guildbank_authenticator@127.0.0.1:5432/guildbank" };

function problems(env: Record<string, string>): string[] {
  try {
    loadServerConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => `${p.variable}: ${p.problem}`);
  }
  throw new Error("expected a ConfigError");
}

describe("server configuration", () => {
  it("applies defaults", () => {
    const config = loadServerConfig(base);
    expect(config).toMatchObject({ PORT: 3000, HOST: "127.0.0.1", NODE_ENV: "development", DEV_LOGIN: false, SESSION_TTL_S: 604800 });
  });

  it("names a missing variable", () => {
    expect(problems({})).toEqual(["DATABASE_URL: is required but not set"]);
  });

  it("names each malformed variable with the reason", () => {
    const list = problems({ ...base, DATABASE_URL: "mysql://x", PORT: "http", DEV_LOGIN: "maybe" });
    expect(list).toEqual(
      expect.arrayContaining([
        "DATABASE_URL: must be a postgres:// URL",
        "PORT: must be a whole number",
        expect.stringMatching(/^DEV_LOGIN: must be true or false/),
      ]),
    );
    expect(problems({ ...base, PORT: "70000" })).toEqual(["PORT: must be at most 65535"]);
  });

  it("refuses the development login in production", () => {
    expect(problems({ ...base, NODE_ENV: "production", DEV_LOGIN: "true" })).toEqual([
      "DEV_LOGIN: the development login cannot be enabled when NODE_ENV=production",
    ]);
  });

  it("treats an empty value as unset", () => {
    expect(loadServerConfig({ ...base, PORT: "" }).PORT).toBe(3000);
  });

  it("reads NAME_FILE secrets (Docker secrets)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "gb-config-"));
    const file = path.join(dir, "database_url");
    writeFileSync(file, "postgres://from-file@127.0.0.1:5432/guildbank\n");
    expect(loadServerConfig({ DATABASE_URL_FILE: file }).DATABASE_URL).toBe("postgres://from-file@127.0.0.1:5432/guildbank");
    expect(problems({ DATABASE_URL_FILE: path.join(dir, "missing") })[0]).toMatch(/^DATABASE_URL_FILE: cannot read/);
  });
});
