/**
 * The FHIR adapter against the running simulator: its answers, fetched through FHIR R4 search, equal what the SDK's
 * cohortOf computes over the synthetic ground truth (toUnifiedCases), i.e. the answer of a perfect adapter; where a
 * bound stops it, it says which criteria it could not apply and its count equals cohortOf without them.
 */
import { graphql } from 'graphql';
import type { CaseFilter } from '../../schema/generated/graphql';
import { startFhirSimulator, type RunningFhirSimulator } from '../../simulators/fhir';
import { startSimulator } from '../../simulators/http-server';
import { generateRepositoryData } from '../../simulators/synthetic/generate';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { toUnifiedCases } from '../support/ground-truth';
import { FhirAdapter, fhirKind } from '../../subgraphs/fhir';
import { encodeCursor } from '../../subgraphs/sdk/cursor';
import { cohortOf, matchCase } from '../../subgraphs/sdk/evaluate';
import { criteriaOf, withoutCriteria, type NormalizedFilter } from '../../subgraphs/sdk/filter';
import type { CaseRecord, FullCaseRecord } from '../../subgraphs/sdk/records';
import { buildRepositorySubgraph } from '../../subgraphs/sdk/subgraph';
import { COHORT_FILTERS, EXACT_CASE_FILTERS as EXACT, REFINED_CASE_FILTERS as REFINED } from './filters';
import { asServed, ErrorCode, fhirEntry, fhirTestData, filterOf, REPOSITORY_ID, rejection } from './support';
import { walkPages } from '../support/adapter-kit';

const allPages = (filter: NormalizedFilter, first: number, on: FhirAdapter = adapter) => walkPages(on, filter, first);

let data: SyntheticRepositoryData;
let truth: FullCaseRecord[];
let simulator: RunningFhirSimulator;
let adapter: FhirAdapter;

beforeAll(async () => {
  data = fhirTestData(300);
  truth = toUnifiedCases(data);
  simulator = await startFhirSimulator({ data });
  adapter = new FhirAdapter(fhirEntry(data, simulator.baseUrl));
});

afterAll(async () => {
  await adapter.close();
  await simulator.close();
});

function expectedCohort(filter: NormalizedFilter) {
  return cohortOf(truth, filter, { applied: criteriaOf(filter), notApplied: [] });
}

function expectedSubjects(filter: NormalizedFilter): string[] {
  return truth.filter((record) => matchCase(record, filter) !== null).map((record) => record.subjectId);
}

/** A ground-truth case as the adapter must list it: FHIR has no sizes; series are fetched from the study's DICOMweb Endpoint. */
function expectedNode(record: FullCaseRecord): CaseRecord {
  const wado = `https://pacs.${REPOSITORY_ID}.example.org/dicom-web`;
  return {
    ...record,
    studies: record.studies.map((study) => ({
      ...study,
      series: study.series.map((series) => ({
        ...series, sizeBytes: null, retrieve: { protocol: 'DICOMWEB_WADO_RS', url: `${wado}/studies/${study.uid}/series/${series.uid}` },
      })),
    })),
  };
}


const log = () => simulator.requests.log.join('\n');

