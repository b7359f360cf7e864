/**
 * The Middleman resource (issue 13): trades with filters by status, party and date; a trade page
 * with its mm_events timeline (raw chat lines, evidence, who did what) and its ledger postings;
 * staff actions (freeze: SUPPORT+, adjudicate: ADMIN+) gated as the database gates them.
 */
import {
  Datagrid,
  DateField,
  DateInput,
  FunctionField,
  List,
  Pagination,
  ReferenceManyField,
  SelectInput,
  Show,
  SimpleShowLayout,
  TextField,
  TextInput,
  usePermissions,
  useRecordContext,
} from "react-admin";
import { Typography } from "@mui/material";
import { gql } from "../lib/api.ts";
import { can } from "../lib/permissions.ts";
import { ActionDialog } from "../common/ActionDialog.tsx";
import { MemberField, StatusChip, enumChoices } from "../common/fields.tsx";

/** MCD cents (sent as strings) as dollars: `$1,500.00`. */
export function formatMcd(v: unknown): string {
  if (v === null || v === undefined || v === "") return "";
  try {
    const n = BigInt(String(v));
    const abs = n < 0n ? -n : n;
    return `${n < 0n ? "-" : ""}$${(abs / 100n).toLocaleString("en-US")}.${(abs % 100n).toString().padStart(2, "0")} MCD`;
  } catch {
    return String(v);
  }
}

function McdField({ source, label }: { source: string; label?: string }) {
  return <FunctionField source={source} label={label} render={(r: Record<string, unknown>) => formatMcd(r[source])} />;
}

export const MM_STATUSES = ["open", "awaiting_verification", "awaiting_deposit", "in_escrow", "completed", "cancelled", "expired", "dispute_open", "adjudicated"];

const filters = [
  <SelectInput key="status" source="status" choices={enumChoices(MM_STATUSES)} alwaysOn />,
  <TextInput key="q" source="q" label="Party IGN" alwaysOn />,
  <DateInput key="from" source="createdAt_gte" label="From" />,
  <DateInput key="to" source="createdAt_lte" label="To" />,
];

/** Freeze (SUPPORT+) a live trade and adjudicate (ADMIN+) a disputed one, each with a reason. */
function TradeActions() {
  const r = useRecordContext();
  const { permissions } = usePermissions();
  if (!r) return null;
  const status = String(r.status).toLowerCase();
  return (
    <span onClick={(e) => e.stopPropagation()}>
      {can(permissions, "freezeTrade") && ["awaiting_verification", "awaiting_deposit", "in_escrow"].includes(status) && (
        <ActionDialog
          label="Freeze"
          testId="mm-freeze"
          color="warning"
          title={`Freeze ${r.shortId}`}
          description="Opens a dispute: nothing is released until an ADMIN adjudicates."
          run={(v) => gql(`mutation($id: BigInt!, $reason: String!) { mmFreeze(input: { tradeId: $id, reason: $reason }) { mmTrade { id } } }`, { id: r.id, reason: v.reason })}
          success="Trade frozen"
        />
      )}
      {can(permissions, "adjudicateTrade") && status === "dispute_open" && (
        <ActionDialog
          label="Adjudicate"
          testId="mm-adjudicate"
          color="error"
          title={`Adjudicate ${r.shortId}`}
          description="decision: buyer (all back, no fee), seller (as a completion, fee charged) or split (the buyer's amount in cents; the fee on the seller's share)."
          fields={[
            { name: "decision", label: "Decision (buyer, seller or split)", defaultValue: "split" },
            { name: "buyerAmount", label: "Buyer's amount for a split (cents)", type: "number" },
          ]}
          run={(v) =>
            gql(`mutation($id: BigInt!, $d: String!, $b: BigInt, $reason: String!) { mmAdjudicate(input: { tradeId: $id, decision: $d, buyerAmount: $b, reason: $reason }) { mmTrade { id } } }`, {
              id: r.id,
              d: v.decision,
              b: v.buyerAmount ? v.buyerAmount : null,
              reason: v.reason,
            })
          }
          success="Trade adjudicated"
        />
      )}
    </span>
  );
}

/** Middleman trades, newest first. */
export function MmTradeList() {
  return (
    <List filters={filters} sort={{ field: "createdAt", order: "DESC" }}>
      <Datagrid bulkActionButtons={false} rowClick="show">
        <TextField source="shortId" label="Trade" sortable={false} />
        <DateField source="createdAt" showTime />
        <StatusChip source="status" />
        <MemberField source="seller" label="Seller" />
        <TextField source="sellerIgn" label="Seller IGN" />
        <MemberField source="buyer" label="Buyer" />
        <TextField source="buyerIgn" label="Buyer IGN" />
        <McdField source="saleAmount" label="Sale" />
        <McdField source="feeAmount" label="Fee" />
        <TradeActions />
      </Datagrid>
    </List>
  );
}

/** The trade's trail: every transition and payment with its raw line and evidence. */
function Timeline() {
  const r = useRecordContext();
  if (!r) return null;
  return (
    <ReferenceManyField reference="mmEvents" target="tradeId" perPage={50} pagination={<Pagination />} sort={{ field: "id", order: "ASC" }}>
      <Datagrid bulkActionButtons={false}>
        <DateField source="createdAt" showTime />
        <TextField source="kind" />
        <TextField source="actor" />
        <TextField source="actorDiscordId" label="By" />
        <TextField source="rawLine" label="Raw line" />
        <FunctionField label="Detail" render={(e: Record<string, unknown>) => JSON.stringify(e.detail)} />
      </Datagrid>
    </ReferenceManyField>
  );
}

/** One trade: parties, money, the outcome, the timeline. */
export function MmTradeShow() {
  return (
    <Show actions={<TradeActions />}>
      <SimpleShowLayout>
        <TextField source="shortId" label="Trade" />
        <StatusChip source="status" />
        <MemberField source="seller" label="Seller" />
        <TextField source="sellerIgn" label="Seller IGN" />
        <MemberField source="buyer" label="Buyer" />
        <TextField source="buyerIgn" label="Buyer IGN" />
        <McdField source="saleAmount" label="Sale" />
        <McdField source="feeAmount" label="Fee" />
        <McdField source="sellerPayout" label="Seller payout" />
        <McdField source="sellerVerifyAmount" label="Seller verification" />
        <DateField source="sellerVerifiedAt" showTime label="Seller verified" />
        <McdField source="buyerVerifyAmount" label="Buyer verification" />
        <DateField source="buyerVerifiedAt" showTime label="Buyer verified" />
        <McdField source="depositAmount" label="Escrow deposit" />
        <FunctionField label="Outcome" render={(r: Record<string, unknown>) => (r.outcome ? JSON.stringify(r.outcome) : "")} />
        <TextField source="notes" />
        <Typography variant="h6">Timeline</Typography>
        <Timeline />
      </SimpleShowLayout>
    </Show>
  );
}
