/**
 * The middleman's messages (issue 13, seed 004): the public "Middleman / Escrow — Donut SMP" embed
 * with Start Middleman, the ticket embed edited in place as payments arrive, the staff escalation,
 * and the log channel's summary line. Amounts are MCD cents (scale 2), shown as `$1,234.56`.
 */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  UserSelectMenuBuilder,
  type APIEmbedField,
} from "discord.js";
import { customId } from "../interaction.ts";
import { COLOURS } from "./embeds.ts";
import { mention, when } from "./format.ts";

/** A trade as `app_hidden.mm_ticket` returns it (bigints as JSON numbers or strings). */
export interface MmTrade {
  id: number | string;
  guild_id: number | string;
  short_id: string;
  status: MmStatus;
  seller_ign: string | null;
  buyer_ign: string | null;
  sale_amount: number | string | null;
  fee_bps: number | null;
  fee_amount: number | string | null;
  seller_payout: number | string | null;
  notes: string;
  seller_verify_amount: number | string | null;
  buyer_verify_amount: number | string | null;
  seller_verified_at: string | null;
  buyer_verified_at: string | null;
  deposit_amount: number | string;
  deposited_at: string | null;
  channel_id: number | string | null;
  ticket_message_id: number | string | null;
  /** The last trail event the ticket message shows. */
  rendered_event_id: number | string | null;
  outcome: { decision: string; buyer_amount: number; seller_amount: number; fee: number; reason: string } | null;
  created_at: string;
  closed_at: string | null;
}

/** The trade states (`app_public.mm_status`). */
export type MmStatus =
  | "open"
  | "awaiting_verification"
  | "awaiting_deposit"
  | "in_escrow"
  | "completed"
  | "cancelled"
  | "expired"
  | "dispute_open"
  | "adjudicated";

/** One `mm_events` row. */
export interface MmEvent {
  id: number;
  kind: string;
  status: MmStatus;
  actor: string;
  actor_discord_id: number | string | null;
  raw_line: string | null;
  detail: Record<string, unknown>;
  created_at: string;
}

/** A trader's record (`app_public.mm_reputation`). */
export interface MmReputation {
  completed: number;
  volume: number | string;
  disputes: number;
  adjudicated: number;
}

/** `app_hidden.mm_ticket(trade)`. */
export interface MmTicketView {
  trade: MmTrade;
  starter_discord_id: string;
  counterparty_discord_id: string | null;
  seller_discord_id: string | null;
  buyer_discord_id: string | null;
  bot_ign: string;
  fee_bps: number;
  discord: { public_channel_id: string | number | null; log_channel_id: string | number | null; staff_channel_id: string | number | null; support_role_id: string | number | null; ticket_category_id: string | number | null; archive_delay_s: number; ticket_mode?: "channel" | "thread" } | null;
  reputation: { seller: MmReputation | null; buyer: MmReputation | null };
  events: MmEvent[];
  payouts: { id: number; ign: string; amount: number | string; status: string }[];
}

/** `app_hidden.mm_public(guild)`. */
export interface MmPublicView {
  guild_id: string;
  bot_ign: string;
  fee_bps: number;
  verification_min: number | string;
  verification_max: number | string;
  live: number;
  completed: number;
  latest: { short_id: string; status: MmStatus; updated_at: string; channel_id: string | null }[];
}

/** Human names of the states. */
export const STATUS_TEXT: Record<MmStatus, string> = {
  open: "open: tag your counterparty and fill in the form",
  awaiting_verification: "awaiting verification",
  awaiting_deposit: "awaiting the buyer's deposit",
  in_escrow: "in escrow",
  completed: "completed",
  cancelled: "cancelled",
  expired: "expired",
  dispute_open: "dispute open: funds frozen",
  adjudicated: "adjudicated by staff",
};

/**
 * Formats MCD cents as dollars with two decimals and thousands separators.
 *
 * @param cents - an amount in cents (number, decimal string or bigint).
 * @returns e.g. `$1,500.00`.
 */
export function mcd(cents: number | string | bigint | null | undefined): string {
  const n = BigInt(cents ?? 0);
  const sign = n < 0n ? "-" : "";
  const abs = n < 0n ? -n : n;
  return `${sign}$${(abs / 100n).toLocaleString("en-US")}.${(abs % 100n).toString().padStart(2, "0")}`;
}

/**
 * The amount of a `/pay` command: whole dollars without decimals, else two decimals, no grouping.
 *
 * @param cents - the amount in cents.
 * @returns e.g. `12.34` or `1500`.
 */
