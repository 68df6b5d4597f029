/**
 * The FHIR R4 + mCODE adapter (README §2f, §7.1, §7.4): cases are Patients, their diagnosis the mCODE primary cancer
 * Condition, their staging the TNM stage-group Observation, their images ImagingStudies.
 *
 * Every answer is a native pre-selection followed by a local evaluation with the official semantics (query.ts):
 * one Patient search narrows the candidates with what FHIR search expresses (`gender`, `_has:ResearchSubject…`,
 * `_has:ImagingStudy…` modality/bodysite, `_has:Condition…` onset-date) and brings each candidate's ImagingStudies,
 * Conditions and ResearchSubjects along (`_revinclude`); the SDK's matchCase/cohortOf then decide exactly (same-series
 * image criteria, cancer site from ICD-O-3/ICD-10, age from birthDate and onset, manufacturer, UNKNOWN values).
 *
 * - cohort: pages through all candidates (following `next` links) and counts them with cohortOf: exact counts and
 *   facets. When the pre-selection leaves more than `maxCandidates` patients, nothing is paged: the adapter answers
 *   the native `_summary=count` of the part of the filter FHIR decides exactly, and reports the other criteria as
 *   not applied (subjects only; studies, series, images and facets cannot be counted natively).
 * - cases: pages through the candidates from the cursor on until the page is full (and one more match is seen, for
 *   hasNextPage), so a page costs one native search page (more only when the filter is selective on what FHIR cannot
 *   search) plus one Observation search for the stages; studies come with the page (no per-case call). Cursors carry
 *   the last subject id and, signed with a per-adapter key, the native page to resume from; an expired native page
 *   (HTTP 404/410), a cursor from before a restart or one whose signature does not verify restarts the search and
 *   skips to the last subject id (slower, same result). totalCount is the native total when the pre-selection is
 *   exact, null otherwise.
 * - collections: the ResearchStudies, with a `_summary=count` of their patients each.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { FilterCriterion, Stage } from '../../schema/generated/graphql';
import type { AdapterEnvironment, CasePage, CohortOptions, PageRequest, RepositoryAdapter } from '../sdk/adapter';
import { mapWithConcurrency, chunk } from '../sdk/concurrency';
import type { RequestContext } from '../sdk/context';
import { decodeCursor, encodeCursor, type CursorPayload } from '../sdk/cursor';
import type { RepositoryEntry } from '../sdk/entry';
import { ErrorCode, RepositoryError } from '../sdk/errors';
import { cohortOf, matchCase, reportFields } from '../sdk/evaluate';
import { emptyFacets } from '../sdk/facets';
import { ALL_CRITERIA, criteriaOf, type NormalizedFilter } from '../sdk/filter';
import type { CaseRecord, CohortRecord, CollectionRecord, FullCaseRecord, StudyRecord } from '../sdk/records';
import { FhirClient } from './client';
import { STAGE_GROUP_CODES, SYSTEM } from './codes';
import { caseRecords, collectionRecord, referenceId, stageOf, studyRecord, type MappingContext } from './mapping';
import { mergeResourceSets, type ResearchStudyResource, type ResourceSet, type SearchPage } from './native-types';
import {
  candidateSearch, escapeSearchValue, filterFingerprint, nativelyExactPart, planPatientSearch, type PatientSearchPlan, type PlanOptions,
  type SearchParams,
} from './query';

/** Every criterion is evaluated: natively where FHIR search can, on the candidates otherwise. */
export const FHIR_CRITERIA: readonly FilterCriterion[] = ALL_CRITERIA;

export interface FhirAdapterOptions {
  /**
   * Largest native page, in patients (`_count`); each brings its studies, conditions and enrolments along, so 100
   * patients are a few hundred included resources, below the include limit servers apply per page (HAPI: 1000).
   */
  pageSize: number;
  /** Most candidate patients one cohort (or one page of cases) evaluates locally. */
  maxCandidates: number;
  /** Native requests in flight at once (collections, stages and studies of large pages). */
  parallelRequests: number;
  /** Pre-select modality and body part natively (needs DCM-coded modalities and SNOMED-coded body sites). */
  nativeImageCriteria: boolean;
}

