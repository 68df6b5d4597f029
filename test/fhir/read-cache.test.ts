/**
 * The FHIR adapter's read cache (option `readCacheSeconds`, subgraphs/fhir/native-reads.ts) against the FHIR
 * simulator: cohorts that differ only in criteria the adapter evaluates itself (age at diagnosis: FHIR search
 * cannot express it) read the candidate patients and their records once, and every count still equals cohortOf
 * over the ground truth. Each test makes its own adapter, so that no test finds what another read.
 */
import type { CaseFilter } from '../../schema/generated/graphql';
import { startFhirSimulator, type RunningFhirSimulator } from '../../simulators/fhir';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { toUnifiedCases } from '../support/ground-truth';
import { FhirAdapter } from '../../subgraphs/fhir';
import { cohortOf } from '../../subgraphs/sdk/evaluate';
import { criteriaOf } from '../../subgraphs/sdk/filter';
import type { FullCaseRecord } from '../../subgraphs/sdk/records';
import { fhirEntry, fhirTestData, filterOf } from './support';

/** Two questions a portal asks one after the other: the same patients, two age bands. */
const OLDER: CaseFilter = { collections: ['FH-BREAST', 'FH-LUNG'], sex: ['FEMALE'], ageAtDiagnosis: { min: 60 } };
const YOUNGER: CaseFilter = { collections: ['FH-BREAST', 'FH-LUNG'], sex: ['FEMALE'], ageAtDiagnosis: { max: 59 } };

let data: SyntheticRepositoryData;
let truth: FullCaseRecord[];
let simulator: RunningFhirSimulator;
const adapters: FhirAdapter[] = [];

beforeAll(async () => {
  data = fhirTestData(300);
  truth = toUnifiedCases(data);
  simulator = await startFhirSimulator({ data });
});

afterAll(async () => {
  await Promise.all(adapters.map((adapter) => adapter.close()));
  await simulator.close();
});

function adapterWith(options: Record<string, unknown>): FhirAdapter {
  const adapter = new FhirAdapter(fhirEntry(data, simulator.baseUrl, { options }));
  adapters.push(adapter);
  return adapter;
}

/** The adapter's cohort, checked against the ground truth, and the native requests it cost. */
async function cohort(adapter: FhirAdapter, where: CaseFilter): Promise<{ subjects: number | null; requests: number }> {
  const before = simulator.requests.total;
  const filter = filterOf(where);
  const answer = await adapter.cohort(filter, {}, { facets: true });
  expect(answer).toEqual(cohortOf(truth, filter, { applied: criteriaOf(filter), notApplied: [] }));
  return { subjects: answer.subjects, requests: simulator.requests.total - before };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('is not vacuous: the two age bands split the same candidates, both non-empty', () => {
  const [older, younger, both] = [OLDER, YOUNGER, { ...OLDER, ageAtDiagnosis: undefined }].map((where) => cohortOf(truth, filterOf(where), { applied: [], notApplied: [] }).subjects!);
  expect(older).toBeGreaterThan(0);
  expect(younger).toBeGreaterThan(0);
  expect(older + younger).toBeLessThanOrEqual(both);
});

it('with readCacheSeconds 60, a cohort that differs only in age at diagnosis costs no native request, its count exact', async () => {
  const adapter = adapterWith({ readCacheSeconds: 60 });
  const first = await cohort(adapter, OLDER);
  const second = await cohort(adapter, YOUNGER);
  expect(first.requests).toBeGreaterThan(1);
  expect(second.requests).toBe(0);
  expect(first.subjects).not.toBe(second.subjects);
  // A criterion FHIR searches (sex) is another candidate list: that costs native requests again.
  expect((await cohort(adapter, { ...OLDER, sex: ['MALE'] })).requests).toBeGreaterThan(0);
});

it('by default (0) reads again for every cohort', async () => {
  const adapter = adapterWith({});
  const first = await cohort(adapter, OLDER);
  const second = await cohort(adapter, YOUNGER);
  // The first also read the server's CapabilityStatement.
  expect(second.requests).toBeGreaterThan(0);
  expect(second.requests).toBe(first.requests - 1);
});

it('shares reads in flight: two cohorts asked at once cost what one costs', async () => {
  const alone = await cohort(adapterWith({ readCacheSeconds: 60 }), OLDER);
  const adapter = adapterWith({ readCacheSeconds: 60 });
  const before = simulator.requests.total;
  const [older, younger] = await Promise.all([cohort(adapter, OLDER), cohort(adapter, YOUNGER)]);
  expect(simulator.requests.total - before).toBe(alone.requests);
  expect(older.subjects).toBe(alone.subjects);
  expect(younger.subjects).toBeGreaterThan(0);
});

it('reads again once what it kept is older than readCacheSeconds', async () => {
  const adapter = adapterWith({ readCacheSeconds: 1 });
  const first = await cohort(adapter, OLDER);
  expect((await cohort(adapter, YOUNGER)).requests).toBe(0);
  await sleep(1100);
  const later = await cohort(adapter, YOUNGER);
  expect(later.requests).toBe(first.requests - 1);
  expect((await cohort(adapter, OLDER)).requests).toBe(0);
});

it('refuses a readCacheSeconds outside 0..3600', () => {
  expect(() => adapterWith({ readCacheSeconds: -1 })).toThrow(/readCacheSeconds: must be an integer between 0 and 3600/);
  expect(() => adapterWith({ readCacheSeconds: 3601 })).toThrow(/readCacheSeconds/);
});
