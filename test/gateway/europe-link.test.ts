/**
 * The europe link (gateway/europe-link.ts) when a data source throws instead of answering (a middleware's bug): the
 * Europe-wide answer gets an internal error placed on the repository and masked as the gateway masks its answers,
 * never the thrown message (it may carry a native query string with the caller's values). An answer the gateway's
 * cache gave is marked as such.
 */
import type { GraphQLDataSource } from '@apollo/gateway';
import { directEuropeLink } from '../../gateway/europe-link';
import { maskInternalErrors } from '../../gateway/plugins/http/mask-internal-errors';
import { CATALOG_SUBGRAPH_NAME } from '../../subgraphs/catalog/catalog-subgraph';
import { bindSubgraphCache } from '../../gateway/plugins/cache/context';
import { SubgraphCache } from '../../gateway/plugins/cache/subgraph-cache';
import { withMiddleware } from '../../gateway/plugins/datasources/middleware';
import { useResponseCache } from '../../gateway/plugins/datasources/use-cache';
import type { RequestContext } from '../../subgraphs/sdk/context';
import type { RepositoryEntry } from '../../subgraphs/sdk/entry';

const throwing: GraphQLDataSource = { process: async () => { throw new Error('GET /fhir/Patient?gender=female failed'); } };
const link = directEuropeLink({
  dataSources: () => new Map([[CATALOG_SUBGRAPH_NAME, throwing], ['de-broken', throwing]]),
  fallback: async () => { throw new Error('not expected'); },
  formatError: maskInternalErrors(() => undefined),
});

test('a repository whose data source throws: null, with a masked internal error naming it', async () => {
  const answer = await link({
    query: 'query EuropeCohort($id: ID!, $where: CaseFilter) { repository(id: $id) { cohort(where: $where) { subjects } } }',
    variables: { id: 'de-broken', where: { sex: ['FEMALE'] } },
  }, { accessLevel: 'anonymous', recordGrants: [] });
  expect(answer.data).toEqual({ repository: null });
  expect(answer.errors).toEqual([expect.objectContaining({
    path: ['repository'], extensions: expect.objectContaining({ code: 'INTERNAL_SERVER_ERROR', repositoryId: 'de-broken', logId: expect.any(String) }),
  })]);
  expect(JSON.stringify(answer)).not.toMatch(/gender|female|fhir/);
});

test('the catalog\'s list when its data source throws: a masked internal error on repositories', async () => {
  const answer = await link({ query: 'query EuropeRepositories { repositories { id } }' }, { accessLevel: 'anonymous', recordGrants: [] });
  expect(answer.data).toBeNull();
  expect(answer.errors).toEqual([expect.objectContaining({ path: ['repositories'], extensions: expect.objectContaining({ code: 'INTERNAL_SERVER_ERROR' }) })]);
  expect(JSON.stringify(answer)).not.toMatch(/gender|female|fhir/);
});

test('an answer the gateway\'s answer cache gave is marked fromCache (the dispatch order does not learn from it); the repository\'s own is not', async () => {
  let asked = 0;
  const repository: GraphQLDataSource = {
    process: async () => {
      asked++;
      return { data: { _entities: [{ cohort: { subjects: 3 } }] } };
    },
  };
  const entry = { id: 'de-cached', cacheTtlSeconds: 60 } as RepositoryEntry;
  const cachedLink = directEuropeLink({
    dataSources: () => new Map([['de-cached', withMiddleware(repository, { name: 'de-cached', entry }, [useResponseCache])]]),
    fallback: async () => { throw new Error('not expected'); },
    formatError: maskInternalErrors(() => undefined),
  });
  const cache = new SubgraphCache();
  const operation = {
    query: 'query EuropeCohort($id: ID!, $where: CaseFilter) { repository(id: $id) { cohort(where: $where) { subjects } } }',
    variables: { id: 'de-cached', where: { sex: ['FEMALE'] } },
  };
  const ask = () => {
    const context: RequestContext = { accessLevel: 'anonymous', recordGrants: [] };
    bindSubgraphCache(context, cache);
    return cachedLink(operation, context);
  };
  try {
    const first = await ask();
    expect(first).toEqual({ data: { repository: { cohort: { subjects: 3 } } } });
    const second = await ask();
    expect(second).toEqual({ data: { repository: { cohort: { subjects: 3 } } }, fromCache: true });
    expect(asked).toBe(1);
  } finally {
    await cache.close();
  }
});

test('the catalog is asked once per list and federation: kept answers for the same filter, a new catalog (a reload) asked anew, a failure asked again', async () => {
  const asked: string[] = [];
  const catalogOf = (name: string, ids: string[]): GraphQLDataSource => ({
    process: async ({ request }) => {
      asked.push(`${name} ${JSON.stringify(request.variables)}`);
      if (name === 'failing') return { data: null, errors: [{ message: 'catalog unavailable', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] };
      const filter = (request.variables?.repositories as { countries?: string[] } | null)?.countries;
      return { data: { repositories: ids.filter((id) => !filter || filter.includes(id.slice(0, 2).toUpperCase())).map((id) => ({ id })) } };
    },
  });
  let catalog = catalogOf('first', ['de-a', 'fr-b']);
  const keptLink = directEuropeLink({
    dataSources: () => new Map([[CATALOG_SUBGRAPH_NAME, catalog]]),
    fallback: async () => { throw new Error('not expected'); },
    formatError: maskInternalErrors(() => undefined),
  });
  const list = (countries?: string[]) => keptLink({
    query: 'query EuropeRepositories($repositories: RepositoryFilter) { repositories(where: $repositories) { id } }',
    operationName: 'EuropeRepositories', variables: { repositories: countries ? { countries } : null },
  }, { accessLevel: 'anonymous', recordGrants: [] });

  const [a, b] = await Promise.all([list(), list()]);
  expect(a.data).toEqual({ repositories: [{ id: 'de-a' }, { id: 'fr-b' }] });
  expect(b).toEqual(a);
  expect((await list(['FR'])).data).toEqual({ repositories: [{ id: 'fr-b' }] });
  expect(await list()).toEqual(a);
  expect(asked).toEqual(['first {"repositories":null}', 'first {"repositories":{"countries":["FR"]}}']);

  catalog = catalogOf('reloaded', ['de-a', 'fr-b', 'it-c']);
  expect((await list()).data).toEqual({ repositories: [{ id: 'de-a' }, { id: 'fr-b' }, { id: 'it-c' }] });
  expect(asked).toHaveLength(3);

  catalog = catalogOf('failing', []);
  expect((await list()).errors).toHaveLength(1);
  expect((await list()).errors).toHaveLength(1);
  expect(asked.filter((line) => line.startsWith('failing'))).toHaveLength(2);
});
