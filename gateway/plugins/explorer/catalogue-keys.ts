/**
 * The keys a Lens query may use for each criterion and value: this project's own names (the criterion names of
 * CaseFilter, the enum names of schema/cancer-case.graphql) and EUCAIM's federated-search catalogue keys
 * (samply/eucaim-frontend `catalogue-eucaim.json`, ../shared/native-apis/README.md parts 1.1.2 and 1.1.3), so that
 * a query built in EUCAIM's own explorer runs here unchanged.
 *
 * Pure tables and lookups; lens-ast.ts walks the query with them.
 */
import type { BodyPart, CancerSite, Modality, Sex } from '../../../schema/generated/graphql';
import { ALL_BODY_PARTS, bodyPartOfOntologyTerm } from '../../../schema/codes/body-part';
import { ALL_CANCER_SITES } from '../../../schema/codes/cancer-site';
import { ALL_MODALITIES, normaliseModality } from '../../../schema/codes/modality';
import { ALL_SEXES } from '../../../schema/codes/sex';
import { SNOMED_CANCER_DISORDER_SITE } from '../../../schema/codes/snomed-cancer';

/** A criterion of CaseFilter, or `country`, which selects repositories (RepositoryFilter.countries). */
export type CriterionName =
  | 'cancerSites' | 'sex' | 'ageAtDiagnosis' | 'yearOfDiagnosis' | 'modalities' | 'bodyParts' | 'manufacturers' | 'collections' | 'country';

/** Criteria that take a range ({min, max}); the others take values. */
export const RANGE_CRITERIA: readonly CriterionName[] = ['ageAtDiagnosis', 'yearOfDiagnosis'];

/**
 * Image criteria are evaluated on one series (a case matches when one of its series satisfies all of them), so
 * "MR AND CT" cannot be narrowed to one CaseFilter: no single series is both. Clinical criteria have one value per
 * case (one sex, one primary diagnosis, one collection, one country), so an AND of two value sets is their
 * intersection.
 */
export const SERIES_CRITERIA: readonly CriterionName[] = ['modalities', 'bodyParts', 'manufacturers'];

/** EUCAIM catalogue keys of the criteria (1.1.3), beside this project's own names and the obvious singulars. */
const CRITERION_OF_KEY: Readonly<Record<string, CriterionName>> = {
  cancerSites: 'cancerSites', cancerSite: 'cancerSites',
  sex: 'sex',
  ageAtDiagnosis: 'ageAtDiagnosis',
  yearOfDiagnosis: 'yearOfDiagnosis',
  modalities: 'modalities', modality: 'modalities',
  bodyParts: 'bodyParts', bodyPart: 'bodyParts',
  manufacturers: 'manufacturers', manufacturer: 'manufacturers',
  collections: 'collections', collection: 'collections',
  country: 'country', countries: 'country',
  // EUCAIM: Gender, Age at Diagnosis, Diagnosis, Year of Diagnosis, Modality (RadLex), Body Part, Manufacturer (birnlex).
  SNOMEDCT263495000: 'sex',
  SNOMEDCT423493009: 'ageAtDiagnosis',
  SNOMEDCT439401001: 'cancerSites',
  SNOMEDCT432213005: 'yearOfDiagnosis',
  RID10311: 'modalities',
  SNOMEDCT123037004: 'bodyParts',
  C25392: 'manufacturers',
};

/**
 * EUCAIM catalogue criteria the unified schema has no criterion for (1.1.3: tumour markers, histologic grade,
 * stage, BI-RADS / PI-RADS). Named, so that a query using one is refused with what it asked for.
 */
