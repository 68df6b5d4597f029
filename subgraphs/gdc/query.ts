/**
 * GDC `filters` built as objects (gdc-docs Search_and_Retrieval "Filters"), never by string concatenation: a user
 * value can only ever be one element of a `value` list. Every query is a top-level `and` of conditions, the shape
 * gdc-docs requires when filters and facets are used together, and the shape in which GDC's "facets disregard the
 * filters on their own field" is well defined: the adapter knows, per field, which term condition it put at the
 * top level, and restricts that field's facet buckets to it (counting.ts).
 *
 * Values are sent as the repository stores them (plan.ts expands each unified value into the raw values the
 * repository holds), and `*` is a wildcard in GDC filter values with no documented escape, so a raw value holding
 * `*` is only sent when it cannot match more than intended (wildcardSafe).
 */
import type { GdcFilter, GdcGroup, GdcLeaf } from './native-types';

/** Any of `values` on `field`, or (when `missing`) no value at all. */
export interface TermCondition {
  field: string;
  values: readonly string[];
  missing: boolean;
}

/** An inclusive numeric range on `field`; either bound may be left out. */
export interface RangeCondition {
  field: string;
  min?: number;
  max?: number;
}

/** Field names, relative to the document of their endpoint (gdc-docs Appendix A). */
export const CASE = {
  caseId: 'case_id',
  submitterId: 'submitter_id',
  project: 'project.project_id',
  /** The sex field of the 2024 data dictionary; `gender` in older ones. */
  sex: 'demographic.sex_at_birth',
  legacySex: 'demographic.gender',
  icd10: 'diagnoses.icd_10_code',
  age: 'diagnoses.age_at_diagnosis',
  year: 'diagnoses.year_of_diagnosis',
  primaryFlag: 'diagnoses.diagnosis_is_primary_disease',
} as const;

export const FILE = {
  dataType: 'data_type',
  dataFormat: 'data_format',
  /** The sample a slide was cut from: the study of its series. */
  sample: 'cases.samples.sample_id',
  /** The case of a file, from /files. */
  caseId: 'cases.case_id',
  caseSubmitterId: 'cases.submitter_id',
  project: 'cases.project.project_id',
} as const;

/** A case field seen from /files, or a file field seen from /cases. */
export const VIA_FILES = 'cases.';
export const VIA_CASES = 'files.';

/**
 * GDC's images: whole-slide pathology images. `data_type: "Slide Image"` is what the GDC data dictionary calls
 * them (experimental_strategy "Diagnostic Slide" or "Tissue Slide", data_format "SVS"); the other files of a case
 * (sequencing, supplements, some also `data_category: "Biospecimen"`) are not images.
 */
export const SLIDE_IMAGE = 'Slide Image';
export const SLIDES: TermCondition = { field: FILE.dataType, values: [SLIDE_IMAGE], missing: false };

function termFilter(field: string, condition: TermCondition): GdcFilter {
  const parts: GdcLeaf[] = [];
  if (condition.values.length > 0) parts.push({ op: 'in', content: { field, value: [...condition.values] } });
  if (condition.missing) parts.push({ op: 'is', content: { field, value: 'MISSING' } });
  // A condition with no value and no "missing" matches nothing; plan.ts never builds one.
  if (parts.length === 0) throw new Error(`empty condition on ${field}`);
  return parts.length === 1 ? parts[0] : { op: 'or', content: parts };
}

/** An immutable conjunction of conditions. */
export class Query {
  private constructor(private readonly parts: readonly GdcFilter[], readonly terms: ReadonlyMap<string, TermCondition>) {}

  static all(): Query {
    return new Query([], new Map());
  }

  /** Adds a term condition; `prefix` is VIA_FILES or VIA_CASES when the field lives on the related document. */
  term(condition: TermCondition, prefix = ''): Query {
    const field = prefix + condition.field;
    const terms = new Map(this.terms);
    terms.set(field, { ...condition, field });
    return new Query([...this.parts, termFilter(field, condition)], terms);
  }

  termsOf(conditions: readonly TermCondition[], prefix = ''): Query {
    return conditions.reduce<Query>((q, c) => q.term(c, prefix), this);
  }

  range(condition: RangeCondition, prefix = ''): Query {
    const field = prefix + condition.field;
    const parts: GdcLeaf[] = [];
    if (condition.min !== undefined) parts.push({ op: '>=', content: { field, value: condition.min } });
    if (condition.max !== undefined) parts.push({ op: '<=', content: { field, value: condition.max } });
    return new Query([...this.parts, ...parts], this.terms);
  }

  rangesOf(conditions: readonly RangeCondition[], prefix = ''): Query {
    return conditions.reduce<Query>((q, c) => q.range(c, prefix), this);
  }

  missing(field: string): Query {
    return new Query([...this.parts, { op: 'is', content: { field, value: 'MISSING' } }], this.terms);
  }

  /** Adds a filter as it is (a group the term and range methods do not build). */
  raw(filter: GdcFilter): Query {
    return new Query([...this.parts, filter], this.terms);
  }

  /** The filter to send: a top-level `and`, or none for "everything". */
  filter(): GdcGroup | undefined {
    return this.parts.length === 0 ? undefined : { op: 'and', content: [...this.parts] };
  }
}

function wildcardPattern(value: string): RegExp {
  // Case-insensitive: a field GDC indexes lower-cased matches a pattern whatever the case.
  return new RegExp(`^${value.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'si');
}

/** Case-insensitive comparison: GDC answers some facet keys lower-cased (fields.ts of the simulator, gdc-docs). */
export const fold = (value: string): string => value.toLowerCase();

/**
 * Whether sending `values` matches exactly them among `universe` (every raw value the field holds): a value with a
 * `*` is a pattern to GDC, harmless only when it matches no held value outside `values`.
 */
export function wildcardSafe(values: readonly string[], universe: readonly string[]): boolean {
  const wanted = new Set(values);
  return values.filter((v) => v.includes('*')).every((v) => {
    const pattern = wildcardPattern(v);
    return universe.every((raw) => wanted.has(raw) || !pattern.test(raw));
  });
}

/**
 * Cases whose diagnoses GDC's matching reads as the unified schema does. GDC holds a condition on `diagnoses.*`
 * when ANY diagnosis of the case meets it, while a unified case is its primary diagnosis. For a case with one
 * diagnosis flagged `diagnosis_is_primary_disease: true` and none flagged false, both agree; the others (a
 * recurrence or metastasis beside the primary diagnosis, or no flag at all) are read locally (counting.ts).
 * The two conditions are exact complements under the documented semantics of `in` (some diagnosis has the
 * value) and `excludeifany` (no diagnosis has it), so no case is in both or in neither.
 */
export function primaryOnly(prefix = ''): GdcGroup {
  const field = `${prefix}${CASE.primaryFlag}`;
  return { op: 'and', content: [
    { op: 'in', content: { field, value: ['true'] } },
    { op: 'excludeifany', content: { field, value: ['false'] } },
  ] };
}

/** The complement of primaryOnly: no diagnosis flagged primary, or one flagged not primary. */
export function notPrimaryOnly(prefix = ''): GdcGroup {
  const field = `${prefix}${CASE.primaryFlag}`;
  return { op: 'or', content: [
    { op: 'excludeifany', content: { field, value: ['true'] } },
    { op: 'in', content: { field, value: ['false'] } },
  ] };
}
