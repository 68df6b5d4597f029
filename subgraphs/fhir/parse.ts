/**
 * Typed parsing of FHIR R4 search Bundles (README §2f, §7.4), defensively:
 * - `Bundle.type` may be missing (HAPI returned `_summary=count` Bundles without it, hapifhir/hapi-fhir#1763); when
 *   present it must be `searchset`. `total` is optional (0..1) on search pages, required on a count Bundle.
 * - An entry without `search.mode` is a match when it has the searched type and an include otherwise; `outcome`
 *   entries (lenient handling, warnings) are skipped, but an OperationOutcome with an error fails the call.
 * - A body that is an OperationOutcome, another resource type, or has elements of the wrong type is a
 *   REPOSITORY_BAD_RESPONSE naming the call and the element path (entry index, never a value: values can be
 *   patient identifiers).
 * Resource types the adapter does not read are skipped.
 */
import { ErrorCode, RepositoryError } from '../sdk/errors';
import { ResponseReader } from '../sdk/parse';
import type {
  CodeableConcept, Coding, ConditionResource, DeviceResource, EndpointResource, ImagingStudyResource, ObservationResource,
  PatientResource, Quantity, ResearchStudyResource, ResearchSubjectResource, ResourceSet, SearchPage, SeriesElement,
  ServerCapabilities,
} from './native-types';
import { emptyResourceSet } from './native-types';
import { HISTOLOGY_EXTENSION } from './codes';

type Json = Record<string, unknown>;

/** A ResponseReader with the FHIR datatypes. */
class FhirReader extends ResponseReader {
  optionalObject(value: unknown, path: string): Json | null {
    return value === undefined || value === null ? null : this.object(value, path);
  }

  /** An optional array (absent is empty). */
  list(value: unknown, path: string): unknown[] {
    return value === undefined || value === null ? [] : this.array(value, path);
  }

  integer(value: unknown, path: string): number | null {
    const n = this.optionalNumber(value, path);
    if (n !== null && (!Number.isInteger(n) || n < 0)) this.fail(path, 'a non-negative integer', value);
    return n;
  }

  coding(value: unknown, path: string): Coding | null {
    const o = this.optionalObject(value, path);
    if (!o) return null;
    return {
      system: this.optionalString(o.system, `${path}.system`),
      code: this.optionalString(o.code, `${path}.code`),
      display: this.optionalString(o.display, `${path}.display`),
    };
  }

  concept(value: unknown, path: string): CodeableConcept | null {
    const o = this.optionalObject(value, path);
    if (!o) return null;
    return {
      coding: this.list(o.coding, `${path}.coding`).map((c, i) => this.coding(c, `${path}.coding[${i}]`)).filter((c): c is Coding => c !== null),
      text: this.optionalString(o.text, `${path}.text`),
    };
  }

  concepts(value: unknown, path: string): CodeableConcept[] {
    return this.list(value, path).map((c, i) => this.concept(c, `${path}[${i}]`)).filter((c): c is CodeableConcept => c !== null);
  }

  reference(value: unknown, path: string): string | null {
    const o = this.optionalObject(value, path);
    return o ? this.optionalString(o.reference, `${path}.reference`) : null;
  }

  references(value: unknown, path: string): string[] {
    return this.list(value, path).map((r, i) => this.reference(r, `${path}[${i}]`)).filter((r): r is string => r !== null);
  }

  quantity(value: unknown, path: string): Quantity | null {
    const o = this.optionalObject(value, path);
    if (!o) return null;
    return {
      value: this.optionalNumber(o.value, `${path}.value`),
      unit: this.optionalString(o.unit, `${path}.unit`),
      system: this.optionalString(o.system, `${path}.system`),
      code: this.optionalString(o.code, `${path}.code`),
    };
  }
}

export function parsePatient(r: Json, path: string, reader: FhirReader): PatientResource {
  return {
    id: reader.string(r.id, `${path}.id`),
    gender: reader.optionalString(r.gender, `${path}.gender`),
    birthDate: reader.optionalString(r.birthDate, `${path}.birthDate`),
  };
}

