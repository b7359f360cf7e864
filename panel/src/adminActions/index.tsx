import { Datagrid, DateField, List, SearchInput, SelectInput, TextField, TextInput, DateInput, useRecordContext } from "react-admin";
import { Table, TableBody, TableCell, TableHead, TableRow } from "@mui/material";

/** Keys whose values differ between two snapshots (before/after of an audited change). */
export function changedKeys(before: Record<string, unknown> | null, after: Record<string, unknown> | null): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...keys].filter((k) => JSON.stringify(before?.[k]) !== JSON.stringify(after?.[k])).sort();
}

const show = (v: unknown) => (v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v));

/** The before/after diff of one audited action: the changed keys, old and new values. */
export function JsonDiff() {
  const r = useRecordContext();
  if (!r) return null;
  const before = (r.before ?? null) as Record<string, unknown> | null;
  const after = (r.after ?? null) as Record<string, unknown> | null;
  const keys = changedKeys(before, after);
  return (
    <Table size="small" data-testid="audit-diff">
      <TableHead>
        <TableRow>
          <TableCell>field</TableCell>
          <TableCell>before</TableCell>
          <TableCell>after</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {keys.map((k) => (
          <TableRow key={k}>
            <TableCell>{k}</TableCell>
            <TableCell sx={{ color: "error.main", fontFamily: "monospace" }}>{show(before?.[k])}</TableCell>
            <TableCell sx={{ color: "success.main", fontFamily: "monospace" }}>{show(after?.[k])}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

const filters = [
  <SearchInput key="q" source="q" alwaysOn placeholder="Reason, action or subject id" />,
  <SelectInput
    key="subjectType"
    source="subjectType"
    label="Subject"
    choices={["user", "order", "listing", "reward", "quest", "guild_settings", "pricing_config", "economy_event", "staff_role_mapping", "guild"].map((id) => ({ id, name: id }))}
  />,
  <TextInput key="actorId" source="actorId" label="Actor (Discord id)" />,
  <DateInput key="from" source="createdAt_gte" label="From" />,
  <DateInput key="to" source="createdAt_lte" label="To" />,
];

/** The audit log: every staff action with its reason; expand a row for the before/after diff. */
export function AdminActionList() {
  return (
    <List filters={filters} sort={{ field: "id", order: "DESC" }} perPage={25}>
      <Datagrid bulkActionButtons={false} expand={<JsonDiff />} rowClick="expand">
        <DateField source="createdAt" showTime />
        <TextField source="action" />
        <TextField source="subjectType" label="Subject" />
        <TextField source="subjectId" label="Subject id" />
        <TextField source="actorId" label="By" />
        <TextField source="actorRole" label="Role" />
        <TextField source="reason" />
      </Datagrid>
    </List>
  );
}
