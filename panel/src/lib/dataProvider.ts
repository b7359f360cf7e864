/**
 * react-admin data provider for our PostGraphile v5 schema (V4 preset, connection filters,
 * simplified inflection). A small explicit one: each resource names its list field, its single
 * field, its key and the fields to select, so nothing depends on schema introspection at start-up.
 * Lists use server-side pagination (`first`/`offset` + `totalCount`), sorting (`orderBy`) and
 * filtering (connection filters). Writes are the few direct staff writes the database allows
 * (rewards, quests, settings, role mappings); a write RLS or a trigger refuses is an error, never
 * an empty success.
 */
import type { DataProvider, GetListParams, Identifier, RaRecord } from "react-admin";
import { ApiError, gql, session } from "./api.ts";

/** How one react-admin resource maps to GraphQL. */
export interface ResourceConfig {
  /** Connection field, e.g. `users`. */
  list: string;
  /** GraphQL type name, e.g. `User` (inputs are `UserInput` / `UserPatch`). */
  type: string;
  /** Key columns besides `guildId` (taken from the session); the first is react-admin's `id`. */
  key: string;
  /** Whether the table's primary key includes guildId (rewards, settings, role mappings). */
  guildKey?: boolean;
  /** The GraphQL type of the key argument. */
  keyType: string;
  /** Selection set of a record (without braces). */
  fields: string;
  /** Full-text-ish search for the `q` filter. */
  search?: (q: string) => Record<string, unknown>;
  /** Default order when react-admin asks for none. */
  defaultSort?: string;
  /** Columns that are not sortable server-side (computed): sorted by the key instead. */
  unsortable?: string[];
  /** Name of the single-row field when it is not the lower-camel type name. */
  one?: string;
}

const USER = "id discordId displayName isBot frozen streakDays lastDailyAt walletBalance escrowBalance lifetimeEarned lifetimeSpent badges flags createdAt deactivatedAt reactivatedAt lastActiveAt";

