/**
 * The EUCAIM mediator simulator speaks the documented protocol (native-apis README 1.1.2 items 4-5), quirk and
 * dirt included. It counts with its own reading of the raw data (it imports no adapter, SDK or code-table module);
 * these tests compare it with the unified semantics (cohortOf over the project's code tables).
 */
import { startEucaimMediatorSimulator, type RunningEucaimMediator } from '../../simulators/eucaim';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { toUnifiedCases } from '../support/ground-truth';
import { cohortOf } from '../../subgraphs/sdk/evaluate';
import type { NormalizedFilter } from '../../subgraphs/sdk/filter';
import { nodeData } from './support';

const NO_REPORT = { applied: [], notApplied: [] };

interface Answer {
  provider: string;
  collections: Array<Record<string, unknown> & { id: string; subjects_count: number; studies_count: number }>;
  total: { subjects_count: number; studies_count: number };
}

describe('EUCAIM mediator simulator', () => {
  let data: SyntheticRepositoryData;
  let sim: RunningEucaimMediator;

  beforeAll(async () => {
    data = nodeData();
    // Dirt a real node has: one implausible age (README 1.1.2 item 5: `age_range.max: 965`).
    const lungCase = data.cases.find((c) => c.collectionId === 'LUNG' && c.sex === 'M');
    if (!lungCase) throw new Error('test data has no male lung case');
    lungCase.ageAtDiagnosis = 965;
    sim = await startEucaimMediatorSimulator({ data, provider: 'CHAIMELEON' });
  });

  afterAll(() => sim.close());

  async function search(query = ''): Promise<Answer> {
    const response = await fetch(`${sim.baseUrl}/search${query}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    return (await response.json()) as Answer;
  }

  function expected(filter: NormalizedFilter) {
    return cohortOf(toUnifiedCases(data), filter, NO_REPORT);
  }

  it('answers every collection with the Focus response shape and its dirt', async () => {
    const answer = await search();
    const truth = expected({});
    expect(answer.provider).toBe('CHAIMELEON');
    expect(answer.total).toEqual({ subjects_count: truth.subjects, studies_count: truth.studies });
    expect(answer.collections.map((c) => c.id)).toEqual(['LUNG', 'BREAST', 'PROSTATE', 'COLON']);
    const [lung, breast, prostate] = answer.collections;
    expect(lung).toMatchObject({ name: 'Lung Cancer (synthetic)', age_range: { max: 965 } });
    expect(Object.keys(lung)).toEqual(expect.arrayContaining(['description', 'subjects_count', 'studies_count', 'age_range', 'gender', 'modalities', 'body_parts']));
    // Nodes differ in the modality key; the simulator alternates so that adapters must read both.
    expect(lung.modalities).toEqual(expect.arrayContaining(['CT', 'PT']));
    expect(breast.modality).toEqual(expect.arrayContaining(['MG']));
    expect(breast.modalities).toBeUndefined();
    expect(lung.body_parts).toEqual(expect.arrayContaining(['TORAX', 'Unknown']));
    expect(prostate.body_parts).toEqual(expect.arrayContaining(['Pelvis^Masculin', 'PROSTATA']));
    // The data holds unknown (empty) sexes in BREAST, COLON and PROSTATE: the label carries the real typo.
    expect(prostate.gender).toEqual(['Male', 'Other', 'Unkown']);
    expect(lung.gender).toEqual(['Male', 'Female', 'Other']);
    for (const c of answer.collections) {
      const t = expected({ collections: [c.id] });
      expect([c.subjects_count, c.studies_count]).toEqual([t.subjects, t.studies]);
    }
  });

  it('counts each documented parameter with the unified semantics', async () => {
    const cases: Array<[string, NormalizedFilter]> = [
      ['?gender=female', { sex: ['FEMALE'] }],
      ['?gender=unknown', { sex: ['UNKNOWN'] }],
      ['?diagnosis=SNOMEDCT363358000', { cancerSites: ['LUNG'] }],
      ['?modality=PET', { modalities: ['PT'] }],
      ['?modality=SPECT', { modalities: ['NM'] }],
      ['?bodyPart=lung', { bodyParts: ['LUNG'] }],
      ['?bodyPart=pelvis', { bodyParts: ['PELVIS'] }],
      ['?manufacturer=General%20Electric', { manufacturers: ['general electric'] }],
      ['?manufacturer=General+Electric', { manufacturers: ['general electric'] }],
      ['?gender=male&diagnosis=SNOMEDCT399068003&modality=MR&bodyPart=prostate&manufacturer=Siemens',
        { sex: ['MALE'], cancerSites: ['PROSTATE'], modalities: ['MR'], bodyParts: ['PROSTATE'], manufacturers: ['siemens'] }],
    ];
    for (const [query, filter] of cases) {
      const answer = await search(query);
      const truth = expected(filter);
      expect([query, answer.total.subjects_count, answer.total.studies_count]).toEqual([query, truth.subjects, truth.studies]);
    }
    expect(expected({ sex: ['MALE'], cancerSites: ['PROSTATE'], modalities: ['MR'], bodyParts: ['PROSTATE'], manufacturers: ['siemens'] }).subjects).toBeGreaterThan(0);
  });

  it('leaves collections without a match out of the answer', async () => {
    const answer = await search('?diagnosis=SNOMEDCT363358000');
    expect(answer.collections.map((c) => c.id)).toEqual(['LUNG']);
    // "Pelvis Cancer" is read as C76.3, which the synthetic profiles never produce.
    expect(await search('?diagnosis=SNOMEDCT363484005')).toMatchObject({ collections: [], total: { subjects_count: 0, studies_count: 0 } });
  });

  it('silently ignores unknown parameters, unknown values and repeated values (the quirk)', async () => {
    const everything = await search();
    expect(await search('?age=60&collection=LUNG')).toEqual(everything);
    expect(await search('?modality=MG')).toEqual(everything);
    expect(await search('?gender=Male')).toEqual(everything);
    expect(await search('?bodyPart=chest')).toEqual(everything);
    expect(await search('?modality=MR&modality=CT')).toEqual(await search('?modality=MR'));
  });

  it('a node that does not implement a documented parameter drops it too: only its lists show it', async () => {
    const partial = await startEucaimMediatorSimulator({ data, provider: 'X', ignoredParams: ['gender'] });
    try {
      const answer = (await (await fetch(`${partial.baseUrl}/search?gender=female&diagnosis=SNOMEDCT363358000`)).json()) as Answer;
      expect(answer.total.subjects_count).toBe(expected({ cancerSites: ['LUNG'] }).subjects);
      expect(answer.collections[0].gender).toEqual(['Male', 'Female', 'Other']);
    } finally {
      await partial.close();
    }
  });

  it('answers 404 elsewhere and 405 to other methods, and counts requests', async () => {
    sim.resetCounts();
    expect((await fetch(`${sim.baseUrl}/api/datasets`)).status).toBe(404);
    expect((await fetch(`${sim.baseUrl}/search`, { method: 'POST', body: '{}' })).status).toBe(405);
    expect(sim.requests.total).toBe(2);
    expect(sim.requests.log).toEqual(['GET /api/datasets', 'POST /search']);
  });

  it('checks basic auth when configured', async () => {
    const guarded = await startEucaimMediatorSimulator({ data, provider: 'X', basicAuth: { username: 'focus', password: 'pw' } });
    try {
      expect((await fetch(`${guarded.baseUrl}/search`)).status).toBe(401);
      const ok = await fetch(`${guarded.baseUrl}/search`, { headers: { authorization: `Basic ${Buffer.from('focus:pw').toString('base64')}` } });
      expect(ok.status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
