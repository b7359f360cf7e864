import { Datagrid, DateField, FunctionField, List, SelectInput, TextField, usePermissions, useRecordContext } from "react-admin";
import { gql } from "../lib/api.ts";
import { can } from "../lib/permissions.ts";
import { ActionDialog } from "../common/ActionDialog.tsx";
import { CoinsField, MemberField, StatusChip, enumChoices } from "../common/fields.tsx";

const filters = [
  <SelectInput key="status" source="status" choices={enumChoices(["pending", "fulfilled", "refunded", "cancelled"])} alwaysOn />,
  <SelectInput key="kind" source="kind" choices={enumChoices(["shop", "market"])} alwaysOn />,
];

/** Staff actions on a pending order: force fulfil (OPERATOR+) and refund (SUPPORT+), each with a reason. */
function OrderActions() {
  const r = useRecordContext();
  const { permissions } = usePermissions();
  if (!r || r.status !== "PENDING") return null;
  return (
    <span onClick={(e) => e.stopPropagation()}>
      {can(permissions, "fulfilOrder") && (
        <ActionDialog
          label="Fulfil"
          testId="fulfil-order"
          title="Force fulfilment"
          description="Settles the escrow (to the treasury or the seller, minus the fee) and delivers the items."
          run={(v) => gql(`mutation($id: UUID!, $reason: String!) { fulfilOrder(input: { orderId: $id, reason: $reason }) { order { orderId } } }`, { id: r.orderId, reason: v.reason })}
          success="Order fulfilled"
        />
      )}
      {can(permissions, "refundOrder") && (
        <ActionDialog
          label="Refund"
          testId="refund-order"
          color="error"
          title="Refund this order"
          description="The escrow goes back to the buyer and the items back to the listing or the shop."
          run={(v) => gql(`mutation($id: UUID!, $reason: String!) { refundOrder(input: { orderId: $id, reason: $reason }) { order { orderId } } }`, { id: r.orderId, reason: v.reason })}
          success="Order refunded"
        />
      )}
    </span>
  );
}

/** Shop and marketplace orders: filter by status and kind; force fulfil or refund pending ones. */
export function OrderList() {
  return (
    <List filters={filters} sort={{ field: "createdAt", order: "DESC" }}>
      <Datagrid bulkActionButtons={false}>
        <DateField source="createdAt" showTime />
        <TextField source="kind" />
        <FunctionField label="Items" render={(r: Record<string, any>) => r.orderLines?.nodes?.map((l: Record<string, unknown>) => `${l.qty}× ${l.sku}`).join(", ")} />
        <MemberField source="buyer" label="Buyer" />
        <MemberField source="seller" label="Seller" />
        <CoinsField source="escrow" />
        <CoinsField source="fee" />
        <StatusChip source="status" />
        <TextField source="lastError" label="Last error" />
        <OrderActions />
      </Datagrid>
    </List>
  );
}
