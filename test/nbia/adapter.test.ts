/**
 * The NBIA adapter against the running simulator: its answers, fetched through NBIA v4's native protocol, equal what
 * the SDK's cohortOf computes over the synthetic ground truth (toUnifiedCases) — the answer of a perfect adapter.
 * The simulator holds one phantom (quality-control) subject per collection besides the patients, as real TCIA
 * collections do; the ground truth holds only patients, so every comparison also checks that phantoms are left out.
 */
import { graphql } from 'graphql';
import type { CaseFilter } from '../../schema/generated/graphql';
import { startNbiaSimulator, type RunningNbiaSimulator } from '../../simulators/nbia';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { toUnifiedCases } from '../support/ground-truth';
import { NbiaAdapter, nbiaKind } from '../../subgraphs/nbia';
import { YEAR_NOT_AVAILABLE } from '../../subgraphs/nbia/adapter';
import { encodeCursor } from '../../subgraphs/sdk/cursor';
import { ErrorCode } from '../../subgraphs/sdk/errors';
import { cohortOf } from '../../subgraphs/sdk/evaluate';
import { criteriaOf, withoutCriteria, type NormalizedFilter } from '../../subgraphs/sdk/filter';
import type { FullCaseRecord } from '../../subgraphs/sdk/records';
import { buildRepositorySubgraph } from '../../subgraphs/sdk/subgraph';
import { filterOf, nbiaEntry, nbiaTestData, REPOSITORY_ID } from './support';

import { expectedSubjects as subjectsIn, rejection, walkPages } from '../support/adapter-kit';

const SEARCH_PATH = '/nbia-api/services/v4/getSimpleSearch';

let data: SyntheticRepositoryData;
let truth: FullCaseRecord[];
let simulator: RunningNbiaSimulator;
let adapter: NbiaAdapter;

beforeAll(async () => {
  data = nbiaTestData(300);
  truth = toUnifiedCases(data);
  simulator = await startNbiaSimulator({ data });
  adapter = new NbiaAdapter(nbiaEntry(data, simulator.baseUrl));
});

afterAll(async () => {
  await adapter.close();
  await simulator.close();
});

function expectedCohort(filter: NormalizedFilter) {
  const evaluable = withoutCriteria(filter, ['YEAR_OF_DIAGNOSIS']);
  return cohortOf(truth, evaluable, { applied: criteriaOf(evaluable), notApplied: [] });
}


const expectedSubjects = (filter: NormalizedFilter) => subjectsIn(truth, filter);
const allPages = (filter: NormalizedFilter, first: number) => walkPages(adapter, filter, first, 100);

const searches = () => simulator.requests.byPath.get(SEARCH_PATH) ?? 0;



const COHORT_FILTERS: Array<[string, CaseFilter]> = [
  ['no filter', {}],
  ['one modality', { modalities: ['CT'] }],
  ['two modalities (OR)', { modalities: ['MR', 'MG'] }],
  ['one body part, dirty raw values', { bodyParts: ['CHEST'] }],
  ['two body parts (OR)', { bodyParts: ['BREAST', 'KIDNEY'] }],
  ['body part UNKNOWN (no BodyPartExamined)', { bodyParts: ['UNKNOWN'] }],
  ['one sex', { sex: ['MALE'] }],
  ['sex without DICOM code', { sex: ['OTHER', 'UNKNOWN'] }],
  ['age range', { ageAtDiagnosis: { min: 50, max: 65 } }],
  ['open age range', { ageAtDiagnosis: { max: 45 } }],
  ['site AND modality AND body part, on one series', { cancerSites: ['LUNG'], modalities: ['PT'], bodyParts: ['CHEST'] }],
  ['manufacturer prefix', { manufacturers: ['siemens'] }],
  ['manufacturers OR, AND modality AND sex', { manufacturers: ['ge', 'Philips'], modalities: ['CT'], sex: ['FEMALE'] }],
  ['collections AND age', { collections: ['NB-BREAST', 'NB-KIDNEY'], ageAtDiagnosis: { min: 60 } }],
  ['a site no collection has', { cancerSites: ['PROSTATE'] }],
  ['a modality nobody has', { modalities: ['SM'] }],
  ['contradicting site and collection', { cancerSites: ['BREAST'], collections: ['NB-LUNG'] }],
];

