/**
 * Trap (DESIGN.md, measured on @apollo/gateway 2.14.4): when a subgraph cannot be reached, the data source throws
 * and the gateway reports one error with no path and no repository, so a portal cannot tell which repository is
 * missing. Fixed by gateway/plugins/datasources/remote.ts (a transport failure becomes a GraphQL answer with a path per
 * field, a stable code and the repository id) with entity-error-paths.ts placing it on the right list index.
 *
 * The first test shows whether the trap is still there in the installed @apollo/gateway: when an upgrade fixes it,
 * that test fails, and the fix can be reconsidered.
 */
import { LocalGraphQLDataSource, RemoteGraphQLDataSource } from '@apollo/gateway';
import { useEntityErrorPaths } from '../../gateway/plugins/datasources/entity-error-paths';
import { InProcessDataSource } from '../../gateway/plugins/datasources/in-process';
import { withMiddleware } from '../../gateway/plugins/datasources/middleware';
import { RemoteSubgraphDataSource } from '../../gateway/plugins/datasources/remote';
import { askFederation, catalogSchema, errorPlaces, repositorySchema } from './two-repository-federation';
import { installedVersion } from './installed-version';

const GATEWAY_VERSION = installedVersion('@apollo/gateway');
// Port 9 (discard) on loopback: nothing listens there, so the connection is refused at once.
const UNREACHABLE = 'http://127.0.0.1:9/graphql';

describe('a repository subgraph that cannot be reached (b; a and c answer)', () => {
  it(`is an error with no path and no repository with @apollo/gateway ${GATEWAY_VERSION} alone: the trap is still there`, async () => {
    const answer = await askFederation({
      catalog: new LocalGraphQLDataSource(catalogSchema()),
      a: new LocalGraphQLDataSource(repositorySchema('a', false)),
      b: new RemoteGraphQLDataSource({ url: UNREACHABLE }),
      c: new LocalGraphQLDataSource(repositorySchema('c', false)),
    });
    expect(errorPlaces(answer)).toEqual([{ path: undefined, repositoryId: undefined }]);
    expect(answer.errors?.[0].message).not.toContain('"b"');
    expect(answer.data?.repositories.map((r) => r.cohort)).toEqual([42, null, 42]);
  });

  it('is an error on that repository\'s field, with its id and a stable code, through the gateway\'s data sources', async () => {
    const remote = new RemoteSubgraphDataSource({ name: 'b', url: UNREACHABLE, timeoutMs: 5_000 });
    try {
      const local = (name: 'a' | 'c') => withMiddleware(new InProcessDataSource(repositorySchema(name, false), false), { name }, [useEntityErrorPaths]);
      const answer = await askFederation({
        catalog: new InProcessDataSource(catalogSchema(), true),
        a: local('a'),
        b: withMiddleware(remote, { name: 'b' }, [useEntityErrorPaths]),
        c: local('c'),
      });
      expect(errorPlaces(answer)).toEqual([{ path: 'repositories.1.cohort', repositoryId: 'b' }]);
      expect(answer.errors?.[0].extensions?.code).toBe('REPOSITORY_UNAVAILABLE');
      expect(answer.errors?.[0].message).toContain('repository "b"');
      expect(answer.data?.repositories.map((r) => r.cohort)).toEqual([42, null, 42]);
    } finally {
      await remote.close();
    }
  });
});
