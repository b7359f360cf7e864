import { useEffect, useState } from "react";
import { Title, useGetMany, useNotify } from "react-admin";
import { Card, CardContent, CardHeader, Grid, List, ListItem, ListItemText, Stack, Typography, Chip } from "@mui/material";
import { useLive } from "../live/LiveProvider.tsx";
import { DailyBarChart, DailyLineChart, loadReport, type ReportDay } from "../reports/index.tsx";
import { formatCoins } from "../common/fields.tsx";
import { formatMoney } from "../lib/amounts.ts";

function Kpi({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <Card>
      <CardContent>
        <Typography variant="overline">{label}</Typography>
        <Typography variant="h5" data-testid={testId}>
          {value}
        </Typography>
      </CardContent>
    </Card>
  );
}

/** The live transaction feed (Server-Sent Events): newest first, no refresh needed. */
export function LiveFeed() {
  const { transactions, connected } = useLive();
  const ids = [...new Set(transactions.flatMap((t) => [t.user_id, t.counterparty_id]).filter((id): id is number => id !== null))];
  const { data: members } = useGetMany("users", { ids }, { enabled: ids.length > 0 });
  const name = (id: number | null) => {
    if (id === null) return "—";
    const m = members?.find((u) => String(u.id) === String(id));
    return m ? String(m.displayName || m.discordId) : "…";
  };
  return (
    <Card>
      <CardHeader title="Live transactions" action={<Chip size="small" label={connected ? "live" : "connecting"} color={connected ? "success" : "default"} />} />
      <List dense data-testid="live-feed" sx={{ maxHeight: 600, overflow: "auto" }}>
        {transactions.length === 0 && (
          <ListItem>
            <ListItemText primary="Waiting for transactions…" />
          </ListItem>
        )}
        {transactions.map((t) => (
          <ListItem key={t.tx_id} data-tx-id={t.tx_id} divider>
            <ListItemText
              primary={`${t.type} · ${t.reason} · ${formatMoney(t.amount, t.currency)}`}
              secondary={`${new Date(t.created_at).toLocaleString()} · ${name(t.user_id)}${t.counterparty_id ? ` → ${name(t.counterparty_id)}` : ""}`}
            />
          </ListItem>
        ))}
      </List>
    </Card>
  );
}

/** The dashboard: key figures of the last 14 days, money supply, volume and fees per day, and the live feed. */
export function Dashboard() {
  const [rows, setRows] = useState<ReportDay[] | null>(null);
  const notify = useNotify();
  const { openAlerts, queue } = useLive();
  useEffect(() => {
    loadReport(14).then((r) => setRows(r.rows), (e: Error) => notify(e.message, { type: "error" }));
  }, [notify]);
  const last = rows?.[rows.length - 1];
  const fees = rows?.reduce((a, r) => a + r.fees, 0);
  const volume = rows?.reduce((a, r) => a + r.volume, 0);
  return (
    <Grid container spacing={2} sx={{ mt: 1 }}>
      <Title title="Dashboard" />
      <Grid size={{ xs: 6, md: 3 }}>
        <Kpi label="Money supply" value={last ? formatCoins(last.supply) : "…"} testId="kpi-supply" />
      </Grid>
      <Grid size={{ xs: 6, md: 3 }}>
        <Kpi label="Volume, 14 days" value={volume !== undefined ? formatCoins(volume) : "…"} />
      </Grid>
      <Grid size={{ xs: 6, md: 3 }}>
        <Kpi label="Fees, 14 days" value={fees !== undefined ? formatCoins(fees) : "…"} />
      </Grid>
      <Grid size={{ xs: 6, md: 3 }}>
        <Kpi label="Open alerts · failed jobs" value={`${openAlerts} · ${queue ? queue.failed : "…"}`} />
      </Grid>
      <Grid size={{ xs: 12, md: 7 }}>
        <Stack spacing={2}>
          <Card>
            <CardHeader title="Money supply, 14 days" />
            <CardContent>
              <DailyLineChart rows={rows ?? []} dataKey="supply" color="#5865f2" height={220} />
            </CardContent>
          </Card>
          <Grid container spacing={2}>
            <Grid size={{ xs: 12, sm: 6 }}>
              <Card data-testid="chart-volume">
                <CardHeader title="Volume per day" subheader="coins paid by members" />
                <CardContent>
                  <DailyBarChart rows={rows ?? []} dataKey="volume" name="volume" color="#3ba55d" height={180} />
                </CardContent>
              </Card>
            </Grid>
            <Grid size={{ xs: 12, sm: 6 }}>
              <Card data-testid="chart-fees">
                <CardHeader title="Fees per day" subheader="market fees to the guild" />
                <CardContent>
                  <DailyBarChart rows={rows ?? []} dataKey="fees" name="fees" color="#faa61a" height={180} />
                </CardContent>
              </Card>
            </Grid>
          </Grid>
        </Stack>
      </Grid>
      <Grid size={{ xs: 12, md: 5 }}>
        <LiveFeed />
      </Grid>
    </Grid>
  );
}
