/**
 * Deterministic synthetic cancer-imaging data for one repository: the same spec gives the same cases.
 */
import type { CancerSite } from '../../schema/generated/graphql';
import { Random } from './random';
import type { SyntheticCase, SyntheticCollection, SyntheticRepositoryData, SyntheticSeries, SyntheticStudy } from './model';
import { MAMMOGRAPHY_MANUFACTURERS, MANUFACTURERS, SERIES_SHAPE, SITE_PROFILES, STAGE_GROUPS, type Language, type SiteProfile } from './profiles';

export interface CollectionSpec {
  id: string;
  name: string;
  cancerSite: CancerSite;
  /** Relative share of the repository's cases. */
  weight?: number;
  description?: string;
  licence?: string;
  doi?: string;
}

export interface RepositoryDataSpec {
  repositoryId: string;
  seed: number;
  cases: number;
  /** Prefix of the pseudonymous subject ids, e.g. "HD". */
  subjectPrefix: string;
  collections: CollectionSpec[];
  /** Local language of raw values such as BodyPartExamined. */
  language?: Language;
  /** Range of years of diagnosis. */
  years?: [number, number];
  /** Upper bound of instances per series, to keep a real PACS seeding small in tests. */
  maxInstancesPerSeries?: number;
}

export function generateRepositoryData(spec: RepositoryDataSpec): SyntheticRepositoryData {
  const random = new Random(spec.seed);
  const collections: SyntheticCollection[] = spec.collections.map((c) => ({
    id: c.id,
    name: c.name,
    cancerSite: c.cancerSite,
    description: c.description ?? `${c.name}: synthetic demo collection of ${c.cancerSite.toLowerCase().replace(/_/g, ' ')} cancer imaging.`,
    licence: c.licence ?? 'CC BY 4.0',
    doi: c.doi ?? `10.99999/demo.${spec.repositoryId}.${c.id}`.toLowerCase(),
  }));
  const weights = spec.collections.map((c, i) => [i, c.weight ?? 1] as const);
  const perCollection = new Map<string, number>();
  const cases: SyntheticCase[] = [];
  for (let i = 0; i < spec.cases; i++) {
    const collection = collections[random.weighted(weights)];
    const ordinal = (perCollection.get(collection.id) ?? 0) + 1;
    perCollection.set(collection.id, ordinal);
    // TCIA-style pseudonyms: prefix, collection, ordinal ("HD-LUNG-0001"); a collection id that already starts
    // with the prefix is not repeated.
    const collectionPart = collection.id.startsWith(`${spec.subjectPrefix}-`) ? collection.id.slice(spec.subjectPrefix.length + 1) : collection.id;
    const subjectId = `${spec.subjectPrefix}-${collectionPart}-${String(ordinal).padStart(4, '0')}`;
    cases.push(generateCase(random, spec, collection, subjectId));
  }
  cases.sort((a, b) => (a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : 0));
  return { repositoryId: spec.repositoryId, collections, cases };
}

function profileOf(site: CancerSite): SiteProfile {
  const profile = SITE_PROFILES[site];
  if (!profile) throw new Error(`no synthetic profile for cancer site ${site}`);
  return profile;
}

function generateCase(random: Random, spec: RepositoryDataSpec, collection: SyntheticCollection, subjectId: string): SyntheticCase {
  const profile = profileOf(collection.cancerSite);
  const sex = random.chance(0.01) ? random.pick(['O', ''] as const) : random.chance(profile.male) ? 'M' : 'F';
  const age = random.normalInt(profile.age.mean, profile.age.sd, profile.age.min, profile.age.max);
  const [firstYear, lastYear] = spec.years ?? [2008, 2024];
  const year = random.int(firstYear, lastYear);
  const topography = random.pick(profile.topographies);
  const [morphology, description] = random.pick(profile.morphologies);
  const studyCount = random.weighted([[1, 3], [2, 4], [3, 2], [4, 1]] as const);
  const studies: SyntheticStudy[] = [];
  // The first study falls in the year of diagnosis; follow-ups come 2 to 14 months apart.
  let monthsSinceDiagnosis = 0;
  const firstMonth = random.int(0, 11);
  for (let s = 0; s < studyCount; s++) {
    studies.push(generateStudy(random, spec, profile, year, firstMonth, monthsSinceDiagnosis, age, subjectId, s));
    monthsSinceDiagnosis += random.int(2, 14);
  }
  return {
    subjectId,
    collectionId: collection.id,
    sex,
    ageAtDiagnosis: age,
    diagnosis: {
      icd10: icd10FromTopography(topography),
      icdO3Topography: topography,
      icdO3Morphology: morphology,
      description,
      year,
      stage: profile.staged && random.chance(0.75) ? generateStage(random) : null,
    },
    studies,
  };
}

