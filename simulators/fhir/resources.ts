/**
 * The synthetic data as the resources of an R4 server with mCODE content (README §2f, §7.1), as a DICOM-to-FHIR
 * converter (ImagingStudy) and a tumour-registry export (Patient, Condition, Observation) would have filled it.
 *
 * Choices where the documentation is silent, each what a real server most plausibly holds:
 * - Patient.id is the pseudonymous subject id (README §5: "Patient id | Patient.id"); no gender when the DICOM sex
 *   is empty (FHIR gender is optional); birthDate is chosen so that the completed years between birthDate and the
 *   primary cancer's onsetDateTime are exactly the synthetic age at diagnosis.
 * - Collections are ResearchStudy resources (id = collection id) with one ResearchSubject per patient
 *   (`individual` → Patient, `study` → ResearchStudy), the FHIR way of saying "this subject is in that study".
 *   ResearchStudy.condition carries a representative ICD-10 code of the collection's site, ResearchStudy.keyword the
 *   DCM modality codes of its images (what a curator lists).
 * - The primary cancer Condition (meta.profile mcode-primary-cancer-condition, sometimes with a `|3.0.0` version)
 *   codes the diagnosis in ICD-10-CM or WHO ICD-10 (both systems occur), its site in bodySite (SNOMED where known, and
 *   the ICD-O-3 topography), the ICD-O-3 morphology in the histology-morphology-behavior extension, and the date of
 *   diagnosis as onsetDateTime (the first imaging study's date; a full dateTime with a UTC offset for some).
 *   Some patients also have a secondary cancer Condition (metastasis, later onset) and a non-cancer Condition: only
 *   the primary one is the diagnosis.
 * - TNM staging is an mcode-tnm-stage-group Observation (LOINC 21908-9 clinical, 21902-2 pathological, 21914-7
 *   other) focused on the primary Condition, with T/N/M as member Observations (hasMember) for most patients and as
 *   components for the others; the staging system is in Observation.method. Some patients have a lab Observation too.
 * - ImagingStudy: identifier urn:dicom:uid / urn:oid:<StudyInstanceUID>, series modality DCM-coded, series bodySite a
 *   SNOMED Coding whose `display` keeps the raw BodyPartExamined (README §5: raw values are dirty); a raw value that
 *   names no known body part is kept as display only, without a code, and so is every body part of about one study
 *   in five (chosen by a hash of its UID): a study imported by a converter that copies BodyPartExamined without a
 *   code map (`{"display": "Chest"}`), as real servers hold too; a SNOMED `bodysite` search cannot find it. The scanner is a contained Device
 *   (manufacturer, model) referenced from series.performer (function DEV); instances are not listed. Every study
 *   points to one DICOMweb Endpoint (WADO-RS), which is how a client fetches the pixels.
 */
import { normaliseBodyPart } from '../../schema/codes/body-part';
import { representativeIcd10 } from '../../schema/codes/cancer-site';
import type { SyntheticCase, SyntheticCollection, SyntheticRepositoryData, SyntheticSeries, SyntheticStudy } from '../synthetic/model';
import {
  BODY_PART_SNOMED, HISTOLOGY_EXTENSION, PROFILE, STAGE_GROUP_LOINC, SYSTEM, TNM_LOINC, TOPOGRAPHY_SNOMED,
} from './codes';

export interface Coding { system?: string; code?: string; display?: string }
export interface CodeableConcept { coding?: Coding[]; text?: string }
export interface Reference { reference: string; display?: string }

/** A resource as stored and served: JSON with the two fields every stored resource has. */
export interface FhirResource {
  resourceType: string;
  id: string;
  meta?: { lastUpdated?: string; profile?: string[] };
  [element: string]: unknown;
}

