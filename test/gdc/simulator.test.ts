/**
 * The GDC simulator speaks the search API as gdc-docs describes it and as recorded answers show it (native-apis
 * README §2c, fixtures/README.md): the envelope and its pagination block, GET and POST alike, `fields`/`expand`, the
 * filters grammar (`exclude` and `excludeifany` as documented), facets with `_missing` buckets, lower-cased keys and
 * the documented "facets disregard the filters on their own field", unknown names reported in `warnings`; and it
 * holds what GDC holds: cases with several diagnoses (`diagnosis_is_primary_disease`, some without
 * `year_of_diagnosis`), pathology slide images as files beside supplements, no radiology and no `imaging` block.
 * It shares no code with the adapter.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { daysOfAge, gdcPathology, startGdcSimulator, uuidOf, type RunningGdcSimulator } from '../../simulators/gdc';
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
  warnings: Record<string, string>;
}

async function get(path: string, params: Record<string, unknown> = {}, on = simulator): Promise<{ status: number; type: string | null; body: any }> {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  const response = await fetch(`${on.baseUrl}${path}${query.size ? `?${query}` : ''}`);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
}

async function post(path: string, body: unknown, on = simulator): Promise<{ status: number; body: any }> {
  const response = await fetch(`${on.baseUrl}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function search(endpoint: string, body: Record<string, unknown>, on = simulator): Promise<Envelope> {
  const response = await post(`/${endpoint}`, body, on);
  expect(response.status).toBe(200);
  return response.body;
}

const inList = (field: string, value: unknown[]) => ({ op: 'in', content: { field, value } });
const and = (...content: unknown[]) => ({ op: 'and', content });
const total = async (endpoint: string, filters: unknown, on = simulator) => (await search(endpoint, { size: 0, filters }, on)).data.pagination.total;
const slidesOf = () => [...gdcPathology(data).values()].flat().flatMap((sample) => sample.slides);

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
    const files = (await search('files', { size: 0 })).data.pagination.total;
    expect((await search('files', { size: 5, from: 101 })).data.pagination).toMatchObject({ count: 5, from: 101, page: 21, pages: Math.ceil(files / 5) });
    // size 0: counts only; pages as if size were 1 (`size: 0, total: 79, pages: 79`).
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

describe('what it holds', () => {
  it('gives every hit its id; without fields the top-level fields, id lists included, as the recorded TCGA-BH-A0EA', async () => {
    const [hit] = (await search('cases', { size: 1 })).data.hits;
    expect(hit.id).toBe(hit.case_id);
    expect(Object.keys(hit).sort()).toEqual([
      'case_id', 'created_datetime', 'diagnosis_ids', 'disease_type', 'id', 'index_date', 'primary_site', 'sample_ids', 'slide_ids', 'state',
      'submitter_id', 'submitter_sample_ids', 'submitter_slide_ids', 'updated_datetime',
    ]);
  });

  it('selects dotted paths through nested lists, and expands field groups', async () => {
    const first = data.cases[0];
    const [hit] = (await search('cases', { size: 1, fields: 'submitter_id,demographic.sex_at_birth', sort: 'submitter_id:asc' })).data.hits;
    expect(hit).toEqual({
      id: uuidOf(`case:${REPOSITORY_ID}:${first.subjectId}`), submitter_id: first.subjectId,
      demographic: { sex_at_birth: first.sex === 'F' ? 'female' : first.sex === 'M' ? 'male' : expect.anything() },
    });
    const [expanded] = (await search('cases', { size: 1, expand: 'diagnoses', fields: 'submitter_id' })).data.hits;
    expect(Object.keys(expanded.diagnoses[0])).toEqual(expect.arrayContaining(['icd_10_code', 'morphology', 'tissue_or_organ_of_origin', 'diagnosis_is_primary_disease']));
    const [project] = (await search('projects', { size: 1, expand: 'summary' })).data.hits;
    expect(project).toMatchObject({ project_id: expect.any(String), name: expect.any(String), summary: { case_count: expect.any(Number) } });
  });

  it('holds pathology slides as SVS files, one per slide, with their sample, and no radiology', async () => {
    const slides = slidesOf();
    const answer = await search('files', {
      size: 1000, filters: inList('data_type', ['Slide Image']),
      fields: 'file_id,file_name,file_size,data_format,experimental_strategy,access,cases.submitter_id,cases.samples.sample_id,cases.samples.portions.slides.submitter_id',
    });
    expect(answer.data.pagination.total).toBe(slides.length);
    expect(answer.data.hits.map((h) => h.file_id).sort()).toEqual(slides.map((s) => s.fileId).sort());
    const hit = answer.data.hits.find((h) => h.file_id === slides[0].fileId)!;
    expect(hit).toMatchObject({
      file_name: slides[0].fileName, file_size: slides[0].sizeBytes, data_format: 'SVS', experimental_strategy: slides[0].experimentalStrategy,
      cases: [{ samples: [{ sample_id: expect.any(String), portions: [{ slides: [{ submitter_id: slides[0].submitterId }] }] }] }],
    });
    // Nothing in GDC describes a DICOM series.
    const everything = await search('files', { size: 10_000 });
    expect(everything.data.hits.every((h) => !('imaging' in h))).toBe(true);
    expect(new Set(everything.data.hits.map((h) => h.data_format))).toEqual(new Set(['SVS', 'BCR XML']));
    // A case without slides exists, as in GDC.
    expect([...gdcPathology(data).values()].some((samples) => samples.length === 0)).toBe(true);
  });

  it('files supplements beside the slides, some in the same data category', async () => {
    expect(await total('files', null)).toBe(slidesOf().length + 2 * data.cases.length);
    expect(await total('files', inList('data_category', ['Biospecimen']))).toBe(slidesOf().length + data.cases.length);
  });

  it('holds several diagnoses per case, flagged, some listed before the primary one and without a year', async () => {
    const { hits } = (await search('cases', { size: 100, fields: 'submitter_id', expand: 'diagnoses' })).data;
    const byCase = new Map(hits.map((h) => [h.submitter_id as string, h.diagnoses as Array<Record<string, any>>]));
    for (const c of data.cases) {
      const diagnoses = byCase.get(c.subjectId)!;
      const primary = diagnoses.filter((d) => d.classification_of_tumor === 'primary');
      expect(primary).toHaveLength(1);
      expect(primary[0]).toMatchObject({ icd_10_code: c.diagnosis.icd10, year_of_diagnosis: c.diagnosis.year, age_at_diagnosis: daysOfAge(c.ageAtDiagnosis, c.subjectId) });
      for (const later of diagnoses.filter((d) => d !== primary[0])) {
        expect(later).toMatchObject({ diagnosis_is_primary_disease: false, year_of_diagnosis: null, classification_of_tumor: expect.stringMatching(/^(metastasis|recurrence)$/) });
        expect(later.age_at_diagnosis).toBeGreaterThan(primary[0].age_at_diagnosis);
      }
    }
    const lists = [...byCase.values()];
    expect(lists.some((d) => d.length === 2 && d[0].classification_of_tumor !== 'primary')).toBe(true);
    expect(lists.some((d) => d.length === 2 && d[1].classification_of_tumor !== 'primary')).toBe(true);
    expect(lists.some((d) => d.some((x) => x.classification_of_tumor === 'primary' && x.diagnosis_is_primary_disease === null))).toBe(true);
  });
});

describe('filters', () => {
  it('evaluates =, !=, in, ranges on days, is/not MISSING, and and or', async () => {
    const female = data.cases.filter((c) => c.sex === 'F').length;
    expect(await total('cases', { op: '=', content: { field: 'demographic.sex_at_birth', value: 'female' } })).toBe(female);
    expect(await total('cases', { op: '=', content: { field: 'cases.demographic.sex_at_birth', value: ['female'] } })).toBe(female);
    expect(await total('cases', { op: '!=', content: { field: 'demographic.sex_at_birth', value: 'female' } })).toBe(80 - female);
    const lungOrBrain = data.cases.filter((c) => ['GD-LUNG', 'GD-BRAIN'].includes(c.collectionId)).length;
    expect(await total('cases', { op: 'or', content: [inList('project.project_id', ['GD-LUNG']), inList('project.project_id', ['GD-BRAIN'])] })).toBe(lungOrBrain);
    const withSlides = [...gdcPathology(data).values()].filter((samples) => samples.length > 0).length;
    expect(await total('cases', inList('files.data_type', ['Slide Image']))).toBe(withSlides);
    expect(await total('cases', { op: 'is', content: { field: 'samples.sample_id', value: 'MISSING' } })).toBe(80 - withSlides);
    expect(await total('cases', { op: 'not', content: { field: 'samples.sample_id', value: 'MISSING' } })).toBe(withSlides);
  });

  it('matches a condition on any diagnosis of a case, as GDC does', async () => {
    const { hits } = (await search('cases', { size: 100, fields: 'case_id,diagnoses.age_at_diagnosis,diagnoses.classification_of_tumor' })).data;
    const years = (days: number) => Math.floor((4 * days) / 1461);
    const ageOf = (hit: Record<string, any>, primary: boolean) => hit.diagnoses.find((d: any) => (d.classification_of_tumor === 'primary') === primary)?.age_at_diagnosis;
    // A case whose later diagnosis falls in another year of age than its primary one.
    const later = hits.find((h) => ageOf(h, false) !== undefined && years(ageOf(h, false)) !== years(ageOf(h, true)))!;
    const age = years(ageOf(later, false));
    const range = [
      { op: '>=', content: { field: 'diagnoses.age_at_diagnosis', value: Math.ceil(age * 365.25) } },
      { op: '<=', content: { field: 'diagnoses.age_at_diagnosis', value: Math.ceil((age + 1) * 365.25) - 1 } },
    ];
    expect(await total('cases', and(inList('case_id', [later.case_id]), ...range))).toBe(1);
  });

  it('keeps a case under `exclude` unless every diagnosis matches, drops it under `excludeifany` (documented)', async () => {
    const both = and(inList('diagnoses.diagnosis_is_primary_disease', ['false']), inList('diagnoses.diagnosis_is_primary_disease', ['true']));
    const flagged = await total('cases', both);
    expect(flagged).toBeGreaterThan(0);
    const excluding = (op: string) => and(...both.content, { op, content: { field: 'diagnoses.diagnosis_is_primary_disease', value: ['false'] } });
    expect(await total('cases', excluding('exclude'))).toBe(flagged);
    expect(await total('cases', excluding('excludeifany'))).toBe(0);
  });

  it('matches lower-cased fields whatever the case, and the others exactly', async () => {
    const code = data.cases[0].diagnosis.icd10;
    const exact = await total('cases', inList('diagnoses.icd_10_code', [code]));
    expect(exact).toBeGreaterThan(0);
    expect(await total('cases', inList('diagnoses.icd_10_code', [code.toLowerCase()]))).toBe(exact);
    expect(await total('files', inList('data_type', ['slide image']))).toBe(slidesOf().length);
    expect(await total('cases', inList('project.project_id', ['gd-lung']))).toBe(0);
  });

  it('reads `*` in a value as a wildcard', async () => {
    expect(await total('cases', inList('submitter_id', ['*']))).toBe(80);
    expect(await total('cases', inList('project.project_id', ['GD-B*']))).toBe(data.cases.filter((c) => c.collectionId.startsWith('GD-B')).length);
    expect(await total('cases', inList('project.project_id', ['GD-B']))).toBe(0);
  });

  it('answers HTTP 400 with a JSON message for an unknown operator, a malformed filter, an unknown sort field or format', async () => {
    for (const body of [
      { filters: { op: 'like', content: { field: 'submitter_id', value: 'x' } } },
      { filters: { op: '>=', content: { field: 'diagnoses.age_at_diagnosis', value: 'old' } } },
      { filters: { op: 'and', content: {} } },
      { sort: 'nope:asc' },
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

describe('unknown names', () => {
  it('leaves unknown fields, facets and field groups out and says so in `warnings` (as the recorded answer)', async () => {
    const answer = await search('files', { size: 1, fields: 'file_id,imaging.modality', facets: 'files.data_category', expand: 'imaging' });
    expect(answer.warnings).toEqual({
      fields: 'unrecognized values: [imaging.modality]', facets: 'unrecognized values: [files.data_category]', expand: 'unrecognized values: [imaging]',
    });
    expect(answer.data.aggregations).toBeUndefined();
    expect(Object.keys(answer.data.hits[0])).toEqual(['id', 'file_id']);
  });

  it('leaves an unknown filter field out of the query, with a warning; or refuses it when configured to', async () => {
    const answer = await search('cases', { size: 0, filters: and(inList('imaging.modality', ['CT']), inList('project.project_id', ['GD-LUNG'])) });
    expect(answer.warnings).toEqual({ filters: 'unrecognized values: [imaging.modality]' });
    expect(answer.data.pagination.total).toBe(data.cases.filter((c) => c.collectionId === 'GD-LUNG').length);
    simulator.options.unknownFilterFields = 'reject';
    try {
      const refused = await post('/cases', { filters: inList('imaging.modality', ['CT']) });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/imaging\.modality/);
    } finally {
      simulator.options.unknownFilterFields = undefined;
    }
  });

  it('knows neither sex_at_birth nor diagnosis_is_primary_disease with an older data dictionary', async () => {
    const legacy = await startGdcSimulator({ data, legacyDictionary: true });
    try {
      const answer = await search('cases', { size: 1, filters: inList('demographic.sex_at_birth', ['female']), facets: 'demographic.gender,diagnoses.diagnosis_is_primary_disease', expand: 'demographic' }, legacy);
      expect(answer.warnings).toEqual({ filters: 'unrecognized values: [demographic.sex_at_birth]', facets: 'unrecognized values: [diagnoses.diagnosis_is_primary_disease]' });
      expect(answer.data.pagination.total).toBe(80);
      expect(answer.data.hits[0].demographic).not.toHaveProperty('sex_at_birth');
      expect(answer.data.aggregations?.['demographic.gender'].buckets?.reduce((n, b) => n + b.doc_count, 0)).toBe(80);
    } finally {
      await legacy.close();
    }
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
    const answer = await search('files', { size: 0, facets: 'experimental_strategy' });
    const buckets = answer.data.aggregations!.experimental_strategy.buckets!;
    expect(buckets.find((b) => b.key === '_missing')?.doc_count).toBe(2 * data.cases.length);
    expect(buckets.reduce((sum, b) => sum + b.doc_count, 0)).toBe(answer.data.pagination.total);
    // Largest first, `_missing` last (as in the documented clinical.gender answer).
    const values = buckets.slice(0, -1).map((b) => b.doc_count);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(buckets.at(-1)?.key).toBe('_missing');
    // On /cases, a file field counts cases: a case with three slides counts once.
    const cases = await search('cases', { size: 0, facets: 'files.data_type' });
    expect(cases.data.aggregations!['files.data_type'].buckets!.find((b) => b.key === 'slide image')?.doc_count)
      .toBe([...gdcPathology(data).values()].filter((samples) => samples.length > 0).length);
  });

  it('answer lower-cased keys for lower-cased fields (as the recorded project.primary_site answer)', async () => {
    const answer = await search('cases', { size: 0, facets: 'diagnoses.icd_10_code,project.project_id' });
    const codes = answer.data.aggregations!['diagnoses.icd_10_code'].buckets!.map((b) => b.key);
    expect(codes).toContain(data.cases[0].diagnosis.icd10.toLowerCase());
    expect(codes.every((key) => key === key.toLowerCase())).toBe(true);
    expect(answer.data.aggregations!['project.project_id'].buckets!.map((b) => b.key)).toContain('GD-LUNG');
  });

  it('answer statistics for a numeric field (age in days), over every diagnosis', async () => {
    const answer = await search('cases', { size: 0, facets: 'diagnoses.age_at_diagnosis' });
    const { hits } = (await search('cases', { size: 100, fields: 'diagnoses.age_at_diagnosis' })).data;
    const days = hits.flatMap((h) => h.diagnoses.map((d: { age_at_diagnosis: number }) => d.age_at_diagnosis));
    expect(days.length).toBeGreaterThan(80);
    expect(answer.data.aggregations!['diagnoses.age_at_diagnosis']).toEqual({ stats: {
      count: days.length, min: Math.min(...days), max: Math.max(...days), avg: days.reduce((s, d) => s + d, 0) / days.length, sum: days.reduce((s, d) => s + d, 0),
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
      const answer = await search('cases', { size: 0, facets: 'diagnoses.icd_10_code' });
      expect(answer.data.aggregations!['diagnoses.icd_10_code'].buckets!.filter((b) => b.key !== '_missing')).toHaveLength(2);
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
    expect(response.body.data).toMatchObject({ case_id: id, submitter_id: data.cases[3].subjectId });
    expect(response.body.data.diagnoses.map((d: { icd_10_code: string }) => d.icd_10_code)).toContain(data.cases[3].diagnosis.icd10);
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

describe('independence', () => {
  it('imports no adapter or SDK code: it stands for a server somebody else wrote', () => {
    const folder = join(__dirname, '../../simulators/gdc');
    const imports = readdirSync(folder).filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [...readFileSync(join(folder, f), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => `${f}: ${m[1]}`));
    expect(imports.length).toBeGreaterThan(5);
    expect(imports.filter((line) => /subgraphs\//.test(line))).toEqual([]);
  });
});
