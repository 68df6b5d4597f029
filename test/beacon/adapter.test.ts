/**
 * The Beacon adapter against simulated beacons: counts equal the official semantics (cohortOf over the ground truth)
 * for every criterion it applies; the others are reported with reasons and the counts equal cohortOf over the filter
 * without them (upper bounds). Beacons coding sex in NCIT, SNOMED CT, PATO or a mix, imaging in EUCAIM or SNOMED CT
 * terms, beacons that ignore filters (with a warning, or only by leaving them out of their echo), that answer only
 * booleans, only records, or read `skip` as records are answered honestly too: exact only when the beacon shows it
 * applied every filter.
 */
import { execute, parse } from 'graphql';
import type { CaseFilter, FacetCount, FilterCriterion } from '../../schema/generated/graphql';
import { startBeaconSimulator, type BeaconSimulatorOptions, type RunningBeaconSimulator } from '../../simulators/beacon';
import { startSimulator } from '../../simulators/http-server';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { toUnifiedCases } from '../support/ground-truth';
import { BeaconAdapter, beaconKind } from '../../subgraphs/beacon';
import { criteriaOf, normaliseFilter } from '../../subgraphs/sdk/filter';
import type { FullCaseRecord } from '../../subgraphs/sdk/records';
import { buildRepositorySubgraph } from '../../subgraphs/sdk/subgraph';
import { beaconData, entryFor, ErrorCode, expectError, failure, REPOSITORY_ID, truthOf } from './support';

const context = {};
/** Cancer sites the adapter's default table can count (ADRENAL_GLAND has no term). */
const COUNTABLE_SITES = ['BREAST', 'LUNG', 'PROSTATE', 'COLON', 'RECTUM', 'LIVER', 'KIDNEY', 'BRAIN'];

function criteria(where: CaseFilter): FilterCriterion[] {
  return criteriaOf(normaliseFilter(where, REPOSITORY_ID));
}

