import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ConfigError, env, loadConfigOrExit, parseConfig, processConfigShape } from "../src/index.ts";

const schema = z.object({
  ...processConfigShape,
  PORT: env.port().default(3000),
  HOST: env.bindHost(),
  TOKEN: env.secret(16).optional(),
});

function problems(source: Record<string, string>): string[] {
  try {
    parseConfig(schema, source);
  } catch (err) {
    return (err as ConfigError).problems.map((p) => `${p.variable}: ${p.problem}`);
  }
  return [];
}

describe("the shared configuration base", () => {
  afterEach(() => vi.restoreAllMocks());

  it("defaults NODE_ENV, LOG_LEVEL, ports and bind addresses", () => {
    expect(parseConfig(schema, {})).toEqual({ NODE_ENV: "development", LOG_LEVEL: "info", PORT: 3000, HOST: "127.0.0.1" });
  });

  it("names each malformed variable with the same messages as before", () => {
    expect(problems({ NODE_ENV: "staging", LOG_LEVEL: "loud", PORT: "70000", TOKEN: "short" })).toEqual([
      expect.stringMatching(/^NODE_ENV: /),
      expect.stringMatching(/^LOG_LEVEL: /),
      "PORT: must be at most 65535",
      "TOKEN: must be at least 16 characters",
    ]);
  });

  it("loadConfigOrExit prints a configuration error and exits 2; other errors propagate", () => {
    const exit = vi.spyOn(process, "exit").mockImplementation(((code?: number) => {
      throw new Error(`exit ${code}`);
    }) as typeof process.exit);
    const stderr = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(() => loadConfigOrExit(() => parseConfig(schema, { PORT: "x" }))).toThrow("exit 2");
    expect(exit).toHaveBeenCalledWith(2);
    expect(stderr.mock.calls[0][0]).toMatch(/PORT: must be a whole number/);
    expect(() => loadConfigOrExit(() => { throw new TypeError("bug"); })).toThrow(TypeError);
    expect(loadConfigOrExit(() => parseConfig(schema, { PORT: "1" })).PORT).toBe(1);
  });
});