describe('cohort', () => {
  it.each(COHORT_FILTERS)('equals cohortOf over the ground truth: %s', async (_, where) => {
    const filter = filterOf(where);
    const cohort = await adapter.cohort(filter, {}, { facets: true });
    expect(cohort).toEqual(expectedCohort(filter));
    expect(cohort.exact).toBe(true);
    expect(cohort.filtersApplied).toEqual(criteriaOf(filter));
    expect(fhirKind.criteria).toEqual(expect.arrayContaining(criteriaOf(filter)));
  });

  it('is not vacuous: most filters match someone, the last four nobody', () => {
    const subjects = COHORT_FILTERS.map(([, where]) => expectedCohort(filterOf(where)).subjects);
    expect(subjects.slice(0, -4).every((n) => (n ?? 0) > 0)).toBe(true);
    expect(subjects.slice(-4)).toEqual([0, 0, 0, 0]);
    expect(subjects[0]).toBe(300);
  });

  it.each([
    ['CT on a breast series', { modalities: ['CT'], bodyParts: ['BREAST'] }, 'CT', '76752008'],
    ['SR on a chest series', { modalities: ['SR'], bodyParts: ['CHEST'] }, 'SR', '816094009,http://snomed.info/sct|51185008'],
  ] as Array<[string, CaseFilter, string, string]>)('decides same-series image criteria locally, where FHIR alone counts more: %s', async (_, where, modality, bodySite) => {
    const filter = filterOf(where);
    const params = new URLSearchParams([
      ['_has:ImagingStudy:subject:modality', `http://dicom.nema.org/resources/ontology/DCM|${modality}`],
      ['_has:ImagingStudy:subject:bodysite', `http://snomed.info/sct|${bodySite}`],
      ['_summary', 'count'],
    ]);
    const native = ((await (await fetch(`${simulator.baseUrl}/Patient?${params}`)).json()) as { total: number }).total;
    const exact = (await adapter.cohort(filter, {}, { facets: false })).subjects!;
    expect(exact).toBe(expectedCohort(filter).subjects);
    expect(native).toBeGreaterThan(exact);
  });

  it('pushes natively what FHIR can search, and costs few calls', async () => {
    const filter = filterOf({ sex: ['FEMALE'], collections: ['FH-BREAST'], modalities: ['MG'] });
    const candidates = expectedCohort(filter).subjects!;
    simulator.resetCounts();
    await adapter.cohort(filter, {}, { facets: true });
    // One Patient search whose pages bring the records along (_revinclude): no count, no id list, no _id searches.
    expect(simulator.requests.total).toBe(Math.ceil(candidates / 100));
    const [search] = simulator.requests.log;
    expect(search).toContain('gender=female');
    expect(search).toContain('_has%3AResearchSubject%3Aindividual%3Astudy=ResearchStudy%2FFH-BREAST');
    expect(search).toContain('_has%3AImagingStudy%3Asubject%3Amodality=');
    expect(search).toContain('_revinclude=ImagingStudy%3Asubject');
    expect(search).toContain('_total=accurate');
    expect(search).not.toContain('_id=');
    simulator.resetCounts();
    const all = await adapter.cohort({}, {}, { facets: true });
    expect(all).toEqual(expectedCohort({}));
    expect(simulator.requests.total).toBe(3); // 300 patients: 3 pages of 100, asked together after the first
  });
});

describe('cases', () => {
  it.each(EXACT)('pages completely, without duplicates, with the native total: %s', async (_, where) => {
    const filter = filterOf(where);
    const expected = expectedSubjects(filter);
    const { pages, subjects } = await allPages(filter, 37);
    expect(subjects).toEqual(expected);
    expect(new Set(subjects).size).toBe(subjects.length);
    expect(pages.every((p) => p.totalCount === expected.length)).toBe(true);
    expect(expected.length).toBeGreaterThan(37);
  });

  it.each(REFINED)('pages completely, without duplicates, evaluated locally: %s', async (_, where) => {
    const filter = filterOf(where);
    const expected = expectedSubjects(filter);
    const { pages, subjects } = await allPages(filter, 23);
    expect(subjects).toEqual(expected);
    expect(new Set(subjects).size).toBe(subjects.length);
    // The total would need every candidate evaluated: not known without extra cost.
    expect(pages.every((p) => p.totalCount === null)).toBe(true);
    expect(expected.length).toBeGreaterThan(23);
  });

  it('lists each case as the ground truth has it: diagnosis with its stage, studies, series with their DICOMweb URL', async () => {
    const { nodes } = await allPages({}, 120);
    const byId = new Map(truth.map((r) => [r.id, r]));
    expect(nodes).toHaveLength(300);
    for (const node of nodes) expect(asServed(node)).toEqual(expectedNode(byId.get(node.id)!));
    expect(nodes.filter((n) => n.diagnosis?.stage).length).toBe(data.cases.filter((c) => c.diagnosis.stage).length);
  });

  it('answers a filter that matches nothing', async () => {
    expect(await adapter.cases(filterOf({ modalities: ['SM'] }), { first: 10, after: null }, {})).toEqual({ edges: [], hasNextPage: false, totalCount: 0 });
    expect(await adapter.cases(filterOf({ cancerSites: ['KIDNEY'] }), { first: 10, after: null }, {})).toEqual({ edges: [], hasNextPage: false, totalCount: null });
  });

  it('answers the page after the last one with nothing', async () => {
    const filter = filterOf({ collections: ['FH-BRAIN'] });
    const expected = expectedSubjects(filter);
    const page = await adapter.cases(filter, { first: expected.length, after: null }, {});
    expect(page.hasNextPage).toBe(false);
    expect(await adapter.cases(filter, { first: 5, after: page.edges.at(-1)!.cursor }, {})).toEqual({ edges: [], hasNextPage: false, totalCount: expected.length });
  });
});

