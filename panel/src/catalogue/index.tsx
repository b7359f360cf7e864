/**
 * The catalogue ingestion pages (issue 16 "Staff review"): runs with their progress and errors (and the buttons that
 * ingest an artist or run the sync now), the review queue of candidate images (approve, reject, change kind or era,
 * with licence, author and source shown), "render templates" for approved images, and the
 * rarity decisions with their reasons. The database decides (review_catalogue_image, render_catalogue_templates);
 * the panel only asks and explains. Artists and eras are edited on the Cards pages (cards/staff.tsx).
 */
import { useEffect, useState } from "react";
import {
  Datagrid,
  DateField,
  FunctionField,
  List,
  NumberField,
  ReferenceField,
  SearchInput,
  SelectInput,
  TextField,
  TopToolbar,
  usePermissions,
  useRecordContext,
  useRefresh,
} from "react-admin";
import { Box, Chip, Link, Typography } from "@mui/material";
import { gql } from "../lib/api.ts";
import { can } from "../lib/permissions.ts";
import { ToolbarMutation } from "../common/ToolbarMutation.tsx";
import { ActionDialog } from "../common/ActionDialog.tsx";

/** The image kinds staff may choose. */
export const KINDS = ["concert", "cover", "mv", "promo", "red_carpet"] as const;

/** What an era reason means, in words. */
export const ERA_REASONS: Record<string, string> = {
  date_in_window: "its date is inside the era's window",
  page_text: "its page names the era",
  searched_era: "found by this era's search",
  staff: "set by staff",
};

function RunActions() {
  const { permissions } = usePermissions();
  const refresh = useRefresh();
  if (!can(permissions, "manageRewards")) return null;
  return (
    <TopToolbar>
      <ActionDialog
        label="Ingest artist"
        testId="ingest-artist"
        title="Ingest an artist"
        description="Its eras come from MusicBrainz, its images from Wikimedia Commons (with their licences); the images wait here for review."
        reason={false}
        fields={[{ name: "artist", label: "Artist name" }]}
        run={async (v) => {
          await gql(`mutation($name: String!) { requestCatalogueIngest(input: { artistName: $name }) { catalogueRun { id } } }`, { name: v.artist });
          refresh();
        }}
        success="Ingestion queued"
      />
      <ActionDialog
        label="Sync now"
        testId="catalogue-sync"
        title="Run the weekly sync now"
        description="New artists from Last.fm's charts and artists similar to yours, up to the sync limit, each queued for ingestion."
        reason={false}
        run={async () => {
          await gql(`mutation { requestCatalogueSync(input: {}) { catalogueRun { id } } }`);
          refresh();
        }}
        success="Sync queued"
      />
    </TopToolbar>
  );
}

/** A run's progress counters in words. */
export function progressLine(p: Record<string, unknown> | null | undefined): string {
  if (!p) return "";
  const parts: string[] = [];
  if (p.stage) parts.push(String(p.stage));
  if (p.eras !== undefined) parts.push(`${p.eras} eras`);
  if (p.searched !== undefined) parts.push(`${p.searched} searched`);
  if (p.downloaded !== undefined) parts.push(`${p.downloaded} downloaded`);
  if (p.templates) parts.push(`${p.templates} templates`);
  if (Array.isArray(p.queued)) parts.push(p.queued.length ? `queued: ${p.queued.join(", ")}` : "no new artists");
  return parts.join(" · ");
}

function RunErrors() {
  const r = useRecordContext();
  const [rows, setRows] = useState<Array<{ stage: string; subject: string | null; message: string; createdAt: string }> | null>(null);
  useEffect(() => {
    if (!r) return;
    gql<{ catalogueRunErrors: { nodes: Array<{ stage: string; subject: string | null; message: string; createdAt: string }> } }>(
      `query($run: BigInt!) { catalogueRunErrors(condition: { runId: $run }, orderBy: ID_ASC, first: 50) { nodes { stage subject message createdAt } } }`,
      { run: r.id },
    ).then((d) => setRows(d.catalogueRunErrors.nodes), () => setRows([]));
  }, [r?.id]);
  if (!rows) return null;
  if (!rows.length) return <Typography variant="body2">No errors.</Typography>;
  return (
    <Box data-testid="run-errors">
      {rows.map((e, n) => (
        <Typography key={n} variant="body2">
          <b>{e.stage}</b> {e.subject ? <code>{e.subject}</code> : null}: {e.message}
        </Typography>
      ))}
    </Box>
  );
}

