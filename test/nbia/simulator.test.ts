/**
 * The NBIA simulator speaks the protocol as README §2a/§7.3 describe it: allow-listed, case-sensitive query
 * parameters (400 otherwise), empty bodies for no result, PatientId vs PatientID, the v4 ValuesAndCounts shape, and
 * getSimpleSearch's required form fields, paging slice and same-series criteria; with the quirks of real TCIA data
 * and servers: phantom subjects (getPatient `Phantom: "YES"`, PhantomCriteria) and the v1 API's column names.
 * The protocol tests run on an archive without phantoms, so their answers compare with the synthetic patients.
 */
import { startNbiaSimulator, type RunningNbiaSimulator } from '../../simulators/nbia';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { nbiaTestData } from './support';

let data: SyntheticRepositoryData;
let simulator: RunningNbiaSimulator;

beforeAll(async () => {
  data = nbiaTestData(120);
  simulator = await startNbiaSimulator({ data, phantomsPerCollection: 0 });
});

afterAll(async () => {
  await simulator.close();
});

async function get(path: string): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(`${simulator.baseUrl}/${path}`);
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

async function getRows(path: string): Promise<Array<Record<string, unknown>>> {
  const response = await get(path);
  expect(response.status).toBe(200);
  return response.text === '' ? [] : JSON.parse(response.text);
}

async function search(form: Record<string, string | number>): Promise<{ status: number; type: string | null; text: string }> {
  const body = new URLSearchParams(Object.entries(form).map(([k, v]) => [k, String(v)])).toString();
  const response = await fetch(`${simulator.baseUrl}/getSimpleSearch`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body,
  });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

interface SearchBody {
  resultSet: Array<{ subjectId: string; project: string; id: number; totalNumberOfStudies: number; totalNumberOfSeries: number;
    studyIdentifiers: Array<{ studyIdentifier: number; seriesIdentifiers: number[]; seriesAndModality: Array<{ seriesId: number; modality: string }> }>;
    modalities: string[]; bodyParts: string[] }>;
  totalPatients: number;
  bodyParts: Array<{ value: string; count: number }>;
  modalities: Array<{ value: string; count: number }>;
  collections: Array<{ value: string; count: number }>;
  sort: string;
}

const PAGING = { sortField: 'subject', sortDirection: 'ascending', start: 0, size: 1000 };

async function searchJson(form: Record<string, string | number>): Promise<SearchBody> {
  const response = await search(form);
  expect(response.status).toBe(200);
  expect(response.type).toBe('application/json');
  return JSON.parse(response.text);
}

