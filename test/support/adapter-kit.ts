/**
 * What adapter tests share: walking every page of a case list, the subjects a filter selects in the ground truth,
 * and catching the RepositoryError a call must fail with.
 */
import type { CasePage, RepositoryAdapter } from '../../subgraphs/sdk/adapter';
import { RepositoryError } from '../../subgraphs/sdk/errors';
import { matchCase } from '../../subgraphs/sdk/evaluate';
import type { NormalizedFilter } from '../../subgraphs/sdk/filter';
import type { CaseRecord, FullCaseRecord } from '../../subgraphs/sdk/records';

/** Every page of `cases` for a filter, following endCursor; stops after `maxPages` so a paging loop fails the test. */
export async function walkPages(
  adapter: Pick<RepositoryAdapter, 'cases'>, filter: NormalizedFilter, first: number, maxPages = 200,
): Promise<{ pages: CasePage[]; subjects: string[]; nodes: CaseRecord[] }> {
  const pages: CasePage[] = [];
  let after: string | null = null;
  do {
    const page: CasePage = await adapter.cases!(filter, { first, after }, {});
    pages.push(page);
    after = page.hasNextPage ? page.edges.at(-1)!.cursor : null;
  } while (after && pages.length < maxPages);
  const nodes = pages.flatMap((p) => p.edges.map((e) => e.node));
  return { pages, subjects: nodes.map((n) => n.subjectId), nodes };
}

/** The subject ids a filter selects in the ground truth, in its order. */
export function expectedSubjects(records: readonly FullCaseRecord[], filter: NormalizedFilter): string[] {
  return records.filter((record) => matchCase(record, filter) !== null).map((record) => record.subjectId);
}

/** The RepositoryError a call fails with; fails the test if it succeeds or throws something else. */
export async function rejection(work: Promise<unknown> | (() => unknown)): Promise<RepositoryError> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (error) {
    expect(error).toBeInstanceOf(RepositoryError);
    return error as RepositoryError;
  }
  throw new Error('expected a RepositoryError');
}
