/**
 * The FHIR adapter against a FHIR server nobody here wrote: Medplum's FHIR router with its in-memory repository
 * (test/support/medplum-fhir-server.ts), holding the same synthetic data the simulator serves. First what that
 * server does with the searches the adapter used to send (checked, not assumed), then the adapter's answers, which
 * must equal the ground truth (cohortOf over toUnifiedCases) exactly where it says they are exact, and the
 * conformance kit a repository owner runs.
 */
import { renderReport, runConformance, type CheckResult } from '../../conformance/run';
import { generateRepositoryData } from '../../simulators/synthetic/generate';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { toUnifiedCases } from '../support/ground-truth';
import { FhirAdapter, fhirKind } from '../../subgraphs/fhir';
import { cohortOf, matchCase } from '../../subgraphs/sdk/evaluate';
import { criteriaOf, type NormalizedFilter } from '../../subgraphs/sdk/filter';
import type { FullCaseRecord } from '../../subgraphs/sdk/records';
import { serveRepositorySubgraph, type RunningSubgraph } from '../../subgraphs/sdk/serve';
import { walkPages } from '../support/adapter-kit';
import type { RunningMedplumServer } from '../support/medplum-fhir-server';
import { startMedplumWith } from '../support/medplum-seed';
import { COHORT_FILTERS, EXACT_CASE_FILTERS, REFINED_CASE_FILTERS } from './filters';
import { asServed, fhirEntry, fhirTestData, filterOf, REPOSITORY_ID } from './support';

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';

let data: SyntheticRepositoryData;
let truth: FullCaseRecord[];
let medplum: RunningMedplumServer;
let adapter: FhirAdapter;

beforeAll(async () => {
  data = fhirTestData(300);
  truth = toUnifiedCases(data);
  medplum = await startMedplumWith(data);
  adapter = new FhirAdapter(fhirEntry(data, medplum.baseUrl));
}, 60_000);

afterAll(async () => {
  await adapter?.close();
  await medplum?.close();
});

const expectedCohort = (filter: NormalizedFilter) => cohortOf(truth, filter, { applied: criteriaOf(filter), notApplied: [] });
const expectedSubjects = (filter: NormalizedFilter) => truth.filter((r) => matchCase(r, filter) !== null).map((r) => r.subjectId);

interface Bundle { resourceType: string; total?: number; link?: unknown[]; entry?: Array<{ resource: { id: string; resourceType: string } }> }

async function search(query: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Bundle }> {
  const response = await fetch(`${medplum.baseUrl}${query}`, { headers });
  return { status: response.status, body: (await response.json()) as Bundle };
}

describe('what Medplum\'s server does (the limits the adapter must survive)', () => {
  it('matches nothing for a _has reverse chain, without a word, even under Prefer: handling=strict', async () => {
    const withCt = truth.filter((r) => r.studies.some((s) => s.modalities.includes('CT'))).length;
    expect(withCt).toBeGreaterThan(0);
    for (const headers of [{}, { prefer: 'handling=strict' }] as Array<Record<string, string>>) {
      const { status, body } = await search(`/Patient?_has:ImagingStudy:subject:modality=${encodeURIComponent(`${DCM}|CT`)}`, headers);
      expect(status).toBe(200);
      expect(body.total).toBe(0);
    }
    // The two-step search the adapter uses instead finds them.
    const { body } = await search(`/ImagingStudy?modality=${encodeURIComponent(`${DCM}|CT`)}&_count=1000`);
    expect(new Set(body.entry!.map((e) => (e.resource as unknown as { subject: { reference: string } }).subject.reference)).size).toBe(withCt);
  });

  it('matches nothing for an unknown parameter, and writes neither self nor next links', async () => {
    expect((await search('/Patient?bodysite=x')).body.total).toBe(0);
    const { body } = await search('/Patient?_count=10');
    expect(body.entry).toHaveLength(10);
    expect(body.total).toBe(300);
    expect(body.link).toBeUndefined();
  });

  it('declares no _has and no _revinclude in its CapabilityStatement', async () => {
    const statement = (await (await fetch(`${medplum.baseUrl}/metadata`)).json()) as any;
    const rest = statement.rest[0];
    expect(rest.searchParam.map((p: { name: string }) => p.name)).toEqual(['_sort', '_total', '_count', '_summary', '_elements']);
    const patient = rest.resource.find((r: { type: string }) => r.type === 'Patient');
    expect(patient.searchParam.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['_id', 'gender', 'birthdate']));
    expect(patient.searchRevInclude).toBeUndefined();
  });

  it('sorts _sort=_id in locale order, not code-point order', async () => {
    const mixed = generateRepositoryData({
      repositoryId: REPOSITORY_ID, seed: 5, cases: 12, subjectPrefix: 'FH',
      collections: [{ id: 'FH-LUNG', name: 'Lung', cancerSite: 'LUNG' }, { id: 'brain', name: 'Brain', cancerSite: 'BRAIN' }],
    });
    const server = await startMedplumWith(mixed);
    try {
      const ids = ((await (await fetch(`${server.baseUrl}/Patient?_sort=_id&_count=100`)).json()) as Bundle).entry!.map((e) => e.resource.id);
      expect(ids).toEqual([...ids].sort((a, b) => a.localeCompare(b)));
      expect(ids).not.toEqual([...ids].sort());
    } finally {
      await server.close();
    }
  });
});

