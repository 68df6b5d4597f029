/**
 * The adapter for a GDC repository (native-apis README §2c): the NCI Genomic Data Commons search API and the
 * GDC-style deployments that run it. GDC holds cases, their diagnoses and biospecimens, projects, and as images
 * only pathology slides; no radiology (its /files documents have no DICOM attributes).
 * - cohort: native counts (totals and facets, counting.ts). Radiology criteria are reported not applicable
 *   (plan.ts), a modality criterion is answered exactly (SM: cases with a slide image; any other: nobody). Exact
 *   only when the server applied everything: a filter field its `warnings` say it ignored makes the criteria of
 *   that field "not applied", with the server's words as the reason.
 * - cases: /cases sorted by `submitter_id`, paged with from/size behind opaque cursors bound to the filter; a page
 *   costs one search (two when diagnosis criteria meet cases with several diagnoses), and its studies one /files
 *   search (loadStudies, batched).
 * - collections: /projects with their summary, and per project one /files facet search (slides, studies), with
 *   the catalogue metadata (name, licence, DOI, cancer site) from the federation config.
 * The vocabulary plan.ts expands values into (raw values, the fields the server knows, whether it marks primary
 * diagnoses, whether it holds DICOM) comes from facets without filters, refreshed every `vocabularyTtlSeconds`.
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
import { ALL_CRITERIA, type NormalizedFilter } from '../sdk/filter';
import { HarvestedIndex } from '../sdk/harvested-index';
import type { CaseRecord, CohortRecord, CollectionRecord, StudyRecord } from '../sdk/records';
import { requireAllApplied } from '../sdk/report';
import { GdcClient } from './client';
import { Counting, keysOf, MISSING, zeroCounts } from './counting';
import { CASE_FIELDS, caseRecord, collectionRecord, SLIDE_FIELDS, studiesOf } from './mapping';
import type { SlideFileHit } from './native-types';
import { readGdcOptions, type GdcOptions } from './options';
import { parseCaseHit, parseProjectHit, parseSlideFileHit } from './parse';
import { planFilter, reportOf, WarningLog, type Vocabulary } from './plan';
import { CASE, FILE, fold, Query, SLIDES, wildcardSafe } from './query';

/**
 * Every criterion has an answer: natively, or (radiology on a pathology repository) reported not applicable per
 * query with its reason, so the kind declares them all.
 */
export const GDC_CRITERIA: readonly FilterCriterion[] = ALL_CRITERIA;

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
    const vocabulary = await this.vocabulary.get();
    const { planned, notApplied } = planFilter(filter, vocabulary);
    const log = new WarningLog();
    const counts = planned.kind === 'empty' ? zeroCounts() : await this.counting.cohort(planned.plan, vocabulary, options.facets, log);
    return { ...counts, ...reportFields(reportOf(filter, notApplied, log)) };
  }

  async cases(filter: NormalizedFilter, page: PageRequest, _context: RequestContext): Promise<CasePage> {
    const fingerprint = filterFingerprint(filter);
    const from = page.after ? this.offsetOf(page.after, fingerprint) : 0;
    const vocabulary = await this.vocabulary.get();
    const { planned, notApplied } = planFilter(filter, vocabulary);
    requireAllApplied({ applied: [], notApplied }, this.entry.id);
    if (planned.kind === 'empty') return { edges: [], hasNextPage: false, totalCount: 0 };
    const log = new WarningLog();
    const query = await this.counting.casesToList(planned.plan, vocabulary, log);
    const result = await this.counting.search('cases', {
      filters: query.filter(), fields: CASE_FIELDS, size: page.first, from, sort: `${CASE.submitterId}:asc`,
    }, log);
    const report = reportOf(filter, [], log);
    requireAllApplied(report, this.entry.id);
    if (report.exact === false) {
      throw new RepositoryError(ErrorCode.NOT_SUPPORTED, this.entry.id,
        `cannot list cases for this filter: the repository warned that it left part of the filter out (${[...log.texts].join('; ')})`, { argument: 'where' });
    }
    const nodes = result.hits.map((hit, i) => caseRecord(parseCaseHit(hit, this.entry.id, i), this.entry.id));
    return {
      edges: nodes.map((node, i) => ({ cursor: encodeCursor(this.entry.id, { o: from + i + 1, f: fingerprint }), node })),
      hasNextPage: from + nodes.length < result.pagination.total,
      totalCount: result.pagination.total,
    };
  }

  /**
   * All slide images of the cases, in one /files search (by submitter id; files of another case with a similar
   * id, which a `*` in an id could let through, are dropped when grouping).
   */
  async loadStudies(cases: readonly CaseRecord[], _context: RequestContext): Promise<StudyRecord[][]> {
    const subjects = [...new Set(cases.map((c) => c.subjectId))];
    const query = Query.all().term(SLIDES).term({ field: FILE.caseSubmitterId, values: subjects, missing: false });
    const { hits } = await this.client.searchAll('files', { filters: query.filter(), fields: SLIDE_FIELDS, sort: 'file_id:asc' }, STUDY_FILES_PAGE);
    const bySubject = new Map<string, SlideFileHit[]>();
    hits.forEach((hit, i) => {
      const file = parseSlideFileHit(hit, this.entry.id, i);
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
      // A project id with a `*` that would also match other projects is not sent: its slides stay unknown.
      if (!wildcardSafe(condition.values, ids)) return collectionRecord(project, [], null, metadata.get(project.project_id));
      const answer = await this.counting.facets('files', Query.all().term(SLIDES).term(condition), [FILE.sample], [], new WarningLog(), true);
      const samples = answer.buckets.get(FILE.sample);
      const studies = answer.unknown.has(FILE.sample) ? null : keysOf(samples).length + (samples?.get(MISSING) ?? 0);
      return collectionRecord(project, answer.total > 0 ? ['SM'] : [], studies, metadata.get(project.project_id));
    });
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /** What the repository holds and knows: facets without filters, and the facets it says it does not know. */
  private async harvestVocabulary(): Promise<Vocabulary> {
    const log = new WarningLog();
    const [cases, files] = await Promise.all([
      this.counting.facets('cases', Query.all(), [CASE.sex, CASE.legacySex, CASE.icd10, CASE.project, CASE.primaryFlag], [], log),
      this.counting.facets('files', Query.all(), [FILE.dataFormat], [], log),
    ]);
    const sexField = [CASE.sex, CASE.legacySex].find((field) => !cases.unknown.has(field)) ?? null;
    const flags = cases.buckets.get(CASE.primaryFlag);
    const notFlaggedPrimary = [...(flags ?? [])].some(([key, n]) => n > 0 && ['false', '0', MISSING].includes(fold(key)));
    return {
      sexField,
      sexes: sexField ? keysOf(cases.buckets.get(sexField)) : [],
      icd10Codes: keysOf(cases.buckets.get(CASE.icd10)),
      projects: keysOf(cases.buckets.get(CASE.project)),
      primaryFlag: !cases.unknown.has(CASE.primaryFlag),
      ambiguousDiagnoses: notFlaggedPrimary,
      dicomFiles: keysOf(files.buckets.get(FILE.dataFormat)).some((format) => ['dicom', 'dcm'].includes(fold(format))),
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