export const RESOURCE_TYPES = ['Patient', 'ResearchStudy', 'ResearchSubject', 'Condition', 'Observation', 'ImagingStudy', 'Endpoint'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export interface FhirStore {
  /** Resources per type, in the server's natural (insertion) order, which is not the id order. */
  byType: Map<string, FhirResource[]>;
  byId: Map<string, FhirResource>;
}

export const ENDPOINT_ID = 'dicomweb';
const LAST_UPDATED = '2025-06-30T12:00:00.000+00:00';

export function buildStore(data: SyntheticRepositoryData): FhirStore {
  const resources: FhirResource[] = [];
  resources.push(endpoint(data.repositoryId));
  for (const collection of data.collections) resources.push(researchStudy(data.repositoryId, collection, data.cases));
  // Loaded in an order unrelated to the ids (the server's natural order), so a client must ask for `_sort=_id`.
  const order = data.cases.map((c, i) => ({ c, i, key: scramble(c.subjectId) })).sort((a, b) => a.key - b.key);
  for (const { c, i } of order) resources.push(...caseResources(data.repositoryId, c, i));
  const store: FhirStore = { byType: new Map(), byId: new Map() };
  for (const resource of resources) {
    let list = store.byType.get(resource.resourceType);
    if (!list) store.byType.set(resource.resourceType, (list = []));
    list.push(resource);
    store.byId.set(`${resource.resourceType}/${resource.id}`, resource);
  }
  return store;
}

function scramble(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function meta(...profile: string[]): FhirResource['meta'] {
  return profile.length > 0 ? { lastUpdated: LAST_UPDATED, profile } : { lastUpdated: LAST_UPDATED };
}

function endpoint(repositoryId: string): FhirResource {
  return {
    resourceType: 'Endpoint', id: ENDPOINT_ID, meta: meta(), status: 'active',
    connectionType: { system: SYSTEM.ENDPOINT_CONNECTION, code: 'dicom-wado-rs' },
    name: 'DICOMweb WADO-RS',
    payloadType: [{ text: 'DICOM' }],
    payloadMimeType: ['application/dicom'],
    address: `https://pacs.${repositoryId}.example.org/dicom-web`,
  };
}

function researchStudy(repositoryId: string, collection: SyntheticCollection, cases: readonly SyntheticCase[]): FhirResource {
  const modalities = [...new Set(cases.filter((c) => c.collectionId === collection.id)
    .flatMap((c) => c.studies.flatMap((s) => s.series.map((x) => x.modality))))].sort();
  const icd10 = representativeIcd10(collection.cancerSite);
  return {
    resourceType: 'ResearchStudy', id: collection.id, meta: meta(),
    identifier: [{ system: `urn:${repositoryId}:collection`, value: collection.id }],
    title: collection.name,
    status: 'completed',
    description: collection.description,
    ...(icd10 ? { condition: [{ coding: [{ system: SYSTEM.ICD10, code: icd10 }], text: collection.cancerSite }] } : {}),
    keyword: modalities.map((code) => ({ coding: [{ system: SYSTEM.DCM, code }] })),
    relatedArtifact: [{ type: 'citation', url: `https://doi.org/${collection.doi}` }],
  };
}

function reference(type: string, id: string): Reference {
  return { reference: `${type}/${id}` };
}

function isoDate(da: string): string {
  return `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6, 8)}`;
}

/** A date `days` days before an ISO date, computed in UTC. */
function daysBefore(iso: string, days: number): string {
  const t = Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) - days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/**
 * A birth date whose completed years at `onset` are exactly `age`: the age-th anniversary before the onset, moved
 * back by less than a year (the synthetic days are 1-28, so no 29 February anniversary).
 */
export function birthDateFor(onset: string, age: number, shiftDays: number): string {
  const anniversary = `${String(Number(onset.slice(0, 4)) - age).padStart(4, '0')}${onset.slice(4)}`;
  return daysBefore(anniversary, shiftDays % 365);
}

function caseResources(repositoryId: string, c: SyntheticCase, index: number): FhirResource[] {
  const pid = c.subjectId;
  const onset = isoDate(c.studies[0].date);
  const gender = { F: 'female', M: 'male', O: 'other', '': undefined }[c.sex];
  const resources: FhirResource[] = [{
    resourceType: 'Patient', id: pid, meta: meta(PROFILE.PATIENT),
    identifier: [{ system: `urn:${repositoryId}:subject`, value: pid }],
    ...(gender ? { gender } : {}),
    birthDate: birthDateFor(onset, c.ageAtDiagnosis, (scramble(pid) % 300) + (index % 2)),
  }, {
    resourceType: 'ResearchSubject', id: `${pid}-rs`, meta: meta(), status: 'on-study',
    study: reference('ResearchStudy', c.collectionId), individual: reference('Patient', pid),
  }];

  const conditionId = `${pid}-dx`;
  resources.push(primaryCondition(c, pid, conditionId, onset, index));
  if (index % 6 === 0) resources.push(secondaryCondition(c, pid, index));
  if (index % 4 === 1) {
    resources.push({
      resourceType: 'Condition', id: `${pid}-htn`, meta: meta(),
      clinicalStatus: { coding: [{ system: SYSTEM.CONDITION_CLINICAL, code: 'active' }] },
      code: { coding: [{ system: SYSTEM.SNOMED, code: '38341003', display: 'Hypertensive disorder' }] },
      subject: reference('Patient', pid),
      onsetDateTime: `${Number(onset.slice(0, 4)) - 3}-05-10`,
    });
  }
  if (c.diagnosis.stage) resources.push(...stageObservations(c, pid, conditionId, onset, index));
  if (index % 5 === 2) {
    resources.push({
      resourceType: 'Observation', id: `${pid}-lab`, meta: meta(), status: 'final',
      category: [{ coding: [{ system: SYSTEM.OBSERVATION_CATEGORY, code: 'laboratory' }] }],
      code: { coding: [{ system: SYSTEM.LOINC, code: '718-7', display: 'Hemoglobin [Mass/volume] in Blood' }] },
      subject: reference('Patient', pid), effectiveDateTime: onset,
      valueQuantity: { value: 13.1, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' },
    });
  }
  c.studies.forEach((study, n) => resources.push(imagingStudy(pid, study, n)));
  return resources;
}

function primaryCondition(c: SyntheticCase, pid: string, id: string, onset: string, index: number): FhirResource {
  const d = c.diagnosis;
  const site = TOPOGRAPHY_SNOMED[d.icdO3Topography.slice(0, 3)];
  const profile = index % 5 === 3 ? `${PROFILE.PRIMARY_CANCER}|3.0.0` : PROFILE.PRIMARY_CANCER;
  return {
    resourceType: 'Condition', id, meta: meta(profile),
    extension: [{
      url: HISTOLOGY_EXTENSION,
      valueCodeableConcept: { coding: [{ system: SYSTEM.ICDO3, code: d.icdO3Morphology, display: d.description }] },
    }],
    clinicalStatus: { coding: [{ system: SYSTEM.CONDITION_CLINICAL, code: 'active' }] },
    verificationStatus: { coding: [{ system: SYSTEM.CONDITION_VERIFICATION, code: 'confirmed' }] },
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] }],
    code: {
      coding: [{ system: index % 3 === 0 ? SYSTEM.ICD10 : SYSTEM.ICD10CM, code: d.icd10, display: d.description }],
      text: d.description,
    },
    bodySite: [{
      coding: [
        ...(site ? [{ system: SYSTEM.SNOMED, code: site.code, display: site.display }] : []),
        { system: SYSTEM.ICDO3, code: d.icdO3Topography },
      ],
    }],
    subject: reference('Patient', pid),
    // Most as a date; some as a dateTime just after midnight with a +02:00 offset, so that the UTC instant falls on
    // the day before the date as written (and, on 1 January, in the year before).
    onsetDateTime: index % 7 === 4 ? `${onset}T00:30:00+02:00` : onset,
    recordedDate: onset,
  };
}

