/**
 * The unified schema's SDL, read once from the .graphql files that codegen also reads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function read(file: string): string {
  return readFileSync(join(__dirname, file), 'utf8');
}

/** Value types, enums and inputs every repository subgraph declares identically. */
export const cancerCaseSdl = read('cancer-case.graphql');
/** The catalog's part: Repository entity interface with catalogue fields, RepositoryFilter, Query. */
export const catalogSdl = read('catalog.graphql');
/** The repository subgraphs' part: the data fields of Repository. */
export const repositoryDataSdl = read('repository-data.graphql');

/** The federation spec version every subgraph links. */
export const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@shareable"])';
