/**
 * The XNAT adapter against the running simulator: its answers, fetched through XNAT's REST listings, equal what the
 * SDK's cohortOf computes over the synthetic ground truth (toUnifiedCases) — the answer of a perfect adapter — for
 * every criterion, with a bounded number of native calls.
 */
import { graphql } from 'graphql';
import type { CaseFilter } from '../../schema/generated/graphql';
import { startSimulator, type RunningSimulator } from '../../simulators/http-server';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { toUnifiedCases } from '../support/ground-truth';
import { startXnatSimulator, type RunningXnatSimulator } from '../../simulators/xnat';
import { encodeCursor } from '../../subgraphs/sdk/cursor';
import { cohortOf, matchCase } from '../../subgraphs/sdk/evaluate';
import { ALL_CRITERIA, criteriaOf, type NormalizedFilter } from '../../subgraphs/sdk/filter';
import type { FullCaseRecord } from '../../subgraphs/sdk/records';
import { buildRepositorySubgraph } from '../../subgraphs/sdk/subgraph';
import { XnatAdapter, xnatKind } from '../../subgraphs/xnat';
import { ErrorCode, filterOf, rejection, REPOSITORY_ID, xnatEntry, xnatTestData } from './support';
import { walkPages } from '../support/adapter-kit';

const allPages = (filter: NormalizedFilter, first: number, on: XnatAdapter = adapter) => walkPages(on, filter, first);

let data: SyntheticRepositoryData;
let truth: FullCaseRecord[];
let simulator: RunningXnatSimulator;
let adapter: XnatAdapter;

beforeAll(async () => {
  data = xnatTestData(300);
  truth = toUnifiedCases(data);
  simulator = await startXnatSimulator({ data });
  adapter = new XnatAdapter(xnatEntry(data, simulator.baseUrl));
});

afterAll(async () => {
  await adapter.close();
  await simulator.close();
});

function expectedCohort(filter: NormalizedFilter, records = truth) {
  return cohortOf(records, filter, { applied: criteriaOf(filter), notApplied: [] });
}

function expectedSubjects(filter: NormalizedFilter): string[] {
  return truth.filter((record) => matchCase(record, filter) !== null).map((record) => record.subjectId);
}

/** The ground truth as XNAT can tell it: its listings carry no size. */
function asListed(record: FullCaseRecord): FullCaseRecord {
  return { ...record, studies: record.studies.map((s) => ({ ...s, series: s.series.map((x) => ({ ...x, sizeBytes: null, retrieve: expect.objectContaining({ protocol: 'XNAT_REST' }) })) })) };
}


async function withAdapter<T>(overrides: Parameters<typeof xnatEntry>[2], work: (a: XnatAdapter) => Promise<T>, on = simulator): Promise<T> {
  const fresh = new XnatAdapter(xnatEntry(data, on.baseUrl, overrides));
  try {
    return await work(fresh);
  } finally {
    await fresh.close();
  }
}

const COHORT_FILTERS: Array<[string, CaseFilter]> = [
  ['no filter', {}],
  ['one modality', { modalities: ['CT'] }],
  ['two modalities (OR)', { modalities: ['MR', 'MG'] }],
  ['derived objects', { modalities: ['SEG', 'SR'] }],
  ['one body part, dirty German raw values', { bodyParts: ['CHEST'] }],
  ['two body parts (OR)', { bodyParts: ['BREAST', 'PROSTATE'] }],
  ['body part UNKNOWN (no BodyPartExamined)', { bodyParts: ['UNKNOWN'] }],
  ['one sex ("male" and "M" alike)', { sex: ['MALE'] }],
  ['sex without a usual value', { sex: ['OTHER', 'UNKNOWN'] }],
  ['one cancer site', { cancerSites: ['LUNG'] }],
  ['two cancer sites (OR)', { cancerSites: ['BREAST', 'PROSTATE'] }],
  ['age range', { ageAtDiagnosis: { min: 50, max: 65 } }],
  ['open age range', { ageAtDiagnosis: { max: 45 } }],
  ['year range', { yearOfDiagnosis: { min: 2012, max: 2016 } }],
  ['open year range', { yearOfDiagnosis: { min: 2020 } }],
  ['site AND modality AND body part, on one series', { cancerSites: ['LUNG'], modalities: ['PT'], bodyParts: ['CHEST'] }],
  ['manufacturer prefix', { manufacturers: ['siemens'] }],
  ['manufacturers OR, AND modality AND sex', { manufacturers: ['ge', 'Philips'], modalities: ['CT'], sex: ['FEMALE'] }],
  ['collections AND age AND year', { collections: ['XN-BREAST', 'XN-PROSTATE'], ageAtDiagnosis: { min: 60 }, yearOfDiagnosis: { max: 2018 } }],
  ['everything at once', {
    cancerSites: ['BREAST', 'LUNG'], sex: ['FEMALE'], ageAtDiagnosis: { min: 40, max: 80 }, yearOfDiagnosis: { min: 2009, max: 2023 },
    modalities: ['CT', 'MR', 'MG'], bodyParts: ['CHEST', 'BREAST'], manufacturers: ['siemens', 'ge'], collections: ['XN-BREAST', 'XN-LUNG'],
  }],
  ['a site no project has', { cancerSites: ['KIDNEY'] }],
  ['a modality nobody has', { modalities: ['SM'] }],
  ['contradicting site and collection', { cancerSites: ['BREAST'], collections: ['XN-LUNG'] }],
  ['a year range before any diagnosis', { yearOfDiagnosis: { max: 1990 } }],
];

