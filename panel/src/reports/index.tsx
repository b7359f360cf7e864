import { useEffect, useState } from "react";
import { Title, useNotify } from "react-admin";
import { Card, CardContent, CardHeader, Grid, Table, TableBody, TableCell, TableHead, TableRow, ToggleButton, ToggleButtonGroup } from "@mui/material";
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { gql } from "../lib/api.ts";
import { formatCoins } from "../common/fields.tsx";

/** One day of `reportDaily` (coins as numbers for the charts; the figures stay below 2^53 in practice). */
export interface ReportDay {
  day: string;
  supply: number;
  minted: number;
  burned: number;
  fees: number;
  volume: number;
  velocity: number;
  faucets: Record<string, number>;
  sinks: Record<string, number>;
}

/**
 * Loads the daily economy report and the top earners for the last `days` days.
 *
 * @returns the days (oldest first) and the top earners.
 */
export async function loadReport(days: number) {
  const to = new Date();
  const from = new Date(to.getTime() - days * 86400_000);
  const d = await gql<{
    reportDaily: { nodes: Record<string, any>[] };
    reportTopEarners: { nodes: { discordId: string; displayName: string; earned: string; spent: string }[] };
  }>(
    `query($from: Datetime!, $to: Datetime!) {
      reportDaily(from: $from, to: $to) { nodes { day supply minted burned fees volume velocity faucets sinks } }
      reportTopEarners(from: $from, to: $to, limit: 10) { nodes { discordId displayName earned spent } }
    }`,
    { from: from.toISOString(), to: to.toISOString() },
  );
  const rows: ReportDay[] = d.reportDaily.nodes.map((n) => ({
    day: n.day,
    supply: Number(n.supply),
    minted: Number(n.minted),
    burned: Number(n.burned),
    fees: Number(n.fees),
    volume: Number(n.volume),
    velocity: Number(n.velocity),
    faucets: n.faucets ?? {},
    sinks: n.sinks ?? {},
  }));
  return { rows, top: d.reportTopEarners.nodes };
}

/** A line over the days of a report (one series). */
export function DailyLineChart({ rows, dataKey, color, height }: { rows: ReportDay[]; dataKey: keyof ReportDay; color: string; height: number }) {
  return (
    <ResponsiveContainer width="100%" height={height}>
      <LineChart data={rows}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="day" fontSize={11} />
        <YAxis fontSize={11} />
        <Tooltip />
        <Line type="monotone" dataKey={dataKey} stroke={color} dot={false} isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}

/** Bars over the days of a report (one series), e.g. the volume or the fees of each day. */
export function DailyBarChart({ rows, dataKey, color, height, name }: { rows: ReportDay[]; dataKey: keyof ReportDay; color: string; height: number; name?: string }) {
  return (
    <ResponsiveContainer width="100%" height={height}>
      <BarChart data={rows}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="day" fontSize={11} />
        <YAxis fontSize={11} />
        <Tooltip formatter={(v) => formatCoins(v)} />
        <Bar dataKey={dataKey} name={name} fill={color} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + Number(b), 0);

/** The economy reports: money supply, faucets vs sinks, fees, velocity, top earners. */
export function Reports() {
  const [days, setDays] = useState(30);
  const [data, setData] = useState<Awaited<ReturnType<typeof loadReport>> | null>(null);
  const notify = useNotify();
  useEffect(() => {
    loadReport(days).then(setData, (e: Error) => notify(e.message, { type: "error" }));
  }, [days, notify]);
  const flows = (data?.rows ?? []).map((r) => ({ day: r.day, faucets: sum(r.faucets), sinks: -sum(r.sinks) }));
  const faucetTotals: Record<string, number> = {};
  const sinkTotals: Record<string, number> = {};
  for (const r of data?.rows ?? []) {
    for (const [k, v] of Object.entries(r.faucets)) faucetTotals[k] = (faucetTotals[k] ?? 0) + Number(v);
    for (const [k, v] of Object.entries(r.sinks)) sinkTotals[k] = (sinkTotals[k] ?? 0) + Number(v);
  }
  return (
    <Card sx={{ mt: 1 }} data-testid="reports">
      <Title title="Reports" />
      <CardHeader
        title="Economy"
        action={
          <ToggleButtonGroup size="small" exclusive value={days} onChange={(_, v) => v && setDays(v)}>
            {[7, 30, 90].map((d) => (
              <ToggleButton key={d} value={d}>
                {d} days
              </ToggleButton>
            ))}
          </ToggleButtonGroup>
        }
      />
      <CardContent>
        <Grid container spacing={2}>
          <Grid size={{ xs: 12, md: 6 }}>
            <h3>Money supply</h3>
            <DailyLineChart rows={data?.rows ?? []} dataKey="supply" color="#5865f2" height={240} />
          </Grid>
          <Grid size={{ xs: 12, md: 6 }}>
            <h3>Faucets vs sinks</h3>
            <ResponsiveContainer width="100%" height={240}>
              <BarChart data={flows} stackOffset="sign">
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="day" fontSize={11} />
                <YAxis fontSize={11} />
                <Tooltip />
                <Legend />
                <Bar dataKey="faucets" fill="#3ba55d" stackId="f" isAnimationActive={false} />
                <Bar dataKey="sinks" fill="#ed4245" stackId="f" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </Grid>
          <Grid size={{ xs: 12, md: 6 }}>
            <h3>Fees collected</h3>
            <DailyBarChart rows={data?.rows ?? []} dataKey="fees" name="fees" color="#faa61a" height={200} />
          </Grid>
          <Grid size={{ xs: 12, md: 6 }}>
            <h3>Velocity (volume ÷ supply, per day)</h3>
            <DailyLineChart rows={data?.rows ?? []} dataKey="velocity" color="#eb459e" height={200} />
          </Grid>
          <Grid size={{ xs: 12, md: 6 }}>
            <h3>Top earners</h3>
            <Table size="small" data-testid="top-earners">
              <TableHead>
                <TableRow>
                  <TableCell>Member</TableCell>
                  <TableCell align="right">Earned</TableCell>
                  <TableCell align="right">Spent</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {(data?.top ?? []).map((t) => (
                  <TableRow key={t.discordId}>
                    <TableCell>{t.displayName || t.discordId}</TableCell>
                    <TableCell align="right">{formatCoins(t.earned)}</TableCell>
                    <TableCell align="right">{formatCoins(t.spent)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Grid>
          <Grid size={{ xs: 12, md: 6 }}>
            <h3>By reason over the period</h3>
            <Table size="small">
              <TableHead>
                <TableRow>
                  <TableCell>Reason</TableCell>
                  <TableCell align="right">Faucet</TableCell>
                  <TableCell align="right">Sink</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {[...new Set([...Object.keys(faucetTotals), ...Object.keys(sinkTotals)])].sort().map((k) => (
                  <TableRow key={k}>
                    <TableCell>{k}</TableCell>
                    <TableCell align="right">{faucetTotals[k] ? formatCoins(faucetTotals[k]) : ""}</TableCell>
                    <TableCell align="right">{sinkTotals[k] ? formatCoins(sinkTotals[k]) : ""}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Grid>
        </Grid>
      </CardContent>
    </Card>
  );
}
