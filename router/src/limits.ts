import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type ParseOptions,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
import type { RouterConfig } from "./config.js";
import { operationCost } from "./cost.js";

/** What one operation may ask for; every limit is checked before anything executes. */
export interface OperationLimits {
  depth: number;
  aliases: number;
  rootFields: number;
  tokens: number;
  directives: number;
  cost: number;
  /** Assumed length of a list without `first`/`last`, for the cost. */
  listSize: number;
}

export const limitsFrom = (config: RouterConfig): OperationLimits => ({
  depth: config.MAX_DEPTH,
  aliases: config.MAX_ALIASES,
  rootFields: config.MAX_ROOT_FIELDS,
  tokens: config.MAX_TOKENS,
  directives: config.MAX_DIRECTIVES,
  cost: config.MAX_COST,
  listSize: config.COST_LIST_SIZE,
});

/** A refused operation: GRAPHQL_VALIDATION_FAILED (HTTP 400), `extensions.limit` names the limit. */
export const limitError = (limit: string, message: string, extra: Record<string, unknown> = {}): GraphQLError =>
  new GraphQLError(message, {
    extensions: { code: "GRAPHQL_VALIDATION_FAILED", limit, ...extra, http: { status: 400 } },
  });

/** graphql's parser stops after `tokens` tokens: huge documents fail fast with GRAPHQL_PARSE_FAILED. */
export const parseOptions = (limits: OperationLimits): ParseOptions => ({ maxTokens: limits.tokens });

/**
 * Validation rules for depth, aliases and directives (graphql-armor) and root
 * fields (ours); they run with graphql's own rules, over HTTP and graphql-ws.
 * Field suggestions ("Did you mean ...?") are hidden in production.
 */
export function limitProtections(
  limits: OperationLimits,
  production: boolean,
): { validationRules: ValidationRule[]; plugins: ApolloServerPlugin[] } {
  const report =
    (limit: string) =>
    (context: ValidationContext | null, error: GraphQLError): void => {
      context?.reportError(limitError(limit, error.message.replace(/^Syntax Error: /, "")));
    };
  const armor = new ApolloArmor({
    // Suggestions: our plugin below, which drops the whole sentence.
    blockFieldSuggestion: { enabled: false },
    // Tokens: graphql's parser option; cost: ours, which reads `first` from variables too.
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    maxDepth: { n: limits.depth, flattenFragments: true, propagateOnRejection: false, onReject: [report("depth")] },
    maxAliases: { n: limits.aliases, propagateOnRejection: false, onReject: [report("aliases")] },
    maxDirectives: { n: limits.directives, propagateOnRejection: false, onReject: [report("directives")] },
  }).protect();
  return {
    validationRules: [...armor.validationRules, maxRootFieldsRule(limits.rootFields)],
    plugins: [...(armor.plugins as ApolloServerPlugin[]), ...(production ? [hideSuggestionsPlugin] : [])],
  };
}

const hideSuggestionsPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors }) {
        for (const error of errors) error.message = withoutSuggestions(error.message);
      },
    };
  },
};

/** Refuses operations that select more than `max` root fields (fragments at the root count their fields). */
export function maxRootFieldsRule(max: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const count = countFields(operation.selectionSet, context, new Set());
      if (count > max) {
        context.reportError(
          limitError("rootFields", `Root field limit of ${max} exceeded, found ${count}.`, { found: count }),
        );
      }
    },
  });
}

function countFields(selectionSet: SelectionSetNode, context: ValidationContext, seen: Set<string>): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) count += selection.name.value === "__typename" ? 0 : 1;
    else if (selection.kind === Kind.INLINE_FRAGMENT) count += countFields(selection.selectionSet, context, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = context.getFragment(selection.name.value);
      if (fragment) count += countFields(fragment.selectionSet, context, seen);
    }
  }
  return count;
}

/** Hides "Did you mean ...?" in production, where it would map the schema for a stranger. */
export const withoutSuggestions = (message: string): string => message.replace(/ ?Did you mean .+\?$/, "");

/** The cost check (needs the variables, so it runs per request, after validation). */
export function checkCost(
  limits: OperationLimits,
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): GraphQLError | undefined {
  const cost = operationCost(schema, document, operationName, variables ?? {}, limits.listSize);
  if (cost <= limits.cost) return undefined;
  return limitError("cost", `Operation cost limit of ${limits.cost} exceeded, found ${cost}.`, { cost });
}

/** The Apollo side: the cost check once the operation and its variables are known. */
export function costPlugin(limits: OperationLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request }) {
          const error = checkCost(limits, schema, document, operationName, request.variables);
          if (error) throw error;
        },
      };
    },
  };
}
