/**
 * The community pages (issue 14): tasks (with the sync state of their Discord post), the review
 * queue (proof previews, Accept / Reject), announcements (compose with the embed builder, schedule,
 * pin; sync state: synced, pending, orphaned), saved embeds and custom commands. Every rule is in
 * SQL; the panel writes through the same functions and RLS as everything else.
 */
import {
  ArrayInput,
  BooleanField,
  BooleanInput,
  Create,
  Datagrid,
  DateField,
  DateTimeInput,
  Edit,
  FunctionField,
  List,
  ListActions,
  NumberInput,
  ReferenceInput,
  SearchInput,
  SelectInput,
  SimpleForm,
  SimpleFormIterator,
  TextField,
  TextInput,
  required,
  useRecordContext,
  usePermissions,
} from "react-admin";
import { Box, Chip, Stack, Typography } from "@mui/material";
import CheckIcon from "@mui/icons-material/Check";
import CloseIcon from "@mui/icons-material/Close";
import { can } from "../lib/permissions.ts";
import { gql } from "../lib/api.ts";
import { FormToolbar, ReasonInput } from "../common/forms.tsx";
import { ActionDialog } from "../common/ActionDialog.tsx";
import { CoinsField, StatusChip } from "../common/fields.tsx";
import { EmbedBuilderInput, cleanEmbed, DiscordPreview } from "./EmbedBuilder.tsx";

/** The sync state of a message the panel causes: synced, pending, orphaned. */
export function SyncChip({ source = "syncState" }: { source?: string }) {
  const r = useRecordContext();
  const v = String(r?.[source] ?? "").toLowerCase();
  if (!v) return null;
  const color = v === "synced" ? "success" : v === "pending" ? "warning" : "error";
  const title = v === "orphaned" ? "The Discord message was deleted (or its channel is gone)" : v === "pending" ? "Discord does not show the latest yet" : "Discord shows it";
  return <Chip size="small" label={v} color={color} title={title} data-testid={`sync-${v}`} />;
}

// Tasks -----------------------------------------------------------------------------------------------------------------

/** Tasks with slots, completions and the sync state of their Discord post. */
export function TaskList() {
  const { permissions } = usePermissions();
  return (
    <List
      empty={false}
      filters={[<SearchInput key="q" source="q" alwaysOn placeholder="Name" />, <SelectInput key="s" source="status" choices={["active", "closed", "expired", "deleted"].map((s) => ({ id: s, name: s }))} />]}
      sort={{ field: "id", order: "DESC" }}
      actions={<ListActions hasCreate={can(permissions, "manageCommunity")} />}
    >
      <Datagrid rowClick={can(permissions, "manageCommunity") ? "edit" : false} bulkActionButtons={false}>
        <TextField source="id" />
        <TextField source="name" />
        <CoinsField source="reward" />
        <StatusChip source="status" />
        <FunctionField label="Slots" sortable={false} render={(r: Record<string, any>) => `${r.slotsTaken} / ${r.maxClaims ?? "∞"}`} />
        <TextField source="completedCount" label="Completed" sortable={false} />
        <DateField source="expiresAt" showTime />
        <FunctionField label="Discord" sortable={false} render={() => <SyncChip />} />
        <TextField source="messageId" label="Message id" sortable={false} />
      </Datagrid>
    </List>
  );
}

function TaskForm({ create }: { create?: boolean }) {
  const { permissions } = usePermissions();
  return (
    <SimpleForm toolbar={<FormToolbar canDelete={!create && can(permissions, "manageCommunity")} confirm="The task's Discord post and its proof posts are deleted; live claims end. Continue?" />}>
      <TextInput source="name" validate={required()} fullWidth />
      <TextInput source="description" multiline fullWidth />
      <NumberInput source="reward" label="Reward (coins)" validate={required()} min={1} />
      <TextInput source="category" defaultValue="General" />
      <NumberInput source="durationHours" label="Hours to finish after claiming" defaultValue={24} min={1} />
      <DateTimeInput source="expiresAt" label="Closes at (empty: never)" />
      <NumberInput source="maxClaims" label="Slots (empty: unlimited)" min={1} />
      <ArrayInput source="assignedMemberIds" label="Assigned members (Discord ids; empty: anyone)">
        <SimpleFormIterator inline>
          <TextInput source="" label="Discord id" />
        </SimpleFormIterator>
      </ArrayInput>
      <TextInput source="requiredRoleId" label="Required Discord role id" />
      <TextInput source="grantRoleId" label="Discord role id granted on acceptance" />
      <SelectInput source="proofRequired" label="Proof" emptyText="Guild default" choices={[{ id: true, name: "required" }, { id: false, name: "not required" }] as never} />
      {!create && <SelectInput source="status" choices={["active", "closed", "expired"].map((s) => ({ id: s, name: s }))} />}
      {!create && (
        <FunctionField
          render={(r: Record<string, any>) => (
            <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
              <Typography variant="body2">Discord post:</Typography>
              <SyncChip />
              <Typography variant="body2" data-testid="task-message-id">{r.messageId ?? "not posted yet"}</Typography>
            </Stack>
          )}
        />
      )}
      <ReasonInput />
    </SimpleForm>
  );
}

