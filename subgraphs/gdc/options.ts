/** `entry.options` of a gdc repository (sdk/options.ts). */
import { defineOptions, option, type OptionsOf } from '../sdk/options';

export const GDC_OPTIONS = defineOptions('gdc', {
  vocabularyTtlSeconds: option.integer({ min: 1, max: 86_400, default: 300, description: 'How long the harvested vocabulary (projects, facet values) is kept.' }),
  maxFacetRequests: option.integer({ min: 0, max: 256, default: 64, description: 'Most extra searches for the facets of one cohort.' }),
  parallelRequests: option.integer({ min: 1, max: 16, default: 4, description: 'Searches in flight at once for one cohort.' }),
  maxScan: option.integer({ min: 0, max: 1_000_000, default: 50_000, description: 'Most documents read when a facet is truncated, or cases read to evaluate their primary diagnosis.' }),
});

/** The options, which include the counting limits (counting.ts CountingLimits). */
export type GdcOptions = OptionsOf<typeof GDC_OPTIONS.specs>;

export const validateGdcOptions = GDC_OPTIONS.validateOptions;
export const readGdcOptions = GDC_OPTIONS.readOptions;
