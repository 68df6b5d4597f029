/**
 * Options of a dicomweb entry in the federation config (`options`). DICOM carries no "collection", so the owner says
 * how a study belongs to one of the entry's collections (`collectionFrom`):
 *
 * - `{"by": "ClinicalTrialProtocolID"}` (the default): the study's Clinical Trial Protocol ID (0012,0020), the
 *   Clinical Trial Subject module (PS3.3 C.7.1.3) that TCIA fills with the collection name, is the collection id;
 * - `{"by": "IssuerOfPatientID"}`: the Issuer of Patient ID (0010,0021), for a PACS holding several registries;
 *   with either attribute, `"values": {"<attribute value>": "<collection id>"}` maps values instead, and a value
 *   the map lacks places nothing;
 * - `{"by": "StudyDescription" | "PatientID", "patterns": [{"match": "<regular expression>", "collection": "<id>"}],
 *   "ignoreCase": true}`: the first pattern that matches the attribute places the study. Patterns run on values
 *   anybody who stores a DICOM file controls, so they are compiled by the SDK's linear-time matcher
 *   (sdk/safe-pattern.ts), which refuses backreferences and lookaround;
 * - `{"by": "repository", "collection": "<id>"}`: every study of the repository belongs to that collection.
 *
 * A case is placed when its placed studies agree on one collection. A case that cannot be placed makes the
 * collection and cancer-site criteria "not applied" for the cohorts it could belong to (plan.ts).
 */
import type { EntryForValidation } from '../sdk/adapter';
import { defineOptions, option, type OptionsOf, type ProblemAt } from '../sdk/options';
import { checkSafePattern, SafePattern } from '../sdk/safe-pattern';
import { isJsonObject } from '../sdk/parse';

export type PlacementAttribute = 'ClinicalTrialProtocolID' | 'IssuerOfPatientID' | 'StudyDescription' | 'PatientID';

export type CollectionRule =
  | { by: 'ClinicalTrialProtocolID' | 'IssuerOfPatientID'; values: ReadonlyMap<string, string> | null }
  | { by: 'StudyDescription' | 'PatientID'; patterns: ReadonlyArray<{ pattern: SafePattern; collection: string }> }
  | { by: 'repository'; collection: string };

export const DEFAULT_COLLECTION_RULE: CollectionRule = { by: 'ClinicalTrialProtocolID', values: null };

const BY = ['ClinicalTrialProtocolID', 'IssuerOfPatientID', 'StudyDescription', 'PatientID', 'repository'];
/** Patterns per rule: each costs one linear pass over a value. */
const MAX_PATTERNS = 50;


export const DICOMWEB_OPTIONS = defineOptions('dicomweb', {
  mode: option.oneOf({ values: ['index', 'live'], default: 'index', description: '"index": count from a harvested index; "live": query the PACS on every request.' }),
  indexTtlSeconds: option.integer({ min: 1, default: 300, description: 'Seconds a harvested index answers before it is refreshed.' }),
  pageSize: option.integer({ min: 1, default: 500, description: 'QIDO page size (limit).' }),
  collectionFrom: option.custom<CollectionRule>({
    default: DEFAULT_COLLECTION_RULE, summary: 'rule object (see above)',
    description: 'How a study belongs to a collection.',
    read: (value, problem) => readRule(value, problem) ?? DEFAULT_COLLECTION_RULE,
  }),
});

export type DicomWebOptions = OptionsOf<typeof DICOMWEB_OPTIONS.specs>;

export const DEFAULT_OPTIONS: DicomWebOptions = DICOMWEB_OPTIONS.readOptions({});

/** Problems with `options`, as "field: what is wrong" (the config loader prefixes the entry). */
export const validateDicomWebOptions = DICOMWEB_OPTIONS.validateOptions;

/** The options with defaults; throws on invalid options. */
export const dicomWebOptions = DICOMWEB_OPTIONS.readOptions;

/**
 * The collections `collectionFrom` names must be collections of the entry: a typo would otherwise leave every
 * study unplaced, and the cancer-site criterion not applied, without anybody knowing why.
 */