/** Ingestion runs: what was asked, the state, progress and errors (expand a row for the errors). */
export function CatalogueRunList() {
  return (
    <List actions={<RunActions />} empty={false} sort={{ field: "createdAt", order: "DESC" }}>
      <Datagrid bulkActionButtons={false} expand={<RunErrors />} rowClick="expand">
        <TextField source="id" />
        <TextField source="kind" />
        <TextField source="query" label="Artist / query" />
        <FunctionField label="Status" render={(r: { status: string }) => <Chip size="small" label={r.status} data-testid={`run-status-${r.status}`} color={r.status === "done" ? "success" : r.status === "failed" ? "error" : "default"} />} />
        <FunctionField label="Progress" render={(r: { progress: Record<string, unknown> }) => progressLine(r.progress)} />
        <NumberField source="errorCount" label="Errors" />
        <DateField source="createdAt" showTime />
        <DateField source="finishedAt" showTime />
      </Datagrid>
    </List>
  );
}

/** The staff-only image route of the server (`GET /catalogue/images/:id`, `w`: a WebP thumbnail that wide). */
export function catalogueImageUrl(id: string | number, width?: number): string {
  return `/catalogue/images/${encodeURIComponent(String(id))}${width ? `?w=${width}` : ""}`;
}

/** A row's stored image as a small thumbnail (nothing when the image was never stored). */
function Thumbnail(props: { id: string | number; storageUrl: string | null; title: string | null }) {
  if (!props.storageUrl) return <Box sx={{ width: 96, height: 64, bgcolor: "action.hover", borderRadius: 1 }} />;
  return (
    <Box
      component="img"
      src={catalogueImageUrl(props.id, 192)}
      alt={props.title ?? "candidate image"}
      loading="lazy"
      data-testid={`image-thumb-${props.id}`}
      sx={{ width: 96, height: 64, objectFit: "cover", borderRadius: 1, display: "block" }}
    />
  );
}

/** The larger preview shown in the review dialogs. */
function Preview(props: { id: string | number; storageUrl: string | null; title: string | null }) {
  if (!props.storageUrl) return null;
  return (
    <Box
      component="img"
      src={catalogueImageUrl(props.id, 800)}
      alt={props.title ?? "candidate image"}
      data-testid={`image-preview-${props.id}`}
      sx={{ width: "100%", maxHeight: 360, objectFit: "contain", mb: 2, borderRadius: 1, bgcolor: "action.hover" }}
    />
  );
}

function Review() {
  const r = useRecordContext();
  const { permissions } = usePermissions();
  if (!r || !can(permissions, "manageRewards")) return null;
  const review = (approve: boolean | null, kind?: string, eraId?: string, reason?: string) =>
    gql(`mutation($id: BigInt!, $approve: Boolean, $kind: String, $era: BigInt, $reason: String) {
      reviewCatalogueImage(input: { imageId: $id, approve: $approve, kind: $kind, eraId: $era, reason: $reason }) { catalogueImage { id status } } }`, {
      id: r.id,
      approve,
      kind: kind || null,
      era: eraId || null,
      reason: reason || null,
    });
  return (
    <Box sx={{ display: "flex", gap: 0.5 }} onClick={(e) => e.stopPropagation()}>
      {r.status !== "approved" ? (
        <ActionDialog label="Approve" testId={`approve-${r.id}`} title="Approve this image" preview={<Preview id={r.id} storageUrl={r.storageUrl} title={r.title} />} description={`${r.title ?? ""}: licence ${r.licence?.short_name ?? "none"}${r.author ? `, by ${r.author}` : ""}.`} reason={false} run={() => review(true)} success="Approved" />
      ) : null}
      {r.status !== "rejected" ? <ActionDialog label="Reject" color="error" testId={`reject-${r.id}`} title="Reject this image" preview={<Preview id={r.id} storageUrl={r.storageUrl} title={r.title} />} run={(v) => review(false, undefined, undefined, v.reason)} success="Rejected" /> : null}
      <ActionDialog
        label="Kind / era"
        testId={`reclassify-${r.id}`}
        title="Change the kind or era"
        preview={<Preview id={r.id} storageUrl={r.storageUrl} title={r.title} />}
        description={`Kind: one of ${KINDS.join(", ")}. Era: the era's id (see Catalogue: eras).`}
        fields={[
          { name: "kind", label: "Kind", defaultValue: r.kind ?? "" },
          { name: "era", label: "Era id", defaultValue: String(r.eraId ?? "") },
        ]}
        run={(v) => review(null, v.kind.trim() !== r.kind ? v.kind.trim() : undefined, v.era.trim() !== String(r.eraId) ? v.era.trim() : undefined, v.reason)}
        success="Updated"
      />
    </Box>
  );
}