describe('a page of cases with studies, through the subgraph', () => {
  const subgraph = () => buildRepositorySubgraph(fhirEntry(data, simulator.baseUrl), fhirKind, adapter);
  const QUERY = `query ($representations: [_Any!]!, $where: CaseFilter, $first: Int, $after: String) {
    _entities(representations: $representations) {
      ... on DeTestFhirRepository {
        cases(where: $where, first: $first, after: $after) {
          totalCount
          pageInfo { hasNextPage endCursor }
          nodes { id sex ageAtDiagnosis diagnosis { cancerSite yearOfDiagnosis stage { group t n m } }
            studies { uid date seriesCount series { uid modality bodyPart bodyPartRaw manufacturer instanceCount retrieve { protocol url } } } }
        }
      }
    }
  }`;

  interface Answer {
    data?: { _entities: Array<{ cases: { totalCount: number | null; nodes: Array<{ id: string; studies: Array<{ uid: string; series: Array<{ uid: string; retrieve: { url: string } }> }> }> } }> };
    errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
  }

  async function run(where: CaseFilter, first: number, schema = subgraph().schema): Promise<Answer> {
    const result = await graphql({
      // A researcher holding a grant for this repository's records (subgraph.ts refuses cases to anonymous callers).
      schema, source: QUERY, contextValue: { subject: 'test-researcher', recordGrants: [{ repositoryId: REPOSITORY_ID }] },
      variableValues: { representations: [{ __typename: 'DeTestFhirRepository', id: REPOSITORY_ID }], where, first },
    });
    return result as unknown as Answer;
  }

  it.each([
    ['exact native pre-selection', { modalities: ['CT'] } as CaseFilter],
    ['refined locally', { ageAtDiagnosis: { min: 40 } } as CaseFilter],
  ])('costs a constant number of native calls, whatever the page size (%s)', async (_, where) => {
    const schema = subgraph().schema;
    const counts: number[] = [];
    for (const first of [10, 50]) {
      simulator.resetCounts();
      const answer = await run(where, first, schema);
      expect(answer.errors).toBeUndefined();
      const nodes = answer.data!._entities[0].cases.nodes;
      expect(nodes).toHaveLength(first);
      for (const node of nodes) {
        const expected = truth.find((r) => r.id === node.id)!;
        expect(node.studies.map((s) => s.uid)).toEqual(expected.studies.map((s) => s.uid));
        expect(node.studies.flatMap((s) => s.series).every((s) => s.retrieve.url.startsWith(`https://pacs.${REPOSITORY_ID}.example.org/dicom-web/studies/`))).toBe(true);
      }
      counts.push(simulator.requests.total);
    }
    // The candidate ids (pages of 100), one _id search with studies, conditions and enrolments included, and one
    // Observation search for the stages: the same for 10 cases as for 50.
    expect(counts[0]).toBe(counts[1]);
    expect(counts[0]).toBeLessThanOrEqual(3 + 2);
  });

  it('turns a native failure into an error naming the repository, with a stable code', async () => {
    simulator.faults.httpStatus = 503;
    try {
      const answer = await run({ modalities: ['CT'] }, 5);
      expect(answer.errors?.[0].extensions).toMatchObject({ code: ErrorCode.HTTP_ERROR, repositoryId: REPOSITORY_ID, httpStatus: 503 });
      expect(answer.errors?.[0].message).toMatch(new RegExp(`repository "${REPOSITORY_ID}"`));
    } finally {
      simulator.faults.httpStatus = undefined;
    }
  });
});

