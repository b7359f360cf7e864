import { BooleanField, Datagrid, DateField, FunctionField, List, TextField, TopToolbar, usePermissions, useRecordContext } from "react-admin";
import { gql } from "../lib/api.ts";
import { can } from "../lib/permissions.ts";
import { ActionDialog } from "../common/ActionDialog.tsx";

const describe = (kind: string, value: unknown) =>
  kind === "daily_multiplier" ? `daily reward × ${Number(value)}` : kind === "shop_discount" ? `shop −${Math.round(Number(value) * 100)} %` : String(value);

/** Starts an event (ADMIN+): a daily-reward multiplier or a shop discount for a time window. */
function StartEvent() {
  const { permissions } = usePermissions();
  if (!can(permissions, "manageEvents")) return null;
  const inAWeek = new Date(Date.now() + 7 * 86400_000).toISOString().slice(0, 16);
  return (
    <TopToolbar>
      <ActionDialog
        label="Start event"
        testId="start-event"
        title="Start an economy event"
        description="kind daily_multiplier: value is the factor (e.g. 2 doubles daily rewards, up to 10). kind shop_discount: value is the fraction off (e.g. 0.25 for 25 %, up to 0.9)."
        fields={[
          { name: "title", label: "Title", defaultValue: "Double daily weekend" },
          { name: "kind", label: "Kind (daily_multiplier or shop_discount)", defaultValue: "daily_multiplier" },
          { name: "value", label: "Value", type: "number", defaultValue: "2" },
          { name: "endsAt", label: "Ends at (local time)", type: "datetime-local", defaultValue: inAWeek },
        ]}
        run={(v) =>
          gql(
            `mutation($kind: String!, $value: BigFloat!, $title: String!, $endsAt: Datetime!, $reason: String!) { startEvent(input: { kind: $kind, value: $value, title: $title, endsAt: $endsAt, reason: $reason }) { economyEvent { id } } }`,
            { kind: v.kind, value: v.value, title: v.title, endsAt: new Date(v.endsAt).toISOString(), reason: v.reason },
          )
        }
        success="Event started"
      />
    </TopToolbar>
  );
}

function StopEvent() {
  const r = useRecordContext();
  const { permissions } = usePermissions();
  if (!r || r.stoppedAt || new Date(String(r.endsAt)) <= new Date() || !can(permissions, "manageEvents")) return null;
  return (
    <ActionDialog
      label="Stop"
      testId="stop-event"
      color="error"
      title={`Stop “${r.title}”`}
      description="The modifier stops applying at once."
      run={(v) => gql(`mutation($id: BigInt!, $reason: String!) { stopEvent(input: { eventId: $id, reason: $reason }) { economyEvent { id } } }`, { id: r.id, reason: v.reason })}
      success="Event stopped"
    />
  );
}

/** Economy events: time-boxed modifiers the SQL rules apply while active. */
export function EventList() {
  return (
    <List actions={<StartEvent />} empty={false} sort={{ field: "startsAt", order: "DESC" }}>
      <Datagrid bulkActionButtons={false}>
        <TextField source="title" />
        <FunctionField label="Effect" render={(r: Record<string, unknown>) => describe(String(r.kind), r.value)} />
        <DateField source="startsAt" showTime />
        <DateField source="endsAt" showTime />
        <BooleanField source="active" sortable={false} />
        <DateField source="stoppedAt" showTime />
        <StopEvent />
      </Datagrid>
    </List>
  );
}
