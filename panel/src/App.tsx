import { useEffect, useState } from "react";
import { Admin, CustomRoutes, Resource, type LayoutProps } from "react-admin";
import { Route } from "react-router-dom";
import { Alert, Box, Button, Card, CardContent, Stack, Typography } from "@mui/material";
import PeopleIcon from "@mui/icons-material/People";
import StorefrontIcon from "@mui/icons-material/Storefront";
import ReceiptIcon from "@mui/icons-material/Receipt";
import SwapHorizIcon from "@mui/icons-material/SwapHoriz";
import CardGiftcardIcon from "@mui/icons-material/CardGiftcard";
import QuizIcon from "@mui/icons-material/Quiz";
import EventIcon from "@mui/icons-material/Event";
import HistoryIcon from "@mui/icons-material/History";
import WarningIcon from "@mui/icons-material/Warning";
import AssignmentIcon from "@mui/icons-material/Assignment";
import FactCheckIcon from "@mui/icons-material/FactCheck";
import CampaignIcon from "@mui/icons-material/Campaign";
import WebIcon from "@mui/icons-material/Web";
import TerminalIcon from "@mui/icons-material/Terminal";
import { dataProvider } from "./lib/dataProvider.ts";
import { i18nProvider } from "./lib/i18n.ts";
import { authProvider } from "./lib/authProvider.ts";
import { loadSession, signInMethods } from "./lib/api.ts";
import { Layout as LiveLayout } from "./layout/Layout.tsx";
import { Dashboard } from "./dashboard/Dashboard.tsx";
import { UserList, UserShow } from "./users/index.tsx";
import { ListingList } from "./listings/index.tsx";
import { OrderList } from "./orders/index.tsx";
import { TransactionList } from "./transactions/index.tsx";
import { RewardCreate, RewardEdit, RewardList } from "./rewards/index.tsx";
import { QuestCreate, QuestEdit, QuestList } from "./quests/index.tsx";
import { EventList } from "./events/index.tsx";
import { Reports } from "./reports/index.tsx";
import { RoleMappingCreate, Settings } from "./settings/index.tsx";
import { BotPresencePage } from "./settings/presence.tsx";
import { InactiveMembers } from "./users/inactive.tsx";
import { AdminActionList } from "./adminActions/index.tsx";
import { OpsAlertList } from "./opsAlerts/index.tsx";
import {
  AnnouncementCreate,
  AnnouncementEdit,
  AnnouncementList,
  CustomCommandCreate,
  CustomCommandEdit,
  CustomCommandList,
  SavedEmbedCreate,
  SavedEmbedEdit,
  SavedEmbedList,
  TaskClaimList,
  TaskCreate,
  TaskEdit,
  TaskList,
} from "./community/index.tsx";
import { CardEventList, CardListingList, CardTemplateList, CardTradeList, FairSeedList, PackTypeEdit, PackTypeList } from "./cards/index.tsx";
import StyleIcon from "@mui/icons-material/Style";
import CasinoIcon from "@mui/icons-material/Casino";
import VerifiedIcon from "@mui/icons-material/Verified";
import { MmTradeList, MmTradeShow } from "./mmTrades/index.tsx";
import HandshakeIcon from "@mui/icons-material/Handshake";

/** Sign-in: Discord (production), or the development login when the server offers it. */
function LoginPage() {
  const [methods, setMethods] = useState(signInMethods);
  useEffect(() => {
    loadSession().then(() => setMethods({ ...signInMethods }), () => {});
  }, []);
  return (
    <Box sx={{ display: "flex", minHeight: "100vh", alignItems: "center", justifyContent: "center", bgcolor: "#f3f4f8" }}>
      <Card sx={{ width: 380 }}>
        <CardContent>
          <Typography variant="h5" gutterBottom>
            Guildbank panel
          </Typography>
          <Typography variant="body2" sx={{ mb: 2 }}>
            Staff of the Discord server sign in with Discord; your Discord roles decide what you may do.
          </Typography>
          <Stack spacing={1}>
            <Button variant="contained" href="/auth/discord/login" disabled={!methods.discord} data-testid="discord-login">
              Sign in with Discord
            </Button>
            {!methods.discord && (
              <Alert severity="info" data-testid="discord-login-help">
                Discord sign-in is not configured on this server: its administrator sets DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET and GUILD_ID
                (README, “Web panel”).{methods.dev ? " Until then, use the development login." : ""}
              </Alert>
            )}
            {methods.dev && (
              <Button variant="outlined" href="/auth/dev" data-testid="dev-login">
                Development login
              </Button>
            )}
          </Stack>
        </CardContent>
      </Card>
    </Box>
  );
}