export function payAmount(cents: number | string | bigint): string {
  const n = BigInt(cents);
  return n % 100n === 0n ? (n / 100n).toString() : `${n / 100n}.${(n % 100n).toString().padStart(2, "0")}`;
}

/**
 * The fee percentage of a basis-point rate.
 *
 * @param bps - basis points (500 = 5%).
 * @returns e.g. `5%` or `2.5%`.
 */
export function feePercent(bps: number): string {
  return `${(bps / 100).toString()}%`;
}

type Row = ActionRowBuilder<ButtonBuilder>;

/**
 * The persistent public message: title with the server's `:middleman:` emoji when there is one,
 * how it works, the fee, the latest trades' states and the Start Middleman button.
 *
 * @param view - `app_hidden.mm_public`.
 * @param emoji - the server emoji markup (`<:middleman:id>`), or null.
 * @returns embed and button row.
 */
export function publicMessage(view: MmPublicView, emoji: string | null): { embeds: EmbedBuilder[]; components: Row[] } {
  const fee = feePercent(view.fee_bps);
  const latest = view.latest.length
    ? view.latest.map((t) => `Latest: ${t.short_id} — ${STATUS_TEXT[t.status].split(":")[0]} (${when(t.updated_at, "R")})`).join("\n")
    : "No trades yet.";
  const embed = new EmbedBuilder()
    .setColor(COLOURS.info)
    .setTitle(`${emoji ? `${emoji} ` : ""}Middleman / Escrow — Donut SMP`)
    .setDescription(
      [
        "**How it works**",
        "1. Click **Start Middleman**: the bot creates a private trade channel.",
        "2. Tag the person you want to trade with in the private channel.",
        `3. Both of you pay **${view.bot_ign}** the verification amounts shown (the bot fills in a copyable \`/pay\` command).`,
        `4. Once both are verified, the buyer deposits the sale amount to **${view.bot_ign}** (escrow).`,
        `5. The buyer confirms delivery: the bot pays the seller minus the ${fee} fee.`,
        "6. Scammed? Click **Mark as Scammed** to tag support.",
        "",
        `Verification is **only** an exact in-game payment to ${view.bot_ign} (${mcd(view.verification_min)} to ${mcd(view.verification_max)}, random, unique per trade); no codes.`,
      ].join("\n"),
    )
    .addFields(
      { name: "Fee", value: `${fee} of the sale, paid by the seller`, inline: true },
      { name: "Trades", value: `${view.live} live · ${view.completed} completed`, inline: true },
      { name: "Status", value: latest },
    );
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customId("mm", "start", view.guild_id)).setLabel("Start Middleman").setStyle(ButtonStyle.Success).setEmoji("🤝"),
    new ButtonBuilder().setCustomId(customId("mm", "link", view.guild_id)).setLabel("Link Minecraft").setStyle(ButtonStyle.Secondary).setEmoji("🔗"),
  );
  return { embeds: [embed], components: [row] };
}

function lastEvent(view: MmTicketView, kind: string, party?: string): MmEvent | undefined {
  return [...view.events].reverse().find((e) => e.kind === kind && (party === undefined || e.detail.party === party));
}

function paidLine(view: MmTicketView, party: "seller" | "buyer"): string {
  const t = view.trade;
  const amount = party === "seller" ? t.seller_verify_amount : t.buyer_verify_amount;
  if (amount === null) return "Waiting for amounts";
  const ign = party === "seller" ? t.seller_ign : t.buyer_ign;
  const paidAt = party === "seller" ? t.seller_verified_at : t.buyer_verified_at;
  const head = `${ign} must pay ${view.bot_ign}: **${mcd(amount)}**\n\`/pay ${view.bot_ign} ${payAmount(amount)}\``;
  if (!paidAt) return `${head}\n❌ Not paid`;
  const ev = lastEvent(view, "verification_paid", party);
  return `${head}\n✅ Paid ${when(paidAt)}${ev?.raw_line ? `\n> ${ev.raw_line.slice(0, 200)}` : ""}`;
}

/** An evidence event as one line: its note, its link and its uploaded files (name and size, linked). */
function evidenceText(e: MmEvent): string {
  const files = Array.isArray(e.detail.attachments) ? (e.detail.attachments as { url: string; name: string; size: number }[]) : [];
  return [String(e.detail.note ?? ""), e.detail.url ? String(e.detail.url) : "", ...files.map((f) => `[${f.name}](${f.url}) (${Math.max(1, Math.round(Number(f.size) / 1024))} KB)`)]
    .filter((x) => x !== "")
    .join(" ");
}

