/**
 * Paging over an in-memory list of cases sorted by subject id, with keyset cursors (the last subject id seen), so
 * pages stay correct when the index is refreshed between two requests.
 */
import type { CasePage, PageRequest } from './adapter';
import { decodeCursor, encodeCursor } from './cursor';
import { ErrorCode, RepositoryError } from './errors';
import { matchCase } from './evaluate';
import type { NormalizedFilter } from './filter';
import type { CaseRecord, FullCaseRecord } from './records';

export function pageOfMatches(
  records: readonly FullCaseRecord[], filter: NormalizedFilter, page: PageRequest, repositoryId: string,
  options: { withStudies: boolean },
): CasePage {
  let after: string | undefined;
  if (page.after) {
    const key = decodeCursor(page.after, repositoryId).k;
    if (typeof key !== 'string') throw new RepositoryError(ErrorCode.BAD_CURSOR, repositoryId, 'argument `after` is a damaged cursor', { argument: 'after' });
    after = key;
  }
  const matches = records.filter((record) => matchCase(record, filter) !== null);
  const start = after === undefined ? 0 : firstIndexAfter(matches, after);
  const slice = matches.slice(start, start + page.first);
  return {
    edges: slice.map((record) => ({
      cursor: encodeCursor(repositoryId, { k: record.subjectId }),
      node: options.withStudies ? record : withoutStudies(record),
    })),
    hasNextPage: start + page.first < matches.length,
    totalCount: matches.length,
  };
}

function withoutStudies(record: FullCaseRecord): CaseRecord {
  const { studies: _studies, ...rest } = record;
  return rest;
}

// Binary search: records are sorted by subjectId.
function firstIndexAfter(records: readonly FullCaseRecord[], key: string): number {
  let low = 0;
  let high = records.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (records[mid].subjectId <= key) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Sorts records by subject id (code-unit order, the order cursors rely on). */
export function sortBySubject<T extends { subjectId: string }>(records: T[]): T[] {
  return records.sort((a, b) => (a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : 0));
}
