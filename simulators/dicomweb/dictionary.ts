/**
 * The attributes the simulator knows by keyword (PS3.6 data dictionary, the QIDO-relevant subset), and for each
 * whether Orthanc 1.10 indexes it as a "main DICOM tag" and at which level. The level matters because Orthanc
 * matches an indexed attribute of a lower level than the query never (measured: `/studies?Modality=SR`,
 * `/studies?BodyPartExamined=TORAX`, `/studies?SeriesNumber=1`, `/series?InstanceNumber=2` all return `[]`,
 * even `Modality=*`), while any other attribute is read from a stored instance and does match.
 */

export type QueryLevel = 'study' | 'series' | 'instance';
/** Orthanc's resource levels: patient-level attributes belong to the study in QIDO (PS3.18 10.6.1.2.1). */
export type IndexLevel = 'patient' | QueryLevel;

export interface AttributeDefinition {
  tag: string;
  keyword: string;
  vr: string;
  /** The level Orthanc 1.10 indexes this attribute at (its main DICOM tags), or undefined when it is not indexed. */
  indexedAt?: IndexLevel;
}

// [keyword, tag, VR, indexed level]. The indexed levels are Orthanc 1.10's main DICOM tags (DicomMap.cpp).
const DEFINITIONS: ReadonlyArray<readonly [string, string, string, IndexLevel?]> = [
  ['PatientName', '00100010', 'PN', 'patient'],
  ['PatientID', '00100020', 'LO', 'patient'],
  ['PatientBirthDate', '00100030', 'DA', 'patient'],
  ['PatientSex', '00100040', 'CS', 'patient'],
  ['OtherPatientIDs', '00101000', 'LO', 'patient'],
  ['StudyDate', '00080020', 'DA', 'study'],
  ['StudyTime', '00080030', 'TM', 'study'],
  ['StudyID', '00200010', 'SH', 'study'],
  ['StudyDescription', '00081030', 'LO', 'study'],
  ['AccessionNumber', '00080050', 'SH', 'study'],
  ['StudyInstanceUID', '0020000D', 'UI', 'study'],
  ['RequestedProcedureDescription', '00321060', 'LO', 'study'],
  ['InstitutionName', '00080080', 'LO', 'study'],
  ['RequestingPhysician', '00321032', 'PN', 'study'],
  ['ReferringPhysicianName', '00080090', 'PN', 'study'],
  ['SeriesDate', '00080021', 'DA', 'series'],
  ['SeriesTime', '00080031', 'TM', 'series'],
  ['Modality', '00080060', 'CS', 'series'],
  ['Manufacturer', '00080070', 'LO', 'series'],
  ['StationName', '00081010', 'SH', 'series'],
  ['SeriesDescription', '0008103E', 'LO', 'series'],
  ['BodyPartExamined', '00180015', 'CS', 'series'],
  ['SequenceName', '00180024', 'SH', 'series'],
  ['ProtocolName', '00181030', 'LO', 'series'],
  ['SeriesNumber', '00200011', 'IS', 'series'],
  ['CardiacNumberOfImages', '00181090', 'IS', 'series'],
  ['ImagesInAcquisition', '00201002', 'IS', 'series'],
  ['NumberOfTemporalPositions', '00200105', 'IS', 'series'],
  ['NumberOfSlices', '00540081', 'US', 'series'],
  ['NumberOfTimeSlices', '00540101', 'US', 'series'],
  ['SeriesInstanceUID', '0020000E', 'UI', 'series'],
  ['SeriesType', '00541000', 'CS', 'series'],
  ['OperatorsName', '00081070', 'PN', 'series'],
  ['PerformedProcedureStepDescription', '00400254', 'LO', 'series'],
  ['AcquisitionDeviceProcessingDescription', '00181400', 'LO', 'series'],
  ['ContrastBolusAgent', '00180010', 'LO', 'series'],
  ['InstanceCreationDate', '00080012', 'DA', 'instance'],
  ['InstanceCreationTime', '00080013', 'TM', 'instance'],
  ['AcquisitionNumber', '00200012', 'IS', 'instance'],
  ['ImageIndex', '00541330', 'US', 'instance'],
  ['InstanceNumber', '00200013', 'IS', 'instance'],
  ['NumberOfFrames', '00280008', 'IS', 'instance'],
  ['TemporalPositionIdentifier', '00200100', 'IS', 'instance'],
  ['SOPInstanceUID', '00080018', 'UI', 'instance'],
  ['ImagePositionPatient', '00200032', 'DS', 'instance'],
  ['ImageOrientationPatient', '00200037', 'DS', 'instance'],
  ['ImageComments', '00204000', 'LT', 'instance'],
  // Not indexed by Orthanc: matched against a stored instance (see search.ts for which one).
  ['SpecificCharacterSet', '00080005', 'CS'],
  ['ImageType', '00080008', 'CS'],
  ['SOPClassUID', '00080016', 'UI'],
  ['AcquisitionDate', '00080022', 'DA'],
  ['ContentDate', '00080023', 'DA'],
  ['ContentTime', '00080033', 'TM'],
  ['InstanceAvailability', '00080056', 'CS'],
  ['ModalitiesInStudy', '00080061', 'CS'],
  ['TimezoneOffsetFromUTC', '00080201', 'SH'],
  ['AdmittingDiagnosesDescription', '00081080', 'LO'],
  ['ManufacturerModelName', '00081090', 'LO'],
  ['RetrieveURL', '00081190', 'UR'],
  ['PerformingPhysicianName', '00081050', 'PN'],
  ['IssuerOfPatientID', '00100021', 'LO'],
  ['PatientAge', '00101010', 'AS'],
  ['PatientSize', '00101020', 'DS'],
  ['PatientWeight', '00101030', 'DS'],
  ['EthnicGroup', '00102160', 'SH'],
  ['PatientComments', '00104000', 'LT'],
  ['ClinicalTrialSponsorName', '00120010', 'LO'],
  ['ClinicalTrialProtocolID', '00120020', 'LO'],
  ['ClinicalTrialProtocolName', '00120021', 'LO'],
  ['ClinicalTrialSiteID', '00120030', 'LO'],
  ['ClinicalTrialSiteName', '00120031', 'LO'],
  ['ClinicalTrialSubjectID', '00120040', 'LO'],
  ['ClinicalTrialTimePointID', '00120050', 'LO'],
  ['SliceThickness', '00180050', 'DS'],
  ['DeviceSerialNumber', '00181000', 'LO'],
  ['SoftwareVersions', '00181020', 'LO'],
  ['ViewPosition', '00185101', 'CS'],
  ['FrameOfReferenceUID', '00200052', 'UI'],
  ['Laterality', '00200060', 'CS'],
  ['ImageLaterality', '00200062', 'CS'],
  ['NumberOfPatientRelatedStudies', '00201200', 'IS'],
  ['NumberOfStudyRelatedSeries', '00201206', 'IS'],
  ['NumberOfStudyRelatedInstances', '00201208', 'IS'],
  ['NumberOfSeriesRelatedInstances', '00201209', 'IS'],
  ['SamplesPerPixel', '00280002', 'US'],
  ['PhotometricInterpretation', '00280004', 'CS'],
  ['Rows', '00280010', 'US'],
  ['Columns', '00280011', 'US'],
  ['BitsAllocated', '00280100', 'US'],
  ['BitsStored', '00280101', 'US'],
  ['HighBit', '00280102', 'US'],
  ['PixelRepresentation', '00280103', 'US'],
  ['PerformedProcedureStepStartDate', '00400244', 'DA'],
  ['PerformedProcedureStepStartTime', '00400245', 'TM'],
  ['RequestAttributesSequence', '00400275', 'SQ'],
];

