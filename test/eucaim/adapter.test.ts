/**
 * The EUCAIM mediator adapter against the simulated node: counts equal the official semantics (cohortOf over the
 * ground truth) wherever the mediator can express the filter; elsewhere the criteria are reported with reasons and
 * the counts equal cohortOf over the filter without them (upper bounds, never silently wrong).
 */
import { execute, parse } from 'graphql';
import type { CaseFilter, FilterCriterion } from '../../schema/generated/graphql';
import { startEucaimMediatorSimulator, type RunningEucaimMediator } from '../../simulators/eucaim';
import { startSimulator } from '../../simulators/http-server';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { toUnifiedCases } from '../support/ground-truth';
import { EucaimMediatorAdapter, eucaimMediatorKind } from '../../subgraphs/eucaim';
import { ErrorCode, RepositoryError, type ErrorCodeValue } from '../../subgraphs/sdk/errors';
import { cohortOf } from '../../subgraphs/sdk/evaluate';
import type { FacetCount } from '../../schema/generated/graphql';
import { criteriaOf, normaliseFilter, withoutCriteria } from '../../subgraphs/sdk/filter';
import type { FullCaseRecord } from '../../subgraphs/sdk/records';
import { buildRepositorySubgraph } from '../../subgraphs/sdk/subgraph';
import { entryFor, nodeData, REPOSITORY_ID } from './support';

const context = {};

