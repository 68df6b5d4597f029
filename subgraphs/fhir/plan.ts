/**
 * From a unified filter to a native pre-selection the server is known to support: which searches narrow the
 * candidate patients, and which criteria they decide exactly. The rest is evaluated locally on the candidates.
 *
 * What the server supports comes from its CapabilityStatement (capabilities.ts), less what it was seen ignoring.
 * Every parameter name and modifier is fixed here, never taken from input; every value is escaped.
 * - SEX → Patient `gender=male,female,other` (exact). UNKNOWN stands for `unknown` or no gender at all, which one
 *   parameter cannot OR together, so a filter with UNKNOWN is not pushed down.
 * - COLLECTIONS → patients with a ResearchSubject whose `study` is one of the ResearchStudies (exact: a patient is
 *   enrolled in one collection).
 * - MODALITIES → patients with an ImagingStudy whose `modality` (series.modality, DCM) is one of the DCM terms that
 *   normalise to the modalities (exact: a case matches a modality criterion when one of its series has it).
 * - YEAR_OF_DIAGNOSIS → patients with a Condition whose `onset-date` is `ge<min-1>-12-31` and `le<max+1>-01-01`:
 *   widened by a day so that no server's time-zone reading of a dateTime can lose a match; the Condition may be any
 *   of the patient's, so this only narrows, never decides.
 * Each of the last three is one reverse chain `_has:Type:reference:param` on the Patient search when the server
 * declares `_has`, and otherwise a search of its own (`ImagingStudy?modality=…&_elements=subject`) whose references
 * give a set of patient ids, intersected with the others (two-step).
 * Evaluated on the candidates only: BODY_PARTS (series.bodySite may hold display text only, `{"display": "Chest"}`,
 * which a SNOMED `bodysite` search cannot find), CANCER_SITES (ICD-10 and SNOMED CT are hierarchies that token
 * search cannot express without a terminology server's `:below`), AGE_AT_DIAGNOSIS (relates Patient.birthDate to
 * Condition.onset) and MANUFACTURERS (contained Device, not searchable).
 */
import { createHash } from 'node:crypto';
import type { FilterCriterion } from '../../schema/generated/graphql';
import { criteriaOf, withoutCriteria, type NormalizedFilter } from '../sdk/filter';
import { dcmCodesFor, SYSTEM } from './codes';
import type { ServerCapabilities } from './native-types';

export type SearchParams = Array<[name: string, value: string]>;

/** FHIR search escaping (R4 §3.1.1.x): `\` `,` `|` `$` get a backslash, so a value can never OR, pick a system or compose. */
export function escapeSearchValue(value: string): string {
  return value.replace(/[\\,|$]/g, (c) => `\\${c}`);
}

export interface PlanOptions {
  /** Pre-select modalities natively (needs DCM-coded series modalities). */
  nativeImageCriteria: boolean;
}

/**
 * What the adapter may ask of one server: its declared capabilities less the parameters it was seen ignoring (left
 * out of a self link). Shared by every plan of one adapter instance.
 */
export class ServerProfile {
  private readonly ignored = new Set<string>();

  constructor(private readonly capabilities: ServerCapabilities) {}

  /** Whether searches of `type` may use the parameter (name without modifiers; `_has`, `_summary` included). */
  supports(type: string, param: string): boolean {
    return !this.ignored.has(`${type}?${param}`) && (this.capabilities.searchParams.get(type)?.has(param) ?? this.capabilities.commonParams.has(param));
  }

  /** Whether a `type` search may `_revinclude` the value ("ImagingStudy:subject"). */
  revIncludes(type: string, value: string): boolean {
    return !this.ignored.has(`${type}?_revinclude=${value}`) && (this.capabilities.revIncludes.get(type)?.has(value) ?? false);
  }

  /** Whether searches may `_include` the value ("ImagingStudy:endpoint"), declared on its source type. */
  includes(value: string): boolean {
    const source = value.split(':')[0];
    return !this.ignored.has(`*?_include=${value}`) && (this.capabilities.includes.get(source)?.has(value) ?? false);
  }

  /** Remembers that a server ignored a parameter (`Type?name`, `Type?_revinclude=value`, `*?_include=value`). */
  ignore(key: string): void {
    this.ignored.add(key);
  }

  /** The parameters learned to be ignored, for messages. */
  ignoredKeys(): string[] {
    return [...this.ignored];
  }
}

