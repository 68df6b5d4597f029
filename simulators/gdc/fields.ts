/**
 * The field mapping of each endpoint (what GDC's `_mapping` endpoint lists): every dotted path a filter, `fields`,
 * `facets` or `sort` may name, which of them are numeric (facets on them answer statistics, not buckets), and the
 * field groups `expand` accepts. Paths are read off documents built from a fully populated template case, so
 * they do not depend on the data being served (an empty repository knows its fields too).
 */
import { generateRepositoryData } from '../synthetic/generate';
import { buildStore, type Doc } from './documents';

export type Endpoint = 'cases' | 'files' | 'projects';

export interface FieldMapping {
  /** Leaf paths, e.g. "diagnoses.age_at_diagnosis". */
  fields: ReadonlySet<string>;
  numeric: ReadonlySet<string>;
  /** Object paths, e.g. "diagnoses", "files.imaging". */
  groups: ReadonlySet<string>;
}

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
  return { fields: leaves, numeric, groups };
}

let cached: Record<Endpoint, FieldMapping> | undefined;

/** The mapping of the three endpoints. */
export function fieldMappings(): Record<Endpoint, FieldMapping> {
  if (cached) return cached;
  const template = generateRepositoryData({
    repositoryId: 'template', seed: 1, cases: 40, subjectPrefix: 'T',
    collections: [{ id: 'T-LUNG', name: 'Template', cancerSite: 'LUNG' }],
  });
  // Fill the values the generator leaves empty now and then, so every path is seen with its type.
  for (const c of template.cases) {
    c.sex = 'F';
    c.diagnosis.stage ??= { group: 'IIA', t: 'T2', n: 'N0', m: 'M0', system: 'AJCC 8th' };
    for (const study of c.studies) {
      for (const series of study.series) {
        series.bodyPartExamined ??= 'CHEST';
        series.manufacturer ??= 'SIEMENS';
        series.manufacturerModelName ??= 'SOMATOM';
      }
    }
  }
  const store = buildStore(template);
  cached = { cases: mappingOf(store.cases), files: mappingOf(store.files), projects: mappingOf(store.projects) };
  return cached;
}

/** The field as the endpoint's documents name it: `cases.x` on /cases is `x` (GDC accepts both spellings). */
export function ownField(endpoint: Endpoint, field: string): string {
  const self = `${endpoint}.`;
  return field.startsWith(self) ? field.slice(self.length) : field;
}
