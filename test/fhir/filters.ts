/**
 * The filters the FHIR adapter is checked with, on every server it runs against (the simulator, Medplum): each
 * criterion alone, ORs within, ANDs across, image criteria on one series, and filters that match nobody.
 */
import type { CaseFilter } from '../../schema/generated/graphql';

/** Cohort filters; the last four match nobody. */
export const COHORT_FILTERS: Array<[string, CaseFilter]> = [
  ['no filter', {}],
  ['one modality', { modalities: ['CT'] }],
  ['two modalities (OR)', { modalities: ['MR', 'MG'] }],
  ['one body part, dirty raw values and legacy codes', { bodyParts: ['CHEST'] }],
  ['two body parts (OR)', { bodyParts: ['BREAST', 'PROSTATE'] }],
  ['body part UNKNOWN (no bodySite)', { bodyParts: ['UNKNOWN'] }],
  ['one sex', { sex: ['MALE'] }],
  ['sex without a FHIR code or without gender', { sex: ['OTHER', 'UNKNOWN'] }],
  ['age range', { ageAtDiagnosis: { min: 50, max: 65 } }],
  ['open age range', { ageAtDiagnosis: { max: 45 } }],
  ['year range', { yearOfDiagnosis: { min: 2012, max: 2016 } }],
  ['open year range', { yearOfDiagnosis: { min: 2020 } }],
  ['two cancer sites', { cancerSites: ['LUNG', 'BRAIN'] }],
  ['site AND modality AND body part, on one series', { cancerSites: ['LUNG'], modalities: ['PT'], bodyParts: ['CHEST'] }],
  ['modality AND body part that FHIR matches on different series', { modalities: ['CT'], bodyParts: ['BREAST'] }],
  ['manufacturer prefix', { manufacturers: ['siemens'] }],
  ['manufacturers OR, AND modality AND sex', { manufacturers: ['ge', 'Philips'], modalities: ['CT'], sex: ['FEMALE'] }],
  ['collections AND age', { collections: ['FH-BREAST', 'FH-BRAIN'], ageAtDiagnosis: { min: 60 } }],
  ['year AND site AND sex', { yearOfDiagnosis: { min: 2010, max: 2018 }, cancerSites: ['PROSTATE', 'LUNG'], sex: ['MALE'] }],
  ['a site no case has', { cancerSites: ['KIDNEY'] }],
  ['a modality nobody has', { modalities: ['SM'] }],
  ['contradicting site and collection', { cancerSites: ['BREAST'], collections: ['FH-LUNG'] }],
  ['a modality only on series without body part', { modalities: ['SR'], bodyParts: ['CHEST', 'BREAST'] }],
];

/** Case-list filters the native pre-selection decides exactly (totalCount known). */
export const EXACT_CASE_FILTERS: Array<[string, CaseFilter]> = [
  ['no filter', {}],
  ['one modality', { modalities: ['CT'] }],
  ['two sexes', { sex: ['FEMALE', 'OTHER'] }],
  ['collections AND sex', { collections: ['FH-LUNG', 'FH-BRAIN'], sex: ['MALE', 'FEMALE'] }],
];

/** Case-list filters evaluated locally on the candidates (totalCount null). */
export const REFINED_CASE_FILTERS: Array<[string, CaseFilter]> = [
  ['age range', { ageAtDiagnosis: { min: 50, max: 65 } }],
  ['year AND site', { yearOfDiagnosis: { min: 2011 }, cancerSites: ['BREAST', 'PROSTATE'] }],
  ['modality AND body part on one series', { modalities: ['MR'], bodyParts: ['PELVIS', 'PROSTATE'] }],
  ['manufacturer', { manufacturers: ['philips'] }],
  ['sex UNKNOWN', { sex: ['UNKNOWN', 'MALE'] }],
  ['collections AND body part (display-only codings exist)', { collections: ['FH-LUNG', 'FH-BRAIN'], bodyParts: ['CHEST', 'BRAIN', 'HEAD'] }],
];
