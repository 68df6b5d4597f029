/**
 * The synthetic ground truth in unified form: what a perfect adapter would return. Tests compare adapters'
 * answers, fetched through their native protocols, with counts computed from this. It lives with the tests, not
 * with the simulators: it is the tests' expectation, in the SDK's record type, and no simulator serves from it.
 *
 * Its unified values come from the tables below, written here by hand from what each raw value means (DICOM PS3.16
 * Annex L's body parts, the languages' words for them, ICD-O-3's topography chapters), not from the code tables the
 * adapters normalise with (schema/codes/): a wrong entry there then shows as a test failure instead of being the
 * expectation too. A raw value the tables do not know fails loudly: the generator (or a test) made something new,
 * and its meaning belongs here.
 */
import type { BodyPart, CancerSite, Modality, Sex } from '../../schema/generated/graphql';
import type { FullCaseRecord } from '../../subgraphs/sdk/records';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';

/** Every BodyPartExamined the generator writes (simulators/synthetic/profiles.ts), trimmed and upper-cased. */
const BODY_PARTS: Readonly<Record<string, BodyPart>> = {
  BREAST: 'BREAST', MAMA: 'BREAST', SEIN: 'BREAST', BRUST: 'BREAST', MAMMA: 'BREAST', MAMMELLA: 'BREAST',
  CHEST: 'CHEST', THORAX: 'CHEST', TORAX: 'CHEST', 'THORAX INJECTE': 'CHEST', TORACE: 'CHEST',
  LUNG: 'LUNG', LUNGE: 'LUNG',
  PROSTATE: 'PROSTATE', PROSTATA: 'PROSTATE',
  PELVIS: 'PELVIS', 'PELVIS^MASCULIN': 'PELVIS', BECKEN: 'PELVIS', BASSIN: 'PELVIS',
  ABDOMEN: 'ABDOMEN', BAUCH: 'ABDOMEN', ADDOME: 'ABDOMEN',
  ABDOMENPELVIS: 'ABDOMEN_PELVIS',
  // Thorax, abdomen and pelvis, with contrast ("TAP IV", a French scanner's protocol name).
  'TAP IV': 'CHEST_ABDOMEN_PELVIS',
  COLON: 'COLON',
  RECTUM: 'RECTUM', RECTO: 'RECTUM', RETTO: 'RECTUM', REKTUM: 'RECTUM',
  LIVER: 'LIVER', HIGADO: 'LIVER', FEGATO: 'LIVER', LEBER: 'LIVER', FOIE: 'LIVER',
  BRAIN: 'BRAIN', CEREBRO: 'BRAIN', GEHIRN: 'BRAIN', CERVEAU: 'BRAIN', CERVELLO: 'BRAIN',
  HEAD: 'HEAD', CABEZA: 'HEAD', KOPF: 'HEAD', CRANE: 'HEAD', TESTA: 'HEAD',
  KIDNEY: 'KIDNEY', RINON: 'KIDNEY', NIERE: 'KIDNEY', REIN: 'KIDNEY', RIM: 'KIDNEY',
  WHOLEBODY: 'WHOLE_BODY', 'CORPS ENTIER': 'WHOLE_BODY', 'CUERPO ENTERO': 'WHOLE_BODY',
};

/** The DICOM modalities the generator writes: each is its own unified value. */
const MODALITIES: readonly Modality[] = ['CT', 'MR', 'PT', 'MG', 'US', 'NM', 'SEG', 'SR'];

/** DICOM (0010,0040). */
const SEXES: Readonly<Record<string, Sex>> = { F: 'FEMALE', M: 'MALE', O: 'OTHER', '': 'UNKNOWN' };

/** ICD-O-3 topography categories the generator (its site profiles) and the tests write. */
const SITES: Readonly<Record<string, CancerSite>> = {
  C50: 'BREAST', C34: 'LUNG', C61: 'PROSTATE', C18: 'COLON', C19: 'RECTUM', C20: 'RECTUM', C22: 'LIVER', C71: 'BRAIN',
  C64: 'KIDNEY', C74: 'ADRENAL_GLAND',
  // "Other and ill-defined sites" (C76.3: pelvis, NOS): a test's "Pelvis Cancer" diagnosis.
  C76: 'OTHER',
};

function known<T>(value: T | undefined, what: string, raw: string): T {
  if (value === undefined) throw new Error(`ground truth: no unified value for the ${what} ${JSON.stringify(raw)}; add its meaning to test/support/ground-truth.ts`);
  return value;
}

/** The tables, for the test that holds the code tables to them (test/unit/code-tables.test.ts). */
export const GROUND_TRUTH_MEANINGS = { bodyParts: BODY_PARTS, modalities: MODALITIES, sexes: SEXES, sites: SITES } as const;

const bodyPartOf = (raw: string | null): BodyPart => (raw === null ? 'UNKNOWN' : known(BODY_PARTS[raw.trim().toUpperCase()], 'BodyPartExamined', raw));
const modalityOf = (raw: string): Modality => known(MODALITIES.find((m) => m === raw), 'modality', raw);
const sexOf = (raw: string): Sex => known(SEXES[raw], 'sex', raw);
const siteOf = (topography: string): CancerSite => known(SITES[topography.slice(0, 3)], 'ICD-O-3 topography', topography);

export function toUnifiedCases(data: SyntheticRepositoryData): FullCaseRecord[] {
  return data.cases.map((c) => ({
    id: `${data.repositoryId}/${c.subjectId}`,
    repositoryId: data.repositoryId,
    subjectId: c.subjectId,
    collection: c.collectionId,
    sex: sexOf(c.sex),
    ageAtDiagnosis: c.ageAtDiagnosis,
    diagnosis: {
      cancerSite: siteOf(c.diagnosis.icdO3Topography),
      icd10: c.diagnosis.icd10,
      icdO3Topography: c.diagnosis.icdO3Topography,
      icdO3Morphology: c.diagnosis.icdO3Morphology,
      description: c.diagnosis.description,
      yearOfDiagnosis: c.diagnosis.year,
      stage: c.diagnosis.stage,
    },
    studies: c.studies.map((s) => ({
      uid: s.uid,
      date: `${s.date.slice(0, 4)}-${s.date.slice(4, 6)}-${s.date.slice(6, 8)}`,
      description: s.description,
      modalities: [...new Set(s.series.map((x) => modalityOf(x.modality)))],
      bodyParts: [...new Set(s.series.map((x) => bodyPartOf(x.bodyPartExamined)))],
      seriesCount: s.series.length,
      instanceCount: s.series.reduce((sum, x) => sum + x.instanceCount, 0),
      series: s.series.map((x) => ({
        uid: x.uid,
        modality: modalityOf(x.modality),
        modalityRaw: x.modality,
        bodyPart: bodyPartOf(x.bodyPartExamined),
        bodyPartRaw: x.bodyPartExamined,
        manufacturer: x.manufacturer,
        description: x.description,
        instanceCount: x.instanceCount,
        sizeBytes: x.sizeBytes,
        retrieve: null,
      })),
    })),
  }));
}