function reputationLine(r: MmReputation | null): string {
  if (!r) return "";
  return ` · ${r.completed} trade(s), ${mcd(r.volume)} volume, ${r.disputes} dispute(s)`;
}

/**
 * The ticket embed: parties (with IGN and reputation), sale, fee and payout, both verification
 * fields (❌ Not paid / ✅ Paid with the time and the raw line), the deposit, the latest unmatched
 * payments and evidence, and the buttons that fit the state.
 *
 * @param view - `app_hidden.mm_ticket`.
 * @returns content (mentions), embed and component rows.
 */
export function ticketMessage(view: MmTicketView): { content: string; embeds: EmbedBuilder[]; components: ActionRowBuilder<any>[] } {
  const t = view.trade;
  const id = String(t.id);
  const fields: APIEmbedField[] = [];
  const seller = view.seller_discord_id;
  const buyer = view.buyer_discord_id;
  fields.push({
    name: "Parties",
    value: seller
      ? `Seller: ${mention(seller)} (${t.seller_ign})${reputationLine(view.reputation.seller)}\nBuyer: ${mention(buyer)} (${t.buyer_ign})${reputationLine(view.reputation.buyer)}`
      : `Started by ${mention(view.starter_discord_id)}; trading with ${view.counterparty_discord_id ? mention(view.counterparty_discord_id) : "nobody yet: tag the user you want to trade with"}`,
  });
  if (t.sale_amount !== null) {
    fields.push({
      name: "Sale",
      value: `${mcd(t.sale_amount)} · fee ${feePercent(t.fee_bps ?? view.fee_bps)}: ${mcd(t.fee_amount)} · seller gets ${mcd(t.seller_payout)}${t.notes ? `\n${t.notes.slice(0, 300)}` : ""}`,
    });
  }
  fields.push({ name: "Seller verification", value: paidLine(view, "seller"), inline: true });
  fields.push({ name: "Buyer verification", value: paidLine(view, "buyer"), inline: true });
  if (t.status === "awaiting_deposit") {
    fields.push({ name: "Deposit", value: `${t.buyer_ign} deposits **${mcd(t.sale_amount)}**: \`/pay ${view.bot_ign} ${payAmount(t.sale_amount ?? 0)}\`\n❌ Not paid` });
  } else if (t.deposited_at) {
    const ev = lastEvent(view, "deposit_paid");
    fields.push({ name: "Escrow", value: `✅ ${mcd(t.deposit_amount)} held since ${when(t.deposited_at)}${ev?.raw_line ? `\n> ${ev.raw_line.slice(0, 200)}` : ""}` });
  }
  const unmatched = view.events.filter((e) => e.kind === "payment_unmatched").slice(-3);
  if (unmatched.length) {
    fields.push({
      name: "Payments that did not match",
      value: unmatched
        .map((e) => `${String(e.detail.ign)} paid ${mcd(e.detail.amount as number)} (${String(e.detail.why).replaceAll("_", " ")})${e.detail.why === "ign_not_linked" ? ": link it with /link" : ""}`)
        .join("\n"),
    });
  }
  const evidence = view.events.filter((e) => e.kind === "evidence" || e.kind === "evidence_requested").slice(-3);
  if (evidence.length) {
    fields.push({
      name: "Evidence",
      value: evidence
        .map((e) => (e.kind === "evidence" ? `${mention(String(e.actor_discord_id))}: ${evidenceText(e)}` : `Staff ask for evidence: ${String(e.detail.note ?? "")}`).trim())
        .join("\n")
        .slice(0, 1000),
    });
  }
  if (t.outcome) {
    fields.push({ name: "Decision", value: `${t.outcome.decision}: buyer ${mcd(t.outcome.buyer_amount)}, seller ${mcd(t.outcome.seller_amount)}, fee ${mcd(t.outcome.fee)}\n${t.outcome.reason}` });
  }
  if (view.payouts.length) {
    fields.push({ name: "Payouts (/pay)", value: view.payouts.map((p) => `${p.ign}: ${mcd(p.amount)} — ${p.status}`).join("\n") });
  }
  const closed = t.closed_at !== null;
  const embed = new EmbedBuilder()
    .setColor(closed ? (t.status === "completed" ? COLOURS.ok : COLOURS.muted) : t.status === "dispute_open" ? COLOURS.bad : COLOURS.info)
    .setTitle(`Trade ${t.short_id} — ${STATUS_TEXT[t.status]}`)
    .setDescription(
      [
        "1. The starter tags the other trader (menu below).",
        "2. **Generate Verification Amounts**: seller and buyer IGNs (blank: your linked IGN), sale amount, notes.",
        `3. Both pay **${view.bot_ign}** their exact amount (**Copy Pay** gives the command). In-game chat will show: "<your_ign> paid you <amount>".`,
        `4. The buyer deposits the sale amount to ${view.bot_ign}.`,
        "5. The buyer clicks **Confirm Delivery**; the seller is paid by /pay minus the fee.",
      ].join("\n"),
    )
    .addFields(fields)
    .setFooter({ text: `${t.short_id} · opened ${new Date(t.created_at).toISOString().slice(0, 16).replace("T", " ")} UTC` });
  const rows: ActionRowBuilder<any>[] = [];
  const button = (action: string, label: string, style: ButtonStyle, ...extra: string[]) =>
    new ButtonBuilder().setCustomId(customId("mm", action, id, ...extra)).setLabel(label).setStyle(style);
  if (t.status === "open") {
    rows.push(new ActionRowBuilder<UserSelectMenuBuilder>().addComponents(new UserSelectMenuBuilder().setCustomId(customId("mm", "tag", id)).setPlaceholder("Tag the user you want to trade with").setMinValues(1).setMaxValues(1)));
    rows.push(new ActionRowBuilder<ButtonBuilder>().addComponents(button("form", "Generate Verification Amounts", ButtonStyle.Primary), button("cancel", "Cancel Trade", ButtonStyle.Secondary)));
  } else if (t.status === "awaiting_verification") {
    rows.push(
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        button("copy", "Copy Pay (seller)", ButtonStyle.Primary, "seller"),
        button("copy", "Copy Pay (buyer)", ButtonStyle.Primary, "buyer"),
        button("cancel", "Cancel Trade", ButtonStyle.Secondary),
      ),
    );
    rows.push(new ActionRowBuilder<ButtonBuilder>().addComponents(button("evidence", "Attach Evidence", ButtonStyle.Secondary), button("scam", "Mark as Scammed", ButtonStyle.Danger)));
  } else if (t.status === "awaiting_deposit") {
    rows.push(
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        button("copy", "Copy Pay (deposit)", ButtonStyle.Primary, "deposit"),
        button("cancel", "Cancel Trade", ButtonStyle.Secondary),
        button("evidence", "Attach Evidence", ButtonStyle.Secondary),
        button("scam", "Mark as Scammed", ButtonStyle.Danger),
      ),
    );
  } else if (t.status === "in_escrow") {
    rows.push(
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        button("confirm", "Confirm Delivery (buyer)", ButtonStyle.Success),
        button("evidence", "Attach Evidence", ButtonStyle.Secondary),
        button("scam", "Mark as Scammed", ButtonStyle.Danger),
      ),
    );
  } else if (t.status === "dispute_open") {
    rows.push(new ActionRowBuilder<ButtonBuilder>().addComponents(button("evidence", "Attach Evidence", ButtonStyle.Secondary), button("scam", "Mark as Scammed", ButtonStyle.Danger)));
  }
  const pings = [view.starter_discord_id, view.counterparty_discord_id].filter(Boolean).map((d) => mention(d));
  const support = t.status === "dispute_open" && view.discord?.support_role_id ? ` <@&${view.discord.support_role_id}> a trade was marked as scammed.` : "";
  // MM_CONFIRM_REMIND: in escrow too long without a confirmation: remind the buyer, ping staff; nothing is released.
  const reminder =
    t.status === "in_escrow" && lastEvent(view, "reminder")
      ? ` ⏰ ${mention(view.buyer_discord_id)} the deposit has been in escrow since ${when(t.deposited_at)}: confirm delivery or mark as scammed.${view.discord?.support_role_id ? ` <@&${view.discord.support_role_id}>` : ""}`
      : "";
  return { content: `${pings.join(" ")}${support}${reminder}`.trim(), embeds: [embed], components: rows };
}

