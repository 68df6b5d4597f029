/**
 * The europe subgraph's SDL, generated from the federation config like the catalog's: the shared value types (as
 * every repository subgraph declares them), the catalogue's RepositoryFilter and Granularity (inputs must be
 * declared identically everywhere), a plain `interface Repository { id }` with one key-only stub per repository,
 * and schema/europe.graphql.
 *
 * Why stubs and not `type Repository @key(fields: "id") @interfaceObject`: an interface object makes the planner
 * ask the catalog for `_entities` of the interface itself, which the catalog would have to resolve with a
 * `Repository.__resolveReference`; stubs name each repository's concrete type, which the catalog already
 * resolves, so the europe subgraph needs nothing from the others. Both compose; both plan one catalog fetch for
 * the catalogue fields of the repositories a Europe-wide answer names.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { print, type DocumentNode } from 'graphql';
import { cancerCaseSdl, catalogSdl, FEDERATION_LINK } from '../../schema';
import type { RepositoryEntry } from '../sdk/entry';
import { parseSdl, typeDefinitionNamed } from '../sdk/sdl';
import { repositoryTypeName } from '../sdk/type-name';

export const EUROPE_SUBGRAPH_NAME = 'europe';

/** schema/europe.graphql: the Europe-wide types and Query fields. */
export const europeSdl = readFileSync(join(__dirname, '..', '..', 'schema', 'europe.graphql'), 'utf8');

export function europeTypeDefs(entries: readonly RepositoryEntry[]): DocumentNode {
  const catalogInputs = ['Granularity', 'RepositoryFilter'].map((name) => print(typeDefinitionNamed(catalogSdl, name)));
  const stubs = entries.map((entry) =>
    `type ${repositoryTypeName(entry.id)} implements Repository @key(fields: "id", resolvable: false) { id: ID! }`);
  return parseSdl([FEDERATION_LINK, cancerCaseSdl, ...catalogInputs, 'interface Repository { id: ID! }', ...stubs, europeSdl]);
}
