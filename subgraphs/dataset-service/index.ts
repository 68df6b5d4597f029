/** The eucaim-dataset-service kind: the UPV reference node's dataset-service (count-only, per-dataset value counts). */
import type { AdapterKind } from '../sdk/adapter';
import { DatasetServiceAdapter } from './adapter';
import { validateDatasetServiceOptions } from './options';

export const datasetServiceKind: AdapterKind = {
  apiKind: 'eucaim-dataset-service',
  description: 'EUCAIM reference node dataset-service: per-dataset subject counts per value, one attribute at a time.',
  granularity: 'COUNT',
  criteria: ['CANCER_SITES', 'SEX', 'MODALITIES', 'BODY_PARTS', 'MANUFACTURERS', 'COLLECTIONS'],
  facets: true,
  validateOptions: validateDatasetServiceOptions,
  create: (entry, environment) => new DatasetServiceAdapter(entry, environment.credentials),
};
