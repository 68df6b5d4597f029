/**
 * CaseFilter validation and the vocabulary adapters use to report which criteria they applied.
 * Semantics (schema/cancer-case.graphql): values within a criterion OR together, criteria AND together; an empty
 * list is the same as leaving the criterion out.
 */
import type { BodyPart, CancerSite, CaseFilter, FilterCriterion, Modality, Sex } from '../../schema/generated/graphql';
import { ErrorCode, RepositoryError } from './errors';

export interface Range {
  min?: number;
  max?: number;
}

/** A validated filter: lists de-duplicated, empty lists dropped, ranges checked. */
export interface NormalizedFilter {
  cancerSites?: CancerSite[];
  sex?: Sex[];
  ageAtDiagnosis?: Range;
  yearOfDiagnosis?: Range;
  modalities?: Modality[];
  bodyParts?: BodyPart[];
  /** Lower-cased and trimmed. */
  manufacturers?: string[];
  collections?: string[];
}

export const CRITERION_OF: Record<keyof NormalizedFilter, FilterCriterion> = {
  cancerSites: 'CANCER_SITES',
  sex: 'SEX',
  ageAtDiagnosis: 'AGE_AT_DIAGNOSIS',
  yearOfDiagnosis: 'YEAR_OF_DIAGNOSIS',
  modalities: 'MODALITIES',
  bodyParts: 'BODY_PARTS',
  manufacturers: 'MANUFACTURERS',
  collections: 'COLLECTIONS',
};

export const ALL_CRITERIA: readonly FilterCriterion[] = Object.values(CRITERION_OF);

const KEY_OF = Object.fromEntries(Object.entries(CRITERION_OF).map(([k, v]) => [v, k])) as Record<FilterCriterion, keyof NormalizedFilter>;

/**
 * Input limits. Every value is compared with every case or series of a repository, so the work a filter asks for
 * grows with its size; no real question names more values than this, and no manufacturer or collection name is
 * longer. Checked before anything else looks at the values.
 */
export const MAX_VALUES_PER_CRITERION = 100;
export const MAX_VALUE_LENGTH = 200;

function unique<T>(values: readonly T[] | null | undefined, name: string, repositoryId: string): T[] | undefined {
  if (!values || values.length === 0) return undefined;
  if (values.length > MAX_VALUES_PER_CRITERION) {
    throw new RepositoryError(ErrorCode.BAD_USER_INPUT, repositoryId,
      `filter where.${name} has ${values.length} values; at most ${MAX_VALUES_PER_CRITERION} are accepted`, { argument: `where.${name}` });
  }
  return [...new Set(values)];
}

function range(
  value: { min?: number | null; max?: number | null } | null | undefined,
  name: string, lowest: number, highest: number, repositoryId: string,
): Range | undefined {
  if (!value) return undefined;
  const min = value.min ?? undefined;
  const max = value.max ?? undefined;
  for (const [bound, v] of [['min', min], ['max', max]] as const) {
    if (v !== undefined && (v < lowest || v > highest)) {
      throw new RepositoryError(ErrorCode.BAD_USER_INPUT, repositoryId,
        `filter where.${name}.${bound} is ${v}; it must be between ${lowest} and ${highest}`, { argument: `where.${name}.${bound}` });
    }
  }
  if (min !== undefined && max !== undefined && min > max) {
    throw new RepositoryError(ErrorCode.BAD_USER_INPUT, repositoryId,
      `filter where.${name} has min ${min} greater than max ${max}`, { argument: `where.${name}` });
  }
  return min === undefined && max === undefined ? undefined : { min, max };
}

function strings(values: readonly string[] | null | undefined, name: string, repositoryId: string, fold: boolean): string[] | undefined {
  const tooLong = values?.findIndex((v) => v.length > MAX_VALUE_LENGTH) ?? -1;
  if (tooLong >= 0) {
    throw new RepositoryError(ErrorCode.BAD_USER_INPUT, repositoryId,
      `filter where.${name}[${tooLong}] is ${values![tooLong].length} characters long; at most ${MAX_VALUE_LENGTH} are accepted`, { argument: `where.${name}` });
  }
  const cleaned = unique(values, name, repositoryId)?.map((v) => (fold ? v.trim().toLowerCase() : v.trim()));
  if (cleaned?.some((v) => v.length === 0)) {
    throw new RepositoryError(ErrorCode.BAD_USER_INPUT, repositoryId, `filter where.${name} contains an empty string`, { argument: `where.${name}` });
  }
  return cleaned ? [...new Set(cleaned)] : undefined;
}

/** Validates a CaseFilter; errors name the repository and the criterion at fault. */
export function normaliseFilter(where: CaseFilter | null | undefined, repositoryId: string): NormalizedFilter {
  if (!where) return {};
  const filter: NormalizedFilter = {
    cancerSites: unique(where.cancerSites, 'cancerSites', repositoryId),
    sex: unique(where.sex, 'sex', repositoryId),
    ageAtDiagnosis: range(where.ageAtDiagnosis, 'ageAtDiagnosis', 0, 150, repositoryId),
    yearOfDiagnosis: range(where.yearOfDiagnosis, 'yearOfDiagnosis', 1900, 2100, repositoryId),
    modalities: unique(where.modalities, 'modalities', repositoryId),
    bodyParts: unique(where.bodyParts, 'bodyParts', repositoryId),
    manufacturers: strings(where.manufacturers, 'manufacturers', repositoryId, true),
    collections: strings(where.collections, 'collections', repositoryId, false),
  };
  for (const key of Object.keys(filter) as (keyof NormalizedFilter)[]) if (filter[key] === undefined) delete filter[key];
  return filter;
}

/** The criteria a filter sets, in schema order. */
export function criteriaOf(filter: NormalizedFilter): FilterCriterion[] {
  return ALL_CRITERIA.filter((criterion) => filter[KEY_OF[criterion]] !== undefined);
}

/** The filter without the given criteria (what a repository evaluates when it cannot apply them). */
export function withoutCriteria(filter: NormalizedFilter, criteria: readonly FilterCriterion[]): NormalizedFilter {
  const copy = { ...filter };
  for (const criterion of criteria) delete copy[KEY_OF[criterion]];
  return copy;
}

/** True when a value lies in an inclusive range with optional bounds. */
export function inRange(value: number | null | undefined, r: Range | undefined): boolean {
  if (!r) return true;
  if (value === null || value === undefined) return false;
  return (r.min === undefined || value >= r.min) && (r.max === undefined || value <= r.max);
}