describe('EUCAIM mediator adapter', () => {
  let data: SyntheticRepositoryData;
  let truthCases: FullCaseRecord[];
  let sim: RunningEucaimMediator;
  let adapter: EucaimMediatorAdapter;

  beforeAll(async () => {
    data = nodeData();
    truthCases = toUnifiedCases(data);
    sim = await startEucaimMediatorSimulator({ data, provider: 'CHAIMELEON' });
    adapter = new EucaimMediatorAdapter(entryFor(sim.baseUrl), {});
  });

  afterAll(async () => {
    await adapter.close();
    await sim.close();
  });

  /** cohortOf over the ground truth, without the criteria the adapter is expected not to apply. */
  function truth(where: CaseFilter, notApplied: FilterCriterion[] = []) {
    const filter = withoutCriteria(normaliseFilter(where, REPOSITORY_ID), notApplied);
    return cohortOf(truthCases, filter, { applied: [], notApplied: [] });
  }

  function cohort(where: CaseFilter, facets = false, on = adapter) {
    return on.cohort(normaliseFilter(where, REPOSITORY_ID), context, { facets });
  }

  describe('filters the mediator can express: exact', () => {
    const exactFilters: CaseFilter[] = [
      {},
      { sex: ['MALE'] }, { sex: ['FEMALE'] }, { sex: ['OTHER'] }, { sex: ['UNKNOWN'] },
      { cancerSites: ['LUNG'] }, { cancerSites: ['BREAST'] }, { cancerSites: ['PROSTATE'] }, { cancerSites: ['COLON'] },
      { modalities: ['CT'] }, { modalities: ['MR'] }, { modalities: ['PT'] }, { modalities: ['NM'] },
      { bodyParts: ['LUNG'] }, { bodyParts: ['BREAST'] }, { bodyParts: ['PELVIS'] }, { bodyParts: ['PROSTATE'] }, { bodyParts: ['COLON'] },
      { manufacturers: ['siemens'] }, { manufacturers: ['GE'] }, { manufacturers: ['General Electric'] }, { manufacturers: ['philips'] },
      { manufacturers: ['Toshiba'] }, { manufacturers: ['siemens', 'Siemens Healthineers'] },
      // OR within a single-valued subject attribute: one request per value, summed.
      { sex: ['MALE', 'FEMALE'] }, { sex: ['MALE', 'OTHER', 'UNKNOWN'] }, { sex: ['MALE', 'FEMALE', 'OTHER', 'UNKNOWN'] },
      { cancerSites: ['LUNG', 'BREAST'] }, { cancerSites: ['LUNG', 'BREAST', 'PROSTATE', 'COLON'] },
      // Combinations.
      { sex: ['FEMALE'], cancerSites: ['LUNG'], modalities: ['CT'], bodyParts: ['LUNG'], manufacturers: ['siemens'] },
      { sex: ['MALE'], cancerSites: ['PROSTATE'], modalities: ['MR'], bodyParts: ['PROSTATE'] },
      { modalities: ['PT'], bodyParts: ['LUNG'] },
      { sex: ['MALE', 'FEMALE'], cancerSites: ['LUNG', 'COLON'], modalities: ['CT'] },
      // Collections, picked from the per-collection answer.
      { collections: ['LUNG'] }, { collections: ['LUNG', 'COLON'], modalities: ['CT'] }, { collections: ['BREAST'], sex: ['MALE'] },
      { collections: ['NO-SUCH-COLLECTION'] }, { collections: ['PROSTATE', 'BREAST'], sex: ['MALE', 'FEMALE'], manufacturers: ['philips'] },
    ];

    it.each(exactFilters.map((where) => [JSON.stringify(where), where] as const))('%s', async (_name, where) => {
      const result = await cohort(where);
      const expected = truth(where);
      expect({ subjects: result.subjects, studies: result.studies }).toEqual({ subjects: expected.subjects, studies: expected.studies });
      expect(result.exact).toBe(true);
      expect(result.filtersNotApplied).toEqual([]);
      expect(result.filtersApplied).toEqual(normaliseFilterCriteria(where));
      expect(result.series).toBeNull();
      expect(result.images).toBeNull();
    });

    it('is not trivially exact: the combinations select real, smaller cohorts', () => {
      const all = truth({}).subjects;
      expect(all).toBe(400);
      const combinations: CaseFilter[] = [
        { sex: ['FEMALE'], cancerSites: ['LUNG'], modalities: ['CT'], bodyParts: ['LUNG'], manufacturers: ['siemens'] },
        { modalities: ['PT'], bodyParts: ['LUNG'] },
        { sex: ['MALE', 'FEMALE'], cancerSites: ['LUNG', 'COLON'], modalities: ['CT'] },
        { collections: ['PROSTATE', 'BREAST'], sex: ['MALE', 'FEMALE'], manufacturers: ['philips'] },
        { bodyParts: ['PELVIS'] }, { manufacturers: ['Toshiba'] }, { sex: ['UNKNOWN'] },
      ];
      for (const where of combinations) {
        const n = truth(where).subjects;
        expect(n).toBeGreaterThan(0);
        expect(n).toBeLessThan(all as number);
      }
    });
  });

  describe('filters it cannot express: reported, counted without them', () => {
    const cases: Array<[CaseFilter, FilterCriterion[], RegExp[]]> = [
      [{ ageAtDiagnosis: { min: 60 } }, ['AGE_AT_DIAGNOSIS'], [/^the mediator takes no ranges/]],
      [{ yearOfDiagnosis: { min: 2015, max: 2020 }, sex: ['MALE'] }, ['YEAR_OF_DIAGNOSIS'], [/^the mediator takes no ranges/]],
      [{ cancerSites: ['LIVER'] }, ['CANCER_SITES'], [/cancer site LIVER/]],
      [{ cancerSites: ['LUNG', 'RECTUM'], sex: ['FEMALE'] }, ['CANCER_SITES'], [/cancer site RECTUM/]],
      [{ bodyParts: ['CHEST'] }, ['BODY_PARTS'], [/body part CHEST/]],
      [{ manufacturers: ['Canon'], modalities: ['CT'] }, ['MANUFACTURERS'], [/manufacturer canon/]],
      [{ modalities: ['MG'] }, ['MODALITIES'], [/modality MG/]],
      [{ modalities: ['MR', 'CT'] }, ['MODALITIES'], [/one value per criterion/]],
      [{ bodyParts: ['LUNG', 'BREAST'], modalities: ['CT'] }, ['BODY_PARTS'], [/one value per criterion/]],
      [{ manufacturers: ['siemens', 'philips'], collections: ['LUNG'] }, ['MANUFACTURERS'], [/one value per criterion/]],
      [{ ageAtDiagnosis: { max: 50 }, cancerSites: ['BREAST', 'BRAIN'], modalities: ['MR'] }, ['CANCER_SITES', 'AGE_AT_DIAGNOSIS'], [/BRAIN/, /no ranges/]],
    ];

    it.each(cases.map(([where, criteria, reasons]) => [JSON.stringify(where), where, criteria, reasons] as const))(
      '%s', async (_name, where, criteria, reasons) => {
        const result = await cohort(where);
        const expected = truth(where, criteria);
        expect(result.exact).toBe(false);
        expect(result.filtersNotApplied.map((n) => n.criterion)).toEqual(criteria);
        result.filtersNotApplied.forEach((n, i) => expect(n.reason).toMatch(reasons[i]));
        expect(result.filtersApplied).toEqual(normaliseFilterCriteria(where).filter((c) => !criteria.includes(c)));
        expect({ subjects: result.subjects, studies: result.studies }).toEqual({ subjects: expected.subjects, studies: expected.studies });
        // An upper bound of the true count.
        expect(result.subjects).toBeGreaterThanOrEqual(truth(where).subjects as number);
      },
    );

    it('reports the request cap when the value combinations exceed it', async () => {
      const capped = new EucaimMediatorAdapter(entryFor(sim.baseUrl, { maxRequestsPerCohort: 4 }), {});
      try {
        sim.resetCounts();
        const where: CaseFilter = { sex: ['MALE', 'FEMALE', 'OTHER'], cancerSites: ['LUNG', 'BREAST'] };
        const result = await cohort(where, false, capped);
        expect(sim.requests.total).toBe(2);
        expect(result.exact).toBe(false);
        expect(result.filtersNotApplied).toEqual([{ criterion: 'SEX', reason: expect.stringContaining('cap of 4 per cohort') }]);
        const expected = truth(where, ['SEX']);
        expect([result.subjects, result.studies]).toEqual([expected.subjects, expected.studies]);
      } finally {
        await capped.close();
      }
    });
  });

  describe('exact only when the answer shows the node applied every parameter', () => {
    async function node(ignoredParams: Array<'gender' | 'diagnosis' | 'modality' | 'bodyPart' | 'manufacturer'>) {
      const s = await startEucaimMediatorSimulator({ data, provider: 'CHAIMELEON', ignoredParams });
      return { sim: s, adapter: new EucaimMediatorAdapter(entryFor(s.baseUrl), {}) };
    }

    it.each([
      ['gender', { sex: ['FEMALE'], modalities: ['CT'] }, 'SEX', /gender=female lists Male/],
      ['bodyPart', { bodyParts: ['LUNG'], sex: ['MALE'] }, 'BODY_PARTS', /bodyPart=lung lists no LUNG body part/],
      ['modality', { modalities: ['NM'], sex: ['FEMALE'] }, 'MODALITIES', /modality=SPECT lists no NM series/],
      ['diagnosis', { cancerSites: ['PROSTATE'], sex: ['MALE'] }, 'CANCER_SITES', /diagnosis=SNOMEDCT399068003 counts subjects in collection "LUNG", whose cancer site is LUNG/],
    ] as Array<['gender' | 'bodyPart' | 'modality' | 'diagnosis', CaseFilter, FilterCriterion, RegExp]>)(
      'a node that ignores %s: the criterion is reported and counted without, the others stay applied', async (param, where, criterion, reason) => {
        const { sim: s, adapter: a } = await node([param]);
        try {
          s.resetCounts();
          const result = await cohort(where, false, a);
          const expected = truth(where, [criterion]);
          expect(result.exact).toBe(false);
          expect(result.filtersNotApplied).toEqual([{ criterion, reason: expect.stringMatching(reason) }]);
          expect(result.filtersApplied).toEqual(normaliseFilterCriteria(where).filter((c) => c !== criterion));
          expect({ subjects: result.subjects, studies: result.studies }).toEqual({ subjects: expected.subjects, studies: expected.studies });
          expect(result.subjects).toBeGreaterThan(truth(where).subjects as number);
          // Asked once with the parameter and once without it.
          expect(s.requests.total).toBe(2);
        } finally {
          await a.close();
          await s.close();
        }
      },
    );

    it('a facet asked through a parameter the node ignores is left empty, not counted wrong', async () => {
      const { sim: s, adapter: a } = await node(['gender']);
      try {
        const result = await cohort({ cancerSites: ['LUNG'] }, true, a);
        expect(result.exact).toBe(true);
        expect(result.subjects).toBe(truth({ cancerSites: ['LUNG'] }).subjects);
        expect(result.facets.sex).toEqual([]);
        expect(result.incompleteFacets).toEqual(['cancerSite', 'modality']);
        expect(result.facets.modality.length).toBeGreaterThan(0);
      } finally {
        await a.close();
        await s.close();
      }
    });
  });

  describe('facets', () => {
    const only = (facet: readonly FacetCount[], values: readonly string[]) => facet.filter((f) => values.includes(f.value));

    it.each([
      [{}],
      [{ sex: ['MALE', 'FEMALE'], cancerSites: ['LUNG', 'BREAST'] }],
      [{ bodyParts: ['LUNG'] }],
      [{ modalities: ['MR'], collections: ['PROSTATE', 'BREAST'] }],
    ] as Array<[CaseFilter]>)('%j: sex, cancer site and modality in subjects, as cohortOf counts them', async (where) => {
      const result = await cohort(where, true);
      const expected = truth(where).facets;
      expect(result.facets.sex).toEqual(expected.sex);
      // The synthetic sites are the mediator's four; "Pelvis Cancer" (C76.3) has nobody and is left out like cohortOf does.
      expect(result.facets.cancerSite).toEqual(expected.cancerSite);
      expect(result.facets.modality).toEqual(only(expected.modality, ['CT', 'MR', 'PT', 'NM']));
      expect(result.facets.modality.length).toBeGreaterThan(0);
      expect(result.facets).toMatchObject({ bodyPart: [], ageBand: [], manufacturer: [] });
    });

    it('reports the "Pelvis Cancer" diagnosis under its raw label, never as a unified site', async () => {
      const pelvic = nodeData();
      pelvic.cases[0].diagnosis.icdO3Topography = 'C76.3';
      const node = await startEucaimMediatorSimulator({ data: pelvic, provider: 'PELVIC' });
      const onPelvic = new EucaimMediatorAdapter(entryFor(node.baseUrl), {});
      try {
        const result = await cohort({}, true, onPelvic);
        expect(result.facets.cancerSite).toContainEqual({ value: 'Pelvis Cancer', subjects: 1 });
        // In the unified model that case is OTHER, which the mediator cannot select.
        expect(toUnifiedCases(pelvic)[0].diagnosis?.cancerSite).toBe('OTHER');
        expect((await cohort({ cancerSites: ['OTHER'] }, false, onPelvic)).filtersNotApplied.map((n) => n.criterion)).toEqual(['CANCER_SITES']);
      } finally {
        await onPelvic.close();
        await node.close();
      }
    });

    it('counts facets over the evaluable filter when a criterion is not applied', async () => {
      const result = await cohort({ modalities: ['MR', 'CT'], sex: ['FEMALE'] }, true);
      const expected = truth({ sex: ['FEMALE'] }).facets;
      expect(result.facets.modality).toEqual(only(expected.modality, ['CT', 'MR', 'PT', 'NM']));
      expect(result.facets.sex).toEqual([{ value: 'FEMALE', subjects: truth({ sex: ['FEMALE'] }).subjects }]);
    });

    it('costs one request per value not excluded by the filter, each distinct request once, none without facets', async () => {
      sim.resetCounts();
      await cohort({}, false);
      expect(sim.requests.total).toBe(1);
      sim.resetCounts();
      await cohort({}, true);
      expect(sim.requests.total).toBe(1 + 4 + 5 + 4);
      sim.resetCounts();
      // 4 count requests; sex and site facets reuse them; modality needs 4 values × 4 combinations.
      await cohort({ sex: ['MALE', 'FEMALE'], cancerSites: ['LUNG', 'BREAST'] }, true);
      expect(sim.requests.total).toBe(4 + 16);
      expect(new Set(sim.requests.log).size).toBe(sim.requests.log.length);
    });

    it('leaves the costliest facets empty when they exceed the facet budget', async () => {
      const small = new EucaimMediatorAdapter(entryFor(sim.baseUrl, { maxFacetRequests: 4 }), {});
      try {
        sim.resetCounts();
        const result = await cohort({}, true, small);
        expect(sim.requests.total).toBe(1 + 4);
        expect(result.facets.cancerSite).toEqual([]);
        expect(result.facets.sex).toEqual([]);
        expect(result.facets.modality).toEqual(only(truth({}).facets.modality, ['CT', 'MR', 'PT', 'NM']));
        expect(result.exact).toBe(true);
      } finally {
        await small.close();
      }
    });
  });

  describe('native requests', () => {
    it('costs one request for a single-value filter without facets', async () => {
      const singles: CaseFilter[] = [
        {}, { sex: ['OTHER'] }, { cancerSites: ['COLON'] }, { modalities: ['PT'] }, { bodyParts: ['PELVIS'] },
        { manufacturers: ['ge healthcare'] }, { collections: ['LUNG', 'COLON'] }, { ageAtDiagnosis: { min: 40 } },
        { sex: ['FEMALE'], cancerSites: ['BREAST'], modalities: ['MR'], bodyParts: ['BREAST'], manufacturers: ['siemens'], collections: ['BREAST'] },
        { sex: ['MALE', 'FEMALE', 'OTHER', 'UNKNOWN'] },
      ];
      for (const where of singles) {
        sim.resetCounts();
        await cohort(where);
        expect([JSON.stringify(where), sim.requests.total]).toEqual([JSON.stringify(where), 1]);
      }
      sim.resetCounts();
      await cohort({ sex: ['MALE', 'FEMALE'], cancerSites: ['LUNG', 'BREAST'] });
      expect(sim.requests.total).toBe(4);
    });

    it('sends the values as Focus does, General%20Electric included', async () => {
      sim.resetCounts();
      await cohort({ sex: ['FEMALE'], cancerSites: ['BREAST'], modalities: ['PT'], bodyParts: ['BREAST'], manufacturers: ['ge medical systems'] });
      expect(sim.requests.log).toEqual(['GET /search?gender=female&diagnosis=SNOMEDCT254837009&modality=PET&bodyPart=breast&manufacturer=General%20Electric']);
    });
  });

  describe('collections', () => {
    it('lists the collections of an unfiltered search with counts, normalised modalities and configured metadata', async () => {
      sim.resetCounts();
      const collections = await adapter.collections(context);
      expect(sim.requests.log).toEqual(['GET /search']);
      expect(collections.map((c) => c.id)).toEqual(['LUNG', 'BREAST', 'PROSTATE', 'COLON']);
      for (const c of collections) {
        const t = truth({ collections: [c.id] });
        expect([c.subjects, c.studies]).toEqual([t.subjects, t.studies]);
      }
      const [lung, breast, , colon] = collections;
      expect(lung).toMatchObject({ name: 'Lung Cancer (synthetic)', cancerSites: ['LUNG'], licence: 'restricted', landingPage: 'https://example.org/lung' });
      expect(lung.modalities).toEqual(expect.arrayContaining(['CT', 'PT', 'SEG']));
      // BREAST's answer uses the `modality` key.
      expect(breast.modalities).toEqual(expect.arrayContaining(['MG', 'MR']));
      expect(colon).toMatchObject({ cancerSites: [], licence: null });
      expect(colon.description).toContain('synthetic demo collection');
    });
  });

  describe('faults', () => {
    async function failure(work: () => Promise<unknown>): Promise<RepositoryError> {
      try {
        await work();
      } catch (error) {
        expect(error).toBeInstanceOf(RepositoryError);
        return error as RepositoryError;
      }
      throw new Error('expected a RepositoryError');
    }

    function expectError(error: RepositoryError, code: ErrorCodeValue) {
      expect(error.code).toBe(code);
      expect(error.repositoryId).toBe(REPOSITORY_ID);
      expect(error.extensions).toMatchObject({ code, repositoryId: REPOSITORY_ID });
      expect(error.message).toContain(`repository "${REPOSITORY_ID}"`);
    }

    afterEach(() => {
      sim.faults.httpStatus = undefined;
      sim.faults.malformed = undefined;
      sim.faults.hang = undefined;
    });

    it('an answer that breaks the protocol → REPOSITORY_BAD_RESPONSE naming the field', async () => {
      const liar = await startSimulator({ name: 'broken mediator' }, () => ({ body: { collections: [{ id: 'c', name: 'C', subjects_count: 'lots', studies_count: 1 }] } }));
      const broken = new EucaimMediatorAdapter(entryFor(liar.origin), {});
      try {
        const error = await failure(() => cohort({}, false, broken));
        expectError(error, ErrorCode.BAD_RESPONSE);
        expect(error.message).toContain('collections[0].subjects_count');
      } finally {
        await broken.close();
        await liar.close();
      }
    });

    it('sends the configured credentials (basic auth), and a 401 without them is an HTTP error', async () => {
      const guarded = await startEucaimMediatorSimulator({ data, provider: 'X', basicAuth: { username: 'focus', password: 's3cret' } });
      const withCredentials = new EucaimMediatorAdapter(entryFor(guarded.baseUrl), { credentials: 'focus:s3cret' });
      const without = new EucaimMediatorAdapter(entryFor(guarded.baseUrl), {});
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
      const subgraph = buildRepositorySubgraph(entry, eucaimMediatorKind, adapter);
      const run = (selection: string) => execute({
        schema: subgraph.schema,
        document: parse(`query($r: [_Any!]!) { _entities(representations: $r) { ... on ${subgraph.typeName} { ${selection} } } }`),
        variableValues: { r: [{ __typename: subgraph.typeName, id: entry.id }] },
        contextValue: {},
      });
      sim.resetCounts();
      const counted = await run('cohort(where: { sex: [MALE], ageAtDiagnosis: { min: 60 } }) { subjects studies series exact filtersApplied filtersNotApplied { criterion reason } }');
      expect(counted.errors).toBeUndefined();
      expect(sim.requests.total).toBe(1);
      const expected = truth({ sex: ['MALE'] });
      expect((counted.data as { _entities: unknown[] })._entities[0]).toEqual({
        cohort: {
          subjects: expected.subjects, studies: expected.studies, series: null, exact: false, filtersApplied: ['SEX'],
          filtersNotApplied: [{ criterion: 'AGE_AT_DIAGNOSIS', reason: expect.stringMatching(/^the mediator takes no ranges/) }],
        },
      });
      sim.resetCounts();
      const faceted = await run('cohort { facets { sex { value subjects } } }');
      expect(faceted.errors).toBeUndefined();
      expect(sim.requests.total).toBe(14);
      const cases = await run('cases { totalCount }');
      expect(cases.errors?.[0].extensions).toMatchObject({ code: ErrorCode.NOT_SUPPORTED, repositoryId: entry.id });
      expect(eucaimMediatorKind).toMatchObject({ apiKind: 'eucaim-mediator', granularity: 'COUNT', facets: true });
    });
  });
});

/** The criteria a CaseFilter sets, in schema order (what a fully applied filter reports). */
function normaliseFilterCriteria(where: CaseFilter): FilterCriterion[] {
  return criteriaOf(normaliseFilter(where, REPOSITORY_ID));
}
