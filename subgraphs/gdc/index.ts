/**
 * The GDC adapter kind: config entries with `apiKind: "gdc"` and `endpoint` set to the API root of a GDC repository
 * (e.g. https://api.gdc.cancer.gov), whose images are pathology slides (`/files` with `data_type: "Slide Image"`).
 */
import type { AdapterKind } from '../sdk/adapter';
import { GDC_CRITERIA, GdcAdapter } from './adapter';
import { validateGdcOptions } from './options';

export const gdcKind: AdapterKind = {
  apiKind: 'gdc',
  description: 'GDC REST API (/cases, /files, /projects): cases with their primary diagnosis (ICD-10/ICD-O-3, AJCC stage, age in days) and pathology slide images (SM), exact counts and facets from native totals and facets; radiology criteria reported not applicable.',
  granularity: 'RECORD',
  criteria: GDC_CRITERIA,
  facets: true,
  validateOptions: validateGdcOptions,
  create: (entry, environment) => new GdcAdapter(entry, environment),
};

export { GdcAdapter } from './adapter';
export { GDC_OPTIONS, readGdcOptions, validateGdcOptions, type GdcOptions } from './options';
