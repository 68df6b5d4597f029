/** `entry.options` of a beacon repository (sdk/options.ts). */
import type { CancerSite } from '../../schema/generated/graphql';
import { ALL_CANCER_SITES } from '../../schema/codes/cancer-site';
import { defineOptions, option, type OptionsOf } from '../sdk/options';
import { DEFAULT_MAX_REQUESTS_PER_COHORT } from './plan';

export type SkipMeaning = 'pages' | 'records';

const TERM_ID = 'a non-empty string (a filtering term id)';

export const BEACON_OPTIONS = defineOptions('beacon', {
  maxRequestsPerCohort: option.integer({ min: 1, max: 256, default: DEFAULT_MAX_REQUESTS_PER_COHORT, description: 'Most count requests for one cohort (value combinations × datasets × image subsets).' }),
  // sex (4) + cancer sites (8) for an unenumerated filter, with room for enumerated ones.
  maxFacetRequests: option.integer({ min: 0, max: 512, default: 64, description: 'Most extra requests for the facets of one cohort; facets that do not fit are left empty.' }),
  parallelRequests: option.integer({ min: 1, max: 16, default: 4, description: 'Requests in flight at once.' }),
  pageSize: option.integer({ min: 1, max: 1000, default: 100, description: 'Page size when records have to be paged to be counted.' }),
  maxRecordPages: option.integer({ min: 1, max: 10_000, default: 200, description: 'Most pages read to count one request\'s records.' }),
  termsTtlSeconds: option.integer({ min: 0, max: 86_400, default: 600, description: 'How long the filtering terms and datasets are cached.' }),
  ageTerm: option.string({ default: 'age', mustBe: TERM_ID, description: 'The beacon\'s alphanumeric term for the age at diagnosis.' }),
  yearOfDiagnosisTerm: option.nullableString({ default: null, mustBe: `${TERM_ID} or null`, description: 'The beacon\'s alphanumeric term for the year of diagnosis (not part of Beacon v2); null when it has none.' }),
  skipMeaning: option.oneOf<SkipMeaning | 'detect'>({ values: ['pages', 'records', 'detect'], default: 'detect', description: 'How the beacon reads `pagination.skip`; `detect` finds out from the second page.' }),
  cancerSiteTerms: option.custom<Partial<Record<CancerSite, string[]>>>({
    default: {}, summary: 'object: cancer site → term ids',
    description: 'NCIT roots per cancer site, replacing the defaults of mapping.ts for the sites named.',
    read(value, problem) {
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        problem('', 'must be an object from cancer site to a list of term ids');
        return {};
      }
      for (const [site, terms] of Object.entries(value)) {
        if (!(ALL_CANCER_SITES as readonly string[]).includes(site)) problem(`.${site}`, 'not a cancer site');
        else if (!Array.isArray(terms) || terms.some((t) => typeof t !== 'string' || t.trim() === '')) problem(`.${site}`, 'must be a list of term ids');
      }
      return value as Partial<Record<CancerSite, string[]>>;
    },
  }),
});

export type BeaconOptions = OptionsOf<typeof BEACON_OPTIONS.specs>;

export const validateOptions = BEACON_OPTIONS.validateOptions;
export const readOptions = BEACON_OPTIONS.readOptions;