/** Create a task: the bot posts it in the task channel (its message id appears when synced). */
export function TaskCreate() {
  return (
    <Create redirect="edit">
      <TaskForm create />
    </Create>
  );
}

/** Edit a task: the Discord post follows. */
export function TaskEdit() {
  return (
    <Edit mutationMode="pessimistic">
      <TaskForm />
    </Edit>
  );
}

// Review queue ------------------------------------------------------------------------------------------------------------

function ProofPreview() {
  const r = useRecordContext();
  if (!r) return null;
  const files = (r.proofAttachments ?? []) as { url: string; filename?: string; content_type?: string }[];
  return (
    <Box sx={{ maxWidth: 420 }}>
      <Typography variant="body2" sx={{ whiteSpace: "pre-wrap" }}>{r.proofText || "(no text)"}</Typography>
      <Stack direction="row" spacing={1} sx={{ mt: 0.5, flexWrap: "wrap" }}>
        {files.map((f, i) =>
          (f.content_type ?? "").startsWith("image/") || /\.(png|jpe?g|gif|webp)(\?|$)/i.test(f.url) ? (
            <a key={i} href={f.url} target="_blank" rel="noreferrer">
              <Box component="img" src={f.url} alt={f.filename ?? "proof"} data-testid="proof-image" sx={{ maxHeight: 96, maxWidth: 160, borderRadius: 1 }} />
            </a>
          ) : (
            <a key={i} href={f.url} target="_blank" rel="noreferrer">{f.filename ?? f.url}</a>
          ),
        )}
      </Stack>
    </Box>
  );
}

function ReviewButtons() {
  const r = useRecordContext();
  const { permissions } = usePermissions();
  if (!r || String(r.status).toLowerCase() !== "submitted" || !can(permissions, "reviewTasks")) return null;
  const review = (accept: boolean) => async (v: Record<string, string>, key: string) =>
    gql(
      `mutation Review($id: BigInt!, $accept: Boolean!, $note: String, $key: String) {
        reviewTaskClaim(input: { claimId: $id, accept: $accept, note: $note, idempotencyKey: $key }) { taskClaim { id status } }
      }`,
      { id: r.id, accept, note: v.reason ?? "", key },
      { idempotencyKey: key },
    );
  return (
    <Stack direction="row" spacing={1} onClick={(e) => e.stopPropagation()}>
      <ActionDialog label="Accept" icon={<CheckIcon />} testId="accept-claim" title={`Accept the proof of ${r.user?.displayName ?? "the member"}`} description="The reward is paid from the mint; the role and a DM follow." reason={false} run={review(true)} success="Accepted: the reward is paid" />
      <ActionDialog label="Reject" icon={<CloseIcon />} color="error" testId="reject-claim" title="Reject the proof" description="The member sees the reason in a DM." run={review(false)} success="Rejected" />
    </Stack>
  );
}

/** Claims, waiting for review first: proof previews with Accept / Reject. */
export function TaskClaimList() {
  return (
    <List filterDefaultValues={{ status: "SUBMITTED" }} filters={[<SelectInput key="s" source="status" choices={["in_progress", "submitted", "accepted", "rejected", "expired"].map((s) => ({ id: s.toUpperCase(), name: s }))} alwaysOn />]} sort={{ field: "id", order: "DESC" }}>
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <TextField source="id" />
        <FunctionField label="Task" sortable={false} render={(r: Record<string, any>) => r.task?.name} />
        <FunctionField label="Member" sortable={false} render={(r: Record<string, any>) => `${r.user?.displayName ?? "?"} (${r.user?.discordId ?? ""})`} />
        <StatusChip source="status" />
        <FunctionField label="Proof" sortable={false} render={() => <ProofPreview />} />
        <DateField source="submittedAt" showTime />
        <TextField source="reviewNote" label="Note" />
        <FunctionField label="" sortable={false} render={() => <ReviewButtons />} />
      </Datagrid>
    </List>
  );
}

// Announcements and saved embeds ------------------------------------------------------------------------------------------

/** Announcements with their state (scheduled, published, deleted) and the sync state of the message. */
export function AnnouncementList() {
  const { permissions } = usePermissions();
  return (
    <List empty={false} filters={[<SearchInput key="q" source="q" alwaysOn placeholder="Text" />]} sort={{ field: "id", order: "DESC" }} actions={<ListActions hasCreate={can(permissions, "manageCommunity")} />}>
      <Datagrid rowClick={can(permissions, "manageCommunity") ? "edit" : false} bulkActionButtons={false}>
        <TextField source="id" />
        <FunctionField label="Announcement" sortable={false} render={(r: Record<string, any>) => r.embed?.title ?? r.content?.slice(0, 80)} />
        <TextField source="channelId" label="Channel" />
        <StatusChip source="status" />
        <DateField source="publishAt" showTime label="Publish at" />
        <BooleanField source="pinned" />
        <FunctionField label="Discord" sortable={false} render={() => <SyncChip />} />
        <FunctionField label="" sortable={false} render={(r: Record<string, any>) => (String(r.syncState).toLowerCase() === "orphaned" ? <Typography variant="caption" color="error">deleted on Discord</Typography> : null)} />
      </Datagrid>
    </List>
  );
}

