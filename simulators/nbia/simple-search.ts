/**
 * POST getSimpleSearch as NBIA v4 implements it (README §2a "Search with paging", corrected by §7.3; server source
 * SearchUtil.getPatients, PatientSummaryFactory, ResultSetSorter):
 * - criteria are indexed form pairs `criteriaType<i>`/`value<i>`, read from i = 0 until the first missing index;
 *   type names compare case-insensitively; unknown types pass through (ignored);
 * - the same type repeated ORs its values, different types AND together; the series-level criteria (modality,
 *   anatomical site, manufacturer) must hold on the same series; values match the raw stored strings exactly;
 * - `sortField`, `sortDirection`, `start` and `size` are required: without one the server throws (HTTP 500, HTML);
 * - the result is sorted, then sliced [start, start+size); `start` beyond the total throws in `subList`;
 * - `totalPatients` and the facet arrays ({value,count}, one count per patient) cover every match, before paging;
 * - the ids are internal integer keys, and studyIdentifiers lists only the studies and series that matched;
 * - `PhantomCriteria`: "1" leaves phantom subjects out, "2" keeps only them, "0" or none keeps everyone
 *   (PhantomCriteria.java ExcludePhantom / PhantomOnly / Everything, applied by DICOMQueryHandlerImpl); phantoms
 *   have no species, so a SpeciesCriteria leaves them out.
 */
import type { SimulatorResponse } from '../http-server';
import { json, plainText, tomcatError } from './responses';
import { HUMAN_SPECIES_CODE } from './rows';
import type { NbiaPatient, NbiaSeries, NbiaStore } from './store';

/** What the server throws; the router turns it into Tomcat's HTTP 500 page. */
export class UncaughtServerException extends Error {}

interface Criteria {
  collections?: Set<string>;
  sexes?: Set<string>;
  species?: Set<string>;
  modalities?: Set<string>;
  bodyParts?: Set<string>;
  manufacturers?: Set<string>;
  /** TimePointCriteria: the synthetic subjects have no time points, so any such criterion matches nobody. */
  timePoints?: boolean;
  /** PhantomCriteria, upper-cased as the server does: "1" exclude, "2" only, "0" everything. */
  phantom?: string;
}

interface PatientResult {
  subjectId: string;
  project: string;
  id: number;
  totalNumberOfStudies: number;
  totalNumberOfSeries: number;
  studyIdentifiers: Array<{ studyIdentifier: number; seriesIdentifiers: number[]; seriesAndModality: Array<{ seriesId: number; modality: string }> }>;
  modalities: string[];
  bodyParts: string[];
  species: string[];
  timepoints: Record<string, never>;
}

const SORT_KEYS: Record<string, (r: PatientResult) => string | number> = {
  subject: (r) => r.subjectId,
  study: (r) => r.totalNumberOfStudies,
  series: (r) => r.totalNumberOfSeries,
  collection: (r) => r.project,
  totalNumberOfStudies: (r) => r.totalNumberOfStudies,
  totalNumberOfSeries: (r) => r.totalNumberOfSeries,
};

export function answerSimpleSearch(contentType: string | undefined, body: string, store: NbiaStore, honoursPhantomCriteria = true): SimulatorResponse {
  // The resource consumes a form (MultivaluedMap of form parameters); JAX-RS refuses anything else.
  if (!/^application\/x-www-form-urlencoded/i.test(contentType ?? '')) {
    return plainText(415, 'Unsupported Media Type: getSimpleSearch takes application/x-www-form-urlencoded');
  }
  try {
    return json(search(new URLSearchParams(body), store, honoursPhantomCriteria));
  } catch (error) {
    if (error instanceof UncaughtServerException) return tomcatError(500, error.message);
    throw error;
  }
}

function search(form: URLSearchParams, store: NbiaStore, honoursPhantomCriteria: boolean) {
  const criteria = readCriteria(form);
  if (!honoursPhantomCriteria) delete criteria.phantom;
  const sortField = required(form, 'sortField');
  const sortDirection = required(form, 'sortDirection');
  const start = javaInt(required(form, 'start'));
  let size = javaInt(required(form, 'size'));

  const matches = store.patients.map((p) => resultFor(p, criteria)).filter((r): r is PatientResult => r !== null);
  const sorted = sortResults(matches, sortField, sortDirection);
  // PatientSummaryFactory.getReturnValue: clamp size, then subList(start, start + size), which throws when start is
  // beyond the list (or negative).
  if (size + start > sorted.length) size = sorted.length - start;
  if (start < 0 || start > sorted.length || size < 0) {
    throw new UncaughtServerException(`java.lang.IndexOutOfBoundsException: fromIndex = ${start}, toIndex = ${start + size}, size = ${sorted.length}`);
  }
  return {
    resultSet: sorted.slice(start, start + size),
    totalPatients: sorted.length,
    bodyParts: facet(matches, (r) => r.bodyParts),
    modalities: facet(matches, (r) => r.modalities),
    collections: facet(matches, (r) => [r.project]),
    species: facet(matches, (r) => r.species),
    minTimepoints: {},
    maxTimepoints: {},
    sort: `${sortField}-${sortDirection}`,
  };
}

