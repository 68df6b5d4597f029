/**
 * `entry.options` of an xnat repository. Everything the adapter puts into a native query that does not come from
 * its own constants comes from here, so it is checked strictly: a custom variable name or a column xpath is
 * embedded in the comma-separated `columns=` parameter, where a comma, a bracket or a slash would change which
 * columns (or which custom field) the server reads. Project ids go into URL paths and are percent-encoded by the
 * client; they are checked for shape only.
 */
import { defineOptions, option, type OptionsOf } from '../sdk/options';
import { CLINICAL_FIELDS, type ClinicalField } from './native-types';

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

export const XNAT_OPTIONS = defineOptions('xnat', {
  indexTtlSeconds: option.positiveNumber({ default: DEFAULT_INDEX_TTL_SECONDS, unit: 'seconds', description: 'Seconds a harvested index answers before it is refreshed.' }),
  projects: option.custom<string[] | null>({
    default: null, summary: 'list of project ids',
    description: 'Harvest only these projects (one subjects and one experiments listing each); absent: the whole XNAT.',
    read(value, problem) {
      if (!Array.isArray(value) || value.length === 0) {
        problem('', 'must be a non-empty list of XNAT project ids');
        return null;
      }
      value.forEach((p, i) => {
        if (typeof p !== 'string' || !PROJECT_ID.test(p)) problem(`[${i}]`, 'must be an XNAT project id (letters, digits, "_" and "-")');
      });
      return [...new Set(value as string[])];
    },
  }),
  customFields: option.custom<Record<ClinicalField, string>>({
    default: { ...DEFAULT_CUSTOM_FIELDS }, summary: 'object: clinical attribute → custom variable name',
    description: 'Custom variable name per clinical attribute, replacing the defaults for the attributes named.',
    read(value, problem) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        problem('', 'must be an object of custom variable names by clinical attribute');
        return { ...DEFAULT_CUSTOM_FIELDS };
      }
      for (const [field, name] of Object.entries(value)) {
        if (!(CLINICAL_FIELDS as readonly string[]).includes(field)) problem(`.${field}`, `unknown attribute (known: ${CLINICAL_FIELDS.join(', ')})`);
        else if (typeof name !== 'string' || !CUSTOM_FIELD_NAME.test(name)) problem(`.${field}`, 'must be a custom variable name (a letter, then letters, digits or "_")');
      }
      return { ...DEFAULT_CUSTOM_FIELDS, ...(value as Partial<Record<ClinicalField, string>>) };
    },
  }),
  bodyPartColumn: option.string({
    default: DEFAULT_BODY_PART_COLUMN, pattern: COLUMN_XPATH, mustBe: 'an element path such as "xnat:imageScanData/bodyPartExamined"',
    description: 'Scan column (xpath) holding BodyPartExamined.',
  }),
});

export type XnatOptions = OptionsOf<typeof XNAT_OPTIONS.specs>;

/** Problems with `entry.options`, as "field: what is wrong". */
export const validateXnatOptions = XNAT_OPTIONS.validateOptions;
/** The options with defaults; throws on invalid options (the config loader reports them first). */
export const readXnatOptions = XNAT_OPTIONS.readOptions;
