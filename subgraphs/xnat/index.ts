/**
 * The XNAT REST adapter kind: config entries with `apiKind: "xnat"` and `endpoint` set to the XNAT base URL (the
 * part before `/data`, e.g. https://central.xnat.org or https://host/xnat). Credentials: "user:password" (basic
 * auth). Options (options.ts): indexTtlSeconds, projects, customFields, bodyPartColumn.
 */
import type { AdapterKind } from '../sdk/adapter';
import { XNAT_CRITERIA, XnatAdapter } from './adapter';
import { validateXnatOptions } from './options';

export const xnatKind: AdapterKind = {
  apiKind: 'xnat',
  description: 'XNAT REST API: subjects, imaging sessions and scans harvested from a few listings; exact counts and facets evaluated locally; clinical data from subject custom variables.',
  granularity: 'RECORD',
  criteria: XNAT_CRITERIA,
  facets: true,
  validateOptions: validateXnatOptions,
  create: (entry, environment) => new XnatAdapter(entry, environment),
};

export { XnatAdapter, XNAT_CRITERIA } from './adapter';
export { XnatClient } from './client';
export { DEFAULT_BODY_PART_COLUMN, DEFAULT_CUSTOM_FIELDS, validateXnatOptions, type XnatOptions } from './options';
