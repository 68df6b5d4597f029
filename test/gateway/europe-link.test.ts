/**
 * The europe link (gateway/europe-link.ts) when a data source throws instead of answering (a middleware's bug): the
 * Europe-wide answer gets an internal error placed on the repository and masked as the gateway masks its answers,
 * never the thrown message (it may carry a native query string with the caller's values).
 */
import type { GraphQLDataSource } from '@apollo/gateway';
import { directEuropeLink } from '../../gateway/europe-link';
import { maskInternalErrors } from '../../gateway/plugins/http/mask-internal-errors';
import { CATALOG_SUBGRAPH_NAME } from '../../subgraphs/catalog/catalog-subgraph';

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
