import { Datagrid, DateField, FunctionField, List, SearchInput, SelectInput, NullableBooleanInput, TextField, usePermissions, useRecordContext, useNotify, useRefresh, Button } from "react-admin";
import { gql } from "../lib/api.ts";
import { can } from "../lib/permissions.ts";
import { StatusChip, enumChoices } from "../common/fields.tsx";

function Acknowledge() {
  const r = useRecordContext();
  const { permissions } = usePermissions();
  const notify = useNotify();
  const refresh = useRefresh();
  if (!r || r.acknowledgedAt || !can(permissions, "acknowledgeAlert")) return null;
  return (
    <Button
      label="Acknowledge"
      onClick={async (e) => {
        e.stopPropagation();
        try {
          await gql(`mutation($id: BigInt!) { acknowledgeAlert(input: { alertId: $id }) { opsAlert { id } } }`, { id: r.id });
          refresh();
        } catch (err) {
          notify((err as Error).message, { type: "error" });
        }
      }}
    />
  );
}

const filters = [
  <SearchInput key="q" source="q" alwaysOn placeholder="Message" />,
  <SelectInput key="severity" source="severity" choices={enumChoices(["info", "warning", "critical"])} alwaysOn />,
  <NullableBooleanInput key="open" source="acknowledgedAt_isnull" label="Open only" />,
];

/** Ops alerts (ledger violations, failed fulfilments, crashes, high-value trades); acknowledge them. */
export function OpsAlertList() {
  return (
    <List filters={filters} sort={{ field: "id", order: "DESC" }}>
      <Datagrid bulkActionButtons={false}>
        <DateField source="createdAt" showTime />
        <StatusChip source="severity" />
        <TextField source="kind" />
        <TextField source="message" />
        <FunctionField label="Detail" render={(r: Record<string, unknown>) => JSON.stringify(r.detail)} />
        <DateField source="acknowledgedAt" showTime />
        <Acknowledge />
      </Datagrid>
    </List>
  );
}
