/**
 * The `voucher` fulfilment adapter (issue #6, seed 000 section 8 "Voucher mode"). Delivered means
 * redeemed: the job only issues the code; the signed `/webhooks/redeem` fulfils the order, and the
 * escrow timeout (`VOUCHER_TIMEOUT_H`, set on the order at purchase) refunds it when never redeemed.
 * Both take the order's row lock in SQL, so a refund cannot race a redemption.
 */
import { FulfilmentDeferred, type AdapterContext, type FulfilmentAdapter, type FulfilmentOrder } from "../worker/adapters.ts";

/**
 * The voucher adapter: `deliver` issues the order's redeem code (`app_hidden.issue_voucher`, once
 * per order; the buyer reads it from `vouchers`) and throws {@link FulfilmentDeferred}: the job ends,
 * the order stays pending.
 *
 * @throws {FulfilmentDeferred} always, after issuing; database errors as thrown.
 */
export const voucherAdapter: FulfilmentAdapter = {
  kind: "voucher",
  async deliver(order: FulfilmentOrder, context: AdapterContext): Promise<string> {
    if (!context.query) throw new Error("the voucher adapter needs the job's query helper");
    const { rows } = await context.query<{ code: string }>("select code::text from app_hidden.issue_voucher($1)", [order.orderId]);
    // The code is a bearer credential (whoever types it in game gets the goods): only the buyer reads
    // it, from `vouchers`. The reference is logged, so it names the order, never the code.
    if (!rows[0]?.code) throw new Error("issue_voucher returned no code");
    throw new FulfilmentDeferred(`voucher-order:${order.orderId}`, "voucher issued; the order is fulfilled when it is redeemed");
  },
};
