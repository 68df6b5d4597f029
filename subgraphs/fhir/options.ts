/** `entry.options` of a fhir repository (sdk/options.ts). */
import { defineOptions, option, type OptionsOf } from '../sdk/options';

export const FHIR_OPTIONS = defineOptions('fhir', {
  /**
   * Each patient brings its studies, conditions and enrolments along, so 100 patients are a few hundred included
   * resources, below the include limit servers apply per page (HAPI: 1000).
   */
  pageSize: option.integer({ min: 1, max: 1000, default: 100, description: 'Largest native page, in patients (`_count`).' }),
  maxCandidates: option.integer({ min: 1, max: 1_000_000, default: 10_000, description: 'Most candidate patients one cohort (or one page of cases) evaluates locally.' }),
  /**
   * A cold cohort over a few thousand patients reads tens of pages (100 patients each, HAPI's usual page limit): at
   * 4 in flight they took 5 s at 200 ms a page in the scale scenario. The adapter's connections to the server are
   * capped at this number however many queries run.
   */
  parallelRequests: option.integer({ min: 1, max: 16, default: 8, description: 'Native requests in flight at once (pages of a search, chunks of patients, collections, stages), and connections to the server.' }),
  nativeImageCriteria: option.boolean({ default: true, description: 'Pre-select modalities natively (needs DCM-coded series modalities).' }),
  /**
   * A FHIR server answers a cold cohort with tens of pages of records (a few thousand patients with their studies):
   * seconds at 200 ms a page. Harvested once into the SDK's compact case index, a cohort is answered from memory.
   */
  mode: option.oneOf({
    values: ['index', 'live'], default: 'index',
    description: '"index": count cohorts from a harvested copy of every patient\'s record, refreshed after indexTtlSeconds (the server is asked live until the first harvest is done, and always when it holds more than indexMaxPatients patients or cannot reverse-include what a record needs); "live": ask the server on every cohort.',
  }),
  indexTtlSeconds: option.integer({ min: 1, max: 86_400, default: 300, description: 'Seconds a harvested index answers before the next query refreshes it (the stale copy answers meanwhile, up to twice this age; older, cohorts are asked live).' }),
  indexMaxPatients: option.integer({ min: 1, max: 1_000_000, default: 20_000, description: 'Largest repository, in patients, that is indexed; a larger one is asked live.' }),
  readCacheSeconds: option.integer({
    min: 0, max: 3600, default: 0,
    description: 'Reuse candidate patient lists and patient records read from the server for this many seconds (0: never): filters that differ only in criteria the adapter evaluates itself (age at diagnosis, year of diagnosis, body part...) then cost no native request; what is reused may be that old.',
  }),
});

export type FhirAdapterOptions = OptionsOf<typeof FHIR_OPTIONS.specs>;

export const validateFhirOptions = FHIR_OPTIONS.validateOptions;
export const readFhirOptions = FHIR_OPTIONS.readOptions;
