/**
 * The XNAT simulator speaks the REST listings as README §2g describes them: the ResultSet envelope with every
 * value a string, default and selected columns (shortcut keys, lower-cased element-path keys), scan joins with a row
 * per scan and an empty-scan row for a bare session, xsiType selection, no paging, the archive alias, the gender and
 * custom-variable quirks, a column the site cannot resolve left out of the answer (or refused), basic auth and
 * Restlet status pages.
 */
import { startXnatSimulator, type RunningXnatSimulator } from '../../simulators/xnat';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { xnatTestData } from './support';

let data: SyntheticRepositoryData;
let simulator: RunningXnatSimulator;

beforeAll(async () => {
  data = xnatTestData(60);
  simulator = await startXnatSimulator({ data });
});

afterAll(async () => {
  await simulator.close();
});

interface Listing {
  ResultSet: { Result: Array<Record<string, unknown>>; totalRecords: unknown };
}

async function get(path: string, init: RequestInit = {}): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(`${simulator.baseUrl}${path}`, init);
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

async function listing(path: string): Promise<Array<Record<string, string>>> {
  const response = await get(path);
  expect(response.status).toBe(200);
  expect(response.type).toBe('application/json;charset=UTF-8');
  const body = JSON.parse(response.text) as Listing;
  expect(Object.keys(body)).toEqual(['ResultSet']);
  expect(body.ResultSet.totalRecords).toBe(String(body.ResultSet.Result.length));
  for (const row of body.ResultSet.Result) for (const value of Object.values(row)) expect(typeof value).toBe('string');
  return body.ResultSet.Result as Array<Record<string, string>>;
}

const seriesCount = () => data.cases.reduce((n, c) => n + c.studies.reduce((m, s) => m + s.series.length, 0), 0);
const studyCount = () => data.cases.reduce((n, c) => n + c.studies.length, 0);

