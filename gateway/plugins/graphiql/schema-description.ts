/**
 * What a person exploring the schema reads first: GraphiQL's documentation explorer opens on the schema's
 * description. Composition keeps no schema description from the subgraphs, so the gateway gives its API schema one
 * each time it loads or recomposes (a config reload), naming where to start and telling the domain types from the
 * generated per-repository ones (GraphiQL lists every type in one alphabetical list and cannot group them).
 */
import type { ApolloGateway } from '@apollo/gateway';

export const FEDERATION_SCHEMA_DESCRIPTION = `Europe's cancer-imaging repositories (EUCAIM, Cancer Image Europe), federated: each repository keeps its native API and answers in one unified cancer-case schema.

Start here:
- Query.cohort: a cohort counted in every repository and summed Europe-wide, each repository's part with its status.
- Query.repositories / Query.repository: the catalogue (country, institution, API kind, capabilities) with each repository's cohort, cases and collections.
- Query.cases: one case list across the repositories that list cases (records need a grant).
- Query.manifest: the series of a cohort with their retrieve references, for download tools.

Domain types: Case, Diagnosis, ImagingStudy, ImagingSeries, Cohort and its facets, CaseFilter, and the Federated* answers. Types named <Repository>Repository (one per repository of the federation, e.g. DeHeidelbergPacsRepository) are generated from the catalogue: they all implement the Repository interface, so read Repository for what they hold.

Counts are honest: a criterion a repository cannot evaluate is listed in filtersNotApplied and its counts are upper bounds (exact: false); small counts may be withheld for callers without a record grant (suppressed).`;

/** Gives the gateway's API schema the federation's description, now and after each recomposition. */
export function describeFederationSchema(gateway: ApolloGateway): void {
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
    // GraphQLSchema's description is a plain field: introspection (`__schema { description }`) reads it as it is.
    (apiSchema as { description?: string | null }).description = FEDERATION_SCHEMA_DESCRIPTION;
  });
}
