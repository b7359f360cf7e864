import {
  BooleanInput,
  Create,
  Datagrid,
  DateField,
  Edit,
  List,
  ListActions,
  NumberInput,
  SaveButton,
  SelectInput,
  SimpleForm,
  TextInput,
  TextField,
  Title,
  Toolbar,
  required,
  usePermissions,
} from "react-admin";
import { Card, CardContent, CardHeader, Stack, Typography } from "@mui/material";
import { gql, session } from "../lib/api.ts";
import { can } from "../lib/permissions.ts";
import { ActionDialog } from "../common/ActionDialog.tsx";
import { DeleteWithReason, ReasonInput } from "../common/forms.tsx";

const ROLES = ["SUPERADMIN", "ADMIN", "OPERATOR", "SUPPORT", "AUDITOR"].map((id) => ({ id, name: id }));

function SaveOnly({ allowed }: { allowed: boolean }) {
  return <Toolbar>{allowed ? <SaveButton /> : <Typography variant="body2">Read-only for your role.</Typography>}</Toolbar>;
}

/** Economy tunables of the guild (ADMIN+ edit; audited by the database). */
function EconomySettings({ guildId, allowed }: { guildId: string; allowed: boolean }) {
  return (
    <Edit resource="guildSettings" id={guildId} mutationMode="pessimistic" redirect={false} title=" " actions={false}>
      <SimpleForm toolbar={<SaveOnly allowed={allowed} />} disabled={!allowed}>
        <Stack direction="row" spacing={2} sx={{ flexWrap: "wrap" }} useFlexGap>
          <NumberInput source="dailyAmount" label="Daily amount (coins)" />
          <NumberInput source="dailyStreakBonus" label="Streak bonus per day" />
          <NumberInput source="dailyStreakBonusCap" label="Streak bonus cap" />
          <NumberInput source="giveRateLimit" label="Gives per window" />
          <NumberInput source="giveRateWindowS" label="Give window (s)" />
        </Stack>
        <Stack direction="row" spacing={2} sx={{ flexWrap: "wrap" }} useFlexGap>
          <NumberInput source="escrowTimeoutMin" label="Escrow timeout (min)" />
          <NumberInput source="voucherTimeoutH" label="Voucher timeout (h)" />
          <TextInput source="leaderboardCron" label="Leaderboard cron (UTC)" />
          <NumberInput source="highValueThreshold" label="High-value alert threshold" />
        </Stack>
        <Typography variant="subtitle2" sx={{ mt: 1 }}>
          Community tasks
        </Typography>
        <Stack direction="row" spacing={2} sx={{ flexWrap: "wrap", alignItems: "center" }} useFlexGap>
          <TextInput source="taskChannelId" label="Task channel id" helperText="Where the bot posts tasks" />
          <TextInput source="reviewChannelId" label="Review channel id" helperText="Where proofs wait for staff" />
          <NumberInput source="maxTasksPerUser" label="Claims a member may hold" />
          <BooleanInput source="allowUserTasks" label="Members may claim tasks" />
          <BooleanInput source="autoExpireEnabled" label="Expire tasks and overdue claims" />
          <BooleanInput source="requireProof" label="Proof required by default" />
        </Stack>
        <Typography variant="subtitle2" sx={{ mt: 1 }}>
          Currency and features
        </Typography>
        <Stack direction="row" spacing={2} sx={{ flexWrap: "wrap", alignItems: "center" }} useFlexGap>
          <TextInput source="currencyName" label="Currency name" helperText="Plural, e.g. coins, gems" data-testid="currency-name" />
          <TextInput source="currencySymbol" label="Currency symbol" helperText="Before amounts, e.g. 💎 or $; empty: the name" />
        </Stack>
        <Stack direction="row" spacing={2} sx={{ flexWrap: "wrap", alignItems: "center" }} useFlexGap data-testid="feature-toggles">
          <BooleanInput source="featureCurrency" label="Currency (daily, give)" />
          <BooleanInput source="featureTasks" label="Tasks" />
          <BooleanInput source="featureShop" label="Shop" />
          <BooleanInput source="featureQuests" label="Quests" />
          <BooleanInput source="featureMiddleman" label="Middleman" />
          <BooleanInput source="featureCards" label="Trading cards" />
        </Stack>
        <Typography variant="caption" color="text.secondary">
          A switched-off feature&apos;s Discord commands answer that it is off, and its rules refuse to move value.
        </Typography>
        {allowed && <ReasonInput />}
      </SimpleForm>
    </Edit>
  );
}