describe('cohort', () => {
  it.each(COHORT_FILTERS)('equals cohortOf over the ground truth: %s', async (_, where) => {
    const filter = filterOf(where);
    const cohort = await adapter.cohort(filter, {}, { facets: true });
    const expected = expectedCohort(filter);
    expect(cohort).toEqual(expected);
    expect(cohort.exact).toBe(true);
    expect(cohort.filtersApplied).toEqual(criteriaOf(filter));
  });

  it('is not vacuous: most filters match someone, the last three nobody', () => {
    const subjects = COHORT_FILTERS.map(([, where]) => expectedCohort(filterOf(where)).subjects);
    expect(subjects.slice(0, -3).every((n) => (n ?? 0) > 0)).toBe(true);
    expect(subjects.slice(-3)).toEqual([0, 0, 0]);
    expect(subjects[0]).toBe(300);
  });

  it('reports YEAR_OF_DIAGNOSIS as not applied, with a reason, and counts without it', async () => {
    const filter = filterOf({ yearOfDiagnosis: { min: 2015 }, modalities: ['CT'] });
    const cohort = await adapter.cohort(filter, {}, { facets: true });
    expect(cohort.exact).toBe(false);
    expect(cohort.filtersApplied).toEqual(['MODALITIES']);
    expect(cohort.filtersNotApplied).toEqual([{ criterion: 'YEAR_OF_DIAGNOSIS', reason: YEAR_NOT_AVAILABLE }]);
    const expected = expectedCohort(filter);
    expect({ ...cohort, exact: true, filtersApplied: [], filtersNotApplied: [] })
      .toEqual({ ...expected, exact: true, filtersApplied: [], filtersNotApplied: [] });
    expect(nbiaKind.criteria).not.toContain('YEAR_OF_DIAGNOSIS');
  });

  it('answers from the harvested index: repeated cohorts cost no native call', async () => {
    await adapter.cohort({}, {}, { facets: true });
    simulator.resetCounts();
    await adapter.cohort(filterOf({ modalities: ['MR'] }), {}, { facets: true });
    await adapter.cohort(filterOf({ sex: ['FEMALE'], ageAtDiagnosis: { min: 40 } }), {}, { facets: false });
    expect(simulator.requests.total).toBe(0);
  });
});

describe('cases', () => {
  const NATIVE: Array<[string, CaseFilter]> = [
    ['no filter', {}],
    ['one modality', { modalities: ['CT'] }],
    ['body part expanded to raw values, AND two sexes', { bodyParts: ['CHEST'], sex: ['FEMALE', 'MALE'] }],
    ['sites as collections AND manufacturer', { cancerSites: ['LUNG', 'KIDNEY'], manufacturers: ['siemens'] }],
    ['collections AND site AND modality', { collections: ['NB-BREAST', 'NB-LUNG'], cancerSites: ['BREAST'], modalities: ['MG', 'MR'] }],
  ];
  const INDEX: Array<[string, CaseFilter]> = [
    ['age range', { ageAtDiagnosis: { min: 50, max: 65 } }],
    ['sex without DICOM code', { sex: ['UNKNOWN', 'OTHER'] }],
    ['body part UNKNOWN AND modality', { bodyParts: ['UNKNOWN'], modalities: ['CT', 'MR'] }],
  ];

  it.each(NATIVE)('pages through getSimpleSearch completely, without duplicates: %s', async (_, where) => {
    const filter = filterOf(where);
    const expected = expectedSubjects(filter);
    simulator.resetCounts();
    const { pages, subjects } = await allPages(filter, 37);
    expect(subjects).toEqual(expected);
    expect(new Set(subjects).size).toBe(subjects.length);
    expect(pages.every((p) => p.totalCount === expected.length)).toBe(true);
    expect(searches()).toBe(pages.length);
    expect(expected.length).toBeGreaterThan(37);
  });

  it.each(INDEX)('pages through the index completely, without duplicates: %s', async (_, where) => {
    const filter = filterOf(where);
    const expected = expectedSubjects(filter);
    await adapter.cohort({}, {}, { facets: false });
    simulator.resetCounts();
    const { pages, subjects } = await allPages(filter, 3);
    expect(subjects).toEqual(expected);
    expect(new Set(subjects).size).toBe(subjects.length);
    expect(pages.every((p) => p.totalCount === expected.length)).toBe(true);
    expect(simulator.requests.total).toBe(0);
    expect(expected.length).toBeGreaterThan(3);
  });

  it('fills the case fields getSimpleSearch does not return from the index', async () => {
    const page = await adapter.cases(filterOf({ modalities: ['CT'] }), { first: 40, after: null }, {});
    const byId = new Map(truth.map((r) => [r.id, r]));
    for (const { node } of page.edges) {
      const expected = byId.get(node.id)!;
      expect(node).toEqual({
        id: expected.id, repositoryId: REPOSITORY_ID, subjectId: expected.subjectId, collection: expected.collection,
        sex: expected.sex, ageAtDiagnosis: expected.ageAtDiagnosis,
        diagnosis: { cancerSite: expected.diagnosis!.cancerSite, icd10: null, icdO3Topography: null, icdO3Morphology: null, description: null, yearOfDiagnosis: null, stage: null },
      });
    }
  });

  it('answers a filter that matches nothing without a native search', async () => {
    simulator.resetCounts();
    const page = await adapter.cases(filterOf({ cancerSites: ['PROSTATE'] }), { first: 10, after: null }, {});
    expect(page).toEqual({ edges: [], hasNextPage: false, totalCount: 0 });
    expect(searches()).toBe(0);
  });

  it('refuses to list cases by year of diagnosis rather than ignore it', async () => {
    const error = await rejection(adapter.cases(filterOf({ yearOfDiagnosis: { min: 2010 } }), { first: 10, after: null }, {}));
    expect(error.extensions).toMatchObject({ code: ErrorCode.NOT_SUPPORTED, repositoryId: REPOSITORY_ID, argument: 'where.yearOfDiagnosis' });
  });
});

