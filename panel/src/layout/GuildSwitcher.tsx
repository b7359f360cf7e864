import { useEffect, useState } from "react";
import { NativeSelect, Tooltip } from "@mui/material";
import { useNotify } from "react-admin";
import { listGuilds, switchGuild, type SwitcherGuild } from "../lib/api.ts";

/**
 * The server switcher in the app bar (issue 14): the guilds the staff member is staff of (checked
 * at sign-in), with the selected one shown. Choosing another moves the session there (the server
 * re-checks it on every request) and reloads the panel, so every page, list and live stream
 * shows the new guild.
 */
export function GuildSwitcher() {
  const [guilds, setGuilds] = useState<SwitcherGuild[] | null>(null);
  const [busy, setBusy] = useState(false);
  const notify = useNotify();
  useEffect(() => {
    listGuilds().then(setGuilds, () => setGuilds([]));
  }, []);
  // Only staff of several servers have anything to switch.
  if (!guilds || guilds.length < 2) return null;
  const selected = guilds.find((g) => g.selected)?.guildId ?? guilds[0].guildId;
  return (
    <Tooltip title={guilds.length > 1 ? "Switch server" : "Your server"}>
      <NativeSelect
        value={selected}
        disabled={busy || guilds.length < 2}
        data-testid="guild-switcher"
        inputProps={{ "aria-label": "Server" }}
        sx={{ mr: 2, color: "inherit", minWidth: 180, "&:before": { borderColor: "rgba(255,255,255,0.5)" }, ".MuiNativeSelect-icon": { color: "inherit" }, option: { color: "#222" } }}
        onChange={async (e) => {
          setBusy(true);
          try {
            await switchGuild(String(e.target.value));
            window.location.hash = "#/";
            window.location.reload();
          } catch (err) {
            notify((err as Error).message, { type: "error" });
            setBusy(false);
          }
        }}
      >
        {guilds.map((g) => (
          <option key={g.guildId} value={g.guildId} data-testid={`guild-${g.guildId}`}>
            {g.name} · {g.staffRole}
          </option>
        ))}
      </NativeSelect>
    </Tooltip>
  );
}
