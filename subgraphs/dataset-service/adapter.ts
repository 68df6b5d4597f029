/**
 * The worked example of docs/joining-the-federation.md: a count-only node whose API gives, per dataset, subject
 * counts per value of one attribute at a time. What it can answer exactly, it answers; the rest it reports.
 *
 * - collections select datasets, and cancer sites select datasets through the config's collection metadata;
 * - one of sex, modalities, body parts, manufacturers is counted from the per-value arrays (sex with any number
 *   of values, since a subject has one; the others when one raw value per dataset stands for what is asked);
 * - age and year ranges, and any second attribute, are reported not applied: the node has no joint counts.
 */
import { knownVendor } from '../../schema/codes/manufacturer';
import type { FilterCriterion } from '../../schema/generated/graphql';
import type { CohortOptions, RepositoryAdapter } from '../sdk/adapter';
import type { RepositoryEntry } from '../sdk/entry';
import { reportFields } from '../sdk/evaluate';
import { FacetCounter } from '../sdk/facets';
import type { NormalizedFilter } from '../sdk/filter';
import { NativeHttp } from '../sdk/native-http';
import type { CohortRecord, CollectionRecord } from '../sdk/records';
import type { FilterReport, NotApplied } from '../sdk/report';
import { criteriaOf } from '../sdk/filter';
import { DatasetServiceClient, type FacetName, type NativeDataset } from './client';
import { collectionRecord, facetOf, subjectsWith } from './mapping';

/** Per-subject attributes in the order the adapter tries to count them. */
const ATTRIBUTES: ReadonlyArray<[FilterCriterion, FacetName, keyof NormalizedFilter]> = [
  ['SEX', 'sex', 'sex'], ['MODALITIES', 'modality', 'modalities'], ['BODY_PARTS', 'bodyPart', 'bodyParts'], ['MANUFACTURERS', 'manufacturer', 'manufacturers'],
];

export class DatasetServiceAdapter implements RepositoryAdapter {
  private readonly http: NativeHttp;
  private readonly client: DatasetServiceClient;

  constructor(private readonly entry: RepositoryEntry, credentials?: string) {
    this.http = new NativeHttp({ repositoryId: entry.id, baseUrl: entry.endpoint, timeoutMs: entry.timeoutMs, credentials });
    this.client = new DatasetServiceClient(this.http);
  }

  async cohort(filter: NormalizedFilter, _context: unknown, options: CohortOptions): Promise<CohortRecord> {
    const notApplied: NotApplied[] = [];
    const datasets = this.select(await this.client.datasets(), filter, notApplied);
    for (const criterion of ['AGE_AT_DIAGNOSIS', 'YEAR_OF_DIAGNOSIS'] as const) {
      if (criteriaOf(filter).includes(criterion)) notApplied.push({ criterion, reason: 'the node gives only the lowest and highest value per dataset' });
    }
    let subjects = datasets.reduce((sum, d) => sum + d.subjectsCount, 0);
    let counted: FilterCriterion | undefined;
    for (const [criterion, facet, key] of ATTRIBUTES) {
      const values = filter[key] as string[] | undefined;
      if (!values) continue;
      const reason = counted ? `the node counts one attribute at a time (${counted} is counted)` : this.uncountable(datasets, facet, values);
      if (reason) {
        notApplied.push({ criterion, reason });
        continue;
      }
      const wanted = new Set(facet === 'manufacturer' ? values.map((v) => knownVendor(v)!.toLowerCase()) : values);
      subjects = datasets.reduce((sum, d) => sum + (subjectsWith(d, facet, wanted) ?? 0), 0);
      counted = criterion;
    }
    const report: FilterReport = { applied: criteriaOf(filter).filter((c) => !notApplied.some((n) => n.criterion === c)), notApplied };
    return {
      subjects,
      // Studies per value are not in the node's answer: known only when no attribute narrowed the subjects.
      studies: counted ? null : datasets.reduce((sum, d) => sum + d.studiesCount, 0),
      series: null,
      images: null,
      facets: options.facets && !counted ? this.facets(datasets) : new FacetCounter().result(),
      ...reportFields(report),
    };
  }

  async collections(): Promise<CollectionRecord[]> {
    const metadata = new Map(this.entry.collections.map((c) => [c.id, c]));
    return (await this.client.datasets()).map((d) => collectionRecord(d, metadata.get(d.id)));
  }

  close(): Promise<void> {
    return this.http.close();
  }

  /** Datasets the collection and cancer-site criteria keep; cancer sites need every dataset described in the config. */
  private select(datasets: NativeDataset[], filter: NormalizedFilter, notApplied: NotApplied[]): NativeDataset[] {
    let selected = filter.collections ? datasets.filter((d) => filter.collections!.includes(d.id)) : datasets;
    if (filter.cancerSites) {
      const siteOf = new Map(this.entry.collections.map((c) => [c.id, c.cancerSite]));
      const undescribed = datasets.filter((d) => !siteOf.has(d.id)).map((d) => d.id);
      if (undescribed.length > 0) notApplied.push({ criterion: 'CANCER_SITES', reason: `datasets without a cancer site in the config: ${undescribed.join(', ')}` });
      else selected = selected.filter((d) => filter.cancerSites!.includes(siteOf.get(d.id)!));
    }
    return selected;
  }

  private uncountable(datasets: readonly NativeDataset[], facet: FacetName, values: readonly string[]): string | null {
    if (facet === 'manufacturer' && values.some((v) => !knownVendor(v))) return 'the node knows manufacturers by vendor only; a name that is no known vendor cannot be matched';
    const wanted = new Set(facet === 'manufacturer' ? values.map((v) => knownVendor(v)!.toLowerCase()) : values);
    if (datasets.some((d) => subjectsWith(d, facet, wanted) === null)) {
      return 'a dataset counts several raw values for what is asked: subjects having both would be counted twice';
    }
    return null;
  }

  private facets(datasets: readonly NativeDataset[]) {
    const counter = new FacetCounter();
    const add = (name: 'sex' | 'modality' | 'bodyPart' | 'manufacturer', facet: FacetName, display: (unified: string, raw: string) => string) => {
      // A facet with two raw values for one unified value cannot be counted exactly: left empty.
      for (const [value, subjects] of facetOf(datasets, facet, display) ?? []) if (subjects > 0) counter.addCount(name, value, subjects);
    };
    add('sex', 'sex', (unified) => unified);
    add('modality', 'modality', (unified) => unified);
    add('bodyPart', 'bodyPart', (unified) => unified);
    add('manufacturer', 'manufacturer', (unified, raw) => (unified === 'unknown' ? 'UNKNOWN' : raw));
    const siteOf = new Map(this.entry.collections.map((c) => [c.id, c.cancerSite]));
    if (datasets.every((d) => siteOf.has(d.id))) for (const d of datasets) if (d.subjectsCount > 0) counter.addCount('cancerSite', siteOf.get(d.id)!, d.subjectsCount);
    return counter.result();
  }
}
