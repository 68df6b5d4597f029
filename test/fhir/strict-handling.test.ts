/**
 * `Prefer: handling=strict` (R4 search.html, "Handling Errors"): the adapter asks every search strictly, so a server
 * that honours it refuses a parameter it does not support (HTTP 400 with an OperationOutcome) instead of ignoring
 * it. Against servers that declare parameters in their CapabilityStatement but refuse them under strict handling,
 * every cohort and case list equals the ground truth, and no query fails because of a refused parameter. The
 * header is on every request, and the servers really refuse (the tests are not vacuous).
 */
import { startFhirSimulator, type FhirQuirks, type RunningFhirSimulator } from '../../simulators/fhir';
import { startSimulator, type RunningSimulator } from '../../simulators/http-server';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { toUnifiedCases } from '../support/ground-truth';
import { FhirAdapter } from '../../subgraphs/fhir';
import { cohortOf, matchCase } from '../../subgraphs/sdk/evaluate';
import { criteriaOf } from '../../subgraphs/sdk/filter';
import type { FullCaseRecord } from '../../subgraphs/sdk/records';
import { walkPages } from '../support/adapter-kit';
import { COHORT_FILTERS } from './filters';
import { ErrorCode, fhirEntry, fhirTestData, filterOf, REPOSITORY_ID } from './support';

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';

/** Strict servers: each declares what it does not implement and answers 400 to it under strict handling. */
const STRICT_SERVERS: Array<[string, FhirQuirks]> = [
  ['a strict server that declares _has, _revinclude and _include but refuses them', {
    unsupported: ['_has', '_revinclude', '_include'], declaresUnsupported: true,
  }],
  ['a strict server that declares the criteria\'s parameters but refuses them', {
    unsupported: ['_has', 'ImagingStudy:modality', 'ResearchSubject:study', 'Condition:onset-date', 'Patient:gender'], declaresUnsupported: true,
  }],
];

/**
 * A proxy in front of a simulator that records the Prefer header and the status of every request, so a test can
 * see what the adapter sent and that the server refused.
 */
async function recording(target: RunningFhirSimulator): Promise<RunningSimulator & { seen: Array<{ path: string; prefer: string | undefined; status: number }> }> {
  const seen: Array<{ path: string; prefer: string | undefined; status: number }> = [];
  const proxy = await startSimulator({ name: 'recording proxy' }, async (request) => {
    const prefer = request.headers.prefer === undefined ? undefined : String(request.headers.prefer);
    const headers: Record<string, string> = { accept: String(request.headers.accept ?? 'application/fhir+json') };
    if (prefer !== undefined) headers.prefer = prefer;
    if (request.headers['content-type']) headers['content-type'] = String(request.headers['content-type']);
    const response = await fetch(`${target.origin}${request.url.pathname}${request.url.search}`, {
      method: request.method, headers, body: request.method === 'POST' ? request.body : undefined,
    });
    seen.push({ path: `${request.method} ${request.url.pathname}`, prefer, status: response.status });
    return { status: response.status, headers: { 'Content-Type': response.headers.get('content-type') ?? 'application/fhir+json' }, body: await response.text() };
  });
  return Object.assign(proxy, { seen });
}

describe.each(STRICT_SERVERS)('on %s', (_name, quirks) => {
  let data: SyntheticRepositoryData;
  let truth: FullCaseRecord[];
  let server: RunningFhirSimulator;
  let adapter: FhirAdapter;

  beforeAll(async () => {
    data = fhirTestData(150);
    truth = toUnifiedCases(data);
    server = await startFhirSimulator({ data, quirks });
    adapter = new FhirAdapter(fhirEntry(data, server.baseUrl));
  }, 60_000);

  afterAll(async () => {
    await adapter?.close();
    await server?.close();
  });

  it.each(COHORT_FILTERS)('answers %s exactly as the ground truth', async (_label, where) => {
    const filter = filterOf(where);
    const cohort = await adapter.cohort(filter, {}, { facets: true });
    expect(cohort).toEqual(cohortOf(truth, filter, { applied: criteriaOf(filter), notApplied: [] }));
    expect(cohort.exact).toBe(true);
  });

  it('lists the cases of modality, body part, year and collection filters as the ground truth has them', async () => {
    for (const where of [{ modalities: ['CT' as const] }, { bodyParts: ['CHEST' as const] }, { yearOfDiagnosis: { min: 2012, max: 2016 } }, { collections: ['FH-LUNG'] }]) {
      const filter = filterOf(where);
      const expected = truth.filter((r) => matchCase(r, filter) !== null).map((r) => r.subjectId);
      expect(expected.length).toBeGreaterThan(0);
      expect((await walkPages(adapter, filter, 17)).subjects).toEqual(expected);
    }
  });
});