type NumericOption = 'pageSize' | 'maxCandidates' | 'parallelRequests';
const NUMERIC_OPTIONS: Record<NumericOption, readonly [min: number, max: number, fallback: number]> = {
  pageSize: [1, 1000, 100],
  maxCandidates: [1, 1_000_000, 10_000],
  parallelRequests: [1, 16, 4],
};

/** Checks `entry.options`; problems as "field: what is wrong". */
export function validateFhirOptions(options: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    if (key === 'nativeImageCriteria') {
      if (typeof value !== 'boolean') problems.push('nativeImageCriteria: must be true or false');
      continue;
    }
    const bounds = (NUMERIC_OPTIONS as Record<string, readonly [number, number, number] | undefined>)[key];
    if (!bounds) problems.push(`${key}: unknown option (known: ${[...Object.keys(NUMERIC_OPTIONS), 'nativeImageCriteria'].join(', ')})`);
    else if (typeof value !== 'number' || !Number.isInteger(value) || value < bounds[0] || value > bounds[1]) {
      problems.push(`${key}: must be an integer between ${bounds[0]} and ${bounds[1]}`);
    }
  }
  return problems;
}

export function readFhirOptions(options: Record<string, unknown>): FhirAdapterOptions {
  const read = (key: NumericOption): number => (typeof options[key] === 'number' ? options[key] as number : NUMERIC_OPTIONS[key][2]);
  return {
    pageSize: read('pageSize'),
    maxCandidates: read('maxCandidates'),
    parallelRequests: read('parallelRequests'),
    nativeImageCriteria: typeof options.nativeImageCriteria === 'boolean' ? options.nativeImageCriteria : true,
  };
}

/** Subjects per Observation or ImagingStudy search by subject list (POST _search keeps long lists out of URLs). */
const SUBJECTS_PER_SEARCH = 100;

interface ResumePoint {
  /** Last subject id returned: candidates up to it are skipped. */
  after: string;
  /** Relative native page to resume from; '' when the candidates ended there; null to search again. */
  nativePage: string | null;
  total: number | null;
}

interface Candidate {
  record: FullCaseRecord;
  /** Relative URL of the native page it came from; null for the first page of a search. */
  page: string | null;
  /** Whether it was the last candidate of that page. */
  last: boolean;
  /** Relative URL of the page after it; null when there is none. */
  next: string | null;
}

export class FhirAdapter implements RepositoryAdapter {
  private readonly client: FhirClient;
  private readonly options: FhirAdapterOptions;
  private readonly mapping: MappingContext;
  private readonly planOptions: PlanOptions;
  /** Signs the native page a cursor carries; a cursor from another adapter instance just restarts the search. */
  private readonly cursorKey = randomBytes(32);

  constructor(private readonly entry: RepositoryEntry, environment: AdapterEnvironment = {}) {
    this.options = readFhirOptions(entry.options);
    this.client = new FhirClient({
      repositoryId: entry.id, baseUrl: entry.endpoint, timeoutMs: entry.timeoutMs, credentials: environment.credentials,
      connections: Math.max(2, this.options.parallelRequests),
    });
    this.mapping = { repositoryId: entry.id };
    this.planOptions = { nativeImageCriteria: this.options.nativeImageCriteria };
  }

  async cohort(filter: NormalizedFilter, _context: RequestContext, _options: CohortOptions): Promise<CohortRecord> {
    // Facets cost nothing beyond the candidates the counts need, so they are always counted.
    const plan = planPatientSearch(filter, this.planOptions);
    const scan = await this.allCandidates(plan);
    if (scan.records) return cohortOf(scan.records, filter, { applied: criteriaOf(filter), notApplied: [] });
    const exactPart = nativelyExactPart(filter, this.planOptions);
    const subjects = plan.exact ? scan.candidates : await this.client.count('Patient', planPatientSearch(exactPart, this.planOptions).params);
    const reason = `evaluated on the candidate patients FHIR search pre-selects, and this filter pre-selects ${scan.candidates}, `
      + `more than maxCandidates (${this.options.maxCandidates}): the count is FHIR's own for the other criteria`;
    return {
      subjects, studies: null, series: null, images: null, facets: emptyFacets(),
      ...reportFields({ applied: criteriaOf(exactPart), notApplied: plan.local.map((criterion) => ({ criterion, reason })) }),
    };
  }

