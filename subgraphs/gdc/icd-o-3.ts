/**
 * ICD-O-3 topography labels as the GDC data dictionary enumerates them. GDC keeps the label, not the code:
 * `diagnoses.tissue_or_organ_of_origin` and `site_of_resection_or_biopsy` hold "Upper-outer quadrant of breast",
 * and projects/cases hold the three-character category label in `primary_site` ("Breast", "Bronchus and lung")
 * (native-apis README §2c). The unified schema wants the code ("C50.4"), so the adapter looks labels up here (the
 * simulator, which stands for GDC, keeps its own table). A label outside the table maps to no code (null).
 */

/** Subsite code -> label (ICD-O-3 topography, WHO 2013, with GDC's spelling). */
const SUBSITES: Record<string, string> = {
  'C15.9': 'Esophagus, NOS',
  'C16.9': 'Stomach, NOS',
  'C18.0': 'Cecum',
  'C18.2': 'Ascending colon',
  'C18.7': 'Sigmoid colon',
  'C18.9': 'Colon, NOS',
  'C19.9': 'Rectosigmoid junction',
  'C20.9': 'Rectum, NOS',
  'C22.0': 'Liver',
  'C25.9': 'Pancreas, NOS',
  'C34.1': 'Upper lobe, lung',
  'C34.2': 'Middle lobe, lung',
  'C34.3': 'Lower lobe, lung',
  'C34.9': 'Lung, NOS',
  'C50.1': 'Central portion of breast',
  'C50.2': 'Upper-inner quadrant of breast',
  'C50.4': 'Upper-outer quadrant of breast',
  'C50.8': 'Overlapping lesion of breast',
  'C50.9': 'Breast, NOS',
  'C53.9': 'Cervix uteri',
  'C56.9': 'Ovary',
  'C61.9': 'Prostate gland',
  'C64.9': 'Kidney, NOS',
  'C67.9': 'Bladder, NOS',
  'C71.0': 'Cerebrum',
  'C71.1': 'Frontal lobe',
  'C71.7': 'Brain stem',
  'C71.9': 'Brain, NOS',
  'C73.9': 'Thyroid gland',
  'C74.9': 'Adrenal gland, NOS',
};

/** Three-character category -> label, as in GDC `primary_site`. */
const CATEGORIES: Record<string, string> = {
  C15: 'Esophagus',
  C16: 'Stomach',
  C18: 'Colon',
  C19: 'Rectosigmoid junction',
  C20: 'Rectum',
  C22: 'Liver and intrahepatic bile ducts',
  C25: 'Pancreas',
  C34: 'Bronchus and lung',
  C50: 'Breast',
  C53: 'Cervix uteri',
  C56: 'Ovary',
  C61: 'Prostate gland',
  C64: 'Kidney',
  C67: 'Bladder',
  C71: 'Brain',
  C73: 'Thyroid gland',
  C74: 'Adrenal gland',
};

const fold = (label: string) => label.trim().toLowerCase();
const CODE_OF_SUBSITE = new Map(Object.entries(SUBSITES).map(([code, label]) => [fold(label), code]));
const CODE_OF_CATEGORY = new Map(Object.entries(CATEGORIES).map(([code, label]) => [fold(label), code]));

/**
 * The code of a subsite label, case-insensitively ("Breast, NOS" -> "C50.9"). A value that already is a code
 * ("C50.4") is returned as is; null for an unlisted label or none.
 */
export function topographyCode(label: string | null | undefined): string | null {
  if (!label) return null;
  if (/^C\d{2}(\.\d)?$/i.test(label.trim())) return label.trim().toUpperCase();
  return CODE_OF_SUBSITE.get(fold(label)) ?? null;
}

/** The category code of a `primary_site` label ("Bronchus and lung" -> "C34"); null when unlisted. */
export function categoryCode(label: string | null | undefined): string | null {
  if (!label) return null;
  return CODE_OF_CATEGORY.get(fold(label)) ?? null;
}