/** Every resource of the panel. */
export const RESOURCES: Record<string, ResourceConfig> = {
  users: {
    list: "users",
    type: "User",
    key: "id",
    keyType: "BigInt!",
    fields: USER,
    search: (q) => (/^\d{5,20}$/.test(q) ? { discordId: { equalTo: q } } : { displayName: { includesInsensitive: q } }),
    defaultSort: "DISPLAY_NAME_ASC",
    unsortable: ["walletBalance", "escrowBalance", "lastActiveAt"],
  },
  /** Members looked up by Discord id (who acted, in the transaction log): the same rows keyed by `discordId`. */
  usersByDiscordId: {
    list: "users",
    type: "User",
    key: "discordId",
    keyType: "BigInt!",
    fields: "id discordId displayName",
    defaultSort: "DISCORD_ID_ASC",
  },
  accounts: { list: "accounts", type: "Account", key: "id", keyType: "BigInt!", fields: "id userId kind currency balance debitsPosted creditsPosted" },
  transactions: {
    list: "transactions",
    type: "Transaction",
    key: "txId",
    keyType: "UUID!",
    fields: "txId seq type actorId userId counterpartyId amount currency reason meta createdAt orderId listingId user { id discordId displayName } counterparty { id discordId displayName }",
    search: (q) => ({ reason: { includesInsensitive: q } }),
    defaultSort: "SEQ_DESC",
  },
  transfers: {
    list: "transfers",
    type: "Transfer",
    key: "id",
    keyType: "BigInt!",
    fields: "id debitAccountId creditAccountId amount currency status reason txId createdAt pendingId debitAccount { kind userId } creditAccount { kind userId }",
    defaultSort: "ID_DESC",
  },
  listings: {
    list: "listings",
    type: "Listing",
    key: "listingId",
    keyType: "UUID!",
    fields: "listingId sku qty qtyAvailable unitPrice feeRate feeBand referencePrice minPerBuyer maxPerBuyer expiresAt status closedAt createdAt seller { id discordId displayName }",
    search: (q) => ({ sku: { includesInsensitive: q } }),
    defaultSort: "CREATED_AT_DESC",
  },
  orders: {
    list: "orders",
    type: "Order",
    key: "orderId",
    keyType: "UUID!",
    fields: "orderId kind escrow fee fulfilment status expiresAt fulfilmentAttempts lastError settledAt settledBy settleReason createdAt buyer { id discordId displayName } seller { id discordId displayName } orderLines { nodes { sku qty unitPrice } }",
    defaultSort: "CREATED_AT_DESC",
  },
  // Middleman (issue 13): trades and their trail; written only by the mm_* rules.
  mmTrades: {
    list: "mmTrades",
    type: "MmTrade",
    key: "id",
    keyType: "BigInt!",
    fields:
      "id shortId status sellerIgn buyerIgn saleAmount feeBps feeAmount sellerPayout notes sellerVerifyAmount buyerVerifyAmount sellerVerifiedAt buyerVerifiedAt depositAmount depositedAt frozenAt disputedAt outcome closedAt createdAt updatedAt seller { id discordId displayName } buyer { id discordId displayName }",
    search: (q) => ({ or: [{ sellerIgn: { includesInsensitive: q } }, { buyerIgn: { includesInsensitive: q } }] }),
    defaultSort: "CREATED_AT_DESC",
    unsortable: ["shortId"],
  },
  mmEvents: { list: "mmEvents", type: "MmEvent", key: "id", keyType: "BigInt!", fields: "id tradeId kind status actor actorDiscordId paymentId rawLine detail createdAt", defaultSort: "ID_ASC" },
  // Minecraft money for operators (issue 13): read here, changed only by assign_payment, resolve_payout,
  // link_minecraft and unlink_minecraft (each with a reason and an audit row).
  minecraftPayments: {
    list: "minecraftPayments",
    type: "MinecraftPayment",
    key: "id",
    keyType: "BigInt!",
    fields: "id source deliveryKey payerIgn amount rawLine seenAt status createdAt user { id discordId displayName }",
    search: (q) => ({ payerIgn: { includesInsensitive: q } }),
    defaultSort: "ID_DESC",
  },
  minecraftPayouts: {
    list: "minecraftPayouts",
    type: "MinecraftPayout",
    key: "id",
    keyType: "BigInt!",
    fields: "id ign amount status kind sentAt confirmedAt failedAt confirmationLine failure resolvedBy createdAt user { id discordId displayName }",
    search: (q) => ({ ign: { includesInsensitive: q } }),
    defaultSort: "ID_DESC",
  },
  minecraftLinks: {
    list: "minecraftLinks",
    type: "MinecraftLink",
    key: "id",
    keyType: "BigInt!",
    fields: "id ign linkedAt user { id discordId displayName }",
    search: (q) => ({ ign: { includesInsensitive: q } }),
    defaultSort: "ID_DESC",
  },
  minecraftLinkHistories: {
    list: "minecraftLinkHistories",
    type: "MinecraftLinkHistory",
    key: "id",
    keyType: "BigInt!",
    fields: "id userId ign previousIgn action via actorDiscordId reason at user { id discordId displayName }",
    search: (q) => ({ ign: { includesInsensitive: q } }),
    defaultSort: "ID_DESC",
  },
  // Voucher states for staff: every column but the code (a bearer credential, not granted to staff).
  vouchers: {
    list: "vouchers",
    type: "Voucher",
    key: "orderId",
    keyType: "UUID!",
    fields: "orderId status issuedAt expiresAt redeemedAt redeemedBy voidedAt buyer { id discordId displayName }",
    defaultSort: "ISSUED_AT_DESC",
  },
  rewards: {
    list: "rewards",
    type: "Reward",
    key: "sku",
    guildKey: true,
    keyType: "String!",
    fields: "sku name description category price fulfilment payload limits stock expiresAt visible tradable roleId roleAction roleDurationS consumable useMessage syncState syncedAt createdAt updatedAt",
    search: (q) => ({ or: [{ sku: { includesInsensitive: q } }, { name: { includesInsensitive: q } }] }),
    defaultSort: "SKU_ASC",
  },
  quests: {
    list: "quests",
    type: "Quest",
    key: "id",
    keyType: "BigInt!",
    fields: "id kind title prompt choices answers reward cooldownS active startsAt endsAt createdAt updatedAt",
    search: (q) => ({ title: { includesInsensitive: q } }),
    defaultSort: "ID_DESC",
  },
  economyEvents: {
    list: "economyEvents",
    type: "EconomyEvent",
    key: "id",
    keyType: "BigInt!",
    fields: "id kind value title startsAt endsAt startedBy stoppedAt stoppedBy active createdAt",
    defaultSort: "STARTS_AT_DESC",
    unsortable: ["active"],
  },
  adminActions: {
    list: "adminActions",
    type: "AdminAction",
    key: "id",
    keyType: "BigInt!",
    fields: "id actorId actorRole action subjectType subjectId before after reason createdAt",
    search: (q) => ({ or: [{ reason: { includesInsensitive: q } }, { subjectId: { equalTo: q } }, { action: { includesInsensitive: q } }] }),
    defaultSort: "ID_DESC",
  },
  opsAlerts: {
    list: "opsAlerts",
    type: "OpsAlert",
    key: "id",
    keyType: "BigInt!",
    fields: "id guildId severity kind message detail createdAt acknowledgedAt acknowledgedBy",
    search: (q) => ({ message: { includesInsensitive: q } }),
    defaultSort: "ID_DESC",
  },
  guildSettings: {
    list: "guildSettings",
    type: "GuildSetting",
    key: "guildId",
    keyType: "BigInt!",
    fields:
      "guildId dailyAmount dailyStreakBonus dailyStreakBonusCap giveRateLimit giveRateWindowS escrowTimeoutMin voucherTimeoutH leaderboardCron highValueThreshold allowUserTasks maxTasksPerUser autoExpireEnabled requireProof taskChannelId reviewChannelId currencyName currencySymbol featureCurrency featureTasks featureShop featureQuests featureMiddleman featureCards updatedAt guild { name }",
  },
  pricingConfigs: {
    list: "pricingConfigs",
    type: "PricingConfig",
    key: "guildId",
    keyType: "BigInt!",
    fields: "guildId priceFloorPct marketFee undercutFee overAverageFee overAverageRatio scarcityTarget alpha maxListingDays updatedAt",
  },
  // Community (issue 14): tasks with their sync state, claims (the review queue), announcements, saved embeds, custom commands.
  tasks: {
    list: "tasks",
    type: "Task",
    key: "id",
    keyType: "BigInt!",
    fields:
      "id name description reward category durationHours expiresAt maxClaims assignedMemberIds requiredRoleId grantRoleId proofRequired status channelId messageId syncState syncedAt slotsTaken completedCount proofRequiredEffective createdAt updatedAt",
    search: (q) => ({ name: { includesInsensitive: q } }),
    defaultSort: "ID_DESC",
    unsortable: ["slotsTaken", "completedCount", "proofRequiredEffective"],
  },
  taskClaims: {
    list: "taskClaims",
    type: "TaskClaim",
    key: "id",
    keyType: "BigInt!",
    fields:
      "id taskId status claimedAt deadline proofText proofAttachments submittedAt reviewerId reviewNote reviewedAt txId roleStatus dmStatus task { id name reward } user { id discordId displayName }",
    defaultSort: "ID_DESC",
  },
  announcements: {
    list: "announcements",
    type: "Announcement",
    key: "id",
    keyType: "BigInt!",
    fields: "id channelId content embed taskId publishAt pinned status publishedAt messageId syncState syncedAt pinnedOnDiscord createdBy createdAt updatedAt",
    search: (q) => ({ content: { includesInsensitive: q } }),
    defaultSort: "ID_DESC",
  },
  savedEmbeds: {
    list: "savedEmbeds",
    type: "SavedEmbed",
    key: "id",
    keyType: "BigInt!",
    fields: "id name embed createdBy createdAt updatedAt",
    search: (q) => ({ name: { includesInsensitive: q } }),
    defaultSort: "NAME_ASC",
  },
  customCommands: {
    list: "customCommands",
    type: "CustomCommand",
    key: "id",
    keyType: "BigInt!",
    fields: "id name response embedId enabled createdAt updatedAt",
    search: (q) => ({ name: { includesInsensitive: q } }),
    defaultSort: "NAME_ASC",
  },
  // Collectible cards (issue 15).
  cardTemplates: {
    list: "cardTemplates",
    type: "CardTemplate",
    key: "id",
    keyType: "BigInt!",
    fields: "id publicId rarity artistId eraId imageId eventId temporary copiesCreated retiredAt createdAt",
    search: (q) => ({ publicId: { includesInsensitive: q } }),
    defaultSort: "PUBLIC_ID_ASC",
  },
  packTypes: {
    list: "packTypes",
    type: "PackType",
    key: "id",
    keyType: "BigInt!",
    fields: "id code name command cardsPerPack rateCommon rateRare rateEpic rateLegendary rateMythic cooldownS dailyFree guarantee eventId active updatedAt",
    defaultSort: "CODE_ASC",
  },
  cardEvents: { list: "cardEvents", type: "CardEvent", key: "id", keyType: "BigInt!", fields: "id name description startsAt endsAt createdAt", defaultSort: "STARTS_AT_DESC" },
  cardListings: {
    list: "cardListings",
    type: "CardListing",
    key: "id",
    keyType: "UUID!",
    fields: "id cardId sellerId buyerId price currency feeBp status expiresAt createdAt closedAt",
    defaultSort: "CREATED_AT_DESC",
  },
  cardTrades: {
    list: "cardTrades",
    type: "CardTrade",
    key: "id",
    keyType: "UUID!",
    fields: "id status version proposerId recipientId proposerConfirmed recipientConfirmed expiresAt createdAt closedAt",
    defaultSort: "CREATED_AT_DESC",
  },
  artists: {
    list: "artists",
    type: "Artist",
    key: "id",
    keyType: "BigInt!",
    fields: "id name code isGroup groupId mbid spotifyId popularity metadata createdAt",
    search: (q) => ({ name: { includesInsensitive: q } }),
    defaultSort: "NAME_ASC",
  },
  eras: {
    list: "eras",
    type: "Era",
    key: "id",
    keyType: "BigInt!",
    fields: "id artistId name code startsOn endsOn colour searchKeywords mbid createdAt",
    search: (q) => ({ name: { includesInsensitive: q } }),
    defaultSort: "NAME_ASC",
  },
  cardMissions: {
    list: "cardMissions",
    type: "CardMission",
    key: "id",
    keyType: "BigInt!",
    fields: "id code name period metric target rewardCurrency rewardAmount active createdAt",
    defaultSort: "CODE_ASC",
  },
  cardAchievements: {
    list: "cardAchievements",
    type: "CardAchievement",
    key: "id",
    keyType: "BigInt!",
    fields: "id code name description metric threshold rewardCurrency rewardAmount active createdAt",
    defaultSort: "CODE_ASC",
  },
  cardDataTransfers: {
    list: "cardDataTransfers",
    type: "CardDataTransfer",
    key: "id",
    keyType: "UUID!",
    fields: "id fromUserId toUserId mode status consentedAt requestedAt expiresAt decidedAt decidedBy reason summary",
    defaultSort: "REQUESTED_AT_DESC",
  },
  fairSeeds: { list: "fairSeeds", type: "FairSeed", key: "id", keyType: "BigInt!", fields: "id seedHash createdAt rotatedAt revealedSeed", defaultSort: "CREATED_AT_DESC" },
  // Catalogue ingestion (issue 16).
  catalogueRuns: { list: "catalogueRuns", type: "CatalogueRun", key: "id", keyType: "BigInt!", fields: "id kind query status artistId requestedBy progress errorCount createdAt startedAt finishedAt", defaultSort: "CREATED_AT_DESC" },
  catalogueImages: {
    list: "catalogueImages",
    type: "CatalogueImage",
    key: "id",
    keyType: "BigInt!",
    fields: "id runId artistId eraId searchedEraId eraReason source sourceUrl pageUrl title author licence takenOn status filterReason width height kind kindReason storageUrl templateId createdAt",
    search: (q) => ({ or: [{ title: { includesInsensitive: q } }, { author: { includesInsensitive: q } }] }),
    defaultSort: "ID_ASC",
  },
  catalogueRarityDecisions: { list: "catalogueRarityDecisions", type: "CatalogueRarityDecision", key: "id", keyType: "BigInt!", fields: "id imageId templateId eraId kind baseRoll baseRarity weights rarity stock action reason createdAt", defaultSort: "ID_DESC" },
  staffRoleMappings: {
    list: "staffRoleMappings",
    type: "StaffRoleMapping",
    key: "discordRoleId",
    guildKey: true,
    keyType: "BigInt!",
    fields: "discordRoleId staffRole createdAt updatedAt",
    defaultSort: "DISCORD_ROLE_ID_ASC",
  },
};

