/**
 * The worked example adapter (docs/joining-the-federation.md): exact where the node's per-value counts allow,
 * honest about the rest.
 */
import { startDatasetServiceSimulator } from '../../simulators/dataset-service';
import { generateRepositoryData } from '../../simulators/synthetic/generate';
import { toUnifiedCases } from '../support/ground-truth';
import { datasetServiceKind } from '../../subgraphs/dataset-service';
import type { RepositoryAdapter } from '../../subgraphs/sdk/adapter';
import { cohortOf } from '../../subgraphs/sdk/evaluate';
import { normaliseFilter } from '../../subgraphs/sdk/filter';
import type { CaseFilter } from '../../schema/generated/graphql';
import type { RunningSimulator } from '../../simulators/http-server';

const data = generateRepositoryData({
  repositoryId: 'es-upv', seed: 12, cases: 200, subjectPrefix: 'UPV', language: 'es',
  collections: [{ id: 'LUNG', name: 'Lung', cancerSite: 'LUNG' }, { id: 'PROSTATE', name: 'Prostate', cancerSite: 'PROSTATE' }],
});
const truth = toUnifiedCases(data);
const exactly = (where: CaseFilter) => cohortOf(truth, normaliseFilter(where, 'es-upv'), { applied: [], notApplied: [] });

describe('dataset-service adapter (the worked example)', () => {
  let simulator: RunningSimulator & { baseUrl: string };
  let adapter: RepositoryAdapter;
  const cohort = (where: CaseFilter, facets = false) => adapter.cohort(normaliseFilter(where, 'es-upv'), {}, { facets });

  beforeAll(async () => {
    simulator = await startDatasetServiceSimulator({ data });
    adapter = datasetServiceKind.create({
      id: 'es-upv', name: 'UPV node', country: 'ES', institution: 'UPV', apiKind: 'eucaim-dataset-service', endpoint: simulator.baseUrl,
      subgraph: 'local', timeoutMs: 2000, options: {},
      collections: data.collections.map((c) => ({ id: c.id, name: c.name, cancerSite: c.cancerSite })),
    }, {});
  });

  afterAll(async () => {
    await adapter.close?.();
    await simulator.close();
  });

  it('counts collections, cancer sites and sexes exactly, with facets', async () => {
    const all = await cohort({}, true);
    expect(all).toMatchObject({ subjects: 200, studies: exactly({}).studies, exact: true });
    expect(all.facets.sex).toEqual(exactly({}).facets.sex);
    expect(all.facets.modality).toEqual(exactly({}).facets.modality);
    const women = await cohort({ sex: ['FEMALE', 'OTHER'], cancerSites: ['LUNG'] });
    expect(women).toMatchObject({ subjects: exactly({ sex: ['FEMALE', 'OTHER'], cancerSites: ['LUNG'] }).subjects, studies: null, exact: true });
  });

  it('counts one modality exactly from the per-value arrays', async () => {
    expect((await cohort({ modalities: ['MR'] })).subjects).toBe(exactly({ modalities: ['MR'] }).subjects);
  });

  it('reports a second attribute, ranges and ambiguous raw values as not applied', async () => {
    const both = await cohort({ sex: ['MALE'], modalities: ['CT'], ageAtDiagnosis: { min: 60 } });
    expect(both.exact).toBe(false);
    expect(both.filtersApplied).toEqual(['SEX']);
    expect(both.filtersNotApplied.map((n) => n.criterion)).toEqual(['AGE_AT_DIAGNOSIS', 'MODALITIES']);
    expect(both.subjects).toBe(exactly({ sex: ['MALE'] }).subjects);
    // Lung CT holds "CHEST", "Chest" and "TORAX": a subject may have several, so the node's counts cannot be added.
    const chest = await cohort({ bodyParts: ['CHEST'] });
    expect(chest.filtersNotApplied).toEqual([{ criterion: 'BODY_PARTS', reason: expect.stringContaining('counted twice') }]);
    expect(chest.subjects).toBe(200);
  });

  it('matches manufacturers by vendor only', async () => {
    expect((await cohort({ manufacturers: ['Siemens Healthineers'] })).subjects).toBe(exactly({ manufacturers: ['siemens'] }).subjects);
    expect((await cohort({ manufacturers: ['Sie'] })).filtersNotApplied.map((n) => n.criterion)).toEqual(['MANUFACTURERS']);
  });

});