function parseResearchSubject(r: Json, path: string, reader: FhirReader): ResearchSubjectResource {
  return {
    id: reader.string(r.id, `${path}.id`),
    study: reader.reference(r.study, `${path}.study`),
    individual: reader.reference(r.individual, `${path}.individual`),
  };
}

function parseResearchStudy(r: Json, path: string, reader: FhirReader): ResearchStudyResource {
  return {
    id: reader.string(r.id, `${path}.id`),
    title: reader.optionalString(r.title, `${path}.title`),
    description: reader.optionalString(r.description, `${path}.description`),
    condition: reader.concepts(r.condition, `${path}.condition`),
    keyword: reader.concepts(r.keyword, `${path}.keyword`),
    relatedArtifact: reader.list(r.relatedArtifact, `${path}.relatedArtifact`).map((a, i) => {
      const o = reader.object(a, `${path}.relatedArtifact[${i}]`);
      return { type: reader.optionalString(o.type, `${path}.relatedArtifact[${i}].type`), url: reader.optionalString(o.url, `${path}.relatedArtifact[${i}].url`) };
    }),
  };
}

function profilesOf(r: Json, path: string, reader: FhirReader): string[] {
  const meta = reader.optionalObject(r.meta, `${path}.meta`);
  return meta ? reader.list(meta.profile, `${path}.meta.profile`).map((p, i) => reader.string(p, `${path}.meta.profile[${i}]`)) : [];
}

export function parseCondition(r: Json, path: string, reader: FhirReader): ConditionResource {
  const histology = reader.list(r.extension, `${path}.extension`).flatMap((e, i) => {
    const ext = reader.object(e, `${path}.extension[${i}]`);
    if (ext.url !== HISTOLOGY_EXTENSION) return [];
    const concept = reader.concept(ext.valueCodeableConcept, `${path}.extension[${i}].valueCodeableConcept`);
    return concept ? [concept] : [];
  });
  const period = reader.optionalObject(r.onsetPeriod, `${path}.onsetPeriod`);
  return {
    id: reader.string(r.id, `${path}.id`),
    subject: reader.reference(r.subject, `${path}.subject`),
    profiles: profilesOf(r, path, reader),
    code: reader.concept(r.code, `${path}.code`),
    bodySite: reader.concepts(r.bodySite, `${path}.bodySite`),
    histology,
    onsetDateTime: reader.optionalString(r.onsetDateTime, `${path}.onsetDateTime`),
    onsetPeriodStart: period ? reader.optionalString(period.start, `${path}.onsetPeriod.start`) : null,
    onsetAge: reader.quantity(r.onsetAge, `${path}.onsetAge`),
    verificationStatus: reader.concept(r.verificationStatus, `${path}.verificationStatus`),
  };
}

export function parseObservation(r: Json, path: string, reader: FhirReader): ObservationResource {
  return {
    id: reader.string(r.id, `${path}.id`),
    status: reader.optionalString(r.status, `${path}.status`),
    subject: reader.reference(r.subject, `${path}.subject`),
    code: reader.concept(r.code, `${path}.code`),
    focus: reader.references(r.focus, `${path}.focus`),
    effectiveDateTime: reader.optionalString(r.effectiveDateTime, `${path}.effectiveDateTime`),
    value: reader.concept(r.valueCodeableConcept, `${path}.valueCodeableConcept`),
    method: reader.concept(r.method, `${path}.method`),
    hasMember: reader.references(r.hasMember, `${path}.hasMember`),
    components: reader.list(r.component, `${path}.component`).map((c, i) => {
      const o = reader.object(c, `${path}.component[${i}]`);
      return { code: reader.concept(o.code, `${path}.component[${i}].code`), value: reader.concept(o.valueCodeableConcept, `${path}.component[${i}].valueCodeableConcept`) };
    }),
  };
}

function parseDevice(r: Json, path: string, reader: FhirReader): DeviceResource {
  const names = reader.list(r.deviceName, `${path}.deviceName`).map((n, i) => {
    const o = reader.object(n, `${path}.deviceName[${i}]`);
    return { name: reader.optionalString(o.name, `${path}.deviceName[${i}].name`), type: reader.optionalString(o.type, `${path}.deviceName[${i}].type`) };
  });
  return {
    id: reader.string(r.id, `${path}.id`),
    manufacturer: reader.optionalString(r.manufacturer, `${path}.manufacturer`),
    modelName: (names.find((n) => n.type === 'model-name') ?? names[0])?.name ?? reader.optionalString(r.modelNumber, `${path}.modelNumber`),
  };
}

