import { useState, type ReactNode } from "react";
import { Button, useNotify, useRefresh } from "react-admin";
import { Dialog, DialogActions, DialogContent, DialogTitle, TextField, Typography } from "@mui/material";
import { newIdempotencyKey } from "../lib/api.ts";

/** An extra input of an action dialog (besides the reason). */
export interface ActionField {
  name: string;
  label: string;
  type?: "text" | "number" | "datetime-local";
  helperText?: string;
  defaultValue?: string;
}

/** Props of {@link ActionDialog}. */
export interface ActionDialogProps {
  /** Button label, e.g. "Adjust balance". */
  label: string;
  icon?: ReactNode;
  title: string;
  description?: string;
  /** Shown above the description (e.g. the image a review is about). */
  preview?: ReactNode;
  fields?: ActionField[];
  /** Every staff action that changes state asks for a reason (at least 3 characters, audited). */
  reason?: boolean;
  confirmLabel?: string;
  /** Runs the action; the idempotency key is fixed while the dialog is open, so a resubmit is a replay. */
  run: (values: Record<string, string>, idempotencyKey: string) => Promise<unknown>;
  success: string;
  testId?: string;
  color?: "primary" | "error" | "warning";
}

/**
 * A button opening a dialog that asks for a reason (and any extra inputs), then runs one staff
 * action; the answer (our named error's sentence, or success) is shown as a notification and the
 * view refreshes.
 */
export function ActionDialog(props: ActionDialogProps) {
  const { label, icon, title, description, preview, fields = [], reason = true, confirmLabel, run, success, testId, color = "primary" } = props;
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState<Record<string, string>>({});
  const [key, setKey] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const notify = useNotify();
  const refresh = useRefresh();

  const start = () => {
    setValues(Object.fromEntries(fields.map((f) => [f.name, f.defaultValue ?? ""])));
    setKey(newIdempotencyKey());
    setOpen(true);
  };
  const reasonOk = !reason || (values.reason ?? "").trim().length >= 3;
  const submit = async () => {
    setBusy(true);
    try {
      await run(values, key);
      notify(success, { type: "success" });
      setOpen(false);
      refresh();
    } catch (err) {
      notify((err as Error).message, { type: "error" });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button label={label} onClick={start} data-testid={testId} color={color}>
        <>{icon}</>
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} fullWidth maxWidth="sm">
        <DialogTitle>{title}</DialogTitle>
        <DialogContent>
          {preview}
          {description && <Typography sx={{ mb: 2 }}>{description}</Typography>}
          {fields.map((f) => (
            <TextField
              key={f.name}
              name={f.name}
              label={f.label}
              type={f.type ?? "text"}
              helperText={f.helperText}
              value={values[f.name] ?? ""}
              onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.value }))}
              fullWidth
              margin="dense"
              slotProps={{ inputLabel: { shrink: true } }}
            />
          ))}
          {reason && (
            <TextField
              name="reason"
              label="Reason (required, written to the audit log)"
              value={values.reason ?? ""}
              onChange={(e) => setValues((v) => ({ ...v, reason: e.target.value }))}
              fullWidth
              margin="dense"
              multiline
              required
              error={values.reason !== undefined && !reasonOk}
              helperText={!reasonOk && values.reason !== undefined ? "At least 3 characters" : " "}
            />
          )}
        </DialogContent>
        <DialogActions>
          <Button label="Cancel" onClick={() => setOpen(false)} />
          <Button label={confirmLabel ?? label} onClick={submit} disabled={busy || !reasonOk} variant="contained" color={color} data-testid={testId ? `${testId}-confirm` : undefined} />
        </DialogActions>
      </Dialog>
    </>
  );
}
