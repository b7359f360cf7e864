import { useCallback, useEffect, useState } from "react";
import { Title, useNotify, usePermissions } from "react-admin";
import { Link } from "react-router-dom";
import { Alert, Card, CardContent, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from "@mui/material";
import { gql } from "../lib/api.ts";
import { formatMoney } from "../lib/amounts.ts";
import { can } from "../lib/permissions.ts";
import { ActionDialog } from "../common/ActionDialog.tsx";

interface InactiveMember {
  id: string;
  discordId: string;
  displayName: string;
  lastActiveAt: string;
  walletBalance: string | null;
  deactivatedAt: string | null;
}

/**
 * Inactive members (issue 14, seed 003 GET /users/inactive and POST /users/cleanup): members with no
 * activity for N days, and a cleanup that deactivates them all (OPERATOR+, audited one row per member;
 * balances stay). Each member's page reactivates them.
 */
export function InactiveMembers() {
  const [days, setDays] = useState(30);
  const [rows, setRows] = useState<InactiveMember[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { permissions } = usePermissions();
  const notify = useNotify();
  const load = useCallback(async () => {
    try {
      const d = await gql<{ inactiveMembers: { nodes: InactiveMember[] } }>(
        "query($days: Int!) { inactiveMembers(days: $days) { nodes { id discordId displayName lastActiveAt walletBalance deactivatedAt } } }",
        { days },
      );
      setRows(d.inactiveMembers.nodes);
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [days]);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <Card>
      <Title title="Inactive members" />
      <CardContent>
        <Stack direction="row" spacing={2} sx={{ alignItems: "center", mb: 2 }}>
          <TextField
            type="number"
            size="small"
            label="No activity for (days)"
            value={days}
            onChange={(e) => setDays(Math.max(1, Number(e.target.value) || 1))}
            slotProps={{ htmlInput: { min: 1, max: 3650, "data-testid": "inactive-days" } }}
          />
          {can(permissions, "deactivateMembers") && rows && rows.length > 0 && days >= 7 && (
            <ActionDialog
              label={`Deactivate ${rows.length}`}
              testId="deactivate-inactive"
              color="warning"
              title={`Deactivate ${rows.length} member(s) inactive for ${days} days`}
              description="Cleanup: each member is marked deactivated (audited); balances and history stay, and any of them can be reactivated."
              run={async (v, key) => {
                const d = await gql<{ deactivateInactiveMembers: { integer: number } }>(
                  "mutation($days: Int!, $reason: String!, $key: String!) { deactivateInactiveMembers(input: { days: $days, reason: $reason, idempotencyKey: $key }) { integer } }",
                  { days, reason: v.reason, key },
                  { idempotencyKey: key },
                );
                notify(`${d.deactivateInactiveMembers.integer} member(s) deactivated`, { type: "info" });
                await load();
              }}
              success="Cleanup done"
            />
          )}
        </Stack>
        {error && <Alert severity="error">{error}</Alert>}
        {rows && rows.length === 0 && <Typography color="text.secondary">Nobody has been inactive for {days} days.</Typography>}
        {rows && rows.length > 0 && (
          <Table size="small" data-testid="inactive-table">
            <TableHead>
              <TableRow>
                <TableCell>Member</TableCell>
                <TableCell>Discord id</TableCell>
                <TableCell>Last active</TableCell>
                <TableCell>Wallet</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {rows.map((r) => (
                <TableRow key={r.id}>
                  <TableCell>
                    <Link to={`/users/${r.id}/show`}>{r.displayName || r.discordId}</Link>
                  </TableCell>
                  <TableCell>{r.discordId}</TableCell>
                  <TableCell>{new Date(r.lastActiveAt).toLocaleString()}</TableCell>
                  <TableCell>{formatMoney(r.walletBalance)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </CardContent>
    </Card>
  );
}
