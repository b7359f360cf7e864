import type { ComponentType } from "react";
import { Create, Edit, SaveButton, TextInput, Toolbar, minLength, required, useDataProvider, useRecordContext, useRedirect, useResourceContext } from "react-admin";
import DeleteIcon from "@mui/icons-material/Delete";
import { ActionDialog } from "./ActionDialog.tsx";

/**
 * The reason of a direct write (create, edit), required: the data provider sends it with the
 * write and the database's audit trigger records it in `admin_actions`.
 */
export function ReasonInput() {
  return <TextInput source="auditReason" label="Reason (required, written to the audit log)" validate={[required(), minLength(3)]} fullWidth defaultValue="" />;
}

/**
 * Deletes the current record after asking for a reason (recorded in the audit log), then goes
 * back to the list (or stays, with `stay`).
 */
export function DeleteWithReason({ confirm, stay }: { confirm: string; stay?: boolean }) {
  const record = useRecordContext();
  const resource = useResourceContext();
  const dataProvider = useDataProvider();
  const redirect = useRedirect();
  if (!record || !resource) return null;
  return (
    <ActionDialog
      label="Delete"
      icon={<DeleteIcon />}
      color="error"
      testId="delete-with-reason"
      title={`Delete ${String(record.id)}`}
      description={confirm}
      run={async (v) => {
        await dataProvider.delete(resource, { id: record.id, previousData: record, meta: { reason: v.reason } });
        if (!stay) redirect("list", resource);
      }}
      success="Deleted"
    />
  );
}

/** A form's toolbar: Save, and Delete (asking for a reason) when editing and allowed. */
export function FormToolbar({ canDelete, confirm }: { canDelete: boolean; confirm: string }) {
  return (
    <Toolbar sx={{ justifyContent: "space-between" }}>
      <SaveButton />
      {canDelete && <DeleteWithReason confirm={confirm} />}
    </Toolbar>
  );
}

/**
 * The edit page (pessimistic: a refused save shows the error and keeps the form) and the create
 * page of a resource whose form takes `create` (true on the create page).
 */
export function editAndCreate(Form: ComponentType<{ create?: boolean }>): { EditPage: ComponentType; CreatePage: ComponentType } {
  return {
    EditPage: () => (
      <Edit mutationMode="pessimistic">
        <Form />
      </Edit>
    ),
    CreatePage: () => (
      <Create redirect="list">
        <Form create />
      </Create>
    ),
  };
}