/** Marketplace pricing guards (ADMIN+ edit; audited). */
function PricingSettings({ guildId, allowed }: { guildId: string; allowed: boolean }) {
  return (
    <Edit resource="pricingConfigs" id={guildId} mutationMode="pessimistic" redirect={false} title=" " actions={false}>
      <SimpleForm toolbar={<SaveOnly allowed={allowed} />} disabled={!allowed}>
        <Stack direction="row" spacing={2} sx={{ flexWrap: "wrap" }} useFlexGap>
          <NumberInput source="marketFee" label="Market fee (fraction)" step={0.01} />
          <NumberInput source="undercutFee" label="Undercut fee" step={0.01} />
          <NumberInput source="overAverageFee" label="Over-average fee" step={0.01} />
          <NumberInput source="overAverageRatio" label="Over-average ratio" step={0.05} />
          <NumberInput source="priceFloorPct" label="Price floor (fraction of reference)" step={0.05} />
          <NumberInput source="scarcityTarget" label="Scarcity target" />
          <NumberInput source="alpha" label="Scarcity alpha" step={0.05} />
          <NumberInput source="maxListingDays" label="Max listing days" />
        </Stack>
        {allowed && <ReasonInput />}
      </SimpleForm>
    </Edit>
  );
}

/** Discord role → staff role mappings (SUPERADMIN edits), read at every sign-in. */
export function RoleMappingList() {
  const { permissions } = usePermissions();
  return (
    <List resource="staffRoleMappings" empty={false} actions={<ListActions hasCreate={can(permissions, "mapRoles")} />} title=" " sort={{ field: "discordRoleId", order: "ASC" }} disableSyncWithLocation>
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <TextField source="discordRoleId" label="Discord role id" />
        <TextField source="staffRole" label="Staff role" />
        <DateField source="updatedAt" showTime />
        {can(permissions, "mapRoles") && <DeleteWithReason stay confirm="Members with this Discord role lose this staff role at their next sign-in." />}
      </Datagrid>
    </List>
  );
}

/** Maps one more Discord role (by id) to a staff role (SUPERADMIN only; the database refuses others). */
export function RoleMappingCreate() {
  return (
    <Create resource="staffRoleMappings" redirect="/settings">
      <SimpleForm>
        <TextInput source="discordRoleId" label="Discord role id" validate={required()} helperText="Discord: Server settings → Roles → … → Copy role ID (developer mode)" />
        <SelectInput source="staffRole" choices={ROLES} validate={required()} />
        <ReasonInput />
      </SimpleForm>
    </Create>
  );
}

/** Settings: guild binding, economy tunables, pricing, role mapping, Discord channel setup. */
export function Settings() {
  const { permissions } = usePermissions();
  const s = session();
  if (!s) return null;
  const admin = can(permissions, "editSettings");
  return (
    <Stack spacing={2} sx={{ mt: 1 }}>
      <Title title="Settings" />
      <Card>
        <CardHeader title="Guild binding" />
        <CardContent>
          <Typography>
            This panel manages Discord server <b data-testid="guild-id">{s.guildId}</b> (the server's <code>GUILD_ID</code>). Only its members can sign in, and
            only those whose Discord roles map to a staff role below.
          </Typography>
          {can(permissions, "discordSetup") && (
            <ActionDialog
              label="Set up Discord channels"
              testId="discord-setup"
              title="Set up the Discord channels"
              description="Asks the bot to create or repair its channels (#leaderboard, #market, alerts) and their permissions in this server."
              run={(v) => gql(`mutation($reason: String!) { requestDiscordSetup(input: { reason: $reason }) { boolean } }`, { reason: v.reason })}
              success="The bot will set up the channels shortly"
            />
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader title="Role mapping" subheader="Discord roles → staff roles, applied at each sign-in. The server owner is always SUPERADMIN." />
        <CardContent>
          <RoleMappingList />
        </CardContent>
      </Card>
      <Card>
        <CardHeader title="Economy" subheader={admin ? undefined : "Only ADMIN and SUPERADMIN may change these."} />
        <CardContent>
          <EconomySettings guildId={s.guildId} allowed={admin} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader title="Marketplace pricing" />
        <CardContent>
          <PricingSettings guildId={s.guildId} allowed={admin} />
        </CardContent>
      </Card>
    </Stack>
  );
}