describe('cursors', () => {
  const tampered = (cursor: string, change: Record<string, unknown>) => Buffer.from(JSON.stringify({
    ...JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')), ...change,
  })).toString('base64url');
  const payload = (cursor: string) => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));

  it('rejects foreign, damaged and other-filter cursors', async () => {
    const filter = filterOf({ modalities: ['CT'] });
    const cursor = (await adapter.cases(filter, { first: 5, after: null }, {})).edges.at(-1)!.cursor;
    const attempts: Array<[NormalizedFilter, string]> = [
      [filter, encodeCursor('other-repository', { k: 'FH-LUNG-0001', f: payload(cursor).f })],
      [filter, 'not a cursor at all'],
      [filter, cursor.slice(0, -4)],
      [filter, tampered(cursor, { k: 5 })],
      [filter, tampered(cursor, { f: undefined })],
      [filterOf({ modalities: ['MR'] }), cursor],
    ];
    for (const [f, after] of attempts) {
      const error = await rejection(adapter.cases(f, { first: 5, after }, {}));
      expect(error.extensions).toMatchObject({ code: ErrorCode.BAD_CURSOR, repositoryId: REPOSITORY_ID, argument: 'after' });
    }
  });

  it('resumes after the subject id the cursor names, in code-point order, whatever order the server sorts ids in', async () => {
    // Mixed-case ids: locale order ("Fh-brain-0001" < "FH-LUNG-0001" < "fh-prostate-0001") is not code-point order.
    const mixed = generateRepositoryData({
      repositoryId: REPOSITORY_ID, seed: 5, cases: 90, subjectPrefix: 'FH',
      collections: [
        { id: 'FH-LUNG', name: 'Lung', cancerSite: 'LUNG' }, { id: 'brain', name: 'Brain', cancerSite: 'BRAIN' },
        { id: 'Prostate', name: 'Prostate', cancerSite: 'PROSTATE' },
      ],
    });
    const server = await startFhirSimulator({ data: mixed, quirks: { idOrder: 'locale', maxPageSize: 20 } });
    const onLocale = new FhirAdapter(fhirEntry(mixed, server.baseUrl));
    try {
      const first = ((await (await fetch(`${server.baseUrl}/Patient?_sort=_id&_count=20`)).json()) as { entry: Array<{ resource: { id: string } }> }).entry[0].resource.id;
      const filter = filterOf({ ageAtDiagnosis: { min: 30 } });
      const expected = toUnifiedCases(mixed).filter((r) => matchCase(r, filter) !== null).map((r) => r.subjectId);
      expect(expected).toEqual([...expected].sort());
      // The server's own order is the locale's: lower-case "FH-brain-…" first, where code-point order puts "FH-LUNG-…".
      expect(first).toMatch(/^FH-brain-/);
      expect(expected[0]).toMatch(/^FH-LUNG-/);
      expect((await walkPages(onLocale, filter, 11)).subjects).toEqual(expected);
      const page = await onLocale.cases(filter, { first: 7, after: null }, {});
      const next = await onLocale.cases(filter, { first: 7, after: page.edges.at(-1)!.cursor }, {});
      expect(next.edges.map((e) => e.node.subjectId)).toEqual(expected.slice(7, 14));
    } finally {
      await onLocale.close();
      await server.close();
    }
  });

  it('continues correctly when the server forgot the search (410 Gone), and with a cursor from another adapter instance', async () => {
    const filter = filterOf({ modalities: ['CT'] });
    const expected = expectedSubjects(filter);
    const first = await adapter.cases(filter, { first: 60, after: null }, {});
    simulator.expireSearches();
    const second = await adapter.cases(filter, { first: 30, after: first.edges.at(-1)!.cursor }, {});
    expect(second.edges.map((e) => e.node.subjectId)).toEqual(expected.slice(60, 90));
    expect(second.totalCount).toBe(expected.length);
    const other = new FhirAdapter(fhirEntry(data, simulator.baseUrl));
    try {
      const third = await other.cases(filter, { first: 30, after: second.edges.at(-1)!.cursor }, {});
      expect(third.edges.map((e) => e.node.subjectId)).toEqual(expected.slice(90, 120));
    } finally {
      await other.close();
    }
  });
});

describe('bounds: more candidates than maxCandidates', () => {
  let bounded: FhirAdapter;
  beforeAll(() => {
    bounded = new FhirAdapter(fhirEntry(data, simulator.baseUrl, { options: { maxCandidates: 50 } }));
  });
  afterAll(() => bounded.close());

  it('answers an exact pre-selection with FHIR\'s own count, exact, without studies or facets', async () => {
    const filter = filterOf({ sex: ['MALE'], modalities: ['CT'] });
    simulator.resetCounts();
    const cohort = await bounded.cohort(filter, {}, { facets: true });
    // The first page's total says there are too many: no further page, no record read; the count is FHIR's own
    // `_summary=count`, not a total that may be an estimate.
    const searches = simulator.requests.log.filter((line) => !line.includes('/metadata'));
    expect(searches).toHaveLength(2);
    expect(searches[1]).toContain('_summary=count');
    expect(cohort).toMatchObject({ subjects: expectedCohort(filter).subjects, studies: null, series: null, images: null, exact: true, filtersNotApplied: [] });
    expect(cohort.facets.modality).toEqual([]);
  });

  it('reports what it evaluates locally as not applied, with a count equal to cohortOf without it', async () => {
    for (const where of [
      { sex: ['MALE'], ageAtDiagnosis: { min: 60 } },
      { modalities: ['CT'], bodyParts: ['CHEST'] },
      { cancerSites: ['KIDNEY'] },
    ] as CaseFilter[]) {
      const filter = filterOf(where);
      const cohort = await bounded.cohort(filter, {}, { facets: true });
      expect(cohort.exact).toBe(false);
      const notApplied = cohort.filtersNotApplied.map((n) => n.criterion);
      expect(notApplied.length).toBeGreaterThan(0);
      expect(cohort.filtersNotApplied[0].reason).toMatch(/more than maxCandidates \(50\)/);
      expect(cohort.filtersApplied).toEqual(criteriaOf(withoutCriteria(filter, notApplied)));
      expect(cohort.subjects).toBe(expectedCohort(withoutCriteria(filter, notApplied)).subjects);
    }
  });

  it('refuses to list a filter that finds nothing among maxCandidates candidates, rather than scan on', async () => {
    const error = await rejection(bounded.cases(filterOf({ cancerSites: ['KIDNEY'] }), { first: 10, after: null }, {}));
    expect(error.extensions).toMatchObject({ code: ErrorCode.NOT_SUPPORTED, repositoryId: REPOSITORY_ID, argument: 'where' });
    expect(error.message).toMatch(/CANCER_SITES/);
  });
});

