/**
 * The Cards section's staff forms (issue 15): artists and eras (create and edit, direct writes that the database
 * guards by role and audits with the reason), new card templates (`create_card_template`: the public id and the
 * rarity letter are the database's), missions and achievements (create and edit; progress and rewards are the
 * database's), and `/transfer_data` requests (approve: the move happens then; reject; both audited).
 */
import {
  AutocompleteInput,
  BooleanField,
  BooleanInput,
  Datagrid,
  DateField,
  DateInput,
  FunctionField,
  List,
  NumberField,
  NumberInput,
  ReferenceField,
  ReferenceInput,
  required,
  SelectField,
  SelectInput,
  SimpleForm,
  TextField,
  TextInput,
  usePermissions,
  useRecordContext,
  useRefresh,
} from "react-admin";
import { FormToolbar, ReasonInput, editAndCreate } from "../common/forms.tsx";
import { ActionDialog } from "../common/ActionDialog.tsx";
import { gql } from "../lib/api.ts";
import { can } from "../lib/permissions.ts";
import { RARITIES } from "./index.tsx";

const rarityChoices = RARITIES.map((r) => ({ id: r, name: r.toLowerCase() }));
const currencyChoices = [
  { id: "NOTE", name: "Notes" },
  { id: "DISC", name: "Discs" },
  { id: "GEM", name: "Gems" },
  { id: "COIN", name: "Coins" },
];
const METRICS = ["packs_opened", "cards_drawn", "cards_collected", "legendary_pulled", "mythic_pulled", "cards_sold", "cards_bought", "trades_done", "cards_burned", "notes_spent"];
const metricChoices = METRICS.map((m) => ({ id: m, name: m.replace(/_/g, " ") }));

/** Artists (groups and members) with the code that prefixes their cards' public ids. */
export function ArtistList() {
  const { permissions } = usePermissions();
  return (
    <List empty={false} sort={{ field: "name", order: "ASC" }}>
      <Datagrid rowClick={can(permissions, "manageRewards") ? "edit" : false} bulkActionButtons={false}>
        <TextField source="name" />
        <TextField source="code" label="Code (public id prefix)" />
        <BooleanField source="isGroup" label="Group" />
        <TextField source="mbid" label="MBID" emptyText="—" />
        <ReferenceField source="groupId" reference="artists" label="Member of" link={false} emptyText="—">
          <TextField source="name" />
        </ReferenceField>
        <DateField source="createdAt" showTime />
      </Datagrid>
    </List>
  );
}

function ArtistForm({ create }: { create?: boolean }) {
  return (
    <SimpleForm toolbar={<FormToolbar canDelete={false} confirm="" />}>
      <TextInput source="name" validate={required()} />
      <TextInput
        source="code"
        label="Code"
        helperText="2–4 capital letters or digits: the prefix of this artist's card ids (cannot change later)"
        disabled={!create}
        validate={create ? required() : undefined}
        parse={(v: string) => (v ?? "").toUpperCase()}
      />
      <BooleanInput source="isGroup" label="A group" />
      <ReferenceInput source="groupId" reference="artists" filter={{ isGroup: true }}>
        <AutocompleteInput label="Member of (group)" optionText="name" emptyText="—" />
      </ReferenceInput>
      <TextInput source="mbid" label="MusicBrainz id" helperText="Set by catalogue ingestion (issue 16); one artist per MBID in a server" />
      <TextInput source="spotifyId" label="Spotify id" />
      <ReasonInput />
    </SimpleForm>
  );
}

/** Create and edit pages of artists. */
export const { EditPage: ArtistEdit, CreatePage: ArtistCreate } = editAndCreate(ArtistForm);

/** Eras: an artist's release or promotion windows; the colour tints the generated artwork. */
export function EraList() {
  const { permissions } = usePermissions();
  return (
    <List empty={false} sort={{ field: "name", order: "ASC" }}>
      <Datagrid rowClick={can(permissions, "manageRewards") ? "edit" : false} bulkActionButtons={false}>
        <ReferenceField source="artistId" reference="artists" link={false}>
          <TextField source="name" />
        </ReferenceField>
        <TextField source="name" />
        <TextField source="code" />
        <DateField source="startsOn" label="From" />
        <DateField source="endsOn" label="To" />
        <FunctionField label="Colour" render={(r: { colour: string }) => <span style={{ display: "inline-block", width: 14, height: 14, background: r.colour, borderRadius: 3 }} title={r.colour} />} />
      </Datagrid>
    </List>
  );
}

