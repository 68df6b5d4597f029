/**
 * Operation shapes no portal needs are refused while the operation is validated, before any repository is asked
 * (graphql-armor on the gateway), and the example operations a new user opens in GraphiQL all pass.
 */
import { EXAMPLE_OPERATIONS } from '../../gateway/plugins/graphiql/examples';
import { DEFAULT_QUERY_LIMITS } from '../../gateway/plugins/limits/query-limits';
import { startTestFederation, type GraphQLAnswer, type TestFederation } from '../support/federation';

const IDS = ['de-a', 'es-c'];
const REPOSITORIES = IDS.map((id, i) => ({ id, country: ['DE', 'ES'][i], apiKind: ['dicomweb', 'eucaim-mediator'][i] }));

function nativeRequests(federation: TestFederation): number {
  return IDS.reduce((sum, id) => sum + federation.simulator(id).requests.total, 0);
}

function refusal(answer: GraphQLAnswer, code = 'GRAPHQL_VALIDATION_FAILED'): string {
  expect(answer.status).toBe(400);
  expect(answer.body.errors?.[0].extensions?.code).toBe(code);
  return answer.body.errors?.map((e) => e.message).join('\n') ?? '';
}

describe('query limits (defaults)', () => {
  let federation: TestFederation;

  beforeAll(async () => {
    federation = await startTestFederation(REPOSITORIES);
  });

  afterAll(async () => {
    await federation?.close();
  });

  beforeEach(() => IDS.forEach((id) => federation.simulator(id).resetCounts()));

  it('refuses 2,000 aliases of a per-repository cohort, and 100, without asking any repository', async () => {
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: cohort { subjects }`).join(' ');
    // 2,000 written in full are too long to be parsed at all; 100 are parsed and refused for their aliases.
    expect(refusal(await federation.query(`{ repositories { id ${aliases(2000)} } }`), 'GRAPHQL_PARSE_FAILED'))
      .toContain(`more that ${DEFAULT_QUERY_LIMITS.maxTokens} tokens`);
    expect(refusal(await federation.query(`{ repositories { id ${aliases(100)} } }`)))
      .toMatch(new RegExp(`Aliases limit of ${DEFAULT_QUERY_LIMITS.maxAliases} exceeded, found 100`));
    expect(nativeRequests(federation)).toBe(0);
  });

  it('refuses an operation of more tokens than any portal writes', async () => {
    const message = refusal(await federation.query(`{ repositories { id ${'__typename '.repeat(DEFAULT_QUERY_LIMITS.maxTokens)} } }`), 'GRAPHQL_PARSE_FAILED');
    expect(message).toContain(`more that ${DEFAULT_QUERY_LIMITS.maxTokens} tokens`);
  });

  it('refuses a directive flood', async () => {
    const message = refusal(await federation.query(`{ repositories { id ${'@include(if: true) '.repeat(50)} } }`));
    expect(message).toMatch(/Directives limit of 20 exceeded/);
  });

  it('passes every example operation GraphiQL opens, and a page of cases with studies, series and retrieve references', async () => {
    for (const example of EXAMPLE_OPERATIONS) {
      const { body } = await federation.query(example.query.replace(/^#.*$/gm, ''), example.variables);
      expect({ example: example.name, codes: (body.errors ?? []).map((e) => e.extensions?.code).filter((c) => c === 'GRAPHQL_VALIDATION_FAILED') })
        .toEqual({ example: example.name, codes: [] });
    }
    const { body } = await federation.query('{ cases(first: 50) { nodes { subjectId sex ageAtDiagnosis diagnosis { icd10 yearOfDiagnosis } studies { date series { uid modality retrieve { url } } } } } }');
    expect(body.errors ?? []).toEqual([]);
  });

  it('suggests field names while introspection is on (the demo)', async () => {
    const answer = await federation.query('{ repositories { nmae } }');
    expect(answer.body.errors?.[0].message).toContain('Did you mean "name"');
  });
});

describe('query limits, configured and in production', () => {
  let federation: TestFederation;

  beforeAll(async () => {
    federation = await startTestFederation(REPOSITORIES, { limits: { maxDepth: 3, maxCost: 100 }, env: { ...process.env, NODE_ENV: 'production' } });
  });

  afterAll(async () => {
    await federation?.close();
  });

  it('takes the depth and cost the deployment sets', async () => {
    const message = refusal(await federation.query('{ cases(first: 50) { nodes { subjectId studies { date series { uid retrieve { url } } } } } }'));
    expect(message).toMatch(/depth limit of 3 exceeded, found 6/i);
    expect(message).toMatch(/Cost limit of 100 exceeded/i);
  });

  it('answers no introspection and suggests no field names', async () => {
    const introspection = await federation.query('{ __schema { types { name } } }');
    expect(introspection.body.errors?.[0].message).toMatch(/introspection/i);
    const typo = await federation.query('{ repositories { nmae } }');
    expect(typo.body.errors?.[0].message).not.toContain('Did you mean');
    expect(typo.body.errors?.[0].message).not.toContain('name"');
  });
});