/** A search whose matches reference the patients it admits (the two-step plan). */
export interface IdSetSearch {
  type: 'ImagingStudy' | 'ResearchSubject' | 'Condition';
  params: SearchParams;
  /** The element of each match that references the patient. */
  reference: 'subject' | 'individual';
  criterion: FilterCriterion;
}

export interface CandidatePlan {
  /** Parameters of the Patient search (gender, `_has:…`). */
  patientParams: SearchParams;
  /** Searches whose referenced patients are intersected (when `_has` is not available). */
  idSets: IdSetSearch[];
  /** Criteria the native selection does not decide exactly: evaluated on the candidates. */
  local: FilterCriterion[];
  /** True when the candidates are exactly the cases the filter selects (`local` is empty). */
  exact: boolean;
}

const GENDER = { FEMALE: 'female', MALE: 'male', OTHER: 'other' } as const;

/** A reverse-chained criterion: the resource type, its reference to the patient, and the search parameters. */
interface Chain {
  type: IdSetSearch['type'];
  reference: IdSetSearch['reference'];
  params: SearchParams;
  criterion: FilterCriterion;
}

function chainsOf(filter: NormalizedFilter, profile: ServerProfile, options: PlanOptions): Chain[] {
  const chains: Chain[] = [];
  if (filter.collections && profile.supports('ResearchSubject', 'study')) {
    chains.push({
      type: 'ResearchSubject', reference: 'individual', criterion: 'COLLECTIONS',
      params: [['study', filter.collections.map((id) => escapeSearchValue(`ResearchStudy/${id}`)).join(',')]],
    });
  }
  if (options.nativeImageCriteria && filter.modalities && profile.supports('ImagingStudy', 'modality')) {
    const codes = [...new Set(filter.modalities.flatMap(dcmCodesFor))];
    chains.push({
      type: 'ImagingStudy', reference: 'subject', criterion: 'MODALITIES',
      params: [['modality', codes.map((code) => `${SYSTEM.DCM}|${escapeSearchValue(code)}`).join(',')]],
    });
  }
  const years = filter.yearOfDiagnosis;
  if (years && profile.supports('Condition', 'onset-date')) {
    const params: SearchParams = [];
    if (years.min !== undefined) params.push(['onset-date', `ge${String(years.min - 1).padStart(4, '0')}-12-31`]);
    if (years.max !== undefined) params.push(['onset-date', `le${String(years.max + 1).padStart(4, '0')}-01-01`]);
    chains.push({ type: 'Condition', reference: 'subject', criterion: 'YEAR_OF_DIAGNOSIS', params });
  }
  return chains;
}

/** Criteria no native search decides exactly, whatever the server (see the module comment). */
const ALWAYS_LOCAL: readonly FilterCriterion[] = ['BODY_PARTS', 'CANCER_SITES', 'AGE_AT_DIAGNOSIS', 'MANUFACTURERS', 'YEAR_OF_DIAGNOSIS'];

export function planCandidates(filter: NormalizedFilter, profile: ServerProfile, options: PlanOptions): CandidatePlan {
  const patientParams: SearchParams = [];
  const decided = new Set<FilterCriterion>();
  if (filter.sex && !filter.sex.includes('UNKNOWN') && profile.supports('Patient', 'gender')) {
    patientParams.push(['gender', filter.sex.map((s) => GENDER[s as keyof typeof GENDER]).join(',')]);
    decided.add('SEX');
  }
  const idSets: IdSetSearch[] = [];
  const useHas = profile.supports('Patient', '_has');
  for (const chain of chainsOf(filter, profile, options)) {
    if (useHas) {
      for (const [name, value] of chain.params) patientParams.push([`_has:${chain.type}:${chain.reference}:${name}`, value]);
    } else {
      idSets.push({ type: chain.type, params: chain.params, reference: chain.reference, criterion: chain.criterion });
    }
    decided.add(chain.criterion);
  }
  const local = criteriaOf(filter).filter((c) => !decided.has(c) || ALWAYS_LOCAL.includes(c));
  return { patientParams, idSets, local, exact: local.length === 0 };
}

/** The filter without the criteria the native selection cannot decide: what it answers exactly. */
export function nativelyExactPart(filter: NormalizedFilter, plan: CandidatePlan): NormalizedFilter {
  return withoutCriteria(filter, plan.local);
}

/** A short stable digest of a filter, so a cursor is refused for another filter. */
export function filterFingerprint(filter: NormalizedFilter): string {
  return createHash('sha256').update(JSON.stringify(filter)).digest('base64url').slice(0, 12);
}