describe('escaping: user values can never widen a native query', () => {
  it('keeps a comma in a collection id literal', async () => {
    simulator.resetCounts();
    const joined = await adapter.cohort(filterOf({ collections: ['FH-LUNG,FH-BRAIN'] }), {}, { facets: false });
    expect(joined.subjects).toBe(0);
    // The backslash escape travels percent-encoded; the OR comma is sent literally (NativeHttp keeps commas literal).
    expect(log()).toContain('ResearchStudy%2FFH-LUNG%5C,FH-BRAIN');
    const both = await adapter.cohort(filterOf({ collections: ['FH-LUNG', 'FH-BRAIN'] }), {}, { facets: false });
    expect(both.subjects).toBe(expectedCohort(filterOf({ collections: ['FH-LUNG', 'FH-BRAIN'] })).subjects);
    expect(both.subjects).toBeGreaterThan(0);
  });

  it.each([
    ['a wildcard', ['*']],
    ['a system bar', ['FH-LUNG|x']],
    ['a query string', ['FH-LUNG&gender=male']],
    ['a trailing backslash', ['FH-LUNG\\']],
    ['a modifier', [':missing=true']],
  ])('matches nothing for a collection id with %s', async (_, collections) => {
    const filter = filterOf({ collections });
    simulator.resetCounts();
    expect((await adapter.cohort(filter, {}, { facets: true })).subjects).toBe(0);
    expect((await adapter.cases(filter, { first: 5, after: null }, {})).edges).toEqual([]);
    expect(log()).not.toMatch(/[?&]gender=|:missing=true&|%3Amissing=/);
  });

  it('matches manufacturers locally, with the shared semantics, never through the native query', async () => {
    simulator.resetCounts();
    const wildcard = await adapter.cohort(filterOf({ manufacturers: ['*'] }), {}, { facets: true });
    expect(wildcard).toEqual(expectedCohort(filterOf({ manufacturers: ['*'] })));
    expect(wildcard.subjects).toBe(0);
    // "Siemens,GE" names the vendor Siemens (schema/codes/manufacturer.ts): never GE as well.
    const joined = await adapter.cohort(filterOf({ manufacturers: ['Siemens,GE'] }), {}, { facets: true });
    const siemens = await adapter.cohort(filterOf({ manufacturers: ['siemens'] }), {}, { facets: true });
    expect(joined).toEqual(expectedCohort(filterOf({ manufacturers: ['Siemens,GE'] })));
    expect(joined.subjects).toBeLessThanOrEqual(siemens.subjects!);
    expect(joined.facets.manufacturer.map((f) => f.value)).not.toContain('GE');
    expect(log().toLowerCase()).not.toMatch(/siemens|manufacturer|\*/);
  });
});