describe('a page of cases with studies, through the subgraph', () => {
  const subgraph = () => buildRepositorySubgraph(nbiaEntry(data, simulator.baseUrl), nbiaKind, adapter);
  const QUERY = `query ($representations: [_Any!]!, $where: CaseFilter, $first: Int, $after: String) {
    _entities(representations: $representations) {
      ... on FrTestNbiaRepository {
        cases(where: $where, first: $first, after: $after) {
          totalCount
          pageInfo { hasNextPage endCursor }
          nodes { id sex studies { uid date seriesCount series { uid modality bodyPart bodyPartRaw instanceCount sizeBytes retrieve { protocol url } } } }
        }
      }
    }
  }`;

  interface Answer {
    data?: { _entities: Array<{ cases: { totalCount: number; nodes: Array<{ id: string; studies: Array<{ uid: string; series: Array<{ uid: string; retrieve: { url: string } }> }> }> } }> };
    errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
  }

  async function run(where: CaseFilter, first: number, schema = subgraph().schema): Promise<Answer> {
    const result = await graphql({
      // A researcher holding a grant for this repository's records (subgraph.ts refuses cases to anonymous callers).
      schema, source: QUERY, contextValue: { subject: 'test-researcher', recordGrants: [{ repositoryId: REPOSITORY_ID }] },
      variableValues: { representations: [{ __typename: 'FrTestNbiaRepository', id: REPOSITORY_ID }], where, first },
    });
    return result as unknown as Answer;
  }

  it.each([
    ['getSimpleSearch path', { modalities: ['CT'] } as CaseFilter, 1],
    ['index path', { ageAtDiagnosis: { min: 40 } } as CaseFilter, 0],
  ])('costs a constant number of native calls, whatever the page size (%s)', async (_, where, calls) => {
    const schema = subgraph().schema;
    await run(where, 5, schema); // warms the index and the raw-value lists
    const counts: number[] = [];
    for (const first of [10, 50]) {
      simulator.resetCounts();
      const answer = await run(where, first, schema);
      expect(answer.errors).toBeUndefined();
      const nodes = answer.data!._entities[0].cases.nodes;
      expect(nodes).toHaveLength(first);
      for (const node of nodes) {
        const expected = truth.find((r) => r.id === node.id)!;
        expect(node.studies.map((s) => s.uid).sort()).toEqual(expected.studies.map((s) => s.uid).sort());
        expect(node.studies.flatMap((s) => s.series).every((s) => s.retrieve.url.startsWith(`${simulator.baseUrl}/getImage?SeriesInstanceUID=`))).toBe(true);
      }
      counts.push(simulator.requests.total);
    }
    expect(counts).toEqual([calls, calls]);
  });

  it('turns a native failure into an error naming the repository, with a stable code', async () => {
    const failing = new NbiaAdapter(nbiaEntry(data, simulator.baseUrl));
    simulator.faults.httpStatus = 503;
    try {
      const answer = await run({ ageAtDiagnosis: { min: 40 } }, 5, buildRepositorySubgraph(nbiaEntry(data, simulator.baseUrl), nbiaKind, failing).schema);
      expect(answer.errors?.[0].extensions).toMatchObject({ code: ErrorCode.HTTP_ERROR, repositoryId: REPOSITORY_ID, httpStatus: 503 });
      expect(answer.errors?.[0].message).toMatch(new RegExp(`repository "${REPOSITORY_ID}"`));
    } finally {
      simulator.faults.httpStatus = undefined;
      await failing.close();
    }
  });
});

