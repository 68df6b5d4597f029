/**
 * The GET metadata endpoints of NBIA v4 (README §2a table, corrected by §7.3), and of v1 where it has them:
 * - in v4 each has an allow-list of query parameters, case-sensitive: anything else is HTTP 400 (`PatientId` is the
 *   parameter of getPatient, `PatientID` the one of getPatientStudy and getSeries). The v1 resources have no
 *   allow-list (JAX-RS ignores a parameter no @QueryParam names) and getPatientStudy needs no Collection;
 * - rows carry the columns of the version asked (rows.ts); getPatient lists phantoms with `Phantom: "YES"`;
 * - filters are exact matches on the raw stored values ("CHEST" does not match "Chest");
 * - an empty result is HTTP 200 with an empty body;
 * - `get*ValuesAndCounts` answer the v4 shape `[{"<Attribute>": value, "Count": n}]`, with n the number of
 *   distinct patients (ValueAndCountDAOImpl counts `count(distinct p.patient_pk_id)`); body parts stay raw and
 *   case-inconsistent, series without BodyPartExamined are left out, a missing manufacturer counts under "" (the
 *   DAO's `setCriteria("")`).
 */
import type { SimulatorResponse } from '../http-server';
import { jsonRows, plainText } from './responses';
import { patientRow, patientStudyRow, seriesRow, type ApiVersion, type Row } from './rows';
import type { NbiaSeries, NbiaStore } from './store';

type Params = ReadonlyMap<string, string>;

interface Endpoint {
  /** Accepted query parameters, case-sensitive. */
  allowed: readonly string[];
  /** Parameters the endpoint refuses to run without. */
  required?: readonly string[];
  /** Whether `format` selects the output (the ValuesAndCounts resources always answer JSON and take no format). */
  formats?: boolean;
  answer(params: Params, store: NbiaStore, version: ApiVersion): SimulatorResponse;
  /** Served under v1 too (the ValuesAndCounts resources are not). */
  v1?: boolean;
}

const ENDPOINTS: Record<string, Endpoint> = {
  getCollectionValues: {
    allowed: ['format'], formats: true, v1: true,
    answer: (_, store) => jsonRows(distinct(store.series.map((s) => s.study.patient.collection)).map((Collection) => ({ Collection }))),
  },
  getModalityValues: {
    allowed: ['Collection', 'BodyPartExamined', 'format'], formats: true, v1: true,
    answer: (params, store) => jsonRows(distinct(seriesWhere(store, params).map((s) => s.modality)).map((Modality) => ({ Modality }))),
  },
  getBodyPartValues: {
    allowed: ['Collection', 'Modality', 'format'], formats: true, v1: true,
    answer: (params, store) => jsonRows(distinct(seriesWhere(store, params).map((s) => s.bodyPartExamined))
      .map((BodyPartExamined) => ({ BodyPartExamined }))),
  },
  getManufacturerValues: {
    allowed: ['Collection', 'Modality', 'BodyPartExamined', 'format'], formats: true, v1: true,
    answer: (params, store) => jsonRows(distinct(seriesWhere(store, params).map((s) => s.manufacturer)).map((Manufacturer) => ({ Manufacturer }))),
  },
  getPatient: {
    allowed: ['Collection', 'PatientId', 'format'], formats: true, v1: true,
    answer: (params, store, version) => jsonRows(store.patients
      .filter((p) => matches(params, 'Collection', p.collection) && matches(params, 'PatientId', p.patientId))
      .map((p) => patientRow(p, version))),
  },
  getPatientStudy: {
    // §2a: Collection is required in v2/v4.
    allowed: ['Collection', 'PatientID', 'StudyInstanceUID', 'format'], required: ['Collection'], formats: true, v1: true,
    answer: (params, store, version) => jsonRows(store.patients
      .filter((p) => matches(params, 'Collection', p.collection) && matches(params, 'PatientID', p.patientId))
      .flatMap((p) => p.studies)
      .filter((s) => matches(params, 'StudyInstanceUID', s.uid))
      .map((s) => patientStudyRow(s, version))),
  },
  getSeries: {
    allowed: ['Collection', 'PatientID', 'StudyInstanceUID', 'SeriesInstanceUID', 'Modality', 'BodyPartExamined',
      'Manufacturer', 'ManufacturerModelName', 'format'],
    formats: true, v1: true,
    answer: (params, store, version) => {
      const collections = new Map(store.collections.map((c) => [c.id, c]));
      return jsonRows(seriesWhere(store, params).map((s) => seriesRow(s, collections.get(s.study.patient.collection), version)));
    },
  },
  getCollectionValuesAndCounts: {
    allowed: [],
    answer: (params, store) => valuesAndCounts(store, params, 'Collection', (s) => s.study.patient.collection),
  },
  getModalityValuesAndCounts: {
    allowed: ['Collection', 'BodyPartExamined'],
    answer: (params, store) => valuesAndCounts(store, params, 'Modality', (s) => s.modality),
  },
  getBodyPartValuesAndCounts: {
    allowed: ['Collection', 'Modality'],
    answer: (params, store) => valuesAndCounts(store, params, 'BodyPart', (s) => s.bodyPartExamined),
  },
  getManufacturerValuesAndCounts: {
    allowed: ['Collection', 'Modality', 'BodyPartExamined'],
    answer: (params, store) => valuesAndCounts(store, params, 'Manufacturer', (s) => s.manufacturer ?? ''),
  },
};

