/**
 * The harvested index behind every answer: XNAT REST has no count, no facet and no server-side paging, and its
 * listing filters cannot express the unified semantics (one series meeting all image criteria, ranges over custom
 * variables), so the adapter keeps a copy of the subject and scan metadata and evaluates filters locally.
 *
 * One harvest is a bounded number of listings, whatever the number of subjects or sessions:
 * - without `projects`: `GET /data/subjects` and `GET /data/experiments?xsiType=xnat:imageSessionData` with scan
 *   columns, i.e. two calls, in parallel;
 * - with `projects`: the same two listings per project, at most PROJECTS_IN_PARALLEL projects at a time; while a
 *   first harvest runs, the projects read so far are offered as a part (HarvestedIndex), which says so.
 */
import { CaseIndex } from '../sdk/case-index';
import type { XnatClient } from './client';
import { caseRecords, type MappingContext } from './mapping';
import { itemsByKey, mapKeysInSlices, mapWithConcurrency } from '../sdk/concurrency';
import { offerEachPart, type HarvestProgress } from '../sdk/harvested-index';

export interface XnatIndex {
  /** Sorted by subject id. */
  cases: CaseIndex;
  /** Columns asked for that some listing of the harvest left out (lower-cased). */
  missingColumns: ReadonlySet<string>;
  /** Epoch milliseconds. */
  harvestedAt: number;
  /** Null for a whole harvest; for the part of a first harvest read so far, which part (Cohort.coverage). */
  coverage: string | null;
}

/** Subject labels mapped between two turns of the event loop. */
const SUBJECTS_PER_SLICE = 200;

/** The client's pool has 4 connections and each project takes two listings. */
const PROJECTS_IN_PARALLEL = 2;

export async function harvestIndex(
  client: XnatClient, context: MappingContext, projects: readonly string[] | null, progress?: HarvestProgress<XnatIndex>,
): Promise<XnatIndex> {
  if (projects === null) return indexOf([await Promise.all([client.subjects(), client.sessionScans()])], context, null);
  // While the first harvest runs, the projects read so far can answer a query that cannot wait (HarvestedIndex.get).
  const noteRead = offerEachPart(progress, projects.length, 'projects', (read: Listings[], coverage) => indexOf(read, context, coverage));
  const parts = await mapWithConcurrency(projects, PROJECTS_IN_PARALLEL, async (project) => {
    const listings: Listings = await Promise.all([client.subjects(project), client.sessionScans(project)]);
    noteRead(listings);
    return listings;
  });
  return indexOf(parts, context, null);
}

type Listings = [Awaited<ReturnType<XnatClient['subjects']>>, Awaited<ReturnType<XnatClient['sessionScans']>>];

/** The index of the listings read; `coverage` says when they are not all the repository's. */
async function indexOf(parts: readonly Listings[], context: MappingContext, coverage: string | null): Promise<XnatIndex> {
  // Mapped a few hundred labels at a time (sdk/concurrency.ts mapKeysInSlices). Subjects sharing a label stay in one
  // slice, since their ids are told apart across them (mapping.ts subjectIds); each brings its own sessions.
  const subjectsByLabel = itemsByKey(parts.flatMap(([subjects]) => subjects.rows), (row) => row.label);
  const sessionsOf = itemsByKey(parts.flatMap(([, sessions]) => sessions.rows), (row) => row.subjectId);
  // In any order: the case index sorts them by subject id.
  const records = await mapKeysInSlices([...subjectsByLabel.keys()], SUBJECTS_PER_SLICE, (labels) => {
    const subjects = [...labels].flatMap((label) => subjectsByLabel.get(label) ?? []);
    return caseRecords(subjects, [...new Set(subjects.map((s) => s.ID))].flatMap((id) => sessionsOf.get(id) ?? []), context);
  });
  // A column one project's listing left out is not known for the whole repository.
  const missingColumns = new Set(parts.flatMap(([subjects, sessions]) => [...subjects.missingColumns, ...sessions.missingColumns]).map((c) => c.toLowerCase()));
  return { cases: CaseIndex.from(records), missingColumns, harvestedAt: Date.now(), coverage };
}