describe('Beacon adapter', () => {
  let data: SyntheticRepositoryData;
  let cases: FullCaseRecord[];
  let sim: RunningBeaconSimulator;
  let adapter: BeaconAdapter;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    data = beaconData();
    cases = toUnifiedCases(data);
    sim = await startBeaconSimulator({ data });
    adapter = new BeaconAdapter(entryFor(sim.baseUrl), {});
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await adapter.close();
    await sim.close();
  });

  /** Another simulated beacon and an adapter on it, closed after the suite. */
  async function beacon(options: Partial<BeaconSimulatorOptions>, adapterOptions: Record<string, unknown> = {}, timeoutMs?: number) {
    const s = await startBeaconSimulator({ data, ...options });
    const a = new BeaconAdapter(entryFor(s.baseUrl, adapterOptions, timeoutMs), {});
    cleanups.push(async () => {
      await a.close();
      await s.close();
    });
    return { sim: s, adapter: a };
  }

  const truth = (where: CaseFilter, notApplied: FilterCriterion[] = []) => truthOf(cases, where, notApplied);

  function cohort(where: CaseFilter, facets = false, on = adapter) {
    return on.cohort(normaliseFilter(where, REPOSITORY_ID), context, { facets });
  }

  const individualsRequests = (s: RunningBeaconSimulator) => [...s.requests.byPath].filter(([path]) => path.endsWith('/individuals')).reduce((n, [, c]) => n + c, 0);

  describe('filters the beacon can express: exact', () => {
    const exactFilters: CaseFilter[] = [
      {},
      { sex: ['MALE'] }, { sex: ['FEMALE'] }, { sex: ['OTHER'] }, { sex: ['UNKNOWN'] },
      { cancerSites: ['LUNG'] }, { cancerSites: ['BREAST'] }, { cancerSites: ['PROSTATE'] }, { cancerSites: ['RECTUM'] },
      { cancerSites: ['BRAIN'] }, { cancerSites: ['LIVER'] },
      // Filters matching nothing.
      { cancerSites: ['KIDNEY'] }, { cancerSites: ['COLON'] }, { ageAtDiagnosis: { min: 140 } }, { collections: ['NO-SUCH-DATASET'] },
      { ageAtDiagnosis: { min: 70 } }, { ageAtDiagnosis: { max: 40 } }, { ageAtDiagnosis: { min: 50, max: 59 } }, { ageAtDiagnosis: { min: 0, max: 4 } },
      // Imaging through the EUCAIM hyper-ontology terms this beacon lists (CT, MG and six body parts).
      { modalities: ['CT'] }, { modalities: ['MG'] },
      { bodyParts: ['CHEST'] }, { bodyParts: ['LUNG'] }, { bodyParts: ['BREAST'] }, { bodyParts: ['PELVIS'] }, { bodyParts: ['PROSTATE'] }, { bodyParts: ['COLON'] },
      { collections: ['LUNG'] }, { collections: ['LUNG', 'BREAST'] },
      // OR within a criterion: summed for subject attributes, inclusion–exclusion for one image criterion.
      { sex: ['MALE', 'FEMALE'] }, { sex: ['OTHER', 'UNKNOWN'] }, { sex: ['MALE', 'FEMALE', 'OTHER', 'UNKNOWN'] },
      { cancerSites: ['LUNG', 'BREAST'] }, { cancerSites: ['RECTUM', 'LIVER', 'BRAIN'] },
      { modalities: ['CT', 'MG'] }, { bodyParts: ['CHEST', 'LUNG', 'BREAST'] },
      // Combinations.
      { sex: ['FEMALE'], cancerSites: ['BREAST'], ageAtDiagnosis: { min: 50, max: 70 }, modalities: ['MG'] },
      { cancerSites: ['LUNG'], modalities: ['CT'], ageAtDiagnosis: { min: 60 } },
      { collections: ['LUNG', 'BREAST'], sex: ['MALE'] },
      { collections: ['PROSTATE', 'RECTUM'], sex: ['MALE', 'FEMALE'], bodyParts: ['PELVIS', 'PROSTATE'] },
      { sex: ['MALE', 'FEMALE'], cancerSites: ['LUNG', 'RECTUM'], ageAtDiagnosis: { max: 65 } },
    ];

    it.each(exactFilters.map((where) => [JSON.stringify(where), where] as const))('%s', async (_name, where) => {
      const result = await cohort(where);
      expect(result.subjects).toBe(truth(where).subjects);
      expect(result.exact).toBe(true);
      expect(result.filtersNotApplied).toEqual([]);
      expect(result.filtersApplied).toEqual(criteria(where));
      expect([result.studies, result.series, result.images]).toEqual([null, null, null]);
    });

    it('is not trivially exact: the filters select real, smaller cohorts', () => {
      expect(truth({}).subjects).toBe(420);
      const selective: CaseFilter[] = [
        { sex: ['OTHER'] }, { sex: ['UNKNOWN'] }, { cancerSites: ['LIVER'] }, { modalities: ['MG'] }, { bodyParts: ['PELVIS'] },
        { sex: ['FEMALE'], cancerSites: ['BREAST'], ageAtDiagnosis: { min: 50, max: 70 }, modalities: ['MG'] },
        { collections: ['PROSTATE', 'RECTUM'], sex: ['MALE', 'FEMALE'], bodyParts: ['PELVIS', 'PROSTATE'] },
        { modalities: ['CT', 'MG'] },
      ];
      for (const where of selective) {
        const n = truth(where).subjects as number;
        expect([JSON.stringify(where), n > 0 && n < 420]).toEqual([JSON.stringify(where), true]);
      }
      // Inclusion–exclusion matters: some subjects have both CT and MG series, and both CHEST and BREAST ones.
      expect((truth({ modalities: ['CT'] }).subjects as number) + (truth({ modalities: ['MG'] }).subjects as number))
        .toBeGreaterThan(truth({ modalities: ['CT', 'MG'] }).subjects as number);
      expect((truth({ bodyParts: ['CHEST'] }).subjects as number) + (truth({ bodyParts: ['BREAST'] }).subjects as number))
        .toBeGreaterThan(truth({ bodyParts: ['CHEST', 'BREAST'] }).subjects as number);
    });
  });

  describe('filters it cannot express: reported, counted without them', () => {
    const notApplied: Array<[CaseFilter, FilterCriterion[], RegExp[]]> = [
      [{ cancerSites: ['ADRENAL_GLAND'] }, ['CANCER_SITES'], [/ADRENAL_GLAND has no term in this adapter's tables/]],
      [{ cancerSites: ['LUNG', 'OTHER'], sex: ['FEMALE'] }, ['CANCER_SITES'], [/cancer site OTHER/]],
      [{ yearOfDiagnosis: { min: 2015, max: 2020 }, sex: ['MALE'] }, ['YEAR_OF_DIAGNOSIS'], [/^Beacon v2 has no year of diagnosis/]],
      [{ modalities: ['CT'], bodyParts: ['CHEST'] }, ['BODY_PARTS'], [/only MODALITIES is applied/]],
      [{ modalities: ['CT', 'MG'], bodyParts: ['CHEST'], manufacturers: ['siemens'] }, ['BODY_PARTS', 'MANUFACTURERS'], [/only MODALITIES/, /manufacturers/]],
      [{ bodyParts: ['OTHER'] }, ['BODY_PARTS'], [/body part OTHER/]],
      // Terms this EUCAIM-coded beacon does not list: reported, never an invented DCM: or bodyPart: term.
      [{ modalities: ['MR'], sex: ['MALE'] }, ['MODALITIES'], [/modality MR \(looked for SNOMED:113091000, NCIT:C16809, RADLEX:RID10312, DCM:MR/]],
      [{ modalities: ['CT', 'PT'] }, ['MODALITIES'], [/modality PT/]],
      [{ bodyParts: ['ABDOMEN'] }, ['BODY_PARTS'], [/body part ABDOMEN \(looked for SNOMED:818981001/]],
      [{ manufacturers: ['GE'], cancerSites: ['LUNG'] }, ['MANUFACTURERS'], [/no imaging model/]],
    ];

    it.each(notApplied.map(([where, c, reasons]) => [JSON.stringify(where), where, c, reasons] as const))('%s', async (_name, where, expectedCriteria, reasons) => {
      const result = await cohort(where);
      expect(result.exact).toBe(false);
      expect(result.filtersNotApplied.map((n) => n.criterion)).toEqual(expectedCriteria);
      result.filtersNotApplied.forEach((n, i) => expect(n.reason).toMatch(reasons[i]));
      expect(result.filtersApplied).toEqual(criteria(where).filter((c) => !expectedCriteria.includes(c)));
      expect(result.subjects).toBe(truth(where, expectedCriteria).subjects);
      expect(result.subjects).toBeGreaterThanOrEqual(truth(where).subjects as number);
    });

    it('reports the request cap when the value combinations exceed it', async () => {
      const { sim: s, adapter: capped } = await beacon({}, { maxRequestsPerCohort: 4 });
      await cohort({}, false, capped);
      s.resetCounts();
      const where: CaseFilter = { sex: ['MALE', 'FEMALE', 'OTHER'], cancerSites: ['LUNG', 'BREAST'] };
      const result = await cohort(where, false, capped);
      expect(individualsRequests(s)).toBe(2);
      expect(result.filtersNotApplied).toEqual([{ criterion: 'SEX', reason: expect.stringContaining('cap of 4 per cohort') }]);
      expect(result.subjects).toBe(truth(where, ['SEX']).subjects);
    });

    it('applies what the beacon lists and reports the rest: no imaging terms, no age term, an unlisted sex', async () => {
      const { adapter: sparse } = await beacon({ imaging: 'none', ageTerm: null, omitTerms: ['NCIT:C45908'], unknownFilters: 'reject' });
      const where: CaseFilter = { sex: ['MALE', 'OTHER'], modalities: ['CT'], ageAtDiagnosis: { min: 60 }, cancerSites: ['LUNG'] };
      const result = await cohort(where, false, sparse);
      expect(result.filtersApplied).toEqual(['CANCER_SITES']);
      expect(result.filtersNotApplied.map((n) => n.criterion)).toEqual(['SEX', 'AGE_AT_DIAGNOSIS', 'MODALITIES']);
      expect(result.filtersNotApplied[0].reason).toContain('NCIT:C45908');
      expect(result.filtersNotApplied[2].reason).toContain('EUCAIM:IMG1000026');
      expect(result.subjects).toBe(truth(where, ['SEX', 'AGE_AT_DIAGNOSIS', 'MODALITIES']).subjects);
    });
  });

  describe('beacon variants', () => {
    it('a configured year-of-diagnosis term and a CURIE age term are applied exactly', async () => {
      const { adapter: a } = await beacon({ yearOfDiagnosisTerm: 'yearOfDiagnosis', ageTerm: 'PATO:0000011' }, { yearOfDiagnosisTerm: 'yearOfDiagnosis', ageTerm: 'PATO:0000011' });
      for (const where of [{ yearOfDiagnosis: { min: 2015, max: 2020 } }, { yearOfDiagnosis: { max: 2010 }, ageAtDiagnosis: { min: 60 }, sex: ['FEMALE'] }] as CaseFilter[]) {
        const result = await cohort(where, false, a);
        expect([result.exact, result.subjects]).toEqual([true, truth(where).subjects]);
      }
      // The year term configured here but not listed by that beacon: reported.
      const { adapter: unlisted } = await beacon({}, { yearOfDiagnosisTerm: 'yearOfDiagnosis' });
      expect((await cohort({ yearOfDiagnosis: { min: 2015 } }, false, unlisted)).filtersNotApplied[0].reason).toMatch(/does not list/);
    });

    it('a count-only beacon gives the same exact counts', async () => {
      const { adapter: a } = await beacon({ granularity: 'count' });
      for (const where of [{}, { sex: ['MALE', 'FEMALE'], cancerSites: ['LUNG'] }, { modalities: ['CT', 'MG'], ageAtDiagnosis: { max: 60 } }] as CaseFilter[]) {
        expect((await cohort(where, false, a)).subjects).toBe(truth(where).subjects);
      }
    });

    describe.each([
      ['the v2-draft NCIT codes', { sexCoding: 'NCIT-draft' }, 'NCIT:C46112'],
      ['SNOMED CT', { sexCoding: 'SNOMED' }, 'SNOMED:248153007'],
      ['PATO (unknown and other in NCIT)', { sexCoding: 'PATO' }, 'PATO:0020001'],
      ['lower-case CURIE prefixes', { spelling: 'lowercase' }, 'ncit:C20197'],
    ] as Array<[string, Partial<BeaconSimulatorOptions>, string]>)('a beacon coding sex in %s', (_name, options, maleTerm) => {
      it('is asked with its own terms, as it spells them, and counted exactly, facets included', async () => {
        const { sim: s, adapter: a } = await beacon(options);
        for (const where of [{ sex: ['FEMALE'] }, { sex: ['MALE', 'UNKNOWN'] }, { sex: ['OTHER'], cancerSites: ['BRAIN'] }, { sex: ['MALE'], cancerSites: ['RECTUM'] }] as CaseFilter[]) {
          const result = await cohort(where, false, a);
          expect([JSON.stringify(where), result.exact, result.subjects]).toEqual([JSON.stringify(where), true, truth(where).subjects]);
        }
        expect(JSON.stringify(s.bodies)).toContain(`"${maleTerm}"`);
        const faceted = await cohort({ cancerSites: ['LUNG', 'BREAST'] }, true, a);
        expect(faceted.facets.sex).toEqual(truth({ cancerSites: ['LUNG', 'BREAST'] }).facets.sex);
      });
    });

    it('a beacon mixing NCIT and SNOMED CT sex codes is counted exactly, whether or not it expands synonyms', async () => {
      const males = truth({ sex: ['MALE'] }).subjects;
      for (const sexSynonyms of [false, true]) {
        const { sim: s, adapter: a } = await beacon({ sexCoding: 'mixed', sexSynonyms });
        s.resetCounts();
        expect(await cohort({ sex: ['MALE'] }, false, a)).toMatchObject({ subjects: males, exact: true });
        // Both codes and their intersection: |NCIT| + |SNOMED| - |both| (0 without synonyms, all males with them).
        expect(s.bodies.map((b) => (b.body as { query: { filters: Array<{ id: string }> } }).query.filters.map((f) => f.id))).toEqual([
          ['NCIT:C20197'], ['SNOMED:248153007'], ['NCIT:C20197', 'SNOMED:248153007'],
        ]);
        for (const where of [{ sex: ['FEMALE', 'MALE'] }, { sex: ['UNKNOWN'], ageAtDiagnosis: { min: 50 } }] as CaseFilter[]) {
          expect((await cohort(where, false, a)).subjects).toBe(truth(where).subjects);
        }
      }
    });

    it('a beacon coding imaging in SNOMED CT: every modality and body part it lists is applied exactly', async () => {
      const { adapter: a } = await beacon({ imaging: 'SNOMED' });
      const filters: CaseFilter[] = [
        { modalities: ['MR'] }, { modalities: ['PT'] }, { modalities: ['US'] }, { modalities: ['CT', 'MR', 'PT'] },
        { bodyParts: ['ABDOMEN'] }, { bodyParts: ['HEAD'] }, { bodyParts: ['BRAIN'] }, { bodyParts: ['LIVER'] }, { bodyParts: ['CHEST_ABDOMEN_PELVIS'] },
        { bodyParts: ['CHEST', 'LUNG'] }, { sex: ['FEMALE'], modalities: ['MR', 'MG'] },
      ];
      for (const where of filters) {
        const result = await cohort(where, false, a);
        expect([JSON.stringify(where), result.exact, result.subjects]).toEqual([JSON.stringify(where), true, truth(where).subjects]);
      }
      // NM has no SNOMED CT term in this beacon: reported.
      expect((await cohort({ modalities: ['NM'] }, false, a)).filtersNotApplied[0].reason).toMatch(/modality NM/);
    });

    it('a boolean-only beacon: no number (subjects null, exact false) unless nobody exists (0, exact)', async () => {
      const { adapter: a } = await beacon({ granularity: 'boolean' });
      const some = await cohort({ cancerSites: ['LUNG'] }, true, a);
      expect(some).toMatchObject({ subjects: null, studies: null, exact: false, filtersApplied: ['CANCER_SITES'], filtersNotApplied: [] });
      expect(some.facets).toEqual({ modality: [], sex: [], cancerSite: [], bodyPart: [], ageBand: [], manufacturer: [] });
      const nobody = await cohort({ cancerSites: ['KIDNEY', 'COLON'] }, false, a);
      expect(nobody).toMatchObject({ subjects: 0, exact: true });
      // Inclusion–exclusion with booleans: no number either.
      expect((await cohort({ modalities: ['CT', 'MG'] }, false, a)).subjects).toBeNull();
      // A criterion not applied keeps exact false even for 0.
      expect(await cohort({ cancerSites: ['KIDNEY'], manufacturers: ['siemens'] }, false, a)).toMatchObject({ subjects: 0, exact: false });
    });

    it('a record beacon that ignores requestedGranularity: numTotalResults counts, one request each', async () => {
      const { sim: s, adapter: a } = await beacon({ ignoreRequestedGranularity: true });
      await cohort({}, false, a);
      s.resetCounts();
      const where: CaseFilter = { sex: ['MALE', 'FEMALE'], modalities: ['CT', 'MG'] };
      expect((await cohort(where, false, a)).subjects).toBe(truth(where).subjects);
      expect(individualsRequests(s)).toBe(2 * 3);
      // limit 1: one record per answer, not a page.
      expect(s.bodies.every((b) => (b.body as { query: { pagination: { limit: number } } }).query.pagination.limit === 1)).toBe(true);
    });

    describe.each(['pages', 'records'] as const)('a record beacon without totals reading skip as %s', (skipMeaning) => {
      it('is counted exactly by paging, the skip reading detected from the second page', async () => {
        const { sim: s, adapter: a } = await beacon({ ignoreRequestedGranularity: true, recordTotals: false, skipMeaning, maxLimit: 100 });
        expect((await cohort({ cancerSites: ['KIDNEY'] }, false, a)).subjects).toBe(0); // an empty first page tells nothing
        const skips = () => s.bodies.slice(1).map((b) => (b.body as { query: { pagination: { skip: number } } }).query.pagination.skip);
        s.resetCounts();
        expect(await cohort({}, false, a)).toMatchObject({ subjects: 420, exact: true });
        // One count request, then pages of 100 until an empty one (records: the probe at skip 1 adds one record).
        expect(individualsRequests(s)).toBe(skipMeaning === 'pages' ? 1 + 6 : 1 + 7);
        expect(skips()).toEqual(skipMeaning === 'pages' ? [0, 1, 2, 3, 4, 5] : [0, 1, 101, 201, 301, 401, 420]);
        // The reading is remembered: no probe the next time.
        s.resetCounts();
        expect((await cohort({}, false, a)).subjects).toBe(420);
        expect(skips()).toEqual(skipMeaning === 'pages' ? [0, 1, 2, 3, 4, 5] : [0, 100, 200, 300, 400, 420]);
        for (const where of [{ cancerSites: ['BREAST', 'LUNG'] }, { modalities: ['CT', 'MG'], sex: ['FEMALE'] }, { collections: ['LUNG'], ageAtDiagnosis: { min: 65 } }] as CaseFilter[]) {
          expect((await cohort(where, false, a)).subjects).toBe(truth(where).subjects);
        }
      });

      it('copes with a server page smaller than the page size asked', async () => {
        const { adapter: a } = await beacon({ ignoreRequestedGranularity: true, recordTotals: false, skipMeaning, maxLimit: 30 }, { pageSize: 100 });
        expect((await cohort({ sex: ['MALE'] }, false, a)).subjects).toBe(truth({ sex: ['MALE'] }).subjects);
      });
    });

    it('a configured skip reading needs no probe', async () => {
      const { sim: s, adapter: a } = await beacon({ ignoreRequestedGranularity: true, recordTotals: false, skipMeaning: 'records' }, { skipMeaning: 'records' });
      expect((await cohort({ cancerSites: ['KIDNEY'] }, false, a)).subjects).toBe(0);
      s.resetCounts();
      expect((await cohort({}, false, a)).subjects).toBe(420);
      expect(s.bodies.slice(1).map((b) => (b.body as { query: { pagination: { skip: number } } }).query.pagination.skip)).toEqual([0, 100, 200, 300, 400, 420]);
    });

    it('a beacon without /filtering_terms: every criterion reported, the unfiltered count still exact', async () => {
      const { adapter: a } = await beacon({ filteringTermsEndpoint: false });
      expect(await cohort({}, false, a)).toMatchObject({ subjects: 420, exact: true });
      const result = await cohort({ sex: ['MALE'], cancerSites: ['LUNG'], ageAtDiagnosis: { min: 50 }, modalities: ['CT'] }, false, a);
      expect(result).toMatchObject({ subjects: 420, exact: false, filtersApplied: [] });
      expect(result.filtersNotApplied.map((n) => n.criterion)).toEqual(['CANCER_SITES', 'SEX', 'AGE_AT_DIAGNOSIS', 'MODALITIES']);
    });

    it('refuses to page without end: NOT_SUPPORTED past maxRecordPages', async () => {
      const { adapter: a } = await beacon({ ignoreRequestedGranularity: true, recordTotals: false, maxLimit: 10 }, { pageSize: 10, maxRecordPages: 5 });
      expectError(await failure(() => cohort({}, false, a)), ErrorCode.NOT_SUPPORTED);
      // A small cohort still fits.
      expect((await cohort({ sex: ['OTHER'] }, false, a)).subjects).toBe(truth({ sex: ['OTHER'] }).subjects);
    });

    it('a beacon without /datasets: COLLECTIONS reported, collections from the config only', async () => {
      const { adapter: a } = await beacon({ datasetsEndpoint: false });
      const result = await cohort({ collections: ['LUNG'], sex: ['MALE'] }, false, a);
      expect(result.filtersNotApplied).toEqual([{ criterion: 'COLLECTIONS', reason: expect.stringContaining('GET /datasets answers 404') }]);
      expect(result.subjects).toBe(truth({ sex: ['MALE'] }).subjects);
      expect((await a.collections(context)).map((c) => [c.id, c.subjects])).toEqual([['LUNG', null], ['BREAST', null], ['ARCHIVED', null]]);
    });
  });

  describe('exact only when the beacon shows it applied every filter', () => {
    const sentFilterIds = (s: RunningBeaconSimulator) => s.bodies.map((b) => (b.body as { query: { filters: Array<{ id: string }> } }).query.filters.map((f) => f.id));

    it.each([
      ['info.warnings', 'info'], ['bycon\'s meta.warnings', 'meta'], ['MOLGENIS EMX2\'s info.unsupportedFilters', 'unsupportedFilters'],
    ] as Array<[string, BeaconSimulatorOptions['warnings']]>)('a listed term the beacon ignores with a warning in %s: not applied, counted without it', async (_name, warnings) => {
      const { sim: s, adapter: a } = await beacon({ warnings, brokenTerms: ['NCIT:C20197'] });
      await cohort({}, false, a);
      s.resetCounts();
      const where: CaseFilter = { sex: ['MALE'], cancerSites: ['LUNG'], ageAtDiagnosis: { min: 60 } };
      const result = await cohort(where, false, a);
      expect(result).toMatchObject({ exact: false, filtersApplied: ['CANCER_SITES', 'AGE_AT_DIAGNOSIS'] });
      expect(result.filtersNotApplied).toEqual([{ criterion: 'SEX', reason: expect.stringMatching(/did not confirm applying filter NCIT:C20197: the beacon warned/) }]);
      expect(result.subjects).toBe(truth(where, ['SEX']).subjects);
      expect(result.subjects).toBeGreaterThan(truth(where).subjects as number);
      // Asked with the filter, then again without it.
      expect(sentFilterIds(s)).toEqual([['age', 'NCIT:C4878', 'NCIT:C20197'], ['age', 'NCIT:C4878']]);
      // The other values of that beacon are still exact.
      expect(await cohort({ sex: ['FEMALE'], cancerSites: ['LUNG'] }, false, a)).toMatchObject({ exact: true, subjects: truth({ sex: ['FEMALE'], cancerSites: ['LUNG'] }).subjects });
    });

    it('a beacon that leaves an ignored filter out of its echo, silently: not applied', async () => {
      const { adapter: a } = await beacon({ warnings: 'none', echo: 'applied', brokenTerms: ['EUCAIM:IMG1000026'] });
      const where: CaseFilter = { modalities: ['CT'], sex: ['FEMALE'] };
      const result = await cohort(where, false, a);
      expect(result.filtersNotApplied).toEqual([{ criterion: 'MODALITIES', reason: expect.stringContaining('missing from the filters the beacon echoes') }]);
      expect([result.exact, result.subjects]).toEqual([false, truth(where, ['MODALITIES']).subjects]);
      expect(await cohort({ modalities: ['MG'], sex: ['FEMALE'] }, false, a)).toMatchObject({ exact: true, subjects: truth({ modalities: ['MG'], sex: ['FEMALE'] }).subjects });
    });

    it('a beacon that echoes no filters confirms none: every criterion is reported, the unfiltered count stays exact', async () => {
      const { adapter: a } = await beacon({ echo: 'none' });
      expect(await cohort({}, false, a)).toMatchObject({ subjects: 420, exact: true });
      const result = await cohort({ sex: ['MALE'], cancerSites: ['PROSTATE'], bodyParts: ['PELVIS'] }, true, a);
      expect(result).toMatchObject({ subjects: 420, exact: false, filtersApplied: [] });
      expect(result.filtersNotApplied.map((n) => n.criterion)).toEqual(['CANCER_SITES', 'SEX', 'BODY_PARTS']);
      expect(result.filtersNotApplied[0].reason).toMatch(/echoes no filters/);
      // Facets asked through unconfirmed terms cannot be counted: empty.
      expect(result.facets).toMatchObject({ sex: [], cancerSite: [] });
    });

    it.each(['ids', 'flattened'] as const)('a beacon echoing its filters as %s is confirmed and exact', async (echo) => {
      const { adapter: a } = await beacon({ echo });
      const where: CaseFilter = { sex: ['MALE', 'FEMALE'], cancerSites: ['LUNG'], ageAtDiagnosis: { min: 50, max: 80 }, modalities: ['CT'] };
      expect(await cohort(where, false, a)).toMatchObject({ exact: true, subjects: truth(where).subjects, filtersNotApplied: [] });
    });

    it('a beacon that echoes another granularity than the one asked did not read the request: nothing confirmed', async () => {
      const liar = await startSimulator({ name: 'misreading beacon' }, (request) => {
        if (request.url.pathname.endsWith('/filtering_terms')) return { body: { response: { filteringTerms: [{ id: 'NCIT:C20197', type: 'NCIT' }] } } };
        const { filters } = (JSON.parse(request.body) as { query: { filters: unknown[] } }).query;
        // As if it read a GET without body: boolean asked, the whole beacon counted.
        return { body: { meta: { returnedGranularity: 'count', receivedRequestSummary: { requestedGranularity: 'boolean', filters } }, responseSummary: { exists: true, numTotalResults: 50 } } };
      });
      const a = new BeaconAdapter(entryFor(liar.origin), {});
      try {
        const result = await cohort({ sex: ['MALE'] }, false, a);
        expect(result).toMatchObject({ subjects: 50, exact: false, filtersApplied: [] });
        expect(result.filtersNotApplied).toEqual([{ criterion: 'SEX', reason: expect.stringContaining('echoed requestedGranularity "boolean" for a count request') }]);
      } finally {
        await a.close();
        await liar.close();
      }
    });
  });

  describe('facets', () => {
    const only = (facet: readonly FacetCount[], values: readonly string[]) => facet.filter((f) => values.includes(f.value));

    it.each([
      [{}],
      [{ sex: ['MALE', 'FEMALE'], cancerSites: ['LUNG', 'BREAST'] }],
      [{ modalities: ['CT', 'MG'], ageAtDiagnosis: { min: 60 } }],
      [{ collections: ['PROSTATE', 'RECTUM'], bodyParts: ['PELVIS'] }],
    ] as Array<[CaseFilter]>)('%j: sex and cancer site in subjects, as cohortOf counts them', async (where) => {
      const result = await cohort(where, true);
      const expected = truth(where).facets;
      expect(result.facets.sex).toEqual(expected.sex);
      expect(result.facets.cancerSite).toEqual(only(expected.cancerSite, COUNTABLE_SITES));
      expect(result.facets.sex.length).toBeGreaterThan(0);
      expect(result.facets).toMatchObject({ modality: [], bodyPart: [], ageBand: [], manufacturer: [] });
    });

    it('counts facets over the evaluable filter when a criterion is not applied', async () => {
      const result = await cohort({ cancerSites: ['ADRENAL_GLAND'], sex: ['FEMALE'] }, true);
      expect(result.facets.cancerSite).toEqual(only(truth({ sex: ['FEMALE'] }).facets.cancerSite, COUNTABLE_SITES));
      expect(result.facets.sex).toEqual([{ value: 'FEMALE', subjects: truth({ sex: ['FEMALE'] }).subjects }]);
    });

    it('costs one request set per value not excluded by the filter, each distinct request once, none without facets', async () => {
      await cohort({});
      sim.resetCounts();
      await cohort({}, false);
      expect(individualsRequests(sim)).toBe(1);
      sim.resetCounts();
      await cohort({}, true);
      // 4 sexes + 8 sites (RECTUM's two roots by inclusion–exclusion: 3 requests).
      expect(individualsRequests(sim)).toBe(1 + 4 + 10);
      sim.resetCounts();
      await cohort({ sex: ['MALE'] }, true);
      expect(individualsRequests(sim)).toBe(1 + 10);
      const bodies = sim.bodies.map((b) => JSON.stringify(b.body));
      expect(new Set(bodies).size).toBe(bodies.length);
    });

    it('leaves the costliest facet empty when they exceed the facet budget', async () => {
      const { sim: s, adapter: small } = await beacon({}, { maxFacetRequests: 4 });
      await cohort({}, false, small);
      s.resetCounts();
      const result = await cohort({}, true, small);
      expect(individualsRequests(s)).toBe(1 + 4);
      expect(result.facets.cancerSite).toEqual([]);
      expect(result.facets.sex).toEqual(truth({}).facets.sex);
      expect(result.exact).toBe(true);
    });
  });

  describe('native requests and escaping', () => {
    it('reads the filtering terms once per TTL and then costs one POST per single-value filter', async () => {
      const { sim: s, adapter: a } = await beacon({});
      await cohort({ sex: ['MALE'] }, false, a);
      expect(s.requests.log).toEqual(['GET /api/filtering_terms?skip=0&limit=0', 'POST /api/individuals']);
      const singles: CaseFilter[] = [
        {}, { sex: ['OTHER'] }, { cancerSites: ['LIVER'] }, { modalities: ['PT'] }, { bodyParts: ['PELVIS'] }, { ageAtDiagnosis: { min: 40, max: 60 } },
        { sex: ['FEMALE'], cancerSites: ['BREAST'], modalities: ['MG'], ageAtDiagnosis: { min: 30 } },
        { sex: ['MALE', 'FEMALE', 'OTHER', 'UNKNOWN'] }, { manufacturers: ['siemens'] },
      ];
      for (const where of singles) {
        s.resetCounts();
        await cohort(where, false, a);
        expect([JSON.stringify(where), s.requests.total]).toEqual([JSON.stringify(where), 1]);
      }
      // Collections: the dataset list once (cached), then one request per selected dataset.
      s.resetCounts();
      await cohort({ collections: ['LUNG', 'BREAST'] }, false, a);
      expect(s.requests.log.sort()).toEqual(['GET /api/datasets', 'POST /api/datasets/BREAST/individuals', 'POST /api/datasets/LUNG/individuals']);
    });

    it('sends the documented request body', async () => {
      sim.resetCounts();
      await cohort({ sex: ['FEMALE'], cancerSites: ['BREAST'], ageAtDiagnosis: { min: 50, max: 69 }, bodyParts: ['BREAST'] });
      expect(sim.bodies).toEqual([{
        method: 'POST',
        path: '/individuals',
        body: {
          meta: { apiVersion: '2.0', requestedSchemas: [{ entityType: 'individual', schema: 'beacon-individual-v2.0.0' }] },
          query: {
            filters: [
              { id: 'age', operator: '>=', value: 'P50Y', scope: 'individuals' },
              { id: 'age', operator: '<=', value: 'P69Y', scope: 'individuals' },
              { id: 'NCIT:C4872', includeDescendantTerms: true, similarity: 'exact', scope: 'individuals' },
              { id: 'NCIT:C16576', includeDescendantTerms: true, similarity: 'exact', scope: 'individuals' },
              { id: 'EUCAIM:BP1000136', includeDescendantTerms: false, similarity: 'exact', scope: 'individuals' },
            ],
            requestedGranularity: 'count',
            includeResultsetResponses: 'HIT',
            pagination: { skip: 0, limit: 1 },
            testMode: false,
          },
        },
      }]);
    });

    it('never puts user text in a request: manufacturers are not applied, unknown collection ids select nobody', async () => {
      const hostile = ['*', '%', 'Siemens,GE', 'siemens%', '../individuals'];
      sim.resetCounts();
      for (const value of hostile) {
        const result = await cohort({ manufacturers: [value], sex: ['MALE'] });
        expect(result.filtersNotApplied.map((n) => n.criterion)).toEqual(['MANUFACTURERS']);
        expect(result.subjects).toBe(truth({ sex: ['MALE'] }).subjects);
      }
      const ids = await cohort({ collections: ['*', '%', '../individuals', 'LUNG/../BREAST', '..', 'lung'] });
      expect(ids).toMatchObject({ subjects: 0, exact: true, filtersApplied: ['COLLECTIONS'] });
      const some = await cohort({ collections: ['LUNG', '../individuals', '%'] });
      expect(some.subjects).toBe(truth({ collections: ['LUNG'] }).subjects);
      const sent = JSON.stringify(sim.bodies) + sim.requests.log.join(' ');
      for (const value of [...hostile, 'LUNG/../BREAST', 'lung']) expect([value, sent.includes(value)]).toEqual([value, false]);
      expect(sim.requests.log.filter((line) => line.includes('/datasets/'))).toEqual(['POST /api/datasets/LUNG/individuals']);
    });
  });

  describe('collections', () => {
    it('lists the beacon\'s datasets with per-dataset counts and the config\'s catalogue metadata', async () => {
      const { sim: s, adapter: a } = await beacon({});
      const collections = await a.collections(context);
      expect(s.requests.byPath.get('/api/datasets')).toBe(1);
      expect(individualsRequests(s)).toBe(data.collections.length);
      expect(collections.map((c) => c.id)).toEqual([...data.collections.map((c) => c.id), 'ARCHIVED']);
      for (const c of collections.slice(0, -1)) expect([c.id, c.subjects]).toEqual([c.id, truth({ collections: [c.id] }).subjects]);
      const [lung, breast] = collections;
      expect(lung).toMatchObject({ name: 'Lung Cancer (synthetic)', cancerSites: ['LUNG'], licence: 'restricted', landingPage: 'https://example.org/lung', studies: null, modalities: [] });
      expect(breast).toMatchObject({ doi: '10.99999/breast' });
      expect(collections.at(-1)).toMatchObject({ id: 'ARCHIVED', subjects: null, cancerSites: ['COLON'], description: 'Not served by the beacon' });
    });
  });

  describe('faults', () => {
    afterEach(() => {
      sim.faults.httpStatus = undefined;
      sim.faults.malformed = undefined;
      sim.faults.hang = undefined;
    });

    it('an HTML page with status 200, a Beacon error document with status 200 and wrong types → errors naming the repository', async () => {
      const answers: Array<[unknown, string, RegExp]> = [
        ['<html><body>Login required</body></html>', ErrorCode.BAD_RESPONSE, /HTML page/],
        [{ meta: {}, error: { errorCode: 500, errorMessage: 'database down' } }, ErrorCode.HTTP_ERROR, /Beacon error document \(errorCode 500\)/],
        [{ meta: { returnedGranularity: 'count' }, responseSummary: { exists: true, numTotalResults: 'lots' } }, ErrorCode.BAD_RESPONSE, /responseSummary\.numTotalResults is string/],
        [{ meta: { returnedGranularity: 'count' }, responseSummary: { exists: true } }, ErrorCode.BAD_RESPONSE, /a count answer without responseSummary\.numTotalResults/],
        [{ meta: { returnedGranularity: 'count' } }, ErrorCode.BAD_RESPONSE, /responseSummary is undefined/],
      ];
      for (const [answer, code, message] of answers) {
        const liar = await startSimulator({ name: 'lying beacon' }, (request) => (request.url.pathname.endsWith('/filtering_terms')
          ? { body: { response: { filteringTerms: [{ id: 'NCIT:C20197', type: 'ontology' }] } } }
          : typeof answer === 'string' ? { headers: { 'Content-Type': 'text/html' }, body: answer } : { body: answer }));
        const broken = new BeaconAdapter(entryFor(liar.origin), {});
        try {
          const error = await failure(() => cohort({ sex: ['MALE'] }, false, broken));
          expectError(error, code as typeof ErrorCode.BAD_RESPONSE);
          expect(error.message).toMatch(message);
          expect(error.message).not.toContain('database down');
        } finally {
          await broken.close();
          await liar.close();
        }
      }
    });

    it('counts that contradict each other (an AND counting more) → REPOSITORY_BAD_RESPONSE', async () => {
      const liar = await startSimulator({ name: 'inconsistent beacon' }, (request) => {
        if (request.url.pathname.endsWith('/filtering_terms')) return { body: { response: { filteringTerms: [{ id: 'SNOMED:77477000', type: 'SNOMED CT' }, { id: 'SNOMED:113091000', type: 'SNOMED CT' }] } } };
        const { filters } = (JSON.parse(request.body) as { query: { filters: unknown[] } }).query;
        return { body: { meta: { returnedGranularity: 'count', receivedRequestSummary: { requestedGranularity: 'count', filters } }, responseSummary: { exists: true, numTotalResults: filters.length * filters.length } } };
      });
      const broken = new BeaconAdapter(entryFor(liar.origin), {});
      try {
        expectError(await failure(() => cohort({ modalities: ['CT', 'MR'] }, false, broken)), ErrorCode.BAD_RESPONSE);
      } finally {
        await broken.close();
        await liar.close();
      }
    });

    it('sends the configured credentials (basic auth), and a 401 without them is an HTTP error', async () => {
      const guarded = await startBeaconSimulator({ data, basicAuth: { username: 'beacon', password: 's3cret' } });
      const withCredentials = new BeaconAdapter(entryFor(guarded.baseUrl), { credentials: 'beacon:s3cret' });
      const without = new BeaconAdapter(entryFor(guarded.baseUrl), {});
      try {
        expect((await cohort({ sex: ['MALE'] }, false, withCredentials)).subjects).toBe(truth({ sex: ['MALE'] }).subjects);
        const error = await failure(() => cohort({}, false, without));
        expectError(error, ErrorCode.HTTP_ERROR);
        expect(error.extensions.httpStatus).toBe(401);
      } finally {
        await withCredentials.close();
        await without.close();
        await guarded.close();
      }
    });
  });

  describe('as a subgraph', () => {
    it('answers cohort through the SDK, asks for facets only when selected, and refuses cases (COUNT)', async () => {
      const entry = entryFor(sim.baseUrl);
      const subgraph = buildRepositorySubgraph(entry, beaconKind, adapter);
      const run = (selection: string) => execute({
        schema: subgraph.schema,
        document: parse(`query($r: [_Any!]!) { _entities(representations: $r) { ... on ${subgraph.typeName} { ${selection} } } }`),
        variableValues: { r: [{ __typename: subgraph.typeName, id: entry.id }] },
        contextValue: {},
      });
      await cohort({});
      sim.resetCounts();
      const counted = await run('cohort(where: { sex: [MALE], manufacturers: ["siemens"] }) { subjects studies series exact filtersApplied filtersNotApplied { criterion reason } }');
      expect(counted.errors).toBeUndefined();
      expect(sim.requests.total).toBe(1);
      expect((counted.data as { _entities: unknown[] })._entities[0]).toEqual({
        cohort: {
          subjects: truth({ sex: ['MALE'] }).subjects, studies: null, series: null, exact: false, filtersApplied: ['SEX'],
          filtersNotApplied: [{ criterion: 'MANUFACTURERS', reason: expect.stringContaining('no imaging model') }],
        },
      });
      sim.resetCounts();
      const faceted = await run('cohort { facets { sex { value subjects } } }');
      expect(faceted.errors).toBeUndefined();
      expect(sim.requests.total).toBe(1 + 4 + 10);
      const listed = await run('cases { totalCount }');
      expect(listed.errors?.[0].extensions).toMatchObject({ code: ErrorCode.NOT_SUPPORTED, repositoryId: entry.id });
      expect(beaconKind).toMatchObject({ apiKind: 'beacon', granularity: 'COUNT', facets: true });
      expect(beaconKind.criteria).not.toContain('MANUFACTURERS');
      expect(beaconKind.validateOptions?.({ pageSize: 0 })).toEqual(['pageSize: must be an integer between 1 and 1000']);
    });
  });
});