const BY_KEYWORD = new Map<string, AttributeDefinition>();
const BY_TAG = new Map<string, AttributeDefinition>();
for (const [keyword, tag, vr, indexedAt] of DEFINITIONS) {
  const definition: AttributeDefinition = { tag, keyword, vr, indexedAt };
  BY_KEYWORD.set(keyword, definition);
  BY_TAG.set(tag, definition);
}

/**
 * The attribute a QIDO key names (PS3.18 8.3.4.1: a keyword or 8 hex digits; Orthanc also takes "gggg,eeee").
 * Keywords are case-sensitive, as in Orthanc (`patientid=` is ignored). An unknown keyword gives undefined,
 * which Orthanc ignores too; an unknown tag is kept with VR UN: no instance holds it, so it never matches.
 */
export function lookupAttribute(key: string): AttributeDefinition | undefined {
  const hex = /^([0-9A-Fa-f]{4}),?([0-9A-Fa-f]{4})$/.exec(key);
  if (hex) {
    const tag = `${hex[1]}${hex[2]}`.toUpperCase();
    return BY_TAG.get(tag) ?? { tag, keyword: tag, vr: 'UN' };
  }
  return BY_KEYWORD.get(key);
}

export function attributeByTag(tag: string): AttributeDefinition {
  const definition = BY_TAG.get(tag);
  if (!definition) throw new Error(`attribute ${tag} is not in the simulator's dictionary`);
  return definition;
}

/** Tags by keyword, for the simulator's own code. */
export function tagOf(keyword: string): string {
  const definition = BY_KEYWORD.get(keyword);
  if (!definition) throw new Error(`unknown DICOM keyword ${keyword}`);
  return definition.tag;
}
