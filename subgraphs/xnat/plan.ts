/**
 * Which criteria the XNAT adapter can evaluate for a filter, judged on what XNAT returned. Every criterion is
 * evaluated locally over the harvested index, but only if the listings carried the columns it reads: an XNAT leaves
 * out a column it cannot resolve (a custom variable the site does not define, a scan field its schema lacks), and
 * reading that as "unknown for every subject" would answer an exact 0. Such a criterion is reported not applied, with
 * the columns at fault, and the facet it would fill is left empty.
 *
 * Columns per criterion (columns.ts): sex the `gender` shortcut; age and year of diagnosis their custom variables;
 * cancer site the ICD-O-3 topography and ICD-10 custom variables (the site comes from the first, else the second);
 * modality, body part and manufacturer the scan's ID (no scan ID, no scans) and its modality, body-part and
 * manufacturer columns. Collections (the project) and the subject columns are required: a listing without them is
 * refused as malformed (parse.ts).
 */
import type { FilterCriterion } from '../../schema/generated/graphql';
import type { FacetName } from '../sdk/facets';
import { criteriaOf, withoutCriteria, type NormalizedFilter } from '../sdk/filter';
import type { FilterReport, NotApplied } from '../sdk/report';
import { SUBJECT_COLUMNS, type ScanColumnNames } from './columns';
import type { ClinicalField } from './native-types';

export interface ColumnNames {
  /** Column of each clinical custom variable (columns.ts subjectColumns). */
  fields: Record<ClinicalField, string>;
  scan: ScanColumnNames;
}

interface Need {
  criterion: FilterCriterion;
  facet: FacetName | null;
  columns: string[];
}

function needs(names: ColumnNames): Need[] {
  const { fields, scan } = names;
  return [
    { criterion: 'SEX', facet: 'sex', columns: [SUBJECT_COLUMNS.gender] },
    { criterion: 'AGE_AT_DIAGNOSIS', facet: 'ageBand', columns: [fields.ageAtDiagnosis] },
    { criterion: 'YEAR_OF_DIAGNOSIS', facet: null, columns: [fields.yearOfDiagnosis] },
    { criterion: 'CANCER_SITES', facet: 'cancerSite', columns: [fields.icdO3Topography, fields.icd10] },
    { criterion: 'MODALITIES', facet: 'modality', columns: [scan.id, scan.modality] },
    { criterion: 'BODY_PARTS', facet: 'bodyPart', columns: [scan.id, scan.bodyPartExamined] },
    { criterion: 'MANUFACTURERS', facet: 'manufacturer', columns: [scan.id, scan.manufacturer] },
  ];
}

export interface CohortPlan {
  evaluable: NormalizedFilter;
  report: FilterReport;
  /** Facets whose column XNAT left out. */
  blankFacets: FacetName[];
}

/** Splits `filter` by the columns the harvest's listings left out (`missing`, lower-cased). */
export function planCohort(filter: NormalizedFilter, missing: ReadonlySet<string>, names: ColumnNames): CohortPlan {
  const requested = criteriaOf(filter);
  const notApplied: NotApplied[] = [];
  const blankFacets: FacetName[] = [];
  for (const need of needs(names)) {
    const absent = need.columns.filter((c) => missing.has(c.toLowerCase()));
    if (absent.length === 0) continue;
    if (need.facet) blankFacets.push(need.facet);
    if (requested.includes(need.criterion)) {
      notApplied.push({ criterion: need.criterion, reason: `XNAT left the column${absent.length > 1 ? 's' : ''} ${absent.join(', ')} out of its answer (the site does not define ${absent.length > 1 ? 'them' : 'it'})` });
    }
  }
  const criteria = notApplied.map((n) => n.criterion);
  return {
    evaluable: withoutCriteria(filter, criteria),
    report: {
      applied: requested.filter((c) => !criteria.includes(c)),
      notApplied: notApplied.sort((a, b) => requested.indexOf(a.criterion) - requested.indexOf(b.criterion)),
      // Without scan IDs no scan is known: series and image counts would be 0 whatever the filter.
      ...(missing.has(names.scan.id.toLowerCase()) ? { exact: false } : {}),
    },
    blankFacets,
  };
}
