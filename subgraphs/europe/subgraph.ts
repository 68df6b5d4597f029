/**
 * The europe subgraph: Europe-wide answers (`Query.cohort`, `Query.cases`, `Query.manifest`) that the query
 * planner cannot give, computed from per-repository requests sent through the gateway itself (gateway-link.ts).
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { CaseFilter, Resolvers } from '../../schema/generated/graphql';
import { MAX_PAGE_SIZE } from '../sdk/adapter';
import type { RepositoryEntry } from '../sdk/entry';
import { ErrorCode, RepositoryError } from '../sdk/errors';
import { criteriaOf, normaliseFilter, type NormalizedFilter } from '../sdk/filter';
import { repositoryTypeName } from '../sdk/type-name';
import { casePage } from './cases';
import { federatedCohort } from './cohort';
import { CASE_ORDERS, decodeWalkCursor, walkFingerprint } from './cursor';
import { contextGatewayLink, type GatewayLink } from './gateway-link';
import { buildManifest, MAX_MANIFEST_SERIES } from './manifest';
import { europeTypeDefs, EUROPE_SUBGRAPH_NAME } from './sdl';
import { caseSelectionOf, selectsAnywhere } from './selection';
import { listRepositories } from './status';

export interface EuropeSubgraph {
  name: string;
  typeDefs: DocumentNode;
  schema: GraphQLSchema;
}

/** The europe subgraph's resolvers, typed by codegen (codegen.yml maps its answers to the records built here). */
type EuropeResolvers = { Query: Pick<NonNullable<Resolvers['Query']>, 'cohort' | 'cases' | 'manifest'>; Cohort: Pick<NonNullable<Resolvers['Cohort']>, 'incompleteFacets' | 'exists'> };

/** Validates the filter once, before any repository is asked; errors name the argument, not a repository. */
function validFilter(where: CaseFilter | null | undefined): NormalizedFilter {
  try {
    return normaliseFilter(where, EUROPE_SUBGRAPH_NAME);
  } catch (error) {
    if (error instanceof RepositoryError) {
      throw new GraphQLError(error.message.replace(/^repository "[^"]*": /, ''), {
        extensions: { code: error.code, argument: error.extensions.argument },
      });
    }
    throw error;
  }
}

function badArgument(argument: string, message: string): GraphQLError {
  return new GraphQLError(`argument ${argument} ${message}`, { extensions: { code: ErrorCode.BAD_USER_INPUT, argument } });
}

export function buildEuropeSubgraph(entries: readonly RepositoryEntry[], link: GatewayLink = contextGatewayLink): EuropeSubgraph {
  const typeDefs = europeTypeDefs(entries);
  const resolvers: EuropeResolvers = {
    Query: {
      cohort: async (_, args, context, info) => {
        const filter = validFilter(args.where);
        return federatedCohort(link, context, {
          where: args.where, repositories: args.repositories, criteria: criteriaOf(filter), facets: selectsAnywhere(info, 'facets'),
        }, repositoryTypeName);
      },
      cases: async (_, args, context, info) => {
        validFilter(args.where);
        const first = args.first ?? 20;
        if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw badArgument('first', `is ${first}; it must be between 1 and ${MAX_PAGE_SIZE}`);
        const order = args.orderBy ?? 'SUBJECT_ID';
        if (!CASE_ORDERS.includes(order)) throw badArgument('orderBy', `is ${String(order)}`);
        const fingerprint = walkFingerprint(args.where, args.repositories);
        const state = args.after === null || args.after === undefined ? null : decodeWalkCursor(args.after, { order, fingerprint });
        const selected = await listRepositories(link, context, args.repositories);
        return casePage(link, context, {
          where: args.where, selected, order, fingerprint, first, state, selection: caseSelectionOf(info), typeNameOf: repositoryTypeName,
          tallyReleases: true,
        });
      },
      manifest: async (_, args, context) => {
        const filter = validFilter(args.where);
        const maxSeries = args.maxSeries ?? 10_000;
        if (!Number.isInteger(maxSeries) || maxSeries < 1 || maxSeries > MAX_MANIFEST_SERIES) {
          throw badArgument('maxSeries', `is ${maxSeries}; it must be between 1 and ${MAX_MANIFEST_SERIES}`);
        }
        const selected = await listRepositories(link, context, args.repositories);
        return buildManifest(link, context, {
          where: args.where, filter, selected, fingerprint: walkFingerprint(args.where, args.repositories), format: args.format ?? 'URL_LIST',
          maxSeries, allSeries: args.allSeries ?? false, typeNameOf: repositoryTypeName,
        });
      },
    },
    Cohort: {
      // Answers of repositories that predate these fields lack them.
      incompleteFacets: (cohort) => cohort.incompleteFacets ?? [],
      exists: (cohort) => cohort.exists ?? (cohort.subjects === null ? null : cohort.subjects > 0),
    },
  };
  return { name: EUROPE_SUBGRAPH_NAME, typeDefs, schema: buildSubgraphSchema([{ typeDefs, resolvers }]) };
}
