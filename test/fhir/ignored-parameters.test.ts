/**
 * Exact means exact on servers that ignore what they are sent. R4 lets a server ignore a search parameter it does
 * not support (search.html, "Handling Errors"): a search then matches more (or, on Medplum, nothing) without an
 * error. Against servers that ignore `_has`, `_revinclude`, `_include` or the very parameters of the criteria, some
 * saying so in their CapabilityStatement, some declaring them all the same and only leaving them out of the self
 * link, and Medplum, which says nothing and writes no self link: no count the adapter calls exact differs from the
 * ground truth, and filters on modality, body part, year of diagnosis and collection equal it.
 */
import type { CaseFilter } from '../../schema/generated/graphql';
import { startFhirSimulator, type FhirQuirks } from '../../simulators/fhir';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { toUnifiedCases } from '../support/ground-truth';
import { FhirAdapter } from '../../subgraphs/fhir';
import { cohortOf, matchCase } from '../../subgraphs/sdk/evaluate';
import { criteriaOf, withoutCriteria, type NormalizedFilter } from '../../subgraphs/sdk/filter';
import type { CohortRecord, FullCaseRecord } from '../../subgraphs/sdk/records';
import { walkPages } from '../support/adapter-kit';
import { startMedplumWith } from '../support/medplum-seed';
import { fhirEntry, fhirTestData, filterOf } from './support';

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';

interface Server {
  baseUrl: string;
  requests: { log: string[] };
  close(): Promise<void>;
}

const SERVERS: Array<[string, (data: SyntheticRepositoryData) => Promise<Server>]> = [
  ['a server without _has that says so', (data) => startFhirSimulator({ data, quirks: { unsupported: ['_has'] } })],
  ['a server that declares _has, _revinclude and _include but ignores them (self link only)', (data) => startFhirSimulator({
    data, quirks: { unsupported: ['_has', '_revinclude', '_include'], declaresUnsupported: true, ignoresPreferHandling: true },
  })],
  ['a server that declares the criteria\'s parameters but ignores them', (data) => startFhirSimulator({
    data, quirks: {
      unsupported: ['_has', 'ImagingStudy:modality', 'ResearchSubject:study', 'Condition:onset-date', 'Patient:gender'],
      declaresUnsupported: true, ignoresPreferHandling: true,
    } satisfies FhirQuirks,
  })],
  ['Medplum\'s FHIR router (no _has, no self link)', (data) => startMedplumWith(data)],
];

const FILTERS: Array<[string, CaseFilter]> = [
  ['modality', { modalities: ['CT'] }],
  ['modalities OR', { modalities: ['MR', 'MG'] }],
  ['body part', { bodyParts: ['CHEST'] }],
  ['year of diagnosis', { yearOfDiagnosis: { min: 2012, max: 2016 } }],
  ['collection', { collections: ['FH-LUNG'] }],
  ['collections OR with sex', { collections: ['FH-BREAST', 'FH-BRAIN'], sex: ['FEMALE'] }],
  ['modality AND year AND collection', { modalities: ['CT'], yearOfDiagnosis: { min: 2010 }, collections: ['FH-LUNG', 'FH-PROSTATE'] }],
  ['body part AND modality on one series', { bodyParts: ['CHEST'], modalities: ['PT'] }],
];

describe.each(SERVERS)('on %s', (_name, start) => {
  let data: SyntheticRepositoryData;
  let truth: FullCaseRecord[];
  let server: Server;
  let adapter: FhirAdapter;
  let bounded: FhirAdapter;

  beforeAll(async () => {
    data = fhirTestData(150);
    truth = toUnifiedCases(data);
    server = await start(data);
    adapter = new FhirAdapter(fhirEntry(data, server.baseUrl));
    bounded = new FhirAdapter(fhirEntry(data, server.baseUrl, { options: { maxCandidates: 30 } }));
  }, 60_000);

  afterAll(async () => {
    await adapter?.close();
    await bounded?.close();
    await server?.close();
  });

  const expected = (filter: NormalizedFilter) => cohortOf(truth, filter, { applied: criteriaOf(filter), notApplied: [] });

  /** An answer equals the ground truth of the criteria it says it applied, and is exact only when it applied all. */
  function honest(cohort: CohortRecord, filter: NormalizedFilter): void {
    const notApplied = cohort.filtersNotApplied.map((n) => n.criterion);
    expect(cohort.exact).toBe(notApplied.length === 0);
    expect(cohort.subjects).toBe(expected(withoutCriteria(filter, notApplied)).subjects);
  }

  it.each(FILTERS)('answers %s exactly as the ground truth', async (_label, where) => {
    const filter = filterOf(where);
    const cohort = await adapter.cohort(filter, {}, { facets: true });
    expect(cohort).toEqual(expected(filter));
    expect(cohort.exact).toBe(true);
    expect(expected(filter).subjects).toBeGreaterThan(0);
  });

  it.each(FILTERS)('never calls a count exact that differs from the truth, when bounded too: %s', async (_label, where) => {
    const filter = filterOf(where);
    honest(await bounded.cohort(filter, {}, { facets: false }), filter);
  });

  it('lists the cases of each filter as the ground truth has them', async () => {
    for (const [, where] of FILTERS) {
      const filter = filterOf(where);
      expect((await walkPages(adapter, filter, 17)).subjects).toEqual(truth.filter((r) => matchCase(r, filter) !== null).map((r) => r.subjectId));
    }
  });
});

describe('the servers really ignore what they are sent (the tests above are not vacuous)', () => {
  const data = fhirTestData(150);
  const withCt = toUnifiedCases(data).filter((r) => r.studies.some((s) => s.modalities.includes('CT'))).length;

  it.each(SERVERS)('%s does not answer a _has search with the patients it names', async (_name, start) => {
    const server = await start(data);
    try {
      const response = await fetch(`${server.baseUrl}/Patient?_has:ImagingStudy:subject:modality=${encodeURIComponent(`${DCM}|CT`)}&_summary=count`);
      const { total } = (await response.json()) as { total: number };
      expect(total).not.toBe(withCt);
    } finally {
      await server.close();
    }
  });

  it('the adapter stops sending what a server was seen ignoring', async () => {
    const server = await SERVERS[1][1](data);
    const adapter = new FhirAdapter(fhirEntry(data, server.baseUrl));
    try {
      await adapter.cohort(filterOf({ modalities: ['CT'] }), {}, { facets: false });
      const searches = server.requests.log.filter((line) => !line.includes('/metadata'));
      const hasSearches = searches.filter((line) => line.includes('_has'));
      expect(hasSearches).toHaveLength(1); // sent once (declared), left out of the self link, never again
      expect(searches.some((line) => line.startsWith('GET /fhir/ImagingStudy?modality='))).toBe(true);
      server.requests.log.length = 0;
      await adapter.cohort(filterOf({ modalities: ['MR'] }), {}, { facets: false });
      expect(server.requests.log.filter((line) => /_has|_revinclude/.test(line))).toEqual([]);
    } finally {
      await adapter.close();
      await server.close();
    }
  });
});
