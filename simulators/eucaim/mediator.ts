/**
 * A EUCAIM Tier-2 node mediator over synthetic data: what Focus (`ENDPOINT_TYPE: eucaim-api`) calls at a node,
 * `GET /search?gender=&diagnosis=&modality=&bodyPart=&manufacturer=` (native-apis README 1.1.2 item 4), answering
 * subjects and studies per collection in the shape of Focus' `EucaimResponse` (1.1.2 item 5), dirt included.
 *
 * The mediator contract beyond what Focus sends is UNVERIFIED (README "Open questions": D5.6 tables 14-16 are not
 * public), so where the docs are silent this simulator makes a choice and says so:
 *
 * - Counting follows the unified semantics (schema/cancer-case.graphql, subgraphs/sdk/evaluate.ts): image criteria
 *   select series, a subject counts when one of its series satisfies all image criteria, and a study counts when it
 *   holds such a series. Without image criteria every study of a matching subject counts.
 * - One value per parameter: a repeated parameter (`modality=MR&modality=CT`) is read as its first value, the rest
 *   is dropped without a word (what `query.get(name)` does in most web frameworks).
 * - THE QUIRK: like the real node, it silently ignores what it does not understand. An unknown parameter
 *   (`age=60`, `collection=x`) and a value outside the documented vocabulary (`modality=MG`, `gender=Male`,
 *   `bodyPart=chest`) are dropped, and the answer counts as if the criterion had not been sent: an over-count with
 *   HTTP 200 and no warning. The adapter must never rely on it (it sends only vocabulary values).
 * - Collections without a matching subject are left out of `collections` (what a GROUP BY over the matches gives,
 *   as Focus' eucaim-sql does); `total` counts every matching subject and study.
 * - Focus injects `provider` (and `provider_icon`) into the mediator's JSON; the simulator includes `provider` so the
 *   answer looks like what reaches the UI.
 *
 * Vocabulary (1.1.2 item 4, 1.1.3) and its meaning here:
 * - gender male/female/other/unknown → sex MALE/FEMALE/OTHER/UNKNOWN (DICOM M/F/O/empty).
 * - diagnosis SNOMEDCT363406005 colon, SNOMEDCT254837009 breast, SNOMEDCT363358000 lung, SNOMEDCT399068003
 *   prostate → the case's primary site (ICD-O-3 topography C18, C50, C33-C34, C61). SNOMEDCT363484005 "Pelvis
 *   Cancer" names no organ: it is read as malignant neoplasm of pelvis, ill-defined site (ICD-O-3 C76.3), which
 *   the synthetic profiles never produce, so it matches nobody unless the data holds C76.3.
 * - modality MR/CT → MR/CT, PET → PT, SPECT → NM (DICOM stores SPECT as NM, PS3.3 C.8.4; the unified code table
 *   schema/codes/modality.ts maps SPECT to NM as well).
 * - bodyPart breast/colon/lung/pelvis/prostate → series whose normalised BodyPartExamined is BREAST/COLON/LUNG/
 *   PELVIS/PROSTATE ("Pelvis^Masculin" is PELVIS; "CHEST" and "TORAX" are not lung).
 * - manufacturer Siemens / General Electric / Philips / Toshiba → series whose Manufacturer names that vendor
 *   (schema/codes/manufacturer.ts: "SIEMENS", "Siemens Healthineers"; "GE MEDICAL SYSTEMS", "GE Healthcare").
 *
 * Dirt in the answer (1.1.2 item 5): the gender list says "Unkown"; `body_parts` are the raw BodyPartExamined
 * strings (trailing spaces, "TORAX", "Pelvis^Masculin") with "Unknown" for series without one; modalities are the
 * raw DICOM codes of the selected series, under the key `modalities` for the 1st, 3rd, ... collection and
 * `modality` for the 2nd, 4th, ... (nodes differ; the UI's type accepts both); `age_range` is the min and max age
 * at diagnosis as the data holds them, implausible values (965) included.
 */
import type { CancerSite, Modality, BodyPart, Sex } from '../../schema/generated/graphql';
import { matchCase } from '../../subgraphs/sdk/evaluate';
import type { NormalizedFilter } from '../../subgraphs/sdk/filter';
import type { FullCaseRecord } from '../../subgraphs/sdk/records';
import { startSimulator, type Faults, type RunningSimulator, type SimulatorRequest, type SimulatorResponse } from '../http-server';
import type { SyntheticRepositoryData } from '../synthetic/model';
import { toUnifiedCases } from '../synthetic/unified';

export interface EucaimMediatorSimulatorOptions {
  data: SyntheticRepositoryData;
  /** Provider name Focus would inject, e.g. "CHAIMELEON". */
  provider: string;
  port?: number;
  faults?: Faults;
  basicAuth?: { username: string; password: string };
}

export type RunningEucaimMediator = RunningSimulator & {
  /** Base URL of the mediator; the search endpoint is `${baseUrl}/search`. */
  baseUrl: string;
};

