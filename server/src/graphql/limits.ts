import { depthLimit } from "@graphile/depth-limit";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import {
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  getNamedType,
  isInterfaceType,
  isObjectType,
  type DocumentNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
  type ValueNode,
} from "postgraphile/graphql";

/**
 * What one GraphQL request may ask for. Checked before anything runs: a refused operation executes
 * nothing (no SQL, no coins moved).
 */
export interface GraphQLLimits {
  /** Selection sets deep (fragments do not add depth; their fields do). */
  maxDepth: number;
  /** Lists nested in lists (a connection's `nodes` inside another connection's `nodes` is 2). */
  maxListDepth: number;
  /** Aliased fields per operation (fragments counted where they are spread; `__typename` free). */
  maxAliases: number;
  /** The largest `first` / `last` a connection or list field accepts. */
  maxPageSize: number;
  /**
   * The most result nodes an operation may ask for: every field counts once per row it can appear
   * in, a field's rows being its parents' times its own `first` / `last`, or `maxPageSize` for a
   * paginated field asked for without either (GitHub's node limit).
   */
  maxNodes: number;
  /** Whether `__schema` / `__type` introspection is refused (production). */
  disableIntrospection: boolean;
}

/** The limits in force: generous for the panel (pages of at most 100 rows), tight against abuse. */
export const DEFAULT_GRAPHQL_LIMITS: Omit<GraphQLLimits, "disableIntrospection"> = {
  maxDepth: 10,
  maxListDepth: 3,
  maxAliases: 15,
  maxPageSize: 100,
  maxNodes: 20_000,
};

/** The `extensions.code` of every limit refusal; `extensions.key` names the limit. */
export const LIMIT_ERROR_CODE = "QUERY_LIMIT";

function limitError(key: string, message: string, detail: Record<string, number>): GraphQLError {
  return new GraphQLError(message, { extensions: { code: LIMIT_ERROR_CODE, key, detail } });
}

/**
 * A validation rule whose errors carry `extensions: { code: "QUERY_LIMIT", key }` (rules from
 * libraries report plain messages): the rule sees a context whose `reportError` adds them.
 *
 * @param rule - the validation rule.
 * @param key - the limit's key, e.g. `max_depth`.
 * @param detail - what the client may know about the limit.
 */
function keyedRule(rule: ValidationRule, key: string, detail: Record<string, number> = {}): ValidationRule {
  return (context) => {
    const keyed = Object.create(context) as typeof context;
    keyed.reportError = (error: GraphQLError) =>
      context.reportError(
        new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code: LIMIT_ERROR_CODE, key, detail } }),
      );
    return rule(keyed);
  };
}

/**
 * The static validation rules (no variables needed): depth and list depth (`@graphile/depth-limit`),
 * aliases (`@escape.tech/graphql-armor-max-aliases`) and, when `disableIntrospection`, graphql-js's
 * `NoSchemaIntrospectionCustomRule` (`__typename` stays allowed). Every refusal carries
 * `extensions: { code: "QUERY_LIMIT", key }`, key `max_depth`, `max_aliases` or
 * `introspection_disabled`.
 *
 * @param limits - the limits.
 * @returns rules to append to the specified rules.
 */
export function limitValidationRules(limits: GraphQLLimits): ValidationRule[] {
  const rules: ValidationRule[] = [
    keyedRule(
      depthLimit({
        maxDepth: limits.maxDepth,
        maxListDepth: limits.maxListDepth,
        maxSelfReferentialDepth: 2,
        revealDetails: true,
      }) as unknown as ValidationRule,
      "max_depth",
      { limit: limits.maxDepth, listLimit: limits.maxListDepth },
    ),
    maxAliasesRule({
      n: limits.maxAliases,
      exposeLimits: true,
      // Report a validation error (the rule's default throws, which grafserv answers as a 500).
      propagateOnRejection: false,
      onReject: [
        (context, err) =>
          (context as unknown as { reportError(e: GraphQLError): void }).reportError(
            limitError("max_aliases", `${err.message.replace(/^Syntax Error: /, "")} Ask for fewer aliased fields.`, { limit: limits.maxAliases }),
          ),
      ],
    }) as unknown as ValidationRule,
  ];
  if (limits.disableIntrospection) rules.push(keyedRule(NoSchemaIntrospectionCustomRule, "introspection_disabled"));
  return rules;
}

/** An argument's integer value: a literal, or a variable looked up in the request's variables. */
function intArgument(value: ValueNode, variables: Record<string, unknown>): number | undefined {
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const v = variables[value.name.value];
    return typeof v === "number" ? v : undefined;
  }
  return undefined;
}

