import type { BodyPart } from '../generated/graphql';

// BodyPartExamined (0018,0015) is free text in practice: upper/lower case ("CHEST", "Chest"), local languages
// ("TORAX" es/pt, "THORAX" de/fr, "SEIN" fr, "MAMA" es/it), protocol words ("THORAX INJECTE", "TAP IV") and
// DICOM person-name style separators ("Pelvis^Masculin"). Keys below are upper-case words; a raw value is
// matched whole first, then without a leading modality word ("CT CHEST W_ENHA"), then on its first word.
//
// Sources of the values beyond the first table: the DICOM defined terms (PS3.16 Annex L, CID 4031 "Common Anatomic
// Region"); TCIA's getBodyPartValues list as recorded in 2021 (muschellij2/neuroc ss_ct/index.md: "CHEST_TO_PELVIS",
// "J BRZUSZNA", "LUMBO-SACRAL SP", "PORT CHEST", "UNDEFINED"...); the values of real CHAIMELEON and ProCAncer-I node
// answers (samply/eucaim-frontend's recorded provider answers: "TXABDPELVIS", "COLOSCANNER", "LUMBAR SPINE"...).
// Choices where a value names more than a unified body part:
// - TXABDPELVIS / TXABDOMENPELVIS: TX is the usual abbreviation of thorax, so thorax + abdomen + pelvis.
// - COLOSCANNER (and "COLOSCANNER EAU", a water-enema one): the French name of CT colonography, an exam of the colon.
// - "ABDOMEN / PE" and "TC ABD_MINO_P_LV": BodyPartExamined is cut at 16 characters, and accents of "abdómino-
//   pélvico" turned into underscores: both are abdomen and pelvis. MAMOGRAFIA (Spanish, mammography) is the breast.
// - An organ the unified model has no value for is filed under the region that holds it: bladder, uterus, ovary and
//   cervix under PELVIS; stomach, spleen and gallbladder under ABDOMEN; mediastinum, ribs, sternum and thymus under
//   CHEST; larynx, pharynx, thyroid and carotid under NECK; orbit, face, jaw and sella under HEAD; limb bones and
//   joints under EXTREMITY (hip and shoulder girdles are not: they sit between trunk and limb).
// - Values naming several regions the model has no value for (CHESTABDOMEN, NECKCHEST, "THORAX / ABDOMEN" whole),
//   vessels (AORTA), the oesophagus, test objects (PHANTOM) and exam names (UROSCANNER, CTAP) are left unmapped:
//   bodyPartOf says so, and callers report the raw value instead of hiding it in OTHER.
const TERMS: Record<string, BodyPart> = {
  HEAD: 'HEAD', SKULL: 'HEAD', KOPF: 'HEAD', CABEZA: 'HEAD', TETE: 'HEAD', TESTA: 'HEAD', CRANE: 'HEAD',
  BRAIN: 'BRAIN', CEREBRO: 'BRAIN', GEHIRN: 'BRAIN', CERVEAU: 'BRAIN', ENCEPHALE: 'BRAIN', CERVELLO: 'BRAIN',
  NECK: 'NECK', HALS: 'NECK', CUELLO: 'NECK', COU: 'NECK', COLLO: 'NECK',
  HEADNECK: 'HEAD_NECK', 'HEAD NECK': 'HEAD_NECK', 'HEAD AND NECK': 'HEAD_NECK', ORL: 'HEAD_NECK',
  CHEST: 'CHEST', THORAX: 'CHEST', TORAX: 'CHEST', TORACE: 'CHEST', BRUSTKORB: 'CHEST', POITRINE: 'CHEST',
  LUNG: 'LUNG', LUNGS: 'LUNG', PULMON: 'LUNG', LUNGE: 'LUNG', POUMON: 'LUNG', POLMONE: 'LUNG',
  BREAST: 'BREAST', MAMA: 'BREAST', SEIN: 'BREAST', BRUST: 'BREAST', MAMMELLA: 'BREAST', MAMMA: 'BREAST',
  HEART: 'HEART', CARDIAC: 'HEART', CORAZON: 'HEART', HERZ: 'HEART', COEUR: 'HEART',
  ABDOMEN: 'ABDOMEN', ABD: 'ABDOMEN', BAUCH: 'ABDOMEN', ADDOME: 'ABDOMEN',
  LIVER: 'LIVER', HIGADO: 'LIVER', LEBER: 'LIVER', FOIE: 'LIVER', FEGATO: 'LIVER',
  PANCREAS: 'PANCREAS', PANKREAS: 'PANCREAS',
  KIDNEY: 'KIDNEY', RENAL: 'KIDNEY', RINON: 'KIDNEY', RIM: 'KIDNEY', NIERE: 'KIDNEY', REIN: 'KIDNEY',
  COLON: 'COLON', KOLON: 'COLON',
  RECTUM: 'RECTUM', RECTO: 'RECTUM', REKTUM: 'RECTUM', RETTO: 'RECTUM',
  PELVIS: 'PELVIS', BECKEN: 'PELVIS', BASSIN: 'PELVIS', PELVI: 'PELVIS',
  PROSTATE: 'PROSTATE', PROSTATA: 'PROSTATE',
  ABDOMENPELVIS: 'ABDOMEN_PELVIS', 'ABDOMEN PELVIS': 'ABDOMEN_PELVIS', 'ABD PELVIS': 'ABDOMEN_PELVIS',
  CHESTABDPELVIS: 'CHEST_ABDOMEN_PELVIS', CHESTABDOMENPELVIS: 'CHEST_ABDOMEN_PELVIS', 'CHEST ABDOMEN PELVIS': 'CHEST_ABDOMEN_PELVIS',
  TAP: 'CHEST_ABDOMEN_PELVIS', CAP: 'CHEST_ABDOMEN_PELVIS',
  SPINE: 'SPINE', CSPINE: 'SPINE', TSPINE: 'SPINE', LSPINE: 'SPINE', COLUMNA: 'SPINE', WIRBELSAEULE: 'SPINE', RACHIS: 'SPINE',
  EXTREMITY: 'EXTREMITY', ARM: 'EXTREMITY', LEG: 'EXTREMITY', KNEE: 'EXTREMITY', HAND: 'EXTREMITY', FOOT: 'EXTREMITY',
  WHOLEBODY: 'WHOLE_BODY', 'WHOLE BODY': 'WHOLE_BODY', WB: 'WHOLE_BODY', 'CUERPO ENTERO': 'WHOLE_BODY', 'CORPS ENTIER': 'WHOLE_BODY',
  // Real node answers and archive lists (see above).
  TXABDPELVIS: 'CHEST_ABDOMEN_PELVIS', TXABDOMENPELVIS: 'CHEST_ABDOMEN_PELVIS', 'CHEST TO PELVIS': 'CHEST_ABDOMEN_PELVIS',
  COLOSCANNER: 'COLON',
  ABDOPELV: 'ABDOMEN_PELVIS', 'ABD PEL': 'ABDOMEN_PELVIS', 'ABD PELV': 'ABDOMEN_PELVIS', 'ABDOMEN PEL': 'ABDOMEN_PELVIS',
  'J BRZUSZNA': 'ABDOMEN', 'JAMA BRZUSZNA': 'ABDOMEN',
  'LUMBAR SPINE': 'SPINE', 'CERVICAL SPINE': 'SPINE', 'THORACIC SPINE': 'SPINE', 'LUMBO SACRAL SP': 'SPINE', 'LUMBO SACRAL SPINE': 'SPINE',
  HEADANDNECK: 'HEAD_NECK', 'PORT CHEST': 'CHEST', UNDEFINED: 'UNKNOWN',
  'ABDO PELVIS': 'ABDOMEN_PELVIS', ABDO: 'ABDOMEN', 'ABDOMEN PE': 'ABDOMEN_PELVIS', 'ABD MINO P LV': 'ABDOMEN_PELVIS',
  MAMOGRAFIA: 'BREAST', MAMMOGRAPHY: 'BREAST', 'TOTAL BODY': 'WHOLE_BODY',
  // DICOM defined terms (PS3.16 Annex L) filed under the unified region that holds them.
  SSPINE: 'SPINE', CTSPINE: 'SPINE', TLSPINE: 'SPINE', LSSPINE: 'SPINE', COCCYX: 'SPINE', SACRUM: 'SPINE',
  CEREBELLUM: 'BRAIN',
  ORBIT: 'HEAD', EYE: 'HEAD', FACE: 'HEAD', JAW: 'HEAD', MAXILLA: 'HEAD', MANDIBLE: 'HEAD', ZYGOMA: 'HEAD', NOSE: 'HEAD',
  EAR: 'HEAD', IAC: 'HEAD', TMJ: 'HEAD', SCALP: 'HEAD', SELLA: 'HEAD',
  LARYNX: 'NECK', PHARYNX: 'NECK', THYROID: 'NECK', CAROTID: 'NECK',
  MEDIASTINUM: 'CHEST', RIB: 'CHEST', RIBS: 'CHEST', STERNUM: 'CHEST', THYMUS: 'CHEST',
  BRONCHUS: 'LUNG', CORONARYARTERY: 'HEART',
  STOMACH: 'ABDOMEN', SPLEEN: 'ABDOMEN', GALLBLADDER: 'ABDOMEN',
  BLADDER: 'PELVIS', UTERUS: 'PELVIS', OVARY: 'PELVIS', CERVIX: 'PELVIS',
  ANKLE: 'EXTREMITY', CALF: 'EXTREMITY', ELBOW: 'EXTREMITY', FEMUR: 'EXTREMITY', FIBULA: 'EXTREMITY', FINGER: 'EXTREMITY',
  FOREARM: 'EXTREMITY', HUMERUS: 'EXTREMITY', PATELLA: 'EXTREMITY', RADIUS: 'EXTREMITY', RADIUSULNA: 'EXTREMITY',
  THIGH: 'EXTREMITY', THUMB: 'EXTREMITY', TIBIA: 'EXTREMITY', TIBIAFIBULA: 'EXTREMITY', TOE: 'EXTREMITY', ULNA: 'EXTREMITY',
  WRIST: 'EXTREMITY', CALCANEUS: 'EXTREMITY',
};

