import { Datagrid, DateField, DateInput, FunctionField, List, SearchInput, SelectInput, TextField, TextInput, TopToolbar, FilterButton, useGetManyAggregate, useRecordContext } from "react-admin";
import { CoinsField, MemberField, enumChoices } from "../common/fields.tsx";
import { formatMoney, transactionsCsv } from "../lib/amounts.ts";
import { session } from "../lib/api.ts";
import { describeMeta } from "./meta.ts";
import { ArchiveButton, FullExportButton, ValidateLedgerButton } from "./tools.tsx";

const TYPES = enumChoices(["earn", "spend", "list", "buy", "fulfil", "refund", "flag"]);

const filters = [
  <SearchInput key="q" source="q" alwaysOn placeholder="Reason" />,
  <SelectInput key="type" source="type" choices={TYPES} alwaysOn />,
  <TextInput key="actorId" source="actorId" label="Actor (Discord id)" />,
  <TextInput key="userId" source="userId" label="Member (internal id)" />,
  <DateInput key="from" source="createdAt_gte" label="From" alwaysOn />,
  <DateInput key="to" source="createdAt_lte" label="To" alwaysOn />,
];

/** CSV rows: flat, each amount a decimal in its currency's unit beside the currency ({@link transactionsCsv}). */
function exporter(records: Record<string, any>[]) {
  const blob = new Blob([transactionsCsv(records)], { type: "text/csv" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = `transactions-${new Date().toISOString().slice(0, 10)}.csv`;
  a.click();
}

/**
 * Who acted, by name: the member or counterparty of the row when it is one of them, else the member
 * with that Discord id, else the signed-in staff member's own Discord name, else "staff" (staff who
 * are not members have no name in the database).
 */
function ActorField(_: { label?: string }) {
  const r = useRecordContext();
  const actor = r?.actorId ? String(r.actorId) : undefined;
  const known = [r?.user, r?.counterparty].find((m) => m && String(m.discordId) === actor) as { displayName?: string } | undefined;
  const { data } = useGetManyAggregate("usersByDiscordId", { ids: actor && !known ? [actor] : [] }, { enabled: Boolean(actor && !known) });
  if (!actor) return null;
  const me = session();
  const name = known?.displayName ?? (data?.[0]?.displayName as string | undefined) ?? (me?.discordId === actor ? (me.displayName ?? undefined) : undefined);
  const role = r?.meta?.actor_role as string | undefined;
  return <span title={`Discord id ${actor}`}>{name ?? (role ? `staff (${role})` : "staff")}</span>;
}

/**
 * The columns every transaction table shows (the log here, a member's activity on their page), as an
 * array so that Datagrid sees each column as its own child.
 */
export const transactionColumns = [
  <DateField key="createdAt" source="createdAt" showTime />,
  <TextField key="type" source="type" />,
  <TextField key="reason" source="reason" />,
  <CoinsField key="amount" source="amount" currencySource="currency" />,
  <MemberField key="user" source="user" label="Member" />,
  <MemberField key="counterparty" source="counterparty" label="Counterparty" />,
];

/**
 * The transaction log: filters by type, member, actor and date; CSV export of the filtered rows (live and
 * archived); Validate (verify_ledger) and Archive (issue 14).
 */
export function TransactionList() {
  return (
    <List
      filters={filters}
      sort={{ field: "seq", order: "DESC" }}
      perPage={25}
      exporter={exporter}
      actions={
        <TopToolbar>
          <FilterButton />
          <FullExportButton />
          <ValidateLedgerButton />
          <ArchiveButton />
        </TopToolbar>
      }
    >
      <Datagrid bulkActionButtons={false}>
        {transactionColumns}
        <ActorField label="Actor" />
        <FunctionField label="Detail" render={(r: Record<string, any>) => describeMeta(r.meta, r, (v) => formatMoney(v, r.currency))} />
      </Datagrid>
    </List>
  );
}
