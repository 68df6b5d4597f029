/**
 * FHIR R4 resources as the adapter reads them: only the elements it uses, typed, every optional element null or
 * empty when absent (parse.ts fails on elements of the wrong type).
 */

export interface Coding {
  system: string | null;
  code: string | null;
  display: string | null;
}

export interface CodeableConcept {
  coding: Coding[];
  text: string | null;
}

export interface Quantity {
  value: number | null;
  unit: string | null;
  system: string | null;
  code: string | null;
}

export interface PatientResource {
  id: string;
  gender: string | null;
  /** FHIR date: YYYY, YYYY-MM or YYYY-MM-DD. */
  birthDate: string | null;
}

export interface ResearchSubjectResource {
  id: string;
  /** Reference to the ResearchStudy (the collection). */
  study: string | null;
  /** Reference to the Patient. */
  individual: string | null;
}

export interface ResearchStudyResource {
  id: string;
  title: string | null;
  description: string | null;
  condition: CodeableConcept[];
  keyword: CodeableConcept[];
  relatedArtifact: Array<{ type: string | null; url: string | null }>;
}

export interface ConditionResource {
  id: string;
  subject: string | null;
  profiles: string[];
  code: CodeableConcept | null;
  bodySite: CodeableConcept[];
  /** valueCodeableConcept of the mCODE histology-morphology-behavior extension(s). */
  histology: CodeableConcept[];
  onsetDateTime: string | null;
  onsetPeriodStart: string | null;
  onsetAge: Quantity | null;
  verificationStatus: CodeableConcept | null;
}

export interface ObservationResource {
  id: string;
  status: string | null;
  subject: string | null;
  code: CodeableConcept | null;
  focus: string[];
  effectiveDateTime: string | null;
  value: CodeableConcept | null;
  method: CodeableConcept | null;
  hasMember: string[];
  components: Array<{ code: CodeableConcept | null; value: CodeableConcept | null }>;
}

/** A Device contained in an ImagingStudy (the scanner). */
export interface DeviceResource {
  id: string;
  manufacturer: string | null;
  modelName: string | null;
}

export interface SeriesElement {
  uid: string;
  number: number | null;
  modality: Coding | null;
  description: string | null;
  numberOfInstances: number | null;
  bodySite: Coding | null;
  /** series.performer[].actor references (a contained Device is `#id`). */
  performers: string[];
  endpoints: string[];
}

export interface ImagingStudyResource {
  id: string;
  subject: string | null;
  identifiers: Array<{ system: string | null; value: string | null }>;
  started: string | null;
  description: string | null;
  numberOfSeries: number | null;
  numberOfInstances: number | null;
  modality: Coding[];
  endpoints: string[];
  series: SeriesElement[];
  /** Contained Devices by id (without the `#`). */
  devices: Map<string, DeviceResource>;
}

export interface EndpointResource {
  id: string;
  status: string | null;
  address: string | null;
  connectionType: Coding | null;
}

/** The resources of one or more search pages, by type, in the order the server sent them. */
export interface ResourceSet {
  patients: PatientResource[];
  researchSubjects: ResearchSubjectResource[];
  researchStudies: ResearchStudyResource[];
  conditions: ConditionResource[];
  observations: ObservationResource[];
  imagingStudies: ImagingStudyResource[];
  endpoints: EndpointResource[];
}

/** One page of a search: the ids of the matches in order, all resources of the page, the paging links. */
export interface SearchPage {
  /** Bundle.total, null when the server left it out (§7.4: optional). */
  total: number | null;
  /** The `self` link as sent: the parameters the server used (R4 search.html, "Handling Errors"); null when absent. */
  self: string | null;
  /** The `next` link as sent (absolute), null on the last page. */
  next: string | null;
  /** Ids of the `search.mode = match` entries, in Bundle order. */
  matchIds: string[];
  /** Warning issues of OperationOutcome entries (e.g. HAPI's "not all _include resources were included"). */
  warnings: number;
  resources: ResourceSet;
}

export function emptyResourceSet(): ResourceSet {
  return { patients: [], researchSubjects: [], researchStudies: [], conditions: [], observations: [], imagingStudies: [], endpoints: [] };
}

/** Concatenates resource sets (several pages). */
export function mergeResourceSets(sets: readonly ResourceSet[]): ResourceSet {
  const merged = emptyResourceSet();
  for (const set of sets) {
    for (const key of Object.keys(merged) as Array<keyof ResourceSet>) (merged[key] as unknown[]).push(...set[key]);
  }
  return merged;
}

/**
 * What a server's CapabilityStatement (`GET [base]/metadata`, R4 capabilitystatement.html) says about search, per
 * resource type: the search parameters (`rest.resource.searchParam` plus the ones `rest.searchParam` declares for
 * every type), and the `_include` / `_revinclude` values (`searchInclude`, `searchRevInclude`).
 */
export interface ServerCapabilities {
  /** Search parameter names per resource type, the rest-level ones included. */
  searchParams: ReadonlyMap<string, ReadonlySet<string>>;
  /** Search parameter names every type has (`rest.searchParam`). */
  commonParams: ReadonlySet<string>;
  /** `searchInclude` values per resource type ("ImagingStudy:endpoint"). */
  includes: ReadonlyMap<string, ReadonlySet<string>>;
  /** `searchRevInclude` values per resource type (on Patient: "ImagingStudy:subject"). */
  revIncludes: ReadonlyMap<string, ReadonlySet<string>>;
}
