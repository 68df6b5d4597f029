/**
 * How a study belongs to a collection is the owner's choice (options.collectionFrom), and a case no rule places
 * never gives an exact 0 for a cancer site or a collection. Run on a real Orthanc and on the QIDO simulator, each
 * holding the same synthetic archive.
 */
import type { CaseFilter } from '../../schema/generated/graphql';
import { startQidoSimulator } from '../../simulators/dicomweb';
import { generateRepositoryData } from '../../simulators/synthetic/generate';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { toUnifiedCases } from '../support/ground-truth';
import { dicomwebKind } from '../../subgraphs/dicomweb';
import type { RepositoryAdapter } from '../../subgraphs/sdk/adapter';
import type { RepositoryEntry } from '../../subgraphs/sdk/entry';
import { cohortOf } from '../../subgraphs/sdk/evaluate';
import { normaliseFilter, withoutCriteria } from '../../subgraphs/sdk/filter';
import type { FilterCriterion } from '../../schema/generated/graphql';
import { rejection } from '../support/adapter-kit';
import { seedDicomWeb } from '../support/dicom-seed';
import { startOrthanc } from '../support/orthanc';

const AUTH = { username: 'placement', password: 'placement-secret' };
const CREDENTIALS = `${AUTH.username}:${AUTH.password}`;

/** Two collections, every case carrying its collection in ClinicalTrialProtocolID (the TCIA convention). */
const TWO: SyntheticRepositoryData = generateRepositoryData({
  repositoryId: 'placement-pacs', seed: 41, cases: 16, subjectPrefix: 'PL', maxInstancesPerSeries: 1,
  collections: [{ id: 'PL-LUNG', name: 'Lung', cancerSite: 'LUNG' }, { id: 'PL-PROSTATE', name: 'Prostate', cancerSite: 'PROSTATE' }],
});

/** One collection; the first case's studies lack the collection link (no Clinical Trial Subject module). */
const ONE_SOURCE = generateRepositoryData({
  repositoryId: 'placement-pacs', seed: 43, cases: 8, subjectPrefix: 'OL', maxInstancesPerSeries: 1,
  collections: [{ id: 'OL-LUNG', name: 'Lung', cancerSite: 'LUNG' }],
});
const UNLINKED = ONE_SOURCE.cases[0];
const ONE: SyntheticRepositoryData = { ...ONE_SOURCE, cases: ONE_SOURCE.cases.map((c) => (c === UNLINKED ? { ...c, collectionId: '' } : c)) };

interface Server {
  root: string;
  stop(): Promise<void>;
}

const SERVERS: Array<[string, (data: SyntheticRepositoryData) => Promise<Server>]> = [
  ['a real Orthanc', async (data) => {
    const orthanc = await startOrthanc(AUTH);
    await seedDicomWeb(orthanc.dicomWebRoot, orthanc.auth, data);
    return { root: orthanc.dicomWebRoot, stop: () => orthanc.stop() };
  }],
  ['the QIDO simulator', async (data) => {
    const simulator = await startQidoSimulator({ data, basicAuth: AUTH });
    return { root: simulator.dicomWebRoot, stop: () => simulator.close() };
  }],
];

function entryFor(data: SyntheticRepositoryData, root: string, options: Record<string, unknown>): RepositoryEntry {
  return {
    id: 'placement-pacs', name: 'Placement PACS', country: 'NL', institution: 'Test', apiKind: 'dicomweb',
    endpoint: root, subgraph: 'local', timeoutMs: 5000, options,
    collections: data.collections.map((c) => ({ id: c.id, name: c.name, cancerSite: c.cancerSite })),
  };
}

/** The ground truth's counts for `where` without the criteria in `notApplied`. */
function truthOf(data: SyntheticRepositoryData, where: CaseFilter, notApplied: FilterCriterion[] = []) {
  const filter = normaliseFilter(where, 'placement-pacs');
  const truth = toUnifiedCases(data).map((c) => (c.collection === '' ? { ...c, collection: null } : c));
  return cohortOf(truth, withoutCriteria(filter, notApplied), { applied: [], notApplied: [] });
}

