/**
 * The answer cache in the running gateway (in memory), measured by the simulators' native request counters.
 */
import { startCachedFederation, type CachedFederation } from './support';

const COHORT = 'query Cohort($where: CaseFilter) { repositories { id cohort(where: $where) { subjects exact } } }';
const PAGE = 'query Page($id: ID!, $first: Int!) { repository(id: $id) { cases(first: $first) { nodes { subjectId } } } }';
const FEMALE = { where: { sex: ['FEMALE'] } };
const MALE = { where: { sex: ['MALE'] } };

const subjects = (body: { data?: Record<string, unknown> | null }) =>
  (body.data?.repositories as Array<{ id: string; cohort: { subjects: number } | null }>).map((r) => [r.id, r.cohort?.subjects ?? null]);

describe('cached repository answers (in memory)', () => {
  let federation: CachedFederation;

  beforeAll(async () => {
    federation = await startCachedFederation([
      { id: 'es-med', country: 'ES', apiKind: 'eucaim-mediator' },
      { id: 'it-med', country: 'IT', apiKind: 'eucaim-mediator' },
      { id: 'pt-nbia', country: 'PT', apiKind: 'nbia' },
      { id: 'fr-short', country: 'FR', apiKind: 'eucaim-mediator', cacheTtlSeconds: 1 },
      { id: 'gr-live', country: 'GR', apiKind: 'eucaim-mediator', cacheTtlSeconds: 0 },
    ]);
    await federation.query(PAGE, { id: 'pt-nbia', first: 1 }); // NBIA harvests its index once
  });

  afterAll(async () => {
    await federation?.close();
  });

  afterEach(() => {
    for (const simulator of federation.demo.simulators.values()) {
      for (const key of Object.keys(simulator.faults) as (keyof typeof simulator.faults)[]) delete simulator.faults[key];
    }
  });

  it('answers a second identical query without a native request', async () => {
    const where = { where: { sex: ['FEMALE'], cancerSites: ['LUNG'] } };
    federation.resetCounts();
    const first = await federation.query(COHORT, where);
    expect(first.body.errors).toBeUndefined();
    expect(federation.simulator('es-med').requests.total).toBeGreaterThan(0);
    federation.resetCounts();
    const second = await federation.query(COHORT, where);
    expect(second.body).toEqual(first.body);
    // gr-live (cacheTtlSeconds 0) is asked again; every other repository answers from the cache.
    expect(federation.simulator('gr-live').requests.total).toBeGreaterThan(0);
    expect(federation.nativeRequests() - federation.simulator('gr-live').requests.total).toBe(0);
  });

  it('case pages too: the same page is served from the cache, another page is not', async () => {
    await federation.query(PAGE, { id: 'pt-nbia', first: 7 });
    federation.resetCounts();
    const again = await federation.query(PAGE, { id: 'pt-nbia', first: 7 });
    expect((again.body.data?.repository as { cases: { nodes: unknown[] } }).cases.nodes).toHaveLength(7);
    expect(federation.nativeRequests()).toBe(0);
    await federation.query(PAGE, { id: 'pt-nbia', first: 8 });
    expect(federation.simulator('pt-nbia').requests.total).toBeGreaterThan(0);
  });

  it('different variables do not share an entry', async () => {
    await federation.query(COHORT, FEMALE);
    federation.resetCounts();
    const male = await federation.query(COHORT, MALE);
    expect(federation.simulator('es-med').requests.total).toBeGreaterThan(0);
    expect(federation.simulator('it-med').requests.total).toBeGreaterThan(0);
    const female = await federation.query(COHORT, FEMALE);
    expect(subjects(male.body)).not.toEqual(subjects(female.body));
  });

  it('a different access level does not share an entry', async () => {
    const where = { where: { cancerSites: ['PROSTATE'] } };
    await federation.query(COHORT, where, 'anonymous');
    federation.resetCounts();
    await federation.query(COHORT, where, 'anonymous');
    expect(federation.simulator('es-med').requests.total).toBe(0);
    await federation.query(COHORT, where, 'researcher');
    expect(federation.simulator('es-med').requests.total).toBeGreaterThan(0);
    federation.resetCounts();
    await federation.query(COHORT, where, 'researcher');
    expect(federation.simulator('es-med').requests.total).toBe(0);
  });

  it('an entry expires after the repository\'s cacheTtlSeconds', async () => {
    const where = { where: { cancerSites: ['BREAST'] } };
    await federation.query(COHORT, where);
    federation.resetCounts();
    await federation.query(COHORT, where);
    expect(federation.simulator('fr-short').requests.total).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await federation.query(COHORT, where);
    expect(federation.simulator('fr-short').requests.total).toBeGreaterThan(0); // TTL 1 s: expired
    expect(federation.simulator('es-med').requests.total).toBe(0); // TTL 60 s: still cached
  });

  it('cacheTtlSeconds 0 turns the cache off for that repository', async () => {
    const where = { where: { sex: ['OTHER'] } };
    for (let i = 0; i < 3; i++) {
      federation.resetCounts();
      await federation.query(COHORT, where);
      expect(federation.simulator('gr-live').requests.total).toBeGreaterThan(0);
    }
  });

  it('an answer with errors is not cached: the next query asks again and caches the success', async () => {
    const where = { where: { sex: ['UNKNOWN'] } };
    federation.simulator('it-med').faults.httpStatus = 503;
    const failed = await federation.query(COHORT, where);
    expect(failed.body.errors?.[0].extensions).toMatchObject({ code: 'REPOSITORY_HTTP_ERROR', repositoryId: 'it-med' });
    expect(subjects(failed.body).find(([id]) => id === 'it-med')?.[1]).toBeNull();
    delete federation.simulator('it-med').faults.httpStatus;
    federation.resetCounts();
    const healed = await federation.query(COHORT, where);
    expect(healed.body.errors).toBeUndefined();
    expect(federation.simulator('it-med').requests.total).toBeGreaterThan(0);
    expect(federation.simulator('es-med').requests.total).toBe(0); // its success was cached
    federation.resetCounts();
    await federation.query(COHORT, where);
    expect(federation.simulator('it-med').requests.total).toBe(0);
  });

  it('N concurrent identical queries cost one upstream call per repository', async () => {
    // Slow repositories, so the queries surely overlap; cacheTtlSeconds 0 (gr-live) shows it is not the cache.
    for (const simulator of federation.demo.simulators.values()) simulator.faults.latencyMs = 300;
    const where = { where: { ageAtDiagnosis: { min: 40, max: 70 } } };
    federation.resetCounts();
    const answers = await Promise.all(Array.from({ length: 8 }, () => federation.query(COHORT, where)));
    for (const answer of answers) expect(answer.body).toEqual(answers[0].body);
    expect(answers[0].body.errors).toBeUndefined();
    const concurrent = Object.fromEntries([...federation.demo.simulators].map(([id, s]) => [id, s.requests.total]));
    // What one such query costs each repository (gr-live is never cached, the others are asked with a new filter).
    federation.resetCounts();
    await federation.query(COHORT, { where: { ageAtDiagnosis: { min: 41, max: 70 } } });
    const single = Object.fromEntries([...federation.demo.simulators].map(([id, s]) => [id, s.requests.total]));
    expect(single['es-med']).toBeGreaterThan(0);
    expect(concurrent).toEqual(single);
  });
});

describe('a gateway without a cache', () => {
  let federation: CachedFederation;

  beforeAll(async () => {
    federation = await startCachedFederation([{ id: 'es-med', country: 'ES', apiKind: 'eucaim-mediator' }], false);
  });

  afterAll(async () => {
    await federation?.close();
  });

  it('asks the repository every time (startGateway without `cache`)', async () => {
    await federation.query(COHORT, FEMALE);
    federation.resetCounts();
    await federation.query(COHORT, FEMALE);
    expect(federation.nativeRequests()).toBeGreaterThan(0);
  });
});
