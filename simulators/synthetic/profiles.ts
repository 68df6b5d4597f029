/**
 * Clinical and imaging profiles per cancer site: plausible distributions drawn from the volumes in the native-API
 * reference (about 2 studies per case, about 6 series per study, tens to hundreds of images per series) and from
 * the dirty BodyPartExamined values seen in EUCAIM, TCIA and IDC data.
 */
import type { CancerSite } from '../../schema/generated/graphql';

export type Language = 'en' | 'es' | 'de' | 'fr' | 'it' | 'pt' | 'el';

export interface SiteProfile {
  /** ICD-O-3 topography codes; the ICD-10 code is derived from them. */
  topographies: readonly string[];
  morphologies: ReadonlyArray<readonly [code: string, description: string]>;
  /** Probability the subject is male. */
  male: number;
  age: { mean: number; sd: number; min: number; max: number };
  /** Primary modality of a study, weighted. */
  modalities: ReadonlyArray<readonly [string, number]>;
  /** Raw BodyPartExamined values; local-language variants are added per repository language. */
  bodyParts: readonly string[];
  localBodyParts: Partial<Record<Language, readonly string[]>>;
  studyDescriptions: readonly string[];
  staged: boolean;
}

export const SITE_PROFILES: Partial<Record<CancerSite, SiteProfile>> = {
  BREAST: {
    topographies: ['C50.1', 'C50.2', 'C50.4', 'C50.8', 'C50.9'],
    morphologies: [['8500/3', 'Infiltrating duct carcinoma, NOS'], ['8520/3', 'Lobular carcinoma, NOS'], ['8522/3', 'Infiltrating duct and lobular carcinoma']],
    male: 0.01,
    age: { mean: 58, sd: 12, min: 25, max: 92 },
    modalities: [['MG', 4], ['MR', 3], ['US', 1], ['CT', 1], ['PT', 0.5]],
    bodyParts: ['BREAST', 'Breast', 'BREAST ', 'CHEST'],
    localBodyParts: { es: ['MAMA'], fr: ['SEIN'], de: ['BRUST', 'MAMMA'], it: ['MAMMELLA'], pt: ['MAMA'] },
    studyDescriptions: ['MG Screening Bilateral', 'MRI Breast Bilateral w/wo contrast', 'US Breast', 'CT Chest staging'],
    staged: true,
  },
  LUNG: {
    topographies: ['C34.1', 'C34.3', 'C34.9', 'C34.2'],
    morphologies: [['8140/3', 'Adenocarcinoma, NOS'], ['8070/3', 'Squamous cell carcinoma, NOS'], ['8041/3', 'Small cell carcinoma, NOS']],
    male: 0.6,
    age: { mean: 67, sd: 9, min: 35, max: 93 },
    modalities: [['CT', 6], ['PT', 2], ['MR', 0.5]],
    bodyParts: ['CHEST', 'Chest', 'LUNG', 'Lung', 'THORAX'],
    localBodyParts: { es: ['TORAX'], pt: ['TORAX'], fr: ['THORAX', 'THORAX INJECTE'], de: ['THORAX', 'LUNGE'], it: ['TORACE'] },
    studyDescriptions: ['CT THORAX W CONTRAST', 'CT Chest low dose', 'PET/CT Whole body FDG', 'CT TAP IV'],
    staged: true,
  },
  PROSTATE: {
    topographies: ['C61.9'],
    morphologies: [['8140/3', 'Adenocarcinoma, NOS'], ['8550/3', 'Acinar cell carcinoma']],
    male: 1,
    age: { mean: 66, sd: 7, min: 42, max: 89 },
    modalities: [['MR', 7], ['CT', 1], ['PT', 1]],
    bodyParts: ['PROSTATE', 'Prostate', 'PELVIS', 'Pelvis^Masculin'],
    localBodyParts: { es: ['PROSTATA', 'PELVIS'], it: ['PROSTATA'], de: ['PROSTATA', 'BECKEN'], fr: ['PROSTATE', 'BASSIN'], el: ['PROSTATE'] },
    studyDescriptions: ['MRI Prostate mpMRI', 'MR PROSTATA', 'PSMA PET/CT', 'CT Abdomen Pelvis'],
    staged: true,
  },
  COLON: {
    topographies: ['C18.0', 'C18.2', 'C18.7', 'C18.9'],
    morphologies: [['8140/3', 'Adenocarcinoma, NOS'], ['8480/3', 'Mucinous adenocarcinoma']],
    male: 0.55,
    age: { mean: 68, sd: 11, min: 30, max: 94 },
    modalities: [['CT', 6], ['MR', 1], ['PT', 1]],
    bodyParts: ['ABDOMEN', 'Abdomen', 'ABDOMENPELVIS', 'TAP IV', 'COLON'],
    localBodyParts: { fr: ['TAP IV', 'ABDOMEN'], es: ['ABDOMEN'], de: ['BAUCH'], it: ['ADDOME'] },
    studyDescriptions: ['CT Abdomen Pelvis w contrast', 'CT TAP', 'MR Liver'],
    staged: true,
  },
  RECTUM: {
    topographies: ['C20.9', 'C19.9'],
    morphologies: [['8140/3', 'Adenocarcinoma, NOS'], ['8480/3', 'Mucinous adenocarcinoma']],
    male: 0.62,
    age: { mean: 64, sd: 11, min: 30, max: 92 },
    modalities: [['MR', 5], ['CT', 3], ['PT', 0.5]],
    bodyParts: ['PELVIS', 'Pelvis', 'RECTUM', 'ABDOMEN'],
    localBodyParts: { es: ['RECTO', 'PELVIS'], it: ['RETTO'], de: ['REKTUM', 'BECKEN'], fr: ['BASSIN'] },
    studyDescriptions: ['MR Rectum staging', 'MRI PELVIS', 'CT Chest Abdomen Pelvis'],
    staged: true,
  },
  LIVER: {
    topographies: ['C22.0'],
    morphologies: [['8170/3', 'Hepatocellular carcinoma, NOS'], ['8160/3', 'Cholangiocarcinoma']],
    male: 0.72,
    age: { mean: 65, sd: 10, min: 30, max: 90 },
    modalities: [['CT', 4], ['MR', 4], ['US', 1]],
    bodyParts: ['ABDOMEN', 'LIVER', 'Liver', 'Abdomen'],
    localBodyParts: { es: ['HIGADO'], it: ['FEGATO', 'ADDOME'], de: ['LEBER'], fr: ['FOIE'] },
    studyDescriptions: ['CT Liver triphasic', 'MRI Liver w contrast', 'US Abdomen'],
    staged: true,
  },
  BRAIN: {
    topographies: ['C71.0', 'C71.1', 'C71.9', 'C71.7'],
    morphologies: [['9440/3', 'Glioblastoma, NOS'], ['9400/3', 'Astrocytoma, NOS'], ['9450/3', 'Oligodendroglioma, NOS']],
    male: 0.58,
    age: { mean: 60, sd: 14, min: 2, max: 88 },
    modalities: [['MR', 8], ['CT', 1], ['PT', 0.3]],
    bodyParts: ['BRAIN', 'Brain', 'HEAD', 'Head'],
    localBodyParts: { es: ['CEREBRO', 'CABEZA'], de: ['KOPF', 'GEHIRN'], fr: ['CRANE', 'CERVEAU'], it: ['CERVELLO', 'TESTA'] },
    studyDescriptions: ['MRI Brain w/wo contrast', 'MR HEAD', 'CT Head'],
    staged: false,
  },
  KIDNEY: {
    topographies: ['C64.9'],
    morphologies: [['8312/3', 'Renal cell carcinoma, NOS'], ['8310/3', 'Clear cell adenocarcinoma, NOS']],
    male: 0.64,
    age: { mean: 62, sd: 11, min: 20, max: 90 },
    modalities: [['CT', 6], ['MR', 2]],
    bodyParts: ['ABDOMEN', 'KIDNEY', 'Abdomen'],
    localBodyParts: { es: ['RINON'], de: ['NIERE'], fr: ['REIN'], pt: ['RIM'] },
    studyDescriptions: ['CT Abdomen renal protocol', 'MRI Kidney'],
    staged: true,
  },
  ADRENAL_GLAND: {
    topographies: ['C74.9'],
    morphologies: [['9500/3', 'Neuroblastoma, NOS'], ['9490/3', 'Ganglioneuroblastoma']],
    male: 0.55,
    age: { mean: 3, sd: 3, min: 0, max: 16 },
    modalities: [['MR', 4], ['CT', 3], ['NM', 2]],
    bodyParts: ['ABDOMEN', 'WHOLEBODY', 'CHEST', 'Abdomen'],
    localBodyParts: { fr: ['CORPS ENTIER'], es: ['CUERPO ENTERO'] },
    studyDescriptions: ['MRI Abdomen', 'MIBG scintigraphy', 'CT Chest Abdomen'],
    staged: false,
  },
};

