/**
 * What one stored DICOM instance of the synthetic data holds, attribute by attribute, as text values the way a
 * file carries them. The test seeder writes exactly this into real Part-10 files for Orthanc, and the simulator
 * serves it, so the two can be compared attribute by attribute.
 */
import type { SyntheticCase, SyntheticSeries, SyntheticStudy } from '../synthetic/model';
import { instanceUid, sopClassUidFor, STAND_IN_IMAGE } from './instances';

export interface StoredElement {
  vr: string;
  /** Text values as written in the file; [] is a present but empty attribute (a Type 2 attribute left empty). */
  values: string[];
}

/** Tag (8 hex digits) to element. Pixel Data is left to the writer of the file. */
export type StoredDataset = Record<string, StoredElement>;

/** The pseudonymous Patient's Name: de-identified archives replace names with something derived from the ID. */
export function patientNameOf(subjectId: string): string {
  return `Anon^${subjectId}`;
}

/** The Issuer of Patient ID of the subjects of a collection in the synthetic archive. */
export function issuerOf(collectionId: string): string {
  return `${collectionId} registry`;
}

/** The character set the instances declare (PS3.3 C.12.1.1.2): UTF-8, as a European archive would. */
export const SPECIFIC_CHARACTER_SET = 'ISO_IR 192';

export function storedInstance(subject: SyntheticCase, study: SyntheticStudy, series: SyntheticSeries, instanceNumber: number): StoredDataset {
  const text = (vr: string, value: string): StoredElement => ({ vr, values: value === '' ? [] : [value] });
  const { rows, columns, bitsAllocated, bitsStored } = STAND_IN_IMAGE;
  const dataset: StoredDataset = {
    '00080005': text('CS', SPECIFIC_CHARACTER_SET),
    '00080016': text('UI', sopClassUidFor(series.modality)),
    '00080018': text('UI', instanceUid(series.uid, instanceNumber)),
    '00080020': text('DA', study.date),
    // Type 2 attributes of the General Study and Patient modules (PS3.3 C.7.2.1, C.7.1.1) the synthetic data has
    // no value for: present and empty, as de-identified archives (TCIA) send them.
    '00080030': text('TM', ''),
    '00080050': text('SH', study.accessionNumber),
    '00080060': text('CS', series.modality),
    '00080090': text('PN', ''),
    '00081030': text('LO', study.description),
    '0008103E': text('LO', series.description),
    '00100010': text('PN', patientNameOf(subject.subjectId)),
    '00100020': text('LO', subject.subjectId),
    '00100030': text('DA', ''),
    '00100040': text('CS', subject.sex),
    '00101010': text('AS', study.patientAge),
    '0020000D': text('UI', study.uid),
    '0020000E': text('UI', series.uid),
    '00200010': text('SH', ''),
    '00200011': text('IS', String(series.number)),
    '00200013': text('IS', String(instanceNumber)),
    // Image Pixel module (PS3.3 C.7.6.3) of the 4x4 stand-in image.
    '00280002': text('US', '1'),
    '00280004': text('CS', 'MONOCHROME2'),
    '00280010': text('US', String(rows)),
    '00280011': text('US', String(columns)),
    '00280100': text('US', String(bitsAllocated)),
    '00280101': text('US', String(bitsStored)),
    '00280102': text('US', String(bitsStored - 1)),
    '00280103': text('US', '0'),
  };
  // TCIA marks the collection in the Clinical Trial Subject module (PS3.3 C.7.1.3). A case outside any collection
  // (collectionId "") has no such module at all: its Type 1 Clinical Trial Protocol ID is absent, not empty.
  if (subject.collectionId !== '') {
    dataset['00120020'] = text('LO', subject.collectionId);
    // The registry that assigned the pseudonymous PatientID (Issuer of Patient ID, PS3.3 C.7.1.1, Type 3): this
    // synthetic archive holds one registry per collection, so a PACS owner can map issuers to collections.
    dataset['00100021'] = text('LO', issuerOf(subject.collectionId));
  }
  // Absent, not empty, when the scanner did not write them (Type 3 in the General Series and Equipment modules).
  if (series.bodyPartExamined !== null) dataset['00180015'] = text('CS', series.bodyPartExamined);
  if (series.manufacturer !== null) dataset['00080070'] = text('LO', series.manufacturer);
  if (series.manufacturerModelName !== null) dataset['00081090'] = text('LO', series.manufacturerModelName);
  return dataset;
}
