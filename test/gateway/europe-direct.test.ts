/**
 * A Europe-wide question that the europe subgraph alone answers runs there without the query planner
 * (gateway/europe-direct.ts); one that also asks another subgraph (a repository's name, from the catalog) is planned.
 * Both ways must give the same answer, errors included: shown by asking the same question both ways.
 */
import { parse } from 'graphql';
import { europeAnswers } from '../../gateway/europe-direct';
import { buildEuropeSubgraph } from '../../subgraphs/europe';
import { europeConfig, startEuropeFederation, type EuropeTestFederation } from '../europe/support';

const REPOSITORIES = [
  { id: 'de-node', country: 'DE', apiKind: 'eucaim-mediator', cases: 40 },
  { id: 'it-gdc', country: 'IT', apiKind: 'gdc', cases: 50 },
];

describe('which questions the europe subgraph answers alone', () => {
  const { schema } = buildEuropeSubgraph(europeConfig(REPOSITORIES).repositories);
  const alone = (query: string) => europeAnswers(schema, parse(query));

  it('takes Europe-wide cohorts and case lists, with fragments, aliases and a repository\'s id', () => {
    expect(alone('{ cohort(where: { sex: [MALE] }) { total { subjects } repositories { repositoryId repository { id __typename } status { state } } } }')).toBe(true);
    expect(alone('query Q($w: CaseFilter) { a: cohort(where: $w) { ...T } } fragment T on FederatedCohort { total { subjects } }')).toBe(true);
    expect(alone('{ cases(first: 5) { nodes { id repositoryId } pageInfo { hasNextPage } } }')).toBe(true);
  });

  it('leaves to the planner what another subgraph answers, introspection, and what does not validate', () => {
    // A repository's name comes from the catalog.
    expect(alone('{ cohort { repositories { repositoryId repository { id name } } } }')).toBe(false);
    expect(alone('{ cohort { total { subjects } } repositories { id } }')).toBe(false);
    expect(alone('{ __schema { queryType { name } } }')).toBe(false);
    expect(alone('{ cohort { total { subjects } } __type(name: "FederatedCohort") { name } }')).toBe(false);
    expect(alone('{ cohort { noSuchField } }')).toBe(false);
  });
});

describe('a Europe-wide question asked both ways', () => {
  let federation: EuropeTestFederation;
  beforeAll(async () => {
    federation = await startEuropeFederation(REPOSITORIES);
  });
  afterAll(() => federation?.close());

  const SELECTION = 'total { subjects studies series exact } complete repositories { repositoryId inTotal status { state code message filtersNotApplied { criterion } } }';
  const direct = `query Direct($where: CaseFilter) { cohort(where: $where) { ${SELECTION} } }`;
  // The same, with each repository's name from the catalog: the planner sends one fetch to each subgraph. Operation
  // names of one length, so that an error's location in the client's document is the same in both.
  const planned = `query Joined($where: CaseFilter) { cohort(where: $where) { ${SELECTION.replace('repositoryId inTotal', 'repositoryId inTotal repository { name }')} } }`;
  const withoutNames = (body: any) => JSON.parse(JSON.stringify(body, (key, value) => (key === 'repository' ? undefined : value)));

  it('gives the same counts and statuses', async () => {
    const where = { sex: ['FEMALE'], modalities: ['CT'] };
    const [a, b] = [await federation.query(direct, { where }), await federation.query(planned, { where })];
    expect(a.status).toBe(200);
    expect(a.body.errors).toBeUndefined();
    expect((a.body.data as any).cohort.total.subjects).toBeGreaterThan(0);
    expect((b.body.data as any).cohort.repositories.map((r: any) => r.repository.name)).toEqual(['Test de-node', 'Test it-gdc']);
    expect(a.body).toEqual(withoutNames(b.body));
  });

  it('gives the same error for a filter it refuses, with its code, argument, path and the subgraph named', async () => {
    const where = { ageAtDiagnosis: { min: 80, max: 20 } };
    const [a, b] = [await federation.query(direct, { where }), await federation.query(planned, { where })];
    expect(a.body.data).toBeNull();
    expect(a.body.errors).toHaveLength(1);
    expect(a.body.errors![0]).toMatchObject({ path: ['cohort'], extensions: { code: 'BAD_USER_INPUT', argument: expect.stringContaining('ageAtDiagnosis'), serviceName: 'europe' } });
    expect(a.body).toEqual(b.body);
  });

  it('refuses a variable of the wrong type the same way, with the same status', async () => {
    const where = { sex: ['NOT_A_SEX'] };
    const [a, b] = [await federation.query(direct, { where }), await federation.query(planned, { where })];
    expect(a.body.errors?.[0].message).toMatch(/\$where.*NOT_A_SEX/);
    expect([a.status, a.body]).toEqual([b.status, b.body]);
  });

  it('gives the same answer when a repository fails', async () => {
    federation.simulator('it-gdc').faults.httpStatus = 500;
    try {
      const [a, b] = [await federation.query(direct, {}), await federation.query(planned, {})];
      const states = (a.body.data as any).cohort.repositories.map((r: any) => r.status.state);
      expect(states).toEqual(['OK', 'FAILED']);
      expect(a.body).toEqual(withoutNames(b.body));
    } finally {
      federation.clearFaults();
    }
  });
});
