/**
 * A list's toolbar button that runs one GraphQL mutation without arguments after a confirmation dialog, then
 * refreshes the page's queries; shown only to staff whose role allows `permission` (the server checks it again).
 */
import { TopToolbar, usePermissions, useRefresh } from "react-admin";
import { gql } from "../lib/api.ts";
import { can, type Action } from "../lib/permissions.ts";
import { ActionDialog } from "./ActionDialog.tsx";

/** What {@link ToolbarMutation} shows and runs. */
export interface ToolbarMutationProps {
  /** The permission (panel/src/lib/permissions.ts) the button needs. */
  permission: Action;
  label: string;
  testId: string;
  /** The dialog's title and explanation. */
  title: string;
  description: string;
  /** The mutation document, e.g. `mutation { rotateFairSeed(input: {}) { fairSeed { id } } }`. */
  mutation: string;
  /** The notification after success. */
  success: string;
}

/**
 * A toolbar with one confirmed mutation (render catalogue templates, rotate the fairness seed, ...).
 *
 * @param props - see {@link ToolbarMutationProps}.
 * @returns the toolbar, or nothing when the role lacks the permission.
 */
export function ToolbarMutation(props: ToolbarMutationProps) {
  const { permissions } = usePermissions();
  const refresh = useRefresh();
  if (!can(permissions, props.permission)) return null;
  return (
    <TopToolbar>
      <ActionDialog
        label={props.label}
        testId={props.testId}
        title={props.title}
        description={props.description}
        reason={false}
        run={async () => {
          await gql(props.mutation);
          refresh();
        }}
        success={props.success}
      />
    </TopToolbar>
  );
}
