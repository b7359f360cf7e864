import { useState } from "react";
import { Button, useListContext, useNotify, usePermissions } from "react-admin";
import { Alert, Dialog, DialogActions, DialogContent, DialogTitle, List as MuiList, ListItem, ListItemText } from "@mui/material";
import DownloadIcon from "@mui/icons-material/Download";
import VerifiedUserIcon from "@mui/icons-material/VerifiedUser";
import { gql } from "../lib/api.ts";
import { transactionsCsv } from "../lib/amounts.ts";
import { can } from "../lib/permissions.ts";
import { ActionDialog } from "../common/ActionDialog.tsx";

/** One violated ledger invariant, as `verifyLedger` answers it. */
interface Violation {
  invariant: string;
  currency: string | null;
  accountId: string | null;
  expected: string;
  actual: string;
}

/**
 * "Validate" (issue 14, seed 003 POST /transactions/validate): runs `verify_ledger()` for the
 * guild and shows the result: healthy, or every violated invariant with expected and actual values.
 */
export function ValidateLedgerButton() {
  const [result, setResult] = useState<Violation[] | null>(null);
  const [busy, setBusy] = useState(false);
  const notify = useNotify();
  return (
    <>
      <Button
        label="Validate"
        data-testid="validate-ledger"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            const d = await gql<{ verifyLedger: { nodes: Violation[] } }>("{ verifyLedger { nodes { invariant currency accountId expected actual } } }");
            setResult(d.verifyLedger.nodes);
          } catch (err) {
            notify((err as Error).message, { type: "error" });
          } finally {
            setBusy(false);
          }
        }}
      >
        <VerifiedUserIcon />
      </Button>
      <Dialog open={result !== null} onClose={() => setResult(null)} data-testid="validate-result">
        <DialogTitle>Ledger validation</DialogTitle>
        <DialogContent>
          {result && result.length === 0 && (
            <Alert severity="success">
              The ledger verifies: balances sum to zero per currency, every balance equals its postings, holds and orders agree, and
              every transfer has its journal entry (live or archived).
            </Alert>
          )}
          {result && result.length > 0 && (
            <>
              <Alert severity="error">{result.length} violated invariant(s):</Alert>
              <MuiList dense>
                {result.map((v, i) => (
                  <ListItem key={i}>
                    <ListItemText primary={v.invariant} secondary={`${v.currency ?? ""} account ${v.accountId ?? "-"}: expected ${v.expected}, actual ${v.actual}`} />
                  </ListItem>
                ))}
              </MuiList>
            </>
          )}
        </DialogContent>
        <DialogActions>
          <Button label="Close" onClick={() => setResult(null)} />
        </DialogActions>
      </Dialog>
    </>
  );
}

/**
 * "Archive…" (issue 14, seed 003 POST /transactions/archive): moves the guild's transactions older
 * than a date (at least 30 days ago) into the archive table; the ledger still verifies and the CSV
 * export still has them. SUPERADMIN/ADMIN.
 */
export function ArchiveButton() {
  const { permissions } = usePermissions();
  if (!can(permissions, "archiveTransactions")) return null;
  const defaultBefore = new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 16);
  return (
    <ActionDialog
      label="Archive"
      testId="archive-transactions"
      title="Archive old transactions"
      description="Moves transactions created before this date out of the live table into the archive. Balances and transfers do not move: the ledger still verifies, and the CSV export includes archived rows."
      fields={[{ name: "before", label: "Archive transactions before", type: "datetime-local", defaultValue: defaultBefore, helperText: "At least 30 days ago" }]}
      run={(v, key) =>
        gql(
          `mutation($before: Datetime!, $reason: String!, $key: String!) { archiveTransactions(input: { before: $before, reason: $reason, idempotencyKey: $key }) { transactionArchiveRun { archived } } }`,
          { before: new Date(v.before).toISOString(), reason: v.reason, key },
          { idempotencyKey: key },
        )
      }
      success="Transactions archived"
    />
  );
}

const HISTORY_FIELDS = "txId seq type actorId userId counterpartyId amount currency reason meta createdAt user { id discordId displayName } counterparty { id discordId displayName }";

/**
 * CSV export of the filtered transactions, live and archived (`transaction_history`): archiving
 * never shortens the export. The date and type filters go to the server; the reason search, member
 * and actor filters are applied to the rows.
 */
export function FullExportButton() {
  const { filterValues } = useListContext();
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  return (
    <Button
      label="Export"
      data-testid="export-csv"
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        try {
          const f = filterValues as Record<string, string | undefined>;
          const to = f.createdAt_lte ? new Date(new Date(f.createdAt_lte).getTime() + 86_400_000).toISOString() : null;
          const d = await gql<{ transactionHistory: { nodes: Record<string, any>[] } }>(
            `query($from: Datetime, $to: Datetime, $type: TxType) { transactionHistory(fromAt: $from, toAt: $to, txType: $type) { nodes { ${HISTORY_FIELDS} } } }`,
            { from: f.createdAt_gte ? new Date(f.createdAt_gte).toISOString() : null, to, type: f.type ? String(f.type).toUpperCase() : null },
          );
          const rows = d.transactionHistory.nodes.filter(
            (r) =>
              (!f.q || String(r.reason).toLowerCase().includes(String(f.q).toLowerCase())) &&
              (!f.actorId || String(r.actorId) === String(f.actorId)) &&
              (!f.userId || String(r.userId) === String(f.userId)),
          );
          const blob = new Blob([transactionsCsv(rows)], { type: "text/csv" });
          const a = document.createElement("a");
          a.href = URL.createObjectURL(blob);
          a.download = `transactions-${new Date().toISOString().slice(0, 10)}.csv`;
          a.click();
        } catch (err) {
          notify((err as Error).message, { type: "error" });
        } finally {
          setBusy(false);
        }
      }}
    >
      <DownloadIcon />
    </Button>
  );
}