function RenderTemplates() {
  return (
    <ToolbarMutation
      permission="manageRewards"
      label="Render templates"
      testId="render-templates"
      title="Make card templates from the approved images"
      description="Each approved image without a decision gets its rarity (base draw, kind weights, stock policy; the reason is recorded) and, when the decision says so, a card template the bot renders."
      mutation="mutation { renderCatalogueTemplates(input: {}) { integer } }"
      success="Templates made"
    />
  );
}

const imageFilters = [
  <SearchInput key="q" source="q" alwaysOn />,
  <SelectInput
    key="status"
    source="status"
    alwaysOn
    choices={["pending", "approved", "rejected", "filtered", "failed", "new"].map((s) => ({ id: s, name: s }))}
  />,
];

/** The review queue: candidate images with source, licence, author, size, kind and era (with why), and the verdict. */
export function CatalogueImageList() {
  return (
    <List actions={<RenderTemplates />} filters={imageFilters} filterDefaultValues={{ status: "pending" }} empty={false} sort={{ field: "id", order: "ASC" }}>
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <TextField source="id" />
        <FunctionField label="" render={(r: { id: string; storageUrl: string | null; title: string | null }) => <Thumbnail id={r.id} storageUrl={r.storageUrl} title={r.title} />} />
        <FunctionField
          label="Image"
          render={(r: { title: string | null; sourceUrl: string; pageUrl: string | null }) => (
            <Box>
              <Typography variant="body2" data-testid="image-title">{r.title}</Typography>
              <Link href={r.pageUrl ?? r.sourceUrl} target="_blank" rel="noreferrer" variant="caption">source</Link>
            </Box>
          )}
        />
        <ReferenceField source="artistId" reference="artists" link={false}><TextField source="name" /></ReferenceField>
        <FunctionField label="Licence" render={(r: { licence: { short_name?: string; url?: string }; author: string | null }) => <span data-testid="image-licence">{`${r.licence?.short_name ?? "none"}${r.author ? ` · ${r.author}` : ""}`}</span>} />
        <FunctionField label="Size" render={(r: { width: number | null; height: number | null }) => (r.width ? `${r.width}×${r.height}` : "")} />
        <FunctionField label="Kind" render={(r: { kind: string | null; kindReason: string | null }) => <span title={r.kindReason ?? ""}>{r.kind}</span>} />
        <ReferenceField source="eraId" reference="eras" link={false}><TextField source="name" /></ReferenceField>
        <FunctionField label="Why this era" render={(r: { eraReason: string }) => ERA_REASONS[r.eraReason] ?? r.eraReason} />
        <FunctionField label="Status" render={(r: { status: string; filterReason: string | null }) => (r.filterReason ? `${r.status}: ${r.filterReason}` : r.status)} />
        <FunctionField label="" render={() => <Review />} />
      </Datagrid>
    </List>
  );
}

/** Rarity decisions: why each ingested image got its rarity. */
export function CatalogueDecisionList() {
  return (
    <List empty={false} sort={{ field: "id", order: "DESC" }}>
      <Datagrid bulkActionButtons={false}>
        <TextField source="imageId" label="Image" />
        <TextField source="kind" />
        <TextField source="baseRarity" label="Base draw" />
        <TextField source="rarity" />
        <TextField source="action" />
        <TextField source="reason" />
        <DateField source="createdAt" showTime />
      </Datagrid>
    </List>
  );
}