describe('cursors', () => {
  it('rejects a cursor issued by another repository, on both paths', async () => {
    const foreign = encodeCursor('other-repository', { o: 10, k: 'NB-NB-LUNG-0001' });
    for (const where of [{ modalities: ['CT'] }, { ageAtDiagnosis: { min: 40 } }] as CaseFilter[]) {
      const error = await rejection(adapter.cases(filterOf(where), { first: 10, after: foreign }, {}));
      expect(error.extensions).toMatchObject({ code: ErrorCode.BAD_CURSOR, repositoryId: REPOSITORY_ID, argument: 'after' });
    }
  });

  it('rejects damaged cursors and cursors of the other path or of another filter', async () => {
    const native = filterOf({ modalities: ['CT'] });
    const index = filterOf({ ageAtDiagnosis: { min: 40 } });
    const nativeCursor = (await adapter.cases(native, { first: 5, after: null }, {})).edges.at(-1)!.cursor;
    const indexCursor = (await adapter.cases(index, { first: 5, after: null }, {})).edges.at(-1)!.cursor;
    const tampered = (change: Record<string, unknown>) => Buffer.from(JSON.stringify({
      ...JSON.parse(Buffer.from(nativeCursor, 'base64url').toString('utf8')), ...change,
    })).toString('base64url');
    const attempts: Array<[NormalizedFilter, string]> = [
      [native, 'not a cursor at all'],
      [native, nativeCursor.slice(0, -4)],
      [native, tampered({ o: -3 })],
      [native, tampered({ o: 'ten' })],
      [native, indexCursor],
      [index, nativeCursor],
      [filterOf({ modalities: ['MR'] }), nativeCursor],
    ];
    for (const [filter, after] of attempts) {
      const error = await rejection(adapter.cases(filter, { first: 5, after }, {}));
      expect(error.extensions).toMatchObject({ code: ErrorCode.BAD_CURSOR, repositoryId: REPOSITORY_ID });
    }
  });

  it('ends the list when a cursor points beyond the total (NBIA throws on start > total)', async () => {
    const native = filterOf({ modalities: ['CT'] });
    const cursor = (await adapter.cases(native, { first: 5, after: null }, {})).edges.at(-1)!.cursor;
    const beyond = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')), o: 100_000 })).toString('base64url');
    const page = await adapter.cases(native, { first: 5, after: beyond }, {});
    expect(page).toEqual({ edges: [], hasNextPage: false, totalCount: expectedSubjects(native).length });
  });
});

describe('collections', () => {
  it('counts the harvested patients, phantoms apart, with the config metadata, at no native cost once harvested', async () => {
    await adapter.cohort({}, {}, { facets: false });
    simulator.resetCounts();
    const collections = await adapter.collections({});
    expect(simulator.requests.total).toBe(0);
    expect(collections.map((c) => c.id)).toEqual(['NB-BREAST', 'NB-KIDNEY', 'NB-LUNG']);
    for (const collection of collections) {
      const meta = data.collections.find((c) => c.id === collection.id)!;
      const members = truth.filter((r) => r.collection === collection.id);
      const modalities = new Set(members.flatMap((r) => r.studies.flatMap((s) => s.modalities)));
      expect(collection).toMatchObject({
        name: meta.name, licence: meta.licence, doi: meta.doi, cancerSites: [meta.cancerSite],
        subjects: members.length, studies: members.reduce((sum, r) => sum + r.studies.length, 0),
        description: `${meta.description} NBIA also holds 1 phantom (quality-control test object) subject in this collection, not counted here.`,
      });
      expect(new Set(collection.modalities)).toEqual(modalities);
    }
  });

  it('takes the DOI NBIA links the series to when the config gives none', async () => {
    const bare = new NbiaAdapter(nbiaEntry(data, simulator.baseUrl, { collections: data.collections.map((c) => ({ id: c.id, name: c.name, cancerSite: c.cancerSite })) }));
    try {
      const collections = await bare.collections({});
      expect(collections.map((c) => [c.id, c.doi])).toEqual(['NB-BREAST', 'NB-KIDNEY', 'NB-LUNG'].map((id) => [id, data.collections.find((c) => c.id === id)!.doi]));
    } finally {
      await bare.close();
    }
  });
});

