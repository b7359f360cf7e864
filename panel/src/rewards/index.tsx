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
      <ReasonInput />
    </SimpleForm>
  );
}

const pages = editAndCreate(RewardForm);
/** Edit a reward. */
export const RewardEdit = pages.EditPage;
/** Create a reward. */
export const RewardCreate = pages.CreatePage;
