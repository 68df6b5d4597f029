/**
 * `entry.options` of an xnat repository. Everything the adapter puts into a native query that does not come from
 * its own constants comes from here, so it is checked strictly: a custom variable name or a column xpath is
 * embedded in the comma-separated `columns=` parameter, where a comma, a bracket or a slash would change which
 * columns (or which custom field) the server reads. Project ids go into URL paths and are percent-encoded by the
 * client; they are checked for shape only.
 */
import { CLINICAL_FIELDS, type ClinicalField } from './native-types';

export interface XnatOptions {
  /** Seconds a harvested index answers before it is refreshed. */
  indexTtlSeconds: number;
  /** Harvest only these projects (one subjects and one experiments listing each); null: the whole XNAT. */
  projects: string[] | null;
  /** Custom variable name per clinical attribute. */
  customFields: Record<ClinicalField, string>;
  /** Scan column (xpath) holding BodyPartExamined. */
  bodyPartColumn: string;
}

export const DEFAULT_INDEX_TTL_SECONDS = 300;

/**
 * Default custom variable names. XNAT stores custom variable names in lower case (README §2g: clinical data lives
 * in custom fields); these are this federation's convention, not an XNAT standard: sites with other names set
 * `customFields`.
 */
export const DEFAULT_CUSTOM_FIELDS: Readonly<Record<ClinicalField, string>> = {
  ageAtDiagnosis: 'age_at_diagnosis',
  yearOfDiagnosis: 'year_of_diagnosis',
  icd10: 'icd10',
  icdO3Topography: 'icdo3_topography',
  icdO3Morphology: 'icdo3_morphology',
  diagnosis: 'diagnosis',
  stageGroup: 'stage_group',
  stageT: 'stage_t',
  stageN: 'stage_n',
  stageM: 'stage_m',
  stageSystem: 'stage_system',
};

/**
 * XNAT's scan schema (xnat:imageScanData: ID, type, UID, note, quality, condition, series_description, scanner,
 * modality, frames, … per XNAT's XMLPathShortcuts) has no body part. This column is an invented, documented
 * convention for sites that add BodyPartExamined to their scans (a schema extension or a DICOM-mapping plugin);
 * configurable with `bodyPartColumn`.
 */
export const DEFAULT_BODY_PART_COLUMN = 'xnat:imageScanData/bodyPartExamined';

const CUSTOM_FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
// An element path: `ns:type/field(/field)*`, letters, digits and underscores only (no comma, bracket or space).
const COLUMN_XPATH = /^[A-Za-z][A-Za-z0-9_]*:[A-Za-z][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)+$/;
// XNAT project ids: letters, digits, underscores and dashes.
const PROJECT_ID = /^[A-Za-z0-9_-]{1,64}$/;

const KNOWN = ['indexTtlSeconds', 'projects', 'customFields', 'bodyPartColumn'];

/** Problems with `entry.options`, as "field: what is wrong". */
export function validateXnatOptions(options: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    switch (key) {
      case 'indexTtlSeconds':
        if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) problems.push('indexTtlSeconds: must be a positive number of seconds');
        break;
      case 'projects':
        if (!Array.isArray(value) || value.length === 0) problems.push('projects: must be a non-empty list of XNAT project ids');
        else value.forEach((p, i) => {
          if (typeof p !== 'string' || !PROJECT_ID.test(p)) problems.push(`projects[${i}]: must be an XNAT project id (letters, digits, "_" and "-")`);
        });
        break;
      case 'customFields':
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          problems.push('customFields: must be an object of custom variable names by clinical attribute');
          break;
        }
        for (const [field, name] of Object.entries(value)) {
          if (!(CLINICAL_FIELDS as readonly string[]).includes(field)) problems.push(`customFields.${field}: unknown attribute (known: ${CLINICAL_FIELDS.join(', ')})`);
          else if (typeof name !== 'string' || !CUSTOM_FIELD_NAME.test(name)) problems.push(`customFields.${field}: must be a custom variable name (a letter, then letters, digits or "_")`);
        }
        break;
      case 'bodyPartColumn':
        if (typeof value !== 'string' || !COLUMN_XPATH.test(value)) problems.push('bodyPartColumn: must be an element path such as "xnat:imageScanData/bodyPartExamined"');
        break;
      default:
        problems.push(`${key}: unknown option (the xnat adapter knows ${KNOWN.join(', ')})`);
    }
  }
  return problems;
}

/** The options with defaults; throws on invalid options (the config loader reports them first). */
export function readXnatOptions(options: Record<string, unknown>): XnatOptions {
  const problems = validateXnatOptions(options);
  if (problems.length > 0) throw new Error(`invalid xnat options: ${problems.join('; ')}`);
  return {
    indexTtlSeconds: typeof options.indexTtlSeconds === 'number' ? options.indexTtlSeconds : DEFAULT_INDEX_TTL_SECONDS,
    projects: Array.isArray(options.projects) ? [...new Set(options.projects as string[])] : null,
    customFields: { ...DEFAULT_CUSTOM_FIELDS, ...(options.customFields as Partial<Record<ClinicalField, string>> | undefined) },
    bodyPartColumn: typeof options.bodyPartColumn === 'string' ? options.bodyPartColumn : DEFAULT_BODY_PART_COLUMN,
  };
}
