import type { BodyPart } from '../generated/graphql';

// BodyPartExamined (0018,0015) is free text in practice: upper/lower case ("CHEST", "Chest"), local languages
// ("TORAX" es/pt, "THORAX" de/fr, "SEIN" fr, "MAMA" es/it), protocol words ("THORAX INJECTE", "TAP IV") and
// DICOM person-name style separators ("Pelvis^Masculin"). Keys below are upper-case words; a raw value is
// matched whole first, then on its first word.
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
};

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

/**
 * Normalises a raw BodyPartExamined value. Empty or missing is UNKNOWN; a value naming no known body part is OTHER.
 */
export function normaliseBodyPart(raw: string | null | undefined): BodyPart {
  if (raw == null) return 'UNKNOWN';
  const folded = fold(raw);
  if (folded === '' || folded === 'UNKNOWN' || folded === 'UNKOWN') return 'UNKNOWN';
  const whole = TERMS[folded] ?? TERMS[folded.replace(/ /g, '')];
  if (whole) return whole;
  const first = TERMS[folded.split(' ')[0]];
  return first ?? 'OTHER';
}
