import type { ComponentType } from "react";
import { Create, DeleteWithConfirmButton, Edit, SaveButton, Toolbar } from "react-admin";

/** A form's toolbar: Save, and Delete (with a confirmation) when editing and allowed. */
export function FormToolbar({ canDelete, confirm }: { canDelete: boolean; confirm: string }) {
  return (
    <Toolbar sx={{ justifyContent: "space-between" }}>
      <SaveButton />
      {canDelete && <DeleteWithConfirmButton confirmContent={confirm} />}
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