const EUCAIM_CRITERIA_WITHOUT_CASE_FILTER: Readonly<Record<string, string>> = {
  'EUCAIM_Hyper-Ontology_V1.0.CLIN1045815': 'oestrogen receptor (ER)',
  'EUCAIM_Hyper-Ontology_V1.0.CLIN1046085': 'progesterone receptor (PR)',
  'EUCAIM_Hyper-Ontology_V1.0.CLIN1033410': 'PSA',
  'EUCAIM_Hyper-Ontology_V1.0.CLIN1045913': 'Ki-67',
  'EUCAIM_Hyper-Ontology_V1.0.CLIN1045851': 'HER2',
  'EUCAIM_Hyper-Ontology_V1.0.CLIN1037294': 'Gleason score',
  'EUCAIM_Hyper-Ontology_V1.0.CLIN1037300': 'ISUP grade group',
  'EUCAIM_Hyper-Ontology_V1.0.CLIN1033379': 'clinical T category (cT)',
  'EUCAIM_Hyper-Ontology_V1.0.CLIN1033391': 'pathological T category (pT)',
  'EUCAIM_Hyper-Ontology_V1.0.CLIN1033358': 'clinical N category (cN)',
  'EUCAIM_Hyper-Ontology_V1.0.CLIN1033368': 'pathological N category (pN)',
  'EUCAIM_Hyper-Ontology_V1.0.CLIN1033341': 'clinical M category (cM)',
  'EUCAIM_Hyper-Ontology_V1.0.CLIN1033349': 'pathological M category (pM)',
  'EUCAIM_Hyper-Ontology_V1.0.IMG1005459': 'BI-RADS / PI-RADS',
};

export type CriterionLookup = { criterion: CriterionName } | { refused: string };

/** The criterion a Lens key stands for, or why it has none. */
export function criterionOfKey(key: string): CriterionLookup {
  if (Object.prototype.hasOwnProperty.call(CRITERION_OF_KEY, key)) return { criterion: CRITERION_OF_KEY[key] };
  const eucaim = EUCAIM_CRITERIA_WITHOUT_CASE_FILTER[key];
  if (eucaim) return { refused: `EUCAIM's ${eucaim} criterion has no counterpart in CaseFilter: no repository of this federation can be asked for it` };
  return { refused: `unknown criterion key; known: ${Object.keys(CRITERION_OF_KEY).join(', ')}, ${Object.keys(EUCAIM_CRITERIA_WITHOUT_CASE_FILTER).length} EUCAIM keys without a CaseFilter criterion` };
}

// --- values -----------------------------------------------------------------------------------------------------

/** EUCAIM Gender values (SNOMED CT 248153007 male, 248152002 female, 74964007 other, 261665006 unknown). */
const EUCAIM_SEX: Readonly<Record<string, Sex>> = {
  SNOMEDCT248153007: 'MALE', SNOMEDCT248152002: 'FEMALE', SNOMEDCT74964007: 'OTHER', SNOMEDCT261665006: 'UNKNOWN',
};

/** EUCAIM Diagnosis values (SNOMED CT malignant neoplasm of colon, breast, lung, prostate). */
const EUCAIM_DIAGNOSIS: Readonly<Record<string, CancerSite>> = {
  SNOMEDCT363406005: 'COLON', SNOMEDCT254837009: 'BREAST', SNOMEDCT363358000: 'LUNG', SNOMEDCT399068003: 'PROSTATE',
};

/** EUCAIM Modality values (RadLex). SPECT is handled apart: see SPECT_AS_NM. */
const EUCAIM_MODALITY: Readonly<Record<string, Modality>> = { RID10312: 'MR', RID10321: 'CT', RID10337: 'PT' };

/**
 * RadLex RID10334 SPECT. DICOM has no SPECT modality: SPECT is stored as NM, beside planar scintigraphy
 * (schema/codes/modality.ts), so it can only be asked as NM, which may count planar NM series too.
 */
export const SPECT_AS_NM = 'RID10334';

/** EUCAIM Manufacturer values (birnlex / NCIt) as the names CaseFilter matches (vendor or name prefix). */
const EUCAIM_MANUFACTURER: Readonly<Record<string, string>> = {
  C200140: 'Siemens Healthineers',
  birnlex_3066: 'Siemens Medical Solutions',
  birnlex_12833: 'GE Medical Systems',
  birnlex_3065: 'Philips',
  birnlex_3067: 'Toshiba',
};

