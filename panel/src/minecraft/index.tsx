/**
 * Minecraft money for operators (issue 13): in-game payments (matched, unmatched; assign an
 * unmatched one to a member), payouts by /pay (queued, sent, confirmed, failed; resolve a failed
 * one), IGN links (link, unlink, and their history) and voucher states (never the code). Every action
 * asks for a reason; the SQL rule checks the role and writes the audit row (see the Audit log).
 */
import { Datagrid, DateField, FunctionField, List, SelectInput, TextField, TextInput, usePermissions, useRecordContext } from "react-admin";
import { gql } from "../lib/api.ts";
import { can } from "../lib/permissions.ts";
import { ActionDialog } from "../common/ActionDialog.tsx";
import { MemberField, StatusChip, enumChoices } from "../common/fields.tsx";
import { formatMcd } from "../mmTrades/index.tsx";

function Mcd({ source, label }: { source: string; label?: string }) {
  return <FunctionField source={source} label={label} render={(r: Record<string, unknown>) => formatMcd(r[source])} />;
}

/** Assign an unmatched payment (OPERATOR+): the member is named by Discord id. */
function PaymentActions() {
  const r = useRecordContext();
  const { permissions } = usePermissions();
  if (!r || String(r.status).toLowerCase() !== "unmatched" || !can(permissions, "assignPayment")) return null;
  return (
    <span onClick={(e) => e.stopPropagation()}>
      <ActionDialog
        label="Assign"
        testId="mc-assign"
        title={`Assign payment #${r.id} (${String(r.payerIgn)})`}
        description="Credits the amount from the guild's MCD treasury to the member who paid (check who paid first)."
        fields={[{ name: "discordId", label: "Member's Discord id" }]}
        run={(v) =>
          gql(`mutation($id: BigInt!, $d: BigInt!, $reason: String!) { assignPayment(input: { paymentId: $id, discordId: $d, reason: $reason }) { minecraftPayment { id } } }`, {
            id: r.id,
            d: v.discordId,
            reason: v.reason,
          })
        }
        success="Payment assigned"
      />
    </span>
  );
}

/** In-game payments to the bot, newest first. */
export function MinecraftPaymentList() {
  return (
    <List
      filters={[<SelectInput key="status" source="status" choices={enumChoices(["credited", "unmatched", "duplicate"])} alwaysOn />, <TextInput key="q" source="q" label="Payer IGN" alwaysOn />]}
      sort={{ field: "id", order: "DESC" }}
    >
      <Datagrid bulkActionButtons={false}>
        <TextField source="id" />
        <DateField source="seenAt" showTime label="Seen" />
        <TextField source="payerIgn" label="Payer IGN" />
        <Mcd source="amount" />
        <StatusChip source="status" />
        <MemberField source="user" label="Member" />
        <TextField source="rawLine" label="Raw line" />
        <TextField source="source" />
        <PaymentActions />
      </Datagrid>
    </List>
  );
}

/** Resolve a failed payout (ADMIN+) after checking in game: paid, or not paid (money back to the wallet). */
function PayoutActions() {
  const r = useRecordContext();
  const { permissions } = usePermissions();
  if (!r || String(r.status).toLowerCase() !== "failed" || r.resolvedBy || !can(permissions, "resolvePayout")) return null;
  const resolve = (paid: boolean) => (v: Record<string, string>) =>
    gql(`mutation($id: BigInt!, $paid: Boolean!, $reason: String!) { resolvePayout(input: { payoutId: $id, paid: $paid, reason: $reason }) { minecraftPayout { id } } }`, {
      id: r.id,
      paid,
      reason: v.reason,
    });
  return (
    <span onClick={(e) => e.stopPropagation()}>
      <ActionDialog label="Paid" testId="mc-resolve-paid" title={`Payout #${r.id}: the player was paid`} description="Posts the hold: the payout is confirmed." run={resolve(true)} success="Payout confirmed" />
      <ActionDialog
        label="Not paid"
        testId="mc-resolve-unpaid"
        color="warning"
        title={`Payout #${r.id}: the player was not paid`}
        description="Voids the hold: the amount goes back to the member's MCD wallet."
        run={resolve(false)}
        success="Payout returned to the wallet"
      />
    </span>
  );
}