describe('listings and their default columns', () => {
  it('lists projects with ID, secondary_ID, name, description, PI and URI', async () => {
    const rows = await listing('/data/projects?format=json');
    expect(rows.map((r) => r.ID)).toEqual(['XN-BREAST', 'XN-LUNG', 'XN-PROSTATE']);
    expect(Object.keys(rows[0])).toEqual(['ID', 'secondary_ID', 'name', 'description', 'pi_firstname', 'pi_lastname', 'URI']);
    expect(rows[0]).toMatchObject({ name: 'Test Breast Imaging', URI: '/data/projects/XN-BREAST' });
  });

  it('lists subjects in the README fixture shape when no columns are asked for', async () => {
    const rows = await listing('/data/subjects');
    expect(rows).toHaveLength(data.cases.length);
    expect(Object.keys(rows[0])).toEqual(['insert_date', 'project', 'ID', 'label', 'insert_user', 'URI']);
    expect(rows[0]).toMatchObject({ ID: 'XNAT_S00001', label: data.cases[0].subjectId, project: data.cases[0].collectionId, URI: '/data/subjects/XNAT_S00001' });
    expect(rows[0].insert_date).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
  });

  it('lists experiments with project, xsiType, ID, insert_date, label, date and URI, one row per session', async () => {
    const rows = await listing('/data/experiments?format=json');
    expect(rows).toHaveLength(studyCount());
    expect(Object.keys(rows[0])).toEqual(['project', 'xsiType', 'ID', 'insert_date', 'label', 'date', 'URI']);
    expect(rows[0].date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(new Set(rows.map((r) => r.xsiType))).toEqual(new Set(['xnat:mrSessionData', 'xnat:ctSessionData', 'xnat:petSessionData', 'xnat:mgSessionData', 'xnat:usSessionData']));
  });

  it('lists the scans of one session with their data types, under both URL forms', async () => {
    const session = simulator.store.sessions.find((s) => s.xsiType === 'xnat:petSessionData')!;
    const rows = await listing(`/data/experiments/${session.accession}/scans?format=json`);
    expect(Object.keys(rows[0])).toEqual(['xsiType', 'xnat_imagescandata_id', 'ID', 'type', 'quality', 'series_description', 'note', 'URI']);
    expect(rows.map((r) => r.xsiType)).toEqual(session.scans.map((s) => s.xsiType));
    expect(rows.some((r) => r.xsiType === 'xnat:ctScanData') && rows.some((r) => r.xsiType === 'xnat:petScanData')).toBe(true);
    const nested = await listing(`/data/projects/${session.project}/subjects/${session.subject.label}/experiments/${session.label}/scans`);
    expect(nested).toEqual(rows);
  });
});

describe('columns', () => {
  it('returns shortcuts under their names and custom variables under their lower-cased path, ID and URI always', async () => {
    const rows = await listing('/data/projects/XN-LUNG/subjects?format=json&columns=label,gender,xnat:subjectData/fields/field[name=age_at_diagnosis]/field,xnat:subjectData/fields/field[name=ICD10]/field,xnat:subjectData/fields/field[name=nothing]/field');
    const lung = data.cases.filter((c) => c.collectionId === 'XN-LUNG');
    expect(rows).toHaveLength(lung.length);
    // "nothing" is no custom variable of this site: left out.
    expect(Object.keys(rows[0])).toEqual([
      'ID', 'label', 'gender', 'xnat:subjectdata/fields/field[name=age_at_diagnosis]/field', 'xnat:subjectdata/fields/field[name=icd10]/field', 'URI',
    ]);
    expect(rows[0]).toMatchObject({
      label: lung[0].subjectId,
      'xnat:subjectdata/fields/field[name=age_at_diagnosis]/field': String(lung[0].ageAtDiagnosis),
      'xnat:subjectdata/fields/field[name=icd10]/field': lung[0].diagnosis.icd10,
    });
    const staged = await listing('/data/projects/XN-LUNG/subjects?columns=label,xnat:subjectData/fields/field[name=stage_group]/field');
    // A defined custom variable a subject has no value for is listed as "".
    expect(staged.some((row) => row['xnat:subjectdata/fields/field[name=stage_group]/field'] === '')).toBe(true);
  });

  it('stores gender as the web form ("male"/"female") or the DICOM importer ("M"/"F") left it', async () => {
    const rows = await listing('/data/subjects?columns=gender');
    const values = new Set(rows.map((r) => r.gender));
    for (const expected of ['male', 'female', 'M', 'F']) expect(values.has(expected)).toBe(true);
    rows.forEach((row, i) => {
      const sex = data.cases[i].sex;
      expect(row.gender.slice(0, 1).toUpperCase()).toBe(sex === '' ? '' : sex);
    });
  });

  it('maps an element path that has a shortcut back to the shortcut (subject_ID), as yaxil reads it', async () => {
    const rows = await listing('/data/experiments?columns=xnat:subjectassessordata/subject_id,xnat:subjectData/label,xnat:mrSessionData/label');
    expect(Object.keys(rows[0])).toEqual(['ID', 'subject_ID', 'subject_label', 'xnat:mrsessiondata/label', 'URI']);
    // A path of one session type is empty on the rows of the others.
    const mr = simulator.store.sessions.find((s) => s.xsiType === 'xnat:mrSessionData')!;
    const ct = simulator.store.sessions.find((s) => s.xsiType === 'xnat:ctSessionData')!;
    expect(rows.find((r) => r.ID === mr.accession)!['xnat:mrsessiondata/label']).toBe(mr.label);
    expect(rows.find((r) => r.ID === ct.accession)!['xnat:mrsessiondata/label']).toBe('');
  });

  it('joins scans: one row per scan with lower-cased scan keys, session columns repeated', async () => {
    const rows = await listing('/data/experiments?xsiType=xnat:imageSessionData&columns=ID,subject_ID,UID,xnat:imageScanData/ID,xnat:imageScanData/modality,xnat:imageScanData/frames,xnat:imageScanData/scanner/manufacturer,xnat:imageScanData/bodyPartExamined');
    expect(rows).toHaveLength(seriesCount());
    expect(Object.keys(rows[0])).toEqual(['ID', 'subject_ID', 'UID', 'xnat:imagescandata/id', 'xnat:imagescandata/modality', 'xnat:imagescandata/frames',
      'xnat:imagescandata/scanner/manufacturer', 'xnat:imagescandata/bodypartexamined', 'URI']);
    const first = data.cases[0].studies[0];
    expect(rows.slice(0, first.series.length).map((r) => [r.UID, r['xnat:imagescandata/id'], r['xnat:imagescandata/modality'], r['xnat:imagescandata/frames'],
      r['xnat:imagescandata/scanner/manufacturer'], r['xnat:imagescandata/bodypartexamined']]))
      .toEqual(first.series.map((s) => [first.uid, String(s.number), s.modality, String(s.instanceCount), s.manufacturer ?? '', s.bodyPartExamined ?? '']));
  });

  it('leaves a column it cannot resolve out of every row, and answers the others', async () => {
    const rows = await listing('/data/subjects?columns=label,xnat:subjectData/shoe_size,xnat:subjectData/fields/field[name=smoker]/field');
    expect(rows).toHaveLength(data.cases.length);
    expect(rows.every((row) => Object.keys(row).join() === 'ID,label,URI')).toBe(true);
    const scans = await listing('/data/experiments?columns=ID,xnat:mrScanData/ID,xnat:imageScanData/ID');
    expect(Object.keys(scans[0])).toEqual(['ID', 'xnat:imagescandata/id', 'URI']);
  });

  it('leaves out the custom variables and scan fields a site does not define', async () => {
    const site = await startXnatSimulator({ data, customVariables: ['icd10', 'diagnosis'], scanBodyPart: false });
    try {
      const subjects = await (await fetch(`${site.baseUrl}/data/subjects?columns=label,xnat:subjectData/fields/field[name=age_at_diagnosis]/field,xnat:subjectData/fields/field[name=icd10]/field`)).json() as Listing;
      expect(Object.keys(subjects.ResultSet.Result[0])).toEqual(['ID', 'label', 'xnat:subjectdata/fields/field[name=icd10]/field', 'URI']);
      const scans = await (await fetch(`${site.baseUrl}/data/experiments?columns=ID,xnat:imageScanData/ID,xnat:imageScanData/bodyPartExamined`)).json() as Listing;
      expect(Object.keys(scans.ResultSet.Result[0])).toEqual(['ID', 'xnat:imagescandata/id', 'URI']);
    } finally {
      await site.close();
    }
  });

  it('refuses a column it cannot resolve with HTTP 400 when configured to', async () => {
    const strict = await startXnatSimulator({ data, unknownColumns: 'reject' });
    try {
      const response = await fetch(`${strict.baseUrl}/data/subjects?columns=label,xnat:subjectData/shoe_size`);
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(/Invalid column: xnat:subjectData\/shoe_size/);
      expect((await fetch(`${strict.baseUrl}/data/experiments?columns=xnat:mrScanData/ID`)).status).toBe(400);
    } finally {
      await strict.close();
    }
  });
});

describe('selection', () => {
  it('selects sessions by xsiType, every image session for xnat:imageSessionData', async () => {
    const all = await listing('/data/experiments?xsiType=xnat:imageSessionData');
    const mr = await listing('/data/experiments?xsiType=xnat:mrSessionData');
    expect(all).toHaveLength(studyCount());
    expect(mr.length).toBeGreaterThan(0);
    expect(mr.every((r) => r.xsiType === 'xnat:mrSessionData')).toBe(true);
    expect(mr.length).toBe(all.filter((r) => r.xsiType === 'xnat:mrSessionData').length);
  });

  it('reads project= as an XNAT listing filter: commas OR together and * is a wildcard (why the adapter sends no user value)', async () => {
    const breast = await listing('/data/subjects?project=XN-BREAST');
    const two = await listing('/data/subjects?project=XN-BREAST,XN-LUNG');
    const wildcard = await listing('/data/subjects?project=*');
    expect(breast.every((r) => r.project === 'XN-BREAST')).toBe(true);
    expect(two.length).toBe(data.cases.filter((c) => c.collectionId !== 'XN-PROSTATE').length);
    expect(wildcard).toHaveLength(data.cases.length);
  });

  it('does not page: limit and offset are ignored, the whole listing comes back', async () => {
    expect(await listing('/data/subjects?limit=5&offset=10')).toHaveLength(data.cases.length);
    expect(await listing('/data/subjects?limit=*')).toHaveLength(data.cases.length);
  });

  it('serves /data/archive/... as an alias and a subject by accession number or label', async () => {
    expect(await listing('/data/archive/projects')).toEqual(await listing('/data/projects'));
    const subject = simulator.store.subjects[0];
    const byLabel = await listing(`/data/archive/projects/${subject.project}/subjects/${subject.label}/experiments`);
    const byId = await listing(`/data/projects/${subject.project}/subjects/${subject.accession}/experiments`);
    expect(byLabel).toEqual(byId);
    expect(byId.map((r) => r.ID)).toEqual(subject.sessions.map((s) => s.accession));
  });

  it('answers an empty listing for a project without subjects', async () => {
    const empty = await startXnatSimulator({ data: { ...data, cases: [] } });
    try {
      const response = await fetch(`${empty.baseUrl}/data/projects/XN-LUNG/subjects?format=json`);
      expect(await response.json()).toEqual({ ResultSet: { Result: [], totalRecords: '0' } });
    } finally {
      await empty.close();
    }
  });

  it('lists a session without scans as one row whose scan columns are empty', async () => {
    const bare = xnatTestData(3);
    bare.cases[0].studies[0].series = [];
    const sim = await startXnatSimulator({ data: bare });
    try {
      const response = await fetch(`${sim.baseUrl}/data/experiments?columns=ID,xnat:imageScanData/ID,xnat:imageScanData/modality`);
      const rows = ((await response.json()) as Listing).ResultSet.Result;
      expect(rows[0]).toEqual({ ID: 'XNAT_E00001', 'xnat:imagescandata/id': '', 'xnat:imagescandata/modality': '', URI: '/data/experiments/XNAT_E00001' });
      expect(rows[1].ID).toBe('XNAT_E00002');
    } finally {
      await sim.close();
    }
  });
});

describe('errors and auth', () => {
  it('answers Restlet status pages for unknown resources and methods', async () => {
    for (const path of ['/data/projects/NOPE/subjects', '/data/experiments/XNAT_E99999/scans', '/data/nothing', '/xapi/whatever']) {
      const response = await get(path);
      expect(response.status).toBe(404);
      expect(response.type).toMatch(/text\/html/);
      expect(response.text).toMatch(/The server has not found anything matching the request URI/);
    }
    expect((await get('/data/projects', { method: 'POST' })).status).toBe(405);
  });

  it('percent-decodes path segments and does not resolve dot segments inside them', async () => {
    expect((await get('/data/projects/XN-LUNG%2F..%2FXN-BREAST/subjects')).status).toBe(404);
    expect((await listing('/data/projects/XN%2DLUNG/subjects')).length).toBeGreaterThan(0);
  });

  it('speaks json only', async () => {
    const response = await get('/data/projects?format=csv');
    expect(response.status).toBe(400);
  });

  it('asks for basic auth when configured', async () => {
    const secured = await startXnatSimulator({ data, basicAuth: { username: 'reader', password: 's3cret' } });
    try {
      expect((await fetch(`${secured.baseUrl}/data/projects`)).status).toBe(401);
      const ok = await fetch(`${secured.baseUrl}/data/projects`, { headers: { authorization: `Basic ${Buffer.from('reader:s3cret').toString('base64')}` } });
      expect(ok.status).toBe(200);
    } finally {
      await secured.close();
    }
  });
});