describe('GET metadata endpoints', () => {
  it('answers JSON arrays as application/json', async () => {
    const response = await get('getCollectionValues');
    expect(response.status).toBe(200);
    expect(response.type).toBe('application/json');
    expect(JSON.parse(response.text)).toEqual([{ Collection: 'NB-BREAST' }, { Collection: 'NB-KIDNEY' }, { Collection: 'NB-LUNG' }]);
  });

  it('rejects unknown and wrongly-cased parameters with HTTP 400', async () => {
    const unknown = await get('getCollectionValues?api_key=x');
    expect(unknown.status).toBe(400);
    expect(unknown.text).toMatch(/Invalid query parameter: 'api_key'/);
    expect((await get('getSeries?collection=NB-LUNG')).status).toBe(400);
    expect((await get('getSeries?PatientId=NB-NB-LUNG-0001')).status).toBe(400);
    expect((await get('getPatient?PatientID=NB-NB-LUNG-0001')).status).toBe(400);
    expect((await get('getBodyPartValuesAndCounts?format=json')).status).toBe(400);
  });

  it('uses PatientId for getPatient and PatientID for getPatientStudy and getSeries', async () => {
    const subject = data.cases[0].subjectId;
    const collection = data.cases[0].collectionId;
    const patients = await getRows(`getPatient?PatientId=${subject}`);
    expect(patients).toHaveLength(1);
    expect(Object.keys(patients[0])).toContain('PatientId');
    expect(Object.keys(patients[0])).not.toContain('PatientID');
    const studies = await getRows(`getPatientStudy?Collection=${collection}&PatientID=${subject}`);
    expect(studies).toHaveLength(data.cases[0].studies.length);
    expect(studies[0]).toMatchObject({ PatientID: subject, PatientAge: data.cases[0].studies[0].patientAge });
    const series = await getRows(`getSeries?PatientID=${subject}`);
    expect(series).toHaveLength(data.cases[0].studies.reduce((n, s) => n + s.series.length, 0));
    expect(series[0]).toHaveProperty('PatientID', subject);
  });

  it('requires Collection on getPatientStudy', async () => {
    const response = await get(`getPatientStudy?PatientID=${data.cases[0].subjectId}`);
    expect(response.status).toBe(400);
  });

  it('answers no result with HTTP 200 and an empty body', async () => {
    const response = await get('getSeries?Collection=NO-SUCH-COLLECTION');
    expect(response).toEqual({ status: 200, type: null, text: '' });
    expect((await get('getPatientStudy?Collection=NO-SUCH-COLLECTION')).text).toBe('');
  });

  it('matches values exactly and case-sensitively', async () => {
    const raw = data.cases.flatMap((c) => c.studies.flatMap((s) => s.series)).find((s) => s.bodyPartExamined === 'Chest');
    expect(raw).toBeDefined();
    const chest = await getRows('getSeries?BodyPartExamined=Chest');
    expect(chest.length).toBeGreaterThan(0);
    expect(chest.every((row) => row.BodyPartExamined === 'Chest')).toBe(true);
  });

  it('leaves null columns out of getSeries rows, with v4 column names and typed values', async () => {
    const rows = await getRows('getSeries?Collection=NB-LUNG');
    const all = data.cases.filter((c) => c.collectionId === 'NB-LUNG').flatMap((c) => c.studies.flatMap((s) => s.series));
    expect(rows).toHaveLength(all.length);
    const withoutBodyPart = rows.filter((row) => !('BodyPartExamined' in row));
    expect(withoutBodyPart).toHaveLength(all.filter((s) => s.bodyPartExamined === null).length);
    expect(Object.values(rows[0]).every((v) => v !== null)).toBe(true);
    expect(rows[0]).toHaveProperty('MaxSubmissionTimestamp');
    expect(rows[0]).toHaveProperty('DataDescriptionURI');
    expect(rows[0]).not.toHaveProperty('TimeStamp');
    expect(rows[0]).not.toHaveProperty('CollectionURI');
    expect(typeof rows[0].ImageCount).toBe('number');
    expect(typeof rows[0].FileSize).toBe('number');
    expect(rows[0].PatientAge).toMatch(/^\d{3}Y$/);
  });

  it('counts distinct patients in the v4 ValuesAndCounts shape, body parts raw', async () => {
    const counts = await getRows('getBodyPartValuesAndCounts?Collection=NB-LUNG');
    const expected = new Map<string, Set<string>>();
    for (const c of data.cases.filter((x) => x.collectionId === 'NB-LUNG')) {
      for (const s of c.studies.flatMap((st) => st.series)) {
        if (s.bodyPartExamined === null) continue;
        (expected.get(s.bodyPartExamined) ?? expected.set(s.bodyPartExamined, new Set()).get(s.bodyPartExamined)!).add(c.subjectId);
      }
    }
    expect(Object.fromEntries(counts.map((row) => [row.BodyPart, row.Count])))
      .toEqual(Object.fromEntries([...expected].map(([value, subjects]) => [value, subjects.size])));
    const collections = await getRows('getCollectionValuesAndCounts');
    expect(collections).toContainEqual({ Collection: 'NB-LUNG', Count: data.cases.filter((c) => c.collectionId === 'NB-LUNG').length });
  });

  it('answers 404 with an HTML page for an unknown resource', async () => {
    const response = await get('getNothing');
    expect(response.status).toBe(404);
    expect(response.type).toMatch(/text\/html/);
  });
});