function Layout(props: LayoutProps) {
  return <LiveLayout {...props} />;
}

/** The panel: every resource, reports and settings, behind the server session. */
export function App() {
  return (
    <Admin dataProvider={dataProvider} authProvider={authProvider} i18nProvider={i18nProvider} dashboard={Dashboard} layout={Layout} loginPage={LoginPage} requireAuth title="Guildbank" disableTelemetry>
      {() => (
        <>
          <Resource name="users" list={UserList} show={UserShow} icon={PeopleIcon} recordRepresentation="displayName" />
          <Resource name="transactions" list={TransactionList} icon={SwapHorizIcon} />
          <Resource name="listings" list={ListingList} icon={StorefrontIcon} />
          <Resource name="orders" list={OrderList} icon={ReceiptIcon} />
          <Resource name="mmTrades" list={MmTradeList} show={MmTradeShow} icon={HandshakeIcon} options={{ label: "Middleman" }} recordRepresentation="shortId" />
          <Resource name="mmEvents" />
          <Resource name="rewards" list={RewardList} edit={RewardEdit} create={RewardCreate} icon={CardGiftcardIcon} />
          <Resource name="quests" list={QuestList} edit={QuestEdit} create={QuestCreate} icon={QuizIcon} />
          <Resource name="economyEvents" list={EventList} icon={EventIcon} options={{ label: "Events" }} />
          <Resource name="tasks" list={TaskList} edit={TaskEdit} create={TaskCreate} icon={AssignmentIcon} recordRepresentation="name" />
          <Resource name="taskClaims" list={TaskClaimList} icon={FactCheckIcon} options={{ label: "Review queue" }} />
          <Resource name="announcements" list={AnnouncementList} edit={AnnouncementEdit} create={AnnouncementCreate} icon={CampaignIcon} />
          <Resource name="savedEmbeds" list={SavedEmbedList} edit={SavedEmbedEdit} create={SavedEmbedCreate} icon={WebIcon} options={{ label: "Embeds" }} recordRepresentation="name" />
          <Resource name="customCommands" list={CustomCommandList} edit={CustomCommandEdit} create={CustomCommandCreate} icon={TerminalIcon} options={{ label: "Commands" }} />
          <Resource name="adminActions" list={AdminActionList} icon={HistoryIcon} options={{ label: "Audit log" }} />
          <Resource name="opsAlerts" list={OpsAlertList} icon={WarningIcon} options={{ label: "Ops alerts" }} />
          <Resource name="cardTemplates" list={CardTemplateList} icon={StyleIcon} options={{ label: "Cards: catalogue" }} />
          <Resource name="packTypes" list={PackTypeList} edit={PackTypeEdit} icon={CasinoIcon} options={{ label: "Cards: packs" }} />
          <Resource name="cardEvents" list={CardEventList} icon={EventIcon} options={{ label: "Cards: event packs" }} />
          <Resource name="cardListings" list={CardListingList} icon={StorefrontIcon} options={{ label: "Cards: market" }} />
          <Resource name="cardTrades" list={CardTradeList} icon={SwapHorizIcon} options={{ label: "Cards: trades" }} />
          <Resource name="fairSeeds" list={FairSeedList} icon={VerifiedIcon} options={{ label: "Cards: fairness" }} />
          <Resource name="staffRoleMappings" create={RoleMappingCreate} />
          <Resource name="guildSettings" />
          <Resource name="pricingConfigs" />
          <Resource name="accounts" />
          <Resource name="transfers" />
          <CustomRoutes>
            <Route path="/reports" element={<Reports />} />
            <Route path="/settings" element={<Settings />} />
            <Route path="/inactive" element={<InactiveMembers />} />
            <Route path="/bot-presence" element={<BotPresencePage />} />
          </CustomRoutes>
        </>
      )}
    </Admin>
  );
}