function secondaryCondition(c: SyntheticCase, pid: string, index: number): FhirResource {
  const last = c.studies[c.studies.length - 1];
  const bone = index % 12 === 0;
  return {
    resourceType: 'Condition', id: `${pid}-mets`, meta: meta(PROFILE.SECONDARY_CANCER),
    extension: [{
      url: HISTOLOGY_EXTENSION,
      valueCodeableConcept: { coding: [{ system: SYSTEM.ICDO3, code: `${c.diagnosis.icdO3Morphology.slice(0, 4)}/6` }] },
    }],
    clinicalStatus: { coding: [{ system: SYSTEM.CONDITION_CLINICAL, code: 'active' }] },
    code: { coding: [{ system: SYSTEM.ICD10CM, code: bone ? 'C79.51' : 'C78.00', display: bone ? 'Secondary malignant neoplasm of bone' : 'Secondary malignant neoplasm of lung' }] },
    subject: reference('Patient', pid),
    onsetDateTime: `${Number(last.date.slice(0, 4)) + 1}-02-14`,
  };
}

function stageObservations(c: SyntheticCase, pid: string, conditionId: string, onset: string, index: number): FhirResource[] {
  const stage = c.diagnosis.stage!;
  const kind = index % 11 === 5 ? 'other' : index % 2 === 0 ? 'clinical' : 'pathological';
  const id = `${pid}-stage`;
  const value = (code: string): CodeableConcept => ({ coding: [{ system: SYSTEM.AJCC, code }], text: code });
  const loinc = (code: string): CodeableConcept => ({ coding: [{ system: SYSTEM.LOINC, code }] });
  const categories = [
    ['t', PROFILE.T_CATEGORY, TNM_LOINC[kind].t, stage.t],
    ['n', PROFILE.N_CATEGORY, TNM_LOINC[kind].n, stage.n],
    ['m', PROFILE.M_CATEGORY, TNM_LOINC[kind].m, stage.m],
  ] as const;
  const asMembers = index % 3 !== 0;
  const group: FhirResource = {
    resourceType: 'Observation', id, meta: meta(PROFILE.STAGE_GROUP), status: 'final',
    category: [{ coding: [{ system: SYSTEM.OBSERVATION_CATEGORY, code: 'survey' }] }],
    code: loinc(STAGE_GROUP_LOINC[kind]),
    subject: reference('Patient', pid),
    focus: [reference('Condition', conditionId)],
    effectiveDateTime: onset,
    valueCodeableConcept: value(stage.group),
    method: {
      coding: [{ system: SYSTEM.SNOMED, code: '897275008', display: 'American Joint Commission on Cancer, Cancer Staging Manual, 8th edition neoplasm staging system' }],
      text: stage.system,
    },
    ...(asMembers
      ? { hasMember: categories.map(([suffix]) => reference('Observation', `${id}-${suffix}`)) }
      : { component: categories.map(([, , code, v]) => ({ code: loinc(code), valueCodeableConcept: value(v) })) }),
  };
  if (!asMembers) return [group];
  return [group, ...categories.map(([suffix, profile, code, v]) => ({
    resourceType: 'Observation', id: `${id}-${suffix}`, meta: meta(profile), status: 'final',
    code: loinc(code), subject: reference('Patient', pid), focus: [reference('Condition', conditionId)],
    effectiveDateTime: onset, valueCodeableConcept: value(v),
  }))];
}

