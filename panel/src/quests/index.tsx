import {
  ArrayInput,
  BooleanField,
  BooleanInput,
  Datagrid,
  DateField,
  DateTimeInput,
  List,
  ListActions,
  NumberInput,
  SearchInput,
  SelectInput,
  SimpleForm,
  SimpleFormIterator,
  TextField,
  TextInput,
  required,
  usePermissions,
} from "react-admin";
import { can } from "../lib/permissions.ts";
import { FormToolbar, ReasonInput, editAndCreate } from "../common/forms.tsx";
import { CoinsField } from "../common/fields.tsx";

/** Trivia and check-in quests; OPERATOR and above manage them (audited by the database). */
export function QuestList() {
  const { permissions } = usePermissions();
  return (
    <List empty={false} filters={[<SearchInput key="q" source="q" alwaysOn placeholder="Title" />]} sort={{ field: "id", order: "DESC" }} actions={<ListActions hasCreate={can(permissions, "manageQuests")} />}>
      <Datagrid rowClick={can(permissions, "manageQuests") ? "edit" : false} bulkActionButtons={false}>
        <TextField source="title" />
        <TextField source="kind" />
        <CoinsField source="reward" />
        <TextField source="cooldownS" label="Cooldown (s)" />
        <BooleanField source="active" />
        <DateField source="startsAt" showTime />
        <DateField source="endsAt" showTime />
      </Datagrid>
    </List>
  );
}

function QuestForm({ create }: { create?: boolean }) {
  const { permissions } = usePermissions();
  return (
    <SimpleForm
      toolbar={<FormToolbar canDelete={!create && can(permissions, "manageQuests")} confirm="Members lose access to this quest. Continue?" />}
    >
      <SelectInput source="kind" choices={[{ id: "trivia", name: "trivia" }, { id: "check_in", name: "check-in" }]} validate={required()} defaultValue="trivia" />
      <TextInput source="title" validate={required()} fullWidth />
      <TextInput source="prompt" multiline fullWidth />
      <ArrayInput source="choices" helperText="Trivia buttons (2 to 5), or none for a free-text answer">
        <SimpleFormIterator inline>
          <TextInput source="" label="Choice" />
        </SimpleFormIterator>
      </ArrayInput>
      <ArrayInput source="answers" helperText="Accepted answers (compared trimmed, case-insensitively)">
        <SimpleFormIterator inline>
          <TextInput source="" label="Answer" />
        </SimpleFormIterator>
      </ArrayInput>
      <NumberInput source="reward" label="Reward (coins)" validate={required()} min={0} />
      <NumberInput source="cooldownS" label="Cooldown between attempts (s)" defaultValue={86400} />
      <BooleanInput source="active" defaultValue={true} />
      <DateTimeInput source="startsAt" />
      <DateTimeInput source="endsAt" />
      <ReasonInput />
    </SimpleForm>
  );
}

const pages = editAndCreate(QuestForm);
/** Edit a quest. */
export const QuestEdit = pages.EditPage;
/** Create a quest. */
export const QuestCreate = pages.CreatePage;