describe('cohort', () => {
  it.each(COHORT_FILTERS)('equals cohortOf over the ground truth, counts and facets: %s', async (_, where) => {
    const filter = filterOf(where);
    const cohort = await adapter.cohort(filter, {}, { facets: true });
    expect(cohort).toEqual(expectedCohort(filter));
    expect(cohort.exact).toBe(true);
    expect(cohort.filtersApplied).toEqual(criteriaOf(filter));
    expect(cohort.filtersNotApplied).toEqual([]);
  });

  it('is not vacuous: most filters match someone, the last four nobody, and facets are filled', async () => {
    const subjects = COHORT_FILTERS.map(([, where]) => expectedCohort(filterOf(where)).subjects);
    expect(subjects.slice(0, -4).every((n) => (n ?? 0) > 0)).toBe(true);
    expect(subjects.slice(-4)).toEqual([0, 0, 0, 0]);
    expect(subjects[0]).toBe(300);
    const all = await adapter.cohort({}, {}, { facets: true });
    for (const facet of Object.values(all.facets)) expect(facet.length).toBeGreaterThan(1);
    expect(xnatKind.criteria).toEqual(ALL_CRITERIA);
  });

  it('harvests with two listings, shared by concurrent queries, and answers later cohorts with no native call', async () => {
    await withAdapter({}, async (fresh) => {
      simulator.resetCounts();
      await Promise.all([
        fresh.cohort({}, {}, { facets: true }),
        fresh.cohort(filterOf({ modalities: ['MR'] }), {}, { facets: false }),
        fresh.cases(filterOf({ sex: ['FEMALE'] }), { first: 10, after: null }, {}),
      ]);
      expect(simulator.requests.total).toBe(2);
      expect([...simulator.requests.byPath.keys()].sort()).toEqual(['/data/experiments', '/data/subjects']);
      simulator.resetCounts();
      await fresh.cohort(filterOf({ yearOfDiagnosis: { min: 2015 } }), {}, { facets: true });
      await fresh.cases(filterOf({ ageAtDiagnosis: { min: 40 } }), { first: 50, after: null }, {});
      expect(simulator.requests.total).toBe(0);
    });
  });

  it('harvests only the configured projects, two listings each, under encoded project paths', async () => {
    await withAdapter({ options: { projects: ['XN-BREAST', 'XN-PROSTATE'] } }, async (fresh) => {
      simulator.resetCounts();
      const cohort = await fresh.cohort(filterOf({ modalities: ['MR'] }), {}, { facets: true });
      expect(simulator.requests.total).toBe(4);
      expect([...simulator.requests.byPath.keys()].sort()).toEqual([
        '/data/projects/XN-BREAST/experiments', '/data/projects/XN-BREAST/subjects',
        '/data/projects/XN-PROSTATE/experiments', '/data/projects/XN-PROSTATE/subjects',
      ]);
      const inProjects = truth.filter((r) => r.collection !== 'XN-LUNG');
      expect(cohort).toEqual(expectedCohort(filterOf({ modalities: ['MR'] }), inProjects));
      expect((await fresh.collections({})).map((c) => c.id)).toEqual(['XN-BREAST', 'XN-PROSTATE']);
    });
  });

  it('during its first harvest, counts a cohort on the projects read so far after a second, marked as that part', async () => {
    const projects = ['XN-BREAST', 'XN-LUNG', 'XN-PROSTATE'];
    // Two projects at a time, 900 ms a listing: the first part after 0.9 s, the whole after 1.8 s.
    simulator.faults.latencyMs = 900;
    try {
      await withAdapter({ options: { projects }, timeoutMs: 4000 }, async (fresh) => {
        const filter = filterOf({ modalities: ['MR'] });
        const part = await fresh.cohort(filter, {}, { facets: true });
        const [, read] = /^(\d) of 3 projects: its index is still being harvested$/.exec(part.coverage ?? '') ?? [];
        expect(['1', '2']).toContain(read);
        expect(part.exact).toBe(false);
        // Its counts are those of `read` of the projects.
        const choices = Number(read) === 1 ? projects.map((p) => [p]) : projects.map((left) => projects.filter((p) => p !== left));
        const possible = choices.map((chosen) => expectedCohort(filter, truth.filter((r) => chosen.includes(r.collection ?? ''))).subjects);
        expect(possible).toContain(part.subjects);
        // Case lists never come from a part: they wait for the whole (or are told it is warming).
        const page = await fresh.cases(filter, { first: 5, after: null }, {});
        expect(page.totalCount).toBe(expectedCohort(filter).subjects);
        expect(await fresh.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter));
      });
    } finally {
      simulator.faults.latencyMs = undefined;
    }
  });

  it('reads the custom variables the options name; one the site does not define is reported, never a silent 0', async () => {
    // This site defines age_at_diagnosis and year_of_diagnosis, not age_dx and dx_year: XNAT leaves those columns out.
    await withAdapter({ options: { customFields: { ageAtDiagnosis: 'age_dx', yearOfDiagnosis: 'dx_year' } } }, async (fresh) => {
      simulator.resetCounts();
      const all = await fresh.cohort({}, {}, { facets: true });
      expect(simulator.requests.log.find((l) => l.startsWith('GET /data/subjects'))).toContain(encodeURIComponent('xnat:subjectData/fields/field[name=age_dx]/field'));
      expect(all.subjects).toBe(300);
      expect(all.facets.ageBand).toEqual([]);
      const byYear = await fresh.cohort(filterOf({ yearOfDiagnosis: { min: 1900 }, sex: ['FEMALE'] }), {}, { facets: false });
      expect(byYear).toMatchObject({
        exact: false, subjects: expectedCohort(filterOf({ sex: ['FEMALE'] })).subjects, filtersApplied: ['SEX'],
        filtersNotApplied: [{ criterion: 'YEAR_OF_DIAGNOSIS', reason: 'XNAT left the column xnat:subjectData/fields/field[name=dx_year]/field out of its answer (the site does not define it)' }],
      });
      await expect(fresh.cases(filterOf({ ageAtDiagnosis: { min: 50 } }), { first: 5, after: null }, {}))
        .rejects.toMatchObject({ extensions: { code: ErrorCode.NOT_SUPPORTED, repositoryId: REPOSITORY_ID } });
      // The other attributes keep their default names.
      expect(await fresh.cohort(filterOf({ cancerSites: ['LUNG'] }), {}, { facets: false })).toMatchObject({ exact: true, subjects: expectedCohort(filterOf({ cancerSites: ['LUNG'] })).subjects });
    });
  });
});

