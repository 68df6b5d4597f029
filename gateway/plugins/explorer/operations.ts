/**
 * The GraphQL operations that state a translated Lens query, for people taking it further than the explorer:
 * GraphiQL opened on the same question, and the manifest the page downloads. One filter group is one field; a
 * union is one aliased field per group (g1, g2, ...), which the reader adds up (or, for manifests, merges).
 */
import type { RepositoryFilter } from '../../../schema/generated/graphql';
import type { FilterGroup, TranslatedQuery } from './lens-ast';

export interface Operation {
  query: string;
  variables: Record<string, unknown>;
}

const COHORT_SELECTION = `{
    complete
    total { subjects studies series images exact suppressed filtersNotApplied { criterion reason } }
    repositories {
      repository { id name country }
      cohort { subjects studies series images exact suppressed }
      status { state code latencyMs filtersNotApplied { criterion reason } }
    }
  }`;

const MANIFEST_SELECTION = `{
    seriesCount truncated complete
    files { name mediaType series content }
    repositories { repositoryId series status { state code message } }
  }`;

function repositoriesOf(group: FilterGroup): RepositoryFilter | undefined {
  return group.countries ? { countries: group.countries } : undefined;
}

function build(name: string, field: string, selection: string, query: TranslatedQuery, extra: { declare: string; pass: string; values: Record<string, unknown> }): Operation {
  const comment = query.groups.length > 1
    ? `# The explorer's query is an OR of ${query.groups.length} groups: one aliased field per group.\n`
    : '';
  const declarations: string[] = [];
  const fields: string[] = [];
  const variables: Record<string, unknown> = {};
  query.groups.forEach((group, i) => {
    const suffix = query.groups.length > 1 ? String(i + 1) : '';
    const where = `where${suffix}`;
    declarations.push(`$${where}: CaseFilter`);
    variables[where] = group.where;
    const args = [`where: $${where}`];
    const repositories = repositoriesOf(group);
    if (repositories) {
      declarations.push(`$repositories${suffix}: RepositoryFilter`);
      variables[`repositories${suffix}`] = repositories;
      args.push(`repositories: $repositories${suffix}`);
    }
    if (extra.pass) args.push(extra.pass);
    fields.push(`  ${suffix ? `g${suffix}: ` : ''}${field}(${args.join(', ')}) ${selection}`);
  });
  if (extra.declare) declarations.push(extra.declare);
  Object.assign(variables, extra.values);
  return { query: `${comment}query ${name}(${declarations.join(', ')}) {\n${fields.join('\n')}\n}\n`, variables };
}

/** Query.cohort for the same question (the numbers the explorer shows, summed Europe-wide). */
export function cohortOperation(query: TranslatedQuery): Operation {
  return build('ExplorerEuropeCohort', 'cohort', COHORT_SELECTION, query, { declare: '', pass: '', values: {} });
}

/** Query.manifest for the same question; `$format` is URL_LIST, TCIA or CSV. */
export function manifestOperation(query: TranslatedQuery, format: 'URL_LIST' | 'TCIA' | 'CSV' = 'URL_LIST'): Operation {
  return build('ExplorerManifest', 'manifest', MANIFEST_SELECTION, query, { declare: '$format: ManifestFormat', pass: 'format: $format', values: { format } });
}
