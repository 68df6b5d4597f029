/**
 * The adapter for a GDC-style repository (native-apis README §2c): the NCI Genomic Data Commons search API, with
 * imaging series as `/files` documents (the simulator's documents.ts describes the imaging fields).
 * - cohort: native counts (totals and facets, counting.ts) for every criterion; exact for all of them. A criterion
 *   whose raw values cannot be sent safely (a held value containing the `*` wildcard) is reported as not applied.
 * - cases: /cases sorted by `submitter_id`, paged with from/size behind opaque cursors bound to the filter; when
 *   the image criteria must hold on one series, the case set comes from /files first (one more search). A page
 *   costs one or two searches whatever its size, and its studies one /files search (loadStudies, batched).
 * - collections: /projects with their summary, and per project one /files facet search (modalities, studies),
 *   with the catalogue metadata (name, licence, DOI, cancer site) from the federation config.
 * The raw values criteria are expanded to (plan.ts) come from facets without filters, refreshed every
 * `vocabularyTtlSeconds` (a value added to the repository since is matched from the next refresh on).
 * A case with several diagnoses: GDC's conditions hold when any diagnosis meets them and facets count each code,
 * while the unified case shows its primary diagnosis; counts are exact for one diagnosis per case.
 */
import { createHash } from 'node:crypto';
import type { FilterCriterion } from '../../schema/generated/graphql';
import type { AdapterEnvironment, CasePage, CohortOptions, PageRequest, RepositoryAdapter } from '../sdk/adapter';
import { mapWithConcurrency } from '../sdk/concurrency';
import type { RequestContext } from '../sdk/context';
import { cursorOffset, decodeCursor, encodeCursor } from '../sdk/cursor';
import type { RepositoryEntry } from '../sdk/entry';
import { ErrorCode, RepositoryError } from '../sdk/errors';
import { reportFields } from '../sdk/evaluate';
import { ALL_CRITERIA, criteriaOf, type NormalizedFilter } from '../sdk/filter';
import { HarvestedIndex } from '../sdk/harvested-index';
import type { CaseRecord, CohortRecord, CollectionRecord, StudyRecord } from '../sdk/records';
import { requireAllApplied, type FilterReport } from '../sdk/report';
import { GdcClient } from './client';
import { clinicalOnCases, Counting, keysOf, seriesQuery, zeroCounts, type CountingLimits } from './counting';
import { CASE_FIELDS, caseRecord, collectionRecord, FILE_FIELDS, studiesOf } from './mapping';
import type { ImagingFileHit } from './native-types';
import { parseCaseHit, parseImagingFileHit, parseProjectHit } from './parse';
import { imageFitsCases, planFilter, type Vocabulary } from './plan';
import { CASE, FILE, IMAGING, Query, VIA_CASES, wildcardSafe } from './query';

/** Every criterion maps to GDC fields. */
export const GDC_CRITERIA: readonly FilterCriterion[] = ALL_CRITERIA;

export interface GdcOptions extends CountingLimits {
  vocabularyTtlSeconds: number;
}

const OPTION_BOUNDS: Record<keyof GdcOptions, readonly [min: number, max: number, fallback: number]> = {
  vocabularyTtlSeconds: [1, 86_400, 300],
  maxFacetRequests: [0, 256, 64],
  parallelRequests: [1, 16, 4],
  maxScan: [0, 1_000_000, 50_000],
};

/** Checks `entry.options`; problems as "field: what is wrong". */
export function validateGdcOptions(options: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    const bounds = (OPTION_BOUNDS as Record<string, readonly [number, number, number] | undefined>)[key];
    if (!bounds) problems.push(`${key}: unknown option (known: ${Object.keys(OPTION_BOUNDS).join(', ')})`);
    else if (typeof value !== 'number' || !Number.isInteger(value) || value < bounds[0] || value > bounds[1]) {
      problems.push(`${key}: must be an integer between ${bounds[0]} and ${bounds[1]}`);
    }
  }
  return problems;
}

export function readGdcOptions(options: Record<string, unknown>): GdcOptions {
  const read = (key: keyof GdcOptions) => (typeof options[key] === 'number' ? (options[key] as number) : OPTION_BOUNDS[key][2]);
  return {
    vocabularyTtlSeconds: read('vocabularyTtlSeconds'),
    maxFacetRequests: read('maxFacetRequests'),
    parallelRequests: read('parallelRequests'),
    maxScan: read('maxScan'),
  };
}

/** Files of one search page when loading studies; more pages follow for very large batches. */
const STUDY_FILES_PAGE = 5000;

export class GdcAdapter implements RepositoryAdapter {
  private readonly client: GdcClient;
  private readonly counting: Counting;
  private readonly options: GdcOptions;
  private readonly vocabulary: HarvestedIndex<Vocabulary>;

  constructor(private readonly entry: RepositoryEntry, environment: AdapterEnvironment = {}) {
    this.options = readGdcOptions(entry.options);
    this.client = new GdcClient({ repositoryId: entry.id, baseUrl: entry.endpoint, timeoutMs: entry.timeoutMs, credentials: environment.credentials });
    this.counting = new Counting(this.client, this.options);
    this.vocabulary = new HarvestedIndex(() => this.harvestVocabulary(), this.options.vocabularyTtlSeconds * 1000);
  }

  async cohort(filter: NormalizedFilter, _context: RequestContext, options: CohortOptions): Promise<CohortRecord> {
    const { planned, notApplied } = planFilter(filter, await this.vocabulary.get());
    const report: FilterReport = {
      applied: criteriaOf(filter).filter((c) => !notApplied.some((n) => n.criterion === c)),
      notApplied,
    };
    const counts = planned.kind === 'empty' ? zeroCounts() : await this.counting.cohort(planned.plan, options.facets);
    return { ...counts, ...reportFields(report) };
  }

