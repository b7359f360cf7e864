import { useCallback, useEffect, useState } from "react";
import { Title, useNotify, usePermissions } from "react-admin";
import { Alert, Button, Card, CardContent, Chip, MenuItem, Stack, TextField, Typography } from "@mui/material";
import { gql, newIdempotencyKey } from "../lib/api.ts";
import { can } from "../lib/permissions.ts";

interface Presence {
  status: string;
  activityType: string | null;
  activityText: string | null;
  syncState: string;
  appliedAt: string | null;
  updatedAt: string;
  error: string | null;
}

const STATUSES = ["online", "idle", "dnd", "invisible"];
const ACTIVITIES = ["", "playing", "listening", "watching", "competing", "custom"];
const SYNC_COLOURS: Record<string, "success" | "warning" | "error" | "default"> = { synced: "success", pending: "warning", failed: "error", superseded: "default" };

/**
 * The bot's Discord presence (issue 14, seed 003 PUT /api/bot/status): status and activity, stored in
 * the database (`set_bot_presence`, audited) and applied by the bot through a `discord__presence` job;
 * the sync state says whether the bot has applied it.
 */
export function BotPresencePage() {
  const { permissions } = usePermissions();
  const notify = useNotify();
  const [current, setCurrent] = useState<Presence | null>(null);
  const [status, setStatus] = useState("online");
  const [activityType, setActivityType] = useState("");
  const [activityText, setActivityText] = useState("");
  const load = useCallback(async () => {
    const d = await gql<{ botPresences: { nodes: Presence[] } }>(
      "{ botPresences { nodes { status activityType activityText syncState appliedAt updatedAt error } } }",
    );
    const p = d.botPresences.nodes[0] ?? null;
    setCurrent(p);
    return p;
  }, []);
  useEffect(() => {
    load().then((p) => {
      if (p) {
        setStatus(p.status.toLowerCase());
        setActivityType((p.activityType ?? "").toLowerCase());
        setActivityText(p.activityText ?? "");
      }
    }, () => {});
    // The sync state changes when the bot applies it: poll while the page is open.
    const t = setInterval(() => void load().catch(() => {}), 3000);
    return () => clearInterval(t);
  }, [load]);
  const allowed = can(permissions, "setBotPresence");
  return (
    <Card>
      <Title title="Bot presence" />
      <CardContent>
        {current ? (
          <Stack direction="row" spacing={1} sx={{ alignItems: "center", mb: 2 }}>
            <Typography>
              Now: <b>{current.status}</b>
              {current.activityType ? ` · ${current.activityType} ${current.activityText}` : ""}
            </Typography>
            <Chip size="small" label={current.syncState} color={SYNC_COLOURS[current.syncState] ?? "default"} data-testid="presence-sync" />
            {current.error && <Alert severity="error">{current.error}</Alert>}
          </Stack>
        ) : (
          <Typography color="text.secondary" sx={{ mb: 2 }}>
            No presence set from this server yet.
          </Typography>
        )}
        <Stack direction="row" spacing={2} sx={{ alignItems: "center", flexWrap: "wrap" }} useFlexGap>
          <TextField select size="small" label="Status" value={status} onChange={(e) => setStatus(e.target.value)} disabled={!allowed} sx={{ minWidth: 140 }} slotProps={{ htmlInput: { "data-testid": "presence-status" } }}>
            {STATUSES.map((s) => (
              <MenuItem key={s} value={s}>
                {s}
              </MenuItem>
            ))}
          </TextField>
          <TextField select size="small" label="Activity" value={activityType} onChange={(e) => setActivityType(e.target.value)} disabled={!allowed} sx={{ minWidth: 140 }}>
            {ACTIVITIES.map((s) => (
              <MenuItem key={s || "none"} value={s}>
                {s || "none"}
              </MenuItem>
            ))}
          </TextField>
          <TextField size="small" label="Activity text" value={activityText} onChange={(e) => setActivityText(e.target.value)} disabled={!allowed || !activityType} slotProps={{ htmlInput: { maxLength: 128, "data-testid": "presence-text" } }} />
          {allowed && (
            <Button
              variant="contained"
              data-testid="presence-save"
              onClick={async () => {
                try {
                  await gql(
                    "mutation($s: String!, $t: String, $x: String) { setBotPresence(input: { status: $s, activityType: $t, activityText: $x }) { botPresence { syncState } } }",
                    { s: status, t: activityType || null, x: activityType ? activityText : null },
                    { idempotencyKey: newIdempotencyKey(), reason: "bot presence set from the panel" },
                  );
                  notify("Presence saved: the bot applies it shortly", { type: "success" });
                  await load();
                } catch (err) {
                  notify((err as Error).message, { type: "error" });
                }
              }}
            >
              Save
            </Button>
          )}
        </Stack>
        {!allowed && <Typography variant="body2" sx={{ mt: 1 }}>Read-only for your role.</Typography>}
      </CardContent>
    </Card>
  );
}