/**
 * The staff escalation of a disputed trade: all evidence and the staff buttons (Freeze Funds,
 * Request Evidence, Adjudicate → Give Buyer | Give Seller | Split).
 *
 * @param view - `app_hidden.mm_ticket`.
 * @returns content, embed and buttons.
 */
export function disputeMessage(view: MmTicketView): { content: string; embeds: EmbedBuilder[]; components: Row[] } {
  const t = view.trade;
  const id = String(t.id);
  const trail = view.events
    .filter((e) => ["disputed", "frozen", "evidence", "evidence_requested", "verification_paid", "deposit_paid", "payment_unmatched", "adjudicated"].includes(e.kind))
    .map((e) => `${when(e.created_at)} ${e.kind}${e.actor_discord_id ? ` by ${mention(String(e.actor_discord_id))}` : ""}${e.raw_line ? `: \`${e.raw_line.slice(0, 120)}\`` : ""}${e.detail.reason ? `: ${String(e.detail.reason).slice(0, 200)}` : ""}${e.detail.url ? ` ${String(e.detail.url)}` : ""}`)
    .join("\n")
    .slice(-3500);
  const embed = new EmbedBuilder()
    .setColor(t.closed_at ? COLOURS.muted : COLOURS.bad)
    .setTitle(`Dispute: ${t.short_id} — ${STATUS_TEXT[t.status]}`)
    .setDescription(trail || "No evidence yet.")
    .addFields(
      { name: "Seller", value: `${mention(view.seller_discord_id)} (${t.seller_ign})`, inline: true },
      { name: "Buyer", value: `${mention(view.buyer_discord_id)} (${t.buyer_ign})`, inline: true },
      { name: "Escrow", value: t.deposited_at ? mcd(t.deposit_amount) : "no deposit", inline: true },
    );
  const b = (action: string, label: string, style: ButtonStyle, ...extra: string[]) =>
    new ButtonBuilder().setCustomId(customId("mm", action, id, ...extra)).setLabel(label).setStyle(style);
  const components = t.closed_at
    ? []
    : [
        new ActionRowBuilder<ButtonBuilder>().addComponents(
          b("freeze", "Freeze Funds", ButtonStyle.Secondary),
          b("reqev", "Request Evidence", ButtonStyle.Secondary),
          b("adj", "Give Buyer", ButtonStyle.Primary, "buyer"),
          b("adj", "Give Seller", ButtonStyle.Primary, "seller"),
          b("adj", "Split", ButtonStyle.Danger, "split"),
        ),
      ];
  const support = view.discord?.support_role_id ? `<@&${view.discord.support_role_id}> ` : "";
  return { content: `${support}${t.short_id} was marked as scammed.`, embeds: [embed], components };
}

/**
 * The log channel's line for a closed trade; a completed one is the seed's summary.
 *
 * @param view - `app_hidden.mm_ticket`.
 * @returns the message text.
 */
export function logLine(view: MmTicketView): string {
  const t = view.trade;
  const who = `${mention(view.seller_discord_id ?? view.starter_discord_id)} ${mention(view.buyer_discord_id ?? view.counterparty_discord_id)}`;
  switch (t.status) {
    case "completed":
      return `✅ Trade #${t.short_id} completed | Sale: ${mcd(t.sale_amount)} | Fee ${feePercent(t.fee_bps ?? view.fee_bps)}: ${mcd(t.fee_amount)} | Paid to: ${who} | Minecraft: ${t.seller_ign} ↔ ${t.buyer_ign}`;
    case "adjudicated":
      return `⚖️ Trade #${t.short_id} adjudicated (${t.outcome?.decision}) | Buyer: ${mcd(t.outcome?.buyer_amount)} | Seller: ${mcd(t.outcome?.seller_amount)} | Fee: ${mcd(t.outcome?.fee)} | ${who}`;
    default:
      return `Trade #${t.short_id} ${t.status} | ${who}`;
  }
}