function parseSeries(s: unknown, path: string, reader: FhirReader): SeriesElement {
  const o = reader.object(s, path);
  return {
    uid: reader.string(o.uid, `${path}.uid`),
    number: reader.integer(o.number, `${path}.number`),
    modality: reader.coding(o.modality, `${path}.modality`),
    description: reader.optionalString(o.description, `${path}.description`),
    numberOfInstances: reader.integer(o.numberOfInstances, `${path}.numberOfInstances`),
    bodySite: reader.coding(o.bodySite, `${path}.bodySite`),
    performers: reader.list(o.performer, `${path}.performer`).flatMap((p, i) => {
      const actor = reader.reference(reader.object(p, `${path}.performer[${i}]`).actor, `${path}.performer[${i}].actor`);
      return actor ? [actor] : [];
    }),
    endpoints: reader.references(o.endpoint, `${path}.endpoint`),
  };
}

export function parseImagingStudy(r: Json, path: string, reader: FhirReader): ImagingStudyResource {
  const devices = new Map<string, DeviceResource>();
  reader.list(r.contained, `${path}.contained`).forEach((c, i) => {
    const o = reader.object(c, `${path}.contained[${i}]`);
    if (o.resourceType === 'Device') {
      const device = parseDevice(o, `${path}.contained[${i}]`, reader);
      devices.set(device.id, device);
    }
  });
  return {
    id: reader.string(r.id, `${path}.id`),
    subject: reader.reference(r.subject, `${path}.subject`),
    identifiers: reader.list(r.identifier, `${path}.identifier`).map((x, i) => {
      const o = reader.object(x, `${path}.identifier[${i}]`);
      return { system: reader.optionalString(o.system, `${path}.identifier[${i}].system`), value: reader.optionalString(o.value, `${path}.identifier[${i}].value`) };
    }),
    started: reader.optionalString(r.started, `${path}.started`),
    description: reader.optionalString(r.description, `${path}.description`),
    numberOfSeries: reader.integer(r.numberOfSeries, `${path}.numberOfSeries`),
    numberOfInstances: reader.integer(r.numberOfInstances, `${path}.numberOfInstances`),
    modality: reader.list(r.modality, `${path}.modality`).map((m, i) => reader.coding(m, `${path}.modality[${i}]`)).filter((c): c is Coding => c !== null),
    endpoints: reader.references(r.endpoint, `${path}.endpoint`),
    series: reader.list(r.series, `${path}.series`).map((s, i) => parseSeries(s, `${path}.series[${i}]`, reader)),
    devices,
  };
}

function parseEndpoint(r: Json, path: string, reader: FhirReader): EndpointResource {
  return {
    id: reader.string(r.id, `${path}.id`),
    status: reader.optionalString(r.status, `${path}.status`),
    address: reader.optionalString(r.address, `${path}.address`),
    connectionType: reader.coding(r.connectionType, `${path}.connectionType`),
  };
}

/** Adds a parsed resource to the set; false for a type the adapter does not read. */
function addResource(set: ResourceSet, r: Json, type: string, path: string, reader: FhirReader): string | null {
  switch (type) {
    case 'Patient': { const x = parsePatient(r, path, reader); set.patients.push(x); return x.id; }
    case 'ResearchSubject': { const x = parseResearchSubject(r, path, reader); set.researchSubjects.push(x); return x.id; }
    case 'ResearchStudy': { const x = parseResearchStudy(r, path, reader); set.researchStudies.push(x); return x.id; }
    case 'Condition': { const x = parseCondition(r, path, reader); set.conditions.push(x); return x.id; }
    case 'Observation': { const x = parseObservation(r, path, reader); set.observations.push(x); return x.id; }
    case 'ImagingStudy': { const x = parseImagingStudy(r, path, reader); set.imagingStudies.push(x); return x.id; }
    case 'Endpoint': { const x = parseEndpoint(r, path, reader); set.endpoints.push(x); return x.id; }
    default: return null;
  }
}

