/** QIDO-RS simulator faithful to Orthanc 1.10.1 + DICOMweb plugin 1.7; see README.md in this folder. */
export { startQidoSimulator, type QidoSimulatorOptions, type RunningQidoSimulator } from './server';
export { instanceUid, sopClassUidFor } from './instances';
export { patientNameOf, storedInstance, SPECIFIC_CHARACTER_SET } from './dataset';
export type { DicomJsonAttribute, DicomJsonDataset, DicomJsonValue, PersonName } from './dicom-json';
