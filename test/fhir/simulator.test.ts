/**
 * The FHIR R4 simulator speaks the protocol as README §2f, §7.1 and §7.4 describe it, quirks included: token,
 * reference and date search with prefixes, escapes, `_has`, `_include`/`_revinclude` (`:iterate`), opaque server-side
 * paging that expires (410), `total` only on request and only on the first page, `_summary=count` and `_count=0`
 * Bundles without `type`, HTTP 400 OperationOutcomes for unknown parameters unless `Prefer: handling=lenient`.
 * And it serves the synthetic ground truth faithfully (ages, years, sites, raw body parts, manufacturers).
 */
import { startFhirSimulator, type RunningFhirSimulator } from '../../simulators/fhir';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { toUnifiedCases } from '../../simulators/synthetic/unified';
import { completedYears } from '../../subgraphs/fhir/mapping';
import { fhirTestData } from './support';

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const SNOMED = 'http://snomed.info/sct';

let data: SyntheticRepositoryData;
let simulator: RunningFhirSimulator;

beforeAll(async () => {
  data = fhirTestData(120);
  simulator = await startFhirSimulator({ data });
});

afterAll(async () => {
  await simulator.close();
});

interface Entry { fullUrl?: string; resource: any; search?: { mode: string } }
interface Bundle { resourceType: string; type?: string; total?: number; link?: Array<{ relation: string; url: string }>; entry?: Entry[] }

async function get(query: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string | null; body: any }> {
  const response = await fetch(`${simulator.baseUrl}${query}`, { headers });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
}

async function bundle(query: string): Promise<Bundle> {
  const response = await get(query);
  expect(response.status).toBe(200);
  expect(response.type).toBe('application/fhir+json;charset=utf-8');
  return response.body as Bundle;
}

const matches = (b: Bundle) => (b.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource);
const ids = (b: Bundle) => matches(b).map((r) => r.id as string);
const next = (b: Bundle) => b.link?.find((l) => l.relation === 'next')?.url;

/** Every match of a search, following next links. */
async function all(query: string): Promise<any[]> {
  let page = await bundle(query);
  const resources = matches(page);
  for (let url = next(page); url; url = next(page)) {
    const response = await fetch(url);
    page = (await response.json()) as Bundle;
    resources.push(...matches(page));
  }
  return resources;
}

