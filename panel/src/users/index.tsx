import {
  BooleanField,
  BooleanInput,
  Datagrid,
  DateField,
  FunctionField,
  List,
  NumberField,
  ReferenceManyField,
  SearchInput,
  Show,
  Tab,
  TabbedShowLayout,
  TextField,
  TopToolbar,
  useGetList,
  usePermissions,
  useRecordContext,
  Pagination,
} from "react-admin";
import { Typography } from "@mui/material";
import { gql } from "../lib/api.ts";
import { can } from "../lib/permissions.ts";
import { ActionDialog } from "../common/ActionDialog.tsx";
import { CoinsField, StatusChip } from "../common/fields.tsx";
import { formatMoney } from "../lib/amounts.ts";
import { JsonDiff } from "../adminActions/index.tsx";
import { transactionColumns } from "../transactions/index.tsx";

const filters = [<SearchInput key="q" source="q" alwaysOn placeholder="Name or Discord id" />, <BooleanInput key="frozen" source="frozen" label="Frozen" />];

/** Members of the guild: search by name or Discord id, server-side paging and sorting. */
export function UserList() {
  return (
    <List filters={filters} sort={{ field: "displayName", order: "ASC" }} perPage={25}>
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextField source="displayName" label="Member" />
        <TextField source="discordId" label="Discord id" />
        <CoinsField source="walletBalance" label="Wallet" sortable={false} />
        <CoinsField source="escrowBalance" label="Escrow" sortable={false} />
        <NumberField source="streakDays" label="Streak" />
        <BooleanField source="frozen" />
        <BooleanField source="isBot" label="Bot" />
        <DateField source="createdAt" label="Joined" />
        <DateField source="lastActiveAt" label="Last active" sortable={false} />
        <DateField source="deactivatedAt" label="Deactivated" emptyText="" />
      </Datagrid>
    </List>
  );
}

/** Staff actions on a member, as the role allows: adjust, freeze, unfreeze (each with a reason). */
function UserActions() {
  const record = useRecordContext();
  const { permissions } = usePermissions();
  if (!record) return null;
  const discordId = String(record.discordId);
  return (
    <TopToolbar>
      {can(permissions, "adjustBalance") && (
        <ActionDialog
          label="Adjust balance"
          testId="adjust-balance"
          title={`Adjust the wallet of ${record.displayName || discordId}`}
          description="A positive amount credits coins (minted); a negative one debits them (never below zero)."
          fields={[{ name: "delta", label: "Amount in coins (e.g. 250 or -100)", type: "number" }]}
          run={(v, key) =>
            gql(`mutation($d: BigInt!, $delta: BigInt!, $reason: String!, $key: String) { adminAdjust(input: { discordId: $d, delta: $delta, reason: $reason, idempotencyKey: $key }) { adminAction { id } } }`, { d: discordId, delta: v.delta, reason: v.reason, key }, { idempotencyKey: key })
          }
          success="Balance adjusted"
        />
      )}
      {!record.frozen && can(permissions, "freeze") && (
        <ActionDialog
          label="Freeze"
          testId="freeze"
          color="warning"
          title={`Freeze ${record.displayName || discordId}`}
          description="A frozen member can neither send nor receive coins until unfrozen."
          run={(v, key) => gql(`mutation($d: BigInt!, $reason: String!, $key: String) { freezeUser(input: { discordId: $d, reason: $reason, idempotencyKey: $key }) { adminAction { id } } }`, { d: discordId, reason: v.reason, key }, { idempotencyKey: key })}
          success="Member frozen"
        />
      )}
      {!record.deactivatedAt && can(permissions, "deactivateMembers") && (
        <ActionDialog
          label="Deactivate"
          testId="deactivate"
          color="warning"
          title={`Deactivate ${record.displayName || discordId}`}
          description="Cleanup of an inactive member: their balance and history stay; reactivate them at any time."
          run={(v, key) => gql(`mutation($d: BigInt!, $reason: String!, $key: String!) { deactivateMember(input: { discordId: $d, reason: $reason, idempotencyKey: $key }) { adminAction { id } } }`, { d: discordId, reason: v.reason, key }, { idempotencyKey: key })}
          success="Member deactivated"
        />
      )}
      {record.deactivatedAt && can(permissions, "deactivateMembers") && (
        <ActionDialog
          label="Reactivate"
          testId="reactivate"
          title={`Reactivate ${record.displayName || discordId}`}
          run={(v, key) => gql(`mutation($d: BigInt!, $reason: String!, $key: String!) { reactivateMember(input: { discordId: $d, reason: $reason, idempotencyKey: $key }) { adminAction { id } } }`, { d: discordId, reason: v.reason, key }, { idempotencyKey: key })}
          success="Member reactivated"
        />
      )}
      {record.frozen && can(permissions, "unfreeze") && (
        <ActionDialog
          label="Unfreeze"
          testId="unfreeze"
          title={`Unfreeze ${record.displayName || discordId}`}
          run={(v, key) => gql(`mutation($d: BigInt!, $reason: String!, $key: String) { unfreezeUser(input: { discordId: $d, reason: $reason, idempotencyKey: $key }) { adminAction { id } } }`, { d: discordId, reason: v.reason, key }, { idempotencyKey: key })}
          success="Member unfrozen"
        />
      )}
    </TopToolbar>
  );
}

/**
 * What a member's tab says when it has no rows. The tabs filter by the member, but that filter is
 * not one the reader set, so react-admin's "no results with the current filters: clear filters"
 * would be wrong (clearing it would show everybody's rows).
 */
