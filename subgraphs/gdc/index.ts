/**
 * The GDC adapter kind: config entries with `apiKind: "gdc"` and `endpoint` set to the API root of a GDC-style
 * repository (e.g. https://api.gdc.cancer.gov), whose imaging series are `/files` documents with an `imaging` block.
 */
import type { AdapterKind } from '../sdk/adapter';
import { GDC_CRITERIA, GdcAdapter, validateGdcOptions } from './adapter';

export const gdcKind: AdapterKind = {
  apiKind: 'gdc',
  description: 'GDC-style REST API (/cases, /files, /projects): cases, studies and series with exact counts and facets from native totals and facets; ICD-10/ICD-O-3 diagnoses, AJCC stage, age in days.',
  granularity: 'RECORD',
  criteria: GDC_CRITERIA,
  facets: true,
  validateOptions: validateGdcOptions,
  create: (entry, environment) => new GdcAdapter(entry, environment),
};

export { GdcAdapter } from './adapter';
