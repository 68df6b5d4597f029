/**
 * The EUCAIM node mediator adapter kind: a Tier-2 node's searching endpoint (native-apis README 1.1.1, 1.1.2),
 * counts of subjects and studies only.
 */
import type { AdapterKind } from '../sdk/adapter';
import { EucaimMediatorAdapter } from './adapter';
import { validateOptions } from './options';

export const eucaimMediatorKind: AdapterKind = {
  apiKind: 'eucaim-mediator',
  description: 'EUCAIM Tier-2 node mediator (GET /search, one value per criterion): subjects and studies per collection',
  granularity: 'COUNT',
  // Evaluated natively, each within the mediator's vocabulary and one-value rule; values or combinations it cannot
  // express, and parameters the node's answer shows it did not apply, are reported per cohort as not applied.
  // Age and year of diagnosis are never applied (no ranges).
  criteria: ['CANCER_SITES', 'SEX', 'MODALITIES', 'BODY_PARTS', 'MANUFACTURERS', 'COLLECTIONS'],
  facets: true,
  validateOptions,
  create: (entry, environment) => new EucaimMediatorAdapter(entry, environment),
};

export { EucaimMediatorAdapter } from './adapter';
export { EUCAIM_MEDIATOR_OPTIONS, readOptions, validateOptions, type EucaimMediatorOptions } from './options';
export { MediatorClient, searchPath, SEARCH_PARAMS, type MediatorQuery, type SearchParam } from './client';
export { parseSearchAnswer, type AgeRange, type MediatorAnswer, type MediatorCollection } from './parse';
export * from './mapping';
export * from './plan';