/** Manufacturers as scanners write them, with the dirt real data has. */
export const MANUFACTURERS: ReadonlyArray<readonly [name: string, model: string, weight: number]> = [
  ['SIEMENS', 'SOMATOM Definition AS', 3],
  ['Siemens Healthineers', 'MAGNETOM Vida', 2],
  ['GE MEDICAL SYSTEMS', 'Discovery MR750', 3],
  ['GE Healthcare', 'Revolution CT', 1],
  ['Philips Medical Systems', 'Ingenia', 2],
  ['Philips', 'IQon Spectral CT', 1],
  ['TOSHIBA', 'Aquilion ONE', 1],
  ['Canon Medical Systems', 'Aquilion Prime SP', 1],
];

export const MAMMOGRAPHY_MANUFACTURERS: ReadonlyArray<readonly [string, string, number]> = [
  ['HOLOGIC, Inc.', 'Selenia Dimensions', 3],
  ['GE MEDICAL SYSTEMS', 'Senographe Pristina', 2],
  ['SIEMENS', 'Mammomat Revelation', 1],
];

/** Instances per series and bytes per instance, per modality. */
export const SERIES_SHAPE: Record<string, { instances: [number, number]; bytesPerInstance: number; series: [number, number] }> = {
  CT: { instances: [60, 420], bytesPerInstance: 526_000, series: [3, 8] },
  MR: { instances: [20, 220], bytesPerInstance: 135_000, series: [4, 10] },
  PT: { instances: [150, 350], bytesPerInstance: 67_000, series: [2, 4] },
  MG: { instances: [1, 4], bytesPerInstance: 27_000_000, series: [4, 4] },
  US: { instances: [4, 40], bytesPerInstance: 800_000, series: [1, 3] },
  NM: { instances: [1, 120], bytesPerInstance: 130_000, series: [1, 3] },
  SEG: { instances: [1, 1], bytesPerInstance: 4_000_000, series: [1, 1] },
  SR: { instances: [1, 1], bytesPerInstance: 20_000, series: [1, 1] },
};

export const STAGE_GROUPS = ['I', 'IA', 'IB', 'IIA', 'IIB', 'IIIA', 'IIIB', 'IIIC', 'IV'] as const;
