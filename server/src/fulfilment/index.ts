import type { FulfilmentAdapters } from "../worker/adapters.ts";
import { createApiAdapter, type ApiAdapterOptions } from "./api.ts";
import { voucherAdapter } from "./voucher.ts";

export { apiDelivery, createApiAdapter, type ApiAdapterOptions, type ApiDelivery } from "./api.ts";
export { voucherAdapter } from "./voucher.ts";

/**
 * The Minecraft adapters a worker runs by default: `voucher` always (it only needs the database),
 * `api` when `MINECRAFT_API_URL` is set (else the registry's not-configured adapter stays).
 *
 * @param api - the direct-API settings, or null when not configured.
 * @returns adapters by kind, for `createAdapterRegistry`.
 */
export function minecraftAdapters(api: ApiAdapterOptions | null): Partial<FulfilmentAdapters> {
  return api ? { voucher: voucherAdapter, api: createApiAdapter(api) } : { voucher: voucherAdapter };
}