/**
 * Words a scanner may put before the body part ("CT CHEST W_ENHA", "CTA CHEST", "PET_ABDOMEN_PEL"; TC and TDM are
 * CT in Spanish/Italian and French: "TC TOTAL BODY", "TDM ABDOMEN / PE").
 */
const MODALITY_WORDS = new Set(['CT', 'CTA', 'MR', 'MRI', 'PET', 'TC', 'TDM']);

/** The normalised body parts, in schema order. */
export const ALL_BODY_PARTS: readonly BodyPart[] = [
  'HEAD', 'BRAIN', 'NECK', 'HEAD_NECK', 'CHEST', 'LUNG', 'BREAST', 'HEART', 'ABDOMEN', 'LIVER', 'PANCREAS', 'KIDNEY',
  'COLON', 'RECTUM', 'PELVIS', 'PROSTATE', 'ABDOMEN_PELVIS', 'CHEST_ABDOMEN_PELVIS', 'SPINE', 'EXTREMITY',
  'WHOLE_BODY', 'OTHER', 'UNKNOWN',
];

function fold(raw: string): string {
  // Strip accents (TÓRAX, INJECTÉ) and turn DICOM/protocol separators into spaces.
  return raw.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/[\^_,;/\\.-]+/g, ' ').replace(/\s+/g, ' ').trim();
}

