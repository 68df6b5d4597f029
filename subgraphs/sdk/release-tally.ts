/**
 * The record-level answers of one request (or of one subgraph call), tallied as they are released: per repository,
 * the distinct cases, their collections, and the series. Two sources: resolvers name cases by id (subgraph.ts, the
 * europe subgraph), and release reports of subgraph calls name them by key (release-report.ts: cache hits, shared
 * calls, remote subgraphs). A case counts once whichever way it came, however often. Ids and keys stay in this
 * object; only counts and collection ids leave it (audit-log.ts), or keys in a report (report()).
 */
import { releaseKey, releaseReport, type ReleaseReport, type RepositoryReleaseReport } from './release-report';
import type { RecordReleaseSink } from './subgraph';

export interface RepositoryRelease {
  repositoryId: string;
  collections: string[];
  cases: number;
  series: number;
}

interface Released {
  /** By id (from resolvers) and by key (from reports): case → its collection. */
  cases: { byId: Map<string, string | null>; byKey: Map<string, string | null> };
  /** Series counts, by the same two kinds of key. */
  series: { byId: Map<string, number>; byKey: Map<string, number> };
}

export class ReleaseTally implements RecordReleaseSink {
  private readonly byRepository = new Map<string, Released>();

  cases(repositoryId: string, cases: ReadonlyArray<{ id: string; collection?: string | null }>): void {
    const mine = this.of(repositoryId);
    for (const c of cases) mine.cases.byId.set(c.id, c.collection ?? mine.cases.byId.get(c.id) ?? null);
  }

  series(repositoryId: string, key: string, count: number): void {
    // The same case's studies may be resolved twice in one answer (aliases): count its series once.
    maxInto(this.of(repositoryId).series.byId, key, count);
  }

  /** Adds what a subgraph call reported it released (release-report.ts). */
  add(report: ReleaseReport): void {
    for (const { repositoryId, cases, series } of report.repositories) {
      const mine = this.of(repositoryId);
      for (const [key, collection] of cases) mine.cases.byKey.set(key, collection ?? mine.cases.byKey.get(key) ?? null);
      for (const [key, count] of series) maxInto(mine.series.byKey, key, count);
    }
  }

  get empty(): boolean {
    return [...this.byRepository.values()].every((r) => r.cases.byId.size === 0 && r.cases.byKey.size === 0);
  }

  summary(): RepositoryRelease[] {
    return this.merged(false).map(({ repositoryId, cases, series }) => ({
      repositoryId,
      collections: [...new Set(cases.map(([, collection]) => collection).filter((c): c is string => c !== null))].sort(),
      cases: cases.length,
      series: series.reduce((sum, [, count]) => sum + count, 0),
    }));
  }

  /** What was released, as a report for the caller of this subgraph call: keys, never ids. */
  report(): ReleaseReport | undefined {
    return releaseReport(this.merged(true));
  }

  /**
   * Per repository with cases. Ids become keys where a report has to hold them, or where some cases came by key
   * (a case may have come both ways); a summary of ids alone (the common case) hashes nothing.
   */
  private merged(asKeys: boolean): RepositoryReleaseReport[] {
    return [...this.byRepository].sort(([a], [b]) => (a < b ? -1 : 1)).flatMap(([repositoryId, r]) => {
      const hashing = asKeys || r.cases.byKey.size > 0 || r.series.byKey.size > 0;
      const cases = hashing ? new Map(r.cases.byKey) : r.cases.byId;
      const series = hashing ? new Map(r.series.byKey) : r.series.byId;
      if (hashing) {
        for (const [id, collection] of r.cases.byId) {
          const key = releaseKey(id);
          cases.set(key, collection ?? cases.get(key) ?? null);
        }
        for (const [id, count] of r.series.byId) maxInto(series, releaseKey(id), count);
      }
      return cases.size === 0 ? [] : [{ repositoryId, cases: [...cases], series: [...series] }];
    });
  }

  private of(repositoryId: string): Released {
    let mine = this.byRepository.get(repositoryId);
    if (!mine) {
      mine = { cases: { byId: new Map(), byKey: new Map() }, series: { byId: new Map(), byKey: new Map() } };
      this.byRepository.set(repositoryId, mine);
    }
    return mine;
  }
}

function maxInto(map: Map<string, number>, key: string, count: number): void {
  map.set(key, Math.max(map.get(key) ?? 0, count));
}
