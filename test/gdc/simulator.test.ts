/**
 * The GDC simulator speaks the search API as gdc-docs describes it (native-apis README §2c): the envelope and its
 * pagination block, GET and POST alike, `fields`/`expand`, the filters grammar, facets with `_missing` buckets and
 * the documented "facets disregard the filters on their own field", ages in days, and the quirks the adapter must
 * live with (unsorted default order, `*` wildcards, clinical files beside imaging files, files conditions on /cases
 * met by different files).
 */
import { startGdcSimulator, daysOfAge, uuidOf, type RunningGdcSimulator } from '../../simulators/gdc';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { gdcTestData, REPOSITORY_ID } from './support';

let data: SyntheticRepositoryData;
let simulator: RunningGdcSimulator;

beforeAll(async () => {
  data = gdcTestData(80);
  simulator = await startGdcSimulator({ data });
});

afterAll(async () => {
  await simulator.close();
});

interface Envelope {
  data: {
    hits: Array<Record<string, any>>;
    pagination: { count: number; total: number; size: number; from: number; sort: string; page: number; pages: number };
    aggregations?: Record<string, { buckets?: Array<{ key: string; doc_count: number }>; stats?: Record<string, number | null> }>;
  };
  warnings: Record<string, unknown>;
}

async function get(path: string, params: Record<string, unknown> = {}): Promise<{ status: number; type: string | null; body: any }> {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  const response = await fetch(`${simulator.baseUrl}${path}${query.size ? `?${query}` : ''}`);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
}