export function isMetadataEndpoint(name: string, version: ApiVersion = 'v4'): boolean {
  return Object.hasOwn(ENDPOINTS, name) && (version === 'v4' || ENDPOINTS[name].v1 === true);
}

/** Answers GET <base>/<name>?<query>. */
export function answerMetadata(name: string, query: URLSearchParams, store: NbiaStore, version: ApiVersion = 'v4'): SimulatorResponse {
  const endpoint = ENDPOINTS[name];
  const params = new Map<string, string>();
  for (const [key, value] of query) {
    if (!endpoint.allowed.includes(key)) {
      if (version === 'v1') continue;
      // The message V4_getPatient / V4_getPatientStudy build (§7.3: an allow-list, case-sensitive).
      return plainText(400, `Invalid query parameter: '${key}'. Allowed parameters are: [${endpoint.allowed.join(', ')}]`);
    }
    // JAX-RS @QueryParam binds the first value of a repeated parameter.
    if (!params.has(key)) params.set(key, value);
  }
  for (const key of version === 'v1' ? [] : endpoint.required ?? []) {
    if (!params.has(key)) return plainText(400, `A parameter, ${key}, is required for this call.`);
  }
  const format = params.get('format');
  if (endpoint.formats && format !== undefined && format.toLowerCase() !== 'json') {
    // The real server also writes CSV, XML and HTML; the simulator only serves what the adapter reads.
    return plainText(406, `format=${format}: the NBIA simulator serves JSON only`);
  }
  return endpoint.answer(params, store, version);
}

function matches(params: Params, key: string, value: string | null): boolean {
  const wanted = params.get(key);
  return wanted === undefined || wanted === value;
}

/** Series filtered by the getSeries-style parameters present in `params`. */
function seriesWhere(store: NbiaStore, params: Params): NbiaSeries[] {
  return store.series.filter((s) => matches(params, 'Collection', s.study.patient.collection)
    && matches(params, 'PatientID', s.study.patient.patientId)
    && matches(params, 'StudyInstanceUID', s.study.uid)
    && matches(params, 'SeriesInstanceUID', s.uid)
    && matches(params, 'Modality', s.modality)
    && matches(params, 'BodyPartExamined', s.bodyPartExamined)
    && matches(params, 'Manufacturer', s.manufacturer)
    && matches(params, 'ManufacturerModelName', s.manufacturerModelName));
}

function valuesAndCounts(store: NbiaStore, params: Params, column: string, valueOf: (s: NbiaSeries) => string | null): SimulatorResponse {
  const patients = new Map<string, Set<number>>();
  for (const s of seriesWhere(store, params)) {
    const value = valueOf(s);
    if (value === null) continue;
    let set = patients.get(value);
    if (!set) patients.set(value, (set = new Set()));
    set.add(s.study.patient.pk);
  }
  const rows: Row[] = [...patients].sort(([a], [b]) => compare(a, b)).map(([value, set]) => ({ [column]: value, Count: set.size }));
  return jsonRows(rows);
}

/** Distinct non-null values in code-unit order (SQL `select distinct` gives no order; sorting keeps tests stable). */
function distinct(values: ReadonlyArray<string | null>): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))].sort(compare);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