/** `createdAt` → `CREATED_AT`. */
export function constantCase(field: string): string {
  return field.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

function lowerFirst(s: string): string {
  return s[0].toLowerCase() + s.slice(1);
}

function config(resource: string): ResourceConfig {
  const c = RESOURCES[resource];
  if (!c) throw new ApiError(`Unknown resource ${resource}`, 400);
  return c;
}

/** Adds react-admin's `id` (the key) to a row. */
function withId(c: ResourceConfig, row: Record<string, unknown>): RaRecord {
  return { ...row, id: row[c.key] as Identifier };
}

/**
 * react-admin filter values → a connection filter: `q` goes to the resource's search;
 * `field_gte` / `field_lte` / `field_gt` / `field_lt` are ranges; `field_isnull` is a null test; arrays are `in`; `field_like`
 * is a case-insensitive substring; anything else is equality.
 */
export function toFilter(c: ResourceConfig, filter: Record<string, unknown>): Record<string, unknown> | undefined {
  const and: Record<string, unknown>[] = [];
  for (const [name, value] of Object.entries(filter)) {
    if (value === undefined || value === null || value === "") continue;
    if (name === "q") {
      if (c.search) and.push(c.search(String(value)));
      continue;
    }
    if (name === "or" && Array.isArray(value)) {
      and.push({ or: value });
      continue;
    }
    const m = /^(.*)_(gte|lte|gt|lt|like|isnull)$/.exec(name);
    if (m) {
      const op = { gte: "greaterThanOrEqualTo", lte: "lessThanOrEqualTo", gt: "greaterThan", lt: "lessThan", like: "includesInsensitive", isnull: "isNull" }[m[2]]!;
      and.push({ [m[1]]: { [op]: value } });
    } else if (Array.isArray(value)) {
      and.push({ [name]: { in: value } });
    } else {
      and.push({ [name]: { equalTo: value } });
    }
  }
  return and.length ? { and } : undefined;
}

function keyArgs(c: ResourceConfig, id: Identifier): { decl: string; args: string; vars: Record<string, unknown> } {
  const s = session();
  if (c.guildKey) {
    return { decl: `$guildId: BigInt!, $key: ${c.keyType}`, args: `guildId: $guildId, ${c.key}: $key`, vars: { guildId: s?.guildId, key: id } };
  }
  return { decl: `$key: ${c.keyType}`, args: `${c.key}: $key`, vars: { key: id } };
}

/**
 * The reason of a direct write, for the audit log: the form's `auditReason` input, or
 * `meta.reason` (delete buttons).
 */
function reasonOf(params: { data?: unknown; meta?: { reason?: unknown } }): string | undefined {
  const fromForm = (params.data as { auditReason?: unknown } | undefined)?.auditReason;
  const r = typeof fromForm === "string" ? fromForm : params.meta?.reason;
  return typeof r === "string" && r.trim() ? r.trim() : undefined;
}

/** Columns the server computes or owns: never sent in an insert or a patch. */
const READ_ONLY = new Set([
  "id", "nodeId", "guildId", "createdAt", "updatedAt", "active", "walletBalance", "escrowBalance",
  // owned by the database and the bot's jobs (issue 14)
  "messageId", "syncState", "syncedAt", "slotsTaken", "completedCount", "proofRequiredEffective", "publishedAt", "pinnedOnDiscord", "createdBy",
  // issue 14 (panel): member activity
  "deactivatedAt", "reactivatedAt", "lastActiveAt",
]);
/** Array columns that are never null (an empty list is sent as is). */
const NOT_NULL_ARRAYS = ["assignedMemberIds"];
/** Object-valued columns that are written whole (JSON). */
const JSON_COLUMNS = ["payload", "limits", "embed"];

function writable(c: ResourceConfig, data: Record<string, unknown>, previous?: Record<string, unknown>): Record<string, unknown> {
  const fields = new Set(c.fields.split(/\s+/).filter((f) => /^[a-z]\w*$/.test(f)));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (READ_ONLY.has(k) || !fields.has(k) || (typeof v === "object" && v !== null && !Array.isArray(v) && !JSON_COLUMNS.includes(k))) continue;
    if (previous && JSON.stringify(previous[k]) === JSON.stringify(v)) continue;
    out[k] = v === "" || (Array.isArray(v) && v.length === 0 && !NOT_NULL_ARRAYS.includes(k)) ? null : v;
  }
  return out;
}

