import type { Sex } from '../generated/graphql';

// DICOM (0010,0040) uses M/F/O; FHIR uses male/female/other/unknown; EUCAIM nodes send "Male"/"Female"
// and, in the wild, the typo "Unkown".
const VALUES: Record<string, Sex> = {
  M: 'MALE', MALE: 'MALE', MAN: 'MALE',
  F: 'FEMALE', FEMALE: 'FEMALE', WOMAN: 'FEMALE',
  O: 'OTHER', OTHER: 'OTHER',
  U: 'UNKNOWN', UNKNOWN: 'UNKNOWN', UNKOWN: 'UNKNOWN', UNSPECIFIED: 'UNKNOWN',
};

export const ALL_SEXES: readonly Sex[] = ['FEMALE', 'MALE', 'OTHER', 'UNKNOWN'];

/** Normalises a raw sex value; anything unrecognised or empty is UNKNOWN. */
export function normaliseSex(raw: string | null | undefined): Sex {
  if (!raw) return 'UNKNOWN';
  return VALUES[raw.trim().toUpperCase()] ?? 'UNKNOWN';
}

/** The DICOM (0010,0040) code for a sex. */
export function dicomSexCode(sex: Sex): string {
  return { FEMALE: 'F', MALE: 'M', OTHER: 'O', UNKNOWN: '' }[sex];
}

/**
 * Sex as ontology terms, in the canonical CURIE form `PREFIX:LOCAL` (upper-case prefix; SNOMED CT as `SNOMED:`,
 * RadLex as `RADLEX:`, GSSO's `GSSO_000123` as `GSSO:000123`). Adapters that meet other spellings of a CURIE
 * (`ncit:C16576`, `NCIT_C16576`, `http://purl.obolibrary.org/obo/NCIT_C16576`, `SNOMEDCT248152002`) bring them to
 * this form first. Sources, each checked with the project's code search:
 * - NCIT: Beacon v2 default model `individuals/defaultSchema.json` (C16576 female, C20197 male, C17998 unknown; the
 *   same spec's example writes unknown as C1799, a typo real beacons copied); the v2 drafts' C46113 / C46112
 *   ("Female/Male Phenotype", still in the EGA reference implementation's recorded answers); C45908 intersex, the
 *   Phenopackets mapping of OTHER_SEX.
 * - SNOMED CT: 248152002 female, 248153007 male (the EUCAIM federated-search catalogue and Focus' eucaim_api.rs),
 *   74964007 "Other", 261665006 "Unknown" (the same catalogue's other two gender values).
 * - PATO: 0000383 female, 0000384 male (phenotypic sex); 0020002 female genotypic sex, 0020001 male genotypic sex
 *   (Progenetix coded individual.sex with these until 2024-06-18, and beacons built from its tooling still do).
 *   A genotypic-sex term answers the question "sex" as those beacons use it; it is read as the same value.
 * - GSSO: 000123 female, 000124 male, 009515 unknown (MOLGENIS EMX2's Beacon maps the NCIT terms to these).
 * - EUCAIM hyper-ontology: COM1001370 Female, COM1001366 Male, COM1002760 Unknown, COM1001288 Unspecified
 *   (EGA-archive/EUCAIM-Schema `Common/Definitions.json`). "Unspecified" is UNKNOWN, as normaliseSex reads it.
 * NCIT:C124294 "Undetermined" is left out on purpose: DICOM's "O" and an undetermined sex are not the same claim.
 */
export const SEX_ONTOLOGY_TERMS: Readonly<Record<Sex, readonly string[]>> = {
  FEMALE: ['NCIT:C16576', 'NCIT:C46113', 'SNOMED:248152002', 'PATO:0000383', 'PATO:0020002', 'GSSO:000123', 'EUCAIM:COM1001370'],
  MALE: ['NCIT:C20197', 'NCIT:C46112', 'SNOMED:248153007', 'PATO:0000384', 'PATO:0020001', 'GSSO:000124', 'EUCAIM:COM1001366'],
  OTHER: ['NCIT:C45908', 'SNOMED:74964007'],
  UNKNOWN: ['NCIT:C17998', 'NCIT:C1799', 'SNOMED:261665006', 'GSSO:009515', 'EUCAIM:COM1002760', 'EUCAIM:COM1001288'],
};

/** The sex a canonical CURIE stands for; null when the table does not know the term. */
export function sexOfOntologyTerm(curie: string): Sex | null {
  return ALL_SEXES.find((sex) => SEX_ONTOLOGY_TERMS[sex].includes(curie)) ?? null;
}