/** "Pelvis Cancer", SNOMEDCT363484005, names no organ (subgraphs/eucaim/mapping.ts): no CancerSite equals it. */
const EUCAIM_PELVIS_CANCER = 'SNOMEDCT363484005';

export type ValueLookup = { value: string; broadened?: string } | { refused: string };

function enumValue<T extends string>(all: readonly T[], raw: string): T | undefined {
  const upper = raw.trim().toUpperCase();
  return all.find((value) => value === upper);
}

/** A SNOMED CT key as EUCAIM writes it ("SNOMEDCT76752008") or as a bare code, to its code. */
function snomedCode(raw: string): string | undefined {
  const match = /^(?:SNOMEDCT|SNOMED:|http:\/\/snomed\.info\/id\/)?(\d{6,18})$/i.exec(raw.trim());
  return match?.[1];
}

/** The CaseFilter value (or country code) a Lens value stands for under a criterion, or why it has none. */
export function valueOf(criterion: Exclude<CriterionName, 'ageAtDiagnosis' | 'yearOfDiagnosis'>, raw: string): ValueLookup {
  switch (criterion) {
    case 'sex': {
      const sex = EUCAIM_SEX[raw] ?? enumValue(ALL_SEXES, raw);
      return sex ? { value: sex } : { refused: `not a sex: give ${ALL_SEXES.join(', ')} or EUCAIM's ${Object.keys(EUCAIM_SEX).join(', ')}` };
    }
    case 'cancerSites': {
      if (raw === EUCAIM_PELVIS_CANCER) {
        return { refused: 'EUCAIM\'s "Pelvis Cancer" names no organ (it could be rectum, cervix, bladder or an ill-defined pelvic site), so no cancer site of this federation equals it' };
      }
      const named = EUCAIM_DIAGNOSIS[raw] ?? enumValue(ALL_CANCER_SITES, raw);
      if (named) return { value: named };
      const code = snomedCode(raw);
      const site: CancerSite | undefined = code ? SNOMED_CANCER_DISORDER_SITE[code] : undefined;
      return site ? { value: site } : { refused: `not a cancer site: give a CancerSite name (${ALL_CANCER_SITES.slice(0, 4).join(', ')}, ...) or a SNOMED CT cancer disorder such as EUCAIM's SNOMEDCT399068003` };
    }
    case 'modalities': {
      if (raw === SPECT_AS_NM) return { value: 'NM', broadened: 'SPECT (RID10334) is asked as NM, where DICOM stores it beside planar scintigraphy: counts may include planar NM series' };
      const modality: Modality | undefined = EUCAIM_MODALITY[raw] ?? enumValue(ALL_MODALITIES, raw) ?? normaliseModality(raw) ?? undefined;
      return modality ? { value: modality } : { refused: `not a modality: give a DICOM modality (${ALL_MODALITIES.slice(0, 5).join(', ')}, ...) or EUCAIM's RadLex ${Object.keys(EUCAIM_MODALITY).join(', ')}, ${SPECT_AS_NM}` };
    }
    case 'bodyParts': {
      const named = enumValue(ALL_BODY_PARTS, raw);
      if (named) return { value: named };
      const code = snomedCode(raw);
      const part: BodyPart | null = code ? bodyPartOfOntologyTerm(`SNOMED:${code}`) : null;
      return part ? { value: part } : { refused: `not a body part: give a BodyPart name (${ALL_BODY_PARTS.slice(0, 4).join(', ')}, ...) or a SNOMED CT body structure such as EUCAIM's SNOMEDCT41216001` };
    }
    case 'manufacturers': {
      const name = EUCAIM_MANUFACTURER[raw] ?? raw.trim();
      return name ? { value: name } : { refused: 'an empty manufacturer name' };
    }
    case 'collections': {
      const id = raw.trim();
      return id ? { value: id } : { refused: 'an empty collection id' };
    }
    case 'country': {
      const code = raw.trim().toUpperCase();
      return /^[A-Z]{2}$/.test(code) ? { value: code } : { refused: 'not an ISO 3166-1 alpha-2 country code (e.g. "DE")' };
    }
  }
}