/**
 * The transcript of a closed ticket: its whole trail (every event with its time, actor, raw line
 * and evidence), then the messages of its channel when they could be read.
 *
 * @param view - `app_hidden.mm_ticket`.
 * @param messages - the channel's messages, oldest first (author id, content, attachment urls).
 * @returns plain text.
 */
export function transcript(view: MmTicketView, messages: { author: string; content: string; at: string; attachments: string[] }[]): string {
  const t = view.trade;
  const lines = [
    `Transcript of ${t.short_id} (${t.status})`,
    `Seller: ${view.seller_discord_id ?? "-"} ${t.seller_ign ?? ""} · Buyer: ${view.buyer_discord_id ?? "-"} ${t.buyer_ign ?? ""}`,
    `Sale: ${mcd(t.sale_amount)} · Fee: ${mcd(t.fee_amount)} · Payout: ${mcd(t.seller_payout)}`,
    "",
    "== Trail ==",
    ...view.events.map((e) => `${e.created_at} ${e.kind} [${e.actor}${e.actor_discord_id ? ` ${e.actor_discord_id}` : ""}] ${e.raw_line ? `"${e.raw_line}" ` : ""}${JSON.stringify(e.detail)}`),
    "",
    "== Messages ==",
    ...messages.map((m) => `${m.at} ${m.author}: ${m.content}${m.attachments.length ? ` [${m.attachments.join(" ")}]` : ""}`),
  ];
  return lines.join("\n");
}