function failure(repositoryId: string, call: string, message: string): RepositoryError {
  return new RepositoryError(ErrorCode.BAD_RESPONSE, repositoryId, `malformed ${call} response: ${message}`);
}

/** The severity and code of an OperationOutcome's first issue, for messages (diagnostics are left out: they can echo values). */
function outcomeSummary(body: Json): string {
  const issue = Array.isArray(body.issue) ? body.issue[0] : undefined;
  const o = issue !== null && typeof issue === 'object' ? (issue as Json) : {};
  return `${typeof o.severity === 'string' ? o.severity : 'unknown severity'}/${typeof o.code === 'string' ? o.code : 'unknown code'}`;
}

/** The Bundle object, after the checks every searchset shares. */
function bundleOf(body: unknown, repositoryId: string, call: string, reader: FhirReader): Json {
  if (body === null) throw failure(repositoryId, call, 'the body is empty, expected a Bundle');
  const bundle = reader.object(body);
  if (bundle.resourceType === 'OperationOutcome') {
    throw failure(repositoryId, call, `the server answered an OperationOutcome (${outcomeSummary(bundle)}) instead of a Bundle`);
  }
  if (bundle.resourceType !== 'Bundle') throw failure(repositoryId, call, `resourceType is ${JSON.stringify(typeof bundle.resourceType === 'string' ? bundle.resourceType : typeof bundle.resourceType)}, expected "Bundle"`);
  const type = reader.optionalString(bundle.type, 'type');
  // §7.4: missing on some count Bundles (HAPI #1763); tolerated everywhere.
  if (type !== null && type !== 'searchset') throw failure(repositoryId, call, `Bundle.type is "${type}", expected "searchset"`);
  return bundle;
}

/** A search page. `searchedType` is the resource type of the matches (entries without search.mode are judged by it). */
export function parseSearchBundle(body: unknown, repositoryId: string, call: string, searchedType: string): SearchPage {
  const reader = new FhirReader(repositoryId, call);
  const bundle = bundleOf(body, repositoryId, call, reader);
  const total = reader.integer(bundle.total, 'total');
  let next: string | null = null;
  let self: string | null = null;
  reader.list(bundle.link, 'link').forEach((l, i) => {
    const link = reader.object(l, `link[${i}]`);
    const relation = reader.string(link.relation, `link[${i}].relation`);
    const url = reader.string(link.url, `link[${i}].url`);
    if (relation === 'next') next = url;
    if (relation === 'self') self = url;
  });
  const resources = emptyResourceSet();
  const matchIds: string[] = [];
  let warnings = 0;
  reader.list(bundle.entry, 'entry').forEach((e, i) => {
    const entry = reader.object(e, `entry[${i}]`);
    const resource = reader.object(entry.resource, `entry[${i}].resource`);
    const type = reader.string(resource.resourceType, `entry[${i}].resource.resourceType`);
    const search = reader.optionalObject(entry.search, `entry[${i}].search`);
    const mode = search ? reader.optionalString(search.mode, `entry[${i}].search.mode`) : null;
    if (mode === 'outcome' || type === 'OperationOutcome') {
      const severities = reader.list(resource.issue, `entry[${i}].resource.issue`).map((x) => (x !== null && typeof x === 'object' ? (x as Json).severity : undefined));
      if (severities.some((s) => s === 'error' || s === 'fatal')) {
        throw failure(repositoryId, call, `entry[${i}] is an OperationOutcome with an error (${outcomeSummary(resource)})`);
      }
      warnings += severities.filter((s) => s === 'warning').length;
      return;
    }
    const isMatch = mode === 'match' || (mode === null && type === searchedType);
    if (isMatch && type !== searchedType) throw failure(repositoryId, call, `entry[${i}] is a match of type ${type}, expected ${searchedType}`);
    const id = addResource(resources, resource, type, `entry[${i}].resource`, reader);
    if (isMatch && id !== null) matchIds.push(id);
  });
  return { total, self, next, matchIds, warnings, resources };
}

