/**
 * Paging over a harvested index of cases (case-index.ts), sorted by subject id, with keyset cursors (the last
 * subject id seen), so pages stay correct when the index is refreshed between two requests.
 */
import type { CasePage, PageRequest } from './adapter';
import { decodeCursor, encodeCursor } from './cursor';
import { ErrorCode, RepositoryError } from './errors';
import type { CaseIndex } from './case-index';
import type { NormalizedFilter } from './filter';

export function pageOfMatches(
  index: CaseIndex, filter: NormalizedFilter, page: PageRequest, repositoryId: string, options: { withStudies: boolean },
): CasePage {
  let after: string | undefined;
  if (page.after) {
    const key = decodeCursor(page.after, repositoryId).k;
    if (typeof key !== 'string') throw new RepositoryError(ErrorCode.BAD_CURSOR, repositoryId, 'argument `after` is a damaged cursor', { argument: 'after' });
    after = key;
  }
  const matches = index.matching(filter);
  const start = after === undefined ? 0 : index.firstAfter(matches, after);
  const slice = matches.slice(start, start + page.first);
  return {
    edges: slice.map((at) => {
      const node = options.withStudies ? index.record(at) : index.head(at);
      return { cursor: encodeCursor(repositoryId, { k: node.subjectId }), node };
    }),
    hasNextPage: start + page.first < matches.length,
    totalCount: matches.length,
  };
}

/** Sorts records by subject id (code-unit order, the order cursors rely on). */
export function sortBySubject<T extends { subjectId: string }>(records: T[]): T[] {
  return records.sort((a, b) => (a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : 0));
}