const announcementTransform = (data: Record<string, any>) => ({ ...data, embed: cleanEmbed(data.embed) });

function AnnouncementForm({ create }: { create?: boolean }) {
  const { permissions } = usePermissions();
  return (
    <SimpleForm toolbar={<FormToolbar canDelete={!create && can(permissions, "manageCommunity")} confirm="The Discord message is deleted. Continue?" />}>
      <TextInput source="channelId" label="Discord channel id" validate={required()} />
      <TextInput source="content" label="Text (above the embed)" multiline fullWidth />
      <EmbedBuilderInput source="embed" contentSource="content" />
      <DateTimeInput source="publishAt" label="Publish at (empty: now)" />
      <BooleanInput source="pinned" label="Pin in the channel" />
      <ReasonInput />
    </SimpleForm>
  );
}

/** Compose an announcement with the embed builder; publish now or schedule it. */
export function AnnouncementCreate() {
  return (
    <Create redirect="list" transform={announcementTransform}>
      <AnnouncementForm create />
    </Create>
  );
}

/** Edit an announcement: the Discord message follows (or it is orphaned when deleted there). */
export function AnnouncementEdit() {
  return (
    <Edit mutationMode="pessimistic" transform={announcementTransform}>
      <AnnouncementForm />
    </Edit>
  );
}

/** Saved embeds (the builder's library). */
export function SavedEmbedList() {
  const { permissions } = usePermissions();
  return (
    <List empty={false} sort={{ field: "name", order: "ASC" }} actions={<ListActions hasCreate={can(permissions, "manageCommunity")} />}>
      <Datagrid rowClick={can(permissions, "manageCommunity") ? "edit" : false} bulkActionButtons={false}>
        <TextField source="name" />
        <FunctionField label="Preview" sortable={false} render={(r: Record<string, any>) => <DiscordPreview embed={r.embed} />} />
        <DateField source="updatedAt" showTime />
      </Datagrid>
    </List>
  );
}

function SavedEmbedForm({ create }: { create?: boolean }) {
  const { permissions } = usePermissions();
  return (
    <SimpleForm toolbar={<FormToolbar canDelete={!create && can(permissions, "manageCommunity")} confirm="Commands using this embed lose it. Continue?" />}>
      <TextInput source="name" validate={required()} />
      <EmbedBuilderInput source="embed" />
      <ReasonInput />
    </SimpleForm>
  );
}

/** Build and save an embed. */
export function SavedEmbedCreate() {
  return (
    <Create redirect="list" transform={announcementTransform}>
      <SavedEmbedForm create />
    </Create>
  );
}

/** Edit a saved embed. */
export function SavedEmbedEdit() {
  return (
    <Edit mutationMode="pessimistic" transform={announcementTransform}>
      <SavedEmbedForm />
    </Edit>
  );
}

// Custom commands ------------------------------------------------------------------------------------------------------------

/** Custom commands (`/c <name>` in Discord, autocompleted: no re-deploy). */
export function CustomCommandList() {
  const { permissions } = usePermissions();
  return (
    <List empty={false} sort={{ field: "name", order: "ASC" }} actions={<ListActions hasCreate={can(permissions, "manageCommunity")} />}>
      <Datagrid rowClick={can(permissions, "manageCommunity") ? "edit" : false} bulkActionButtons={false}>
        <FunctionField label="Command" sortable={false} render={(r: Record<string, any>) => `/c ${r.name}`} />
        <TextField source="response" />
        <TextField source="embedId" label="Embed" />
        <BooleanField source="enabled" />
      </Datagrid>
    </List>
  );
}

function CustomCommandForm({ create }: { create?: boolean }) {
  const { permissions } = usePermissions();
  return (
    <SimpleForm toolbar={<FormToolbar canDelete={!create && can(permissions, "manageCommunity")} confirm="Members can no longer run this command. Continue?" />}>
      <TextInput source="name" validate={required()} helperText="lower-case letters, digits, - and _ (1 to 32)" />
      <TextInput source="response" multiline fullWidth />
      <ReferenceInput source="embedId" reference="savedEmbeds">
        <SelectInput optionText="name" label="Saved embed" />
      </ReferenceInput>
      <BooleanInput source="enabled" defaultValue={true} />
      <ReasonInput />
    </SimpleForm>
  );
}

/** Add a custom command. */
export function CustomCommandCreate() {
  return (
    <Create redirect="list">
      <CustomCommandForm create />
    </Create>
  );
}

/** Edit a custom command. */
export function CustomCommandEdit() {
  return (
    <Edit mutationMode="pessimistic">
      <CustomCommandForm />
    </Edit>
  );
}
