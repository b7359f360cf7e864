import { GraphQLError, Kind, type ValueNode } from "postgraphile/graphql";

/** A string of decimal digits with an optional leading minus: the only text a BigInt accepts. */
const DECIMAL = /^-?[0-9]+$/;

const MESSAGE = "BigInt must be a JSON integer or a string of decimal digits with an optional leading minus (e.g. 25 or \"-25\").";

/**
 * Parses a BigInt variable value strictly: a JSON number that is a safe integer
 * (|n| ≤ 2^53 − 1; larger ones lose digits in JSON parsing and must be sent as strings), or a
 * string matching `^-?[0-9]+$`. Arrays, objects, booleans, fractions, exponents, hexadecimal,
 * surrounding spaces and a leading plus are refused.
 *
 * @param value - the coerced JSON value of the variable.
 * @returns the integer as a decimal string (PostgreSQL parses it as int8; a value beyond the int8
 *   range is still refused there).
 * @throws {GraphQLError} for anything else, which GraphQL reports as an input error before any
 *   plan runs (nothing is executed).
 */
export function parseBigIntValue(value: unknown): string {
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  if (typeof value === "string" && DECIMAL.test(value)) return value;
  throw new GraphQLError(MESSAGE);
}

/**
 * Parses a BigInt literal in a query document: an integer literal (`25`, `-25`) or a string
 * literal of decimal digits (`"25"`); anything else (`25.0`, `[1]`, `"0x10"`, `" 5 "`) is refused.
 *
 * @param ast - the literal.
 * @returns the integer as a decimal string.
 * @throws {GraphQLError} naming the accepted forms.
 */
export function parseBigIntLiteral(ast: ValueNode): string {
  if ((ast.kind === Kind.INT || ast.kind === Kind.STRING) && DECIMAL.test(ast.value)) return ast.value;
  throw new GraphQLError(MESSAGE, { nodes: ast });
}

/**
 * Replaces the coercion of PostGraphile's `BigInt` scalar (every int8 argument: amounts, deltas,
 * Discord ids, prices), which turned any value into a string (`[1]` → "1", `" 5 "`, `"0x10"`) and
 * let PostgreSQL's lenient int8 input read it, with {@link parseBigIntValue} and
 * {@link parseBigIntLiteral}. Output is unchanged (decimal strings).
 */
export const StrictBigIntPlugin: GraphileConfig.Plugin = {
  name: "GuildbankStrictBigIntPlugin",
  version: "1.0.0",
  schema: {
    hooks: {
      GraphQLScalarType(spec, build) {
        if (spec.name !== build.inflection.builtin("BigInt")) return spec;
        return { ...spec, parseValue: parseBigIntValue, parseLiteral: parseBigIntLiteral };
      },
    },
  },
};
