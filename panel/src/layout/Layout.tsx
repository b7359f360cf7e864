import { AppBar, Layout as RaLayout, Menu, TitlePortal, type LayoutProps } from "react-admin";
import BarChartIcon from "@mui/icons-material/BarChart";
import SettingsIcon from "@mui/icons-material/Settings";
import PersonOffIcon from "@mui/icons-material/PersonOff";
import SmartToyIcon from "@mui/icons-material/SmartToy";
import { Badge, Chip, Stack, Tooltip } from "@mui/material";
import NotificationsIcon from "@mui/icons-material/Notifications";
import { Link } from "react-router-dom";
import { LiveProvider, useLive } from "../live/LiveProvider.tsx";
import { GuildSwitcher } from "./GuildSwitcher.tsx";

/** Queue depth, failed jobs and open alerts, live in the app bar. */
function Badges() {
  const { queue, openAlerts, connected } = useLive();
  return (
    <Stack direction="row" spacing={1} sx={{ mr: 1, alignItems: "center" }}>
      <Tooltip title={connected ? "Live feed connected" : "Live feed reconnecting"}>
        <Chip size="small" label={connected ? "live" : "offline"} color={connected ? "success" : "default"} data-testid="live-status" />
      </Tooltip>
      <Tooltip title="Jobs waiting (ready + scheduled) / running">
        <Chip size="small" label={`queue ${queue ? queue.ready + queue.scheduled : "…"}`} data-testid="queue-badge" />
      </Tooltip>
      <Tooltip title="Jobs that failed permanently">
        <Chip size="small" label={`failed ${queue ? queue.failed : "…"}`} color={queue && queue.failed > 0 ? "error" : "default"} data-testid="failed-badge" />
      </Tooltip>
      <Tooltip title="Unacknowledged ops alerts">
        <Link to="/opsAlerts" style={{ color: "inherit" }} data-testid="alerts-badge">
          <Badge badgeContent={openAlerts} color="error" max={99}>
            <NotificationsIcon />
          </Badge>
        </Link>
      </Tooltip>
    </Stack>
  );
}

function Bar() {
  return (
    <AppBar>
      <TitlePortal />
      <GuildSwitcher />
      <Badges />
    </AppBar>
  );
}

/** The menu: dashboard, every listed resource, reports and settings. */
function PanelMenu() {
  return (
    <Menu>
      <Menu.DashboardItem />
      <Menu.ResourceItems />
      <Menu.Item to="/reports" primaryText="Reports" leftIcon={<BarChartIcon />} />
      <Menu.Item to="/inactive" primaryText="Inactivity" leftIcon={<PersonOffIcon />} />
      <Menu.Item to="/bot-presence" primaryText="Bot presence" leftIcon={<SmartToyIcon />} />
      <Menu.Item to="/settings" primaryText="Settings" leftIcon={<SettingsIcon />} />
    </Menu>
  );
}

/** The panel's layout: react-admin's, with the live badges in the app bar. */
export function Layout({ children }: LayoutProps) {
  return (
    <LiveProvider>
      <RaLayout appBar={Bar} menu={PanelMenu}>{children}</RaLayout>
    </LiveProvider>
  );
}