// The mediator's vocabulary, written out here rather than imported from the adapter so that the simulator stays
// an independent reading of the documented protocol.
const GENDER: Record<string, Sex> = { male: 'MALE', female: 'FEMALE', other: 'OTHER', unknown: 'UNKNOWN' };
const DIAGNOSIS: Record<string, (c: FullCaseRecord) => boolean> = {
  SNOMEDCT363406005: (c) => siteOf(c) === 'COLON',
  SNOMEDCT254837009: (c) => siteOf(c) === 'BREAST',
  SNOMEDCT363358000: (c) => siteOf(c) === 'LUNG',
  SNOMEDCT399068003: (c) => siteOf(c) === 'PROSTATE',
  SNOMEDCT363484005: (c) => /^C76\.?3/i.test(c.diagnosis?.icdO3Topography ?? ''),
};
const MODALITY: Record<string, Modality> = { MR: 'MR', CT: 'CT', PET: 'PT', SPECT: 'NM' };
const BODY_PART: Record<string, BodyPart> = { breast: 'BREAST', colon: 'COLON', lung: 'LUNG', pelvis: 'PELVIS', prostate: 'PROSTATE' };
// Lower-case vendor names: the unified manufacturer match (vendor or name prefix) then selects exactly that vendor.
const MANUFACTURER: Record<string, string> = { Siemens: 'siemens', 'General Electric': 'general electric', Philips: 'philips', Toshiba: 'toshiba' };

/** Gender labels in the order of the Focus mock, with its typo. */
const GENDER_LABELS: ReadonlyArray<readonly [Sex, string]> = [['MALE', 'Male'], ['FEMALE', 'Female'], ['OTHER', 'Other'], ['UNKNOWN', 'Unkown']];

function siteOf(record: FullCaseRecord): CancerSite {
  return record.diagnosis?.cancerSite ?? 'UNKNOWN';
}

interface Criteria {
  filter: NormalizedFilter;
  diagnosis?: (c: FullCaseRecord) => boolean;
}

/** Reads the five documented parameters, one value each; everything else is silently dropped (the quirk). */
export function mediatorCriteria(params: URLSearchParams): Criteria {
  const filter: NormalizedFilter = {};
  const read = <T>(name: string, table: Record<string, T>): T | undefined => {
    const value = params.get(name);
    return value !== null && Object.prototype.hasOwnProperty.call(table, value) ? table[value] : undefined;
  };
  const sex = read('gender', GENDER);
  if (sex) filter.sex = [sex];
  const modality = read('modality', MODALITY);
  if (modality) filter.modalities = [modality];
  const bodyPart = read('bodyPart', BODY_PART);
  if (bodyPart) filter.bodyParts = [bodyPart];
  const manufacturer = read('manufacturer', MANUFACTURER);
  if (manufacturer) filter.manufacturers = [manufacturer];
  return { filter, diagnosis: read('diagnosis', DIAGNOSIS) };
}

interface CollectionTally {
  subjects: number;
  studies: number;
  minAge: number | null;
  maxAge: number | null;
  sexes: Set<Sex>;
  modalities: Set<string>;
  bodyParts: Set<string>;
}

/** The JSON body a node answers to a search with these parameters. */
export function mediatorAnswer(data: SyntheticRepositoryData, cases: readonly FullCaseRecord[], provider: string, params: URLSearchParams): Record<string, unknown> {
  const { filter, diagnosis } = mediatorCriteria(params);
  const tallies = new Map<string, CollectionTally>();
  let subjects = 0;
  let studies = 0;
  for (const record of cases) {
    if (diagnosis && !diagnosis(record)) continue;
    const matched = matchCase(record, filter);
    if (!matched) continue;
    subjects++;
    studies += matched.length;
    const key = record.collection ?? '';
    let tally = tallies.get(key);
    if (!tally) {
      tally = { subjects: 0, studies: 0, minAge: null, maxAge: null, sexes: new Set(), modalities: new Set(), bodyParts: new Set() };
      tallies.set(key, tally);
    }
    tally.subjects++;
    tally.studies += matched.length;
    tally.sexes.add(record.sex ?? 'UNKNOWN');
    const age = record.ageAtDiagnosis;
    if (age !== null && age !== undefined) {
      tally.minAge = tally.minAge === null ? age : Math.min(tally.minAge, age);
      tally.maxAge = tally.maxAge === null ? age : Math.max(tally.maxAge, age);
    }
    for (const { series } of matched) {
      for (const s of series) {
        if (s.modalityRaw) tally.modalities.add(s.modalityRaw);
        tally.bodyParts.add(s.bodyPartRaw ?? 'Unknown');
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
      gender: GENDER_LABELS.filter(([sex]) => tally.sexes.has(sex)).map(([, label]) => label),
      [modalityKey]: [...tally.modalities].sort(),
      body_parts: [...tally.bodyParts].sort(),
    }];
  });
  return { provider, collections, total: { studies_count: studies, subjects_count: subjects } };
}

export async function startEucaimMediatorSimulator(options: EucaimMediatorSimulatorOptions): Promise<RunningEucaimMediator> {
  const cases = toUnifiedCases(options.data);
  const handler = (request: SimulatorRequest): SimulatorResponse => {
    if (request.url.pathname !== '/search') {
      return { status: 404, headers: { 'Content-Type': 'application/json' }, body: { error: 'Not Found' } };
    }
    if (request.method !== 'GET') {
      return { status: 405, headers: { 'Content-Type': 'application/json', Allow: 'GET' }, body: { error: 'Method Not Allowed' } };
    }
    return { body: mediatorAnswer(options.data, cases, options.provider, request.url.searchParams) };
  };
  const running = await startSimulator(
    { name: `EUCAIM mediator simulator (${options.provider})`, port: options.port, basicAuth: options.basicAuth, faults: options.faults },
    handler,
  );
  return Object.assign(running, { baseUrl: running.origin });
}
