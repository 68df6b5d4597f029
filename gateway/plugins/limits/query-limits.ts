/**
 * Limits on the shape of a GraphQL operation, checked while it is validated, before any repository is asked:
 * depth, aliases, directives and an estimated cost from @escape.tech/graphql-armor, and the token count from
 * graphql-js's own parser (`maxTokens`: armor's token plugin throws inside Apollo's parsing hook, which Apollo
 * answers as an internal error, HTTP 500; the parser's limit is a syntax error, HTTP 400). The defaults leave
 * room for every question a portal asks (the deepest, a page of cases with their studies, series and retrieve
 * references, is depth 7 and cost about 3,300) and refuse the shapes that stalled the gateway (2,000 aliases of
 * `repositories { cohort }`). Each refusal is a GRAPHQL_VALIDATION_FAILED (or, for tokens, GRAPHQL_PARSE_FAILED)
 * error saying which limit was passed.
 *
 * Field suggestions ("Did you mean ...?") describe the schema to whoever probes it; they are blocked together with
 * introspection when the gateway runs in production (NODE_ENV=production).
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLArmorConfig } from '@escape.tech/graphql-armor-types';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxCost: number;
  /** False blocks "Did you mean" suggestions in validation errors. */
  fieldSuggestions: boolean;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 3_000,
  maxDirectives: 20,
  maxCost: 20_000,
  fieldSuggestions: true,
};

/** The Apollo Server options (plugins, validation rules, parse options) that enforce the limits. */
export function queryLimitProtection(limits: QueryLimits) {
  const config: GraphQLArmorConfig = {
    maxDepth: { n: limits.maxDepth, exposeLimits: true },
    maxAliases: { n: limits.maxAliases, exposeLimits: true },
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives, exposeLimits: true },
    costLimit: { maxCost: limits.maxCost, exposeLimits: true },
    blockFieldSuggestion: { enabled: !limits.fieldSuggestions },
  };
  const { plugins, validationRules } = new ApolloArmor(config).protect();
  return { plugins, validationRules, parseOptions: { maxTokens: limits.maxTokens } };
}
