/**
 * The adapter kinds this build knows, by `apiKind`. A new native API joins by adding its kind here.
 */
import { beaconKind } from './beacon';
import { datasetServiceKind } from './dataset-service';
import { dicomwebKind } from './dicomweb';
import { eucaimMediatorKind } from './eucaim';
import { fhirKind } from './fhir';
import { gdcKind } from './gdc';
import { nbiaKind } from './nbia';
import type { AdapterKind } from './sdk/adapter';
import { xnatKind } from './xnat';

export const ADAPTER_KINDS: readonly AdapterKind[] = [dicomwebKind, nbiaKind, eucaimMediatorKind, datasetServiceKind, xnatKind, beaconKind, gdcKind, fhirKind];