function lookup(words: string): BodyPart | undefined {
  return TERMS[words] ?? TERMS[words.replace(/ /g, '')];
}

/**
 * The body part a raw BodyPartExamined value names: UNKNOWN when empty or missing (or the value says unknown), the
 * unified value when the table knows it, null when nobody can map it (callers report such raw values; see
 * normaliseBodyPart for the OTHER of the unified schema).
 */
export function bodyPartOf(raw: string | null | undefined): BodyPart | null {
  if (raw == null) return 'UNKNOWN';
  const folded = fold(raw);
  if (folded === '' || folded === 'UNKNOWN' || folded === 'UNKOWN') return 'UNKNOWN';
  const whole = lookup(folded);
  if (whole) return whole;
  const words = folded.split(' ');
  while (words.length > 1 && MODALITY_WORDS.has(words[0])) words.shift();
  return lookup(words.join(' ')) ?? TERMS[words[0]] ?? null;
}

/**
 * Normalises a raw BodyPartExamined value. Empty or missing is UNKNOWN; a value naming no known body part is OTHER.
 */
export function normaliseBodyPart(raw: string | null | undefined): BodyPart {
  return bodyPartOf(raw) ?? 'OTHER';
}

/**
 * Body parts as ontology terms (body structures), in the canonical CURIE form of SEX_ONTOLOGY_TERMS
 * (schema/codes/sex.ts). SNOMED CT: the DICOM codes of CID 4031 (PS3.16 2026a: 818981001 Abdomen, 818982008 Abdomen
 * and Pelvis, 816094009 Chest, 416775004 Chest, Abdomen and Pelvis, 816092008 Pelvis...) and the codes they replaced
 * in DICOM CP 1962 and that the EUCAIM catalogue still uses (113345001 abdomen, 51185008 thoracic structure,
 * 12921003 pelvis); 39607008 lung, 12738006 brain, 10200004 liver, 64033007 kidney from DICOM segmentation and SR
 * code lists. EUCAIM hyper-ontology body parts: BP1000067 Chest (EUCAIM-Schema), BP1000136 breast, BP1000257 colon,
 * BP1000113 lung, BP1000092 pelvis, BP1000021 prostate (Focus' eucaim_sql.rs). OTHER and UNKNOWN name no body part.
 */