  async cases(filter: NormalizedFilter, page: PageRequest, _context: RequestContext): Promise<CasePage> {
    const plan = planPatientSearch(filter, this.planOptions);
    const fingerprint = filterFingerprint(filter);
    const resume = page.after ? this.readCursor(page.after, fingerprint) : null;
    let total = resume?.total ?? null;
    if (resume?.nativePage === '') {
      return { edges: [], hasNextPage: false, totalCount: plan.exact ? total ?? await this.client.count('Patient', plan.params) : null };
    }

    let current: SearchPage | null = null;
    let currentUrl: string | null = null;
    if (resume?.nativePage) {
      try {
        current = this.complete(await this.client.page(resume.nativePage, 'Patient'));
        currentUrl = resume.nativePage;
      } catch (error) {
        // The server forgot the search (HAPI answers 410 Gone): search again and skip to the cursor.
        if (!(error instanceof RepositoryError && [404, 410].includes(error.extensions.httpStatus as number))) throw error;
      }
    }
    if (!current) {
      current = this.complete(await this.client.search('Patient', candidateSearch(plan, this.casesPageSize(plan, page.first), plan.exact && total === null)));
      if (plan.exact && current.total !== null) total = current.total;
    }

    const found: Candidate[] = [];
    const primaryConditions = new Map<string, string>();
    const floor = resume?.after ?? null;
    let hasNextPage = false;
    let previous: string | null = null;
    let scanned = 0;
    scan: for (;;) {
      const mapped = caseRecords(current.matchIds, current.resources, this.mapping);
      const next = current.next ? this.client.relativeLink(current.next) : null;
      for (let i = 0; i < mapped.records.length; i++) {
        const record = mapped.records[i];
        if (previous !== null && record.subjectId <= previous) {
          if (record.subjectId === previous) continue; // the same patient on two pages
          throw this.unsorted();
        }
        previous = record.subjectId;
        // A resumed page (or a restarted search) starts before the cursor.
        if (floor !== null && record.subjectId <= floor) continue;
        scanned++;
        if (matchCase(record, filter) === null) continue;
        if (found.length === page.first) {
          hasNextPage = true;
          break scan;
        }
        const condition = mapped.primaryConditions.get(record.subjectId);
        if (condition) primaryConditions.set(record.subjectId, condition);
        found.push({ record, page: currentUrl, last: i === mapped.records.length - 1, next });
      }
      if (!next) break;
      if (scanned >= this.options.maxCandidates) {
        if (found.length === 0) throw this.tooSelective(plan);
        hasNextPage = true; // perhaps: the next page scans on from the last case returned
        break;
      }
      current = this.complete(await this.client.page(next, 'Patient'));
      currentUrl = next;
    }

    const stages = await this.stagesOf(found.map((c) => c.record), primaryConditions);
    const edges = found.map(({ record, page: nativePage, last, next }) => {
      const { studies, ...rest } = record;
      const node: CaseRecord = {
        ...rest,
        diagnosis: rest.diagnosis ? { ...rest.diagnosis, stage: stages.get(record.subjectId) ?? null } : null,
        studies,
      };
      return { cursor: this.writeCursor(fingerprint, record.subjectId, last ? next ?? '' : nativePage, total), node };
    });
    const totalCount = plan.exact ? total ?? await this.client.count('Patient', plan.params) : null;
    return { edges, hasNextPage, totalCount };
  }

