/**
 * Query.cohort: a Europe-wide cohort is the sum of the repositories' cohorts (and of the ground truth), facets
 * merged; a failing repository is reported with its state and left out of the total; a count-only node that
 * cannot apply a criterion is PARTIAL. The fan-out goes through the gateway: repositories not selected get no
 * request at all.
 */
import type { CaseFilter } from '../../schema/generated/graphql';
import { cohortOf } from '../../subgraphs/sdk/evaluate';
import { FACET_NAMES, type FacetName } from '../../subgraphs/sdk/facets';
import { criteriaOf, normaliseFilter } from '../../subgraphs/sdk/filter';
import { splitFilter } from '../../subgraphs/sdk/report';
import { nativeRequestOrder } from '../support/native-requests';
import { startEuropeFederation, type EuropeTestFederation } from './support';

const REPOSITORIES = [
  { id: 'de-pacs', country: 'DE', apiKind: 'dicomweb' },
  { id: 'pt-nbia', country: 'PT', apiKind: 'nbia' },
  { id: 'fr-xnat', country: 'FR', apiKind: 'xnat' },
  { id: 'es-node', country: 'ES', apiKind: 'eucaim-mediator' },
  { id: 'it-datasets', country: 'IT', apiKind: 'eucaim-dataset-service' },
  { id: 'gr-slow', country: 'GR', apiKind: 'eucaim-mediator', timeoutMs: 700, circuitBreaker: { failureThreshold: 2, resetAfterMs: 60_000 } },
];
const IDS = REPOSITORIES.map((r) => r.id);

const FACETS = `facets { ${FACET_NAMES.map((f) => `${f} { value subjects }`).join(' ')} }`;
const COHORT_FIELDS = `subjects studies series images exact incompleteFacets filtersApplied filtersNotApplied { criterion reason } ${FACETS}`;
const QUERY = `query Europe($where: CaseFilter, $repositories: RepositoryFilter) {
  cohort(where: $where, repositories: $repositories) {
    complete
    total { ${COHORT_FIELDS} }
    contributors { subjects studies series images facets { facet repositories } }
    repositories {
      repositoryId inTotal
      repository { id name country granularity }
      status { state code message latencyMs filtersNotApplied { criterion reason } }
      cohort { ${COHORT_FIELDS} }
    }
  }
}`;

type Buckets = Array<{ value: string; subjects: number }>;
interface CohortJson {
  subjects: number | null; studies: number | null; series: number | null; images: number | null; exact: boolean;
  incompleteFacets: string[]; filtersApplied: string[]; filtersNotApplied: Array<{ criterion: string; reason: string }>;
  facets: Record<FacetName, Buckets>;
}
interface RepositoryCohortJson {
  repositoryId: string;
  inTotal: boolean;
  repository: { id: string; name: string; country: string; granularity: string };
  status: { state: string; code: string | null; message: string | null; latencyMs: number; filtersNotApplied: Array<{ criterion: string }> };
  cohort: CohortJson | null;
}
interface FederatedCohortJson {
  complete: boolean;
  total: CohortJson;
  contributors: { subjects: string[]; studies: string[]; series: string[]; images: string[]; facets: Array<{ facet: string; repositories: string[] }> };
  repositories: RepositoryCohortJson[];
}

