/**
 * The synthetic data as Orthanc's index would hold it after ingesting it in data order: studies, series and
 * instances with Orthanc's public ids, and the instances Orthanc reads attributes from.
 *
 * Instances are built on demand: a series only stores its count, and QIDO above the instance level needs one
 * instance per series, so a large synthetic repository costs no memory per image.
 */
import { createHash } from 'node:crypto';
import type { SyntheticCase, SyntheticRepositoryData, SyntheticSeries, SyntheticStudy } from '../synthetic/model';
import { storedInstance } from './dataset';
import { attribute, type DicomJsonDataset } from './dicom-json';

export interface InstanceResource {
  series: SeriesResource;
  number: number;
  /** The attributes as Orthanc reads them back from the file (PS3.18 Annex F form). */
  dataset: DicomJsonDataset;
}

export interface SeriesResource {
  uid: string;
  /** Orthanc's id: SHA-1 of "PatientID|StudyInstanceUID|SeriesInstanceUID". QIDO lists series in this order. */
  publicId: string;
  study: StudyResource;
  source: SyntheticSeries;
  instanceCount: number;
  /** Instance `number` (1-based), in ingestion order. */
  instance(number: number): InstanceResource;
}

export interface StudyResource {
  uid: string;
  /** Orthanc's id: SHA-1 of "PatientID|StudyInstanceUID". QIDO lists studies in this order. */
  publicId: string;
  subject: SyntheticCase;
  source: SyntheticStudy;
  /** In ingestion order. */
  series: SeriesResource[];
}

export interface Archive {
  /** In ingestion order. */
  studies: StudyResource[];
  /** In ingestion order. */
  series: SeriesResource[];
  studyByUid: Map<string, StudyResource>;
  /** Studies in Orthanc's listing order (by public id), sorted once rather than per request. */
  studiesInListingOrder: StudyResource[];
  /** Series in Orthanc's listing order (by public id). */
  seriesInListingOrder: SeriesResource[];
}

export function buildArchive(data: SyntheticRepositoryData): Archive {
  const archive: Archive = { studies: [], series: [], studyByUid: new Map(), studiesInListingOrder: [], seriesInListingOrder: [] };
  for (const subject of data.cases) {
    for (const sourceStudy of subject.studies) {
      const study: StudyResource = {
        uid: sourceStudy.uid,
        publicId: orthancPublicId(subject.subjectId, sourceStudy.uid),
        subject,
        source: sourceStudy,
        series: [],
      };
      for (const sourceSeries of sourceStudy.series) {
        const series = seriesResource(study, sourceSeries);
        study.series.push(series);
        archive.series.push(series);
      }
      archive.studies.push(study);
      archive.studyByUid.set(study.uid, study);
    }
  }
  const byPublicId = (a: { publicId: string }, b: { publicId: string }) => (a.publicId < b.publicId ? -1 : a.publicId > b.publicId ? 1 : 0);
  archive.studiesInListingOrder = [...archive.studies].sort(byPublicId);
  archive.seriesInListingOrder = [...archive.series].sort(byPublicId);
  return archive;
}

function seriesResource(study: StudyResource, source: SyntheticSeries): SeriesResource {
  // The first instance is read by nearly every query (see search.ts), so it is kept; the others are rebuilt.
  let first: InstanceResource | undefined;
  const series: SeriesResource = {
    uid: source.uid,
    publicId: orthancPublicId(study.subject.subjectId, study.uid, source.uid),
    study,
    source,
    instanceCount: source.instanceCount,
    instance(number: number): InstanceResource {
      if (number === 1 && first) return first;
      const stored = storedInstance(study.subject, study.source, source, number);
      const dataset: DicomJsonDataset = {};
      for (const [tag, element] of Object.entries(stored)) dataset[tag] = attribute(element.vr, ...element.values);
      const instance = { series, number, dataset };
      if (number === 1) first = instance;
      return instance;
    },
  };
  return series;
}

/**
 * Orthanc's resource id (Orthanc book, "Orthanc identifiers"): the SHA-1 of the DICOM identifiers of the
 * resource and its parents joined by "|", as 5 dash-separated groups of 8 hex digits.
 */
export function orthancPublicId(...identifiers: string[]): string {
  const hex = createHash('sha1').update(identifiers.join('|')).digest('hex');
  return hex.match(/.{8}/g)!.join('-');
}
