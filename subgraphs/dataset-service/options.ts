/**
 * `entry.options` of an eucaim-dataset-service repository (sdk/options.ts): none. The node answers per-dataset
 * value counts in one call, so there is nothing to tune; an option given is reported as unknown.
 */
import { defineOptions, type OptionsOf } from '../sdk/options';

export const DATASET_SERVICE_OPTIONS = defineOptions('eucaim-dataset-service', {});

export type DatasetServiceOptions = OptionsOf<typeof DATASET_SERVICE_OPTIONS.specs>;

export const validateDatasetServiceOptions = DATASET_SERVICE_OPTIONS.validateOptions;
