/**
 * The TCIA/NBIA v4 adapter kind: config entries with `apiKind: "nbia"` and `endpoint` set to the v4 base URL
 * (e.g. https://nbia.cancerimagingarchive.net/nbia-api/services/v4).
 */
import type { AdapterKind } from '../sdk/adapter';
import { NBIA_CRITERIA, NbiaAdapter } from './adapter';
import { validateNbiaOptions } from './options';

export const nbiaKind: AdapterKind = {
  apiKind: 'nbia',
  description: 'TCIA/NBIA REST API (v4, v1 read too): cases, studies and series with exact counts and facets, phantom subjects left out; cancer site from collection metadata; no year of diagnosis.',
  granularity: 'RECORD',
  criteria: NBIA_CRITERIA,
  facets: true,
  validateOptions: validateNbiaOptions,
  create: (entry, environment) => new NbiaAdapter(entry, environment),
};

export { NbiaAdapter } from './adapter';
export { NBIA_OPTIONS, readNbiaOptions, validateNbiaOptions, type NbiaOptions } from './options';