describe('server quirks', () => {
  it('counts right when the server never sends Bundle.total on search pages (only on _summary=count)', async () => {
    const quiet = await startFhirSimulator({ data, quirks: { omitTotal: true } });
    const onQuiet = new FhirAdapter(fhirEntry(data, quiet.baseUrl));
    try {
      const filter = filterOf({ modalities: ['CT'] });
      const page = await onQuiet.cases(filter, { first: 10, after: null }, {});
      expect(page.totalCount).toBe(expectedSubjects(filter).length);
      expect(await onQuiet.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter));
      expect(quiet.requests.log.some((line) => line.includes('_summary=count'))).toBe(true);
    } finally {
      await onQuiet.close();
      await quiet.close();
    }
  });

  it('pages through a server that advertises an internal host name and serves small pages', async () => {
    const proxied = await startFhirSimulator({ data, quirks: { advertisedBase: 'http://fhir-internal:8080/fhir', maxPageSize: 7 } });
    const onProxied = new FhirAdapter(fhirEntry(data, proxied.baseUrl));
    try {
      const filter = filterOf({ bodyParts: ['BREAST'], sex: ['FEMALE'] });
      expect(await onProxied.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter));
      expect((await allPages(filter, 25, onProxied)).subjects).toEqual(expectedSubjects(filter));
      expect(proxied.requests.log.every((line) => line.startsWith('GET /fhir') || line.startsWith('POST /fhir'))).toBe(true);
    } finally {
      await onProxied.close();
      await proxied.close();
    }
  });

  it('asks the later pages of a search together when its next links address pages by offset (HAPI\'s paging cache), at most parallelRequests at once', async () => {
    const paged = await startFhirSimulator({ data, quirks: { maxPageSize: 7 }, faults: { latencyMs: 60 } });
    const onPaged = new FhirAdapter(fhirEntry(data, paged.baseUrl, { options: { parallelRequests: 3 } }));
    // When each page request arrived: the simulator appends to its log as a request arrives.
    const arrivals: number[] = [];
    const log = paged.requests.log;
    const push = log.push.bind(log);
    log.push = (...lines: string[]) => {
      for (const line of lines) if (line.includes('_getpagesoffset')) arrivals.push(performance.now());
      return push(...lines);
    };
    try {
      const filter = filterOf({ bodyParts: ['BREAST'], sex: ['FEMALE'] });
      expect(await onPaged.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter));
      expect(arrivals.length).toBeGreaterThan(6);
      // Requests that arrived within less than the 60 ms latency of each other were at the server together.
      const sorted = [...arrivals].sort((a, b) => a - b);
      const atOnce = Math.max(...sorted.map((t, i) => sorted.slice(0, i + 1).filter((u) => t - u < 40).length));
      expect(atOnce).toBe(3);
    } finally {
      await onPaged.close();
      await paged.close();
    }
  });

  it('evaluates image criteria locally when told the server does not code its series', async () => {
    const local = new FhirAdapter(fhirEntry(data, simulator.baseUrl, { options: { nativeImageCriteria: false } }));
    try {
      const filter = filterOf({ modalities: ['MR'], bodyParts: ['BRAIN'] });
      simulator.resetCounts();
      expect(await local.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter));
      expect(log()).not.toContain('ImagingStudy%3Asubject%3Amodality');
    } finally {
      await local.close();
    }
  });
});

describe('time zones', () => {
  it('counts a diagnosis written as 1 January 00:30+02:00 in its year, though its UTC instant is in the year before', async () => {
    const shifted = fhirTestData(60);
    // The simulator writes the onset of every 7th case (index 4, 11, ...) as `<date>T00:30:00+02:00`.
    const index = shifted.cases.findIndex((c, i) => i % 7 === 4);
    const target = shifted.cases[index];
    target.studies[0].date = `${target.diagnosis.year}0101`;
    const server = await startFhirSimulator({ data: shifted });
    const onShifted = new FhirAdapter(fhirEntry(shifted, server.baseUrl));
    try {
      const onset = ((await (await fetch(`${server.baseUrl}/Condition/${target.subjectId}-dx`)).json()) as { onsetDateTime: string }).onsetDateTime;
      expect(onset).toBe(`${target.diagnosis.year}-01-01T00:30:00+02:00`);
      // A search on the year alone misses it (the server compares instants)...
      const strict = ((await (await fetch(`${server.baseUrl}/Condition?_id=${target.subjectId}-dx&onset-date=ge${target.diagnosis.year}-01-01&_summary=count`)).json()) as { total: number }).total;
      expect(strict).toBe(0);
      // ...the adapter's widened pre-selection does not, and the year as written decides.
      const filter = filterOf({ yearOfDiagnosis: { min: target.diagnosis.year, max: target.diagnosis.year } });
      const cohort = await onShifted.cohort(filter, {}, { facets: true });
      expect(cohort).toEqual(cohortOf(toUnifiedCases(shifted), filter, { applied: criteriaOf(filter), notApplied: [] }));
      const page = await onShifted.cases(filter, { first: 60, after: null }, {});
      expect(page.edges.map((e) => e.node.subjectId)).toContain(target.subjectId);
    } finally {
      await onShifted.close();
      await server.close();
    }
  });
});