async function post(path: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${simulator.baseUrl}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function search(endpoint: string, body: Record<string, unknown>): Promise<Envelope> {
  const response = await post(`/${endpoint}`, body);
  expect(response.status).toBe(200);
  return response.body;
}

const inList = (field: string, value: unknown[]) => ({ op: 'in', content: { field, value } });
const and = (...content: unknown[]) => ({ op: 'and', content });

describe('the envelope', () => {
  it('answers JSON with hits, the pagination block and warnings; size defaults to 10', async () => {
    const response = await get('/cases');
    expect(response.status).toBe(200);
    expect(response.type).toBe('application/json');
    expect(response.body.warnings).toEqual({});
    expect(response.body.data.hits).toHaveLength(10);
    expect(response.body.data.pagination).toEqual({ count: 10, total: 80, size: 10, from: 0, sort: '', page: 1, pages: 8 });
  });

  it('computes page and pages from from and size, as the documented examples do', async () => {
    expect((await search('files', { size: 5, from: 101 })).data.pagination).toMatchObject({ count: 5, from: 101, page: 21, pages: Math.ceil((await search('files', { size: 0 })).data.pagination.total / 5) });
    // size 0: counts only; pages as if size were 1 (`size: 0, total: 39, pages: 39`).
    expect((await search('projects', { size: 0 })).data.pagination).toEqual({ count: 0, total: 4, size: 0, from: 0, sort: '', page: 1, pages: 4 });
    expect((await search('cases', { size: 10, from: 500 })).data).toMatchObject({ hits: [], pagination: { count: 0, total: 80 } });
  });

  it('answers the same to GET (URL-encoded JSON filters) and POST (filters as an object), also under /v0', async () => {
    const filters = and(inList('demographic.sex_at_birth', ['female']));
    const viaGet = await get('/cases', { filters, size: '100', fields: 'submitter_id', sort: 'submitter_id:asc' });
    const viaPost = await post('/v0/cases', { filters, size: 100, fields: 'submitter_id', sort: 'submitter_id:asc' });
    expect(viaGet.body).toEqual(viaPost.body);
    expect(viaGet.body.data.pagination.total).toBe(data.cases.filter((c) => c.sex === 'F').length);
  });
});

describe('fields and expand', () => {
  it('gives every hit its id; without fields the top-level fields only', async () => {
    const [hit] = (await search('cases', { size: 1 })).data.hits;
    expect(hit.id).toBe(hit.case_id);
    expect(Object.keys(hit).sort()).toEqual(['case_id', 'created_datetime', 'disease_type', 'id', 'index_date', 'primary_site', 'state', 'submitter_id', 'updated_datetime']);
  });

  it('selects dotted paths through nested lists, and expands field groups', async () => {
    const [hit] = (await search('cases', { size: 1, fields: 'submitter_id,diagnoses.age_at_diagnosis,demographic.sex_at_birth', sort: 'submitter_id:asc' })).data.hits;
    const first = data.cases[0];
    expect(hit).toEqual({
      id: uuidOf(`case:${REPOSITORY_ID}:${first.subjectId}`), submitter_id: first.subjectId,
      diagnoses: [{ age_at_diagnosis: daysOfAge(first.ageAtDiagnosis, first.subjectId) }],
      demographic: { sex_at_birth: first.sex === 'F' ? 'female' : first.sex === 'M' ? 'male' : expect.anything() },
    });
    const [expanded] = (await search('cases', { size: 1, expand: 'diagnoses', fields: 'submitter_id' })).data.hits;
    expect(Object.keys(expanded.diagnoses[0])).toEqual(expect.arrayContaining(['icd_10_code', 'morphology', 'tissue_or_organ_of_origin', 'ajcc_pathologic_stage']));
    const [project] = (await search('projects', { size: 1, expand: 'summary' })).data.hits;
    expect(project).toMatchObject({ project_id: expect.any(String), name: expect.any(String), summary: { case_count: expect.any(Number) } });
  });

  it('models each imaging series as a /files document with an imaging block, beside clinical files', async () => {
    const imaging = await search('files', { size: 1, filters: and(inList('data_category', ['Imaging'])), expand: 'imaging', fields: 'data_type,data_format,file_size,cases.case_id' });
    const series = data.cases.flatMap((c) => c.studies.flatMap((s) => s.series));
    expect(imaging.data.pagination.total).toBe(series.length);
    expect(imaging.data.hits[0]).toMatchObject({
      data_type: 'Radiology Image', data_format: 'DICOM', file_size: expect.any(Number), cases: [{ case_id: expect.any(String) }],
      imaging: { series_instance_uid: expect.any(String), study_instance_uid: expect.any(String), modality: expect.any(String), instance_count: expect.any(Number) },
    });
    expect((await search('files', { size: 0 })).data.pagination.total).toBe(series.length + data.cases.length);
  });
});

describe('filters', () => {
  const total = async (endpoint: string, filters: unknown) => (await search(endpoint, { size: 0, filters })).data.pagination.total;

  it('evaluates =, !=, in, ranges on days, is/not MISSING, and and or', async () => {
    const female = data.cases.filter((c) => c.sex === 'F').length;
    expect(await total('cases', { op: '=', content: { field: 'demographic.sex_at_birth', value: 'female' } })).toBe(female);
    expect(await total('cases', { op: '=', content: { field: 'cases.demographic.sex_at_birth', value: ['female'] } })).toBe(female);
    expect(await total('cases', { op: '!=', content: { field: 'demographic.sex_at_birth', value: 'female' } })).toBe(80 - female);
    const sixties = data.cases.filter((c) => c.ageAtDiagnosis >= 60 && c.ageAtDiagnosis <= 69).length;
    expect(await total('cases', and(
      { op: '>=', content: { field: 'diagnoses.age_at_diagnosis', value: Math.ceil(60 * 365.25) } },
      { op: '<=', content: { field: 'diagnoses.age_at_diagnosis', value: Math.ceil(70 * 365.25) - 1 } },
    ))).toBe(sixties);
    const lungOrBrain = data.cases.filter((c) => ['GD-LUNG', 'GD-BRAIN'].includes(c.collectionId)).length;
    expect(await total('cases', { op: 'or', content: [inList('project.project_id', ['GD-LUNG']), inList('project.project_id', ['GD-BRAIN'])] })).toBe(lungOrBrain);
    const withoutBodyPart = data.cases.flatMap((c) => c.studies.flatMap((s) => s.series)).filter((s) => s.bodyPartExamined === null).length;
    expect(await total('files', and(inList('data_category', ['Imaging']), { op: 'is', content: { field: 'imaging.body_part_examined', value: 'MISSING' } }))).toBe(withoutBodyPart);
    expect(await total('files', { op: 'not', content: { field: 'imaging.body_part_examined', value: 'MISSING' } }))
      .toBe(data.cases.flatMap((c) => c.studies.flatMap((s) => s.series)).length - withoutBodyPart);
  });

  it('reads `*` in a value as a wildcard', async () => {
    expect(await total('cases', inList('submitter_id', ['*']))).toBe(80);
    expect(await total('cases', inList('project.project_id', ['GD-B*']))).toBe(data.cases.filter((c) => c.collectionId.startsWith('GD-B')).length);
    expect(await total('cases', inList('project.project_id', ['GD-B']))).toBe(0);
  });

  it('on /cases, evaluates each files condition on its own: two conditions can be met by two different series', async () => {
    const series = (c: (typeof data.cases)[number]) => c.studies.flatMap((s) => s.series);
    const philips = (m: string | null) => /^philips/i.test(m ?? '');
    const sameSeries = data.cases.filter((c) => series(c).some((s) => s.modality === 'CT' && philips(s.manufacturer))).length;
    const anySeries = data.cases.filter((c) => series(c).some((s) => s.modality === 'CT') && series(c).some((s) => philips(s.manufacturer))).length;
    expect(anySeries).toBeGreaterThan(sameSeries);
    const philipsNames = [...new Set(data.cases.flatMap(series).map((s) => s.manufacturer).filter(philips))];
    expect(await total('cases', and(inList('files.imaging.modality', ['CT']), inList('files.imaging.manufacturer', philipsNames)))).toBe(anySeries);
  });

  it('answers HTTP 400 with a JSON message for an unknown field, operator, malformed filter or format', async () => {
    for (const body of [
      { filters: inList('imaging.modality', ['CT']) },
      { filters: { op: 'like', content: { field: 'submitter_id', value: 'x' } } },
      { filters: { op: '>=', content: { field: 'diagnoses.age_at_diagnosis', value: 'old' } } },
      { filters: { op: 'and', content: {} } },
      { fields: 'submitter_id,nope' },
      { facets: 'nope' },
      { size: -1 },
      { format: 'TSV' },
    ]) {
      const response = await post('/cases', body);
      expect(response.status).toBe(400);
      expect(response.body.message).toEqual(expect.any(String));
    }
    expect((await get('/cases', { filters: '{"op":' })).status).toBe(400);
    expect((await post('/cases', 'not json')).status).toBe(400);
    expect((await get('/nothing')).status).toBe(404);
  });
});

describe('order', () => {
  it('lists hits in index order unless sorted, then by the sort field', async () => {
    const unsorted = (await search('cases', { size: 80, fields: 'submitter_id' })).data.hits.map((h) => h.submitter_id);
    const subjects = data.cases.map((c) => c.subjectId);
    expect(unsorted).not.toEqual(subjects);
    expect([...unsorted].sort()).toEqual(subjects);
    const sorted = (await search('cases', { size: 80, fields: 'submitter_id', sort: 'submitter_id:asc' })).data;
    expect(sorted.hits.map((h) => h.submitter_id)).toEqual(subjects);
    expect(sorted.pagination.sort).toBe('submitter_id:asc');
    expect((await search('cases', { size: 80, fields: 'submitter_id', sort: 'submitter_id:desc' })).data.hits.map((h) => h.submitter_id)).toEqual([...subjects].reverse());
  });
});

describe('facets', () => {
  it('count documents of the endpoint per value, with a `_missing` bucket', async () => {
    const answer = await search('files', { size: 0, filters: and(inList('data_category', ['Imaging'])), facets: 'imaging.body_part_examined' });
    const buckets = answer.data.aggregations!['imaging.body_part_examined'].buckets!;
    const series = data.cases.flatMap((c) => c.studies.flatMap((s) => s.series));
    expect(buckets.find((b) => b.key === '_missing')?.doc_count).toBe(series.filter((s) => s.bodyPartExamined === null).length);
    expect(buckets.reduce((sum, b) => sum + b.doc_count, 0)).toBe(series.length);
    // Largest first, `_missing` last (as in the documented clinical.gender answer).
    const values = buckets.slice(0, -1).map((b) => b.doc_count);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(buckets.at(-1)?.key).toBe('_missing');
    // On /cases, a file field counts cases: a case with three CT series counts once.
    const cases = await search('cases', { size: 0, facets: 'files.imaging.modality' });
    expect(cases.data.aggregations!['files.imaging.modality'].buckets!.find((b) => b.key === 'CT')?.doc_count)
      .toBe(data.cases.filter((c) => c.studies.some((s) => s.series.some((x) => x.modality === 'CT'))).length);
  });

  it('answer statistics for a numeric field (age in days)', async () => {
    const answer = await search('cases', { size: 0, facets: 'diagnoses.age_at_diagnosis' });
    const days = data.cases.map((c) => daysOfAge(c.ageAtDiagnosis, c.subjectId));
    expect(answer.data.aggregations!['diagnoses.age_at_diagnosis']).toEqual({ stats: {
      count: 80, min: Math.min(...days), max: Math.max(...days), avg: days.reduce((s, d) => s + d, 0) / 80, sum: days.reduce((s, d) => s + d, 0),
    } });
  });

  it('disregard the filters on their own field, and honour the others (documented)', async () => {
    const filters = and(inList('demographic.sex_at_birth', ['female']), inList('project.project_id', ['GD-LUNG']));
    const answer = await search('cases', { size: 0, filters, facets: 'demographic.sex_at_birth,project.project_id' });
    const lung = data.cases.filter((c) => c.collectionId === 'GD-LUNG');
    const female = data.cases.filter((c) => c.sex === 'F');
    expect(answer.data.pagination.total).toBe(lung.filter((c) => c.sex === 'F').length);
    const sexes = Object.fromEntries(answer.data.aggregations!['demographic.sex_at_birth'].buckets!.map((b) => [b.key, b.doc_count]));
    expect(sexes.female).toBe(lung.filter((c) => c.sex === 'F').length);
    expect(sexes.male).toBe(lung.filter((c) => c.sex === 'M').length);
    const projects = Object.fromEntries(answer.data.aggregations!['project.project_id'].buckets!.map((b) => [b.key, b.doc_count]));
    expect(projects['GD-BREAST']).toBe(female.filter((c) => c.collectionId === 'GD-BREAST').length);
  });

  it('keep only the largest buckets (and `_missing`) under a terms size, when the knob is set', async () => {
    simulator.options.facetBucketLimit = 2;
    try {
      const answer = await search('files', { size: 0, facets: 'imaging.modality' });
      const buckets = answer.data.aggregations!['imaging.modality'].buckets!;
      expect(buckets.filter((b) => b.key !== '_missing')).toHaveLength(2);
      expect(buckets.at(-1)).toEqual({ key: '_missing', doc_count: data.cases.length });
    } finally {
      simulator.options.facetBucketLimit = undefined;
    }
  });
});

describe('single documents', () => {
  it('answers /cases/<uuid> with expand, and 404 for an unknown id', async () => {
    const id = uuidOf(`case:${REPOSITORY_ID}:${data.cases[3].subjectId}`);
    const response = await get(`/cases/${id}`, { expand: 'diagnoses,demographic' });
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({ case_id: id, submitter_id: data.cases[3].subjectId, diagnoses: [{ icd_10_code: data.cases[3].diagnosis.icd10 }] });
    expect((await get('/cases/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe('basic auth', () => {
  it('refuses a request without the credentials', async () => {
    const guarded = await startGdcSimulator({ data: gdcTestData(3), basicAuth: { username: 'u', password: 'p' } });
    try {
      expect((await fetch(`${guarded.baseUrl}/cases`)).status).toBe(401);
      const ok = await fetch(`${guarded.baseUrl}/cases`, { headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` } });
      expect(ok.status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