/** The `total` and `self` link of a `_summary=count` (or `_count=0`) Bundle, which may lack `type` (§7.4). */
export function parseCountBundle(body: unknown, repositoryId: string, call: string): { total: number; self: string | null } {
  const reader = new FhirReader(repositoryId, call);
  const bundle = bundleOf(body, repositoryId, call, reader);
  const total = reader.integer(bundle.total, 'total');
  if (total === null) throw failure(repositoryId, call, 'a count Bundle without total');
  const self = reader.list(bundle.link, 'link').map((l, i) => reader.object(l, `link[${i}]`))
    .find((link) => link.relation === 'self');
  return { total, self: self ? reader.string(self.url, 'link.url') : null };
}

/**
 * The search capabilities of a CapabilityStatement (R4 capabilitystatement.html): `rest[mode=server]`, its
 * `searchParam` (for every type) and, per `resource`, `searchParam[].name`, `searchInclude` and `searchRevInclude`.
 * A body that is not a CapabilityStatement (a server that answers `/metadata` with a Bundle, or an HTML page) is a
 * REPOSITORY_BAD_RESPONSE: the adapter needs it to know what it may ask.
 */
export function parseCapabilityStatement(body: unknown, repositoryId: string): ServerCapabilities {
  const call = 'metadata';
  const reader = new FhirReader(repositoryId, call);
  if (body === null) throw failure(repositoryId, call, 'the body is empty, expected a CapabilityStatement');
  const statement = reader.object(body);
  if (statement.resourceType !== 'CapabilityStatement') {
    throw failure(repositoryId, call, `resourceType is ${JSON.stringify(typeof statement.resourceType === 'string' ? statement.resourceType : typeof statement.resourceType)}, expected "CapabilityStatement"`);
  }
  const names = (list: unknown, path: string): string[] => reader.list(list, path)
    .map((p, i) => reader.string(reader.object(p, `${path}[${i}]`).name, `${path}[${i}].name`));
  const strings = (list: unknown, path: string): string[] => reader.list(list, path).map((v, i) => reader.string(v, `${path}[${i}]`));
  const commonParams = new Set<string>();
  const searchParams = new Map<string, Set<string>>();
  const includes = new Map<string, Set<string>>();
  const revIncludes = new Map<string, Set<string>>();
  reader.list(statement.rest, 'rest').forEach((r, i) => {
    const rest = reader.object(r, `rest[${i}]`);
    if (rest.mode !== 'server') return;
    for (const name of names(rest.searchParam, `rest[${i}].searchParam`)) commonParams.add(name);
    reader.list(rest.resource, `rest[${i}].resource`).forEach((x, j) => {
      const path = `rest[${i}].resource[${j}]`;
      const resource = reader.object(x, path);
      const type = reader.string(resource.type, `${path}.type`);
      const add = (map: Map<string, Set<string>>, values: string[]) => {
        let set = map.get(type);
        if (!set) map.set(type, (set = new Set()));
        for (const value of values) set.add(value);
      };
      add(searchParams, names(resource.searchParam, `${path}.searchParam`));
      add(includes, strings(resource.searchInclude, `${path}.searchInclude`));
      add(revIncludes, strings(resource.searchRevInclude, `${path}.searchRevInclude`));
    });
  });
  for (const set of searchParams.values()) for (const name of commonParams) set.add(name);
  return { searchParams, commonParams, includes, revIncludes };
}

/**
 * The texts of an OperationOutcome's issues (`diagnostics`, `details.text`, `expression`, `location`), read only
 * to learn which search parameter a server refused (applied.ts); null when the body is no OperationOutcome. The
 * texts may echo values, so they never go into a message or a log.
 */
export function parseOutcomeTexts(body: unknown): string[] | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || (body as Json).resourceType !== 'OperationOutcome') return null;
  const issues = (body as Json).issue;
  const texts: string[] = [];
  for (const issue of Array.isArray(issues) ? issues : []) {
    if (issue === null || typeof issue !== 'object') continue;
    const { diagnostics, details, expression, location } = issue as Json;
    if (typeof diagnostics === 'string') texts.push(diagnostics);
    if (details !== null && typeof details === 'object' && typeof (details as Json).text === 'string') texts.push((details as Json).text as string);
    for (const list of [expression, location]) if (Array.isArray(list)) texts.push(...list.filter((x): x is string => typeof x === 'string'));
  }
  return texts;
}