describe('the adapter asks strictly, and the servers really refuse', () => {
  const data = fhirTestData(60);

  it.each(STRICT_SERVERS)('%s answers a strict _has search with HTTP 400 and an OperationOutcome naming it', async (_name, quirks) => {
    const server = await startFhirSimulator({ data, quirks });
    try {
      const response = await fetch(`${server.baseUrl}/Patient?_has:ImagingStudy:subject:modality=${encodeURIComponent(`${DCM}|CT`)}`, {
        headers: { prefer: 'handling=strict' },
      });
      expect(response.status).toBe(400);
      const outcome = (await response.json()) as { resourceType: string; issue: Array<{ diagnostics: string }> };
      expect(outcome.resourceType).toBe('OperationOutcome');
      expect(outcome.issue[0].diagnostics).toMatch(/_has/);
    } finally {
      await server.close();
    }
  });

  it('sends Prefer: handling=strict with every request, is refused, plans without the refused parameters, and never asks them again', async () => {
    const server = await startFhirSimulator({ data, quirks: STRICT_SERVERS[1][1] });
    const proxy = await recording(server);
    const adapter = new FhirAdapter(fhirEntry(data, `${proxy.origin}/fhir`));
    try {
      const filter = filterOf({ modalities: ['CT'], collections: ['FH-LUNG', 'FH-BREAST'], sex: ['FEMALE'] });
      const cohort = await adapter.cohort(filter, {}, { facets: true });
      expect(cohort).toEqual(cohortOf(toUnifiedCases(data), filter, { applied: criteriaOf(filter), notApplied: [] }));
      expect(proxy.seen.length).toBeGreaterThan(1);
      expect(proxy.seen.filter((r) => r.prefer !== 'handling=strict')).toEqual([]);
      expect(proxy.seen.some((r) => r.status === 400)).toBe(true);

      proxy.seen.length = 0;
      await adapter.cohort(filterOf({ modalities: ['MR'], sex: ['MALE'] }), {}, { facets: false });
      expect(proxy.seen.filter((r) => r.status === 400)).toEqual([]);
    } finally {
      await adapter.close();
      await proxy.close();
      await server.close();
    }
  });

  it('a refusal that names no parameter it sent is asked once more leniently, and a refusal of that too stays an HTTP error', async () => {
    // A server that refuses every strict search with an OperationOutcome naming nothing it was sent, and answers
    // lenient ones through the simulator: the count is right. One that refuses both fails as REPOSITORY_HTTP_ERROR.
    const server = await startFhirSimulator({ data });
    const outcome = JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-supported', diagnostics: 'This search is not supported in strict mode' }] });
    const front = (refuseLenient: boolean) => startSimulator({ name: 'vague strict server' }, async (request) => {
      const strict = /handling=strict/.test(String(request.headers.prefer ?? ''));
      if (!request.url.pathname.endsWith('/metadata') && (strict || refuseLenient)) {
        return { status: 400, headers: { 'Content-Type': 'application/fhir+json' }, body: outcome };
      }
      const response = await fetch(`${server.origin}${request.url.pathname}${request.url.search}`, {
        method: request.method, body: request.method === 'POST' ? request.body : undefined,
        headers: request.method === 'POST' ? { 'content-type': String(request.headers['content-type']) } : {},
      });
      return { status: response.status, headers: { 'Content-Type': 'application/fhir+json' }, body: await response.text() };
    });
    const vague = await front(false);
    const refusing = await front(true);
    const adapter = new FhirAdapter(fhirEntry(data, `${vague.origin}/fhir`));
    const failing = new FhirAdapter(fhirEntry(data, `${refusing.origin}/fhir`));
    try {
      const filter = filterOf({ modalities: ['CT'] });
      expect(await adapter.cohort(filter, {}, { facets: false })).toEqual(cohortOf(toUnifiedCases(data), filter, { applied: criteriaOf(filter), notApplied: [] }));
      const error = await failing.cohort(filter, {}, { facets: false }).then(() => null, (e: unknown) => e as { extensions: Record<string, unknown>; message: string });
      expect(error?.extensions).toMatchObject({ code: ErrorCode.HTTP_ERROR, repositoryId: REPOSITORY_ID, httpStatus: 400 });
      expect(error?.message).not.toMatch(/strict mode/); // the outcome's text never reaches a message
    } finally {
      await adapter.close();
      await failing.close();
      await vague.close();
      await refusing.close();
      await server.close();
    }
  });
});
