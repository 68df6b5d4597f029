/**
 * The record-level answers of one client request, tallied as the subgraphs release them (subgraphs/sdk/subgraph.ts,
 * the europe subgraph): per repository, the distinct cases, their collections, and the series. Case ids stay in
 * this object; only counts and collection ids leave it (audit-log.ts).
 */
import type { RecordReleaseSink } from '../../subgraphs/sdk/subgraph';

export interface RepositoryRelease {
  repositoryId: string;
  collections: string[];
  cases: number;
  series: number;
}

export class ReleaseTally implements RecordReleaseSink {
  private readonly byRepository = new Map<string, { cases: Set<string>; collections: Set<string>; series: Map<string, number> }>();

  cases(repositoryId: string, cases: ReadonlyArray<{ id: string; collection?: string | null }>): void {
    const mine = this.of(repositoryId);
    for (const c of cases) {
      mine.cases.add(c.id);
      if (c.collection) mine.collections.add(c.collection);
    }
  }

  series(repositoryId: string, key: string, count: number): void {
    const mine = this.of(repositoryId);
    // The same case's studies may be resolved twice in one answer (aliases): count its series once.
    mine.series.set(key, Math.max(mine.series.get(key) ?? 0, count));
  }

  get empty(): boolean {
    return [...this.byRepository.values()].every((r) => r.cases.size === 0);
  }

  summary(): RepositoryRelease[] {
    return [...this.byRepository].filter(([, r]) => r.cases.size > 0).sort(([a], [b]) => (a < b ? -1 : 1)).map(([repositoryId, r]) => ({
      repositoryId, collections: [...r.collections].sort(), cases: r.cases.size, series: [...r.series.values()].reduce((a, b) => a + b, 0),
    }));
  }

  private of(repositoryId: string) {
    let mine = this.byRepository.get(repositoryId);
    if (!mine) this.byRepository.set(repositoryId, (mine = { cases: new Set(), collections: new Set(), series: new Map() }));
    return mine;
  }
}
