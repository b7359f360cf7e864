export { formatAmount, parseAmount, type AmountProblem, type AmountResult } from "./amount.ts";
export { DEFAULT_CONFIRM_PATTERNS, DEFAULT_PAYMENT_PATTERNS, compilePatterns, matchLine, stripFormatting, type LineMatch } from "./lines.ts";
export { loadMinecraftConfig, minecraftConfigSchema, type MinecraftConfig } from "./config.ts";
export { createListener, type Listener, type ListenerOptions, type RecordedPayment } from "./listener.ts";
export { createListenerMetrics, type ListenerMetrics } from "./metrics.ts";
export { MINECRAFT_PAYOUT, minecraftPayout, payoutTaskFor, startPayoutRunner, type PayoutContext, type PayoutRunner } from "./payout.ts";
export { startHealthServer, type HealthServer } from "./health.ts";
