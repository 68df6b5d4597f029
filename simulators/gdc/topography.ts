/**
 * How the simulated GDC writes anatomical sites: the GDC data dictionary keeps ICD-O-3 topography as its
 * enumerated *labels*, never as codes. `diagnoses.tissue_or_organ_of_origin` and `site_of_resection_or_biopsy`
 * hold the subsite label ("Lower lobe, lung"), `primary_site` of cases and projects the label of the
 * three-character site ("Bronchus and lung"). This is the simulator's own table (it stands for GDC, whose
 * dictionary is not the adapter's business): a subsite outside it is written as "Not Reported", as GDC writes an
 * unknown site.
 */

/** ICD-O-3 topography subsite -> the GDC dictionary's label. */
const SUBSITE_LABELS: Readonly<Record<string, string>> = {
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
  'C61.9': 'Prostate gland',
  'C64.9': 'Kidney, NOS',
  'C71.0': 'Cerebrum',
  'C71.1': 'Frontal lobe',
  'C71.7': 'Brain stem',
  'C71.9': 'Brain, NOS',
  'C74.9': 'Adrenal gland, NOS',
  'C41.9': 'Bone, NOS',
  'C77.9': 'Lymph node, NOS',
};

/** ICD-O-3 three-character site -> the label GDC writes in `primary_site`. */
const SITE_LABELS: Readonly<Record<string, string>> = {
  C15: 'Esophagus',
  C16: 'Stomach',
  C18: 'Colon',
  C19: 'Rectosigmoid junction',
  C20: 'Rectum',
  C22: 'Liver and intrahepatic bile ducts',
  C25: 'Pancreas',
  C34: 'Bronchus and lung',
  C50: 'Breast',
  C61: 'Prostate gland',
  C64: 'Kidney',
  C71: 'Brain',
  C74: 'Adrenal gland',
};

export function subsiteLabel(code: string): string {
  return SUBSITE_LABELS[code] ?? 'Not Reported';
}

export function siteLabel(code: string): string {
  return SITE_LABELS[code.slice(0, 3)] ?? 'Not Reported';
}
