import { useEffect, useState } from "react";
import { Admin, CustomRoutes, Resource, type LayoutProps } from "react-admin";
import { Route } from "react-router-dom";
import { Alert, Box, Button, Card, CardContent, Stack, Typography } from "@mui/material";
import PaymentsIcon from "@mui/icons-material/Payments";
import OutboxIcon from "@mui/icons-material/Outbox";
import LinkIcon from "@mui/icons-material/Link";
import ManageHistoryIcon from "@mui/icons-material/ManageHistory";
import ConfirmationNumberIcon from "@mui/icons-material/ConfirmationNumber";
import PeopleIcon from "@mui/icons-material/People";
import CloudDownloadIcon from "@mui/icons-material/CloudDownload";
import PhotoLibraryIcon from "@mui/icons-material/PhotoLibrary";
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
import { CatalogueDecisionList, CatalogueImageList, CatalogueRunList } from "./catalogue/index.tsx";
import { CardEventList, CardListingList, CardTemplateList, CardTradeList, FairSeedList, PackTypeEdit, PackTypeList } from "./cards/index.tsx";
import {
  ArtistCreate,
  ArtistEdit,
  ArtistList,
  CardAchievementCreate,
  CardAchievementEdit,
  CardAchievementList,
  CardDataTransferList,
  CardMissionCreate,
  CardMissionEdit,
  CardMissionList,
  CardTemplateCreate,
  EraCreate,
  EraEdit,
  EraList,
} from "./cards/staff.tsx";
import StyleIcon from "@mui/icons-material/Style";
import CasinoIcon from "@mui/icons-material/Casino";
import VerifiedIcon from "@mui/icons-material/Verified";
import { MmTradeList, MmTradeShow } from "./mmTrades/index.tsx";
import { MinecraftLinkHistoryList, MinecraftLinkList, MinecraftPaymentList, MinecraftPayoutList, VoucherList } from "./minecraft/index.tsx";
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
          <Resource name="minecraftPayments" list={MinecraftPaymentList} icon={PaymentsIcon} options={{ label: "MC payments" }} />
          <Resource name="minecraftPayouts" list={MinecraftPayoutList} icon={OutboxIcon} options={{ label: "MC payouts" }} />
          <Resource name="minecraftLinks" list={MinecraftLinkList} icon={LinkIcon} options={{ label: "MC links" }} />
          <Resource name="minecraftLinkHistories" list={MinecraftLinkHistoryList} icon={ManageHistoryIcon} options={{ label: "MC link history" }} />
          <Resource name="vouchers" list={VoucherList} icon={ConfirmationNumberIcon} options={{ label: "Vouchers" }} />
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
          <Resource name="cardTemplates" list={CardTemplateList} create={CardTemplateCreate} icon={StyleIcon} options={{ label: "Cards: catalogue" }} recordRepresentation="publicId" />
          <Resource name="artists" list={ArtistList} edit={ArtistEdit} create={ArtistCreate} icon={StyleIcon} options={{ label: "Cards: artists" }} recordRepresentation="name" />
          <Resource name="eras" list={EraList} edit={EraEdit} create={EraCreate} icon={StyleIcon} options={{ label: "Cards: eras" }} recordRepresentation="name" />
          <Resource name="packTypes" list={PackTypeList} edit={PackTypeEdit} icon={CasinoIcon} options={{ label: "Cards: packs" }} />
          <Resource name="cardEvents" list={CardEventList} icon={EventIcon} options={{ label: "Cards: event packs" }} />
          <Resource name="cardListings" list={CardListingList} icon={StorefrontIcon} options={{ label: "Cards: market" }} />
          <Resource name="cardTrades" list={CardTradeList} icon={SwapHorizIcon} options={{ label: "Cards: trades" }} />
          <Resource name="fairSeeds" list={FairSeedList} icon={VerifiedIcon} options={{ label: "Cards: fairness" }} />
          <Resource name="cardMissions" list={CardMissionList} edit={CardMissionEdit} create={CardMissionCreate} icon={EventIcon} options={{ label: "Cards: missions" }} />
          <Resource name="cardAchievements" list={CardAchievementList} edit={CardAchievementEdit} create={CardAchievementCreate} icon={VerifiedIcon} options={{ label: "Cards: achievements" }} />
          <Resource name="cardDataTransfers" list={CardDataTransferList} icon={SwapHorizIcon} options={{ label: "Cards: data transfers" }} />
          <Resource name="catalogueRuns" list={CatalogueRunList} icon={CloudDownloadIcon} options={{ label: "Catalogue: runs" }} />
          <Resource name="catalogueImages" list={CatalogueImageList} icon={PhotoLibraryIcon} options={{ label: "Catalogue: review" }} />
          <Resource name="catalogueRarityDecisions" list={CatalogueDecisionList} icon={StyleIcon} options={{ label: "Catalogue: rarities" }} />
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
