/**
 * The Cards section (issue 15): the catalogue (templates, with a rarity change that every owner is told about), pack
 * types with a drop-rate editor that refuses totals other than 100 % and shows the observed rates of the last draws
 * beside the configured ones, card events, card market listings and trades, and the fairness page (current seed
 * hash, revealed seeds, rotation). The database enforces every rule; the panel only explains.
 */
import { useEffect, useState } from "react";
import {
  AutocompleteInput,
  BooleanField,
  CreateButton,
  RecordContextProvider,
  ReferenceInput,
  SelectInput,
  useListContext,
  useStore,
  BooleanInput,
  Datagrid,
  DateField,
  Edit,
  FunctionField,
  List,
  NumberField,
  NumberInput,
  SearchInput,
  SelectField,
  SimpleForm,
  TextField,
  TopToolbar,
  usePermissions,
  useRecordContext,
} from "react-admin";
import { Box, Card, CardContent, Table, TableBody, TableCell, TableHead, TableRow, ToggleButton, ToggleButtonGroup, Typography } from "@mui/material";
import { useWatch } from "react-hook-form";
import { gql } from "../lib/api.ts";
import { can } from "../lib/permissions.ts";
import { ToolbarMutation } from "../common/ToolbarMutation.tsx";
import { ActionDialog } from "../common/ActionDialog.tsx";
import { FormToolbar, ReasonInput } from "../common/forms.tsx";

/** The five rarities, lowest first, as GraphQL spells them. */
export const RARITIES = ["COMMON", "RARE", "EPIC", "LEGENDARY", "MYTHIC"] as const;
const RATE_FIELDS = ["rateCommon", "rateRare", "rateEpic", "rateLegendary", "rateMythic"] as const;
const rarityChoices = RARITIES.map((r) => ({ id: r, name: r.toLowerCase() }));

/** Basis points as a percentage: 6200 → "62 %". */
export function percent(bp: number | null | undefined): string {
  return bp == null ? "—" : `${(bp / 100).toLocaleString("en-US", { maximumFractionDigits: 2 })} %`;
}

/**
 * Validates a pack type's drop rates: whole basis points, none negative, summing to exactly 10,000 (100 %).
 *
 * @param values - the form values.
 * @returns react-admin field errors (empty when valid).
 */
export function validateRates(values: Record<string, unknown>): Record<string, string> {
  const rates = RATE_FIELDS.map((f) => Number(values[f]));
  const errors: Record<string, string> = {};
  rates.forEach((r, i) => {
    if (!Number.isInteger(r) || r < 0) errors[RATE_FIELDS[i]] = "A whole number of basis points, 0 or more";
  });
  const total = rates.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  if (total !== 10_000) errors.rateMythic = `The rates add up to ${percent(total)}: they must add up to exactly 100 % (10,000 bp).`;
  return errors;
}

function SetRarity() {
  const r = useRecordContext();
  const { permissions } = usePermissions();
  if (!r || !can(permissions, "manageRewards")) return null;
  return (
    <ActionDialog
      label="Rarity"
      testId="set-rarity"
      title={`Set the rarity of ${r.publicId}`}
      description="Every copy shows the new rarity at once and each owner is told. common, rare, epic, legendary or mythic."
      fields={[{ name: "rarity", label: "Rarity", defaultValue: String(r.rarity).toLowerCase() }]}
      run={(v) =>
        gql(`mutation($publicId: String!, $rarity: CardRarity!, $reason: String!) { setCardRarity(input: { publicId: $publicId, rarity: $rarity, reason: $reason }) { cardTemplate { id } } }`, {
          publicId: r.publicId,
          rarity: v.rarity.trim().toUpperCase(),
          reason: v.reason,
        })
      }
      success="Rarity changed; owners are told"
    />
  );
}

/** The server's rendered card of a template (`GET /cards/templates/:id/image`, staff only; the bot's renderer). */
export function cardImageUrl(id: string | number): string {
  return `/cards/templates/${encodeURIComponent(String(id))}/image`;
}

interface TemplateRecord {
  id: string;
  publicId: string;
  rarity: string;
  copiesCreated: number;
  temporary: boolean;
  retiredAt: string | null;
}

