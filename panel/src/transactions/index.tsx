import { Datagrid, DateField, DateInput, ExportButton, FunctionField, List, SearchInput, SelectInput, TextField, TextInput, TopToolbar, FilterButton } from "react-admin";
import { CoinsField, MemberField, enumChoices } from "../common/fields.tsx";
import { transactionsCsv } from "../lib/amounts.ts";

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

/** The transaction log: filters by type, member, actor and date; CSV export of the filtered rows. */
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
          <ExportButton maxResults={10000} />
        </TopToolbar>
      }
    >
      <Datagrid bulkActionButtons={false}>
        {transactionColumns}
        <TextField source="actorId" label="Actor" />
        <FunctionField label="Detail" render={(r: Record<string, any>) => (r.meta && Object.keys(r.meta).length ? JSON.stringify(r.meta) : "")} />
      </Datagrid>
    </List>
  );
}
