/**
 * The strongest check that the mappings agree: one identical synthetic cohort served by a simulator of every
 * native API kind, queried through the gateway. Every repository must give the counts and facets the ground
 * truth gives for the criteria it applies, and report the others as not applied (its counts are then those of
 * the filter without them). So repositories that apply the same criteria answer identically. One more FHIR
 * repository holds the same cohort on a server nobody here wrote, Medplum's FHIR router (no `_has`, no paging
 * links, locale id order): it must answer like the others.
 */
import type { CaseFilter } from '../../schema/generated/graphql';
import { demoDataFor } from '../../simulators/demo-data';
import { SIMULATED_KINDS } from '../../simulators/registry';
import { toUnifiedCases } from '../support/ground-truth';
import { cohortOf } from '../../subgraphs/sdk/evaluate';
import type { FacetName } from '../../subgraphs/sdk/facets';
import { criteriaOf, normaliseFilter } from '../../subgraphs/sdk/filter';
import { splitFilter } from '../../subgraphs/sdk/report';
import { testConfig, type TestRepository } from '../support/federation';
import { gdcTruth } from '../gdc/support';
import { startFederationWithMedplum, type FederationWithMedplum } from '../support/medplum-federation';

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
const medplumRepository: TestRepository = {
  id: 'same-fhir-medplum', country: COUNTRIES[SIMULATED_KINDS.length], apiKind: 'fhir', cases: 240, seed: 4244, collections: COLLECTIONS,
};

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
  let federation: FederationWithMedplum;
  const entries = testConfig(repositories).repositories;
  const truth = toUnifiedCases(demoDataFor(entries[0]));
  // GDC holds the same cases, but its images are the pathology slides GDC serves (SM), not the cohort's radiology.
  const gdcEntry = entries.find((entry) => entry.apiKind === 'gdc');
  const truthOfGdc = gdcEntry ? gdcTruth(demoDataFor(gdcEntry)) : truth;
  const truthOf = (id: string) => (id === gdcEntry?.id ? truthOfGdc : truth);

  beforeAll(async () => {
    federation = await startFederationWithMedplum(repositories, medplumRepository);
  }, 120_000);

  afterAll(async () => {
    await federation?.close();
  });

  it.each(FILTERS)('%s', async (_label, where) => {
    const { body } = await federation.query(QUERY, { where });
    expect(body.errors).toBeUndefined();
    const answers = body.data?.repositories as Answer[];
    expect(answers).toHaveLength(SIMULATED_KINDS.length + 1);
    for (const answer of answers) {
      const { cohort } = answer;
      const filter = normaliseFilter(where, answer.id);
      const { evaluable, report } = splitFilter(filter, cohort.filtersApplied as never, () => '');
      const expected = cohortOf(truthOf(answer.id), evaluable, report);
      const label = `${answer.id} for ${JSON.stringify(where)}`;
      expect([label, [...cohort.filtersApplied, ...cohort.filtersNotApplied.map((n) => n.criterion)].sort()])
        .toEqual([label, criteriaOf(filter).sort()]);
      expect([label, cohort.exact]).toEqual([label, cohort.filtersNotApplied.length === 0]);
      // Each count the repository gives equals the ground truth's; a RECORD repository gives them all.
      // GDC does not say how many images a slide file holds, nor its body part or manufacturer (not DICOM).
      const isGdc = answer.id === gdcEntry?.id;
      for (const count of ['subjects', 'studies', 'series', 'images'] as const) {
        const expectedCount = isGdc && count === 'images' ? null : expected[count];
        if (cohort[count] !== null || answer.granularity === 'RECORD') expect([label, count, cohort[count]]).toEqual([label, count, expectedCount]);
      }
      for (const [facet, buckets] of Object.entries(cohort.facets)) {
        const truthBuckets = isGdc && (facet === 'bodyPart' || facet === 'manufacturer') ? [] : expected.facets[facet as FacetName];
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
    const applyingAll = record.filter((a) => a.cohort.exact && a.id !== gdcEntry?.id);
    // The FHIR adapter applies every criterion, on its simulator and on Medplum alike.
    expect(applyingAll.map((a) => a.id)).toEqual(expect.arrayContaining(['same-fhir', medplumRepository.id]));
    // Repositories that applied every criterion over the same radiology are indistinguishable.
    for (const a of applyingAll) expect(a.cohort).toEqual(applyingAll[0].cohort);
  });
});