describe('a site that leaves out the columns it does not have', () => {
  let site: RunningXnatSimulator;
  let bare: XnatAdapter;
  beforeAll(async () => {
    // No topography variable (only ICD-10) and no BodyPartExamined on scans.
    site = await startXnatSimulator({ data, customVariables: ['age_at_diagnosis', 'year_of_diagnosis', 'icd10', 'diagnosis'], scanBodyPart: false });
    bare = new XnatAdapter(xnatEntry(data, site.baseUrl));
  });
  afterAll(async () => {
    await bare.close();
    await site.close();
  });

  it('reports body part and cancer site as not applied, counts without them, and leaves their facets empty', async () => {
    const cohort = await bare.cohort(filterOf({ bodyParts: ['CHEST'], cancerSites: ['LUNG'], modalities: ['CT'] }), {}, { facets: true });
    expect(cohort).toMatchObject({
      exact: false, filtersApplied: ['MODALITIES'],
      filtersNotApplied: [
        { criterion: 'CANCER_SITES', reason: 'XNAT left the column xnat:subjectData/fields/field[name=icdo3_topography]/field out of its answer (the site does not define it)' },
        { criterion: 'BODY_PARTS', reason: 'XNAT left the column xnat:imageScanData/bodyPartExamined out of its answer (the site does not define it)' },
      ],
    });
    const expected = expectedCohort(filterOf({ modalities: ['CT'] }));
    expect([cohort.subjects, cohort.studies, cohort.series, cohort.images]).toEqual([expected.subjects, expected.studies, expected.series, expected.images]);
    expect([cohort.facets.bodyPart, cohort.facets.cancerSite]).toEqual([[], []]);
    expect(cohort.facets.modality).toEqual(expected.facets.modality);
  });

  it('still answers exactly what its columns tell', async () => {
    for (const where of [{ ageAtDiagnosis: { min: 60 } }, { modalities: ['MR'], sex: ['MALE'] }, { yearOfDiagnosis: { max: 2015 } }] as CaseFilter[]) {
      const filter = filterOf(where);
      expect([where, await bare.cohort(filter, {}, { facets: false })]).toEqual([where, expect.objectContaining({ exact: true, subjects: expectedCohort(filter).subjects })]);
    }
  });
});