export function validateDicomWebEntry(entry: EntryForValidation): string[] {
  const rule = readRule(entry.options.collectionFrom ?? { by: 'ClinicalTrialProtocolID' }, () => undefined);
  if (!rule) return [];
  const known = new Set(entry.collections.map((c) => c.id));
  const listed = entry.collections.length === 0 ? 'it lists none' : `it lists ${[...known].join(', ')}`;
  const problem = (field: string, id: string) => `options.collectionFrom.${field}: "${id}" is not one of this entry's collections (${listed})`;
  switch (rule.by) {
    case 'repository':
      return known.has(rule.collection) ? [] : [problem('collection', rule.collection)];
    case 'StudyDescription':
    case 'PatientID':
      return rule.patterns.flatMap((p, i) => (known.has(p.collection) ? [] : [problem(`patterns[${i}].collection`, p.collection)]));
    default:
      return [...(rule.values ?? new Map<string, string>())].flatMap(([value, id]) => (known.has(id) ? [] : [problem(`values["${value}"]`, id)]));
  }
}

/** Parses `collectionFrom`; problems are reported below it (".<field>: …") and null is returned. */
function readRule(raw: unknown, problem: ProblemAt): CollectionRule | null {
  let problems = 0;
  const at = (field: string, message: string) => {
    problems++;
    problem(field ? `.${field}` : '', message);
  };
  if (!isJsonObject(raw)) {
    at('', 'must be an object such as {"by": "ClinicalTrialProtocolID"}');
    return null;
  }
  const by = raw.by;
  if (typeof by !== 'string' || !BY.includes(by)) {
    at('by', `must be one of ${BY.map((b) => `"${b}"`).join(', ')}`);
    return null;
  }
  const allowed: Record<string, string[]> = {
    ClinicalTrialProtocolID: ['by', 'values'], IssuerOfPatientID: ['by', 'values'],
    StudyDescription: ['by', 'patterns', 'ignoreCase'], PatientID: ['by', 'patterns', 'ignoreCase'], repository: ['by', 'collection'],
  };
  for (const key of Object.keys(raw)) if (!allowed[by].includes(key)) at(key, `not a field of a rule by ${by} (it takes ${allowed[by].join(', ')})`);

  if (by === 'repository') {
    const collection = raw.collection;
    if (typeof collection !== 'string' || collection.trim() === '') at('collection', 'must name the collection every study of the repository belongs to');
    return problems > 0 ? null : { by, collection: collection as string };
  }

  if (by === 'ClinicalTrialProtocolID' || by === 'IssuerOfPatientID') {
    if (raw.values === undefined) return problems > 0 ? null : { by, values: null };
    if (!isJsonObject(raw.values) || Object.keys(raw.values).length === 0) {
      at('values', `must be an object mapping ${by} values to collection ids`);
      return null;
    }
    const values = new Map<string, string>();
    for (const [value, id] of Object.entries(raw.values)) {
      if (typeof id !== 'string' || id.trim() === '') at(`values["${value}"]`, 'must be a collection id');
      else values.set(value, id);
    }
    return problems > 0 ? null : { by, values };
  }

  if (raw.ignoreCase !== undefined && typeof raw.ignoreCase !== 'boolean') at('ignoreCase', 'must be true or false');
  const ignoreCase = raw.ignoreCase === true;
  if (!Array.isArray(raw.patterns) || raw.patterns.length === 0 || raw.patterns.length > MAX_PATTERNS) {
    at('patterns', `must be a list of 1 to ${MAX_PATTERNS} {"match": "<regular expression>", "collection": "<id>"}`);
    return null;
  }
  const patterns: Array<{ pattern: SafePattern; collection: string }> = [];
  raw.patterns.forEach((item: unknown, i: number) => {
    if (!isJsonObject(item)) {
      at(`patterns[${i}]`, 'must be {"match": "<regular expression>", "collection": "<id>"}');
      return;
    }
    for (const key of Object.keys(item)) if (key !== 'match' && key !== 'collection') at(`patterns[${i}].${key}`, 'unknown field (a pattern has match and collection)');
    const checked = checkSafePattern(item.match, { ignoreCase });
    if ('problem' in checked) at(`patterns[${i}].match`, checked.problem);
    if (typeof item.collection !== 'string' || item.collection.trim() === '') at(`patterns[${i}].collection`, 'must be a collection id');
    if ('pattern' in checked && typeof item.collection === 'string') patterns.push({ pattern: checked.pattern, collection: item.collection });
  });
  return problems > 0 ? null : { by: by as 'StudyDescription' | 'PatientID', patterns };
}
