/**
 * The FHIR adapter's index (mode "index", the default): cohorts counted from a harvested copy of every patient's
 * record equal cohortOf over the ground truth and ask the server nothing; until the first harvest is done, and on a
 * server that cannot be indexed (too many patients, reverse includes it only claims), cohorts are asked live and
 * are just as exact.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startFhirSimulator, type RunningFhirSimulator } from '../../simulators/fhir';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { FhirAdapter } from '../../subgraphs/fhir';
import { cohortOf } from '../../subgraphs/sdk/evaluate';
import { criteriaOf, type NormalizedFilter } from '../../subgraphs/sdk/filter';
import type { FullCaseRecord } from '../../subgraphs/sdk/records';
import { until } from '../cache/support';
import { toUnifiedCases } from '../support/ground-truth';
import { COHORT_FILTERS } from './filters';
import { fhirEntry, fhirTestData, filterOf } from './support';

let data: SyntheticRepositoryData;
let truth: FullCaseRecord[];
let simulator: RunningFhirSimulator;
const opened: FhirAdapter[] = [];

beforeAll(async () => {
  data = fhirTestData(300);
  truth = toUnifiedCases(data);
  simulator = await startFhirSimulator({ data });
});

afterAll(async () => {
  await Promise.all(opened.map((adapter) => adapter.close()));
  await simulator.close();
});

function indexed(options: Record<string, unknown> = {}, endpoint = simulator.baseUrl): FhirAdapter {
  const adapter = new FhirAdapter(fhirEntry(data, endpoint, { options: { mode: 'index', ...options } }));
  opened.push(adapter);
  return adapter;
}

function expectedCohort(filter: NormalizedFilter) {
  return cohortOf(truth, filter, { applied: criteriaOf(filter), notApplied: [] });
}

/** Waits until the server has had no request for a while (a background harvest is over). */
async function quiet(server: RunningFhirSimulator): Promise<void> {
  for (let seen = -1; seen !== server.requests.total;) {
    seen = server.requests.total;
    await sleep(150);
  }
}

describe('a harvested index', () => {
  let adapter: FhirAdapter;
  beforeAll(async () => {
    adapter = indexed();
    simulator.resetCounts();
    await adapter.warmUp();
  });

  it('is harvested in one paged Patient search that reverse-includes what a record needs', () => {
    // The CapabilityStatement, then 300 patients at 100 a page.
    const [metadata, first, ...later] = simulator.requests.log;
    expect(metadata).toMatch(/^GET \/fhir\/metadata/);
    expect(first).toMatch(/^GET \/fhir\/Patient\?_revinclude=ImagingStudy%3Asubject&_revinclude=Condition%3Asubject&_revinclude=ResearchSubject%3Aindividual&/);
    expect(later).toHaveLength(2);
    expect(later.every((line) => line.startsWith('GET /fhir?_getpages='))).toBe(true);
  });

  it.each(COHORT_FILTERS)('counts without a native request, equal to cohortOf over the ground truth: %s', async (_, where) => {
    const filter = filterOf(where);
    simulator.resetCounts();
    const cohort = await adapter.cohort(filter, {}, { facets: true });
    expect(simulator.requests.total).toBe(0);
    expect(cohort).toEqual(expectedCohort(filter));
    expect(cohort.exact).toBe(true);
  });
});

describe('the product\'s default', () => {
  it('is the index: with no options, a harvested repository is counted without a native request', async () => {
    const adapter = new FhirAdapter({ ...fhirEntry(data, simulator.baseUrl), options: {} });
    opened.push(adapter);
    await adapter.warmUp();
    simulator.resetCounts();
    const filter = filterOf({ modalities: ['CT'] });
    expect(await adapter.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter));
    expect(simulator.requests.total).toBe(0);
  });
});

describe('before its first harvest', () => {
  it('answers live, exactly, and harvests meanwhile; then answers from the index', async () => {
    const adapter = indexed();
    const filter = filterOf({ modalities: ['MR', 'MG'] });
    simulator.resetCounts();
    expect(await adapter.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter));
    // The live search (with its filter) and the harvest (without), begun in the background; then that harvest's end
    // (warmUp joins the harvest in flight: a pause between its pages on a busy machine is no end).
    await until(() => simulator.requests.log.some((line) => line.startsWith('GET /fhir/Patient?') && !line.includes('_has')), 5_000, 'the harvest\'s first request');
    expect(simulator.requests.log.some((line) => line.includes('_has%3AImagingStudy'))).toBe(true);
    expect(simulator.requests.log.some((line) => line.startsWith('GET /fhir/Patient?') && !line.includes('_has'))).toBe(true);
    await adapter.warmUp();
    simulator.resetCounts();
    expect(await adapter.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter));
    expect(simulator.requests.total).toBe(0);
  });
});