describe('POST getSimpleSearch', () => {
  it('fails with HTTP 500 and an HTML page when a paging field is missing', async () => {
    for (const missing of ['sortField', 'sortDirection', 'start', 'size']) {
      const form: Record<string, string | number> = { ...PAGING, criteriaType0: 'CollectionCriteria', value0: 'NB-LUNG' };
      delete form[missing];
      const response = await search(form);
      expect(response.status).toBe(500);
      expect(response.type).toMatch(/text\/html/);
      expect(response.text).toMatch(/<html/);
    }
  });

  it('slices the sorted result [start, start+size) and fails beyond the total', async () => {
    const all = await searchJson(PAGING);
    expect(all.totalPatients).toBe(data.cases.length);
    expect(all.resultSet.map((r) => r.subjectId)).toEqual(data.cases.map((c) => c.subjectId));
    const pages: string[] = [];
    for (let start = 0; start < all.totalPatients; start += 25) {
      const page = await searchJson({ ...PAGING, start, size: 25 });
      expect(page.totalPatients).toBe(all.totalPatients);
      pages.push(...page.resultSet.map((r) => r.subjectId));
    }
    expect(pages).toEqual(all.resultSet.map((r) => r.subjectId));
    expect((await searchJson({ ...PAGING, start: all.totalPatients, size: 10 })).resultSet).toEqual([]);
    const beyond = await search({ ...PAGING, start: all.totalPatients + 1, size: 10 });
    expect(beyond.status).toBe(500);
    const descending = await searchJson({ ...PAGING, sortDirection: 'descending', size: 3 });
    expect(descending.resultSet.map((r) => r.subjectId)).toEqual(data.cases.slice(-3).reverse().map((c) => c.subjectId));
    expect(descending.sort).toBe('subject-descending');
  });

  it('ORs a repeated criterion, ANDs different ones, on the same series', async () => {
    const subjectsWith = (pred: (s: { modality: string; bodyPartExamined: string | null }) => boolean, sex?: string) =>
      data.cases.filter((c) => (sex === undefined || c.sex === sex) && c.studies.some((st) => st.series.some(pred))).map((c) => c.subjectId);
    const or = await searchJson({ ...PAGING, criteriaType0: 'ImageModalityCriteria', value0: 'MR', criteriaType1: 'ImageModalityCriteria', value1: 'PT' });
    expect(or.resultSet.map((r) => r.subjectId)).toEqual(subjectsWith((s) => s.modality === 'MR' || s.modality === 'PT'));
    const and = await searchJson({ ...PAGING, criteriaType0: 'ImageModalityCriteria', value0: 'PT', criteriaType1: 'AnatomicalSiteCriteria', value1: 'CHEST',
      criteriaType2: 'PatientSexCriteria', value2: 'M' });
    expect(and.resultSet.map((r) => r.subjectId)).toEqual(subjectsWith((s) => s.modality === 'PT' && s.bodyPartExamined === 'CHEST', 'M'));
    expect(Math.min(or.totalPatients, and.totalPatients)).toBeGreaterThan(0);
    expect(and.totalPatients).toBeLessThan(subjectsWith((s) => s.modality === 'PT', 'M').length);
    // Case-sensitive raw values: "Chest" is not "CHEST".
    const lower = await searchJson({ ...PAGING, criteriaType0: 'AnatomicalSiteCriteria', value0: 'Chest' });
    expect(lower.resultSet.map((r) => r.subjectId)).toEqual(subjectsWith((s) => s.bodyPartExamined === 'Chest'));
  });

  it('reads criteria from index 0 up to the first gap', async () => {
    const gap = await searchJson({ ...PAGING, criteriaType0: 'CollectionCriteria', value0: 'NB-KIDNEY', criteriaType2: 'CollectionCriteria', value2: 'NB-LUNG' });
    expect(gap.collections).toEqual([{ value: 'NB-KIDNEY', count: data.cases.filter((c) => c.collectionId === 'NB-KIDNEY').length }]);
  });

  it('answers the §7.3 shape: integer ids, only matching studies and series, facets counted per patient before paging', async () => {
    const body = await searchJson({ ...PAGING, size: 5, criteriaType0: 'ImageModalityCriteria', value0: 'CT' });
    expect(Object.keys(body)).toEqual(['resultSet', 'totalPatients', 'bodyParts', 'modalities', 'collections', 'species', 'minTimepoints', 'maxTimepoints', 'sort']);
    expect(body.resultSet).toHaveLength(5);
    const first = body.resultSet[0];
    expect(Number.isInteger(first.id)).toBe(true);
    const truth = data.cases.find((c) => c.subjectId === first.subjectId)!;
    const ctStudies = truth.studies.filter((s) => s.series.some((x) => x.modality === 'CT'));
    expect(first.totalNumberOfStudies).toBe(ctStudies.length);
    expect(first.studyIdentifiers).toHaveLength(ctStudies.length);
    for (const study of first.studyIdentifiers) {
      expect(Number.isInteger(study.studyIdentifier)).toBe(true);
      expect(study.seriesAndModality.every((s) => s.modality === 'CT' && Number.isInteger(s.seriesId))).toBe(true);
    }
    expect(first.modalities).toEqual(['CT']);
    expect(body.modalities).toEqual([{ value: 'CT', count: body.totalPatients }]);
    expect(body.collections.reduce((n, c) => n + c.count, 0)).toBe(body.totalPatients);
  });

  it('wants a form body', async () => {
    const response = await fetch(`${simulator.baseUrl}/getSimpleSearch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(415);
  });
});

describe('fault knobs', () => {
  afterEach(() => {
    simulator.faults.httpStatus = undefined;
    simulator.faults.malformed = undefined;
  });

  it('sends an HTML error page with the injected status, and truncated JSON', async () => {
    simulator.faults.httpStatus = 503;
    const failed = await get('getCollectionValues');
    expect(failed.status).toBe(503);
    expect(failed.type).toMatch(/text\/html/);
    simulator.faults.httpStatus = undefined;
    simulator.faults.malformed = true;
    const truncated = await get('getCollectionValues');
    expect(() => JSON.parse(truncated.text)).toThrow();
  });
});

describe('phantom (quality-control) subjects, as real TCIA collections hold them', () => {
  let withPhantoms: RunningNbiaSimulator;
  beforeAll(async () => {
    withPhantoms = await startNbiaSimulator({ data, phantomsPerCollection: 2 });
  });
  afterAll(async () => {
    await withPhantoms.close();
  });
  const rowsOf = async (path: string, init?: RequestInit): Promise<Array<Record<string, unknown>>> => {
    const response = await fetch(`${withPhantoms.baseUrl}/${path}`, init);
    expect(response.status).toBe(200);
    const text = await response.text();
    return text === '' ? [] : JSON.parse(text);
  };
  const searchWith = async (form: Record<string, string | number>) => {
    const body = new URLSearchParams(Object.entries({ ...PAGING, ...form }).map(([k, v]) => [k, String(v)])).toString();
    return JSON.parse(await (await fetch(`${withPhantoms.baseUrl}/getSimpleSearch`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body,
    })).text()) as SearchBody;
  };

  it('lists them in getPatient with Phantom "YES", no sex and no species, beside patients marked "NO"', async () => {
    const rows = await rowsOf('getPatient?Collection=NB-LUNG');
    const phantoms = rows.filter((row) => row.Phantom === 'YES');
    expect(phantoms.map((row) => row.PatientId)).toEqual(['NB-LUNG-QA-PHANTOM-01', 'NB-LUNG-QA-PHANTOM-02']);
    expect(phantoms.every((row) => !('PatientSex' in row) && !('SpeciesCode' in row))).toBe(true);
    expect(rows.filter((row) => row.Phantom === 'NO')).toHaveLength(data.cases.filter((c) => c.collectionId === 'NB-LUNG').length);
  });

  it('serves their studies and series like any other, without PatientAge', async () => {
    const studies = await rowsOf('getPatientStudy?Collection=NB-LUNG&PatientID=NB-LUNG-QA-PHANTOM-01');
    expect(studies).toHaveLength(1);
    expect(studies[0]).not.toHaveProperty('PatientAge');
    const series = await rowsOf('getSeries?PatientID=NB-LUNG-QA-PHANTOM-01');
    expect(series.map((row) => [row.Modality, row.BodyPartExamined])).toEqual([['CT', 'PHANTOM'], ['CT', 'PHANTOM']]);
  });

  it('counts them in getSimpleSearch unless PhantomCriteria says otherwise ("1" exclude, "2" only)', async () => {
    const patients = data.cases.length;
    const phantoms = 2 * data.collections.length;
    expect((await searchWith({})).totalPatients).toBe(patients + phantoms);
    expect((await searchWith({ criteriaType0: 'PhantomCriteria', value0: '1' })).totalPatients).toBe(patients);
    const only = await searchWith({ criteriaType0: 'PhantomCriteria', value0: '2', criteriaType1: 'CollectionCriteria', value1: 'NB-KIDNEY' });
    expect(only.resultSet.map((r) => r.subjectId)).toEqual(['NB-KIDNEY-QA-PHANTOM-01', 'NB-KIDNEY-QA-PHANTOM-02']);
    expect((await searchWith({ criteriaType0: 'SpeciesCriteria', value0: '337915000' })).totalPatients).toBe(patients);
  });
});

describe('the v1 API (services/v1), still used by many clients', () => {
  const v1 = async (path: string) => {
    const response = await fetch(`${simulator.v1BaseUrl}/${path}`);
    return { status: response.status, text: await response.text() };
  };

  it('names getSeries columns as V1_getSeries does: TimeStamp and CollectionURI, no PatientSex or PatientAge', async () => {
    const { status, text } = await v1('getSeries?Collection=NB-LUNG');
    expect(status).toBe(200);
    const rows = JSON.parse(text) as Array<Record<string, unknown>>;
    const collection = data.collections.find((c) => c.id === 'NB-LUNG')!;
    expect(rows[0]).toMatchObject({ CollectionURI: `https://doi.org/${collection.doi}`, TimeStamp: expect.any(String) });
    for (const absent of ['DataDescriptionURI', 'MaxSubmissionTimestamp', 'PatientSex', 'PatientAge', 'Site', 'ReleasedStatus']) {
      expect([absent, rows.some((row) => absent in row)]).toEqual([absent, false]);
    }
  });

  it('ignores parameters it does not know, needs no Collection for getPatientStudy, and has no getSimpleSearch', async () => {
    expect((await v1('getSeries?Collection=NB-LUNG&colour=blue')).status).toBe(200);
    const studies = JSON.parse((await v1('getPatientStudy')).text) as unknown[];
    expect(studies).toHaveLength(data.cases.flatMap((c) => c.studies).length);
    const response = await fetch(`${simulator.v1BaseUrl}/getSimpleSearch`, { method: 'POST', body: 'start=0' });
    expect(response.status).toBe(404);
  });
});
