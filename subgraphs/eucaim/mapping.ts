/**
 * Pure vocabulary of the EUCAIM node mediator (unified values to the mediator's and back) and the mediator's answer
 * as unified records. No I/O here; plan.ts turns filters into requests with it.
 */
import type { BodyPart, CancerSite, Modality, Sex } from '../../schema/generated/graphql';
import { manufacturerVendor } from '../../schema/codes/manufacturer';
import { normaliseModality } from '../../schema/codes/modality';
import type { CollectionMetadata } from '../sdk/entry';
import type { CollectionRecord } from '../sdk/records';
import type { MediatorAnswer } from './parse';

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary (1.1.2 item 4 mapping tables of Focus src/eucaim_api.rs; labels from 1.1.3)

/** gender: every unified sex has a code. */
export const GENDER_OF_SEX: Record<Sex, string> = { FEMALE: 'female', MALE: 'male', OTHER: 'other', UNKNOWN: 'unknown' };

/** diagnosis: the SNOMED key strings of the UI catalogue (1.1.3). */
export const DIAGNOSIS_OF_SITE: Partial<Record<CancerSite, string>> = {
  COLON: 'SNOMEDCT363406005',
  BREAST: 'SNOMEDCT254837009',
  LUNG: 'SNOMEDCT363358000',
  PROSTATE: 'SNOMEDCT399068003',
};

/**
 * The fifth diagnosis, "Pelvis Cancer" (SNOMEDCT363484005), names no organ: it could be rectum, cervix, bladder or
 * an ill-defined pelvic site (ICD-O-3 C76.3, which the unified model files under OTHER with every other unlisted C
 * code). No CancerSite equals it, so no unified value is ever sent as it; facets report its count under this label,
 * a raw value as the schema allows for FacetCount.value.
 */
export const PELVIS_CANCER = { code: 'SNOMEDCT363484005', label: 'Pelvis Cancer' } as const;

/**
 * modality: RID10312→MR, RID10321→CT, RID10337→PET, RID10334→SPECT. DICOM has no SPECT modality: SPECT images are
 * stored as NM (PS3.3 C.8.4), and schema/codes/modality.ts maps the mediator's SPECT to NM, so NM ↔ SPECT.
 */
export const MODALITY_CODE: Partial<Record<Modality, string>> = { MR: 'MR', CT: 'CT', PT: 'PET', NM: 'SPECT' };

/** bodyPart: the mediator's five body parts; CHEST, ABDOMEN, RECTUM... have none (lung is not chest). */
export const BODY_PART_CODE: Partial<Record<BodyPart, string>> = {
  BREAST: 'breast', COLON: 'colon', LUNG: 'lung', PELVIS: 'pelvis', PROSTATE: 'prostate',
};

/** manufacturer: vendor (schema/codes/manufacturer.ts) → mediator value. Focus sends `General%20Electric`. */
export const MANUFACTURER_OF_VENDOR: Record<string, string> = {
  Siemens: 'Siemens', GE: 'General Electric', Philips: 'Philips', Toshiba: 'Toshiba',
};

/**
 * The mediator value for a unified manufacturer filter value (lower-cased). A value naming one of the four vendors
 * ("siemens", "siemens healthineers", "ge medical systems") selects, in the unified semantics, the series of that
 * vendor: manufacturerMatches accepts a series whose vendor equals the value's vendor. The prefix half of that rule
 * adds nothing for these vendors since their vendor patterns are themselves name prefixes; the one theoretical gap
 * ("ge" would also prefix-match a raw "GEXXX" that is not GE) is accepted and documented here.
 */
export function manufacturerCode(value: string): string | null {
  const vendor = manufacturerVendor(value);
  return vendor !== null && Object.prototype.hasOwnProperty.call(MANUFACTURER_OF_VENDOR, vendor) ? MANUFACTURER_OF_VENDOR[vendor] : null;
}

// And back, mediator value → unified value.

export function sexOfGender(code: string): Sex | null {
  return (Object.keys(GENDER_OF_SEX) as Sex[]).find((sex) => GENDER_OF_SEX[sex] === code) ?? null;
}

/** Null for "Pelvis Cancer" and unknown codes. */
export function cancerSiteOfDiagnosis(code: string): CancerSite | null {
  return (Object.keys(DIAGNOSIS_OF_SITE) as CancerSite[]).find((site) => DIAGNOSIS_OF_SITE[site] === code) ?? null;
}

export function modalityOfCode(code: string): Modality | null {
  return (Object.keys(MODALITY_CODE) as Modality[]).find((m) => MODALITY_CODE[m] === code) ?? null;
}

export function bodyPartOfCode(code: string): BodyPart | null {
  return (Object.keys(BODY_PART_CODE) as BodyPart[]).find((b) => BODY_PART_CODE[b] === code) ?? null;
}

/** The vendor name (as manufacturerVendor writes it) of a mediator manufacturer value. */
export function vendorOfManufacturerCode(code: string): string | null {
  return Object.keys(MANUFACTURER_OF_VENDOR).find((vendor) => MANUFACTURER_OF_VENDOR[vendor] === code) ?? null;
}

// ---------------------------------------------------------------------------------------------------------------
// Answers

export interface Counts {
  subjects: number;
  studies: number;
}

/**
 * Subjects and studies of one answer, over the selected collections (summed: a case belongs to one collection in
 * this model, Case.collection) or over all of them (`total`, the node's own figure, else the sum).
 */
export function countsOf(answer: MediatorAnswer, collections: readonly string[] | null): Counts {
  if (collections === null && answer.total) return { subjects: answer.total.subjectsCount, studies: answer.total.studiesCount };
  // Collections the answer leaves out have no matching subject.
  const selected = collections === null ? answer.collections : answer.collections.filter((c) => collections.includes(c.id));
  return {
    subjects: selected.reduce((sum, c) => sum + c.subjectsCount, 0),
    studies: selected.reduce((sum, c) => sum + c.studiesCount, 0),
  };
}

export function addCounts(a: Counts, b: Counts): Counts {
  return { subjects: a.subjects + b.subjects, studies: a.studies + b.studies };
}

/**
 * Collection records from an unfiltered answer. Modalities are normalised (PET → PT, SPECT → NM); values naming no
 * modality ("Unknown") are listed apart, as written; cancer sites, licence, DOI and landing page come from the entry's collection metadata
 * when it describes the collection (the mediator does not say them); the node's own name and description win.
 */
export function collectionRecordsOf(answer: MediatorAnswer, metadata: readonly CollectionMetadata[]): CollectionRecord[] {
  return answer.collections.map((c) => {
    const meta = metadata.find((m) => m.id === c.id);
    return {
      id: c.id,
      name: c.name || meta?.name || c.id,
      description: c.description ?? meta?.description ?? null,
      licence: meta?.licence ?? null,
      doi: meta?.doi ?? null,
      landingPage: meta?.landingPage ?? null,
      subjects: c.subjectsCount,
      studies: c.studiesCount,
      cancerSites: meta ? [meta.cancerSite] : [],
      modalities: [...new Set(c.modalities.map(normaliseModality).filter((m): m is Modality => m !== null))],
      unmappedModalities: [...new Set(c.modalities.filter((raw) => normaliseModality(raw) === null))],
    };
  });
}
