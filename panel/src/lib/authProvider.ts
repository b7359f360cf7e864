import type { AuthProvider } from "react-admin";
import { ApiError, loadSession, session, signOut } from "./api.ts";

/**
 * react-admin auth provider backed by the server session: sign-in happens on the server (Discord
 * OAuth, or the development login), so `login` only sends the browser there. Only staff sessions
 * may use the panel; permissions are the staff role.
 */
export const authProvider: AuthProvider = {
  async login() {
    window.location.assign("/auth/discord/login");
  },
  async logout() {
    if (session()) await signOut();
  },
  async checkAuth() {
    const s = session() ?? (await loadSession());
    if (!s) throw new Error("Please sign in.");
    if (s.kind !== "staff") throw new Error("This panel is for staff: your session is a member session.");
  },
  async checkError(error: unknown) {
    if (error instanceof ApiError && error.status === 401) throw new Error("Session ended");
  },
  async getPermissions() {
    const s = session() ?? (await loadSession());
    return s?.staffRole ?? undefined;
  },
  async getIdentity() {
    const s = session() ?? (await loadSession());
    if (!s) throw new Error("Please sign in.");
    // A name, never the Discord id: the sign-in's Discord name, else (development login) the role alone.
    const role = s.staffRole ?? "member";
    return { id: s.discordId, fullName: s.displayName ? `${s.displayName} · ${role}` : role };
  },
};
