/**
 * The GDC adapter against the running simulator: its answers, fetched through GDC's native search protocol (totals
 * and facets), equal what the SDK's cohortOf computes over the ground truth as a GDC repository holds it (support.ts:
 * the cases' primary diagnoses and their pathology slides), with the radiology criteria reported not applicable.
 * The traps are shown real first (GDC matches a diagnosis criterion on any diagnosis of a case, facet keys come back
 * lower-cased, an unknown filter field is dropped with a mere warning), then shown handled.
 */
import { graphql } from 'graphql';
import type { CaseFilter } from '../../schema/generated/graphql';
import { startGdcSimulator, type RunningGdcSimulator } from '../../simulators/gdc';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { GdcAdapter, gdcKind } from '../../subgraphs/gdc';
import { NO_PRIMARY_FLAG_REASON, WILDCARD_REASON } from '../../subgraphs/gdc/plan';
import { encodeCursor } from '../../subgraphs/sdk/cursor';
import { ErrorCode, RepositoryError } from '../../subgraphs/sdk/errors';
import { criteriaOf, type NormalizedFilter } from '../../subgraphs/sdk/filter';
import type { FullCaseRecord } from '../../subgraphs/sdk/records';
import { buildRepositorySubgraph } from '../../subgraphs/sdk/subgraph';
import { expectedSubjects as subjectsIn, rejection, walkPages } from '../support/adapter-kit';
import { expectedGdcCohort, filterOf, gdcEntry, gdcTestData, gdcTruth, NOT_APPLICABLE, REPOSITORY_ID } from './support';

const allPages = (filter: NormalizedFilter, first: number, on: GdcAdapter = adapter) => walkPages(on, filter, first, 100);

let data: SyntheticRepositoryData;
let truth: FullCaseRecord[];
let simulator: RunningGdcSimulator;
let adapter: GdcAdapter;

beforeAll(async () => {
  data = gdcTestData(300);
  truth = gdcTruth(data);
  simulator = await startGdcSimulator({ data });
  adapter = new GdcAdapter(gdcEntry(data, simulator.baseUrl));
});

afterAll(async () => {
  await adapter.close();
  await simulator.close();
});

const expectedCohort = (filter: NormalizedFilter, records = truth) => expectedGdcCohort(records, filter);
/** The subjects a filter selects in the truth, in subject order. */
const expectedSubjects = (filter: NormalizedFilter, records = truth) => subjectsIn(records, filter);