describe('a repository that is not indexed', () => {
  it('holds more patients than indexMaxPatients: every cohort is asked live', async () => {
    const adapter = indexed({ indexMaxPatients: 299 });
    await adapter.warmUp();
    const filter = filterOf({ sex: ['MALE'] });
    simulator.resetCounts();
    expect(await adapter.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter));
    expect(simulator.requests.total).toBeGreaterThan(0);
  });

  it('says it reverse-includes but does not (its self links tell): every cohort is asked live, just as exact', async () => {
    const claims = await startFhirSimulator({ data, quirks: { unsupported: ['_revinclude'], declaresUnsupported: true, ignoresPreferHandling: true } });
    try {
      const adapter = indexed({}, claims.baseUrl);
      await adapter.warmUp();
      for (const [, where] of COHORT_FILTERS.slice(0, 4)) {
        const filter = filterOf(where);
        claims.resetCounts();
        expect(await adapter.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter));
        expect(claims.requests.total).toBeGreaterThan(0);
      }
    } finally {
      await claims.close();
    }
  });
});

describe('an index older than indexTtlSeconds', () => {
  it('answers at once while it is harvested again in the background', async () => {
    const adapter = indexed({ indexTtlSeconds: 2 });
    await adapter.warmUp();
    await sleep(2_100);
    simulator.resetCounts();
    const filter = filterOf({ cancerSites: ['LUNG', 'BRAIN'] });
    expect(await adapter.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter));
    // The refresh begun in the background, then over (warmUp joins it: a pause between its pages is no end): the
    // unfiltered Patient search again, and nothing else.
    await until(() => simulator.requests.log.length > 0, 5_000, 'the refresh\'s first request');
    expect(simulator.requests.total).toBeGreaterThan(0);
    await adapter.warmUp();
    expect(simulator.requests.total).toBe(3);
    simulator.resetCounts();
    await adapter.cohort(filter, {}, { facets: true });
    expect(simulator.requests.total).toBe(0);
  });
});

describe('an index whose refresh fails', () => {
  it('answers from its copy, tries again only after a while, and once the copy is twice its TTL old asks live', async () => {
    const failing = await startFhirSimulator({ data });
    try {
      const adapter = indexed({ indexTtlSeconds: 2 }, failing.baseUrl);
      await adapter.warmUp();
      const harvested = Date.now();
      const filter = filterOf({ sex: ['FEMALE'], modalities: ['MR'] });
      failing.faults.httpStatus = 503;
      await sleep(2_100);
      // Stale: answered from the copy; its refresh fails in the background.
      expect(await adapter.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter));
      await quiet(failing);
      const tried = failing.requests.total;
      expect(tried).toBeGreaterThan(0);
      // The next queries do not start another full read of the failing server.
      expect(await adapter.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter));
      await quiet(failing);
      expect(failing.requests.total).toBe(tried);
      // Twice its TTL old: not answered from any more; asked live, which fails while the server does.
      await sleep(Math.max(0, harvested + 4_100 - Date.now()));
      await expect(adapter.cohort(filter, {}, { facets: true })).rejects.toThrow(/503/);
      // The server back: the live answer is exact.
      delete failing.faults.httpStatus;
      expect(await adapter.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter));
    } finally {
      await failing.close();
    }
  }, 20_000);
});

describe('an index whose refresh comes back unbounded', () => {
  it('keeps answering from its copy (a server that left its totals out for a while) and says why once', async () => {
    const lapsing = await startFhirSimulator({ data });
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const adapter = indexed({ indexTtlSeconds: 2 }, lapsing.baseUrl);
      await adapter.warmUp();
      const filter = filterOf({ cancerSites: ['BREAST'], modalities: ['MR', 'CT'] });
      lapsing.quirks.omitTotal = true;
      await sleep(2_100);
      // Stale: answered from the copy while the refresh reads pages without a total.
      expect(await adapter.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter));
      await quiet(lapsing);
      expect(lapsing.requests.total).toBeGreaterThan(0);
      lapsing.resetCounts();
      // The copy still answers, and nothing is asked live.
      expect(await adapter.cohort(filter, {}, { facets: true })).toEqual(expectedCohort(filter));
      expect(lapsing.requests.total).toBe(0);
      const said = warned.mock.calls.map((call) => String(call[0]));
      expect(said).toEqual([expect.stringMatching(/index harvest failed, its copy answers until it is twice indexTtlSeconds old.*unbounded/)]);
    } finally {
      warned.mockRestore();
      await lapsing.close();
    }
  }, 20_000);
});
