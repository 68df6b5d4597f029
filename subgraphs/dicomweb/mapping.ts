/**
 * DICOM JSON (QIDO-RS study and series results) to unified records. Pure functions, tested on real Orthanc
 * responses (shared/native-apis/dicomweb-orthanc-samples).
 */
import { normaliseBodyPart } from '../../schema/codes/body-part';
import { normaliseModality } from '../../schema/codes/modality';
import { normaliseSex } from '../../schema/codes/sex';
import type { CancerSite, Modality } from '../../schema/generated/graphql';
import { checkedAgeYears } from '../sdk/age';
import type { FullCaseRecord, SeriesRecord, StudyRecord } from '../sdk/records';
import { sortBySubject } from '../sdk/index-pages';
import type { CollectionRule } from './options';
import { ageInYears, integer, isoDate, Tag, text, texts, type DicomDataset } from './parse';
import { caseCollection } from './placement';
import { intern } from '../sdk/intern';
import { withWadoRs } from '../sdk/lazy-retrieve';

export interface SeriesMappingContext {
  /** The DICOMweb root the series can be retrieved from (WADO-RS, PS3.18 10.4). */
  dicomWebRoot: string;
}

export function seriesFromDicom(series: DicomDataset, studyUid: string, context: SeriesMappingContext): SeriesRecord | null {
  const uid = text(series, Tag.SeriesInstanceUID);
  if (!uid) return null;
  const modalityRaw = text(series, Tag.Modality);
  const bodyPartRaw = text(series, Tag.BodyPartExamined);
  return withWadoRs({
    uid,
    modality: normaliseModality(modalityRaw),
    modalityRaw: intern(modalityRaw),
    bodyPart: normaliseBodyPart(bodyPartRaw),
    bodyPartRaw: intern(bodyPartRaw),
    manufacturer: intern(text(series, Tag.Manufacturer)),
    description: intern(text(series, Tag.SeriesDescription)),
    instanceCount: integer(series, Tag.NumberOfSeriesRelatedInstances),
    // QIDO reports no sizes.
    sizeBytes: null,
  }, context.dicomWebRoot, studyUid);
}

/** A study with its series; modalities and body parts are derived from the series actually listed. */
export function studyFromDicom(study: DicomDataset, series: readonly SeriesRecord[]): StudyRecord | null {
  const uid = text(study, Tag.StudyInstanceUID);
  if (!uid) return null;
  const fromSeries = series.map((s) => s.modality).filter((m): m is Modality => m !== null);
  const declared = texts(study, Tag.ModalitiesInStudy).map(normaliseModality).filter((m): m is Modality => m !== null);
  return {
    uid,
    date: isoDate(text(study, Tag.StudyDate)),
    description: text(study, Tag.StudyDescription),
    modalities: [...new Set(fromSeries.length > 0 ? fromSeries : declared)],
    bodyParts: [...new Set(series.map((s) => s.bodyPart))],
    seriesCount: integer(study, Tag.NumberOfStudyRelatedSeries) ?? series.length,
    instanceCount: integer(study, Tag.NumberOfStudyRelatedInstances),
    series: [...series],
  };
}

export interface CaseMappingContext extends SeriesMappingContext {
  repositoryId: string;
  /** Collection id -> cancer site, from the federation config (DICOM carries no diagnosis). */
  cancerSiteOfCollection: ReadonlyMap<string, CancerSite>;
  /** How a study belongs to a collection (options.ts `collectionFrom`). */
  collectionRule: CollectionRule;
}

/**
 * Groups studies and their series into cases by PatientID. Sex comes from PatientSex, age at diagnosis from the
 * PatientAge of the earliest study, the collection from the owner's rule (placement.ts; null when the case cannot
 * be placed), the cancer site from the collection's metadata. An age outside 0-130 years is refused as bad native
 * data (REPOSITORY_BAD_RESPONSE naming the repository), not counted.
 */
export function casesFromDicom(
  studies: readonly DicomDataset[], seriesByStudy: ReadonlyMap<string, DicomDataset[]>, context: CaseMappingContext,
  /** Series already mapped for studies whose series were not asked again (an incremental refresh). */
  knownSeries: ReadonlyMap<string, readonly SeriesRecord[]> = new Map(),
): FullCaseRecord[] {
  const byPatient = new Map<string, DicomDataset[]>();
  for (const study of studies) {
    const patient = text(study, Tag.PatientID);
    if (!patient) continue;
    const list = byPatient.get(patient) ?? [];
    list.push(study);
    byPatient.set(patient, list);
  }
  const cases: FullCaseRecord[] = [];
  for (const [subjectId, patientStudies] of byPatient) {
    patientStudies.sort((a, b) => (text(a, Tag.StudyDate) ?? '').localeCompare(text(b, Tag.StudyDate) ?? ''));
    const first = patientStudies[0];
    const collection = caseCollection(patientStudies, context.collectionRule);
    const cancerSite = collection ? context.cancerSiteOfCollection.get(collection) : undefined;
    const age = ageInYears(text(first, Tag.PatientAge));
    const records = patientStudies.flatMap((study) => {
      const studyUid = text(study, Tag.StudyInstanceUID) ?? '';
      const asked = seriesByStudy.get(studyUid);
      const series = asked
        ? asked.map((s) => seriesFromDicom(s, studyUid, context)).filter((s): s is SeriesRecord => s !== null)
        : knownSeries.get(studyUid) ?? [];
      const record = studyFromDicom(study, series);
      return record ? [record] : [];
    });
    cases.push({
      id: `${context.repositoryId}/${subjectId}`,
      repositoryId: context.repositoryId,
      subjectId,
      collection,
      sex: normaliseSex(text(first, Tag.PatientSex)),
      ageAtDiagnosis: age === null ? null : checkedAgeYears(age, context.repositoryId, `the PatientAge (0010,1010) "${text(first, Tag.PatientAge)}" of a QIDO-RS study`),
      diagnosis: cancerSite ? {
        cancerSite, icd10: null, icdO3Topography: null, icdO3Morphology: null, description: null, yearOfDiagnosis: null, stage: null,
      } : null,
      studies: records,
    });
  }
  return sortBySubject(cases);
}
