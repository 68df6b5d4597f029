/** The dicomweb adapter kind: DICOMweb QIDO-RS repositories (hospital PACS, Orthanc, dcm4chee, IDC's proxy). */
import type { AdapterKind } from '../sdk/adapter';
import { DicomWebAdapter } from './adapter';
import { dicomWebOptions, validateDicomWebEntry, validateDicomWebOptions } from './options';

export const dicomwebKind: AdapterKind = {
  apiKind: 'dicomweb',
  description: 'DICOMweb QIDO-RS (PS3.18): counts from a harvested series-level index, details live by UID lists; collections by the owner\'s rule.',
  granularity: 'RECORD',
  // Evaluated when the PACS returns what they need; otherwise reported per answer (plan.ts).
  criteria: ['CANCER_SITES', 'SEX', 'AGE_AT_DIAGNOSIS', 'MODALITIES', 'BODY_PARTS', 'MANUFACTURERS', 'COLLECTIONS'],
  facets: true,
  validateOptions: validateDicomWebOptions,
  validateEntry: validateDicomWebEntry,
  create: (entry, environment) => new DicomWebAdapter(entry, dicomWebOptions(entry.options), environment.credentials),
};