/**
 * Checks the limits that need the request's variables: every `first` / `last` is at most
 * `maxPageSize`, and the operation's estimated result nodes ({@link GraphQLLimits.maxNodes}) stay
 * within `maxNodes`. A paginated field (one that takes `first`) asked for without `first` or `last`
 * counts as a full page of `maxPageSize` rows: nesting unbounded lists is refused as soon as it
 * could exceed the limit. Fragments are expanded (each spread counted where it appears; a fragment
 * spread inside itself is invalid GraphQL and never reaches this point).
 *
 * @param schema - the executable schema (to know which fields are paginated).
 * @param document - the validated document.
 * @param operationName - the operation to run (undefined: the only one).
 * @param variables - the request's variable values.
 * @param limits - `maxPageSize`, `maxNodes`.
 * @returns the refusal (extensions `{ code: "QUERY_LIMIT", key: "page_size" | "max_nodes", detail }`),
 *   or undefined when the operation is within the limits.
 */
export function checkOperationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  limits: Pick<GraphQLLimits, "maxPageSize" | "maxNodes">,
): GraphQLError | undefined {
  const vars = variables ?? {};
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    else if (d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName)) operation ??= d;
  }
  if (!operation) return undefined;
  const root =
    operation.operation === "mutation" ? schema.getMutationType() : operation.operation === "subscription" ? schema.getSubscriptionType() : schema.getQueryType();
  let nodes = 0;
  let refusal: GraphQLError | undefined;
  const walk = (set: SelectionSetNode, parent: GraphQLNamedType | null | undefined, rows: number): void => {
    for (const s of set.selections) {
      if (refusal) return;
      if (s.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(s.name.value);
        if (f) walk(f.selectionSet, schema.getType(f.typeCondition.name.value), rows);
        continue;
      }
      if (s.kind === Kind.INLINE_FRAGMENT) {
        walk(s.selectionSet, s.typeCondition ? schema.getType(s.typeCondition.name.value) : parent, rows);
        continue;
      }
      nodes += rows;
      if (nodes > limits.maxNodes) {
        refusal = limitError("max_nodes", `This query could return more than ${limits.maxNodes} nodes; ask for fewer rows (first/last) or fewer fields.`, {
          limit: limits.maxNodes,
        });
        return;
      }
      const definition = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[s.name.value] : undefined;
      const paginated = definition?.args.some((a) => a.name === "first") ?? false;
      let pageRows: number | undefined;
      for (const arg of s.arguments ?? []) {
        if (arg.name.value !== "first" && arg.name.value !== "last") continue;
        const n = intArgument(arg.value, vars);
        if (n === undefined) continue;
        if (n > limits.maxPageSize) {
          refusal = limitError("page_size", `${arg.name.value}: ${n} is over the page size limit of ${limits.maxPageSize}; page with after/offset.`, {
            limit: limits.maxPageSize,
            requested: n,
          });
          return;
        }
        pageRows = Math.max(pageRows ?? 0, n);
      }
      pageRows ??= paginated ? limits.maxPageSize : 1;
      if (s.selectionSet) walk(s.selectionSet, definition ? getNamedType(definition.type) : undefined, rows * Math.max(pageRows, 1));
    }
  };
  walk(operation.selectionSet, root, 1);
  return refusal;
}

/**
 * The PostGraphile plugin enforcing {@link GraphQLLimits}: the validation rules are added to
 * grafserv's (so a refused document never plans or executes), and the variable-dependent checks
 * ({@link checkOperationCost}) run before execution, answering `{ errors: [...] }` without running
 * anything. Batched requests (a JSON array body) are not accepted by grafserv at all (400).
 *
 * @param limits - the limits.
 */
export function makeGraphQLLimitsPlugin(limits: GraphQLLimits): GraphileConfig.Plugin {
  return {
    name: "GuildbankGraphQLLimitsPlugin",
    version: "1.0.0",
    grafserv: {
      middleware: {
        setPreset(next, event) {
          event.validationRules.push(...limitValidationRules(limits));
          return next();
        },
      },
    },
    grafast: {
      middleware: {
        execute(next, event) {
          const { schema, document, operationName, variableValues } = event.args;
          const refusal = checkOperationCost(schema, document, operationName, variableValues as Record<string, unknown> | undefined, limits);
          if (refusal) return { errors: [refusal] };
          return next();
        },
      },
    },
  };
}