/** Payouts by /pay, newest first. */
export function MinecraftPayoutList() {
  return (
    <List
      filters={[<SelectInput key="status" source="status" choices={enumChoices(["queued", "sent", "confirmed", "failed"])} alwaysOn />, <TextInput key="q" source="q" label="IGN" alwaysOn />]}
      sort={{ field: "id", order: "DESC" }}
    >
      <Datagrid bulkActionButtons={false}>
        <TextField source="id" />
        <DateField source="createdAt" showTime />
        <MemberField source="user" label="Member" />
        <TextField source="ign" label="IGN" />
        <Mcd source="amount" />
        <StatusChip source="status" />
        <TextField source="kind" />
        <TextField source="confirmationLine" label="Confirmation" />
        <TextField source="failure" />
        <TextField source="resolvedBy" label="Resolved by" />
        <PayoutActions />
      </Datagrid>
    </List>
  );
}

/** Unlink (OPERATOR+) a member's IGN. */
function LinkActions() {
  const r = useRecordContext();
  const { permissions } = usePermissions();
  if (!r || !can(permissions, "manageLinks")) return null;
  const user = r.user as { discordId?: string } | undefined;
  return (
    <span onClick={(e) => e.stopPropagation()}>
      <ActionDialog
        label="Unlink"
        testId="mc-unlink"
        color="warning"
        title={`Unlink ${String(r.ign)}`}
        description="Refused while a live middleman trade or a payout still needs the name."
        run={(v) => gql(`mutation($d: BigInt!, $reason: String!) { unlinkMinecraft(input: { discordId: $d, reason: $reason }) { minecraftLink { id } } }`, { d: user?.discordId, reason: v.reason })}
        success="Unlinked"
      />
    </span>
  );
}

/** Link a member (OPERATOR+) to an IGN after checking it. */
function LinkCreate() {
  const { permissions } = usePermissions();
  if (!can(permissions, "manageLinks")) return null;
  return (
    <ActionDialog
      label="Link a member"
      testId="mc-link"
      title="Link a member to their Minecraft name"
      fields={[
        { name: "discordId", label: "Member's Discord id" },
        { name: "ign", label: "Minecraft name" },
      ]}
      run={(v) => gql(`mutation($d: BigInt!, $ign: String!, $reason: String!) { linkMinecraft(input: { discordId: $d, ign: $ign, reason: $reason }) { minecraftLink { id } } }`, { d: v.discordId, ign: v.ign, reason: v.reason })}
      success="Linked"
    />
  );
}

/** Current IGN links. */
export function MinecraftLinkList() {
  return (
    <List filters={[<TextInput key="q" source="q" label="IGN" alwaysOn />]} sort={{ field: "id", order: "DESC" }} actions={<LinkCreate />}>
      <Datagrid bulkActionButtons={false}>
        <MemberField source="user" label="Member" />
        <TextField source="ign" label="IGN" />
        <DateField source="linkedAt" showTime label="Linked" />
        <LinkActions />
      </Datagrid>
    </List>
  );
}

/** Every link change: who, how, why. */
export function MinecraftLinkHistoryList() {
  return (
    <List
      filters={[
        <SelectInput key="action" source="action" choices={["linked", "relinked", "unlinked"].map((v) => ({ id: v, name: v }))} alwaysOn />,
        <TextInput key="q" source="q" label="IGN" alwaysOn />,
      ]}
      sort={{ field: "id", order: "DESC" }}
    >
      <Datagrid bulkActionButtons={false}>
        <DateField source="at" showTime />
        <MemberField source="user" label="Member" />
        <TextField source="action" />
        <TextField source="previousIgn" label="Previous IGN" />
        <TextField source="ign" label="IGN" />
        <TextField source="via" />
        <TextField source="actorDiscordId" label="By" />
        <TextField source="reason" />
      </Datagrid>
    </List>
  );
}

/** Voucher states (the codes are never shown to staff). */
export function VoucherList() {
  return (
    <List filters={[<SelectInput key="status" source="status" choices={enumChoices(["pending", "redeemed", "void"])} alwaysOn />]} sort={{ field: "issuedAt", order: "DESC" }}>
      <Datagrid bulkActionButtons={false}>
        <TextField source="orderId" label="Order" />
        <MemberField source="buyer" label="Buyer" />
        <StatusChip source="status" />
        <DateField source="issuedAt" showTime label="Issued" />
        <DateField source="expiresAt" showTime label="Expires" />
        <DateField source="redeemedAt" showTime label="Redeemed" />
        <TextField source="redeemedBy" label="Redeemed by" />
      </Datagrid>
    </List>
  );
}
