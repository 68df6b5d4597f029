/**
 * The field mapping of each endpoint (what GDC's `_mapping` endpoint lists): every dotted path a filter, `fields`,
 * `facets` or `sort` may name, which of them are numeric (facets on them answer statistics, not buckets), which
 * are normalised to lower case, and the field groups `expand` accepts. Paths are read off documents built from a
 * fully populated template repository, so they do not depend on the data being served (an empty repository knows
 * its fields too); a legacy dictionary knows fewer fields.
 *
 * Lower-cased fields: GDC indexes some text fields through a lower-case normaliser, so their facet keys come back
 * lower-cased and filters on them match whatever the case (gdc-docs Search_and_Retrieval, Facets: filtering
 * `cases.project.primary_site` on "Kidney" answers the bucket "kidney"; real answers list AJCC stages as
 * "stage iia"). Which fields GDC normalises is not documented; the simulator normalises the documented ones and,
 * by its own choice, a few more that clients filter on (ICD-10 codes, file types), so that a client matching
 * facet keys case-sensitively fails here as it would there.
 */
import { generateRepositoryData } from '../synthetic/generate';
import { buildStore, type Doc, type StoreOptions } from './documents';

export type Endpoint = 'cases' | 'files' | 'projects';

export interface FieldMapping {
  /** Leaf paths, e.g. "diagnoses.age_at_diagnosis". */
  fields: ReadonlySet<string>;
  numeric: ReadonlySet<string>;
  /** Leaf paths whose values are indexed lower-cased. */
  lowerCased: ReadonlySet<string>;
  /** Object paths, e.g. "diagnoses", "cases.samples". */
  groups: ReadonlySet<string>;
}

const LOWER_CASED_LEAVES: ReadonlySet<string> = new Set([
  'primary_site', 'disease_type', 'ajcc_pathologic_stage', 'icd_10_code', 'tissue_or_organ_of_origin',
  'data_type', 'data_format', 'experimental_strategy', 'sample_type',
]);

function walk(doc: Doc, prefix: string, leaves: Set<string>, nulls: Set<string>, numeric: Set<string>, groups: Set<string>): void {
  for (const [key, value] of Object.entries(doc)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const elements = Array.isArray(value) ? value : [value];
    for (const element of elements) {
      if (element === null || element === undefined) {
        nulls.add(path);
      } else if (typeof element === 'object') {
        groups.add(path);
        walk(element as Doc, path, leaves, nulls, numeric, groups);
      } else {
        leaves.add(path);
        if (typeof element === 'number') numeric.add(path);
      }
    }
  }
}

function mappingOf(docs: readonly Doc[]): FieldMapping {
  const leaves = new Set<string>();
  const nulls = new Set<string>();
  const numeric = new Set<string>();
  const groups = new Set<string>();
  for (const doc of docs) walk(doc, '', leaves, nulls, numeric, groups);
  for (const path of nulls) if (!groups.has(path)) leaves.add(path);
  const lowerCased = new Set([...leaves].filter((path) => LOWER_CASED_LEAVES.has(path.split('.').at(-1)!)));
  return { fields: leaves, numeric, lowerCased, groups };
}

const cached = new Map<boolean, Record<Endpoint, FieldMapping>>();

/** The mapping of the three endpoints. */
export function fieldMappings(options: StoreOptions = {}): Record<Endpoint, FieldMapping> {
  const legacy = options.legacy ?? false;
  const known = cached.get(legacy);
  if (known) return known;
  const template = generateRepositoryData({
    repositoryId: 'template', seed: 1, cases: 40, subjectPrefix: 'T',
    collections: [{ id: 'T-LUNG', name: 'Template', cancerSite: 'LUNG' }],
  });
  // Fill the values the generator leaves empty now and then, so every path is seen with its type.
  for (const c of template.cases) {
    c.sex = 'F';
    c.diagnosis.stage ??= { group: 'IIA', t: 'T2', n: 'N0', m: 'M0', system: 'AJCC 8th' };
  }
  const store = buildStore(template, { legacy });
  const mappings = { cases: mappingOf(store.cases), files: mappingOf(store.files), projects: mappingOf(store.projects) };
  cached.set(legacy, mappings);
  return mappings;
}

/** The field as the endpoint's documents name it: `cases.x` on /cases is `x` (GDC accepts both spellings). */
export function ownField(endpoint: Endpoint, field: string): string {
  const self = `${endpoint}.`;
  return field.startsWith(self) ? field.slice(self.length) : field;
}
