/**
 * The FHIR R4 simulator speaks the protocol as README §2f, §7.1 and §7.4 describe it, quirks included: token,
 * reference and date search with prefixes, escapes, `_has`, `_include`/`_revinclude` (`:iterate`), opaque server-side
 * paging that expires (410), `total` only on request and only on the first page, `_summary=count` and `_count=0`
 * Bundles without `type`, unknown and unsupported parameters ignored and left out of the self link (HTTP 400 under
 * `Prefer: handling=strict`), a CapabilityStatement that says what it supports, `_sort=_id` in locale order, and
 * body sites some of which carry display text only.
 * And it serves the synthetic ground truth faithfully (ages, years, sites, raw body parts, manufacturers).
 */
import { normaliseBodyPart } from '../../schema/codes/body-part';
import { startFhirSimulator, type RunningFhirSimulator } from '../../simulators/fhir';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { toUnifiedCases } from '../support/ground-truth';
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
  it('refuses an unknown parameter, modifier or chain with HTTP 400 under Prefer: handling=strict', async () => {
    for (const query of ['/Patient?bodysite=x', '/ImagingStudy?modality:text=CT', '/ImagingStudy?subject.gender=male', '/Patient?_include=Patient:nothing', '/Patient?_sort=birthdate']) {
      const response = await get(query, { prefer: 'handling=strict' });
      expect([query, response.status]).toEqual([query, 400]);
      expect(response.body.resourceType).toBe('OperationOutcome');
      expect(response.body.issue[0].severity).toBe('error');
    }
  });

  it('ignores unknown parameters by default and leaves them out of the self link, which lists what it used', async () => {
    const response = await get('/Patient?gender=male&bodysite=x&_count=3', {});
    expect(response.status).toBe(200);
    const b = response.body as Bundle;
    expect(ids(b)).toHaveLength(3);
    expect(b.entry!.every((e) => e.search?.mode === 'match')).toBe(true);
    const self = new URL(b.link!.find((l) => l.relation === 'self')!.url);
    expect([...self.searchParams.keys()]).toEqual(['gender', '_count']);
    // An invalid value of a known parameter is an error whatever the handling.
    expect((await get('/Patient?_count=many')).status).toBe(400);
  });

  it('answers 404 for unknown types and ids, and reads a resource by id', async () => {
    expect((await get('/Specimen?x=1')).status).toBe(404);
    expect((await get('/Patient/nobody')).status).toBe(404);
    const subject = data.cases[0].subjectId;
    expect((await get(`/Patient/${subject}`)).body).toMatchObject({ resourceType: 'Patient', id: subject });
  });
});