// ICD-10 shares the category with ICD-O-3 topography; C61, C20, C64, C73 have no subdivision in ICD-10.
function icd10FromTopography(topography: string): string {
  const category = topography.slice(0, 3);
  return ['C61', 'C20', 'C64', 'C73', 'C56', 'C19'].includes(category) ? category : topography;
}

function generateStage(random: Random) {
  const group = random.pick(STAGE_GROUPS);
  const advanced = group.startsWith('III') || group === 'IV';
  return {
    group,
    t: `T${advanced ? random.int(2, 4) : random.int(1, 2)}`,
    n: `N${advanced ? random.int(1, 3) : 0}`,
    m: group === 'IV' ? 'M1' : 'M0',
    system: 'AJCC 8th',
  };
}

function generateStudy(
  random: Random, spec: RepositoryDataSpec, profile: SiteProfile, year: number, firstMonth: number,
  monthsSinceDiagnosis: number, age: number, subjectId: string, index: number,
): SyntheticStudy {
  const primary = random.weighted(profile.modalities);
  const absoluteMonth = firstMonth + monthsSinceDiagnosis;
  const studyYear = year + Math.floor(absoluteMonth / 12);
  const date = `${studyYear}${String((absoluteMonth % 12) + 1).padStart(2, '0')}${String(random.int(1, 28)).padStart(2, '0')}`;
  const [manufacturer, model] = random.weighted(
    (primary === 'MG' ? MAMMOGRAPHY_MANUFACTURERS : MANUFACTURERS).map(([name, m, w]) => [[name, m], w] as const),
  );
  const bodyParts = [...profile.bodyParts, ...(profile.localBodyParts[spec.language ?? 'en'] ?? [])];
  const studyBodyPart = random.pick(bodyParts);
  const shape = SERIES_SHAPE[primary] ?? SERIES_SHAPE.CT;
  const seriesCount = random.int(shape.series[0], shape.series[1]);
  const series: SyntheticSeries[] = [];
  const modalities = primary === 'PT' ? ['PT', 'CT'] : [primary];
  for (let n = 0; n < seriesCount; n++) series.push(generateSeries(random, spec, modalities[n % modalities.length], studyBodyPart, manufacturer, model, n + 1));
  // Derived objects that follow image review: segmentations and structured reports.
  if (random.chance(0.15)) series.push(generateSeries(random, spec, 'SEG', studyBodyPart, 'QIICR', 'dcmqi', series.length + 1));
  if (random.chance(0.1)) series.push(generateSeries(random, spec, 'SR', null, manufacturer, model, series.length + 1));
  return {
    uid: random.uid(),
    date,
    description: random.pick(profile.studyDescriptions),
    accessionNumber: `${subjectId.replace(/[^A-Z0-9]/gi, '').slice(0, 8)}${index + 1}${random.int(1000, 9999)}`,
    patientAge: `${String(age + Math.floor(monthsSinceDiagnosis / 12)).padStart(3, '0')}Y`,
    series,
  };
}

function generateSeries(
  random: Random, spec: RepositoryDataSpec, modality: string, bodyPart: string | null,
  manufacturer: string | null, model: string | null, number: number,
): SyntheticSeries {
  const shape = SERIES_SHAPE[modality] ?? SERIES_SHAPE.CT;
  const cap = spec.maxInstancesPerSeries ?? Number.MAX_SAFE_INTEGER;
  const instanceCount = Math.min(cap, random.int(shape.instances[0], shape.instances[1]));
  return {
    uid: random.uid(),
    number,
    modality,
    // About one series in twenty has no BodyPartExamined at all, as in real archives.
    bodyPartExamined: random.chance(0.05) ? null : bodyPart,
    manufacturer: random.chance(0.03) ? null : manufacturer,
    manufacturerModelName: model,
    description: `${modality} series ${number}`,
    instanceCount,
    sizeBytes: instanceCount * shape.bytesPerInstance,
  };
}