describe('studies and collections', () => {
  it('loads the studies of many cases in a batch', async () => {
    const some = truth.filter((_, i) => i % 3 === 0);
    simulator.resetCounts();
    const studies = await adapter.loadStudies(some.map(({ studies: _s, ...rest }) => rest), {});
    // One POST _search for the 100 subjects, then the server's pages of (at most) 100 ImagingStudies.
    const count = some.reduce((sum, r) => sum + r.studies.length, 0);
    expect(simulator.requests.total).toBe(Math.ceil(count / 100));
    expect(simulator.requests.log[0]).toMatch(/^POST \/fhir\/ImagingStudy\/_search/);
    expect(simulator.requests.log.slice(1).every((line) => line.startsWith('GET /fhir?_getpages='))).toBe(true);
    expect(asServed(studies)).toEqual(some.map((record) => expectedNode(record).studies));
  });

  it('lists the ResearchStudies with FHIR\'s count of their patients and the config\'s metadata', async () => {
    simulator.resetCounts();
    const collections = await adapter.collections({});
    // (The CapabilityStatement, once per adapter,) the ResearchStudies, then the enrolments of all of them (300, in pages of 100).
    const searches = simulator.requests.log.filter((line) => !line.startsWith('GET /fhir/metadata'));
    expect(searches.map((line) => line.replace(/\?.*/, ''))).toEqual(['GET /fhir/ResearchStudy', 'GET /fhir/ResearchSubject', 'GET /fhir', 'GET /fhir']);
    expect(searches[1]).toMatch(/^GET \/fhir\/ResearchSubject\?study=ResearchStudy%2FFH-/);
    expect(collections.map((c) => c.id)).toEqual(data.collections.map((c) => c.id).sort());
    for (const collection of collections) {
      const meta = data.collections.find((c) => c.id === collection.id)!;
      const members = truth.filter((r) => r.collection === collection.id);
      expect(collection).toMatchObject({
        name: meta.name, licence: meta.licence, doi: meta.doi, cancerSites: [meta.cancerSite], subjects: members.length, studies: null,
      });
      expect(new Set(collection.modalities)).toEqual(new Set(members.flatMap((r) => r.studies.flatMap((s) => s.modalities))));
    }
  });
});