/** The catalogue as a gallery: each template's rendered card (as the bot draws it), with its numbers and actions. */
function CardGallery() {
  const { data, isPending } = useListContext<TemplateRecord>();
  if (isPending || !data) return null;
  if (!data.length) return <Typography sx={{ p: 2 }}>No card matches.</Typography>;
  return (
    <Box data-testid="card-gallery" sx={{ display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(180px, 1fr))", gap: 2, p: 2 }}>
      {data.map((r) => (
        <RecordContextProvider key={r.id} value={r}>
          <Box sx={{ textAlign: "center", opacity: r.retiredAt ? 0.5 : 1 }}>
            <Box
              component="img"
              src={cardImageUrl(r.id)}
              alt={`${r.publicId} (${r.rarity.toLowerCase()})`}
              loading="lazy"
              width={300}
              height={420}
              data-testid={`card-image-${r.publicId}`}
              sx={{ width: "100%", height: "auto", aspectRatio: "300 / 420", borderRadius: 2, display: "block" }}
            />
            <Typography variant="body2" sx={{ mt: 0.5 }}>
              <b>{r.publicId}</b> · {r.copiesCreated} minted{r.temporary ? " · event" : ""}{r.retiredAt ? " · retired" : ""}
            </Typography>
            <SetRarity />
          </Box>
        </RecordContextProvider>
      ))}
    </Box>
  );
}

function CardTable() {
  return (
    <Datagrid bulkActionButtons={false}>
      <TextField source="publicId" label="Card" />
      <SelectField source="rarity" choices={rarityChoices} />
      <NumberField source="copiesCreated" label="Copies minted" />
      <BooleanField source="temporary" label="Event card" />
      <DateField source="retiredAt" label="Retired" showTime />
      <DateField source="createdAt" showTime />
      <SetRarity />
    </Datagrid>
  );
}

function CatalogueActions(props: { view: string; setView: (v: string) => void }) {
  return (
    <TopToolbar>
      <ToggleButtonGroup size="small" exclusive value={props.view} onChange={(_e, v: string | null) => v && props.setView(v)}>
        <ToggleButton value="gallery" data-testid="view-gallery">Gallery</ToggleButton>
        <ToggleButton value="table" data-testid="view-table">Table</ToggleButton>
      </ToggleButtonGroup>
      <CreateButton />
    </TopToolbar>
  );
}

const templateFilters = [
  <SearchInput key="q" source="q" alwaysOn placeholder="Public id" />,
  <SelectInput key="rarity" source="rarity" choices={rarityChoices} alwaysOn />,
  <ReferenceInput key="artistId" source="artistId" reference="artists" alwaysOn>
    <AutocompleteInput label="Artist" optionText="name" />
  </ReferenceInput>,
];

/** The catalogue: a gallery of rendered cards (or a table), filtered by public id, rarity and artist. */
export function CardTemplateList() {
  const [view, setView] = useStore<string>("cardTemplates.view", "gallery");
  return (
    <List empty={false} filters={templateFilters} actions={<CatalogueActions view={view} setView={setView} />} sort={{ field: "publicId", order: "ASC" }} perPage={view === "gallery" ? 24 : 25}>
      {view === "gallery" ? <CardGallery /> : <CardTable />}
    </List>
  );
}

/** Pack types: odds, cooldown, free allotment. */
export function PackTypeList() {
  const { permissions } = usePermissions();
  return (
    <List empty={false} sort={{ field: "code", order: "ASC" }}>
      <Datagrid rowClick={can(permissions, "editSettings") ? "edit" : false} bulkActionButtons={false}>
        <TextField source="code" />
        <TextField source="name" />
        <TextField source="command" />
        <NumberField source="cardsPerPack" label="Cards" />
        {RATE_FIELDS.map((f) => (
          <FunctionField key={f} label={f.replace("rate", "")} render={(r: Record<string, number>) => percent(r[f])} />
        ))}
        <NumberField source="cooldownS" label="Cooldown (s)" />
        <NumberField source="dailyFree" label="Free / day" />
        <BooleanField source="active" />
      </Datagrid>
    </List>
  );
}

interface Stat {
  rarity: string;
  configuredBp: number;
  draws: string;
  observedBp: number | null;
}

/** Configured rates beside those observed over the last N draws of this pack (`draw_stats`). */
function ObservedRates() {
  const r = useRecordContext();
  const [stats, setStats] = useState<Stat[] | null>(null);
  useEffect(() => {
    if (!r?.code) return;
    gql<{ drawStats: { nodes: Stat[] } }>(`query($pack: String!) { drawStats(pack: $pack, lastN: 10000) { nodes { rarity configuredBp draws observedBp } } }`, { pack: r.code }).then(
      (d) => setStats(d.drawStats.nodes),
      () => setStats([]),
    );
  }, [r?.code]);
  const rates = useWatch({ name: [...RATE_FIELDS] }) as number[];
  const total = (rates ?? []).reduce((a, b) => a + (Number(b) || 0), 0);
  return (
    <Card sx={{ ml: 2, minWidth: 320 }}>
      <CardContent>
        <Typography variant="h6">Drop rates</Typography>
        <Typography variant="body2" color={total === 10_000 ? "success.main" : "error.main"} data-testid="rates-total">
          Total being edited: {percent(total)}
        </Typography>
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell>Rarity</TableCell>
              <TableCell align="right">Configured</TableCell>
              <TableCell align="right">Observed (last 10,000)</TableCell>
              <TableCell align="right">Draws</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {(stats ?? []).map((s) => (
              <TableRow key={s.rarity}>
                <TableCell>{s.rarity.toLowerCase()}</TableCell>
                <TableCell align="right">{percent(s.configuredBp)}</TableCell>
                <TableCell align="right">{percent(s.observedBp)}</TableCell>
                <TableCell align="right">{s.draws}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}

/** Edits a pack type (ADMIN+): rates must total exactly 100 % (checked here and refused by the database, CA010). */
export function PackTypeEdit() {
  return (
    <Edit mutationMode="pessimistic">
      <Box sx={{ display: "flex", alignItems: "flex-start" }}>
        <SimpleForm validate={validateRates} toolbar={<FormToolbar canDelete={false} confirm="" />}>
          <NumberInput source="cardsPerPack" label="Cards per pack" min={1} max={10} />
          {RATE_FIELDS.map((f) => (
            <NumberInput key={f} source={f} label={`${f.replace("rate", "")} (basis points: 100 = 1 %)`} min={0} max={10000} step={1} />
          ))}
          <NumberInput source="cooldownS" label="Cooldown (s)" min={0} />
          <NumberInput source="dailyFree" label="Free opens per member per day" min={0} />
          <BooleanInput source="active" />
          <ReasonInput />
        </SimpleForm>
        <ObservedRates />
      </Box>
    </Edit>
  );
}

/** Card events: windows of event packs and temporary cards. */
export function CardEventList() {
  return (
    <List empty={false} sort={{ field: "startsAt", order: "DESC" }}>
      <Datagrid bulkActionButtons={false}>
        <TextField source="name" />
        <TextField source="description" />
        <DateField source="startsAt" showTime />
        <DateField source="endsAt" showTime />
      </Datagrid>
    </List>
  );
}

/** Card market listings. */
export function CardListingList() {
  return (
    <List empty={false} sort={{ field: "createdAt", order: "DESC" }}>
      <Datagrid bulkActionButtons={false}>
        <TextField source="id" />
        <NumberField source="cardId" label="Copy" />
        <NumberField source="price" />
        <TextField source="currency" />
        <FunctionField label="Fee" render={(r: { feeBp: number }) => percent(r.feeBp)} />
        <TextField source="status" />
        <NumberField source="sellerId" label="Seller" />
        <DateField source="expiresAt" showTime />
      </Datagrid>
    </List>
  );
}

/** Trades between members. */
export function CardTradeList() {
  return (
    <List empty={false} sort={{ field: "createdAt", order: "DESC" }}>
      <Datagrid bulkActionButtons={false}>
        <TextField source="id" />
        <TextField source="status" />
        <NumberField source="version" />
        <NumberField source="proposerId" label="Proposer" />
        <NumberField source="recipientId" label="Recipient" />
        <DateField source="expiresAt" showTime />
        <DateField source="closedAt" showTime />
      </Datagrid>
    </List>
  );
}

function RotateSeed() {
  return (
    <ToolbarMutation
      permission="editSettings"
      label="Rotate seed"
      testId="rotate-seed"
      title="Rotate the server seed"
      description="The current seed is revealed, so every draw made with it can be verified; a new seed's hash is published before any draw uses it."
      mutation="mutation { rotateFairSeed(input: {}) { fairSeed { id } } }"
      success="Seed rotated"
    />
  );
}

/** Fairness: the current seed's hash (published before use) and every revealed seed. */
export function FairSeedList() {
  return (
    <List actions={<RotateSeed />} empty={false} sort={{ field: "createdAt", order: "DESC" }}>
      <Datagrid bulkActionButtons={false}>
        <DateField source="createdAt" showTime />
        <TextField source="seedHash" label="SHA-256 of the seed (published)" />
        <DateField source="rotatedAt" showTime />
        <FunctionField label="Seed (revealed on rotation)" render={(r: { revealedSeed: string | null }) => r.revealedSeed ?? "in use: not revealed yet"} />
      </Datagrid>
    </List>
  );
}