describe('escaping: a user value never widens a native query', () => {
  it.each([
    ['a wildcard manufacturer', { manufacturers: ['*'] }],
    ['a comma in a manufacturer', { manufacturers: ['Siemens,GE'] }],
    ['a wildcard collection', { collections: ['*'] }],
    ['a comma in a collection', { collections: ['XN-BREAST,XN-LUNG'] }],
    ['a percent in a collection', { collections: ['XN-%'] }],
  ] as Array<[string, CaseFilter]>)('matches what the literal value matches: %s', async (_, where) => {
    const filter = filterOf(where);
    expect(await adapter.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter));
  });

  it('treats "*" and "Siemens,GE" literally, not as wildcard or list', async () => {
    expect((await adapter.cohort(filterOf({ manufacturers: ['*'] }), {}, { facets: false })).subjects).toBe(0);
    expect((await adapter.cohort(filterOf({ collections: ['*'] }), {}, { facets: false })).subjects).toBe(0);
    expect((await adapter.cohort(filterOf({ collections: ['XN-BREAST,XN-LUNG'] }), {}, { facets: false })).subjects).toBe(0);
    // "Siemens,GE" names the Siemens vendor by the shared code table, and nothing of GE.
    const literal = await adapter.cohort(filterOf({ manufacturers: ['Siemens,GE'] }), {}, { facets: true });
    const both = await adapter.cohort(filterOf({ manufacturers: ['siemens', 'ge'] }), {}, { facets: true });
    expect(literal.facets.manufacturer.map((f) => f.value)).toEqual(['Siemens']);
    expect(literal.subjects!).toBeLessThan(both.subjects!);
  });

  it('sends no filter value to XNAT at all', async () => {
    await withAdapter({}, async (fresh) => {
      simulator.resetCounts();
      await fresh.cohort(filterOf({ collections: ['XN-LUNG'], manufacturers: ['*'] }), {}, { facets: true });
      await fresh.cases(filterOf({ collections: ['XN-BREAST,XN-LUNG'], manufacturers: ['siemens'] }), { first: 5, after: null }, {});
      const log = simulator.requests.log.join('\n');
      expect(simulator.requests.total).toBe(2);
      for (const value of ['XN-LUNG', 'XN-BREAST', 'siemens', 'project=', '%2A']) expect(log).not.toContain(value);
    });
  });
});