describe.each(SERVERS)('collections on %s', (_name, start) => {
  describe('rules that place every study', () => {
    let server: Server;
    const adapters: RepositoryAdapter[] = [];
    beforeAll(async () => {
      server = await start(TWO);
    }, 120_000);
    afterAll(async () => {
      await Promise.all(adapters.map((a) => a.close?.()));
      await server?.stop();
    });
    const adapterWith = (options: Record<string, unknown>) => {
      const adapter = dicomwebKind.create(entryFor(TWO, server.root, options), { credentials: CREDENTIALS });
      adapters.push(adapter);
      return adapter;
    };

    const RULES: Array<[string, Record<string, unknown>]> = [
      ['ClinicalTrialProtocolID (the default)', {}],
      ['ClinicalTrialProtocolID, live mode', { mode: 'live', collectionFrom: { by: 'ClinicalTrialProtocolID' } }],
      ['IssuerOfPatientID mapped to collections', { collectionFrom: { by: 'IssuerOfPatientID', values: { 'PL-LUNG registry': 'PL-LUNG', 'PL-PROSTATE registry': 'PL-PROSTATE' } } }],
      ['PatientID patterns', { collectionFrom: { by: 'PatientID', patterns: [{ match: '^PL-LUNG-\\d{4}$', collection: 'PL-LUNG' }, { match: '^PL-PROSTATE-', collection: 'PL-PROSTATE' }] } }],
      ['StudyDescription patterns, ignoring case', { collectionFrom: {
        by: 'StudyDescription', ignoreCase: true,
        patterns: [{ match: 'thorax|chest|fdg|\\btap\\b', collection: 'PL-LUNG' }, { match: 'prostat|psma|abdomen pelvis', collection: 'PL-PROSTATE' }],
      } }],
    ];

    it.each(RULES)('places every case as the ground truth does, by %s', async (_rule, options) => {
      const adapter = adapterWith(options);
      for (const where of [{ cancerSites: ['LUNG'] }, { collections: ['PL-PROSTATE'] }, { cancerSites: ['PROSTATE'], sex: ['MALE'] }, {}] as CaseFilter[]) {
        const cohort = await adapter.cohort(normaliseFilter(where, 'placement-pacs'), {}, { facets: true });
        const expected = truthOf(TWO, where);
        expect([where, cohort.exact, cohort.filtersNotApplied]).toEqual([where, true, []]);
        expect([where, cohort.subjects, cohort.studies, cohort.series, cohort.facets.cancerSite]).toEqual([where, expected.subjects, expected.studies, expected.series, expected.facets.cancerSite]);
      }
      const collections = await adapter.collections({});
      expect(collections.map((c) => [c.id, c.subjects, c.cancerSites])).toEqual(TWO.collections.map((c) => [c.id, TWO.cases.filter((x) => x.collectionId === c.id).length, [c.cancerSite]]));
    });

    it('reports cancer sites as not applied when a StudyDescription pattern leaves studies unplaced, counting an upper bound', async () => {
      // Only "THORAX" descriptions are placed: lung cases whose studies are all "CT Chest low dose" stay unplaced.
      const adapter = adapterWith({ collectionFrom: { by: 'StudyDescription', patterns: [{ match: 'THORAX', collection: 'PL-LUNG' }] } });
      const cohort = await adapter.cohort(normaliseFilter({ cancerSites: ['LUNG'] }, 'placement-pacs'), {}, { facets: false });
      expect(cohort.exact).toBe(false);
      expect(cohort.filtersNotApplied).toEqual([{ criterion: 'CANCER_SITES', reason: expect.stringContaining('a StudyDescription pattern of options.collectionFrom') }]);
      expect(cohort.subjects).toBe(TWO.cases.length);
    });
  });

  describe('a study without the collection link', () => {
    let server: Server;
    const adapters: RepositoryAdapter[] = [];
    beforeAll(async () => {
      server = await start(ONE);
    }, 120_000);
    afterAll(async () => {
      await Promise.all(adapters.map((a) => a.close?.()));
      await server?.stop();
    });
    const adapterWith = (options: Record<string, unknown>) => {
      const adapter = dicomwebKind.create(entryFor(ONE, server.root, options), { credentials: CREDENTIALS });
      adapters.push(adapter);
      return adapter;
    };

    it.each([['index'], ['live']])('never answers an exact 0 for the only collection\'s cancer site (%s mode)', async (mode) => {
      const cohort = await adapterWith({ mode }).cohort(normaliseFilter({ cancerSites: ['LUNG'] }, 'placement-pacs'), {}, { facets: true });
      expect(cohort.exact).toBe(false);
      expect(cohort.filtersApplied).toEqual([]);
      expect(cohort.filtersNotApplied).toEqual([{ criterion: 'CANCER_SITES', reason: expect.stringMatching(/cancer site of 1 case\(s\).*cannot be placed in a collection \(ClinicalTrialProtocolID \(0012,0020\)\)/) }]);
      // The counts are those without the criterion: an upper bound that includes the unplaced case.
      const expected = truthOf(ONE, {});
      expect([cohort.subjects, cohort.studies, cohort.series]).toEqual([expected.subjects, expected.studies, expected.series]);
      expect(cohort.subjects).toBe(ONE.cases.length);
      expect(cohort.facets.cancerSite).toEqual([{ value: 'LUNG', subjects: ONE.cases.length - 1 }, { value: 'UNKNOWN', subjects: 1 }]);
    });

    it('reports the collection criterion too, and refuses a case list that would silently leave the case out', async () => {
      const adapter = adapterWith({});
      const cohort = await adapter.cohort(normaliseFilter({ collections: ['OL-LUNG'] }, 'placement-pacs'), {}, { facets: false });
      expect(cohort).toMatchObject({ exact: false, subjects: ONE.cases.length, filtersNotApplied: [{ criterion: 'COLLECTIONS', reason: expect.stringContaining('1 case(s)') }] });
      const error = await rejection(adapter.cases!(normaliseFilter({ cancerSites: ['LUNG'] }, 'placement-pacs'), { first: 5, after: null }, {}));
      expect(error.extensions).toMatchObject({ code: 'REPOSITORY_NOT_SUPPORTED', repositoryId: 'placement-pacs' });
    });

    it('applies the criterion exactly when the other criteria already exclude the unplaced case', async () => {
      const otherSex = UNLINKED.sex === 'M' ? 'FEMALE' : 'MALE';
      const where: CaseFilter = { cancerSites: ['LUNG'], sex: [otherSex] };
      const cohort = await adapterWith({}).cohort(normaliseFilter(where, 'placement-pacs'), {}, { facets: false });
      const expected = truthOf(ONE, where);
      expect([cohort.exact, cohort.filtersNotApplied, cohort.subjects]).toEqual([true, [], expected.subjects]);
      expect(cohort.subjects).toBeGreaterThan(0);
    });

    it('places every study when the whole repository is one collection', async () => {
      const adapter = adapterWith({ collectionFrom: { by: 'repository', collection: 'OL-LUNG' } });
      const cohort = await adapter.cohort(normaliseFilter({ cancerSites: ['LUNG'] }, 'placement-pacs'), {}, { facets: false });
      expect([cohort.exact, cohort.subjects]).toEqual([true, ONE.cases.length]);
      const page = await adapter.cases!(normaliseFilter({ collections: ['OL-LUNG'] }, 'placement-pacs'), { first: 50, after: null }, {});
      expect(page.edges.map((e) => e.node.subjectId)).toEqual(ONE.cases.map((c) => c.subjectId));
    });
  });
});
