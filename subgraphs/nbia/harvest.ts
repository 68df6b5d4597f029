/**
 * The harvested index behind counts, facets and the pages getSimpleSearch cannot answer: NBIA has no count or
 * facet call that honours a whole filter with the unified semantics (its ValuesAndCounts take one collection and
 * one modality at most, README §2a), so the adapter keeps a copy of the series-level metadata and evaluates
 * filters locally with the SDK's cohortOf. One harvest is getCollectionValues, then per collection getPatientStudy
 * and getSeries (each answers a whole collection in one array: NBIA does not page them).
 */
import type { FullCaseRecord } from '../sdk/records';
import type { NbiaClient } from './client';
import { caseRecords, type MappingContext } from './mapping';

export interface NbiaIndex {
  /** Sorted by subject id. */
  records: FullCaseRecord[];
  bySubject: ReadonlyMap<string, FullCaseRecord>;
  /** Epoch milliseconds. */
  harvestedAt: number;
}

/** Collections harvested at the same time: the pool has 8 connections and each collection takes two calls. */
const COLLECTIONS_IN_PARALLEL = 4;

export async function harvestIndex(client: NbiaClient, context: MappingContext): Promise<NbiaIndex> {
  const collections = await client.collectionValues();
  const parts = await mapLimit(collections, COLLECTIONS_IN_PARALLEL, async ({ Collection }) => {
    const [studies, series] = await Promise.all([client.patientStudies({ Collection }), client.series({ Collection })]);
    return { studies, series };
  });
  const records = caseRecords(parts.flatMap((p) => p.studies), parts.flatMap((p) => p.series), context);
  return { records, bySubject: new Map(records.map((r) => [r.subjectId, r])), harvestedAt: Date.now() };
}

/** `Promise.all(items.map(work))` with at most `limit` in flight; results in item order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
