/**
 * The GDC adapter against the running simulator: its answers, fetched through GDC's native search protocol (totals
 * and facets), equal what the SDK's cohortOf computes over the synthetic ground truth (the answer of a perfect
 * adapter), including the series-level semantics GDC's /cases filters do not have.
 */
import { graphql } from 'graphql';
import type { CaseFilter } from '../../schema/generated/graphql';
import { startGdcSimulator, type RunningGdcSimulator } from '../../simulators/gdc';
import type { SyntheticCase, SyntheticRepositoryData, SyntheticSeries } from '../../simulators/synthetic/model';
import { GdcAdapter, gdcKind } from '../../subgraphs/gdc';
import { WILDCARD_REASON } from '../../subgraphs/gdc/plan';
import { encodeCursor } from '../../subgraphs/sdk/cursor';
import { ErrorCode, RepositoryError } from '../../subgraphs/sdk/errors';
import { cohortOf } from '../../subgraphs/sdk/evaluate';
import { criteriaOf, withoutCriteria, type NormalizedFilter } from '../../subgraphs/sdk/filter';
import type { FullCaseRecord } from '../../subgraphs/sdk/records';
import { buildRepositorySubgraph } from '../../subgraphs/sdk/subgraph';
import { filterOf, gdcEntry, gdcTestData, gdcTruth, REPOSITORY_ID } from './support';
import { expectedSubjects as subjectsIn, rejection, walkPages } from '../support/adapter-kit';

const expectedSubjects = (filter: NormalizedFilter, records = truth) => subjectsIn(records, filter);
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

function expectedCohort(filter: NormalizedFilter, records = truth) {
  return cohortOf(records, filter, { applied: criteriaOf(filter), notApplied: [] });
}




