/**
 * The FHIR R4 + mCODE adapter kind: config entries with `apiKind: "fhir"` and `endpoint` set to the FHIR base URL
 * (e.g. https://fhir.example.org/fhir). Options: pageSize, maxCandidates, parallelRequests, nativeImageCriteria
 * (adapter.ts).
 */
import type { AdapterKind } from '../sdk/adapter';
import { FHIR_CRITERIA, FhirAdapter, validateFhirOptions } from './adapter';

export const fhirKind: AdapterKind = {
  apiKind: 'fhir',
  description: 'FHIR R4 with mCODE (Patient, primary cancer Condition, TNM stage group, ImagingStudy): cases, studies and series; '
    + 'exact counts and facets from a native pre-selection the server is checked to have applied, evaluated locally.',
  granularity: 'RECORD',
  criteria: FHIR_CRITERIA,
  facets: true,
  validateOptions: validateFhirOptions,
  create: (entry, environment) => new FhirAdapter(entry, environment),
};

export { FhirAdapter, FHIR_CRITERIA, readFhirOptions, validateFhirOptions, type FhirAdapterOptions } from './adapter';
export { FhirClient } from './client';
export { escapeSearchValue, planCandidates, ServerProfile } from './plan';
