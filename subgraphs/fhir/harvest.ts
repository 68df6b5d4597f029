/**
 * The FHIR adapter's index (option `mode: "index"`, the default): every patient's record, read in the paged Patient
 * search that reverse-includes studies, conditions and enrolments (the search a cohort makes, without a filter), kept
 * in the SDK's compact case index so that a cohort is counted from memory with the same evaluation (CaseIndex.cohort
 * is cohortOf on columns). A server that cannot bring records in that one search, or holds more patients than
 * `indexMaxPatients`, is not indexed: its cohorts are asked live, as with `mode: "live"`.
 *
 * A refresh that comes back unbounded while a good copy is there (a server that left out its totals for a while, or
 * ignored `_revinclude` once) fails instead of replacing the copy: the copy keeps answering until it is too old (the
 * adapter's age cap), and the refresh is tried again. A repository that grew past `indexMaxPatients` is a fact, not
 * a lapse: that refresh does replace the copy.
 */
import { CaseIndex } from '../sdk/case-index';
import type { NativeReads } from './native-reads';

/** A harvest's outcome: the index, or why the repository is asked live. */
export type FhirIndex =
  | { cases: CaseIndex; harvestedAt: number }
  | { cases: null; reason: string; harvestedAt: number };

const UNBOUNDED = 'the server cannot bring every patient\'s record in one paged search (reverse includes, a total)';

export async function harvestIndex(reads: NativeReads, maxPatients: number, previous?: FhirIndex): Promise<FhirIndex> {
  const read = await reads.everyRecord(maxPatients);
  const harvestedAt = Date.now();
  if (read === 'unbounded') {
    if (previous?.cases) throw new Error(`the refresh came back unbounded: ${UNBOUNDED} this time`);
    return { cases: null, reason: UNBOUNDED, harvestedAt };
  }
  if ('more' in read) return { cases: null, reason: `the repository holds ${read.more} patients, more than indexMaxPatients (${maxPatients})`, harvestedAt };
  return { cases: CaseIndex.from(read.records), harvestedAt };
}
