/**
 * The FHIR R4 + mCODE adapter kind: config entries with `apiKind: "fhir"` and `endpoint` set to the FHIR base URL
 * (e.g. https://fhir.example.org/fhir). Options (options.ts): mode, indexTtlSeconds, indexMaxPatients, pageSize,
 * maxCandidates, parallelRequests, nativeImageCriteria, readCacheSeconds.
 */
import type { AdapterKind } from '../sdk/adapter';
import { FHIR_CRITERIA, FhirAdapter } from './adapter';
import { validateFhirOptions } from './options';

export const fhirKind: AdapterKind = {
  apiKind: 'fhir',
  description: 'FHIR R4 with mCODE (Patient, primary cancer Condition, TNM stage group, ImagingStudy): cases, studies and series; '
    + 'exact counts and facets from a harvested index of every patient\'s record, or from a native pre-selection the server is checked to have applied, evaluated locally.',
  granularity: 'RECORD',
  criteria: FHIR_CRITERIA,
  facets: true,
  validateOptions: validateFhirOptions,
  create: (entry, environment) => new FhirAdapter(entry, environment),
};

export { FhirAdapter, FHIR_CRITERIA } from './adapter';
export { FHIR_OPTIONS, readFhirOptions, validateFhirOptions, type FhirAdapterOptions } from './options';
export { FhirClient } from './client';
export { escapeSearchValue, planCandidates, ServerProfile } from './plan';