describe('cohort on Medplum', () => {
  beforeAll(() => medplum.resetCounts());

  it.each(COHORT_FILTERS)('equals cohortOf over the ground truth, exact: %s', async (_, where) => {
    const filter = filterOf(where);
    const cohort = await adapter.cohort(filter, {}, { facets: true });
    expect(cohort).toEqual(expectedCohort(filter));
    expect(cohort.exact).toBe(true);
  });

  it('never sends what the server does not declare', () => {
    expect(medplum.requests.log.length).toBeGreaterThan(COHORT_FILTERS.length);
    expect(medplum.requests.log.filter((line) => /_has|_revinclude|_include/.test(decodeURIComponent(line)))).toEqual([]);
  });
});

describe('cases on Medplum', () => {
  it.each(EXACT_CASE_FILTERS)('pages completely, in code-point id order, with the total: %s', async (_, where) => {
    const filter = filterOf(where);
    const expected = expectedSubjects(filter);
    const { pages, subjects } = await walkPages(adapter, filter, 37);
    expect(subjects).toEqual(expected);
    expect(pages.every((p) => p.totalCount === expected.length)).toBe(true);
  });

  it.each(REFINED_CASE_FILTERS)('pages completely, evaluated locally: %s', async (_, where) => {
    const filter = filterOf(where);
    const { pages, subjects } = await walkPages(adapter, filter, 23);
    expect(subjects).toEqual(expectedSubjects(filter));
    expect(pages.every((p) => p.totalCount === null)).toBe(true);
  });

  it('lists each case as the ground truth has it, stage and DICOMweb URLs included', async () => {
    const { nodes } = await walkPages(adapter, {}, 120);
    const byId = new Map(truth.map((r) => [r.id, r]));
    const wado = `https://pacs.${REPOSITORY_ID}.example.org/dicom-web`;
    expect(nodes).toHaveLength(300);
    for (const node of nodes) {
      const record = byId.get(node.id)!;
      expect(asServed(node)).toEqual({
        ...record,
        studies: record.studies.map((study) => ({
          ...study,
          series: study.series.map((series) => ({
            ...series, sizeBytes: null, retrieve: { protocol: 'DICOMWEB_WADO_RS', url: `${wado}/studies/${study.uid}/series/${series.uid}` },
          })),
        })),
      });
    }
    expect(nodes.filter((n) => n.diagnosis?.stage).length).toBe(data.cases.filter((c) => c.diagnosis.stage).length);
  });

  it('loads studies in a batch and lists the collections with their patients', async () => {
    const some = truth.filter((_, i) => i % 7 === 0);
    const studies = await adapter.loadStudies(some.map(({ studies: _s, ...rest }) => rest), {});
    expect(studies.map((list) => list.map((s) => s.uid))).toEqual(some.map((r) => r.studies.map((s) => s.uid)));
    const collections = await adapter.collections({});
    expect(collections.map((c) => [c.id, c.subjects])).toEqual(
      data.collections.map((c) => c.id).sort().map((id) => [id, truth.filter((r) => r.collection === id).length]),
    );
  });
});

describe('the conformance kit on a Medplum-backed subgraph', () => {
  let subgraph: RunningSubgraph;
  let results: CheckResult[];

  beforeAll(async () => {
    subgraph = await serveRepositorySubgraph({ entry: fhirEntry(data, medplum.baseUrl), kind: fhirKind, port: 0 });
    results = await runConformance(subgraph.url);
  }, 120_000);

  afterAll(async () => {
    await subgraph?.close();
  });

  it('fails no check and runs the case checks', () => {
    const report = renderReport(subgraph.url, results);
    expect(results.filter((r) => r.outcome.status === 'fail').map((r) => `${r.check.name}: ${r.outcome.detail}`)).toEqual([]);
    expect(results.filter((r) => r.outcome.status === 'skip' && (r.check.area === 'cases' || r.check.area === 'errors'))).toEqual([]);
    expect(results.filter((r) => r.outcome.status === 'pass').length).toBeGreaterThanOrEqual(10);
    expect(report).toContain(subgraph.url);
  });
});

