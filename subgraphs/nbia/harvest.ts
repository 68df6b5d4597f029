/**
 * The harvested index behind counts, facets and the pages getSimpleSearch cannot answer: NBIA has no count or
 * facet call that honours a whole filter with the unified semantics (its ValuesAndCounts take one collection and
 * one modality at most, README §2a), so the adapter keeps a copy of the series-level metadata and evaluates
 * filters locally with the SDK's cohortOf. One harvest is getCollectionValues, then per collection getPatientStudy,
 * getSeries and getPatient (each answers a whole collection in one array: NBIA does not page them); getPatient is
 * the call that tells which subjects are phantoms (`Phantom: "YES"`), which are set apart. While a first harvest
 * runs, the collections read so far are offered as a part (HarvestedIndex): a cohort counted on them says so.
 */
import { CaseIndex } from '../sdk/case-index';
import type { NbiaClient } from './client';
import { doiOf, splitHarvest, type MappingContext } from './mapping';
import { itemsByKey, mapKeysInSlices, mapWithConcurrency } from '../sdk/concurrency';
import { offerEachPart, type HarvestProgress } from '../sdk/harvested-index';

export interface HarvestedCollection {
  id: string;
  /** Subjects of the collection NBIA marks as phantoms (test objects). */
  phantomSubjects: number;
  /** The DOI the collection's series link to (DataDescriptionURI / CollectionURI), if any. */
  doi: string | null;
}

export interface NbiaIndex {
  /** Patients, sorted by subject id. Phantoms are not in here. */
  cases: CaseIndex;
  /** getCollectionValues, in its order. */
  collections: HarvestedCollection[];
  /** Epoch milliseconds. */
  harvestedAt: number;
  /** Null for a whole harvest; for the part of a first harvest read so far, which part (Cohort.coverage). */
  coverage: string | null;
}

/** Patients mapped between two turns of the event loop. */
const PATIENTS_PER_SLICE = 200;

/** Collections harvested at the same time: the pool has 8 connections and each collection takes three calls. */
const COLLECTIONS_IN_PARALLEL = 2;

type CollectionRows = Awaited<ReturnType<typeof readCollection>>;

export async function harvestIndex(client: NbiaClient, context: MappingContext, progress?: HarvestProgress<NbiaIndex>): Promise<NbiaIndex> {
  const collections = (await client.collectionValues()).map((c) => c.Collection);
  // While the first harvest runs, what is read so far can answer a query that cannot wait (HarvestedIndex.get).
  const noteRead = offerEachPart(progress, collections.length, 'collections', (read: Array<{ id: string; rows: CollectionRows }>, coverage) => indexOf(read, context, coverage));
  const parts = await mapWithConcurrency(collections, COLLECTIONS_IN_PARALLEL, async (id) => {
    const rows = await readCollection(client, id);
    noteRead({ id, rows });
    return rows;
  });
  return indexOf(collections.map((id, i) => ({ id, rows: parts[i] })), context, null);
}

/** One collection's rows: getPatientStudy, getSeries and getPatient (each answers the whole collection at once). */
async function readCollection(client: NbiaClient, Collection: string) {
  const [studies, series, patients] = await Promise.all([
    client.patientStudies({ Collection }), client.series({ Collection }), client.patients({ Collection }),
  ]);
  return { studies, series, patients };
}

/** The index of the collections read, in getCollectionValues order; `coverage` says when they are not all of them. */
async function indexOf(collections: ReadonlyArray<{ id: string; rows: CollectionRows }>, context: MappingContext, coverage: string | null): Promise<NbiaIndex> {
  const parts = collections.map((c) => c.rows);
  // Mapped a few hundred patients at a time (sdk/concurrency.ts mapKeysInSlices); a patient's rows stay together.
  const studiesOf = itemsByKey(parts.flatMap((p) => p.studies), (row) => row.PatientID);
  const seriesOf = itemsByKey(parts.flatMap((p) => p.series), (row) => row.PatientID);
  const patientsOf = itemsByKey(parts.flatMap((p) => p.patients), (row) => row.PatientID);
  const ids = [...new Set([...studiesOf.keys(), ...seriesOf.keys()])];
  const rowsOf = <T>(byId: ReadonlyMap<string, T[]>, slice: ReadonlySet<string>) => [...slice].flatMap((id) => byId.get(id) ?? []);
  // In any order: the case index sorts them by subject id.
  const records = await mapKeysInSlices(ids, PATIENTS_PER_SLICE, (slice) => splitHarvest(
    rowsOf(studiesOf, slice), rowsOf(seriesOf, slice), rowsOf(patientsOf, slice), context,
  ).records);
  return {
    cases: CaseIndex.from(records),
    collections: collections.map(({ id, rows }) => ({
      id,
      phantomSubjects: new Set([...rows.patients, ...rows.series].filter((row) => row.Phantom).map((row) => row.PatientID)).size,
      doi: rows.series.map((row) => doiOf(row.DataDescriptionURI)).find((doi) => doi !== null) ?? null,
    })),
    harvestedAt: Date.now(),
    coverage,
  };
}