/** The largest page the server answers (server/src/graphql/limits.ts, maxPageSize). */
export const MAX_PAGE = 100;

async function getList(resource: string, params: Partial<GetListParams>) {
  const c = config(resource);
  const page = params.pagination?.page ?? 1;
  const perPage = params.pagination?.perPage ?? 25;
  const sortField = params.sort?.field;
  const order =
    sortField && sortField !== "id" && !(c.unsortable ?? []).includes(sortField)
      ? [`${constantCase(sortField)}_${params.sort?.order === "ASC" ? "ASC" : "DESC"}`, "PRIMARY_KEY_ASC"]
      : sortField === "id"
        ? [`${constantCase(c.key)}_${params.sort?.order === "ASC" ? "ASC" : "DESC"}`]
        : [c.defaultSort ?? "PRIMARY_KEY_ASC"];
  // The server answers at most MAX_PAGE rows a request: a larger page (the CSV export) is fetched in slices.
  const nodes: Record<string, unknown>[] = [];
  let total = 0;
  for (let offset = (page - 1) * perPage, left = perPage; left > 0; ) {
    const first = Math.min(left, MAX_PAGE);
    const data = await gql<Record<string, { totalCount: number; nodes: Record<string, unknown>[] }>>(
      `query List($first: Int!, $offset: Int!, $orderBy: [${c.list[0].toUpperCase()}${c.list.slice(1)}OrderBy!], $filter: ${c.type}Filter) {
        result: ${c.list}(first: $first, offset: $offset, orderBy: $orderBy, filter: $filter) { totalCount nodes { ${c.fields} } }
      }`,
      { first, offset, orderBy: order, filter: toFilter(c, params.filter ?? {}) },
    );
    nodes.push(...data.result.nodes);
    total = data.result.totalCount;
    if (data.result.nodes.length < first) break;
    offset += first;
    left -= first;
  }
  return { data: nodes.map((n) => withId(c, n)), total };
}