function EraForm({ create }: { create?: boolean }) {
  return (
    <SimpleForm toolbar={<FormToolbar canDelete={false} confirm="" />}>
      <ReferenceInput source="artistId" reference="artists">
        <AutocompleteInput label="Artist" optionText="name" validate={create ? required() : undefined} disabled={!create} />
      </ReferenceInput>
      <TextInput source="name" validate={required()} />
      <TextInput
        source="code"
        helperText="2–6 capital letters or digits: the middle of the card ids (cannot change later)"
        disabled={!create}
        validate={create ? required() : undefined}
        parse={(v: string) => (v ?? "").toUpperCase()}
      />
      <DateInput source="startsOn" label="From" />
      <DateInput source="endsOn" label="To" />
      <TextInput source="colour" helperText="#rrggbb, lowercase" defaultValue="#5865f2" />
      <ReasonInput />
    </SimpleForm>
  );
}

/** Create and edit pages of eras. */
export const { EditPage: EraEdit, CreatePage: EraCreate } = editAndCreate(EraForm);

function TemplateForm() {
  return (
    <SimpleForm toolbar={<FormToolbar canDelete={false} confirm="" />}>
      <ReferenceInput source="artistId" reference="artists">
        <AutocompleteInput label="Artist" optionText="name" validate={required()} />
      </ReferenceInput>
      <ReferenceInput source="eraId" reference="eras">
        <AutocompleteInput label="Era" optionText="name" validate={required()} />
      </ReferenceInput>
      <SelectInput source="rarity" choices={rarityChoices} validate={required()} />
      <NumberInput source="imageId" label="Era image id (optional)" />
      <ReferenceInput source="eventId" reference="cardEvents">
        <AutocompleteInput label="Event (a temporary card)" optionText="name" emptyText="— (a permanent card)" />
      </ReferenceInput>
      <ReasonInput />
    </SimpleForm>
  );
}

/** A new card template (`create_card_template`): artist, era, rarity; the database numbers its public id. */
export const { CreatePage: CardTemplateCreate } = editAndCreate(TemplateForm);

/** Missions: daily and weekly goals, each paid once through the ledger when reached. */
export function CardMissionList() {
  const { permissions } = usePermissions();
  return (
    <List empty={false} sort={{ field: "code", order: "ASC" }}>
      <Datagrid rowClick={can(permissions, "manageRewards") ? "edit" : false} bulkActionButtons={false}>
        <TextField source="code" />
        <TextField source="name" />
        <TextField source="period" />
        <SelectField source="metric" choices={metricChoices} />
        <NumberField source="target" />
        <FunctionField label="Reward" render={(r: { rewardAmount: string; rewardCurrency: string }) => `${r.rewardAmount} ${r.rewardCurrency}`} />
        <BooleanField source="active" />
      </Datagrid>
    </List>
  );
}

function MissionForm({ create }: { create?: boolean }) {
  return (
    <SimpleForm toolbar={<FormToolbar canDelete={false} confirm="" />}>
      <TextInput source="code" helperText="lowercase letters, digits and dashes" disabled={!create} validate={create ? required() : undefined} />
      <TextInput source="name" validate={required()} />
      <SelectInput
        source="period"
        choices={[
          { id: "daily", name: "daily (UTC day)" },
          { id: "weekly", name: "weekly (from Monday 00:00 UTC)" },
        ]}
        disabled={!create}
        validate={create ? required() : undefined}
      />
      <SelectInput source="metric" choices={metricChoices} disabled={!create} validate={create ? required() : undefined} />
      <NumberInput source="target" min={1} validate={required()} />
      <SelectInput source="rewardCurrency" label="Reward currency" choices={currencyChoices} validate={required()} />
      <NumberInput source="rewardAmount" label="Reward amount" min={1} validate={required()} />
      <BooleanInput source="active" defaultValue />
      <ReasonInput />
    </SimpleForm>
  );
}

/** Create and edit pages of missions. */
export const { EditPage: CardMissionEdit, CreatePage: CardMissionCreate } = editAndCreate(MissionForm);

