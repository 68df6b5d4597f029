/** `entry.options` of an eucaim-mediator repository (sdk/options.ts). */
import { defineOptions, option, type OptionsOf } from '../sdk/options';
import { DEFAULT_MAX_REQUESTS_PER_COHORT } from './plan';

export const EUCAIM_MEDIATOR_OPTIONS = defineOptions('eucaim-mediator', {
  maxRequestsPerCohort: option.integer({ min: 1, max: 64, default: DEFAULT_MAX_REQUESTS_PER_COHORT, description: 'Most mediator requests for the counts of one cohort (value combinations of sex × cancer site).' }),
  // 13 = 4 sexes + 5 diagnoses + 4 modalities for a one-value filter; more room for enumerated filters.
  maxFacetRequests: option.integer({ min: 0, max: 128, default: 32, description: 'Most extra mediator requests for the facets of one cohort; facets that do not fit are left empty.' }),
  parallelRequests: option.integer({ min: 1, max: 16, default: 4, description: 'Mediator requests in flight at once for one cohort (the node is one small service; 2-core nodes exist).' }),
});

export type EucaimMediatorOptions = OptionsOf<typeof EUCAIM_MEDIATOR_OPTIONS.specs>;

export const validateOptions = EUCAIM_MEDIATOR_OPTIONS.validateOptions;
export const readOptions = EUCAIM_MEDIATOR_OPTIONS.readOptions;
