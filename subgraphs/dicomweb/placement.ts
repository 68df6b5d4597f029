/**
 * Which collection a study, then a case, belongs to, by the owner's rule (options.ts `collectionFrom`). Pure.
 */
import type { CollectionRule, PlacementAttribute } from './options';
import { Tag, text, type DicomDataset } from './parse';

/** The study attribute a rule reads (asked for with includefield), or null for "the whole repository". */
export function placementAttribute(rule: CollectionRule): PlacementAttribute | null {
  return rule.by === 'repository' ? null : rule.by;
}

/** The collection of one study, or null when the rule places it nowhere. */
export function studyCollection(study: DicomDataset, rule: CollectionRule): string | null {
  if (rule.by === 'repository') return rule.collection;
  const value = text(study, Tag[rule.by])?.trim() ?? '';
  if (value === '') return null;
  switch (rule.by) {
    case 'StudyDescription':
    case 'PatientID':
      return rule.patterns.find((p) => p.pattern.test(value))?.collection ?? null;
    default:
      return rule.values ? rule.values.get(value) ?? null : value;
  }
}

/**
 * The collection of a case from its studies: the one its placed studies name. Studies the rule places nowhere
 * (a follow-up with a generic description) do not contradict the others; studies naming different collections do,
 * and leave the case unplaced, since the unified model gives a case one collection.
 */
export function caseCollection(studies: readonly DicomDataset[], rule: CollectionRule): string | null {
  const named = new Set(studies.map((study) => studyCollection(study, rule)).filter((c): c is string => c !== null));
  return named.size === 1 ? [...named][0] : null;
}

/** How the rule reads, for messages: "ClinicalTrialProtocolID (0012,0020)", "a StudyDescription pattern". */
export function describeRule(rule: CollectionRule): string {
  switch (rule.by) {
    case 'repository': return `the whole repository is collection ${rule.collection}`;
    case 'StudyDescription':
    case 'PatientID': return `a ${rule.by} pattern of options.collectionFrom`;
    case 'IssuerOfPatientID': return `IssuerOfPatientID (0010,0021)${rule.values ? ' mapped by options.collectionFrom.values' : ''}`;
    default: return `ClinicalTrialProtocolID (0012,0020)${rule.values ? ' mapped by options.collectionFrom.values' : ''}`;
  }
}
