import type { CookieOptions } from "express";
import type { ServerConfig } from "../config.ts";

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/**
 * Whether cookies are marked Secure: always in production, and outside loopback development
 * (a server on a non-loopback address is reached over the network, so over TLS); `COOKIE_SECURE`
 * overrides.
 *
 * @param config - server configuration.
 */
export function secureCookies(config: ServerConfig): boolean {
  return config.COOKIE_SECURE ?? (config.NODE_ENV === "production" || !LOOPBACK.test(config.HOST));
}

/**
 * Options of every cookie the server sets: httpOnly, SameSite=strict, Secure per {@link secureCookies}.
 *
 * @param config - server configuration.
 * @param maxAgeSeconds - lifetime in seconds.
 */
export function cookieOptions(config: ServerConfig, maxAgeSeconds: number): CookieOptions {
  return {
    httpOnly: true,
    sameSite: "strict",
    secure: secureCookies(config),
    path: "/",
    maxAge: maxAgeSeconds * 1000,
  };
}
