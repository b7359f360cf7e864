import {
  BooleanField,
  BooleanInput,
  FunctionField,
  Datagrid,
  DateTimeInput,
  List,
  ListActions,
  NumberField,
  NumberInput,
  SearchInput,
  SelectInput,
  SimpleForm,
  TextField,
  TextInput,
  usePermissions,
  required,
} from "react-admin";
import { can } from "../lib/permissions.ts";
import { FormToolbar, ReasonInput, editAndCreate } from "../common/forms.tsx";
import { CoinsField, enumChoices } from "../common/fields.tsx";
import { SyncChip } from "../community/index.tsx";

const CATEGORIES = enumChoices(["money", "rank", "cosmetic", "voucher"]);
const FULFILMENT = enumChoices(["none", "api", "voucher"]);
/** What a role item does to its Discord role (issue 14). */
const ROLE_ACTIONS = [
  { id: "grant", name: "grant the role" },
  { id: "remove", name: "remove the role" },
];

/** The shop catalogue; OPERATOR and above create, edit and delete (audited by the database). */
export function RewardList() {
  const { permissions } = usePermissions();
  return (
    <List empty={false} filters={[<SearchInput key="q" source="q" alwaysOn placeholder="SKU or name" />]} sort={{ field: "sku", order: "ASC" }} actions={<ListActions hasCreate={can(permissions, "manageRewards")} />}>
      <Datagrid rowClick={can(permissions, "manageRewards") ? "edit" : false} bulkActionButtons={false}>
        <TextField source="sku" label="SKU" />
        <TextField source="name" />
        <TextField source="category" />
        <CoinsField source="price" />
        <NumberField source="stock" emptyText="unlimited" />
        <TextField source="fulfilment" />
        <BooleanField source="visible" />
        <BooleanField source="tradable" />
        <BooleanField source="consumable" label="/use" />
        <TextField source="roleAction" label="Role" emptyText="—" />
        <FunctionField label="#shop post" sortable={false} render={() => <SyncChip />} />
      </Datagrid>
    </List>
  );
}

function RewardForm({ create }: { create?: boolean }) {
  const { permissions } = usePermissions();
  return (
    <SimpleForm
      toolbar={<FormToolbar canDelete={!create && can(permissions, "manageRewards")} confirm="The SKU disappears from the shop. Continue?" />}
    >
      <TextInput source="sku" label="SKU" validate={required()} disabled={!create} helperText="lower-case letters, digits, _ . -" />
      <TextInput source="name" validate={required()} />
      <TextInput source="description" multiline fullWidth />
      <SelectInput source="category" choices={CATEGORIES} validate={required()} />
      <NumberInput source="price" label="Price (coins)" validate={required()} min={1} />
      <NumberInput source="stock" helperText="empty = unlimited" />
      <SelectInput source="fulfilment" choices={FULFILMENT} defaultValue="NONE" />
      <DateTimeInput source="expiresAt" />
      <BooleanInput source="visible" defaultValue={true} />
      <BooleanInput source="tradable" defaultValue={true} />
      <TextInput source="roleId" label="Discord role id" helperText="a role the item grants or removes (empty: none)" />
      <SelectInput source="roleAction" label="Role action" choices={ROLE_ACTIONS} emptyText="none" />
      <NumberInput source="roleDurationS" label="Role lasts (seconds)" min={60} helperText="granted roles only; empty = for good; a job removes it when it ends" />
      <BooleanInput source="consumable" label="Consumable (kept until /use)" defaultValue={false} helperText="off: a role item takes effect when delivered" />
      <TextInput source="useMessage" label="Message on use" fullWidth />
      <ReasonInput />
    </SimpleForm>
  );
}

const pages = editAndCreate(RewardForm);
/** Edit a reward. */
export const RewardEdit = pages.EditPage;
/** Create a reward. */
export const RewardCreate = pages.CreatePage;
