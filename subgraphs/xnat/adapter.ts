/**
 * The XNAT REST adapter (README §2g), RECORD granularity.
 * - cohort: exact counts and facets from the harvested index (harvest.ts), evaluated on the SDK's compact case index.
 *   Clinical criteria are evaluated on the subject custom variables, image criteria on the scans, each only when
 *   XNAT returned the columns it needs (plan.ts): a column XNAT left out makes its criterion "not applied".
 * - cases: paged from the index with keyset cursors (pageOfMatches), ordered by subject id, studies included, so a
 *   page costs no native call once the index is harvested, whatever its size; refused for a criterion not applied.
 * - collections: `GET /data/projects` joined with the index counts and the config's catalogue metadata.
 * No value of a user's filter ever reaches XNAT (its listing filters take `*` wildcards and comma lists, which a
 * user value could use to widen a query): everything is evaluated locally.
 */
import type { FilterCriterion } from '../../schema/generated/graphql';
import type { AdapterEnvironment, CasePage, CohortOptions, PageRequest, RepositoryAdapter } from '../sdk/adapter';
import type { RequestContext } from '../sdk/context';
import type { RepositoryEntry } from '../sdk/entry';
import { ALL_CRITERIA, type NormalizedFilter } from '../sdk/filter';
import { firstHarvestWaitMs, HarvestedIndex } from '../sdk/harvested-index';
import { pageOfMatches } from '../sdk/index-pages';
import type { CaseRecord, CohortRecord, CollectionRecord, StudyRecord } from '../sdk/records';
import { coveringPart, requireAllApplied } from '../sdk/report';
import { XnatClient } from './client';
import { scanColumns, subjectColumns } from './columns';
import { harvestIndex, type XnatIndex } from './harvest';
import { collectionRecords, type MappingContext } from './mapping';
import { readXnatOptions, type XnatOptions } from './options';
import { planCohort, type ColumnNames } from './plan';

/** Every criterion, when the listings carry its columns (plan.ts). */
export const XNAT_CRITERIA: readonly FilterCriterion[] = ALL_CRITERIA;

/** An index younger than this is not harvested again because a case it lacks was asked for. */
const MIN_REFRESH_AGE_MS = 10_000;

export class XnatAdapter implements RepositoryAdapter {
  private readonly client: XnatClient;
  private readonly options: XnatOptions;
  private readonly mapping: MappingContext;
  private readonly index: HarvestedIndex<XnatIndex>;
  private readonly columns: ColumnNames;

  constructor(private readonly entry: RepositoryEntry, environment: AdapterEnvironment = {}) {
    this.options = readXnatOptions(entry.options);
    this.client = new XnatClient(
      { repositoryId: entry.id, baseUrl: entry.endpoint, timeoutMs: entry.timeoutMs, credentials: environment.credentials },
      this.options,
    );
    this.mapping = { repositoryId: entry.id, baseUrl: entry.endpoint };
    this.columns = { fields: subjectColumns(this.options).fields, scan: scanColumns(this.options.bodyPartColumn) };
    this.index = new HarvestedIndex((_, progress) => harvestIndex(this.client, this.mapping, this.options.projects, progress), this.options.indexTtlSeconds * 1000, {
      large: true, firstHarvest: { repositoryId: entry.id, waitMs: firstHarvestWaitMs(entry.timeoutMs), answered: () => this.client.answered },
    });
  }

  async cohort(filter: NormalizedFilter, _context: RequestContext, _options: CohortOptions): Promise<CohortRecord> {
    // Facets cost nothing extra on the index, so they are always counted (those whose column XNAT left out: none).
    // Shortly after the start, the projects harvested so far answer rather than none (marked: Cohort.coverage).
    const index = await this.index.get({ partial: true });
    const plan = planCohort(filter, index.missingColumns, this.columns);
    const cohort = index.cases.cohort(plan.evaluable, plan.report);
    for (const facet of plan.blankFacets) cohort.facets[facet] = [];
    return coveringPart(cohort, index.coverage);
  }

  async cases(filter: NormalizedFilter, page: PageRequest, _context: RequestContext): Promise<CasePage> {
    const index = await this.index.get();
    requireAllApplied(planCohort(filter, index.missingColumns, this.columns).report, this.entry.id);
    return pageOfMatches(index.cases, filter, page, this.entry.id, { withStudies: true });
  }

  /** Studies of cases listed without them (cases() includes them; this serves records from elsewhere). */
  async loadStudies(cases: readonly CaseRecord[], _context: RequestContext): Promise<StudyRecord[][]> {
    let index = await this.index.get();
    const missing = cases.some((c) => index.cases.find(c.subjectId) < 0);
    // Harvested again for this caller; other queries go on answering from the old copy meanwhile.
    if (missing && Date.now() - index.harvestedAt >= MIN_REFRESH_AGE_MS) index = await this.index.refresh();
    // A subject XNAT no longer lists has no studies to show.
    return cases.map((c) => {
      const at = index.cases.find(c.subjectId);
      return at < 0 ? [] : index.cases.studiesOf(at);
    });
  }

  async collections(_context: RequestContext): Promise<CollectionRecord[]> {
    const [projects, index] = await Promise.all([this.client.projects(), this.index.get()]);
    const metadata = new Map(this.entry.collections.map((c) => [c.id, c]));
    return collectionRecords(projects, index.cases.outlines(), metadata, this.options.projects);
  }

  async warmUp(): Promise<void> {
    await this.index.warm();
  }

  async close(): Promise<void> {
    this.index.close();
    await this.client.close();
  }
}