function imagingStudy(pid: string, study: SyntheticStudy, n: number): FhirResource {
  const devices: Array<{ key: string; resource: Record<string, unknown> }> = [];
  const deviceRef = (s: SyntheticSeries): string | null => {
    if (!s.manufacturer) return null;
    const key = `${s.manufacturer}\u0000${s.manufacturerModelName ?? ''}`;
    let index = devices.findIndex((d) => d.key === key);
    if (index < 0) {
      index = devices.length;
      devices.push({
        key,
        resource: {
          resourceType: 'Device', id: `dev${index + 1}`, manufacturer: s.manufacturer,
          ...(s.manufacturerModelName ? { deviceName: [{ name: s.manufacturerModelName, type: 'model-name' }] } : {}),
        },
      });
    }
    return `#dev${index + 1}`;
  };
  const textOnly = scramble(study.uid) % 5 === 0;
  const series = study.series.map((s) => {
    const device = deviceRef(s);
    const bodySite = bodySiteOf(s, textOnly);
    return {
      uid: s.uid,
      number: s.number,
      modality: { system: SYSTEM.DCM, code: s.modality },
      description: s.description,
      numberOfInstances: s.instanceCount,
      ...(bodySite ? { bodySite } : {}),
      ...(device ? { performer: [{ function: { coding: [{ system: SYSTEM.PARTICIPATION, code: 'DEV', display: 'device' }] }, actor: { reference: device } }] } : {}),
    };
  });
  const date = isoDate(study.date);
  return {
    resourceType: 'ImagingStudy', id: `${pid}-is${n + 1}`, meta: meta(),
    ...(devices.length > 0 ? { contained: devices.map((d) => d.resource) } : {}),
    identifier: [{ use: 'official', system: SYSTEM.DICOM_UID, value: `urn:oid:${study.uid}` }],
    status: 'available',
    modality: [...new Set(study.series.map((s) => s.modality))].map((code) => ({ system: SYSTEM.DCM, code })),
    subject: reference('Patient', pid),
    // Converters write StudyDate alone or with StudyTime; both occur.
    started: n % 2 === 0 ? date : `${date}T10:15:00Z`,
    endpoint: [reference('Endpoint', ENDPOINT_ID)],
    numberOfSeries: study.series.length,
    numberOfInstances: study.series.reduce((sum, s) => sum + s.instanceCount, 0),
    description: study.description,
    series,
  };
}

function bodySiteOf(s: SyntheticSeries, textOnly: boolean): Coding | null {
  if (s.bodyPartExamined === null) return null;
  const part = normaliseBodyPart(s.bodyPartExamined);
  const code = BODY_PART_SNOMED[part];
  if (!code || textOnly) return { display: s.bodyPartExamined };
  const legacy = code.legacy && s.number % 3 === 0;
  return { system: SYSTEM.SNOMED, code: legacy ? code.legacy : code.code, display: s.bodyPartExamined };
}
