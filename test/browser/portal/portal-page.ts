/**
 * A research portal's page, bundled by esbuild at test time and served from an origin other than the gateway's:
 * Apollo Client, urql and graphql-request, each at its defaults, ask the gateway for a cohort count (anonymously)
 * and, with the bearer token the portal got from its sign-in, for a page of cases. The page shows what each client
 * got, as a portal would: numbers and subject ids, or the error message.
 *
 * The page reads the gateway's URL and the token from its own query string (?gateway=...&token=...).
 */
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { Client, cacheExchange, fetchExchange } from '@urql/core';
import { GraphQLClient } from 'graphql-request';

export interface ClientResult {
  /** Europe-wide subjects, asked without a token. */
  count?: number | null;
  /** Subject ids of the first cases, asked with the token. */
  cases?: string[];
  error?: string;
}

const params = new URLSearchParams(location.search);
const gateway = params.get('gateway') ?? '';
const token = params.get('token') ?? '';
const authorization = { authorization: `Bearer ${token}` };

// One operation name per client, so the test can tell their requests apart.
const countQuery = (client: string) => `query ${client}Count { cohort { total { subjects } } }`;
const casesQuery = (client: string) => `query ${client}Cases { cases(first: 5) { nodes { subjectId } } }`;

interface CountData { cohort: { total: { subjects: number | null } } }
interface CasesData { cases: { nodes: Array<{ subjectId: string }> } }

async function withApolloClient(): Promise<ClientResult> {
  const anonymous = new ApolloClient({ link: new HttpLink({ uri: gateway }), cache: new InMemoryCache() });
  const signedIn = new ApolloClient({ link: new HttpLink({ uri: gateway, headers: authorization }), cache: new InMemoryCache() });
  const count = await anonymous.query<CountData>({ query: gql(countQuery('Apollo')) });
  const cases = await signedIn.query<CasesData>({ query: gql(casesQuery('Apollo')) });
  if (count.error ?? cases.error) throw count.error ?? cases.error;
  return { count: count.data?.cohort.total.subjects, cases: cases.data?.cases.nodes.map((node) => node.subjectId) };
}

async function withUrql(): Promise<ClientResult> {
  const anonymous = new Client({ url: gateway, exchanges: [cacheExchange, fetchExchange] });
  const signedIn = new Client({ url: gateway, exchanges: [cacheExchange, fetchExchange], fetchOptions: { headers: authorization } });
  const count = await anonymous.query<CountData>(countQuery('Urql'), {}).toPromise();
  const cases = await signedIn.query<CasesData>(casesQuery('Urql'), {}).toPromise();
  if (count.error ?? cases.error) throw count.error ?? cases.error;
  return { count: count.data?.cohort.total.subjects, cases: cases.data?.cases.nodes.map((node) => node.subjectId) };
}

async function withGraphqlRequest(): Promise<ClientResult> {
  const count = await new GraphQLClient(gateway).request<CountData>(countQuery('GraphqlRequest'));
  const cases = await new GraphQLClient(gateway, { headers: authorization }).request<CasesData>(casesQuery('GraphqlRequest'));
  return { count: count.cohort.total.subjects, cases: cases.cases.nodes.map((node) => node.subjectId) };
}

async function show(name: string, run: () => Promise<ClientResult>): Promise<void> {
  const result = await run().catch((error: unknown): ClientResult => ({ error: error instanceof Error ? error.message : String(error) }));
  const output = document.createElement('output');
  output.id = name;
  output.dataset.result = JSON.stringify(result);
  output.textContent = result.error ? `${name}: ${result.error}` : `${name}: ${result.count} subjects; cases ${result.cases?.join(', ')}`;
  document.body.append(output);
}

void (async () => {
  await show('apollo-client', withApolloClient);
  await show('urql', withUrql);
  await show('graphql-request', withGraphqlRequest);
  document.body.dataset.done = 'true';
})();
