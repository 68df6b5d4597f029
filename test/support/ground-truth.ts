/**
 * The synthetic ground truth in unified form: what a perfect adapter would return. Tests compare adapters'
 * answers, fetched through their native protocols, with counts computed from this. It lives with the tests, not
 * with the simulators: it is the tests' expectation, in the SDK's record type, and no simulator serves from it.
 */
import { normaliseBodyPart } from '../../schema/codes/body-part';
import { cancerSiteFromCode } from '../../schema/codes/cancer-site';
import { normaliseModality } from '../../schema/codes/modality';
import { normaliseSex } from '../../schema/codes/sex';
import type { FullCaseRecord } from '../../subgraphs/sdk/records';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';

export function toUnifiedCases(data: SyntheticRepositoryData): FullCaseRecord[] {
  return data.cases.map((c) => ({
    id: `${data.repositoryId}/${c.subjectId}`,
    repositoryId: data.repositoryId,
    subjectId: c.subjectId,
    collection: c.collectionId,
    sex: normaliseSex(c.sex),
    ageAtDiagnosis: c.ageAtDiagnosis,
    diagnosis: {
      cancerSite: cancerSiteFromCode(c.diagnosis.icdO3Topography),
      icd10: c.diagnosis.icd10,
      icdO3Topography: c.diagnosis.icdO3Topography,
      icdO3Morphology: c.diagnosis.icdO3Morphology,
      description: c.diagnosis.description,
      yearOfDiagnosis: c.diagnosis.year,
      stage: c.diagnosis.stage,
    },
    studies: c.studies.map((s) => ({
      uid: s.uid,
      date: `${s.date.slice(0, 4)}-${s.date.slice(4, 6)}-${s.date.slice(6, 8)}`,
      description: s.description,
      modalities: [...new Set(s.series.map((x) => normaliseModality(x.modality)).filter((m) => m !== null))],
      bodyParts: [...new Set(s.series.map((x) => normaliseBodyPart(x.bodyPartExamined)))],
      seriesCount: s.series.length,
      instanceCount: s.series.reduce((sum, x) => sum + x.instanceCount, 0),
      series: s.series.map((x) => ({
        uid: x.uid,
        modality: normaliseModality(x.modality),
        modalityRaw: x.modality,
        bodyPart: normaliseBodyPart(x.bodyPartExamined),
        bodyPartRaw: x.bodyPartExamined,
        manufacturer: x.manufacturer,
        description: x.description,
        instanceCount: x.instanceCount,
        sizeBytes: x.sizeBytes,
        retrieve: null,
      })),
    })),
  }));
}