  async loadStudies(cases: readonly CaseRecord[], _context: RequestContext): Promise<StudyRecord[][]> {
    const ids = [...new Set(cases.map((c) => c.subjectId))];
    const sets = await mapWithConcurrency(chunk(ids, SUBJECTS_PER_SEARCH), this.options.parallelRequests, (part) => this.allPages('ImagingStudy', [
      ['subject', part.map((id) => escapeSearchValue(`Patient/${id}`)).join(',')],
      ['_include', 'ImagingStudy:endpoint'],
      ['_count', String(Math.min(1000, part.length * 10))],
    ]));
    const resources = mergeResourceSets(sets);
    const endpoints = new Map(resources.endpoints.map((e) => [e.id, e]));
    const bySubject = new Map<string, StudyRecord[]>();
    for (const study of resources.imagingStudies) {
      const subject = referenceId(study.subject, 'Patient');
      if (subject === null) continue;
      let list = bySubject.get(subject);
      if (!list) bySubject.set(subject, (list = []));
      const record = studyRecord(study, endpoints);
      if (!list.some((s) => s.uid === record.uid)) list.push(record); // the same study on two pages
    }
    for (const list of bySubject.values()) list.sort((a, b) => compare(a.date ?? '9999', b.date ?? '9999') || compare(a.uid, b.uid));
    return cases.map((c) => bySubject.get(c.subjectId) ?? []);
  }

