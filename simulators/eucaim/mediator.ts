/**
 * A EUCAIM Tier-2 node mediator over synthetic data: what Focus (`ENDPOINT_TYPE: eucaim-api`) calls at a node,
 * `GET /search?gender=&diagnosis=&modality=&bodyPart=&manufacturer=` (native-apis README 1.1.2 item 4), answering
 * subjects and studies per collection in the shape of Focus' `EucaimResponse` (1.1.2 item 5), dirt included.
 *
 * It counts with its own reading of the raw data (DICOM sex, ICD-O-3 topography, DICOM modality, BodyPartExamined
 * and Manufacturer strings), written out here rather than imported from the adapter, the SDK or the code tables, so
 * that it stands for a node somebody else wrote: where the two readings of the raw values differ, the tests show it.
 *
 * The mediator contract beyond what Focus sends is UNVERIFIED (README "Open questions": D5.6 tables 14-16 are not
 * public), so where the docs are silent this simulator makes a choice and says so:
 *
 * - Image criteria select series: a subject counts when one of its series satisfies all image criteria given, and a
 *   study counts when it holds such a series. Without image criteria every study of a matching subject counts.
 * - One value per parameter: a repeated parameter (`modality=MR&modality=CT`) is read as its first value, the rest
 *   is dropped without a word (what `query.get(name)` does in most web frameworks).
 * - THE QUIRK: like the real node, it silently ignores what it does not understand. An unknown parameter
 *   (`age=60`, `collection=x`) and a value outside the documented vocabulary (`modality=MG`, `gender=Male`,
 *   `bodyPart=chest`) are dropped, and the answer counts as if the criterion had not been sent: an over-count with
 *   HTTP 200 and no warning. Option `ignoredParams` makes it ignore documented parameters too (a node whose local
 *   search does not implement them): only the answer's per-collection lists (gender, modalities, body parts) show it.
 * - Collections without a matching subject are left out of `collections` (what a GROUP BY over the matches gives,
 *   as Focus' eucaim-sql does); `total` counts every matching subject and study.
 * - Focus injects `provider` (and `provider_icon`) into the mediator's JSON; the simulator includes `provider` so the
 *   answer looks like what reaches the UI.
 *
 * Vocabulary (1.1.2 item 4, 1.1.3) and its meaning here:
 * - gender male/female/other/unknown → DICOM (0010,0040) M/F/O/empty.
 * - diagnosis SNOMEDCT363406005 colon, SNOMEDCT254837009 breast, SNOMEDCT363358000 lung, SNOMEDCT399068003
 *   prostate → the case's ICD-O-3 topography C18, C50, C33-C34, C61. SNOMEDCT363484005 "Pelvis Cancer" names no
 *   organ: it is read as malignant neoplasm of pelvis, ill-defined site (C76.3), which the synthetic profiles never
 *   produce, so it matches nobody unless the data holds C76.3.
 * - modality MR/CT → MR/CT, PET → PT, SPECT → NM (DICOM stores SPECT as NM, PS3.3 C.8.4).
 * - bodyPart breast/colon/lung/pelvis/prostate → series whose BodyPartExamined names that organ or region in the
 *   languages the node's sites write ("Pelvis^Masculin", "BECKEN", "BASSIN" are pelvis; "CHEST" and "TORAX" are not
 *   lung; "ABDOMENPELVIS" is not pelvis alone).
 * - manufacturer Siemens / General Electric / Philips / Toshiba → series whose Manufacturer names that vendor
 *   ("SIEMENS", "Siemens Healthineers"; "GE MEDICAL SYSTEMS", "GE Healthcare"; "Philips Medical Systems"; "TOSHIBA").
 *
 * Dirt in the answer (1.1.2 item 5): the gender list says "Unkown"; `body_parts` are the raw BodyPartExamined
 * strings (trailing spaces, "TORAX", "Pelvis^Masculin") with "Unknown" for series without one; modalities are the
 * raw DICOM codes of the selected series, under the key `modalities` for the 1st, 3rd, ... collection and
 * `modality` for the 2nd, 4th, ... (nodes differ; the UI's type accepts both); `age_range` is the min and max age
 * at diagnosis as the data holds them, implausible values (965) included.
 */
import { startSimulator, type Faults, type RunningSimulator, type SimulatorRequest, type SimulatorResponse } from '../http-server';
import type { SyntheticCase, SyntheticRepositoryData, SyntheticSeries } from '../synthetic/model';

export type MediatorParam = 'gender' | 'diagnosis' | 'modality' | 'bodyPart' | 'manufacturer';

