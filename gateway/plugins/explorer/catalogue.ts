/**
 * What the explorer page gives Lens: the catalogue of the unified criteria (Lens's `Catalogue`, passed to
 * `setCatalogue`) and the options its components read (`setOptions`: the Spot URL, the result summary's counts,
 * site names, chart labels). Keys and values are this project's own names (catalogue-keys.ts accepts EUCAIM's keys
 * as well); collections and countries come from the federation config, so the page follows config reloads.
 */
import type { FederationConfig } from '../../../config/federation-config';
import { ALL_BODY_PARTS } from '../../../schema/codes/body-part';
import { ALL_CANCER_SITES } from '../../../schema/codes/cancer-site';
import { ALL_MODALITIES } from '../../../schema/codes/modality';
import { ALL_SEXES } from '../../../schema/codes/sex';
import { SPOT_BASE_PATH } from './spot';

/** Lens 0.6 catalogue items, as far as the explorer uses them (node_modules/@samply/lens/dist/lens.d.ts `Category`). */
interface Criterion { key: string; name: string; description?: string }
type Category =
  | { fieldType: 'group'; key: string; name: string; childCategories: Category[] }
  | { fieldType: 'single-select' | 'autocomplete'; key: string; name: string; type: 'EQUALS'; criteria: Criterion[]; infoButtonText?: string[] }
  | { fieldType: 'number'; key: string; name: string; type: 'BETWEEN'; min?: number; max?: number; unitText?: string; infoButtonText?: string[] };

/** "HEAD_AND_NECK" → "Head and neck". */
export function labelOf(name: string): string {
  const words = name.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const criteria = (values: readonly string[], label: (v: string) => string = labelOf): Criterion[] => values.map((key) => ({ key, name: label(key) }));

/** Vendors the manufacturer facet groups by (schema/codes/manufacturer.ts); any name is accepted in a query. */
const VENDORS = ['Siemens', 'GE', 'Philips', 'Toshiba', 'Canon', 'Hologic', 'Fujifilm', 'Agfa', 'Carestream', 'Hitachi', 'United Imaging'];

const COUNTRY_NAMES: Readonly<Record<string, string>> = {
  AT: 'Austria', BE: 'Belgium', CH: 'Switzerland', CZ: 'Czechia', DE: 'Germany', DK: 'Denmark', ES: 'Spain', FI: 'Finland', FR: 'France',
  GR: 'Greece', HU: 'Hungary', IE: 'Ireland', IT: 'Italy', NL: 'Netherlands', NO: 'Norway', PL: 'Poland', PT: 'Portugal', SE: 'Sweden', SI: 'Slovenia',
};

export function explorerCatalogue(config: FederationConfig): Category[] {
  const countries = [...new Set(config.repositories.map((r) => r.country))].sort();
  const collections = config.repositories.flatMap((r) => r.collections.map((c) => ({ key: c.id, name: c.name, description: `${r.name} (${r.country})` })));
  return [
    { fieldType: 'group', key: 'patient', name: 'Patient', childCategories: [
      { fieldType: 'single-select', key: 'sex', name: 'Sex', type: 'EQUALS', criteria: criteria(ALL_SEXES) },
      { fieldType: 'number', key: 'ageAtDiagnosis', name: 'Age at diagnosis', type: 'BETWEEN', min: 0, max: 120, unitText: 'years' },
    ] },
    { fieldType: 'group', key: 'clinical', name: 'Clinical', childCategories: [
      { fieldType: 'single-select', key: 'cancerSites', name: 'Cancer site', type: 'EQUALS', criteria: criteria(ALL_CANCER_SITES) },
      { fieldType: 'number', key: 'yearOfDiagnosis', name: 'Year of diagnosis', type: 'BETWEEN', min: 1900, max: 2100 },
    ] },
    { fieldType: 'group', key: 'image', name: 'Imaging', childCategories: [
      { fieldType: 'single-select', key: 'modalities', name: 'Modality', type: 'EQUALS', criteria: criteria(ALL_MODALITIES, (m) => m),
        infoButtonText: ['Evaluated on series: with body part and manufacturer, one series must satisfy all three.'] },
      { fieldType: 'single-select', key: 'bodyParts', name: 'Body part', type: 'EQUALS', criteria: criteria(ALL_BODY_PARTS) },
      { fieldType: 'single-select', key: 'manufacturers', name: 'Manufacturer', type: 'EQUALS', criteria: criteria(VENDORS, (v) => v) },
    ] },
    { fieldType: 'group', key: 'where', name: 'Data source', childCategories: [
      { fieldType: 'single-select', key: 'country', name: 'Country', type: 'EQUALS', criteria: criteria(countries, (c) => COUNTRY_NAMES[c] ?? c) },
      { fieldType: 'autocomplete', key: 'collections', name: 'Collection', type: 'EQUALS', criteria: collections },
    ] },
  ];
}

/** The charts the page shows: one per facet and subjects per country (stratifier names of repository-answer.ts). */
export const EXPLORER_CHARTS: ReadonlyArray<{ dataKey: string; title: string; chartType: 'pie' | 'bar' }> = [
  { dataKey: 'sex', title: 'Sex', chartType: 'pie' },
  { dataKey: 'ageBand', title: 'Age at diagnosis', chartType: 'bar' },
  { dataKey: 'cancerSite', title: 'Cancer site', chartType: 'bar' },
  { dataKey: 'modality', title: 'Modality', chartType: 'bar' },
  { dataKey: 'bodyPart', title: 'Body part', chartType: 'bar' },
  { dataKey: 'manufacturer', title: 'Manufacturer', chartType: 'bar' },
  { dataKey: 'country', title: 'Subjects per country', chartType: 'bar' },
];

/** Lens's `LensOptions` for the page. */
export function explorerLensOptions(config: FederationConfig): Record<string, unknown> {
  return {
    spotUrl: SPOT_BASE_PATH,
    // The page keeps the query in its own URL parameter; Lens's would hold it base64-encoded twice.
    autoUpdateQueryInUrl: false,
    autoUpdateDatarequestsInUrl: false,
    siteMappings: Object.fromEntries(config.repositories.map((r) => [r.id, r.name])),
    resultSummaryOptions: {
      title: 'Europe-wide',
      infoButtonText: 'Sums of the counts each repository showed you. Withheld counts are left out (the sum is then a lower bound); see the table for each repository.',
      dataTypes: [
        { title: 'Repositories answering', dataKey: 'collections' },
        { title: 'Subjects', dataKey: 'subjects' },
        { title: 'Studies', dataKey: 'studies' },
        { title: 'Series', dataKey: 'series' },
        { title: 'Images', dataKey: 'images' },
      ],
    },
    chartOptions: Object.fromEntries(EXPLORER_CHARTS.map((c) => [c.dataKey, { hintText: [c.dataKey === 'country' ? 'Subjects each country\'s repositories showed you.' : 'Subjects per value; a subject with several values counts under each. Withheld buckets are left out.'] }])),
  };
}