  async cases(filter: NormalizedFilter, page: PageRequest, _context: RequestContext): Promise<CasePage> {
    const fingerprint = filterFingerprint(filter);
    const from = page.after ? this.offsetOf(page.after, fingerprint) : 0;
    const { planned, notApplied } = planFilter(filter, await this.vocabulary.get());
    requireAllApplied({ applied: [], notApplied }, this.entry.id);
    if (planned.kind === 'empty') return { edges: [], hasNextPage: false, totalCount: 0 };
    const plan = planned.plan;
    let query: Query;
    if (plan.image.length > 0 && !imageFitsCases(plan.image)) {
      // Image conditions on one series: the matching series' cases, from /files.
      const answer = await this.counting.facets('files', seriesQuery(plan, plan.image), [FILE.caseId]);
      const ids = keysOf(answer.buckets.get(FILE.caseId));
      if (ids.length === 0) return { edges: [], hasNextPage: false, totalCount: 0 };
      query = Query.all().term({ field: CASE.caseId, values: ids, missing: false });
    } else {
      query = clinicalOnCases(plan);
      if (plan.image.length > 0) query = query.term(plan.image[0], VIA_CASES);
    }
    const result = await this.client.search('cases', {
      filters: query.filter(), fields: CASE_FIELDS, size: page.first, from, sort: `${CASE.submitterId}:asc`,
    });
    const nodes = result.hits.map((hit, i) => caseRecord(parseCaseHit(hit, this.entry.id, i), this.entry.id));
    return {
      edges: nodes.map((node, i) => ({ cursor: encodeCursor(this.entry.id, { o: from + i + 1, f: fingerprint }), node })),
      hasNextPage: from + nodes.length < result.pagination.total,
      totalCount: result.pagination.total,
    };
  }

  /**
   * All imaging series of the cases, in one /files search (by submitter id; files of another case with a
   * similar id, which a `*` in an id could let through, are dropped when grouping).
   */
  async loadStudies(cases: readonly CaseRecord[], _context: RequestContext): Promise<StudyRecord[][]> {
    const subjects = [...new Set(cases.map((c) => c.subjectId))];
    const query = Query.all().term(IMAGING).term({ field: FILE.caseSubmitterId, values: subjects, missing: false });
    const { hits } = await this.client.searchAll('files', { filters: query.filter(), fields: FILE_FIELDS, sort: 'file_id:asc' }, STUDY_FILES_PAGE);
    const bySubject = new Map<string, ImagingFileHit[]>();
    hits.forEach((hit, i) => {
      const file = parseImagingFileHit(hit, this.entry.id, i);
      for (const subject of file.case_submitter_ids) {
        const files = bySubject.get(subject);
        if (files) files.push(file);
        else bySubject.set(subject, [file]);
      }
    });
    return cases.map((c) => studiesOf(bySubject.get(c.subjectId) ?? [], this.entry.endpoint));
  }

  async collections(_context: RequestContext): Promise<CollectionRecord[]> {
    const { hits } = await this.client.searchAll('projects', {
      fields: ['project_id', 'name', 'primary_site', 'summary.case_count'], sort: 'project_id:asc',
    }, 1000);
    const projects = hits.map((hit, i) => parseProjectHit(hit, this.entry.id, i));
    const ids = projects.map((p) => p.project_id);
    const metadata = new Map(this.entry.collections.map((c) => [c.id, c]));
    return mapWithConcurrency(projects, this.options.parallelRequests, async (project) => {
      const condition = { field: FILE.project, values: [project.project_id], missing: false };
      // A project id with a `*` that would also match other projects is not sent: its imaging stays unknown.
      if (!wildcardSafe(condition.values, ids)) return collectionRecord(project, [], null, metadata.get(project.project_id));
      const answer = await this.counting.facets('files', Query.all().term(IMAGING).term(condition), [FILE.modality, FILE.study]);
      return collectionRecord(project, keysOf(answer.buckets.get(FILE.modality)), keysOf(answer.buckets.get(FILE.study)).length,
        metadata.get(project.project_id));
    });
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async harvestVocabulary(): Promise<Vocabulary> {
    const [cases, files] = await Promise.all([
      this.counting.facets('cases', Query.all(), [CASE.sex, CASE.icd10, CASE.project]),
      this.counting.facets('files', Query.all().term(IMAGING), [FILE.modality, FILE.bodyPart, FILE.manufacturer]),
    ]);
    return {
      sexes: keysOf(cases.buckets.get(CASE.sex)),
      icd10Codes: keysOf(cases.buckets.get(CASE.icd10)),
      projects: keysOf(cases.buckets.get(CASE.project)),
      modalities: keysOf(files.buckets.get(FILE.modality)),
      bodyParts: keysOf(files.buckets.get(FILE.bodyPart)),
      manufacturers: keysOf(files.buckets.get(FILE.manufacturer)),
    };
  }

  /** The offset a cursor carries; BAD_CURSOR for a foreign or damaged one, or one issued for another filter. */
  private offsetOf(after: string, fingerprint: string): number {
    const payload = decodeCursor(after, this.entry.id);
    const offset = cursorOffset(payload, 'o', this.entry.id);
    if (payload.f !== fingerprint) {
      throw new RepositoryError(ErrorCode.BAD_CURSOR, this.entry.id, 'argument `after` is a cursor issued for another filter', { argument: 'after' });
    }
    return offset;
  }
}

function filterFingerprint(filter: NormalizedFilter): string {
  return createHash('sha256').update(JSON.stringify(filter)).digest('base64url').slice(0, 12);
}
