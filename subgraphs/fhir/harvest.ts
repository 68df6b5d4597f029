/**
 * The FHIR adapter's index (option `mode: "index"`, the default): every patient's record, read in the paged Patient
 * search that reverse-includes studies, conditions and enrolments (the search a cohort makes, without a filter), kept
 * in the SDK's compact case index so that a cohort is counted from memory with the same evaluation (CaseIndex.cohort
 * is cohortOf on columns). A server that cannot bring records in that one search, or holds more patients than
 * `indexMaxPatients`, is not indexed: its cohorts are asked live, as with `mode: "live"`.
 */
import { CaseIndex } from '../sdk/case-index';
import type { NativeReads } from './native-reads';

/** A harvest's outcome: the index, or why the repository is asked live. */
export type FhirIndex =
  | { cases: CaseIndex; harvestedAt: number }
  | { cases: null; reason: string; harvestedAt: number };

export async function harvestIndex(reads: NativeReads, maxPatients: number): Promise<FhirIndex> {
  const read = await reads.everyRecord(maxPatients);
  const harvestedAt = Date.now();
  if (read === 'unbounded') {
    return { cases: null, reason: 'the server cannot bring every patient\'s record in one paged search (reverse includes, a total)', harvestedAt };
  }
  if ('more' in read) return { cases: null, reason: `the repository holds ${read.more} patients, more than indexMaxPatients (${maxPatients})`, harvestedAt };
  return { cases: CaseIndex.from(read.records), harvestedAt };
}