/** Achievements: a lifetime counter reaching a threshold, unlocked once, optionally rewarded. */
export function CardAchievementList() {
  const { permissions } = usePermissions();
  return (
    <List empty={false} sort={{ field: "code", order: "ASC" }}>
      <Datagrid rowClick={can(permissions, "manageRewards") ? "edit" : false} bulkActionButtons={false}>
        <TextField source="code" />
        <TextField source="name" />
        <TextField source="description" />
        <SelectField source="metric" choices={metricChoices} />
        <NumberField source="threshold" />
        <FunctionField label="Reward" render={(r: { rewardAmount: string | null; rewardCurrency: string | null }) => (r.rewardAmount ? `${r.rewardAmount} ${r.rewardCurrency}` : "—")} />
        <BooleanField source="active" />
      </Datagrid>
    </List>
  );
}

function AchievementForm({ create }: { create?: boolean }) {
  return (
    <SimpleForm toolbar={<FormToolbar canDelete={false} confirm="" />}>
      <TextInput source="code" disabled={!create} validate={create ? required() : undefined} />
      <TextInput source="name" validate={required()} />
      <TextInput source="description" multiline />
      <SelectInput source="metric" choices={metricChoices} disabled={!create} validate={create ? required() : undefined} />
      <NumberInput source="threshold" min={1} validate={required()} />
      <SelectInput source="rewardCurrency" label="Reward currency (none: no reward)" choices={currencyChoices} emptyText="—" />
      <NumberInput source="rewardAmount" label="Reward amount" min={1} />
      <BooleanInput source="active" defaultValue />
      <ReasonInput />
    </SimpleForm>
  );
}

/** Create and edit pages of achievements. */
export const { EditPage: CardAchievementEdit, CreatePage: CardAchievementCreate } = editAndCreate(AchievementForm);

function DecideTransfer({ approve }: { approve: boolean }) {
  const r = useRecordContext();
  const refresh = useRefresh();
  const { permissions } = usePermissions();
  if (!r || r.status !== "awaiting_staff" || !can(permissions, "manageRewards")) return null;
  return (
    <ActionDialog
      label={approve ? "Approve" : "Reject"}
      testId={approve ? "approve-transfer" : "reject-transfer"}
      color={approve ? "primary" : "error"}
      title={approve ? "Approve this data transfer" : "Reject this data transfer"}
      description={
        approve
          ? "Every card, the wishlist and every wallet balance of the requester move to the target account now (refused while the requester has active listings or open trades)."
          : "Nothing moves; both members are told."
      }
      run={async (v) => {
        await gql(`mutation($id: UUID!, $approve: Boolean!, $reason: String!) { decideDataTransfer(input: { transferId: $id, approve: $approve, reason: $reason }) { cardDataTransfer { id } } }`, {
          id: r.id,
          approve,
          reason: v.reason,
        });
        refresh();
      }}
      success={approve ? "Transfer done" : "Transfer rejected"}
    />
  );
}

/** `/transfer_data` requests: who moves what to whom, their state, and the staff decision. */
export function CardDataTransferList() {
  return (
    <List empty={false} sort={{ field: "requestedAt", order: "DESC" }}>
      <Datagrid bulkActionButtons={false}>
        <TextField source="id" />
        <ReferenceField source="fromUserId" reference="users" label="From" link={false}>
          <TextField source="displayName" />
        </ReferenceField>
        <ReferenceField source="toUserId" reference="users" label="To" link={false}>
          <TextField source="displayName" />
        </ReferenceField>
        <TextField source="mode" />
        <TextField source="status" />
        <FunctionField
          label="What moves"
          render={(r: { summary: { from?: { cards: number; balances: Record<string, number> } } | null }) => {
            const f = r.summary?.from;
            if (!f) return "—";
            return [`${f.cards} card(s)`, ...Object.entries(f.balances ?? {}).map(([c, a]) => `${a} ${c}`)].join(", ");
          }}
        />
        <DateField source="requestedAt" showTime />
        <DateField source="expiresAt" showTime />
        <TextField source="reason" emptyText="—" />
        <DecideTransfer approve />
        <DecideTransfer approve={false} />
      </Datagrid>
    </List>
  );
}