export interface EucaimMediatorSimulatorOptions {
  data: SyntheticRepositoryData;
  /** Provider name Focus would inject, e.g. "CHAIMELEON". */
  provider: string;
  /** Documented parameters this node's search does not implement: dropped like unknown ones. */
  ignoredParams?: MediatorParam[];
  port?: number;
  faults?: Faults;
  basicAuth?: { username: string; password: string };
}

export type RunningEucaimMediator = RunningSimulator & {
  /** Base URL of the mediator; the search endpoint is `${baseUrl}/search`. */
  baseUrl: string;
};

type Gender = 'male' | 'female' | 'other' | 'unknown';

function genderOf(dicom: string): Gender {
  return ({ M: 'male', F: 'female', O: 'other' } as Record<string, Gender>)[dicom.trim().toUpperCase()] ?? 'unknown';
}

/** ICD-O-3 topography categories per diagnosis key; "Pelvis Cancer" as C76.3. */
const DIAGNOSIS: Record<string, (topography: string) => boolean> = {
  SNOMEDCT363406005: (t) => /^C18/i.test(t),
  SNOMEDCT254837009: (t) => /^C50/i.test(t),
  SNOMEDCT363358000: (t) => /^C3[34]/i.test(t),
  SNOMEDCT399068003: (t) => /^C61/i.test(t),
  SNOMEDCT363484005: (t) => /^C76\.?3/i.test(t),
};

const MODALITY: Record<string, string> = { MR: 'MR', CT: 'CT', PET: 'PT', SPECT: 'NM' };

/** The organ or region words of BodyPartExamined, per mediator body part, as this node's sites write them. */
const BODY_PART_WORDS: Record<string, readonly string[]> = {
  breast: ['BREAST', 'MAMA', 'SEIN', 'BRUST', 'MAMMA', 'MAMMELLA'],
  colon: ['COLON', 'KOLON'],
  lung: ['LUNG', 'LUNGS', 'LUNGE', 'PULMON', 'POUMON', 'POLMONE'],
  pelvis: ['PELVIS', 'BECKEN', 'BASSIN', 'PELVI'],
  prostate: ['PROSTATE', 'PROSTATA'],
};

function bodyPartMatches(raw: string | null, bodyPart: string): boolean {
  if (raw === null) return false;
  const folded = raw.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/[\^_,;/\\.-]+/g, ' ').replace(/\s+/g, ' ').trim();
  const words = BODY_PART_WORDS[bodyPart];
  return words.includes(folded) || words.includes(folded.split(' ')[0]);
}

/** Manufacturer strings per vendor, as scanners write them (prefix match, case-insensitive). */
const MANUFACTURER: Record<string, readonly string[]> = {
  Siemens: ['siemens'],
  'General Electric': ['ge ', 'general electric'],
  Philips: ['philips'],
  // Canon bought Toshiba's medical business, but scanners sold as Canon say so: they are not Toshiba's.
  Toshiba: ['toshiba'],
};

function manufacturerMatches(raw: string | null, vendor: string): boolean {
  const name = (raw ?? '').trim().toLowerCase();
  return name !== '' && (MANUFACTURER[vendor].some((prefix) => name.startsWith(prefix)) || (vendor === 'General Electric' && name === 'ge'));
}

/** Gender labels in the order of the Focus mock, with its typo. */
const GENDER_LABELS: ReadonlyArray<readonly [Gender, string]> = [['male', 'Male'], ['female', 'Female'], ['other', 'Other'], ['unknown', 'Unkown']];

export interface MediatorCriteria {
  gender?: Gender;
  diagnosis?: (topography: string) => boolean;
  modality?: string;
  bodyPart?: string;
  manufacturer?: string;
}

/** Reads the five documented parameters, one value each; everything else is silently dropped (the quirk). */
export function mediatorCriteria(params: URLSearchParams, ignored: readonly MediatorParam[] = []): MediatorCriteria {
  const read = <T>(name: MediatorParam, table: Record<string, T>): T | undefined => {
    const value = params.get(name);
    return value !== null && !ignored.includes(name) && Object.prototype.hasOwnProperty.call(table, value) ? table[value] : undefined;
  };
  const genders: Record<string, Gender> = { male: 'male', female: 'female', other: 'other', unknown: 'unknown' };
  const bodyParts = Object.fromEntries(Object.keys(BODY_PART_WORDS).map((b) => [b, b]));
  const vendors = Object.fromEntries(Object.keys(MANUFACTURER).map((m) => [m, m]));
  return {
    gender: read('gender', genders),
    diagnosis: read('diagnosis', DIAGNOSIS),
    modality: read('modality', MODALITY),
    bodyPart: read('bodyPart', bodyParts),
    manufacturer: read('manufacturer', vendors),
  };
}

