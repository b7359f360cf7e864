import type { CookieOptions } from "express";
import type { ServerConfig } from "../config.ts";

/**
 * Options of every cookie the server sets: httpOnly, SameSite=strict, Secure in production
 * (or as `COOKIE_SECURE` says).
 *
 * @param config - server configuration.
 * @param maxAgeSeconds - lifetime in seconds.
 */
export function cookieOptions(config: ServerConfig, maxAgeSeconds: number): CookieOptions {
  return {
    httpOnly: true,
    sameSite: "strict",
    secure: config.COOKIE_SECURE ?? config.NODE_ENV === "production",
    path: "/",
    maxAge: maxAgeSeconds * 1000,
  };
}