async function nativeTotal(endpoint: string, filters: unknown, on = simulator): Promise<number> {
  const response = await fetch(`${on.baseUrl}/${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filters, size: 0 }) });
  return ((await response.json()) as { data: { pagination: { total: number } } }).data.pagination.total;
}

const COHORT_FILTERS: Array<[string, CaseFilter]> = [
  ['no filter', {}],
  ['slide microscopy', { modalities: ['SM'] }],
  ['slide microscopy, or a radiology modality GDC does not hold', { modalities: ['SM', 'MR'] }],
  ['one sex', { sex: ['MALE'] }],
  ['sex without a GDC term, and missing sex', { sex: ['OTHER', 'UNKNOWN'] }],
  ['one cancer site', { cancerSites: ['LUNG'] }],
  ['two cancer sites (OR)', { cancerSites: ['COLON', 'BRAIN'] }],
  ['age range in years over ages in days', { ageAtDiagnosis: { min: 50, max: 65 } }],
  ['one year of age', { ageAtDiagnosis: { min: 61, max: 61 } }],
  ['open age range', { ageAtDiagnosis: { max: 45 } }],
  ['year of diagnosis', { yearOfDiagnosis: { min: 2012, max: 2016 } }],
  ['collection', { collections: ['GD-BREAST'] }],
  ['site AND slides AND sex', { cancerSites: ['LUNG'], modalities: ['SM'], sex: ['FEMALE'] }],
  ['collections AND age AND year', { collections: ['GD-BREAST', 'GD-COLON'], ageAtDiagnosis: { min: 60 }, yearOfDiagnosis: { max: 2018 } }],
  ['body part, not applicable, beside sex', { bodyParts: ['CHEST'], sex: ['FEMALE'] }],
  ['manufacturer, not applicable, beside slides', { manufacturers: ['siemens'], modalities: ['SM'] }],
  // Only the later (metastasis) diagnoses of some cases carry these sites: nobody's primary diagnosis does.
  ['a site only metastases have', { cancerSites: ['OTHER', 'HAEMATOLYMPHOID'] }],
  ['a radiology modality', { modalities: ['MR', 'CT'] }],
  ['contradicting site and collection', { cancerSites: ['BREAST'], collections: ['GD-LUNG'] }],
];

describe('cohort', () => {
  it.each(COHORT_FILTERS)('equals cohortOf over the ground truth, facets included: %s', async (_, where) => {
    const filter = filterOf(where);
    const cohort = await adapter.cohort(filter, {}, { facets: true });
    expect(cohort).toEqual(expectedCohort(filter));
    const notApplicable = NOT_APPLICABLE.filter((n) => criteriaOf(filter).includes(n.criterion));
    expect(cohort.exact).toBe(notApplicable.length === 0);
    expect(cohort.filtersNotApplied).toEqual(notApplicable);
  });

  it('is not vacuous: most filters match someone, the last three nobody; slides are not everyone\'s', () => {
    const subjects = COHORT_FILTERS.map(([, where]) => expectedCohort(filterOf(where)).subjects);
    expect(subjects.slice(0, -3).every((n) => (n ?? 0) > 0)).toBe(true);
    expect(subjects.slice(-3)).toEqual([0, 0, 0]);
    expect(subjects[0]).toBe(300);
    expect(subjects[1]).toBeGreaterThan(0);
    expect(subjects[1]).toBeLessThan(300);
  });

  it('is exact although GDC matches a diagnosis criterion on any diagnosis of a case (the trap is real)', async () => {
    // Natively, metastases make cases match sites their primary diagnosis does not have.
    expect(await nativeTotal('cases', { op: 'in', content: { field: 'diagnoses.icd_10_code', value: ['C78.0', 'C79.5', 'C77.9'] } })).toBeGreaterThan(0);
    // And older later diagnoses make cases match ages their primary diagnosis does not have.
    const range = (min: number, max: number) => ({ op: 'and', content: [
      { op: '>=', content: { field: 'diagnoses.age_at_diagnosis', value: Math.ceil(min * 365.25) } },
      { op: '<=', content: { field: 'diagnoses.age_at_diagnosis', value: Math.ceil((max + 1) * 365.25) - 1 } },
    ] });
    const filter = filterOf({ ageAtDiagnosis: { min: 70, max: 79 } });
    expect(await nativeTotal('cases', range(70, 79))).toBeGreaterThan(expectedCohort(filter).subjects!);
    expect((await adapter.cohort(filter, {}, { facets: true }))).toEqual(expectedCohort(filter));
  });

  it('counts the same without facets', async () => {
    const filter = filterOf({ cancerSites: ['LUNG', 'BREAST'], sex: ['FEMALE'], modalities: ['SM'] });
    const cohort = await adapter.cohort(filter, {}, { facets: false });
    const { facets: _ignored, ...counts } = expectedCohort(filter);
    expect(cohort).toMatchObject(counts);
    expect(cohort.facets.modality).toEqual([]);
  });

  it('reads the lower-cased facet keys GDC answers (the trap is real)', async () => {
    const response = await fetch(`${simulator.baseUrl}/cases`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ size: 0, facets: 'diagnoses.icd_10_code' }) });
    const { data: answer } = await response.json() as { data: { aggregations: Record<string, { buckets: Array<{ key: string }> }> } };
    expect(answer.aggregations['diagnoses.icd_10_code'].buckets.every((b) => b.key === b.key.toLowerCase() && /^c/.test(b.key))).toBe(true);
    const filter = filterOf({ cancerSites: ['COLON'] });
    expect((await adapter.cohort(filter, {}, { facets: true })).facets.cancerSite).toEqual(expectedCohort(filter).facets.cancerSite);
  });
});

describe('warnings', () => {
  it('never calls a count exact when the server says it ignored a filter field (the trap is real)', async () => {
    // GDC drops an unknown filter field with a warning: the count is the one without it.
    expect(await nativeTotal('cases', { op: 'in', content: { field: 'demographic.sexo', value: ['female'] } })).toBe(300);
    const own = await startGdcSimulator({ data });
    const fresh = new GdcAdapter(gdcEntry(data, own.baseUrl));
    try {
      await fresh.cohort({}, {}, { facets: false }); // the vocabulary, read before the server starts to forget the field
      own.tamper = (path, body) => (path === '/cases' ? { ...body, warnings: { filters: 'unrecognized values: [demographic.sex_at_birth]' } } : body);
      const filter = filterOf({ sex: ['FEMALE'], collections: ['GD-LUNG'] });
      const cohort = await fresh.cohort(filter, {}, { facets: true });
      expect(cohort.exact).toBe(false);
      expect(cohort.filtersApplied).toEqual(['COLLECTIONS']);
      expect(cohort.filtersNotApplied).toEqual([{ criterion: 'SEX', reason: expect.stringMatching(/ignored the filter field demographic\.sex_at_birth \(GDC warnings: unrecognized values: \[demographic\.sex_at_birth\]\)/) }]);
      const error = await rejection(fresh.cases(filter, { first: 10, after: null }, {}));
      expect(error.extensions).toMatchObject({ code: ErrorCode.NOT_SUPPORTED, repositoryId: REPOSITORY_ID });
      expect(error.message).toMatch(/SEX/);
      // A filter warning that names no field: not exact, and no case list.
      own.tamper = (path, body) => (path === '/cases' ? { ...body, warnings: { filters: 'some clauses were dropped' } } : body);
      expect((await fresh.cohort(filter, {}, { facets: false })).exact).toBe(false);
      expect((await rejection(fresh.cases(filter, { first: 10, after: null }, {}))).message).toMatch(/some clauses were dropped/);
    } finally {
      await fresh.close();
      await own.close();
    }
  });

  it('on a server with an older data dictionary: sex from gender, diagnosis criteria reported not applied', async () => {
    const legacy = await startGdcSimulator({ data, legacyDictionary: true });
    const own = new GdcAdapter(gdcEntry(data, legacy.baseUrl));
    try {
      const filter = filterOf({ sex: ['MALE'], cancerSites: ['LUNG'], yearOfDiagnosis: { min: 2014 } });
      const cohort = await own.cohort(filter, {}, { facets: true });
      const notApplied = [
        { criterion: 'CANCER_SITES', reason: NO_PRIMARY_FLAG_REASON }, { criterion: 'YEAR_OF_DIAGNOSIS', reason: NO_PRIMARY_FLAG_REASON },
      ] as const;
      const expected = expectedGdcCohort(truth, filter, [...notApplied]);
      // Cancer site and age facets count diagnoses: without the flag they cannot be counted per primary diagnosis.
      expect(cohort).toEqual({ ...expected, facets: { ...expected.facets, cancerSite: [], ageBand: [] } });
      expect(cohort.exact).toBe(false);
      expect(cohort.filtersApplied).toEqual(['SEX']);
    } finally {
      await own.close();
      await legacy.close();
    }
  });
});

describe('ages', () => {
  it('refuses an age outside 0-130 years as bad native data, naming the repository', async () => {
    const own = await startGdcSimulator({ data: gdcTestData(20) });
    const fresh = new GdcAdapter(gdcEntry(data, own.baseUrl));
    try {
      const aged = (hits: boolean, stats: boolean) => (path: string, body: any) => (path !== '/cases' ? body : {
        ...body,
        data: {
          ...body.data,
          hits: !hits ? body.data.hits : body.data.hits.map((h: any) => (h.diagnoses ? { ...h, diagnoses: h.diagnoses.map((d: any) => ({ ...d, age_at_diagnosis: 56_000 })) } : h)),
          aggregations: !stats || !body.data.aggregations ? body.data.aggregations : Object.fromEntries(Object.entries(body.data.aggregations).map(([k, v]: [string, any]) =>
            [k, k === 'diagnoses.age_at_diagnosis' ? { stats: { ...v.stats, max: 56_000 } } : v])),
        },
      });
      own.tamper = aged(true, false);
      const listing = await rejection(fresh.cases({}, { first: 5, after: null }, {}));
      expect(listing.extensions).toMatchObject({ code: ErrorCode.BAD_RESPONSE, repositoryId: REPOSITORY_ID });
      expect(listing.message).toMatch(/age_at_diagnosis of case GD-.* \(56000 days\) is an age of 153 years, outside 0-130/);
      // Counting reads ages from the facet statistics (and from the cases it evaluates one by one).
      expect((await rejection(fresh.cohort({}, {}, { facets: true }))).message).toMatch(/\(56000 days\) is an age of 153 years/);
      own.tamper = aged(false, true);
      const counting = await rejection(fresh.cohort(filterOf({ sex: ['FEMALE'] }), {}, { facets: true }));
      expect(counting.extensions).toMatchObject({ code: ErrorCode.BAD_RESPONSE, repositoryId: REPOSITORY_ID });
      expect(counting.message).toMatch(/the largest diagnoses\.age_at_diagnosis \(56000 days\) is an age of 153 years/);
    } finally {
      await fresh.close();
      await own.close();
    }
  });
});

describe('escaping', () => {
  it.each([
    ['a wildcard collection', { collections: ['*'] }],
    ['a collection prefix with a wildcard', { collections: ['GD-*'] }],
    ['a JSON fragment as a collection', { collections: ['"]},{"op":"not","content":{"field":"case_id","value":"MISSING"}}'] }],
  ] as Array<[string, CaseFilter]>)('matches no more than the literal value would: %s', async (_, where) => {
    const filter = filterOf(where);
    expect(await adapter.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter));
    expect((await adapter.cases(filter, { first: 500, after: null }, {})).edges).toEqual([]);
  });

  it('reports collections as not applied when a held project id with "*" would match more than intended', async () => {
    const starred: SyntheticRepositoryData = { ...data, collections: [...data.collections, { ...data.collections[0], id: 'GD-*' }],
      cases: data.cases.map((c, i) => (i % 7 === 0 ? { ...c, collectionId: 'GD-*' } : c)) };
    const sim = await startGdcSimulator({ data: starred });
    const own = new GdcAdapter(gdcEntry(starred, sim.baseUrl));
    try {
      const cohort = await own.cohort(filterOf({ collections: ['GD-*'], sex: ['FEMALE'] }), {}, { facets: false });
      expect(cohort).toMatchObject({ exact: false, filtersApplied: ['SEX'], filtersNotApplied: [{ criterion: 'COLLECTIONS', reason: WILDCARD_REASON }] });
      const error = await rejection(own.cases(filterOf({ collections: ['GD-*'] }), { first: 10, after: null }, {}));
      expect(error.extensions).toMatchObject({ code: ErrorCode.NOT_SUPPORTED, repositoryId: REPOSITORY_ID });
    } finally {
      await own.close();
      await sim.close();
    }
  });
});

describe('cases', () => {
  const FILTERS: Array<[string, CaseFilter]> = [
    ['no filter', {}],
    ['slides and sex', { modalities: ['SM'], sex: ['FEMALE', 'MALE'] }],
    ['clinical ranges, read on primary diagnoses', { ageAtDiagnosis: { min: 55 }, yearOfDiagnosis: { min: 2010 } }],
    ['cancer sites, read on primary diagnoses', { cancerSites: ['LUNG', 'COLON'] }],
  ];

  it.each(FILTERS)('pages completely, in subject order, without duplicates: %s', async (_, where) => {
    const filter = filterOf(where);
    const expected = expectedSubjects(filter);
    const { pages, subjects } = await allPages(filter, 37);
    expect(subjects).toEqual(expected);
    expect(new Set(subjects).size).toBe(subjects.length);
    expect(pages.every((p) => p.totalCount === expected.length)).toBe(true);
    expect(expected.length).toBeGreaterThan(37);
  });

  it('costs one search a page, two when diagnosis criteria meet cases with several diagnoses', async () => {
    await adapter.cohort({}, {}, { facets: false });
    for (const [where, searches] of [[{ sex: ['MALE'] }, 1], [{ cancerSites: ['LUNG'] }, 2]] as Array<[CaseFilter, number]>) {
      simulator.resetCounts();
      await adapter.cases(filterOf(where), { first: 20, after: null }, {});
      expect(simulator.requests.total).toBe(searches);
    }
  });

  it('refuses radiology criteria in a case list, naming them', async () => {
    const error = await rejection(adapter.cases(filterOf({ bodyParts: ['CHEST'] }), { first: 10, after: null }, {}));
    expect(error.extensions).toMatchObject({ code: ErrorCode.NOT_SUPPORTED, repositoryId: REPOSITORY_ID, argument: 'where' });
    expect(error.message).toMatch(/BODY_PARTS \(GDC holds pathology slide images/);
  });

  it('maps every case field as the ground truth has it, the primary diagnosis among several', async () => {
    const page = await adapter.cases({}, { first: 300, after: null }, {});
    expect(page.edges.map((e) => e.node)).toEqual(truth.map(({ studies: _studies, ...record }) => record));
  });

  it('answers a filter that matches nothing without a case search', async () => {
    await adapter.cohort({}, {}, { facets: false });
    simulator.resetCounts();
    expect(await adapter.cases(filterOf({ modalities: ['CT'] }), { first: 10, after: null }, {})).toEqual({ edges: [], hasNextPage: false, totalCount: 0 });
    expect(simulator.requests.total).toBe(0);
  });
});

describe('a page of cases with their slides, through the subgraph', () => {
  const QUERY = `query ($representations: [_Any!]!, $where: CaseFilter, $first: Int, $after: String) {
    _entities(representations: $representations) {
      ... on EsTestGdcRepository {
        cases(where: $where, first: $first, after: $after) {
          totalCount
          pageInfo { hasNextPage endCursor }
          nodes { id studies { uid date description modalities bodyParts seriesCount instanceCount
            series { uid modality modalityRaw bodyPart bodyPartRaw manufacturer description instanceCount sizeBytes retrieve { protocol url } } } }
        }
      }
    }
  }`;

  interface Answer {
    data?: { _entities: Array<{ cases: { totalCount: number; nodes: Array<{ id: string; studies: Array<{ series: Array<{ uid: string; retrieve: { protocol: string; url: string } }> }> }> } }> };
    errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
  }

  async function run(where: CaseFilter, first: number, schema = buildRepositorySubgraph(gdcEntry(data, simulator.baseUrl), gdcKind, adapter).schema): Promise<Answer> {
    const result = await graphql({
      // A researcher holding a grant for this repository's records (subgraph.ts refuses cases to anonymous callers).
      schema, source: QUERY, contextValue: { subject: 'test-researcher', recordGrants: [{ repositoryId: REPOSITORY_ID }] },
      variableValues: { representations: [{ __typename: 'EsTestGdcRepository', id: REPOSITORY_ID }], where, first },
    });
    return result as unknown as Answer;
  }

  it('lists whole-slide series as the truth has them, in a constant number of native calls', async () => {
    await run({ modalities: ['SM'] }, 5); // warms the vocabulary
    const counts: number[] = [];
    for (const first of [10, 50]) {
      simulator.resetCounts();
      const answer = await run({ modalities: ['SM'] }, first);
      expect(answer.errors).toBeUndefined();
      const nodes = answer.data!._entities[0].cases.nodes;
      expect(nodes).toHaveLength(first);
      for (const node of nodes) {
        const expected = truth.find((r) => r.id === node.id)!;
        const withoutRetrieve = node.studies.map((s) => ({ ...s, series: s.series.map(({ retrieve: _r, ...rest }) => rest) }));
        expect(withoutRetrieve).toEqual(expected.studies.map((s) => ({ ...s, series: s.series.map(({ retrieve: _r, ...rest }) => rest) })));
        for (const series of node.studies.flatMap((s) => s.series)) {
          expect(series.retrieve).toEqual({ protocol: expect.stringMatching(/^(ACCESS_REQUEST|GDC_DATA)$/), url: `${simulator.baseUrl}/data/${series.uid}` });
        }
      }
      counts.push(simulator.requests.total);
    }
    expect(counts).toEqual([2, 2]);
  });

  it('hands open slides over as GDC_DATA and controlled ones as ACCESS_REQUEST', async () => {
    const answer = await run({}, 100);
    const protocols = answer.data!._entities[0].cases.nodes.flatMap((n) => n.studies.flatMap((s) => s.series.map((x) => x.retrieve.protocol)));
    expect(new Set(protocols)).toEqual(new Set(['GDC_DATA', 'ACCESS_REQUEST']));
  });

  it('turns a native failure into an error naming the repository, with a stable code', async () => {
    const failing = new GdcAdapter(gdcEntry(data, simulator.baseUrl));
    simulator.faults.httpStatus = 503;
    try {
      const answer = await run({ modalities: ['SM'] }, 5, buildRepositorySubgraph(gdcEntry(data, simulator.baseUrl), gdcKind, failing).schema);
      expect(answer.errors?.[0].extensions).toMatchObject({ code: ErrorCode.HTTP_ERROR, repositoryId: REPOSITORY_ID, httpStatus: 503 });
      expect(answer.errors?.[0].message).toMatch(new RegExp(`repository "${REPOSITORY_ID}"`));
    } finally {
      simulator.faults.httpStatus = undefined;
      await failing.close();
    }
  });
});

describe('cursors', () => {
  it('rejects a cursor issued by another repository', async () => {
    const foreign = encodeCursor('other-repository', { o: 10, f: 'x' });
    const error = await rejection(adapter.cases(filterOf({ modalities: ['SM'] }), { first: 10, after: foreign }, {}));
    expect(error.extensions).toMatchObject({ code: ErrorCode.BAD_CURSOR, repositoryId: REPOSITORY_ID, argument: 'after' });
  });

  it('rejects damaged cursors and cursors of another filter', async () => {
    const filter = filterOf({ modalities: ['SM'] });
    const cursor = (await adapter.cases(filter, { first: 5, after: null }, {})).edges.at(-1)!.cursor;
    const tampered = (change: Record<string, unknown>) => Buffer.from(JSON.stringify({
      ...JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')), ...change,
    })).toString('base64url');
    const attempts: Array<[NormalizedFilter, string]> = [
      [filter, 'not a cursor at all'],
      [filter, cursor.slice(0, -4)],
      [filter, tampered({ o: -3 })],
      [filter, tampered({ o: 'ten' })],
      [filterOf({ sex: ['MALE'] }), cursor],
    ];
    for (const [f, after] of attempts) {
      const error = await rejection(adapter.cases(f, { first: 5, after }, {}));
      expect(error.extensions).toMatchObject({ code: ErrorCode.BAD_CURSOR, repositoryId: REPOSITORY_ID });
    }
  });

  it('ends the list when a cursor points beyond the total', async () => {
    const filter = filterOf({ modalities: ['SM'] });
    const cursor = (await adapter.cases(filter, { first: 5, after: null }, {})).edges.at(-1)!.cursor;
    const beyond = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')), o: 100_000 })).toString('base64url');
    expect(await adapter.cases(filter, { first: 5, after: beyond }, {})).toEqual({ edges: [], hasNextPage: false, totalCount: expectedSubjects(filter).length });
  });
});

describe('collections', () => {
  it('joins projects, their slides and the config metadata', async () => {
    simulator.resetCounts();
    const collections = await adapter.collections({});
    expect(simulator.requests.total).toBe(1 + data.collections.length);
    expect(collections.map((c) => c.id)).toEqual(['GD-BRAIN', 'GD-BREAST', 'GD-COLON', 'GD-LUNG']);
    for (const collection of collections) {
      const meta = data.collections.find((c) => c.id === collection.id)!;
      const members = truth.filter((r) => r.collection === collection.id);
      expect(collection).toEqual({
        id: meta.id, name: meta.name, description: meta.description, licence: meta.licence, doi: meta.doi, landingPage: null,
        subjects: members.length, studies: members.reduce((n, r) => n + r.studies.length, 0), cancerSites: [meta.cancerSite], modalities: ['SM'],
      });
    }
  });

  it('takes the cancer site from the project when the config does not describe the collection', async () => {
    const bare = new GdcAdapter(gdcEntry(data, simulator.baseUrl, { collections: [] }));
    try {
      const collections = await bare.collections({});
      expect(collections.map((c) => [c.id, c.name, c.cancerSites])).toEqual([
        ['GD-BRAIN', 'Test Glioma', ['BRAIN']], ['GD-BREAST', 'Test Breast', ['BREAST']], ['GD-COLON', 'Test Colon', ['COLON']], ['GD-LUNG', 'Test Lung', ['LUNG']],
      ]);
    } finally {
      await bare.close();
    }
  });
});

describe('limits', () => {
  it('completes facets the repository truncates from the hits, and stays exact', async () => {
    const sim = await startGdcSimulator({ data, facetBucketLimit: 3 });
    const own = new GdcAdapter(gdcEntry(data, sim.baseUrl));
    try {
      for (const where of [{}, { modalities: ['SM'], cancerSites: ['LUNG'] }, { sex: ['FEMALE'], cancerSites: ['BREAST', 'LUNG'] }] as CaseFilter[]) {
        const filter = filterOf(where);
        expect(await own.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter));
      }
      const filter = filterOf({ cancerSites: ['COLON'], ageAtDiagnosis: { min: 60 } });
      expect((await walkPages(own, filter, 50)).subjects).toEqual(expectedSubjects(filter));
    } finally {
      await own.close();
      await sim.close();
    }
  });

  it('refuses rather than guesses when the documents to read exceed maxScan', async () => {
    const sim = await startGdcSimulator({ data, facetBucketLimit: 3 });
    const own = new GdcAdapter(gdcEntry(data, sim.baseUrl, { options: { maxScan: 100 } }));
    try {
      const error = await rejection(own.cohort({}, {}, { facets: true }));
      expect(error.extensions).toMatchObject({ code: ErrorCode.NOT_SUPPORTED, repositoryId: REPOSITORY_ID });
      expect(error.message).toMatch(/truncates the facets/);
    } finally {
      await own.close();
      await sim.close();
    }
  });

  it('refuses diagnosis criteria, and leaves diagnosis facets empty, when too many cases need reading one by one', async () => {
    const own = new GdcAdapter(gdcEntry(data, simulator.baseUrl, { options: { maxScan: 5 } }));
    try {
      const error = await rejection(own.cohort(filterOf({ cancerSites: ['LUNG'] }), {}, { facets: false }));
      expect(error.extensions).toMatchObject({ code: ErrorCode.NOT_SUPPORTED, repositoryId: REPOSITORY_ID });
      expect(error.message).toMatch(/more than 5 cases of this cohort have diagnoses besides their primary one/);
      const all = await own.cohort({}, {}, { facets: true });
      const expected = expectedCohort({});
      expect(all).toEqual({ ...expected, facets: { ...expected.facets, cancerSite: [], ageBand: [] } });
    } finally {
      await own.close();
    }
  });
});

describe('native failures', () => {
  let faulty: RunningGdcSimulator;
  beforeAll(async () => {
    faulty = await startGdcSimulator({ data: gdcTestData(20) });
  });
  afterAll(async () => {
    await faulty.close();
  });
  afterEach(() => {
    faulty.faults.httpStatus = undefined;
    faulty.faults.malformed = undefined;
    faulty.faults.hang = undefined;
    faulty.tamper = undefined;
  });

  async function failure(work: (a: GdcAdapter) => Promise<unknown> = (a) => a.cohort({}, {}, { facets: true }), timeoutMs = 5000): Promise<RepositoryError> {
    // A fresh adapter each time: no cached vocabulary.
    const fresh = new GdcAdapter(gdcEntry(data, faulty.baseUrl, { timeoutMs }));
    try {
      return await rejection(work(fresh));
    } finally {
      await fresh.close();
    }
  }

  it('HTTP 400 (a filter the repository refuses) is REPOSITORY_HTTP_ERROR', async () => {
    faulty.faults.httpStatus = 400;
    expect((await failure((a) => a.collections({}))).extensions).toMatchObject({ code: ErrorCode.HTTP_ERROR, httpStatus: 400 });
  });

  it.each([
    ['a total that is no number', (body: any) => ({ ...body, data: { ...body.data, pagination: { ...body.data.pagination, total: '20' + 'x' } } }), /pagination\.total is string/],
    ['hits that are no list', (body: any) => ({ ...body, data: { ...body.data, hits: {} } }), /data\.hits is object, expected an array/],
    ['a facet missing without a warning', (body: any) => ({ ...body, data: { ...body.data, aggregations: {} } }), /aggregations\[".*"\] is undefined/],
    ['warnings that are no object', (body: any) => ({ ...body, warnings: ['x'] }), /warnings is an array, expected an object/],
    ['no data at all', () => ({ warnings: {} }), /data is undefined/],
  ])('wrong types or missing fields are REPOSITORY_BAD_RESPONSE: %s', async (_, tamper, message) => {
    faulty.tamper = (_path, body) => tamper(body);
    const error = await failure();
    expect(error.extensions).toMatchObject({ code: ErrorCode.BAD_RESPONSE, repositoryId: REPOSITORY_ID });
    expect(error.message).toMatch(message);
  });

  it('a case hit of the wrong shape is REPOSITORY_BAD_RESPONSE naming the field', async () => {
    faulty.tamper = (path, body: any) => (path !== '/cases' || !body.data.hits.length ? body
      : { ...body, data: { ...body.data, hits: body.data.hits.map((h: object) => ({ ...h, submitter_id: 42 })) } });
    const error = await failure((a) => a.cases({}, { first: 5, after: null }, {}));
    expect(error.message).toMatch(/data\.hits\[0\]\.submitter_id is number, expected a string/);
  });

  it('an empty repository is no result, not an error', async () => {
    const emptyData = { ...gdcTestData(0), cases: [] };
    const empty = await startGdcSimulator({ data: emptyData });
    const fresh = new GdcAdapter(gdcEntry(emptyData, empty.baseUrl));
    try {
      expect(await fresh.cohort(filterOf({ modalities: ['SM'] }), {}, { facets: true })).toEqual(expectedCohort(filterOf({ modalities: ['SM'] }), []));
      expect(await fresh.cohort({}, {}, { facets: true })).toMatchObject({ subjects: 0, studies: 0, series: 0, images: null });
      expect(await fresh.cases({}, { first: 10, after: null }, {})).toEqual({ edges: [], hasNextPage: false, totalCount: 0 });
      expect((await fresh.collections({})).map((c) => [c.id, c.subjects, c.studies, c.modalities])).toEqual([
        ['GD-BRAIN', 0, 0, []], ['GD-BREAST', 0, 0, []], ['GD-COLON', 0, 0, []], ['GD-LUNG', 0, 0, []],
      ]);
    } finally {
      await fresh.close();
      await empty.close();
    }
  });

  it('sends the credentials of the entry (basic auth)', async () => {
    const guarded = await startGdcSimulator({ data: gdcTestData(20), basicAuth: { username: 'reader', password: 's3cret' } });
    const withCredentials = new GdcAdapter(gdcEntry(data, guarded.baseUrl), { credentials: 'reader:s3cret' });
    const without = new GdcAdapter(gdcEntry(data, guarded.baseUrl));
    try {
      expect((await withCredentials.cohort({}, {}, { facets: false })).subjects).toBe(20);
      expect((await rejection(without.cohort({}, {}, { facets: false }))).extensions).toMatchObject({ code: ErrorCode.HTTP_ERROR, httpStatus: 401 });
    } finally {
      await withCredentials.close();
      await without.close();
      await guarded.close();
    }
  });
});

describe('the kind', () => {
  it('declares every criterion (each answered or reported per query), RECORD granularity and facets', () => {
    expect(gdcKind).toMatchObject({ apiKind: 'gdc', granularity: 'RECORD', facets: true });
    expect([...gdcKind.criteria].sort()).toEqual(['AGE_AT_DIAGNOSIS', 'BODY_PARTS', 'CANCER_SITES', 'COLLECTIONS', 'MANUFACTURERS', 'MODALITIES', 'SEX', 'YEAR_OF_DIAGNOSIS']);
  });

  it('validates its options and flags unknown ones', () => {
    expect(gdcKind.validateOptions!({ vocabularyTtlSeconds: 60, maxFacetRequests: 10, parallelRequests: 2, maxScan: 1000 })).toEqual([]);
    expect(gdcKind.validateOptions!({ vocabularyTtlSeconds: 0, parallelRequests: 'two', ttl: 5 })).toEqual([
      'vocabularyTtlSeconds: must be an integer between 1 and 86400',
      'parallelRequests: must be an integer between 1 and 16',
      'ttl: unknown option (the gdc adapter knows vocabularyTtlSeconds, maxFacetRequests, parallelRequests, maxScan)',
    ]);
  });

  it('leaves the age facet empty when its counts do not fit maxFacetRequests', async () => {
    const frugal = new GdcAdapter(gdcEntry(data, simulator.baseUrl, { options: { maxFacetRequests: 3 } }));
    try {
      const cohort = await frugal.cohort({}, {}, { facets: true });
      const expected = expectedCohort({});
      expect(expected.facets.ageBand.length).toBeGreaterThan(3);
      expect(cohort).toEqual({ ...expected, facets: { ...expected.facets, ageBand: [] } });
    } finally {
      await frugal.close();
    }
  });
});