function addBuckets(lists: Buckets[]): Buckets {
  const byValue = new Map<string, number>();
  for (const list of lists) for (const { value, subjects } of list) byValue.set(value, (byValue.get(value) ?? 0) + subjects);
  return [...byValue].map(([value, subjects]) => ({ value, subjects }))
    .sort((a, b) => b.subjects - a.subjects || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

function sumOf(parts: RepositoryCohortJson[], count: 'subjects' | 'studies' | 'series' | 'images'): number | null {
  const values = parts.map((p) => p.cohort?.[count]).filter((v): v is number => typeof v === 'number');
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0);
}

describe('Europe-wide cohort', () => {
  let federation: EuropeTestFederation;

  const europe = async (where: CaseFilter, repositories?: Record<string, unknown>) => {
    const { status, body } = await federation.query(QUERY, { where, repositories });
    return { status, body, cohort: body.data?.cohort as FederatedCohortJson };
  };

  beforeAll(async () => {
    federation = await startEuropeFederation(REPOSITORIES);
    // Harvests the indexes once, so that later timings are the repositories' own.
    await federation.query('{ cohort { total { subjects } } }');
  }, 60_000);

  afterAll(async () => {
    await federation?.close();
  });

  afterEach(() => federation.clearFaults());

  it.each<[string, CaseFilter]>([
    ['no filter', {}],
    ['one modality', { modalities: ['MR'] }],
    ['sex and cancer site', { sex: ['FEMALE'], cancerSites: ['LUNG', 'BREAST'] }],
  ])('the total is the sum of the repositories\' cohorts and of the ground truth (%s)', async (_label, where) => {
    const { status, body, cohort } = await europe(where);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(cohort.repositories.map((r) => r.repositoryId)).toEqual(IDS);
    expect(cohort.repositories.map((r) => r.repository.country)).toEqual(REPOSITORIES.map((r) => r.country));
    expect(cohort.repositories.every((r) => r.status.state === 'OK' && r.inTotal && r.status.code === null)).toBe(true);
    expect(cohort.complete).toBe(true);
    expect(cohort.total.exact).toBe(true);

    // Each repository's counts equal its ground truth's (count-only nodes give what they can count).
    for (const part of cohort.repositories) {
      const filter = normaliseFilter(where, part.repositoryId);
      const { evaluable, report } = splitFilter(filter, part.cohort!.filtersApplied as never, () => '');
      const truth = cohortOf(federation.truth(part.repositoryId), evaluable, report);
      for (const count of ['subjects', 'studies', 'series', 'images'] as const) {
        if (part.cohort![count] !== null) expect([part.repositoryId, count, part.cohort![count]]).toEqual([part.repositoryId, count, truth[count]]);
      }
    }
    // The total adds up the repositories, and so the ground truth of every repository.
    for (const count of ['subjects', 'studies', 'series', 'images'] as const) {
      expect(cohort.total[count]).toBe(sumOf(cohort.repositories, count));
      expect(cohort.contributors[count]).toEqual(cohort.repositories.filter((r) => r.cohort?.[count] !== null).map((r) => r.repositoryId));
    }
    const truthSubjects = IDS.reduce((sum, id) => sum + cohortOf(federation.truth(id), normaliseFilter(where, id), { applied: [], notApplied: [] }).subjects!, 0);
    expect(cohort.total.subjects).toBe(truthSubjects);
    // Count-only nodes do not count series and images: the totals say whom they add up.
    expect(cohort.contributors.series).not.toContain('es-node');

    // Facets: bucket by bucket, the sum of the repositories' facets.
    for (const facet of FACET_NAMES) {
      expect([facet, cohort.total.facets[facet]]).toEqual([facet, addBuckets(cohort.repositories.map((r) => r.cohort!.facets[facet]))]);
    }
    // A facet some node lists only in part (or not at all) is flagged incomplete.
    expect(cohort.total.incompleteFacets).toEqual(expect.arrayContaining(['bodyPart', 'manufacturer']));
    const sexContributors = cohort.contributors.facets.find((f) => f.facet === 'sex')!.repositories;
    expect(sexContributors).toEqual(expect.arrayContaining(['de-pacs', 'pt-nbia', 'fr-xnat']));
    expect(cohort.total.filtersApplied.sort()).toEqual(criteriaOf(normaliseFilter(where, 'x')).sort());
  });

  it('the facets of record repositories add up to the ground truth\'s', async () => {
    const where: CaseFilter = { modalities: ['CT'] };
    const record = ['de-pacs', 'pt-nbia', 'fr-xnat'];
    const { cohort } = await europe(where, { ids: record });
    expect(cohort.complete).toBe(true);
    expect(cohort.total.incompleteFacets).toEqual([]);
    const truths = record.map((id) => cohortOf(federation.truth(id), normaliseFilter(where, id), { applied: ['MODALITIES'], notApplied: [] }));
    for (const facet of FACET_NAMES) {
      expect([facet, cohort.total.facets[facet]]).toEqual([facet, addBuckets(truths.map((t) => t.facets[facet]))]);
    }
    expect(cohort.total.subjects).toBe(truths.reduce((sum, t) => sum + t.subjects!, 0));
  });

  it('says whether anyone matches anywhere', async () => {
    const exists = async (where: CaseFilter) => {
      const { body } = await federation.query('query E($where: CaseFilter) { cohort(where: $where) { total { exists subjects } repositories { cohort { exists } } } }', { where });
      return body.data?.cohort as { total: { exists: boolean | null; subjects: number }; repositories: Array<{ cohort: { exists: boolean | null } | null }> };
    };
    const some = await exists({ sex: ['FEMALE'] });
    expect(some.total).toMatchObject({ exists: true });
    expect(some.total.subjects).toBeGreaterThan(0);
    const none = await exists({ collections: ['no-such-collection'] });
    expect(none.total).toEqual({ exists: false, subjects: 0 });
    expect(none.repositories.every((r) => r.cohort?.exists === false)).toBe(true);
  });

  it('reports a repository that answers HTTP 503 as FAILED and leaves it out of the total', async () => {
    const before = await europe({ modalities: ['MR'] });
    // A count-only node asks its native API at every query (record repositories count from a harvested index).
    federation.simulator('it-datasets').faults.httpStatus = 503;
    const { status, body, cohort } = await europe({ modalities: ['MR'] });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const failed = cohort.repositories.find((r) => r.repositoryId === 'it-datasets')!;
    expect(failed).toMatchObject({ cohort: null, inTotal: false, status: { state: 'FAILED', code: 'REPOSITORY_HTTP_ERROR' } });
    expect(failed.status.message).toContain('repository "it-datasets"');
    expect(failed.status.latencyMs).toBeGreaterThanOrEqual(0);
    expect(cohort.complete).toBe(false);
    expect(cohort.total.exact).toBe(false);
    const others = before.cohort.repositories.filter((r) => r.repositoryId !== 'it-datasets');
    expect(cohort.total.subjects).toBe(sumOf(others, 'subjects'));
    expect(cohort.contributors.subjects).not.toContain('it-datasets');
    for (const r of cohort.repositories.filter((p) => p.repositoryId !== 'it-datasets')) {
      expect([r.repositoryId, r.status.state]).toEqual([r.repositoryId, before.cohort.repositories.find((b) => b.repositoryId === r.repositoryId)!.status.state]);
    }
  });

  it('reports a repository that does not answer in time as TIMED_OUT, then CIRCUIT_OPEN once its breaker opens', async () => {
    federation.simulator('gr-slow').faults.hang = true;
    const started = Date.now();
    const first = await europe({});
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(4000);
    const slow = first.cohort.repositories.find((r) => r.repositoryId === 'gr-slow')!;
    expect(slow).toMatchObject({ cohort: null, status: { state: 'TIMED_OUT', code: 'REPOSITORY_TIMEOUT' } });
    // Timed around its own request (a native request shared with an abandoned earlier call may end it sooner).
    expect(slow.status.latencyMs).toBeGreaterThan(100);
    expect(slow.status.latencyMs).toBeLessThanOrEqual(elapsed);
    expect(first.cohort.total.subjects).toBe(sumOf(first.cohort.repositories.filter((r) => r.repositoryId !== 'gr-slow'), 'subjects'));
    expect(first.cohort.complete).toBe(false);
    // The second consecutive failure opens its breaker (threshold 2); then it is not even asked.
    await europe({});
    federation.simulator('gr-slow').resetCounts();
    const third = await europe({});
    expect(third.cohort.repositories.find((r) => r.repositoryId === 'gr-slow')!.status).toMatchObject({ state: 'CIRCUIT_OPEN', code: 'REPOSITORY_CIRCUIT_OPEN' });
    expect(federation.simulator('gr-slow').requests.total).toBe(0);
  });

  it('reports a count-only node that cannot apply a criterion as PARTIAL: counted, with the criterion named', async () => {
    const { cohort } = await europe({ ageAtDiagnosis: { min: 50, max: 70 } }, { ids: ['de-pacs', 'es-node'] });
    const node = cohort.repositories.find((r) => r.repositoryId === 'es-node')!;
    expect(node.status.state).toBe('PARTIAL');
    expect(node.status.code).toBeNull();
    expect(node.status.filtersNotApplied.map((n) => n.criterion)).toEqual(['AGE_AT_DIAGNOSIS']);
    expect(node.inTotal).toBe(true);
    expect(cohort.repositories.find((r) => r.repositoryId === 'de-pacs')!.status.state).toBe('OK');
    expect(cohort.complete).toBe(false);
    expect(cohort.total.exact).toBe(false);
    expect(cohort.total.subjects).toBe(sumOf(cohort.repositories, 'subjects'));
    expect(cohort.total.filtersApplied).toEqual([]);
    expect(cohort.total.filtersNotApplied).toHaveLength(1);
    expect(cohort.total.filtersNotApplied[0].criterion).toBe('AGE_AT_DIAGNOSIS');
    expect(cohort.total.filtersNotApplied[0].reason).toContain('repository "es-node"');
  });

  it('asks only the selected repositories, each through its repository subgraph', async () => {
    for (const id of IDS) federation.simulator(id).resetCounts();
    const { cohort } = await europe({ modalities: ['MR'] }, { countries: ['DE', 'ES'] });
    expect(cohort.repositories.map((r) => r.repositoryId)).toEqual(['de-pacs', 'es-node']);
    expect(federation.simulator('es-node').requests.total).toBeGreaterThan(0);
    for (const id of ['pt-nbia', 'fr-xnat', 'it-datasets', 'gr-slow']) expect([id, federation.simulator(id).requests.total]).toEqual([id, 0]);
  });

  it('refuses a malformed filter once, naming the argument, before asking anyone', async () => {
    for (const id of IDS) federation.simulator(id).resetCounts();
    const { body } = await europe({ ageAtDiagnosis: { min: 90, max: 10 } });
    expect(body.data).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({ path: ['cohort'], extensions: { code: 'BAD_USER_INPUT', argument: 'where.ageAtDiagnosis' } });
    expect(body.errors?.[0].message).toBe('filter where.ageAtDiagnosis has min 90 greater than max 10');
    expect(IDS.reduce((sum, id) => sum + federation.simulator(id).requests.total, 0)).toBe(0);
  });

  it('refuses an unknown repository id in `repositories`', async () => {
    const { body } = await europe({}, { ids: ['de-pacs', 'xx-nowhere'] });
    expect(body.errors?.[0]).toMatchObject({ path: ['cohort'], extensions: { code: 'REPOSITORY_NOT_FOUND', argument: 'repositories.ids' } });
    expect(body.errors?.[0].message).toContain('"xx-nowhere"');
  });
  it('asks the repository that has been slowest first, and learns when that changes', async () => {
    // it-datasets comes after es-node in the catalogue; once it has been the slower, its native request leaves first.
    const asking = { ids: ['de-pacs', 'es-node', 'it-datasets'] };
    federation.simulator('it-datasets').faults.latencyMs = 300;
    const origins = new Map(['es-node', 'it-datasets'].map((id) => [new URL(federation.simulator(id).baseUrl).origin, id]));
    const ask = async (where: CaseFilter) => expect((await europe(where, asking)).cohort.repositories.every((r) => r.inTotal)).toBe(true);
    const firstAsked = async (where: CaseFilter) => (await nativeRequestOrder(origins, () => ask(where)))[0];
    // It goes by the median of the last five answers: three slow ones make it slow. Distinct filters, so that no
    // answer is given again.
    for (const sex of ['MALE', 'FEMALE', 'OTHER'] as const) await ask({ sex: [sex] });
    expect(await firstAsked({ sex: ['MALE'], modalities: ['CT'] })).toBe('it-datasets');
    // Once it is fast again, and the other slow, it is asked after the other.
    federation.simulator('it-datasets').faults.latencyMs = 0;
    federation.simulator('es-node').faults.latencyMs = 300;
    for (const sex of ['OTHER', 'UNKNOWN', 'FEMALE'] as const) await ask({ sex: [sex], modalities: ['CT'] });
    expect(await firstAsked({ sex: ['MALE'], modalities: ['MR'] })).toBe('es-node');
  }, 20_000);
});
