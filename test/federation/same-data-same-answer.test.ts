/**
 * The strongest check that the mappings agree: one identical synthetic cohort served by a simulator of every
 * native API kind, queried through the gateway. Every repository must give the counts and facets the ground
 * truth gives for the criteria it applies, and report the others as not applied (its counts are then those of
 * the filter without them). So repositories that apply the same criteria answer identically.
 */
import type { CaseFilter } from '../../schema/generated/graphql';
import { demoDataFor } from '../../simulators/demo-data';
import { SIMULATED_KINDS } from '../../simulators/registry';
import { toUnifiedCases } from '../../simulators/synthetic/unified';
import { cohortOf } from '../../subgraphs/sdk/evaluate';
import type { FacetName } from '../../subgraphs/sdk/facets';
import { criteriaOf, normaliseFilter } from '../../subgraphs/sdk/filter';
import { splitFilter } from '../../subgraphs/sdk/report';
import { startTestFederation, testConfig, type TestFederation, type TestRepository } from '../support/federation';

const COLLECTIONS = [
  { id: 'LUNG', name: 'Lung', cancerSite: 'LUNG' },
  { id: 'BREAST', name: 'Breast', cancerSite: 'BREAST' },
  { id: 'PROSTATE', name: 'Prostate', cancerSite: 'PROSTATE' },
];
const COUNTRIES = ['DE', 'IT', 'PT', 'FR', 'ES', 'GR', 'NL', 'SE', 'AT', 'BE'];
// Same seed, size and collections: every repository holds the very same cases. The seed gives a cohort with no
// sex "other", which a GDC-style repository cannot store (its sex_at_birth has no such term).
const repositories: TestRepository[] = SIMULATED_KINDS.map((apiKind, i) => ({
  id: `same-${apiKind}`, country: COUNTRIES[i], apiKind, cases: 240, seed: 4244, collections: COLLECTIONS,
}));

const FILTERS: Array<[string, CaseFilter]> = [
  ['no filter', {}],
  ['one modality', { modalities: ['MR'] }],
  ['modalities OR', { modalities: ['CT', 'PT'] }],
  ['one sex', { sex: ['FEMALE'] }],
  ['sexes OR', { sex: ['FEMALE', 'MALE'] }],
  ['one cancer site', { cancerSites: ['PROSTATE'] }],
  ['cancer sites OR', { cancerSites: ['LUNG', 'BREAST'] }],
  ['age range', { ageAtDiagnosis: { min: 55, max: 70 } }],
  ['year range', { yearOfDiagnosis: { min: 2012, max: 2018 } }],
  ['body part', { bodyParts: ['BREAST'] }],
  ['manufacturer', { manufacturers: ['Siemens'] }],
  ['collection', { collections: ['LUNG'] }],
  ['combination', { cancerSites: ['LUNG'], modalities: ['CT'], sex: ['MALE'] }],
  ['combination with ranges', { sex: ['FEMALE'], ageAtDiagnosis: { min: 40 }, yearOfDiagnosis: { max: 2020 } }],
  ['nothing matches', { cancerSites: ['PROSTATE'], sex: ['FEMALE'] }],
];

const QUERY = `query Same($where: CaseFilter) { repositories { id granularity cohort(where: $where) {
  subjects studies series images exact incompleteFacets filtersApplied filtersNotApplied { criterion reason }
  facets { modality { value subjects } sex { value subjects } cancerSite { value subjects } bodyPart { value subjects } ageBand { value subjects } manufacturer { value subjects } } } } }`;

interface Answer {
  id: string;
  granularity: 'COUNT' | 'RECORD';
  cohort: {
    subjects: number | null; studies: number | null; series: number | null; images: number | null; exact: boolean;
    incompleteFacets: string[]; filtersApplied: string[]; filtersNotApplied: Array<{ criterion: string; reason: string }>;
    facets: Record<string, Array<{ value: string; subjects: number }>>;
  };
}

describe('same data, same answer across every native API kind', () => {
  let federation: TestFederation;
  const truth = toUnifiedCases(demoDataFor(testConfig(repositories).repositories[0]));

  beforeAll(async () => {
    federation = await startTestFederation(repositories);
  }, 120_000);

  afterAll(async () => {
    await federation?.close();
  });

  it.each(FILTERS)('%s', async (_label, where) => {
    const { body } = await federation.query(QUERY, { where });
    expect(body.errors).toBeUndefined();
    const answers = body.data?.repositories as Answer[];
    expect(answers).toHaveLength(SIMULATED_KINDS.length);
    for (const answer of answers) {
      const { cohort } = answer;
      const filter = normaliseFilter(where, answer.id);
      const { evaluable, report } = splitFilter(filter, cohort.filtersApplied as never, () => '');
      const expected = cohortOf(truth, evaluable, report);
      const label = `${answer.id} for ${JSON.stringify(where)}`;
      expect([label, [...cohort.filtersApplied, ...cohort.filtersNotApplied.map((n) => n.criterion)].sort()])
        .toEqual([label, criteriaOf(filter).sort()]);
      expect([label, cohort.exact]).toEqual([label, cohort.filtersNotApplied.length === 0]);
      // Each count the repository gives equals the ground truth's; a RECORD repository gives them all.
      for (const count of ['subjects', 'studies', 'series', 'images'] as const) {
        if (cohort[count] !== null || answer.granularity === 'RECORD') expect([label, count, cohort[count]]).toEqual([label, count, expected[count]]);
      }
      for (const [facet, buckets] of Object.entries(cohort.facets)) {
        const truthBuckets = expected.facets[facet as FacetName];
        if (cohort.incompleteFacets.includes(facet)) {
          // Only the values the native vocabulary names, each exact.
          const named = new Set(buckets.map((b) => b.value));
          expect([label, facet, buckets]).toEqual([label, facet, truthBuckets.filter((b) => named.has(b.value))]);
        } else if (buckets.length > 0 || answer.granularity === 'RECORD') {
          expect([label, facet, buckets]).toEqual([label, facet, truthBuckets]);
        }
      }
    }
    const record = answers.filter((a) => a.granularity === 'RECORD');
    const applyingAll = record.filter((a) => a.cohort.exact);
    // Repositories that applied every criterion are indistinguishable.
    for (const a of applyingAll) expect(a.cohort).toEqual(applyingAll[0].cohort);
  });
});
