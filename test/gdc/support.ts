/**
 * Shared set-up of the GDC tests: deterministic synthetic data (seed 23, four collections), a config entry
 * pointing at a running simulator, and the ground truth as a GDC repository holds that cohort: its cases and
 * primary diagnoses, and as images the simulator's pathology slides (GDC holds no radiology), written here in
 * unified form by the test's own reading of what a slide is (one SM series per slide file, one study per sample).
 */
import type { CaseFilter, FilterCriterion } from '../../schema/generated/graphql';
import { gdcPathology } from '../../simulators/gdc';
import { generateRepositoryData } from '../../simulators/synthetic/generate';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { toUnifiedCases } from '../support/ground-truth';
import { BODY_PART_REASON, MANUFACTURER_REASON } from '../../subgraphs/gdc/plan';
import type { RepositoryEntry } from '../../subgraphs/sdk/entry';
import { cohortOf } from '../../subgraphs/sdk/evaluate';
import { criteriaOf, normaliseFilter, withoutCriteria, type NormalizedFilter } from '../../subgraphs/sdk/filter';
import type { CohortRecord, FullCaseRecord, StudyRecord } from '../../subgraphs/sdk/records';
import type { NotApplied } from '../../subgraphs/sdk/report';

export const REPOSITORY_ID = 'es-test-gdc';

export function gdcTestData(cases = 300, seed = 23): SyntheticRepositoryData {
  return generateRepositoryData({
    repositoryId: REPOSITORY_ID,
    seed,
    cases,
    subjectPrefix: 'GD',
    language: 'es',
    collections: [
      { id: 'GD-BREAST', name: 'Test Breast', cancerSite: 'BREAST', weight: 2 },
      { id: 'GD-LUNG', name: 'Test Lung', cancerSite: 'LUNG', weight: 2 },
      { id: 'GD-COLON', name: 'Test Colon', cancerSite: 'COLON', weight: 1 },
      { id: 'GD-BRAIN', name: 'Test Glioma', cancerSite: 'BRAIN', weight: 1 },
    ],
  });
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The ground truth as the repository holds it: GDC's `sex_at_birth` has no term for DICOM "O" (its terms are
 * female, male, unknown, not reported), so those subjects are "unknown"; the radiology studies of the synthetic
 * cohort are not in GDC, the case's slides are (a study per sample, a whole-slide series per slide file, without
 * body part, manufacturer or instance count).
 */
export function gdcTruth(data: SyntheticRepositoryData): FullCaseRecord[] {
  const pathology = gdcPathology(data);
  return toUnifiedCases(data).map((record) => {
    const studies = (pathology.get(record.subjectId) ?? []).map((sample): StudyRecord => ({
      uid: sample.sampleId,
      date: null,
      description: `${sample.submitterId} (${sample.sampleType})`,
      modalities: ['SM'],
      bodyParts: ['UNKNOWN'],
      seriesCount: sample.slides.length,
      instanceCount: null,
      series: [...sample.slides].sort((a, b) => compare(a.fileName, b.fileName)).map((slide) => ({
        uid: slide.fileId, modality: 'SM', modalityRaw: slide.experimentalStrategy, bodyPart: 'UNKNOWN', bodyPartRaw: null,
        manufacturer: null, description: slide.fileName, instanceCount: null, sizeBytes: slide.sizeBytes, retrieve: null,
      })),
    })).sort((a, b) => compare(a.uid, b.uid));
    return { ...record, sex: record.sex === 'OTHER' ? 'UNKNOWN' : record.sex, studies };
  });
}

/** The criteria a GDC repository reports not applicable, with their reasons. */
export const NOT_APPLICABLE: ReadonlyArray<NotApplied> = [
  { criterion: 'BODY_PARTS', reason: BODY_PART_REASON },
  { criterion: 'MANUFACTURERS', reason: MANUFACTURER_REASON },
];

/**
 * The cohort a correct GDC adapter answers: cohortOf over the truth without the criteria GDC cannot evaluate
 * (reported with their reasons), no image count (an SVS file is not a DICOM series) and no body part or
 * manufacturer facet (GDC cannot count them).
 */
export function expectedGdcCohort(records: readonly FullCaseRecord[], filter: NormalizedFilter, notApplied: readonly NotApplied[] = []): CohortRecord {
  const requested = criteriaOf(filter);
  const skipped = [...NOT_APPLICABLE, ...notApplied].filter((n) => requested.includes(n.criterion));
  const skippedCriteria = skipped.map((n) => n.criterion as FilterCriterion);
  const cohort = cohortOf(records, withoutCriteria(filter, skippedCriteria), {
    applied: requested.filter((c) => !skippedCriteria.includes(c)), notApplied: skipped,
  });
  return { ...cohort, images: null, facets: { ...cohort.facets, bodyPart: [], manufacturer: [] } };
}

export function gdcEntry(data: SyntheticRepositoryData, endpoint: string, overrides: Partial<RepositoryEntry> = {}): RepositoryEntry {
  return {
    id: REPOSITORY_ID,
    name: 'Test GDC repository',
    country: 'ES',
    institution: 'Test institution (synthetic data)',
    apiKind: 'gdc',
    endpoint,
    subgraph: 'local',
    timeoutMs: 5000,
    collections: data.collections.map((c) => ({ id: c.id, name: c.name, cancerSite: c.cancerSite, licence: c.licence, doi: c.doi, description: c.description })),
    options: {},
    ...overrides,
  };
}

export function filterOf(where: CaseFilter): NormalizedFilter {
  return normaliseFilter(where, REPOSITORY_ID);
}