function Empty({ text }: { text: string }) {
  return (
    <Typography variant="body2" color="text.secondary" sx={{ p: 2 }}>
      {text}
    </Typography>
  );
}

/** The member's ledger entries: every posting on any of their accounts. */
function LedgerEntries() {
  const record = useRecordContext();
  const { data: accounts } = useGetList("accounts", { filter: { userId: record?.id }, pagination: { page: 1, perPage: 10 } }, { enabled: Boolean(record) });
  const ids = (accounts ?? []).map((a) => a.id);
  if (!record || !accounts) return null;
  const kindOf = (id: unknown) => accounts.find((a) => String(a.id) === String(id))?.kind as string | undefined;
  return (
    <>
      <p>
        Accounts:{" "}
        {accounts.map((a) => (
          <span key={String(a.id)} style={{ marginRight: 16 }}>
            {a.kind} {formatMoney(a.balance, a.currency)}
          </span>
        ))}
      </p>
      <ReferenceManyField reference="transfers" target="or" source="id" record={{ id: ids.flatMap((id) => [{ debitAccountId: { equalTo: id } }, { creditAccountId: { equalTo: id } }]) } as never} pagination={<Pagination />} perPage={10} sort={{ field: "id", order: "DESC" }}>
        <Datagrid bulkActionButtons={false} empty={<Empty text="No ledger posting on this member's accounts yet." />}>
          <TextField source="id" label="Posting" />
          <DateField source="createdAt" showTime />
          <FunctionField label="Direction" render={(t: Record<string, unknown>) => (kindOf(t.creditAccountId) ? `in → ${kindOf(t.creditAccountId)}` : `out of ${kindOf(t.debitAccountId)}`)} />
          <CoinsField source="amount" currencySource="currency" />
          <TextField source="reason" />
          <StatusChip source="status" />
        </Datagrid>
      </ReferenceManyField>
    </>
  );
}

/** One member: summary, activity (their transactions), ledger entries, and the audit trail about them. */
export function UserShow() {
  return (
    <Show actions={<UserActions />}>
      <TabbedShowLayout>
        <Tab label="Summary">
          <TextField source="displayName" />
          <TextField source="discordId" />
          <CoinsField source="walletBalance" label="Wallet" />
          <CoinsField source="escrowBalance" label="Escrow" />
          <CoinsField source="lifetimeEarned" label="Lifetime earned" />
          <CoinsField source="lifetimeSpent" label="Lifetime spent" />
          <NumberField source="streakDays" />
          <DateField source="lastDailyAt" showTime />
          <BooleanField source="frozen" />
          <DateField source="createdAt" showTime />
          <DateField source="lastActiveAt" label="Last active" showTime />
          <DateField source="deactivatedAt" label="Deactivated" showTime emptyText="active" />
        </Tab>
        <Tab label="Tasks" path="tasks">
          <MemberTasks />
        </Tab>
        <Tab label="Activity" path="activity">
          <Activity />
        </Tab>
        <Tab label="Ledger" path="ledger">
          <LedgerEntries />
        </Tab>
        <Tab label="Audit" path="audit">
          <AuditAbout />
        </Tab>
      </TabbedShowLayout>
    </Show>
  );
}

/** The member's transactions: those about them and those where they are the counterparty (gives received). */
function Activity() {
  const record = useRecordContext();
  if (!record) return null;
  return (
    <ReferenceManyField reference="transactions" target="or" source="id" record={{ id: [{ userId: { equalTo: record.id } }, { counterpartyId: { equalTo: record.id } }] } as never} pagination={<Pagination />} perPage={10} sort={{ field: "seq", order: "DESC" }}>
      <Datagrid bulkActionButtons={false} empty={<Empty text="No transaction involves this member yet." />}>
        {transactionColumns}
      </Datagrid>
    </ReferenceManyField>
  );
}

/** The member's task claims (issue 14): status, deadline, proof and review. */
function MemberTasks() {
  const record = useRecordContext();
  if (!record) return null;
  return (
    <ReferenceManyField reference="taskClaims" target="userId" perPage={10} pagination={<Pagination />} sort={{ field: "id", order: "DESC" }}>
      <Datagrid bulkActionButtons={false} empty={<Empty text="This member has not claimed any task yet." />} data-testid="member-tasks">
        <FunctionField label="Task" render={(c: Record<string, any>) => c.task?.name ?? c.taskId} />
        <StatusChip source="status" />
        <DateField source="claimedAt" showTime />
        <DateField source="deadline" showTime />
        <DateField source="submittedAt" showTime emptyText="" />
        <DateField source="reviewedAt" showTime emptyText="" />
        <TextField source="reviewNote" emptyText="" />
        <FunctionField label="Reward" render={(c: Record<string, any>) => (c.task ? formatMoney(c.task.reward) : "")} />
      </Datagrid>
    </ReferenceManyField>
  );
}

function AuditAbout() {
  const record = useRecordContext();
  if (!record) return null;
  return (
    <ReferenceManyField reference="adminActions" target="subjectId" record={{ id: String(record.discordId) } as never} filter={{ subjectType: "user" }} perPage={10} pagination={<Pagination />} sort={{ field: "id", order: "DESC" }}>
      <Datagrid bulkActionButtons={false} expand={<JsonDiff />} empty={<Empty text="No staff action about this member yet." />}>
        <DateField source="createdAt" showTime />
        <TextField source="action" />
        <TextField source="actorId" label="By" />
        <TextField source="reason" />
      </Datagrid>
    </ReferenceManyField>
  );
}
