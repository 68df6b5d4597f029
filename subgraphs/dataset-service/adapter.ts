/**
 * The worked example of docs/joining-the-federation.md: a count-only node whose API gives, per dataset, subject
 * counts per value of one attribute at a time. What it can answer exactly, it answers (plan.ts); the rest it
 * reports. Facets come from the per-value arrays, raw values no code table maps shown as sent (mapping.ts).
 */
import type { CohortOptions, RepositoryAdapter } from '../sdk/adapter';
import type { RepositoryEntry } from '../sdk/entry';
import { reportFields } from '../sdk/evaluate';
import { FacetCounter } from '../sdk/facets';
import type { NormalizedFilter } from '../sdk/filter';
import { NativeHttp } from '../sdk/native-http';
import type { CohortRecord, CollectionRecord } from '../sdk/records';
import { DatasetServiceClient } from './client';
import { collectionRecord, facetOf, subjectsWith } from './mapping';
import type { NativeDataset } from './parse';
import { planCohort } from './plan';

export class DatasetServiceAdapter implements RepositoryAdapter {
  private readonly http: NativeHttp;
  private readonly client: DatasetServiceClient;

  constructor(private readonly entry: RepositoryEntry, credentials?: string) {
    this.http = new NativeHttp({ repositoryId: entry.id, baseUrl: entry.endpoint, timeoutMs: entry.timeoutMs, credentials });
    this.client = new DatasetServiceClient(this.http);
  }

  async cohort(filter: NormalizedFilter, _context: unknown, options: CohortOptions): Promise<CohortRecord> {
    const plan = planCohort(filter, await this.client.datasets(), this.entry.collections);
    const { datasets, counted } = plan;
    const subjects = counted
      ? datasets.reduce((sum, d) => sum + (subjectsWith(d, counted.facet, counted.values) ?? 0), 0)
      : datasets.reduce((sum, d) => sum + d.subjectsCount, 0);
    return {
      subjects,
      // Studies per value are not in the node's answer: known only when no attribute narrowed the subjects.
      studies: counted ? null : datasets.reduce((sum, d) => sum + d.studiesCount, 0),
      series: null,
      images: null,
      facets: options.facets && !counted ? this.facets(datasets) : new FacetCounter().result(),
      ...reportFields(plan.report),
    };
  }

  async collections(): Promise<CollectionRecord[]> {
    const metadata = new Map(this.entry.collections.map((c) => [c.id, c]));
    return (await this.client.datasets()).map((d) => collectionRecord(d, metadata.get(d.id)));
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private facets(datasets: readonly NativeDataset[]) {
    const counter = new FacetCounter();
    for (const name of ['sex', 'modality', 'bodyPart', 'manufacturer'] as const) {
      // A facet with two raw values for one bucket cannot be counted exactly: left empty.
      for (const [value, subjects] of facetOf(datasets, name) ?? []) if (subjects > 0) counter.addCount(name, value, subjects);
    }
    const siteOf = new Map(this.entry.collections.map((c) => [c.id, c.cancerSite]));
    if (datasets.every((d) => siteOf.has(d.id))) for (const d of datasets) if (d.subjectsCount > 0) counter.addCount('cancerSite', siteOf.get(d.id)!, d.subjectsCount);
    return counter.result();
  }
}