describe('phantom (quality-control) subjects', () => {
  const isPhantom = (subjectId: string) => subjectId.includes('-QA-PHANTOM-');

  it('are never counted: the phantoms\' own modality and body part count as if they were not there', async () => {
    // The phantoms are CT scans with BodyPartExamined "PHANTOM" and no sex.
    for (const where of [{ modalities: ['CT'] }, { sex: ['UNKNOWN'] }, { bodyParts: ['OTHER', 'UNKNOWN'] }] as CaseFilter[]) {
      const filter = filterOf(where);
      expect([where, await adapter.cohort(filter, {}, { facets: true })]).toEqual([where, expectedCohort(filter)]);
    }
  });

  it('are never listed, on the native path (PhantomCriteria) and on the index path', async () => {
    for (const where of [{ modalities: ['CT'] }, { sex: ['UNKNOWN'] }] as CaseFilter[]) {
      const { subjects } = await allPages(filterOf(where), 25);
      expect(subjects.filter(isPhantom)).toEqual([]);
      expect(subjects).toEqual(expectedSubjects(filterOf(where)));
    }
  });

  it('on a server that ignores PhantomCriteria, are caught by the total and the list comes from the index', async () => {
    const careless = await startNbiaSimulator({ data, honoursPhantomCriteria: false });
    const subject = new NbiaAdapter(nbiaEntry(data, careless.baseUrl));
    try {
      const filter = filterOf({ modalities: ['CT'] });
      const { pages, subjects } = await walkPages(subject, filter, 25);
      expect(subjects).toEqual(expectedSubjects(filter));
      expect(pages.every((p) => p.totalCount === subjects.length)).toBe(true);
      // The native search was asked, answered with the phantoms, and not believed.
      expect(careless.requests.byPath.get(SEARCH_PATH) ?? 0).toBeGreaterThan(0);
      // A filter no phantom satisfies is still answered natively.
      const mr = filterOf({ modalities: ['MR'] });
      careless.resetCounts();
      const native = await walkPages(subject, mr, 25);
      expect(native.subjects).toEqual(expectedSubjects(mr));
      expect(careless.requests.byPath.get(SEARCH_PATH)).toBe(native.pages.length);
    } finally {
      await subject.close();
      await careless.close();
    }
  });
});

describe('a server speaking NBIA v1 (services/v1: CollectionURI, no getSimpleSearch)', () => {
  let v1Adapter: NbiaAdapter;
  beforeAll(() => {
    v1Adapter = new NbiaAdapter(nbiaEntry(data, simulator.v1BaseUrl, { collections: data.collections.map((c) => ({ id: c.id, name: c.name, cancerSite: c.cancerSite })) }));
  });
  afterAll(async () => {
    await v1Adapter.close();
  });

  it.each(COHORT_FILTERS.slice(0, 9))('counts like the ground truth: %s', async (_, where) => {
    const filter = filterOf(where);
    expect(await v1Adapter.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter));
  });

  it('lists cases from the index once getSimpleSearch answers 404, and asks no more', async () => {
    const filter = filterOf({ modalities: ['CT'] });
    simulator.resetCounts();
    const { pages, subjects } = await walkPages(v1Adapter, filter, 30);
    expect(subjects).toEqual(expectedSubjects(filter));
    expect(pages.length).toBeGreaterThan(1);
    expect(simulator.requests.byPath.get('/nbia-api/services/v1/getSimpleSearch')).toBe(1);
  });

  it('reads the collection DOI from CollectionURI', async () => {
    const collections = await v1Adapter.collections({});
    expect(collections.map((c) => [c.id, c.doi])).toEqual(['NB-BREAST', 'NB-KIDNEY', 'NB-LUNG'].map((id) => [id, data.collections.find((c) => c.id === id)!.doi]));
  });
});

// Transport failures (503, truncated JSON, hang, gone): test/adapters/transport-failures.test.ts.
describe('native failures', () => {
  it('an empty repository (empty bodies everywhere) is no result, not an error', async () => {
    const empty = await startNbiaSimulator({ data: { ...nbiaTestData(0), cases: [] }, phantomsPerCollection: 0 });
    const fresh = new NbiaAdapter(nbiaEntry(data, empty.baseUrl));
    try {
      expect((await fresh.cohort({}, {}, { facets: true })).subjects).toBe(0);
      expect(await fresh.collections({})).toEqual([]);
      expect(await fresh.cases({}, { first: 10, after: null }, {})).toEqual({ edges: [], hasNextPage: false, totalCount: 0 });
    } finally {
      await fresh.close();
      await empty.close();
    }
  });
});

describe('options', () => {
  it('validates indexTtlSeconds and flags unknown options', () => {
    expect(nbiaKind.validateOptions!({ indexTtlSeconds: 60 })).toEqual([]);
    expect(nbiaKind.validateOptions!({ indexTtlSeconds: -1, indexTTL: 5 })).toEqual([
      'indexTtlSeconds: must be a positive number of seconds',
      'indexTTL: unknown option (the nbia adapter knows indexTtlSeconds)',
    ]);
  });
});