describe('native failures', () => {
  let faulty: RunningFhirSimulator;
  const small = fhirTestData(20);
  beforeAll(async () => {
    faulty = await startFhirSimulator({ data: small });
  });
  afterAll(async () => {
    await faulty.close();
  });
  afterEach(() => {
    faulty.faults.httpStatus = undefined;
    faulty.faults.malformed = undefined;
    faulty.faults.hang = undefined;
  });

  async function failure(endpoint: string, timeoutMs = 5000, work: (a: FhirAdapter) => Promise<unknown> = (a) => a.cohort({}, {}, { facets: true })) {
    const fresh = new FhirAdapter(fhirEntry(small, endpoint, { timeoutMs }));
    try {
      return await rejection(work(fresh));
    } finally {
      await fresh.close();
    }
  }

  /** A server answering every search with `body` (a Bundle shape the protocol does not allow); its metadata is sound. */
  async function serving(status: number, body: unknown, contentType = 'application/fhir+json') {
    const metadata = JSON.stringify({ resourceType: 'CapabilityStatement', status: 'active', kind: 'instance', fhirVersion: '4.0.1', rest: [{ mode: 'server', resource: [] }] });
    return startSimulator({ name: 'broken FHIR server' }, (request) => (request.url.pathname.endsWith('/metadata')
      ? { status: 200, headers: { 'Content-Type': 'application/fhir+json' }, body: metadata }
      : { status, headers: { 'Content-Type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) }));
  }

  it.each([
    ['an OperationOutcome with HTTP 400', 400, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'processing', diagnostics: 'Unknown search parameter' }] }, ErrorCode.HTTP_ERROR, /HTTP 400/],
    ['an OperationOutcome with HTTP 200', 200, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'too-costly' }] }, ErrorCode.BAD_RESPONSE, /OperationOutcome \(error\/too-costly\)/],
    ['an HTML page with HTTP 200', 200, '<html><body>Login</body></html>', ErrorCode.BAD_RESPONSE, /HTML page/],
    ['a Patient id of the wrong type', 200, { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: { resourceType: 'Patient', id: 12 }, search: { mode: 'match' } }] }, ErrorCode.BAD_RESPONSE, /entry\[0\]\.resource\.id is number/],
    ['a Bundle without resources in its entries', 200, { resourceType: 'Bundle', type: 'searchset', entry: [{ fullUrl: 'x' }] }, ErrorCode.BAD_RESPONSE, /entry\[0\]\.resource is undefined/],
    ['fewer matches than its own total and no next link', 200, { resourceType: 'Bundle', type: 'searchset', total: 5, entry: [
      { resource: { resourceType: 'Patient', id: 'A' }, search: { mode: 'match' } }] }, ErrorCode.BAD_RESPONSE, /returned 1 of 5 matches and no next link/],
    ['a next link outside the base URL', 200, { resourceType: 'Bundle', type: 'searchset', link: [{ relation: 'next', url: 'https://elsewhere.example.org/steal?x=1' }],
      entry: [{ resource: { resourceType: 'Patient', id: 'A' }, search: { mode: 'match' } }] }, ErrorCode.BAD_RESPONSE, /outside the repository's FHIR base URL/],
    ['a page cut short by an include limit', 200, { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: { resourceType: 'Patient', id: 'A' }, search: { mode: 'match' } },
      { resource: { resourceType: 'OperationOutcome', issue: [{ severity: 'warning', code: 'processing', diagnostics: 'Not all _include resources were actually included' }] }, search: { mode: 'outcome' } }] },
    ErrorCode.BAD_RESPONSE, /flagged a Patient search page as incomplete/],
  ])('%s is an error naming the repository', async (_, status, body, code, message) => {
    const broken = await serving(status as number, body, typeof body === 'string' ? 'text/html' : 'application/fhir+json');
    try {
      const error = await failure(`${broken.origin}/fhir`);
      expect(error.extensions).toMatchObject({ code, repositoryId: REPOSITORY_ID });
      expect(error.message).toMatch(message as RegExp);
      expect(error.message).toMatch(new RegExp(`repository "${REPOSITORY_ID}"`));
    } finally {
      await broken.close();
    }
  });

  it('a server whose metadata is no CapabilityStatement is an error naming the repository, and is asked again next time', async () => {
    let metadataCalls = 0;
    const noMetadata = await startSimulator({ name: 'FHIR server without metadata' }, (request) => {
      if (request.url.pathname.endsWith('/metadata')) metadataCalls++;
      return { status: 200, headers: { 'Content-Type': 'application/fhir+json' }, body: JSON.stringify({ resourceType: 'Bundle', type: 'searchset', total: 0 }) };
    });
    const fresh = new FhirAdapter(fhirEntry(small, `${noMetadata.origin}/fhir`));
    try {
      for (let i = 0; i < 2; i++) {
        const error = await rejection(fresh.cohort({}, {}, { facets: true }));
        expect(error.extensions).toMatchObject({ code: ErrorCode.BAD_RESPONSE, repositoryId: REPOSITORY_ID });
        expect(error.message).toMatch(/malformed metadata response: resourceType is "Bundle", expected "CapabilityStatement"/);
      }
      expect(metadataCalls).toBe(2);
    } finally {
      await fresh.close();
      await noMetadata.close();
    }
  });

  it('an empty repository is no result, not an error', async () => {
    const empty = await startFhirSimulator({ data: { ...fhirTestData(0), cases: [] } });
    const fresh = new FhirAdapter(fhirEntry(small, empty.baseUrl));
    try {
      expect((await fresh.cohort({}, {}, { facets: true })).subjects).toBe(0);
      expect(await fresh.cases({}, { first: 10, after: null }, {})).toEqual({ edges: [], hasNextPage: false, totalCount: 0 });
      expect((await fresh.collections({})).every((c) => c.subjects === 0)).toBe(true);
    } finally {
      await fresh.close();
      await empty.close();
    }
  });
});

describe('options', () => {
  it('validates the known options and flags unknown ones', () => {
    expect(fhirKind.validateOptions!({ pageSize: 50, maxCandidates: 5000, parallelRequests: 2, nativeImageCriteria: false })).toEqual([]);
    expect(fhirKind.validateOptions!({ pageSize: 0, maxCandidates: 1.5, nativeImageCriteria: 'yes', page_size: 5 })).toEqual([
      'pageSize: must be an integer between 1 and 1000',
      'maxCandidates: must be an integer between 1 and 1000000',
      'nativeImageCriteria: must be true or false',
      'page_size: unknown option (the fhir adapter knows pageSize, maxCandidates, parallelRequests, nativeImageCriteria, mode, indexTtlSeconds, indexMaxPatients, readCacheSeconds)',
    ]);
    expect(fhirKind).toMatchObject({ apiKind: 'fhir', granularity: 'RECORD', facets: true });
  });
});