export const BODY_PART_ONTOLOGY_TERMS: Readonly<Partial<Record<BodyPart, readonly string[]>>> = {
  HEAD: ['SNOMED:69536005'],
  BRAIN: ['SNOMED:12738006'],
  NECK: ['SNOMED:45048000'],
  HEAD_NECK: ['SNOMED:774007'],
  CHEST: ['SNOMED:816094009', 'SNOMED:51185008', 'EUCAIM:BP1000067'],
  LUNG: ['SNOMED:39607008', 'EUCAIM:BP1000113'],
  BREAST: ['SNOMED:76752008', 'EUCAIM:BP1000136'],
  HEART: ['SNOMED:80891009'],
  ABDOMEN: ['SNOMED:818981001', 'SNOMED:113345001'],
  LIVER: ['SNOMED:10200004'],
  PANCREAS: ['SNOMED:15776009'],
  KIDNEY: ['SNOMED:64033007'],
  COLON: ['SNOMED:71854001', 'EUCAIM:BP1000257'],
  RECTUM: ['SNOMED:34402009'],
  PELVIS: ['SNOMED:816092008', 'SNOMED:12921003', 'EUCAIM:BP1000092'],
  PROSTATE: ['SNOMED:41216001', 'EUCAIM:BP1000021'],
  ABDOMEN_PELVIS: ['SNOMED:818982008'],
  CHEST_ABDOMEN_PELVIS: ['SNOMED:416775004'],
  SPINE: ['SNOMED:421060004'],
  EXTREMITY: ['SNOMED:66019005'],
  WHOLE_BODY: ['SNOMED:38266002'],
};

/** The body part a canonical CURIE stands for; null when the table does not know the term. */
export function bodyPartOfOntologyTerm(curie: string): BodyPart | null {
  return (Object.keys(BODY_PART_ONTOLOGY_TERMS) as BodyPart[]).find((b) => BODY_PART_ONTOLOGY_TERMS[b]?.includes(curie)) ?? null;
}
