/**
 * Trap (DESIGN.md, measured on @apollo/gateway 2.14.4): an error inside an `_entities` fetch carries the index
 * within that fetch's batch, and the gateway maps it onto the entities at the fetch's path, so with one subgraph
 * per repository every repository's error lands on `repositories.0`. Fixed by gateway/plugins/datasources/entity-error-paths.ts.
 *
 * The first test shows whether the trap is still there in the installed @apollo/gateway: when an upgrade fixes it,
 * that test fails, and the fix can go.
 */
import { LocalGraphQLDataSource } from '@apollo/gateway';
import { useEntityErrorPaths } from '../../gateway/plugins/datasources/entity-error-paths';
import { InProcessDataSource } from '../../gateway/plugins/datasources/in-process';
import { withMiddleware } from '../../gateway/plugins/datasources/middleware';
import { askFederation, catalogSchema, errorPlaces, repositorySchema } from './two-repository-federation';
import { installedVersion } from './installed-version';

const GATEWAY_VERSION = installedVersion('@apollo/gateway');

describe('entity-fetch errors of two failing repositories (b and c; a answers)', () => {
  it(`land both on the first repository with @apollo/gateway ${GATEWAY_VERSION} alone: the trap is still there`, async () => {
    const answer = await askFederation({
      catalog: new LocalGraphQLDataSource(catalogSchema()),
      a: new LocalGraphQLDataSource(repositorySchema('a', false)),
      b: new LocalGraphQLDataSource(repositorySchema('b', true)),
      c: new LocalGraphQLDataSource(repositorySchema('c', true)),
    });
    expect(errorPlaces(answer)).toEqual([
      { path: 'repositories.0.cohort', repositoryId: 'b' },
      { path: 'repositories.0.cohort', repositoryId: 'c' },
    ]);
    // The data is right; only the errors point at the wrong repository (a, which answered).
    expect(answer.data?.repositories.map((r) => r.cohort)).toEqual([42, null, null]);
  });

  it('land each on its own repository through the gateway\'s data sources', async () => {
    const repository = (name: 'a' | 'b' | 'c', failing: boolean) =>
      withMiddleware(new InProcessDataSource(repositorySchema(name, failing), false), { name }, [useEntityErrorPaths]);
    const answer = await askFederation({
      catalog: new InProcessDataSource(catalogSchema(), true),
      a: repository('a', false),
      b: repository('b', true),
      c: repository('c', true),
    });
    expect(errorPlaces(answer)).toEqual([
      { path: 'repositories.1.cohort', repositoryId: 'b' },
      { path: 'repositories.2.cohort', repositoryId: 'c' },
    ]);
    expect(answer.data?.repositories.map((r) => r.cohort)).toEqual([42, null, null]);
  });
});