  async collections(_context: RequestContext): Promise<CollectionRecord[]> {
    const set = await this.allPages('ResearchStudy', [['_sort', '_id'], ['_count', '100']]);
    const studies: ResearchStudyResource[] = set.researchStudies;
    const subjects = await mapWithConcurrency(studies, this.options.parallelRequests, (study) =>
      this.client.count('Patient', [['_has:ResearchSubject:individual:study', escapeSearchValue(`ResearchStudy/${study.id}`)]]));
    const metadata = new Map(this.entry.collections.map((c) => [c.id, c]));
    return studies.map((study, i) => collectionRecord(study, subjects[i], metadata.get(study.id)));
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** All candidates of a plan as case records, or their number when there are more than maxCandidates. */
  private async allCandidates(plan: PatientSearchPlan): Promise<{ records: FullCaseRecord[]; candidates?: undefined } | { records?: undefined; candidates: number }> {
    const max = this.options.maxCandidates;
    let current = this.complete(await this.client.search('Patient', candidateSearch(plan, this.options.pageSize, true)));
    if (current.total !== null && current.total > max) return { candidates: current.total };
    const records: FullCaseRecord[] = [];
    let previous: string | null = null;
    for (;;) {
      for (const record of caseRecords(current.matchIds, current.resources, this.mapping).records) {
        if (previous !== null && record.subjectId <= previous) {
          if (record.subjectId === previous) continue; // the same patient on two pages
          throw this.unsorted();
        }
        previous = record.subjectId;
        records.push(record);
      }
      if (records.length > max) return { candidates: current.total ?? await this.client.count('Patient', plan.params) };
      if (!current.next) return { records };
      current = this.complete(await this.client.page(this.client.relativeLink(current.next), 'Patient'));
    }
  }

  /**
   * Native page size for a page of `first` cases: enough candidates to fill it and see one more match in one native
   * call (twice that when the filter is refined locally and some candidates fail), within [20, pageSize].
   */
  private casesPageSize(plan: PatientSearchPlan, first: number): number {
    const wanted = plan.exact ? first + 1 : 2 * (first + 1);
    return Math.min(this.options.pageSize, Math.max(20, wanted));
  }

  /**
   * A candidate page whose OperationOutcome warns is refused: the searches send only known parameters, so a warning
   * means the server cut the page short (HAPI: "not all _include resources were actually included"), and counting
   * patients without all their studies would be wrong.
   */
  private complete(page: SearchPage): SearchPage {
    if (page.warnings > 0) {
      throw new RepositoryError(ErrorCode.BAD_RESPONSE, this.entry.id,
        'the server flagged a Patient search page as incomplete (an OperationOutcome warning, such as an include limit); lower the pageSize option');
    }
    return page;
  }

  /** Every page of a search, merged (for bounded searches: subject lists, ResearchStudies). */
  private async allPages(type: string, params: SearchParams): Promise<ResourceSet> {
    const pages: ResourceSet[] = [];
    let current = await this.client.search(type, params);
    pages.push(current.resources);
    while (current.next) {
      current = await this.client.page(this.client.relativeLink(current.next), type);
      pages.push(current.resources);
    }
    return mergeResourceSets(pages);
  }

  /** The TNM stage of each case with a primary Condition, from its stage-group Observations (with T/N/M members). */
  private async stagesOf(records: readonly FullCaseRecord[], primaryConditions: ReadonlyMap<string, string>): Promise<Map<string, Stage | null>> {
    const ids = records.map((r) => r.subjectId).filter((id) => primaryConditions.has(id));
    const stages = new Map<string, Stage | null>();
    if (ids.length === 0) return stages;
    const codes = STAGE_GROUP_CODES.map((code) => `${SYSTEM.LOINC}|${code}`).join(',');
    const sets = await mapWithConcurrency(chunk(ids, SUBJECTS_PER_SEARCH), this.options.parallelRequests, (part) => this.allPages('Observation', [
      ['subject', part.map((id) => escapeSearchValue(`Patient/${id}`)).join(',')],
      ['code', codes],
      ['_include', 'Observation:has-member'],
      ['_count', String(Math.min(1000, part.length * 4))],
    ]));
    const observations = mergeResourceSets(sets).observations;
    const byId = new Map(observations.map((o) => [o.id, o]));
    const bySubject = new Map<string, typeof observations>();
    for (const o of observations) {
      const subject = referenceId(o.subject, 'Patient');
      if (subject === null) continue;
      let list = bySubject.get(subject);
      if (!list) bySubject.set(subject, (list = []));
      list.push(o);
    }
    for (const id of ids) stages.set(id, stageOf(bySubject.get(id) ?? [], primaryConditions.get(id) ?? null, byId));
    return stages;
  }

  private sign(fingerprint: string, nativePage: string, total: number | null): string {
    return createHmac('sha256', this.cursorKey).update(JSON.stringify([fingerprint, nativePage, total])).digest('base64url').slice(0, 22);
  }

  private writeCursor(fingerprint: string, subjectId: string, nativePage: string | null, total: number | null): string {
    const payload: CursorPayload = { f: fingerprint, k: subjectId };
    if (nativePage !== null) {
      payload.n = nativePage;
      if (total !== null) payload.t = total;
      payload.h = this.sign(fingerprint, nativePage, total);
    }
    return encodeCursor(this.entry.id, payload);
  }

  private readCursor(cursor: string, fingerprint: string): ResumePoint {
    const payload = decodeCursor(cursor, this.entry.id);
    if (typeof payload.k !== 'string' || typeof payload.f !== 'string') {
      throw new RepositoryError(ErrorCode.BAD_CURSOR, this.entry.id, 'argument `after` is a damaged cursor', { argument: 'after' });
    }
    if (payload.f !== fingerprint) {
      throw new RepositoryError(ErrorCode.BAD_CURSOR, this.entry.id, 'argument `after` is a cursor issued for another filter', { argument: 'after' });
    }
    const nativePage = typeof payload.n === 'string' ? payload.n : null;
    const total = typeof payload.t === 'number' && Number.isInteger(payload.t) && payload.t >= 0 ? payload.t : null;
    const trusted = nativePage !== null && payload.h === this.sign(fingerprint, nativePage, total);
    // An unsigned or foreign native page is never followed: the search starts again and skips to the subject id.
    return { after: payload.k, nativePage: trusted ? nativePage : null, total: trusted ? total : null };
  }

  private unsorted(): RepositoryError {
    return new RepositoryError(ErrorCode.BAD_RESPONSE, this.entry.id,
      'malformed Patient search response: the server did not sort the patients by id as asked (_sort=_id), so pages cannot be resumed');
  }

  private tooSelective(plan: PatientSearchPlan): RepositoryError {
    return new RepositoryError(ErrorCode.NOT_SUPPORTED, this.entry.id,
      `no case matched among the first ${this.options.maxCandidates} candidate patients: ${plan.local.join(', ')} cannot be searched natively in FHIR `
      + 'and this filter is too selective on them to list cases page by page (its cohort is still counted; raise maxCandidates to list them)',
      { argument: 'where' });
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
