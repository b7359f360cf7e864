import type { StaffRole } from "./api.ts";

/**
 * What each staff role may do in the panel: the same matrix as db/CONVENTIONS.md "Staff roles",
 * which the database enforces. The panel only hides what would be refused anyway.
 */
export const ACTIONS = {
  adjustBalance: ["SUPERADMIN", "ADMIN", "OPERATOR"],
  freeze: ["SUPERADMIN", "ADMIN", "OPERATOR", "SUPPORT"],
  unfreeze: ["SUPERADMIN", "ADMIN", "OPERATOR"],
  editSettings: ["SUPERADMIN", "ADMIN"],
  // issue 14 (panel): inactive members, the transactions archive, the bot's presence
  deactivateMembers: ["SUPERADMIN", "ADMIN", "OPERATOR"],
  archiveTransactions: ["SUPERADMIN", "ADMIN"],
  setBotPresence: ["SUPERADMIN", "ADMIN"],
  manageRewards: ["SUPERADMIN", "ADMIN", "OPERATOR"],
  manageQuests: ["SUPERADMIN", "ADMIN", "OPERATOR"],
  overrideListing: ["SUPERADMIN", "ADMIN", "OPERATOR"],
  fulfilOrder: ["SUPERADMIN", "ADMIN", "OPERATOR"],
  refundOrder: ["SUPERADMIN", "ADMIN", "OPERATOR", "SUPPORT"],
  manageEvents: ["SUPERADMIN", "ADMIN"],
  mapRoles: ["SUPERADMIN"],
  discordSetup: ["SUPERADMIN", "ADMIN"],
  acknowledgeAlert: ["SUPERADMIN", "ADMIN", "OPERATOR", "SUPPORT"],
  freezeTrade: ["SUPERADMIN", "ADMIN", "OPERATOR", "SUPPORT"],
  adjudicateTrade: ["SUPERADMIN", "ADMIN"],
  // Minecraft money (issue 13): as the SQL rules gate them.
  assignPayment: ["SUPERADMIN", "ADMIN", "OPERATOR"],
  resolvePayout: ["SUPERADMIN", "ADMIN"],
  manageLinks: ["SUPERADMIN", "ADMIN", "OPERATOR"],
  manageCommunity: ["SUPERADMIN", "ADMIN", "OPERATOR"],
  reviewTasks: ["SUPERADMIN", "ADMIN", "OPERATOR"],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Action = keyof typeof ACTIONS;

/**
 * Whether a role may perform an action.
 *
 * @param role - the signed-in staff role (react-admin's permissions), or undefined while loading.
 * @param action - a key of {@link ACTIONS}.
 */
export function can(role: unknown, action: Action): boolean {
  return typeof role === "string" && (ACTIONS[action] as readonly string[]).includes(role);
}