async function nativeTotal(endpoint: string, filters: unknown, on = simulator): Promise<number> {
  const response = await fetch(`${on.baseUrl}/${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filters, size: 0 }) });
  return ((await response.json()) as { data: { pagination: { total: number } } }).data.pagination.total;
}

const COHORT_FILTERS: Array<[string, CaseFilter]> = [
  ['no filter', {}],
  ['one modality', { modalities: ['CT'] }],
  ['two modalities (OR)', { modalities: ['MR', 'MG'] }],
  ['one body part, dirty raw values', { bodyParts: ['CHEST'] }],
  ['two body parts (OR)', { bodyParts: ['BREAST', 'BRAIN'] }],
  ['body part UNKNOWN (no BodyPartExamined)', { bodyParts: ['UNKNOWN'] }],
  ['one sex', { sex: ['MALE'] }],
  ['sex without a GDC term, and missing sex', { sex: ['OTHER', 'UNKNOWN'] }],
  ['one cancer site', { cancerSites: ['LUNG'] }],
  ['two cancer sites (OR)', { cancerSites: ['COLON', 'BRAIN'] }],
  ['age range in years over ages in days', { ageAtDiagnosis: { min: 50, max: 65 } }],
  ['one year of age', { ageAtDiagnosis: { min: 61, max: 61 } }],
  ['open age range', { ageAtDiagnosis: { max: 45 } }],
  ['year of diagnosis', { yearOfDiagnosis: { min: 2012, max: 2016 } }],
  ['manufacturer prefix', { manufacturers: ['siemens'] }],
  ['modality AND manufacturer on one series', { modalities: ['CT'], manufacturers: ['philips'] }],
  ['site AND modality AND body part, on one series', { cancerSites: ['LUNG'], modalities: ['PT', 'CT'], bodyParts: ['CHEST'] }],
  ['manufacturers OR, AND modality AND sex', { manufacturers: ['ge', 'Philips'], modalities: ['MR'], sex: ['FEMALE'] }],
  ['collections AND age AND year', { collections: ['GD-BREAST', 'GD-COLON'], ageAtDiagnosis: { min: 60 }, yearOfDiagnosis: { max: 2018 } }],
  ['body part UNKNOWN AND modality AND sex', { bodyParts: ['UNKNOWN', 'HEAD'], modalities: ['MR'], sex: ['MALE', 'UNKNOWN'] }],
  ['a site no collection has', { cancerSites: ['PROSTATE'] }],
  ['a modality nobody has', { modalities: ['SM'] }],
  ['contradicting site and collection', { cancerSites: ['BREAST'], collections: ['GD-LUNG'] }],
];

describe('cohort', () => {
  it.each(COHORT_FILTERS)('equals cohortOf over the ground truth, facets included: %s', async (_, where) => {
    const filter = filterOf(where);
    const cohort = await adapter.cohort(filter, {}, { facets: true });
    expect(cohort).toEqual(expectedCohort(filter));
    expect(cohort.exact).toBe(true);
    expect(cohort.filtersApplied).toEqual(criteriaOf(filter));
  });

  it('is not vacuous: most filters match someone, the last three nobody', () => {
    const subjects = COHORT_FILTERS.map(([, where]) => expectedCohort(filterOf(where)).subjects);
    expect(subjects.slice(0, -3).every((n) => (n ?? 0) > 0)).toBe(true);
    expect(subjects.slice(-3)).toEqual([0, 0, 0]);
    expect(subjects[0]).toBe(300);
  });

  it('counts the same without facets, in two native searches', async () => {
    const filter = filterOf({ modalities: ['CT'], manufacturers: ['siemens'], sex: ['FEMALE'] });
    await adapter.cohort({}, {}, { facets: false });
    simulator.resetCounts();
    const cohort = await adapter.cohort(filter, {}, { facets: false });
    const { facets: _ignored, ...counts } = expectedCohort(filter);
    expect(cohort).toMatchObject(counts);
    expect(cohort.facets.modality).toEqual([]);
    expect(simulator.requests.total).toBe(2);
  });

  it('does not match CT from one series and Philips from another series of a case', async () => {
    const series = (uid: string, modality: string, manufacturer: string): SyntheticSeries => ({
      uid, number: 1, modality, bodyPartExamined: 'CHEST', manufacturer, manufacturerModelName: null, description: `${modality} series`, instanceCount: 10, sizeBytes: 5_000_000,
    });
    const base = data.cases[0];
    const handmade = (subjectId: string, studies: SyntheticSeries[][]): SyntheticCase => ({
      ...base, subjectId, studies: studies.map((s, i) => ({ ...base.studies[0], uid: `${subjectId}.${i}`, date: `2020010${i + 1}`, series: s })),
    });
    const small: SyntheticRepositoryData = {
      ...data,
      cases: [
        handmade('A-SPLIT', [[series('1.1', 'CT', 'SIEMENS')], [series('1.2', 'MR', 'Philips Medical Systems')]]),
        handmade('B-SAME', [[series('2.1', 'CT', 'Philips Medical Systems')]]),
        handmade('C-NONE', [[series('3.1', 'CT', 'SIEMENS'), series('3.2', 'MR', 'SIEMENS')]]),
      ],
    };
    const sim = await startGdcSimulator({ data: small });
    const own = new GdcAdapter(gdcEntry(small, sim.baseUrl));
    try {
      // The trap is real: on /cases, GDC lets two different series meet the two conditions.
      expect(await nativeTotal('cases', { op: 'and', content: [
        { op: 'in', content: { field: 'files.imaging.modality', value: ['CT'] } },
        { op: 'in', content: { field: 'files.imaging.manufacturer', value: ['Philips Medical Systems'] } },
      ] }, sim)).toBe(2);
      const filter = filterOf({ modalities: ['CT'], manufacturers: ['philips'] });
      expect(await own.cohort(filter, {}, { facets: true })).toMatchObject({ subjects: 1, studies: 1, series: 1, images: 10, exact: true });
      expect((await own.cases(filter, { first: 10, after: null }, {})).edges.map((e) => e.node.subjectId)).toEqual(['B-SAME']);
      expect(await own.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter, gdcTruth(small)));
    } finally {
      await own.close();
      await sim.close();
    }
  });

  it('does not take a clinical file for a series without body part', async () => {
    // Every case has a clinical file, which has no imaging block at all.
    expect(await nativeTotal('cases', { op: 'is', content: { field: 'files.imaging.body_part_examined', value: 'MISSING' } })).toBe(300);
    const filter = filterOf({ bodyParts: ['UNKNOWN'] });
    expect((await adapter.cohort(filter, {}, { facets: false })).subjects).toBe(expectedCohort(filter).subjects);
    expect(expectedCohort(filter).subjects).toBeLessThan(300);
  });
});

describe('escaping', () => {
  it.each([
    ['a wildcard manufacturer', { manufacturers: ['*'] }],
    ['a comma list as one manufacturer', { manufacturers: ['Siemens,GE'] }],
    ['a wildcard collection', { collections: ['*'] }],
    ['a collection prefix with a wildcard', { collections: ['GD-*'] }],
    ['a JSON fragment as a manufacturer', { manufacturers: ['"]},{"op":"not","content":{"field":"case_id","value":"MISSING"}}'] }],
  ] as Array<[string, CaseFilter]>)('matches no more than the literal value would: %s', async (_, where) => {
    const filter = filterOf(where);
    expect(await adapter.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter));
    expect((await adapter.cases(filter, { first: 500, after: null }, {})).edges.map((e) => e.node.subjectId)).toEqual(expectedSubjects(filter));
  });

  describe('held values containing "*"', () => {
    let sim: RunningGdcSimulator;
    let own: GdcAdapter;
    let starred: SyntheticRepositoryData;

    beforeAll(async () => {
      // Scanners whose names GDC would read as patterns: "GE*" (only GE names match it) and "AB*" (matches "ABC").
      // One name per case, so that counting "AB*" with the wildcard would count the "ABC" cases too.
      const rename = (name: string) => (s: SyntheticSeries): SyntheticSeries => (s.modality !== 'MR' ? s : { ...s, manufacturer: name });
      starred = { ...data, cases: data.cases.slice(0, 60).map((c, i) => ({
        ...c, studies: c.studies.map((st) => ({ ...st, series: st.series.map(rename(['GE*', 'AB*', 'ABC'][i % 3])) })),
      })) };
      sim = await startGdcSimulator({ data: starred });
      own = new GdcAdapter(gdcEntry(starred, sim.baseUrl));
    });

    afterAll(async () => {
      await own.close();
      await sim.close();
    });

    it('sends them when they match nothing unwanted', async () => {
      const filter = filterOf({ manufacturers: ['ge'] });
      expect(await own.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter, gdcTruth(starred)));
    });

    it('reports the criterion as not applied otherwise, counting without it, and refuses to list cases', async () => {
      const filter = filterOf({ manufacturers: ['ab*'], sex: ['FEMALE'] });
      const cohort = await own.cohort(filter, {}, { facets: true });
      expect(cohort.exact).toBe(false);
      expect(cohort.filtersApplied).toEqual(['SEX']);
      expect(cohort.filtersNotApplied).toEqual([{ criterion: 'MANUFACTURERS', reason: WILDCARD_REASON }]);
      const without = expectedCohort(withoutCriteria(filter, ['MANUFACTURERS']), gdcTruth(starred));
      // The manufacturer facet cannot be counted either ("AB*" would count the "ABC" cases): it is left empty.
      expect(without.facets.manufacturer.map((f) => f.value)).toEqual(expect.arrayContaining(['AB*', 'ABC']));
      expect({ ...cohort, exact: true, filtersApplied: [], filtersNotApplied: [] })
        .toEqual({ ...without, facets: { ...without.facets, manufacturer: [] }, exact: true, filtersApplied: [], filtersNotApplied: [] });
      const error = await rejection(own.cases(filter, { first: 10, after: null }, {}));
      expect(error.extensions).toMatchObject({ code: ErrorCode.NOT_SUPPORTED, repositoryId: REPOSITORY_ID });
    });
  });
});

describe('cases', () => {
  const FILTERS: Array<[string, CaseFilter, number]> = [
    ['no filter (one search a page)', {}, 1],
    ['one image condition, on /cases', { modalities: ['CT'], sex: ['FEMALE', 'MALE'] }, 1],
    ['clinical ranges', { ageAtDiagnosis: { min: 55 }, yearOfDiagnosis: { min: 2010 } }, 1],
    ['image conditions on one series, via /files', { modalities: ['CT'], manufacturers: ['siemens'] }, 2],
    ['body part UNKNOWN, via /files', { bodyParts: ['UNKNOWN'] }, 2],
  ];

  it.each(FILTERS)('pages completely, in subject order, without duplicates: %s', async (_, where, searchesPerPage) => {
    const filter = filterOf(where);
    const expected = expectedSubjects(filter);
    await adapter.cohort({}, {}, { facets: false });
    simulator.resetCounts();
    const { pages, subjects } = await allPages(filter, 37);
    expect(subjects).toEqual(expected);
    expect(new Set(subjects).size).toBe(subjects.length);
    expect(pages.every((p) => p.totalCount === expected.length)).toBe(true);
    expect(simulator.requests.total).toBe(pages.length * searchesPerPage);
    expect(expected.length).toBeGreaterThan(37);
  });

  it('maps every case field as the ground truth has it', async () => {
    const page = await adapter.cases({}, { first: 300, after: null }, {});
    expect(page.edges.map((e) => e.node)).toEqual(truth.map(({ studies: _studies, ...record }) => record));
  });

  it('answers a filter that matches nothing without a case search', async () => {
    await adapter.cohort({}, {}, { facets: false });
    simulator.resetCounts();
    expect(await adapter.cases(filterOf({ cancerSites: ['PROSTATE'] }), { first: 10, after: null }, {})).toEqual({ edges: [], hasNextPage: false, totalCount: 0 });
    expect(simulator.requests.total).toBe(0);
  });
});

describe('a page of cases with studies, through the subgraph', () => {
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
    data?: { _entities: Array<{ cases: { totalCount: number; nodes: Array<{ id: string; studies: Array<{ series: Array<{ retrieve: { protocol: string; url: string } }> }> }> } }> };
    errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
  }

  async function run(where: CaseFilter, first: number, schema = buildRepositorySubgraph(gdcEntry(data, simulator.baseUrl), gdcKind, adapter).schema): Promise<Answer> {
    const result = await graphql({
      schema, source: QUERY, contextValue: {},
      variableValues: { representations: [{ __typename: 'EsTestGdcRepository', id: REPOSITORY_ID }], where, first },
    });
    return result as unknown as Answer;
  }

  it.each([
    ['on /cases', { modalities: ['MR'] } as CaseFilter, 2],
    ['via /files', { modalities: ['CT'], bodyParts: ['CHEST'] } as CaseFilter, 3],
  ])('costs a constant number of native calls, whatever the page size (%s)', async (_, where, calls) => {
    await run(where, 5); // warms the vocabulary
    const counts: number[] = [];
    for (const first of [10, 50]) {
      simulator.resetCounts();
      const answer = await run(where, first);
      expect(answer.errors).toBeUndefined();
      const nodes = answer.data!._entities[0].cases.nodes;
      expect(nodes).toHaveLength(first);
      for (const node of nodes) {
        const expected = truth.find((r) => r.id === node.id)!;
        const withoutRetrieve = node.studies.map((s) => ({ ...s, series: s.series.map(({ retrieve: _r, ...rest }) => rest) }));
        expect(withoutRetrieve).toEqual(expected.studies.map((s) => ({ ...s, series: s.series.map(({ retrieve: _r, ...rest }) => rest) })));
        for (const series of node.studies.flatMap((s) => s.series)) {
          expect(series.retrieve).toEqual({ protocol: expect.stringMatching(/^(ACCESS_REQUEST|GDC_DATA)$/), url: expect.stringMatching(new RegExp(`^${simulator.baseUrl}/data/[0-9a-f-]{36}$`)) });
        }
      }
      counts.push(simulator.requests.total);
    }
    expect(counts).toEqual([calls, calls]);
  });

  it('turns a native failure into an error naming the repository, with a stable code', async () => {
    const failing = new GdcAdapter(gdcEntry(data, simulator.baseUrl));
    simulator.faults.httpStatus = 503;
    try {
      const answer = await run({ modalities: ['CT'] }, 5, buildRepositorySubgraph(gdcEntry(data, simulator.baseUrl), gdcKind, failing).schema);
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
    const error = await rejection(adapter.cases(filterOf({ modalities: ['CT'] }), { first: 10, after: foreign }, {}));
    expect(error.extensions).toMatchObject({ code: ErrorCode.BAD_CURSOR, repositoryId: REPOSITORY_ID, argument: 'after' });
  });

  it('rejects damaged cursors and cursors of another filter', async () => {
    const filter = filterOf({ modalities: ['CT'] });
    const cursor = (await adapter.cases(filter, { first: 5, after: null }, {})).edges.at(-1)!.cursor;
    const tampered = (change: Record<string, unknown>) => Buffer.from(JSON.stringify({
      ...JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')), ...change,
    })).toString('base64url');
    const attempts: Array<[NormalizedFilter, string]> = [
      [filter, 'not a cursor at all'],
      [filter, cursor.slice(0, -4)],
      [filter, tampered({ o: -3 })],
      [filter, tampered({ o: 'ten' })],
      [filterOf({ modalities: ['MR'] }), cursor],
    ];
    for (const [f, after] of attempts) {
      const error = await rejection(adapter.cases(f, { first: 5, after }, {}));
      expect(error.extensions).toMatchObject({ code: ErrorCode.BAD_CURSOR, repositoryId: REPOSITORY_ID });
    }
  });

  it('ends the list when a cursor points beyond the total', async () => {
    const filter = filterOf({ modalities: ['CT'] });
    const cursor = (await adapter.cases(filter, { first: 5, after: null }, {})).edges.at(-1)!.cursor;
    const beyond = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')), o: 100_000 })).toString('base64url');
    expect(await adapter.cases(filter, { first: 5, after: beyond }, {})).toEqual({ edges: [], hasNextPage: false, totalCount: expectedSubjects(filter).length });
  });
});

describe('collections', () => {
  it('joins projects, their imaging facets and the config metadata', async () => {
    simulator.resetCounts();
    const collections = await adapter.collections({});
    expect(simulator.requests.total).toBe(1 + data.collections.length);
    expect(collections.map((c) => c.id)).toEqual(['GD-BRAIN', 'GD-BREAST', 'GD-COLON', 'GD-LUNG']);
    for (const collection of collections) {
      const meta = data.collections.find((c) => c.id === collection.id)!;
      const members = truth.filter((r) => r.collection === collection.id);
      expect(collection).toEqual({
        id: meta.id, name: meta.name, description: meta.description, licence: meta.licence, doi: meta.doi, landingPage: null,
        subjects: members.length, studies: members.reduce((n, r) => n + r.studies.length, 0), cancerSites: [meta.cancerSite],
        modalities: [...new Set(members.flatMap((r) => r.studies.flatMap((s) => s.modalities)))].sort(),
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

describe('truncated facets', () => {
  it('completes a facet the repository truncates from the hits, and stays exact', async () => {
    const sim = await startGdcSimulator({ data, facetBucketLimit: 3 });
    const own = new GdcAdapter(gdcEntry(data, sim.baseUrl));
    try {
      for (const where of [{}, { modalities: ['CT'], bodyParts: ['CHEST'] }, { sex: ['FEMALE'], cancerSites: ['BREAST', 'LUNG'] }] as CaseFilter[]) {
        const filter = filterOf(where);
        expect(await own.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter));
      }
      expect((await own.cases(filterOf({ modalities: ['CT'], manufacturers: ['ge'] }), { first: 500, after: null }, {})).edges.map((e) => e.node.subjectId))
        .toEqual(expectedSubjects(filterOf({ modalities: ['CT'], manufacturers: ['ge'] })));
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

  it('HTTP 503 with an HTML page is REPOSITORY_HTTP_ERROR', async () => {
    faulty.faults.httpStatus = 503;
    expect((await failure()).extensions).toMatchObject({ code: ErrorCode.HTTP_ERROR, repositoryId: REPOSITORY_ID, httpStatus: 503 });
  });

  it('HTTP 400 (a filter the repository refuses) is REPOSITORY_HTTP_ERROR', async () => {
    faulty.faults.httpStatus = 400;
    expect((await failure((a) => a.collections({}))).extensions).toMatchObject({ code: ErrorCode.HTTP_ERROR, httpStatus: 400 });
  });

  it('truncated JSON is REPOSITORY_BAD_RESPONSE', async () => {
    faulty.faults.malformed = true;
    const error = await failure();
    expect(error.extensions).toMatchObject({ code: ErrorCode.BAD_RESPONSE, repositoryId: REPOSITORY_ID });
    expect(error.message).toMatch(/malformed JSON/);
  });

  it.each([
    ['a total that is no number', (body: any) => ({ ...body, data: { ...body.data, pagination: { ...body.data.pagination, total: '20' + 'x' } } }), /pagination\.total is string/],
    ['hits that are no list', (body: any) => ({ ...body, data: { ...body.data, hits: {} } }), /data\.hits is object, expected an array/],
    ['a missing facet', (body: any) => ({ ...body, data: { ...body.data, aggregations: {} } }), /aggregations\[".*"\] is undefined/],
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

  it('a server that never answers is REPOSITORY_TIMEOUT after timeoutMs', async () => {
    faulty.faults.hang = true;
    const started = Date.now();
    expect((await failure(undefined, 300)).extensions).toMatchObject({ code: ErrorCode.TIMEOUT, repositoryId: REPOSITORY_ID });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a server that is gone is REPOSITORY_UNAVAILABLE', async () => {
    const gone = await startGdcSimulator({ data: gdcTestData(5) });
    const url = gone.baseUrl;
    await gone.close();
    const fresh = new GdcAdapter(gdcEntry(data, url));
    try {
      expect((await rejection(fresh.collections({}))).extensions).toMatchObject({ code: ErrorCode.UNAVAILABLE, repositoryId: REPOSITORY_ID });
    } finally {
      await fresh.close();
    }
  });

  it('an empty repository is no result, not an error', async () => {
    const emptyData = { ...gdcTestData(0), cases: [] };
    const empty = await startGdcSimulator({ data: emptyData });
    const fresh = new GdcAdapter(gdcEntry(emptyData, empty.baseUrl));
    try {
      expect(await fresh.cohort(filterOf({ modalities: ['CT'] }), {}, { facets: true })).toEqual(expectedCohort(filterOf({ modalities: ['CT'] }), []));
      expect(await fresh.cohort({}, {}, { facets: true })).toMatchObject({ subjects: 0, studies: 0, series: 0, images: 0 });
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
  it('declares every criterion, RECORD granularity and facets', () => {
    expect(gdcKind).toMatchObject({ apiKind: 'gdc', granularity: 'RECORD', facets: true });
    expect([...gdcKind.criteria].sort()).toEqual(['AGE_AT_DIAGNOSIS', 'BODY_PARTS', 'CANCER_SITES', 'COLLECTIONS', 'MANUFACTURERS', 'MODALITIES', 'SEX', 'YEAR_OF_DIAGNOSIS']);
  });

  it('validates its options and flags unknown ones', () => {
    expect(gdcKind.validateOptions!({ vocabularyTtlSeconds: 60, maxFacetRequests: 10, parallelRequests: 2, maxScan: 1000 })).toEqual([]);
    expect(gdcKind.validateOptions!({ vocabularyTtlSeconds: 0, parallelRequests: 'two', ttl: 5 })).toEqual([
      'vocabularyTtlSeconds: must be an integer between 1 and 86400',
      'parallelRequests: must be an integer between 1 and 16',
      'ttl: unknown option (known: vocabularyTtlSeconds, maxFacetRequests, parallelRequests, maxScan)',
    ]);
  });

  it('leaves a series facet empty when its counts do not fit maxFacetRequests', async () => {
    const frugal = new GdcAdapter(gdcEntry(data, simulator.baseUrl, { options: { maxFacetRequests: 12 } }));
    try {
      const cohort = await frugal.cohort({}, {}, { facets: true });
      const expected = expectedCohort({});
      expect(cohort.subjects).toBe(expected.subjects);
      expect(cohort.facets.sex).toEqual(expected.facets.sex);
      expect(cohort.facets.ageBand).toEqual(expected.facets.ageBand);
      const filled = (['modality', 'bodyPart', 'manufacturer'] as const).filter((f) => cohort.facets[f].length > 0);
      for (const f of filled) expect(cohort.facets[f]).toEqual(expected.facets[f]);
      expect(filled.length).toBeLessThan(3);
    } finally {
      await frugal.close();
    }
  });
});
