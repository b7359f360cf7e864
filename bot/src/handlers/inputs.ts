/**
 * zod schemas of modal fields (amounts, quantities, durations). Text inputs arrive as strings;
 * each schema trims, accepts thousands separators and states the reason in plain words.
 */
import { z } from "zod";
import type { ModalSubmitInteraction } from "discord.js";
import { UserFacingError } from "../interaction.ts";

const wholeNumber = (label: string, min: number, max: number, unit = "") =>
  z
    .string()
    .trim()
    .transform((v) => v.replace(/[,_ ]/g, ""))
    .refine((v) => /^\d+$/.test(v), `${label} must be a whole number${unit ? ` of ${unit}` : ""}.`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${label} must be from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}${unit ? ` ${unit}` : ""}.`);

/** Coins per unit: 1..10^12. */
export const priceField = wholeNumber("The price", 1, 1_000_000_000_000, "coins");
/** Units: 1..1,000,000. */
export const quantityField = wholeNumber("The quantity", 1, 1_000_000);
/** Listing duration in hours: 1..720 (the database states the guild's own maximum, MK008). */
export const hoursField = wholeNumber("The expiry", 1, 720, "hours");
/** Per-buyer limits: `min` or `min-max` (empty: 1 and no maximum). */
export const limitsField = z
  .string()
  .trim()
  .transform((v) => v || "1")
  .refine((v) => /^\d+(\s*-\s*\d+)?$/.test(v), "Per-buyer limits are written as min or min-max, e.g. 1-5.")
  .transform((v) => {
    const [min, max] = v.split("-").map((s) => Number(s.trim()));
    return { min, max: max ?? null };
  })
  .refine((l) => l.min >= 1 && (l.max === null || l.max >= l.min), "Per-buyer limits need 1 <= min <= max.");
/** A SKU as the catalogue writes it. */
export const skuField = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => /^[a-z0-9][a-z0-9_.-]{0,39}$/.test(v), "That is not an item code (letters, digits, . _ -; up to 40).");
/** A staff reason (the database requires 3..500 characters, RS001). */
export const reasonField = z.string().trim().min(3, "Give a reason of at least 3 characters; it goes into the audit log.").max(500);

/**
 * Reads and validates one text input of a modal.
 *
 * @param i - the modal submission.
 * @param field - the text input's custom id.
 * @param schema - its schema.
 * @returns the parsed value.
 * @throws {UserFacingError} with the schema's reason.
 */
export function modalField<S extends z.ZodType>(i: ModalSubmitInteraction, field: string, schema: S): z.infer<S> {
  let raw = "";
  try {
    raw = i.fields.getTextInputValue(field);
  } catch {
    raw = "";
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw new UserFacingError(result.error.issues[0].message);
  return result.data;
}