function seriesMatches(series: SyntheticSeries, criteria: MediatorCriteria): boolean {
  if (criteria.modality && series.modality.trim().toUpperCase() !== criteria.modality) return false;
  if (criteria.bodyPart && !bodyPartMatches(series.bodyPartExamined, criteria.bodyPart)) return false;
  if (criteria.manufacturer && !manufacturerMatches(series.manufacturer, criteria.manufacturer)) return false;
  return true;
}

/** The studies of a case the criteria select, each with its selected series; null when the case does not match. */
function matchedStudies(c: SyntheticCase, criteria: MediatorCriteria): Array<{ series: SyntheticSeries[] }> | null {
  if (criteria.gender && genderOf(c.sex) !== criteria.gender) return null;
  if (criteria.diagnosis && !criteria.diagnosis(c.diagnosis.icdO3Topography)) return null;
  const image = Boolean(criteria.modality || criteria.bodyPart || criteria.manufacturer);
  const studies = c.studies
    .map((s) => ({ series: image ? s.series.filter((x) => seriesMatches(x, criteria)) : s.series }))
    .filter((s) => !image || s.series.length > 0);
  return image && studies.length === 0 ? null : studies;
}

interface CollectionTally {
  subjects: number;
  studies: number;
  minAge: number | null;
  maxAge: number | null;
  genders: Set<Gender>;
  modalities: Set<string>;
  bodyParts: Set<string>;
}

/** The JSON body a node answers to a search with these parameters. */
export function mediatorAnswer(data: SyntheticRepositoryData, provider: string, params: URLSearchParams, ignored: readonly MediatorParam[] = []): Record<string, unknown> {
  const criteria = mediatorCriteria(params, ignored);
  const tallies = new Map<string, CollectionTally>();
  let subjects = 0;
  let studies = 0;
  for (const c of data.cases) {
    const matched = matchedStudies(c, criteria);
    if (!matched) continue;
    subjects++;
    studies += matched.length;
    let tally = tallies.get(c.collectionId);
    if (!tally) {
      tally = { subjects: 0, studies: 0, minAge: null, maxAge: null, genders: new Set(), modalities: new Set(), bodyParts: new Set() };
      tallies.set(c.collectionId, tally);
    }
    tally.subjects++;
    tally.studies += matched.length;
    tally.genders.add(genderOf(c.sex));
    tally.minAge = tally.minAge === null ? c.ageAtDiagnosis : Math.min(tally.minAge, c.ageAtDiagnosis);
    tally.maxAge = tally.maxAge === null ? c.ageAtDiagnosis : Math.max(tally.maxAge, c.ageAtDiagnosis);
    for (const { series } of matched) {
      for (const s of series) {
        if (s.modality) tally.modalities.add(s.modality);
        tally.bodyParts.add(s.bodyPartExamined ?? 'Unknown');
      }
    }
  }
  const collections = data.collections.flatMap((collection, index) => {
    const tally = tallies.get(collection.id);
    if (!tally) return [];
    const modalityKey = index % 2 === 0 ? 'modalities' : 'modality';
    return [{
      id: collection.id,
      name: collection.name,
      description: collection.description,
      subjects_count: tally.subjects,
      studies_count: tally.studies,
      age_range: { min: tally.minAge, max: tally.maxAge },
      gender: GENDER_LABELS.filter(([g]) => tally.genders.has(g)).map(([, label]) => label),
      [modalityKey]: [...tally.modalities].sort(),
      body_parts: [...tally.bodyParts].sort(),
    }];
  });
  return { provider, collections, total: { studies_count: studies, subjects_count: subjects } };
}

export async function startEucaimMediatorSimulator(options: EucaimMediatorSimulatorOptions): Promise<RunningEucaimMediator> {
  const ignored = options.ignoredParams ?? [];
  const handler = (request: SimulatorRequest): SimulatorResponse => {
    if (request.url.pathname !== '/search') {
      return { status: 404, headers: { 'Content-Type': 'application/json' }, body: { error: 'Not Found' } };
    }
    if (request.method !== 'GET') {
      return { status: 405, headers: { 'Content-Type': 'application/json', Allow: 'GET' }, body: { error: 'Method Not Allowed' } };
    }
    return { body: mediatorAnswer(options.data, options.provider, request.url.searchParams, ignored) };
  };
  const running = await startSimulator(
    { name: `EUCAIM mediator simulator (${options.provider})`, port: options.port, basicAuth: options.basicAuth, faults: options.faults },
    handler,
  );
  return Object.assign(running, { baseUrl: running.origin });
}
