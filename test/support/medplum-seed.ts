/**
 * The synthetic ground truth on the Medplum-backed FHIR server: the very resources the FHIR simulator serves
 * (simulators/fhir/resources.ts plays the part of the DICOM-to-FHIR converter and the registry export that fill any
 * real server), loaded into Medplum's repository. Both stand for the same repository's data; the search logic is
 * Medplum's.
 */
import { buildStore } from '../../simulators/fhir';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { startMedplumFhirServer, type RunningMedplumServer, type SeedResource } from './medplum-fhir-server';

/** Every resource the FHIR simulator would serve for the data. */
export function fhirResourcesOf(data: SyntheticRepositoryData): SeedResource[] {
  return [...buildStore(data).byType.values()].flat();
}

/** A Medplum-backed FHIR server holding the data. */
export function startMedplumWith(data: SyntheticRepositoryData): Promise<RunningMedplumServer> {
  return startMedplumFhirServer(fhirResourcesOf(data));
}