describe('cases', () => {
  const PAGED: Array<[string, CaseFilter]> = [
    ['no filter', {}],
    ['one modality', { modalities: ['CT'] }],
    ['body part AND two sexes', { bodyParts: ['CHEST'], sex: ['FEMALE', 'MALE'] }],
    ['age AND year ranges', { ageAtDiagnosis: { min: 50, max: 75 }, yearOfDiagnosis: { min: 2010, max: 2020 } }],
    ['site AND manufacturer', { cancerSites: ['LUNG', 'PROSTATE'], manufacturers: ['siemens'] }],
  ];

  it.each(PAGED)('pages completely, in subject order, without duplicates: %s', async (_, where) => {
    const filter = filterOf(where);
    const expected = expectedSubjects(filter);
    expect(expected.length).toBeGreaterThan(50);
    for (const first of [7, 50]) {
      const { pages, subjects } = await allPages(filter, first);
      expect(subjects).toEqual(expected);
      expect(new Set(subjects).size).toBe(subjects.length);
      expect(pages.every((p) => p.totalCount === expected.length)).toBe(true);
      expect(pages.at(-1)!.hasNextPage).toBe(false);
      expect(pages).toHaveLength(Math.ceil(expected.length / first));
    }
  });

  it('gives each case as the ground truth has it: sex, age, diagnosis with stage, collection, studies and series', async () => {
    const byId = new Map(truth.map((r) => [r.id, r]));
    const { pages } = await allPages({}, 100);
    const nodes = pages.flatMap((p) => p.edges.map((e) => e.node));
    expect(nodes).toHaveLength(300);
    for (const node of nodes) expect(node).toEqual(asListed(byId.get(node.id)!));
    const urls = nodes.flatMap((n) => n.studies!.flatMap((s) => s.series.map((x) => x.retrieve?.url ?? '')));
    expect(urls.every((url) => url.startsWith(`${simulator.baseUrl}/data/experiments/`) && url.endsWith('/resources/DICOM/files?format=zip'))).toBe(true);
  });

  it('answers a filter that matches nothing with an empty last page', async () => {
    expect(await adapter.cases(filterOf({ cancerSites: ['KIDNEY'] }), { first: 10, after: null }, {}))
      .toEqual({ edges: [], hasNextPage: false, totalCount: 0 });
  });
});

describe('a page of cases with studies, through the subgraph', () => {
  const QUERY = `query ($representations: [_Any!]!, $where: CaseFilter, $first: Int, $after: String) {
    _entities(representations: $representations) {
      ... on DeTestXnatRepository {
        cases(where: $where, first: $first, after: $after) {
          totalCount
          pageInfo { hasNextPage endCursor }
          nodes { id sex ageAtDiagnosis diagnosis { cancerSite yearOfDiagnosis } studies { uid date seriesCount series { uid modality bodyPart bodyPartRaw manufacturer instanceCount } } }
        }
      }
    }
  }`;

  interface Answer {
    data?: { _entities: Array<{ cases: { totalCount: number; nodes: Array<{ id: string; studies: Array<{ uid: string; series: Array<{ uid: string }> }> }> } }> };
    errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
  }

  async function run(on: XnatAdapter, where: CaseFilter, first: number): Promise<Answer> {
    const { schema } = buildRepositorySubgraph(xnatEntry(data, simulator.baseUrl), xnatKind, on);
    const result = await graphql({
      // A researcher holding a grant for this repository's records (subgraph.ts refuses cases to anonymous callers).
      schema, source: QUERY, contextValue: { subject: 'test-researcher', recordGrants: [{ repositoryId: REPOSITORY_ID }] },
      variableValues: { representations: [{ __typename: 'DeTestXnatRepository', id: REPOSITORY_ID }], where, first },
    });
    return result as unknown as Answer;
  }

  it('costs two listings when cold and none when warm, whatever the page size', async () => {
    const where: CaseFilter = { ageAtDiagnosis: { min: 40 } };
    const cold: number[] = [];
    const warm: number[] = [];
    for (const first of [10, 50]) {
      await withAdapter({}, async (fresh) => {
        simulator.resetCounts();
        const answer = await run(fresh, where, first);
        expect(answer.errors).toBeUndefined();
        cold.push(simulator.requests.total);
        simulator.resetCounts();
        const again = await run(fresh, where, first);
        warm.push(simulator.requests.total);
        const nodes = again.data!._entities[0].cases.nodes;
        expect(nodes).toHaveLength(first);
        for (const node of nodes) {
          const expected = truth.find((r) => r.id === node.id)!;
          expect(node.studies.map((s) => s.uid)).toEqual(expected.studies.map((s) => s.uid));
          expect(node.studies.flatMap((s) => s.series.map((x) => x.uid))).toEqual(expected.studies.flatMap((s) => s.series.map((x) => x.uid)));
        }
      });
    }
    expect(cold).toEqual([2, 2]);
    expect(warm).toEqual([0, 0]);
  });

  it('turns a native failure into an error naming the repository, with a stable code', async () => {
    simulator.faults.httpStatus = 503;
    try {
      await withAdapter({}, async (fresh) => {
        const answer = await run(fresh, {}, 5);
        expect(answer.errors?.[0].extensions).toMatchObject({ code: ErrorCode.HTTP_ERROR, repositoryId: REPOSITORY_ID, httpStatus: 503 });
        expect(answer.errors?.[0].message).toMatch(new RegExp(`repository "${REPOSITORY_ID}"`));
      });
    } finally {
      simulator.faults.httpStatus = undefined;
    }
  });
});