describe('search parameters', () => {
  it('matches a DCM-coded modality on any series, with or without the system', async () => {
    const expected = data.cases.filter((c) => c.studies.some((s) => s.series.some((x) => x.modality === 'PT')))
      .flatMap((c) => c.studies.filter((s) => s.series.some((x) => x.modality === 'PT')).map((s) => s.uid)).sort();
    const withSystem = await all(`/ImagingStudy?modality=${encodeURIComponent(`${DCM}|PT`)}&_count=100`);
    const codeOnly = await all('/ImagingStudy?modality=PT&_count=100');
    const uids = (list: any[]) => list.map((s) => (s.identifier[0].value as string).replace('urn:oid:', '')).sort();
    expect(uids(withSystem)).toEqual(expected);
    expect(uids(codeOnly)).toEqual(expected);
    expect(await all(`/ImagingStudy?modality=${encodeURIComponent('http://other.org|PT')}`)).toEqual([]);
    expect(await all(`/ImagingStudy?modality=${encodeURIComponent('|PT')}`)).toEqual([]);
  });

  it('ORs comma-separated values and ANDs repeated parameters', async () => {
    const male = (await all('/Patient?gender=male&_count=100')).length;
    const female = (await all('/Patient?gender=female&_count=100')).length;
    expect((await all('/Patient?gender=male,female&_count=100')).length).toBe(male + female);
    expect(await all('/Patient?gender=male&gender=female')).toEqual([]);
    expect(male + female).toBe(data.cases.filter((c) => c.sex === 'M' || c.sex === 'F').length);
  });

  it('keeps escaped commas and bars literal', async () => {
    const study = `ResearchStudy/${data.collections[0].id}`;
    const n = data.cases.filter((c) => c.collectionId === data.collections[0].id).length;
    expect((await all(`/ResearchSubject?study=${encodeURIComponent(study)}&_count=100`)).length).toBe(n);
    expect(await all(`/ResearchSubject?study=${encodeURIComponent(`${study}\\,${study}`)}`)).toEqual([]);
    expect((await all(`/ResearchSubject?study=${encodeURIComponent(`${study},${study}`)}&_count=100`)).length).toBe(n);
    expect(await all(`/Patient?gender=${encodeURIComponent('male\\|female')}`)).toEqual([]);
  });

  it('evaluates date prefixes over implicit ranges (onset as a date or a dateTime with offset)', async () => {
    const byYear = (min: number, max: number) => data.cases.filter((c) => c.diagnosis.year >= min && c.diagnosis.year <= max).length;
    const primaries = (list: any[]) => list.filter((c) => c.id.endsWith('-dx')).length;
    expect(primaries(await all('/Condition?onset-date=ge2012&onset-date=le2015&_count=100'))).toBe(byYear(2012, 2015));
    expect(primaries(await all('/Condition?onset-date=ge2012-01-01&onset-date=lt2016-01-01&_count=100'))).toBe(byYear(2012, 2015));
    expect(primaries(await all('/Condition?onset-date=2014&_count=100'))).toBe(byYear(2014, 2014));
    expect((await get('/Condition?onset-date=ge2014-13-40')).status).toBe(400);
  });

  it('evaluates _has reverse chains, nested, and :missing', async () => {
    const withCt = (await all(`/Patient?_has:ImagingStudy:subject:modality=${encodeURIComponent(`${DCM}|CT`)}&_count=100`)).map((p) => p.id).sort();
    const expected = data.cases.filter((c) => c.studies.some((s) => s.series.some((x) => x.modality === 'CT'))).map((c) => c.subjectId).sort();
    expect(withCt).toEqual(expected);
    const noGender = await all('/Patient?gender:missing=true&_count=100');
    expect(noGender.map((p) => p.id)).toEqual(data.cases.filter((c) => c.sex === '').map((c) => c.subjectId).sort().filter((id) => noGender.some((p) => p.id === id)));
    expect(noGender).toHaveLength(data.cases.filter((c) => c.sex === '').length);
    const staged = await all(`/Patient?_has:Condition:subject:_has:Observation:focus:code=${encodeURIComponent('http://loinc.org|21908-9,http://loinc.org|21902-2,http://loinc.org|21914-7')}&_count=100`);
    expect(staged).toHaveLength(data.cases.filter((c) => c.diagnosis.stage).length);
  });

  it('matches body sites by SNOMED code (current and legacy codes), never by the raw display', async () => {
    const chest = await all(`/ImagingStudy?bodysite=${encodeURIComponent(`${SNOMED}|816094009,${SNOMED}|51185008`)}&_count=100`);
    expect(chest.length).toBeGreaterThan(0);
    expect(chest.every((s) => s.series.some((x: any) => ['816094009', '51185008'].includes(x.bodySite?.code)))).toBe(true);
    expect(await all('/ImagingStudy?bodysite=CHEST')).toEqual([]);
  });

  it('answers POST _search like GET', async () => {
    const response = await fetch(`${simulator.baseUrl}/Patient/_search`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'gender=female&_sort=_id&_count=5',
    });
    expect(response.status).toBe(200);
    expect(ids((await response.json()) as Bundle)).toEqual(ids(await bundle('/Patient?gender=female&_sort=_id&_count=5')));
    const wrongType = await fetch(`${simulator.baseUrl}/Patient/_search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(wrongType.status).toBe(415);
  });
});

describe('errors as OperationOutcomes', () => {
  it('refuses an unknown parameter, modifier or chain with HTTP 400', async () => {
    for (const query of ['/Patient?bodysite=x', '/ImagingStudy?modality:text=CT', '/ImagingStudy?subject.gender=male', '/Patient?_include=Patient:nothing', '/Patient?_sort=birthdate']) {
      const response = await get(query);
      expect(response.status).toBe(400);
      expect(response.body.resourceType).toBe('OperationOutcome');
      expect(response.body.issue[0].severity).toBe('error');
    }
  });

  it('ignores unknown parameters under Prefer: handling=lenient and says so in an outcome entry', async () => {
    const response = await get('/Patient?gender=male&bodysite=x&_count=3', { prefer: 'handling=lenient' });
    expect(response.status).toBe(200);
    const b = response.body as Bundle;
    expect(ids(b)).toHaveLength(3);
    const outcome = b.entry!.find((e) => e.search?.mode === 'outcome');
    expect(outcome?.resource.issue[0]).toMatchObject({ severity: 'warning' });
  });

  it('answers 404 for unknown types and ids, and reads a resource by id', async () => {
    expect((await get('/Specimen?x=1')).status).toBe(404);
    expect((await get('/Patient/nobody')).status).toBe(404);
    const subject = data.cases[0].subjectId;
    expect((await get(`/Patient/${subject}`)).body).toMatchObject({ resourceType: 'Patient', id: subject });
  });
});

describe('paging and totals', () => {
  it('sorts by _id only when asked; the natural order differs', async () => {
    const sorted = ids(await bundle('/Patient?_sort=_id&_count=100'));
    const natural = ids(await bundle('/Patient?_count=100'));
    expect(sorted).toEqual([...sorted].sort());
    expect(natural).not.toEqual(sorted);
    const everyone = data.cases.map((c) => c.subjectId).sort();
    expect(ids(await bundle('/Patient?_sort=-_id&_count=5'))).toEqual([...everyone].reverse().slice(0, 5));
  });

  it('pages through opaque next links without gaps or duplicates, capping _count at 100', async () => {
    const first = await bundle('/Patient?_sort=_id&_count=500');
    expect(ids(first)).toHaveLength(100);
    expect(next(first)).toMatch(/\/fhir\?_getpages=[0-9a-f-]{36}&_getpagesoffset=100&_count=100&_bundletype=searchset$/);
    const everyone = (await all('/Patient?_sort=_id&_count=17')).map((p) => p.id);
    expect(everyone).toEqual(data.cases.map((c) => c.subjectId).sort());
  });

  it('sends total only on the first page and only when _total=accurate is asked', async () => {
    expect((await bundle('/Patient?_count=10')).total).toBeUndefined();
    const first = await bundle('/Patient?_count=10&_total=accurate');
    expect(first.total).toBe(120);
    const second = (await (await fetch(next(first)!)).json()) as Bundle;
    expect(second.total).toBeUndefined();
    expect(second.type).toBe('searchset');
  });

  it('answers _summary=count and _count=0 with total, no entries, no links and no type (HAPI #1763)', async () => {
    for (const query of ['/Patient?gender=female&_summary=count', '/Patient?gender=female&_count=0']) {
      const b = await bundle(query);
      expect(b.total).toBe(data.cases.filter((c) => c.sex === 'F').length);
      expect(b).not.toHaveProperty('type');
      expect(b).not.toHaveProperty('entry');
      expect(b).not.toHaveProperty('link');
    }
  });

  it('answers 410 Gone for a next link whose search expired', async () => {
    const first = await bundle('/Patient?_count=10');
    simulator.expireSearches();
    const response = await fetch(next(first)!);
    expect(response.status).toBe(410);
    expect(((await response.json()) as any).resourceType).toBe('OperationOutcome');
  });

  it('includes forward, reverse and iterated references, outside _count and total', async () => {
    const b = await bundle('/Patient?_sort=_id&_count=2&_total=accurate&_revinclude=ImagingStudy:subject&_revinclude=Condition:subject&_include:iterate=ImagingStudy:endpoint');
    expect(ids(b)).toHaveLength(2);
    expect(b.total).toBe(120);
    const included = b.entry!.filter((e) => e.search?.mode === 'include').map((e) => e.resource.resourceType);
    expect(new Set(included)).toEqual(new Set(['ImagingStudy', 'Condition', 'Endpoint']));
    const observations = await bundle(`/Observation?code=${encodeURIComponent('http://loinc.org|21908-9,http://loinc.org|21902-2,http://loinc.org|21914-7')}&_include=Observation:has-member&_count=100`);
    const withMembers = matches(observations).filter((o) => o.hasMember);
    const members = observations.entry!.filter((e) => e.search?.mode === 'include');
    expect(members.length).toBe(withMembers.length * 3);
  });

  it('writes links on the advertised base (a server behind a proxy)', async () => {
    const proxied = await startFhirSimulator({ data: fhirTestData(5), quirks: { advertisedBase: 'http://fhir-internal:8080/fhir', maxPageSize: 2 } });
    try {
      const b = (await (await fetch(`${proxied.baseUrl}/Patient?_count=50`)).json()) as Bundle;
      expect(ids(b)).toHaveLength(2);
      expect(next(b)).toMatch(/^http:\/\/fhir-internal:8080\/fhir\?_getpages=/);
      expect(b.entry![0].fullUrl).toMatch(/^http:\/\/fhir-internal:8080\/fhir\/Patient\//);
    } finally {
      await proxied.close();
    }
  });
});

describe('faithful to the ground truth', () => {
  it('writes ages, years, sites and stages that map back to the synthetic case', async () => {
    const patients = new Map((await all('/Patient?_count=100')).map((p) => [p.id, p]));
    const conditions = (await all(`/Condition?_profile=${encodeURIComponent('http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-primary-cancer-condition')}&_count=100`));
    expect(conditions).toHaveLength(data.cases.length);
    for (const c of data.cases) {
      const condition = conditions.find((x) => x.subject.reference === `Patient/${c.subjectId}`);
      expect(completedYears(patients.get(c.subjectId).birthDate, condition.onsetDateTime.slice(0, 10))).toBe(c.ageAtDiagnosis);
      expect(Number(condition.onsetDateTime.slice(0, 4))).toBe(c.diagnosis.year);
      expect(condition.code.coding[0].code).toBe(c.diagnosis.icd10);
      expect(condition.bodySite[0].coding.at(-1)).toEqual({ system: 'http://terminology.hl7.org/CodeSystem/icd-o-3', code: c.diagnosis.icdO3Topography });
    }
  });

  it('keeps raw body parts in bodySite.display and manufacturers in contained Devices', async () => {
    const truth = toUnifiedCases(data);
    const studies = await all('/ImagingStudy?_count=100');
    const byUid = new Map(studies.map((s) => [(s.identifier[0].value as string).replace('urn:oid:', ''), s]));
    for (const record of truth) {
      for (const study of record.studies) {
        const resource = byUid.get(study.uid);
        expect(resource.series.map((x: any) => x.bodySite?.display ?? null)).toEqual(study.series.map((x) => x.bodyPartRaw));
        const devices = new Map((resource.contained ?? []).map((d: any) => [`#${d.id}`, d.manufacturer]));
        expect(resource.series.map((x: any) => (x.performer ? devices.get(x.performer[0].actor.reference) : null))).toEqual(study.series.map((x) => x.manufacturer));
      }
    }
  });

  it('counts basic auth like the other simulators', async () => {
    const secured = await startFhirSimulator({ data: fhirTestData(3), basicAuth: { username: 'u', password: 'p' } });
    try {
      expect((await fetch(`${secured.baseUrl}/Patient`)).status).toBe(401);
      const ok = await fetch(`${secured.baseUrl}/Patient`, { headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` } });
      expect(ok.status).toBe(200);
    } finally {
      await secured.close();
    }
  });
});
