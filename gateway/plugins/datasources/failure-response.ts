/**
 * A subgraph call that failed as a whole (timeout, refused connection, open circuit) answered as GraphQL: null for
 * each requested field with one error per field, carrying its path, a stable code and the repository id. The
 * gateway alone would report a thrown error with no path and no repository (an @apollo/gateway 2.14.4 defect).
 */
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { Kind, parse, type DocumentNode, type SelectionSetNode } from 'graphql';

type GraphQLErrorJson = NonNullable<GatewayGraphQLResponse['errors']>[number];

export function failureResponse(
  options: GraphQLDataSourceProcessOptions, failure: { code: string; message: string; repositoryId: string; extensions?: Record<string, unknown> },
): GatewayGraphQLResponse {
  const document = ('document' in options && options.document) || parse(options.request.query ?? '');
  const representations = options.request.variables?.representations;
  const extensions = { ...failure.extensions, code: failure.code, repositoryId: failure.repositoryId };
  const fields = topLevelFields(document);
  if (fields.entities && Array.isArray(representations)) {
    const errors: GraphQLErrorJson[] = representations.flatMap((_, index) =>
      fields.names.map((field) => ({ message: failure.message, path: ['_entities', index, field], extensions })));
    return { data: { _entities: representations.map(() => null) }, errors };
  }
  return { data: null, errors: fields.names.map((field) => ({ message: failure.message, path: [field], extensions })) };
}

/** The fields a fetch asks for: under `_entities(...) { ... on T { f } }` for entity fetches, else the root fields. */
function topLevelFields(document: DocumentNode): { entities: boolean; names: string[] } {
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return { entities: false, names: [] };
  const entitiesField = operation.selectionSet.selections.find((s) => s.kind === Kind.FIELD && s.name.value === '_entities');
  if (entitiesField && entitiesField.kind === Kind.FIELD && entitiesField.selectionSet) {
    return { entities: true, names: fieldNames(entitiesField.selectionSet) };
  }
  return { entities: false, names: fieldNames(operation.selectionSet) };
}

function fieldNames(selectionSet: SelectionSetNode): string[] {
  const names = new Set<string>();
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== '__typename') names.add(selection.alias?.value ?? selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      for (const name of fieldNames(selection.selectionSet)) names.add(name);
    }
  }
  return [...names];
}