describe('cursors', () => {
  it('continues after the cursor subject, also under another filter (keyset cursors)', async () => {
    const page = await adapter.cases({}, { first: 20, after: null }, {});
    const next = await adapter.cases(filterOf({ modalities: ['CT'] }), { first: 5, after: page.edges.at(-1)!.cursor }, {});
    const last = page.edges.at(-1)!.node.subjectId;
    expect(next.edges.map((e) => e.node.subjectId)).toEqual(expectedSubjects(filterOf({ modalities: ['CT'] })).filter((s) => s > last).slice(0, 5));
  });

  it('rejects foreign and damaged cursors with BAD_CURSOR', async () => {
    const cursor = (await adapter.cases({}, { first: 5, after: null }, {})).edges.at(-1)!.cursor;
    const tampered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')), k: 12 })).toString('base64url');
    for (const after of [encodeCursor('other-repository', { k: 'XN-LUNG-0001' }), 'not a cursor at all', cursor.slice(0, -6), tampered, encodeCursor(REPOSITORY_ID, { o: 3 })]) {
      const error = await rejection(adapter.cases({}, { first: 5, after }, {}));
      expect(error.extensions).toMatchObject({ code: ErrorCode.BAD_CURSOR, repositoryId: REPOSITORY_ID, argument: 'after' });
    }
  });
});

describe('collections and studies', () => {
  it('joins XNAT projects with the catalogue metadata and the harvest counts', async () => {
    await adapter.warmUp();
    simulator.resetCounts();
    const collections = await adapter.collections({});
    expect(simulator.requests.log).toEqual(['GET /data/projects?limit=*&format=json']);
    expect(collections.map((c) => c.id)).toEqual(['XN-BREAST', 'XN-LUNG', 'XN-PROSTATE']);
    for (const collection of collections) {
      const members = truth.filter((r) => r.collection === collection.id);
      const source = data.collections.find((c) => c.id === collection.id)!;
      const catalogued = collection.id !== 'XN-PROSTATE';
      expect(collection).toMatchObject({
        // Catalogue metadata where the config has it, XNAT's project name and description otherwise.
        name: catalogued ? `${source.name} (catalogue)` : source.name,
        licence: catalogued ? source.licence : null,
        description: source.description,
        cancerSites: [source.cancerSite],
        subjects: members.length,
        studies: members.reduce((n, r) => n + r.studies.length, 0),
      });
      expect(new Set(collection.modalities)).toEqual(new Set(members.flatMap((r) => r.studies.flatMap((s) => s.modalities))));
    }
  });

  it('loads studies for cases from the index in one batch', async () => {
    const cases = truth.slice(0, 12).map(({ studies: _studies, ...rest }) => rest);
    simulator.resetCounts();
    const studies = await adapter.loadStudies(cases, {});
    expect(simulator.requests.total).toBe(0);
    expect(studies).toEqual(truth.slice(0, 12).map((r) => asListed(r).studies));
    expect(await adapter.loadStudies([{ ...cases[0], subjectId: 'nobody', id: `${REPOSITORY_ID}/nobody` }], {})).toEqual([[]]);
  });
});

