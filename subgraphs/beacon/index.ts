/**
 * The GA4GH Beacon v2 adapter kind: config entries with `apiKind: "beacon"` and `endpoint` set to the beacon's base
 * URL (the one `/info`, `/filtering_terms` and `/individuals` hang off). Counts of individuals only.
 */
import type { AdapterKind } from '../sdk/adapter';
import { BEACON_CRITERIA, BeaconAdapter } from './adapter';
import { validateOptions } from './options';

export const beaconKind: AdapterKind = {
  apiKind: 'beacon',
  description: 'GA4GH Beacon v2 (POST /individuals at count granularity): subjects matching the sex (NCIT, SNOMED CT, PATO, GSSO, EUCAIM terms) and NCIT disease terms the beacon lists, age as ISO 8601 durations and datasets; imaging only through individual-level terms the beacon lists; exact only where its echo and warnings confirm every filter',
  granularity: 'COUNT',
  // Each applied when the beacon lists the terms it needs (GET /filtering_terms); otherwise reported per cohort.
  // Manufacturers never: Beacon v2 has no imaging model and no term space for them.
  criteria: BEACON_CRITERIA,
  facets: true,
  validateOptions,
  create: (entry, environment) => new BeaconAdapter(entry, environment),
};

export { BEACON_CRITERIA, BeaconAdapter } from './adapter';
export { BEACON_OPTIONS, readOptions, validateOptions, type BeaconOptions, type SkipMeaning } from './options';
export { BeaconClient, datasetSegment, individualsPath, requestBody, type BeaconFilter } from './client';
export {
  parseDatasets, parseFilteringTerms, parseIndividualsAnswer,
  type BeaconDataset, type FilteringTerm, type IndividualRecord, type IndividualsAnswer, type ReceivedSummary,
} from './parse';
export * from './mapping';
export * from './plan';