/** The panel's data provider (react-admin v5). */
export const dataProvider: DataProvider = {
  getList: (resource, params) => getList(resource, params) as never,

  async getOne(resource, params) {
    const c = config(resource);
    const k = keyArgs(c, params.id);
    const one = c.one ?? lowerFirst(c.type);
    const data = await gql<Record<string, Record<string, unknown> | null>>(`query One(${k.decl}) { result: ${one}(${k.args}) { ${c.fields} } }`, k.vars);
    if (!data.result) throw new ApiError(`${c.type} ${String(params.id)} was not found (or is not visible to you).`, 404);
    return { data: withId(c, data.result) } as never;
  },

  async getMany(resource, params) {
    const c = config(resource);
    const { data } = await getList(resource, { pagination: { page: 1, perPage: Math.max(params.ids.length, 1) }, filter: { [c.key]: params.ids } });
    return { data } as never;
  },

  async getManyReference(resource, params) {
    return getList(resource, { ...params, filter: { ...params.filter, [params.target]: params.id } }) as never;
  },

  async create(resource, params) {
    const c = config(resource);
    if (resource === "cardTemplates") {
      // Templates are created by their rule: the database numbers the public id (create_card_template).
      const d = params.data as Record<string, unknown>;
      const data = await gql<{ result: { cardTemplate: Record<string, unknown> | null } | null }>(
        `mutation($artistId: BigInt!, $eraId: BigInt!, $rarity: CardRarity!, $imageId: BigInt, $eventId: BigInt) {
          result: createCardTemplate(input: { artistId: $artistId, eraId: $eraId, rarity: $rarity, imageId: $imageId, eventId: $eventId }) { cardTemplate { ${c.fields} } } }`,
        { artistId: d.artistId, eraId: d.eraId, rarity: d.rarity, imageId: d.imageId || null, eventId: d.eventId || null },
        { reason: reasonOf(params) },
      );
      const row = data.result?.cardTemplate;
      if (!row) throw new ApiError("The server created nothing.", 400);
      return { data: withId(c, row) } as never;
    }
    const input = writable(c, params.data as Record<string, unknown>);
    if (c.guildKey || ["quests", "tasks", "announcements", "savedEmbeds", "customCommands", "artists", "eras", "cardMissions", "cardAchievements"].includes(resource)) input.guildId = session()?.guildId;
    const field = lowerFirst(c.type);
    const data = await gql<Record<string, Record<string, Record<string, unknown> | null> | null>>(
      `mutation Create($input: ${c.type}Input!) { result: create${c.type}(input: { ${field}: $input }) { ${field} { ${c.fields} } } }`,
      { input },
      { reason: reasonOf(params) },
    );
    const row = data.result?.[field];
    if (!row) throw new ApiError("The server created nothing.", 400);
    return { data: withId(c, row) } as never;
  },

  async update(resource, params) {
    const c = config(resource);
    const k = keyArgs(c, params.id);
    const patch = writable(c, params.data as Record<string, unknown>, params.previousData as Record<string, unknown>);
    const field = lowerFirst(c.type);
    const data = await gql<Record<string, Record<string, Record<string, unknown> | null> | null>>(
      `mutation Update(${k.decl}, $patch: ${c.type}Patch!) { result: update${c.type}(input: { ${k.args}, patch: $patch }) { ${field} { ${c.fields} } } }`,
      { ...k.vars, patch },
      { reason: reasonOf(params) },
    );
    // An update that RLS hid from us changes no row: PostGraphile answers an error, and a null
    // here would mean the same; both are failures, never a silent success.
    const row = data.result?.[field];
    if (!row) throw new ApiError("The update changed nothing: the row is not visible to you.", 403);
    return { data: withId(c, row) } as never;
  },

  async updateMany(resource, params) {
    const ids: Identifier[] = [];
    for (const id of params.ids) {
      await dataProvider.update(resource, { id, data: params.data, previousData: {} as RaRecord, meta: params.meta });
      ids.push(id);
    }
    return { data: ids } as never;
  },

  async delete(resource, params) {
    const c = config(resource);
    // Tasks and announcements are deleted by their rule (the Discord messages follow), not by a direct DELETE.
    const viaRule = { tasks: ["deleteTask", "taskId", "task"], announcements: ["deleteAnnouncement", "announcementId", "announcement"] }[resource as "tasks"];
    if (viaRule) {
      const [mutation, arg, field] = viaRule;
      const data = await gql<Record<string, Record<string, Record<string, unknown> | null> | null>>(
        `mutation Delete($id: BigInt!) { result: ${mutation}(input: { ${arg}: $id }) { ${field} { ${c.fields} } } }`,
        { id: params.id },
        { reason: reasonOf(params) },
      );
      const row = data.result?.[field];
      if (!row) throw new ApiError("Nothing was deleted.", 403);
      return { data: withId(c, row) } as never;
    }
    const k = keyArgs(c, params.id);
    const field = lowerFirst(c.type);
    const data = await gql<Record<string, Record<string, Record<string, unknown> | null> | null>>(
      `mutation Delete(${k.decl}) { result: delete${c.type}(input: { ${k.args} }) { ${field} { ${c.fields} } } }`,
      k.vars,
      { reason: reasonOf(params) },
    );
    const row = data.result?.[field];
    if (!row) throw new ApiError("Nothing was deleted: the row is not visible to you.", 403);
    return { data: withId(c, row) } as never;
  },

  async deleteMany(resource, params) {
    for (const id of params.ids) await dataProvider.delete(resource, { id, previousData: undefined, meta: params.meta });
    return { data: params.ids } as never;
  },
};