function readCriteria(form: URLSearchParams): Criteria {
  const criteria: Criteria = {};
  const add = (key: Exclude<keyof Criteria, 'timePoints' | 'phantom'>, value: string) => (criteria[key] ??= new Set()).add(value);
  for (let i = 0; form.has(`criteriaType${i}`); i++) {
    const type = (form.get(`criteriaType${i}`) ?? '').toLowerCase();
    const value = () => required(form, `value${i}`);
    switch (type) {
      case 'collectioncriteria': add('collections', value()); break;
      case 'patientsexcriteria': add('sexes', value()); break;
      case 'speciescriteria': add('species', value()); break;
      case 'imagemodalitycriteria': add('modalities', value()); break;
      case 'anatomicalsitecriteria': add('bodyParts', value()); break;
      case 'manufacturercriteria': add('manufacturers', value()); break;
      case 'phantomcriteria': criteria.phantom = value().toUpperCase(); break;
      case 'timepointcriteria':
        if (!form.has(`eventType${i}`)) throw new UncaughtServerException('java.lang.Exception: time points must include event type');
        criteria.timePoints = true;
        break;
      default: // Unknown criteria pass through (§7.3).
    }
  }
  return criteria;
}

function resultFor(patient: NbiaPatient, criteria: Criteria): PatientResult | null {
  if (criteria.timePoints) return null;
  if (criteria.phantom === '1' && patient.phantom) return null;
  if (criteria.phantom === '2' && !patient.phantom) return null;
  if (criteria.collections && !criteria.collections.has(patient.collection)) return null;
  if (criteria.sexes && !(patient.sex !== null && criteria.sexes.has(patient.sex))) return null;
  if (criteria.species && (patient.phantom || !criteria.species.has(HUMAN_SPECIES_CODE))) return null;
  const studies = patient.studies
    .map((study) => ({ study, series: study.series.filter((s) => seriesMatches(s, criteria)) }))
    .filter((m) => m.series.length > 0);
  // A patient reaches the result only through series rows that satisfy the query.
  if (studies.length === 0) return null;
  const series = studies.flatMap((m) => m.series);
  return {
    subjectId: patient.patientId,
    project: patient.collection,
    id: patient.pk,
    totalNumberOfStudies: studies.length,
    totalNumberOfSeries: series.length,
    studyIdentifiers: studies.map((m) => ({
      studyIdentifier: m.study.pk,
      seriesIdentifiers: m.series.map((s) => s.pk),
      seriesAndModality: m.series.map((s) => ({ seriesId: s.pk, modality: s.modality })),
    })),
    modalities: sortedDistinct(series.map((s) => s.modality)),
    bodyParts: sortedDistinct(series.map((s) => s.bodyPartExamined)),
    species: patient.phantom ? [] : [HUMAN_SPECIES_CODE],
    timepoints: {},
  };
}

function seriesMatches(series: NbiaSeries, criteria: Criteria): boolean {
  if (criteria.modalities && !criteria.modalities.has(series.modality)) return false;
  if (criteria.bodyParts && !(series.bodyPartExamined !== null && criteria.bodyParts.has(series.bodyPartExamined))) return false;
  if (criteria.manufacturers && !(series.manufacturer !== null && criteria.manufacturers.has(series.manufacturer))) return false;
  return true;
}

/** ResultSetSorter: by the field, then by subject id; descending reverses; an unknown field keeps key order. */
function sortResults(results: PatientResult[], sortField: string, sortDirection: string): PatientResult[] {
  const key = SORT_KEYS[sortField];
  if (!key) return results;
  const sign = sortDirection.toLowerCase() === 'descending' ? -1 : 1;
  return [...results].sort((a, b) => sign * (compare(key(a), key(b)) || compare(a.subjectId, b.subjectId)));
}

function facet(results: readonly PatientResult[], valuesOf: (r: PatientResult) => string[]): Array<{ value: string; count: number }> {
  const counts = new Map<string, number>();
  for (const r of results) for (const value of new Set(valuesOf(r))) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => compare(a, b)).map(([value, count]) => ({ value, count }));
}

function required(form: URLSearchParams, key: string): string {
  const value = form.get(key);
  if (value === null) throw new UncaughtServerException(`java.lang.NullPointerException: form parameter ${key} is missing`);
  return value;
}

/** Integer.parseInt: throws NumberFormatException on anything but an optionally signed decimal integer. */
function javaInt(text: string): number {
  if (!/^[+-]?\d{1,10}$/.test(text)) throw new UncaughtServerException(`java.lang.NumberFormatException: For input string: "${text}"`);
  return Number(text);
}

function sortedDistinct(values: ReadonlyArray<string | null>): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))].sort(compare);
}

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