describe('native failures', () => {
  let faulty: RunningXnatSimulator;
  beforeAll(async () => {
    faulty = await startXnatSimulator({ data: xnatTestData(20) });
  });
  afterAll(async () => {
    await faulty.close();
  });
  afterEach(() => {
    faulty.faults.httpStatus = undefined;
    faulty.faults.malformed = undefined;
    faulty.faults.hang = undefined;
  });

  it('HTTP 503 with an HTML page is REPOSITORY_HTTP_ERROR, and the next query harvests again', async () => {
    await withAdapter({}, async (fresh) => {
      faulty.faults.httpStatus = 503;
      expect((await rejection(fresh.cohort({}, {}, { facets: true }))).extensions)
        .toMatchObject({ code: ErrorCode.HTTP_ERROR, repositoryId: REPOSITORY_ID, httpStatus: 503 });
      faulty.faults.httpStatus = undefined;
      expect((await fresh.cohort({}, {}, { facets: true })).subjects).toBe(20);
    }, faulty);
  });

  it('a 404 for a configured project that does not exist is REPOSITORY_HTTP_ERROR', async () => {
    await withAdapter({ options: { projects: ['XN-NOPE'] } }, async (fresh) => {
      expect((await rejection(fresh.cohort({}, {}, { facets: false }))).extensions).toMatchObject({ code: ErrorCode.HTTP_ERROR, httpStatus: 404 });
    }, faulty);
  });

  describe('answers the protocol does not allow', () => {
    let odd: RunningSimulator;
    let answer: { status?: number; type?: string; body: string };
    beforeAll(async () => {
      odd = await startSimulator({ name: 'odd XNAT' }, () => ({ status: answer.status ?? 200, headers: { 'Content-Type': answer.type ?? 'application/json' }, body: answer.body }));
    });
    afterAll(async () => {
      await odd.close();
    });

    it.each([
      ['an HTML login page with HTTP 200', 'text/html;charset=UTF-8', '<html><body><form action="/login">Login</form></body></html>', /HTML page instead of JSON/],
      ['an empty body', 'application/json', '', /the body is null, expected a ResultSet object/],
      ['no ResultSet', 'application/json', '{"items":[]}', /ResultSet is undefined, expected an object/],
      ['Result not a list', 'application/json', '{"ResultSet":{"Result":{"ID":"x"},"totalRecords":"1"}}', /ResultSet\.Result is object, expected an array/],
      ['a label that is a number', 'application/json', '{"ResultSet":{"Result":[{"ID":"XNAT_S1","label":17,"project":"P"}],"totalRecords":"1"}}', /label is number, expected a string/],
      ['fewer rows than totalRecords (a paged listing)', 'application/json', '{"ResultSet":{"Result":[],"totalRecords":"250"}}', /expected the number of rows \(0\)/],
    ])('%s is REPOSITORY_BAD_RESPONSE naming the call', async (_, type, body, message) => {
      answer = { type, body };
      const error = await withAdapter({}, (fresh) => rejection(fresh.cohort({}, {}, { facets: false })), { baseUrl: odd.origin } as RunningXnatSimulator);
      expect(error.extensions).toMatchObject({ code: ErrorCode.BAD_RESPONSE, repositoryId: REPOSITORY_ID });
      expect(error.message).toMatch(message);
    });
  });

  it('an XNAT with basic auth: answered with the credentials, HTTP 401 without', async () => {
    const secured = await startXnatSimulator({ data: xnatTestData(10), basicAuth: { username: 'reader', password: 's3cret' } });
    const entry = xnatEntry(data, secured.baseUrl);
    const withCredentials = new XnatAdapter(entry, { credentials: 'reader:s3cret' });
    const without = new XnatAdapter(entry);
    try {
      expect((await withCredentials.cohort({}, {}, { facets: false })).subjects).toBe(10);
      expect((await rejection(without.cohort({}, {}, { facets: false }))).extensions).toMatchObject({ code: ErrorCode.HTTP_ERROR, httpStatus: 401 });
    } finally {
      await withCredentials.close();
      await without.close();
      await secured.close();
    }
  });

  it('an empty XNAT is no result, not an error', async () => {
    const empty = await startXnatSimulator({ data: { ...xnatTestData(0), cases: [] } });
    try {
      await withAdapter({}, async (fresh) => {
        expect((await fresh.cohort({}, {}, { facets: true })).subjects).toBe(0);
        expect(await fresh.cases({}, { first: 10, after: null }, {})).toEqual({ edges: [], hasNextPage: false, totalCount: 0 });
        expect((await fresh.collections({})).map((c) => [c.id, c.subjects])).toEqual([['XN-BREAST', 0], ['XN-LUNG', 0], ['XN-PROSTATE', 0]]);
      }, empty);
    } finally {
      await empty.close();
    }
  });
});

describe('kind', () => {
  it('describes a RECORD kind with facets and validates its options', () => {
    expect(xnatKind).toMatchObject({ apiKind: 'xnat', granularity: 'RECORD', facets: true });
    expect(xnatKind.validateOptions!({ indexTtlSeconds: 60, projects: ['XN-LUNG'] })).toEqual([]);
    expect(xnatKind.validateOptions!({ indexTTL: 5 })).toEqual(['indexTTL: unknown option (the xnat adapter knows indexTtlSeconds, projects, customFields, bodyPartColumn)']);
  });
});