describe('a deployment\'s limits, and what it says about them', () => {
  it('declares its search parameters, _has and the include values in its CapabilityStatement', async () => {
    const statement = (await get('/metadata')).body;
    expect(statement.resourceType).toBe('CapabilityStatement');
    const rest = statement.rest[0];
    expect(rest.searchParam.map((p: any) => p.name)).toEqual(expect.arrayContaining(['_has', '_summary', '_elements', '_count']));
    const resource = (type: string) => rest.resource.find((r: any) => r.type === type);
    expect(resource('ImagingStudy').searchParam.map((p: any) => p.name)).toEqual(expect.arrayContaining(['modality', 'bodysite', 'subject', '_id']));
    expect(resource('Patient').searchRevInclude).toEqual(expect.arrayContaining(['ImagingStudy:subject', 'Condition:subject', 'ResearchSubject:individual']));
    expect(resource('ImagingStudy').searchInclude).toContain('ImagingStudy:endpoint');
  });

  it('ignores what it does not implement, leaves it out of the self link and of its CapabilityStatement', async () => {
    const limited = await startFhirSimulator({ data, quirks: { unsupported: ['_has', '_revinclude', 'ImagingStudy:modality'] } });
    try {
      const query = `/Patient?_has:ImagingStudy:subject:modality=${encodeURIComponent(`${DCM}|CT`)}&_revinclude=ImagingStudy:subject&gender=male&_count=100`;
      const b = (await (await fetch(`${limited.baseUrl}${query}`)).json()) as Bundle;
      expect(ids(b)).toHaveLength(data.cases.filter((c) => c.sex === 'M').length); // every man, not only those with CT
      expect(b.entry!.every((e) => e.resource.resourceType === 'Patient')).toBe(true);
      expect([...new URL(b.link![0].url).searchParams.keys()]).toEqual(['gender', '_count']);
      const studies = (await (await fetch(`${limited.baseUrl}/ImagingStudy?modality=CT&_count=5`)).json()) as Bundle;
      expect(ids(studies)).toHaveLength(5);
      const strict = await fetch(`${limited.baseUrl}${query}`, { headers: { prefer: 'handling=strict' } });
      expect(strict.status).toBe(400);
      const statement = (await (await fetch(`${limited.baseUrl}/metadata`)).json()) as any;
      expect(statement.rest[0].searchParam.map((p: any) => p.name)).not.toContain('_has');
      const patient = statement.rest[0].resource.find((r: any) => r.type === 'Patient');
      expect(patient.searchRevInclude).toEqual([]);
      expect(statement.rest[0].resource.find((r: any) => r.type === 'ImagingStudy').searchParam.map((p: any) => p.name)).not.toContain('modality');
    } finally {
      await limited.close();
    }
  });

  it('can promise more than it does (declaresUnsupported) and ignore Prefer: handling=strict', async () => {
    const misleading = await startFhirSimulator({ data, quirks: { unsupported: ['_has'], declaresUnsupported: true, ignoresPreferHandling: true } });
    try {
      const statement = (await (await fetch(`${misleading.baseUrl}/metadata`)).json()) as any;
      expect(statement.rest[0].searchParam.map((p: any) => p.name)).toContain('_has');
      const response = await fetch(`${misleading.baseUrl}/Patient?_has:ImagingStudy:subject:modality=CT&_count=100`, { headers: { prefer: 'handling=strict' } });
      expect(response.status).toBe(200);
      const b = (await response.json()) as Bundle;
      expect(ids(b)).toHaveLength(100);
      expect(new URL(b.link![0].url).searchParams.has('_has:ImagingStudy:subject:modality')).toBe(false);
    } finally {
      await misleading.close();
    }
  });

  it('returns only the asked elements with _elements, marked SUBSETTED', async () => {
    const b = await bundle('/ImagingStudy?_elements=subject&_count=3');
    for (const study of matches(b)) {
      expect(Object.keys(study).sort()).toEqual(['id', 'meta', 'resourceType', 'subject']);
      expect(study.meta.tag[0].code).toBe('SUBSETTED');
    }
  });

  it('writes some known body parts as display text only, which a bodysite search cannot find', async () => {
    const studies = await all('/ImagingStudy?_count=100');
    const chest = (study: any) => study.series.filter((x: any) => x.bodySite && normaliseBodyPart(x.bodySite.display) === 'CHEST');
    // Studies whose every chest series says so in text only: `{"display": "Chest"}`.
    const textOnly = studies.filter((study) => chest(study).length > 0 && chest(study).every((x: any) => x.bodySite.code === undefined));
    expect(textOnly.length).toBeGreaterThan(0);
    const found = new Set((await all(`/ImagingStudy?bodysite=${encodeURIComponent(`${SNOMED}|816094009,${SNOMED}|51185008`)}&_count=100`)).map((s) => s.id));
    expect(found.size).toBeGreaterThan(0);
    expect(textOnly.filter((study) => found.has(study.id))).toEqual([]);
  });
});

describe('paging and totals', () => {
  it('sorts by _id only when asked, in locale order; the natural order differs', async () => {
    const sorted = ids(await bundle('/Patient?_sort=_id&_count=100'));
    const natural = ids(await bundle('/Patient?_count=100'));
    expect(sorted).toEqual([...sorted].sort((a, b) => a.localeCompare(b)));
    expect(natural).not.toEqual(sorted);
    const everyone = data.cases.map((c) => c.subjectId).sort((a, b) => a.localeCompare(b));
    expect(ids(await bundle('/Patient?_sort=-_id&_count=5'))).toEqual([...everyone].reverse().slice(0, 5));
  });

  it('pages through opaque next links without gaps or duplicates, capping _count at 100', async () => {
    const first = await bundle('/Patient?_sort=_id&_count=500');
    expect(ids(first)).toHaveLength(100);
    expect(next(first)).toMatch(/\/fhir\?_getpages=[0-9a-f-]{36}&_getpagesoffset=100&_count=100&_bundletype=searchset$/);
    const everyone = (await all('/Patient?_sort=_id&_count=17')).map((p) => p.id);
    expect(everyone).toEqual(data.cases.map((c) => c.subjectId).sort((a, b) => a.localeCompare(b)));
  });

  it('sends total only on the first page and only when _total=accurate is asked', async () => {
    expect((await bundle('/Patient?_count=10')).total).toBeUndefined();
    const first = await bundle('/Patient?_count=10&_total=accurate');
    expect(first.total).toBe(120);
    const second = (await (await fetch(next(first)!)).json()) as Bundle;
    expect(second.total).toBeUndefined();
    expect(second.type).toBe('searchset');
  });

  it('answers _summary=count and _count=0 with total, no entries, only a self link and no type (HAPI #1763)', async () => {
    for (const query of ['/Patient?gender=female&_summary=count', '/Patient?gender=female&_count=0']) {
      const b = await bundle(query);
      expect(b.total).toBe(data.cases.filter((c) => c.sex === 'F').length);
      expect(b).not.toHaveProperty('type');
      expect(b).not.toHaveProperty('entry');
      expect(b.link!.map((l) => l.relation)).toEqual(['self']);
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
