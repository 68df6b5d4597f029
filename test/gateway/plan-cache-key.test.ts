/**
 * Query plans are kept per operation, not per source text: the same operation padded with a new comment each time
 * (the abuse bench's body-near-limit client) is planned once, and so is a portal's operation whatever white space its
 * build tool leaves. Stock @apollo/gateway plans each new text anew: the first test shows that the trap is
 * still in the installed version, so the second one means something.
 *
 * Plans are counted where @apollo/query-planner builds them; the gateway, Apollo Server and the subgraphs are real
 * (in process).
 */
import { ApolloGateway, LocalGraphQLDataSource } from '@apollo/gateway';
import { QueryPlanner } from '@apollo/query-planner';
import { ApolloServer } from '@apollo/server';
import { withPlansPerOperation } from '../../gateway/plugins/limits/plan-cache-key';
import { catalogSchema, REPOSITORIES, repositorySchema, supergraphSdlOf } from '../traps/two-repository-federation';

const QUIET = { debug() {}, info() {}, warn() {}, error() {} };

function stockGateway(): ApolloGateway {
  return new ApolloGateway({
    supergraphSdl: supergraphSdlOf(),
    buildService: ({ name }) => new LocalGraphQLDataSource(name === 'catalog' ? catalogSchema() : repositorySchema(name as (typeof REPOSITORIES)[number], false)),
  });
}

/** Runs each text through one server, and returns the answers and how many query plans were built meanwhile. */
async function plansFor(texts: string[], wrap: boolean): Promise<{ plans: number; answers: unknown[] }> {
  const gateway = stockGateway();
  const server = new ApolloServer({ gateway: wrap ? withPlansPerOperation(gateway) : gateway, logger: QUIET });
  await server.start();
  const planning = jest.spyOn(QueryPlanner.prototype, 'buildQueryPlan');
  try {
    const answers: unknown[] = [];
    for (const query of texts) {
      const response = await server.executeOperation({ query });
      if (response.body.kind !== 'single') throw new Error('expected a single answer');
      answers.push(JSON.parse(JSON.stringify(response.body.singleResult)));
    }
    return { plans: planning.mock.calls.length, answers };
  } finally {
    planning.mockRestore();
    await server.stop();
  }
}

const OPERATION = 'query Counts { repositories { id cohort } }';
const padded = (n: number) => `# request ${n}: ${'x'.repeat(1000 + n)}\n${OPERATION.replace('{ id', `{\n   id,`)}`;
const SAME_OPERATION_NEW_TEXTS = [OPERATION, padded(1), padded(2), padded(3)];
const EXPECTED = { data: { repositories: REPOSITORIES.map((id) => ({ id, cohort: 42 })) } };

test('trap: stock @apollo/gateway plans the same operation again for each new comment', async () => {
  const { plans, answers } = await plansFor(SAME_OPERATION_NEW_TEXTS, false);
  expect(answers).toEqual(SAME_OPERATION_NEW_TEXTS.map(() => EXPECTED));
  expect(plans).toBe(SAME_OPERATION_NEW_TEXTS.length);
});

test('the gateway plans an operation once, whatever its comments, white space and commas', async () => {
  const { plans, answers } = await plansFor(SAME_OPERATION_NEW_TEXTS, true);
  expect(answers).toEqual(SAME_OPERATION_NEW_TEXTS.map(() => EXPECTED));
  expect(plans).toBe(1);
});

test('different operations still get plans of their own', async () => {
  const other = 'query Ids { repositories { id } }';
  const renamed = 'query Renamed { repositories { id cohort } }';
  const { plans, answers } = await plansFor([OPERATION, other, renamed, padded(4), other], true);
  expect(plans).toBe(3);
  expect(answers[1]).toEqual({ data: { repositories: REPOSITORIES.map((id) => ({ id })) } });
});
