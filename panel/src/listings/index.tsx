import { Datagrid, DateField, List, NumberField, SearchInput, SelectInput, TextField, usePermissions, useRecordContext } from "react-admin";
import { gql } from "../lib/api.ts";
import { can } from "../lib/permissions.ts";
import { ActionDialog } from "../common/ActionDialog.tsx";
import { CoinsField, MemberField, StatusChip, enumChoices } from "../common/fields.tsx";

const STATUSES = enumChoices(["active", "sold", "cancelled", "expired"]);
const filters = [<SearchInput key="q" source="q" alwaysOn placeholder="SKU" />, <SelectInput key="status" source="status" choices={STATUSES} alwaysOn />];

/** Staff overrides on an active listing: reprice (may go below the floor) and cancel, each with a reason. */
function ListingActions() {
  const r = useRecordContext();
  const { permissions } = usePermissions();
  if (!r || r.status !== "ACTIVE" || !can(permissions, "overrideListing")) return null;
  return (
    <span onClick={(e) => e.stopPropagation()}>
      <ActionDialog
        label="Price"
        testId="reprice"
        title={`Reprice listing of ${r.sku}`}
        fields={[{ name: "unitPrice", label: "New unit price (coins)", type: "number", defaultValue: String(r.unitPrice) }]}
        run={(v) => gql(`mutation($id: UUID!, $p: BigInt!, $reason: String) { editListingPrice(input: { listingId: $id, unitPrice: $p, reason: $reason }) { listing { listingId } } }`, { id: r.listingId, p: v.unitPrice, reason: v.reason })}
        success="Listing repriced"
      />
      <ActionDialog
        label="Cancel"
        testId="cancel-listing"
        color="error"
        title={`Cancel listing of ${r.sku}`}
        description="Unsold units go back to the seller; nothing is charged."
        run={(v) => gql(`mutation($id: UUID!, $reason: String) { cancelListing(input: { listingId: $id, reason: $reason }) { listing { listingId } } }`, { id: r.listingId, reason: v.reason })}
        success="Listing cancelled"
      />
    </span>
  );
}

/** Marketplace listings: filter by status and SKU; staff reprice or cancel. */
export function ListingList() {
  return (
    <List filters={filters} filterDefaultValues={{ status: "ACTIVE" }} sort={{ field: "createdAt", order: "DESC" }}>
      <Datagrid bulkActionButtons={false}>
        <DateField source="createdAt" showTime />
        <TextField source="sku" label="SKU" />
        <MemberField source="seller" label="Seller" />
        <NumberField source="qtyAvailable" label="Available" />
        <NumberField source="qty" label="Listed" />
        <CoinsField source="unitPrice" label="Unit price" />
        <CoinsField source="referencePrice" label="Reference" />
        <TextField source="feeBand" label="Fee band" />
        <StatusChip source="status" />
        <DateField source="expiresAt" showTime />
        <ListingActions />
      </Datagrid>
    </List>
  );
}
