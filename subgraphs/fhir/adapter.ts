/**
 * The FHIR R4 + mCODE adapter (README §2f, §7.1, §7.4): cases are Patients, their diagnosis the mCODE primary cancer
 * Condition, their staging the TNM stage-group Observation, their images ImagingStudies.
 *
 * Exact means exact on servers nobody here wrote. The adapter reads the server's CapabilityStatement once and asks
 * only what it declares (plan.ts: `_has` or a two-step search, `_revinclude` or one search per resource type,
 * `_summary=count`); it asks with `Prefer: handling=strict` (client.ts), compares every answer's self link with what
 * it sent (applied.ts), and a parameter the server left out, or refused with HTTP 400, makes it plan again without
 * it (native-reads.ts), so an unsupported parameter is evaluated locally instead of silently counting wrong. It never relies on the server's id order: candidate ids are sorted here.
 *
 * Every answer is a native pre-selection of candidate patients followed by a local evaluation with the official
 * semantics: the SDK's matchCase/cohortOf decide exactly (same-series image criteria, body part from SNOMED codes or
 * display text, cancer site from ICD-O-3/ICD-10/SNOMED CT, age from birthDate and onset, manufacturer, UNKNOWN).
 * - cohort (mode "index", the default): counted on a harvested index of every patient's record (harvest.ts), where the
 *   repository holds at most `indexMaxPatients` patients and the server reverse-includes what a record needs; live
 *   otherwise, until the first harvest is done, and once the copy is twice `indexTtlSeconds` old (its refreshes,
 *   tried at most every HARVEST_RETRY_MS, keep failing).
 * - cohort (live): the candidates' records, counted with cohortOf: exact counts and facets. When the pre-selection
 *   leaves more than `maxCandidates` patients, the adapter answers the native count of the part of the filter FHIR
 *   decides exactly, and reports the other criteria as not applied (subjects only).
 * - cases: the sorted candidate ids from the cursor on, their records fetched a chunk at a time until the page is
 *   full (and one more match is seen, for hasNextPage), then one Observation search for the stages. A cursor holds
 *   the last subject id. totalCount is the number of candidates when the pre-selection is exact, null otherwise.
 * - collections: the ResearchStudies, with the distinct patients their ResearchSubjects name.
 */
import type { FilterCriterion } from '../../schema/generated/graphql';
import type { AdapterEnvironment, CasePage, CohortOptions, PageRequest, RepositoryAdapter } from '../sdk/adapter';
import { chunk, mapWithConcurrency } from '../sdk/concurrency';
import type { RequestContext } from '../sdk/context';
import { decodeCursor, encodeCursor } from '../sdk/cursor';
import type { RepositoryEntry } from '../sdk/entry';
import { ErrorCode, RepositoryError } from '../sdk/errors';
import { cohortOf, matchCase, reportFields } from '../sdk/evaluate';
import { emptyFacets } from '../sdk/facets';
import { ALL_CRITERIA, criteriaOf, type NormalizedFilter } from '../sdk/filter';
import type { CaseRecord, CohortRecord, CollectionRecord, FullCaseRecord, StudyRecord } from '../sdk/records';
import { FhirClient } from './client';
import { collectionRecord, referenceId, studyRecord, type MappingContext } from './mapping';
import { codePointOrder, fhirReadCaches, NativeReads, Replan, type FhirReadCaches, type ReadOptions } from './native-reads';
import { readFhirOptions, type FhirAdapterOptions } from './options';
import { detached } from '../sdk/cancellation';
import type { CaseIndex } from '../sdk/case-index';
import { yieldToEventLoop } from '../sdk/concurrency';
import { HarvestedIndex } from '../sdk/harvested-index';
import { harvestIndex, type FhirIndex } from './harvest';
import {
  escapeSearchValue, filterFingerprint, nativelyExactPart, planCandidates, ServerProfile, type CandidatePlan, type PlanOptions,
} from './plan';

/** Every criterion is evaluated: natively where FHIR search can, on the candidates otherwise. */
export const FHIR_CRITERIA: readonly FilterCriterion[] = ALL_CRITERIA;

/** A server that keeps showing new ignored parameters after this many plans is not answered. */
const MAX_PLANS = 8;
/** ResearchStudies per enrolment search. */
const STUDIES_PER_SEARCH = 50;
/** After a failed harvest (the first or a refresh), no query starts another for this long. */
const HARVEST_RETRY_MS = 30_000;
/**
 * A copy older than this many TTLs (its refreshes failed, or nobody asked for a while) is not answered from: the
 * server is asked live, so that a count is never older than that without saying so.
 */
const MAX_AGE_IN_TTLS = 2;

export class FhirAdapter implements RepositoryAdapter {
  private readonly client: FhirClient;
  private readonly options: FhirAdapterOptions;
  /** Reads kept for `readCacheSeconds` (off by default). */
  private readonly readCaches: FhirReadCaches | undefined;
  private readonly mapping: MappingContext;
  private readonly planOptions: PlanOptions;
  private profile: Promise<ServerProfile> | null = null;
  /** The harvested index (mode "index"); null in mode "live". */
  private readonly index: HarvestedIndex<FhirIndex> | null;
  private harvestFailedAt = 0;
  /** Whether the last harvest failed (its error is logged once per run of failures). */
  private harvestFailing = false;
  /** Why the last harvest left the repository unindexed (logged once per change). */
  private unindexedReason: string | null = null;

  constructor(private readonly entry: RepositoryEntry, environment: AdapterEnvironment = {}) {
    this.options = readFhirOptions(entry.options);
    this.client = new FhirClient({
      repositoryId: entry.id, baseUrl: entry.endpoint, timeoutMs: entry.timeoutMs, credentials: environment.credentials,
      connections: Math.max(2, this.options.parallelRequests),
    });
    this.mapping = { repositoryId: entry.id };
    this.planOptions = { nativeImageCriteria: this.options.nativeImageCriteria };
    this.readCaches = fhirReadCaches(this.options.readCacheSeconds);
    // The harvest takes half the connections, so that the live answers it stands beside keep the others.
    const harvestReads = { parallelRequests: Math.max(1, Math.floor(this.options.parallelRequests / 2)) };
    this.index = this.options.mode === 'index'
      ? new HarvestedIndex(async (previous) => this.noted(await this.withReads((reads) => harvestIndex(reads, this.options.indexMaxPatients, previous), harvestReads)),
        this.options.indexTtlSeconds * 1000, { large: true })
      : null;
  }

  async cohort(filter: NormalizedFilter, _context: RequestContext, _options: CohortOptions): Promise<CohortRecord> {
    // Facets cost nothing beyond the records the counts need, so they are always counted.
    const index = await this.indexed();
    if (index) return index.cohort(filter, { applied: criteriaOf(filter), notApplied: [] });
    return this.planned(filter, async (plan, reads, profile) => {
      const candidates = await reads.candidateRecords(plan, this.options.maxCandidates);
      if ('records' in candidates) return cohortOf(candidates.records, filter, { applied: criteriaOf(filter), notApplied: [] });
      const exactPart = nativelyExactPart(filter, plan);
      const subjects = plan.exact ? candidates.more : await reads.countCandidates(planCandidates(exactPart, profile, this.planOptions));
      const reason = `evaluated on the candidate patients FHIR search pre-selects, and this filter pre-selects ${candidates.more}, `
        + `more than maxCandidates (${this.options.maxCandidates}): the count is FHIR's own for the other criteria`;
      return {
        subjects, studies: null, series: null, images: null, facets: emptyFacets(),
        ...reportFields({ applied: criteriaOf(exactPart), notApplied: plan.local.map((criterion) => ({ criterion, reason })) }),
      };
    });
  }

  async cases(filter: NormalizedFilter, page: PageRequest, _context: RequestContext): Promise<CasePage> {
    const fingerprint = filterFingerprint(filter);
    const after = page.after ? this.readCursor(page.after, fingerprint) : null;
    return this.planned(filter, async (plan, reads) => {
      const candidates = await reads.candidateIds(plan, null);
      const ids = 'ids' in candidates ? candidates.ids : [];
      const totalCount = plan.exact ? ids.length : null;
      let index = after === null ? 0 : firstAfter(ids, after);
      const size = Math.min(this.options.pageSize, Math.max(20, plan.exact ? page.first + 1 : 2 * (page.first + 1)));
      const found: FullCaseRecord[] = [];
      const primaryConditions = new Map<string, string>();
      let hasNextPage = false;
      let scanned = 0;
      scan: while (index < ids.length) {
        const part = ids.slice(index, index + size);
        index += part.length;
        const mapped = await reads.records(part);
        for (const record of mapped.records) {
          scanned++;
          if (matchCase(record, filter) === null) continue;
          if (found.length === page.first) {
            hasNextPage = true;
            break scan;
          }
          found.push(record);
          const condition = mapped.primaryConditions.get(record.subjectId);
          if (condition) primaryConditions.set(record.subjectId, condition);
        }
        if (scanned >= this.options.maxCandidates && index < ids.length) {
          if (found.length === 0) throw this.tooSelective(plan);
          hasNextPage = true; // perhaps: the next page scans on from the last case returned
          break;
        }
      }
      const stages = await reads.stagesOf(found, primaryConditions);
      const edges = found.map((record) => {
        const { studies, ...rest } = record;
        const node: CaseRecord = {
          ...rest,
          diagnosis: rest.diagnosis ? { ...rest.diagnosis, stage: stages.get(record.subjectId) ?? null } : null,
          studies,
        };
        return { cursor: encodeCursor(this.entry.id, { f: fingerprint, k: record.subjectId }), node };
      });
      return { edges, hasNextPage, totalCount };
    });
  }

  async loadStudies(cases: readonly CaseRecord[], _context: RequestContext): Promise<StudyRecord[][]> {
    const ids = [...new Set(cases.map((c) => c.subjectId))];
    const resources = await this.withReads((reads) => reads.studiesOf(ids));
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
    for (const list of bySubject.values()) list.sort((a, b) => codePointOrder(a.date ?? '9999', b.date ?? '9999') || codePointOrder(a.uid, b.uid));
    return cases.map((c) => bySubject.get(c.subjectId) ?? []);
  }

  async collections(_context: RequestContext): Promise<CollectionRecord[]> {
    return this.withReads(async (reads, profile) => {
      const studies = (await reads.all('ResearchStudy', [])).researchStudies.sort((a, b) => codePointOrder(a.id, b.id));
      // Patients per collection: the distinct individuals its ResearchSubjects name (a count of ResearchSubjects
      // would count a patient enrolled twice twice). Unknown when the server cannot search enrolments by study.
      const members = new Map<string, Set<string>>(studies.map((s) => [s.id, new Set()]));
      const countable = profile.supports('ResearchSubject', 'study');
      if (countable && studies.length > 0) {
        const parts = await mapWithConcurrency(chunk(studies.map((s) => s.id), STUDIES_PER_SEARCH), this.options.parallelRequests, (part) => reads.all('ResearchSubject', [
          ['study', part.map((id) => escapeSearchValue(`ResearchStudy/${id}`)).join(',')],
          ...reads.elements('ResearchSubject', 'study', 'individual'),
        ]));
        for (const enrolment of parts.flatMap((p) => p.researchSubjects)) {
          const patient = referenceId(enrolment.individual, 'Patient');
          const study = referenceId(enrolment.study, 'ResearchStudy');
          if (patient !== null && study !== null) members.get(study)?.add(patient);
        }
      }
      const metadata = new Map(this.entry.collections.map((c) => [c.id, c]));
      return studies.map((study) => collectionRecord(study, countable ? members.get(study.id)!.size : null, metadata.get(study.id)));
    });
  }

  /** Harvests the index (mode "index"); a server that cannot be indexed is found so here, and asked live. */
  async warmUp(): Promise<void> {
    await this.index?.warm();
  }

  close(): Promise<void> {
    this.index?.close();
    return this.client.close();
  }

  /**
   * The case index to count a cohort from, or null to ask the server live: in mode "live", on a server that cannot
   * be indexed, and until the first harvest is done (a query starts it and is answered live meanwhile, so that a
   * repository is never left unanswered while it warms). A stale index answers while its refresh runs.
   */
  private async indexed(): Promise<CaseIndex | null> {
    if (!this.index) return null;
    // A harvest when there is none or the copy is stale (warm starts none otherwise), unless one failed lately.
    if (Date.now() - this.harvestFailedAt >= HARVEST_RETRY_MS) {
      this.index.warm().catch((error: unknown) => {
        this.harvestFailedAt = Date.now();
        if (!this.harvestFailing) {
          const kept = this.index?.current?.cases ? 'its copy answers until it is twice indexTtlSeconds old' : 'its cohorts are asked live';
          console.warn(`repository "${this.entry.id}": index harvest failed, ${kept}; tried again in ${HARVEST_RETRY_MS / 1000} s: ${(error as Error).message}`);
        }
        this.harvestFailing = true;
      });
    }
    const copy = this.index.current;
    if (!copy?.cases || Date.now() - copy.harvestedAt > MAX_AGE_IN_TTLS * this.options.indexTtlSeconds * 1000) return null;
    // Counting on the index is CPU work: the other repositories' native requests go out first (as HarvestedIndex.get).
    await yieldToEventLoop();
    return copy.cases;
  }

  /** Logs, once per change, why the repository is or is no longer indexed. */
  private noted(index: FhirIndex): FhirIndex {
    this.harvestFailing = false;
    const reason = index.cases ? null : index.reason;
    if (reason !== this.unindexedReason) {
      console.warn(reason ? `repository "${this.entry.id}": not indexed, every cohort is asked live: ${reason}` : `repository "${this.entry.id}": indexed again`);
      this.unindexedReason = reason;
    }
    return index;
  }

  /** The server's profile: its CapabilityStatement, read once (and again after a failure to read it). */
  private serverProfile(): Promise<ServerProfile> {
    if (!this.profile) {
      // Shared by every query: no caller going away cancels it (sdk/cancellation.ts).
      const loading = detached(() => this.client.capabilities()).then((capabilities) => new ServerProfile(capabilities));
      loading.catch(() => {
        if (this.profile === loading) this.profile = null;
      });
      this.profile = loading;
    }
    return this.profile;
  }

  /** Runs native reads, again while the server is seen ignoring parameters (each time it knows one more). */
  private async withReads<T>(work: (reads: NativeReads, profile: ServerProfile) => Promise<T>, readOptions: Partial<ReadOptions> = {}): Promise<T> {
    const profile = await this.serverProfile();
    const reads = new NativeReads(this.client, profile, { ...this.options, ...readOptions }, this.mapping, this.readCaches);
    for (let attempt = 1; ; attempt++) {
      try {
        return await work(reads, profile);
      } catch (error) {
        if (!(error instanceof Replan)) throw error;
        if (attempt >= MAX_PLANS) {
          throw new RepositoryError(ErrorCode.BAD_RESPONSE, this.entry.id,
            `the server ignored search parameters it declares (${profile.ignoredKeys().join(', ')}) and kept ignoring others`);
        }
      }
    }
  }

  /** Runs work with the plan of a filter, planned again after the server was seen ignoring a parameter. */
  private planned<T>(filter: NormalizedFilter, work: (plan: CandidatePlan, reads: NativeReads, profile: ServerProfile) => Promise<T>): Promise<T> {
    return this.withReads((reads, profile) => work(planCandidates(filter, profile, this.planOptions), reads, profile));
  }

  private readCursor(cursor: string, fingerprint: string): string {
    const payload = decodeCursor(cursor, this.entry.id);
    if (typeof payload.k !== 'string' || typeof payload.f !== 'string') {
      throw new RepositoryError(ErrorCode.BAD_CURSOR, this.entry.id, 'argument `after` is a damaged cursor', { argument: 'after' });
    }
    if (payload.f !== fingerprint) {
      throw new RepositoryError(ErrorCode.BAD_CURSOR, this.entry.id, 'argument `after` is a cursor issued for another filter', { argument: 'after' });
    }
    return payload.k;
  }

  private tooSelective(plan: CandidatePlan): RepositoryError {
    return new RepositoryError(ErrorCode.NOT_SUPPORTED, this.entry.id,
      `no case matched among the first ${this.options.maxCandidates} candidate patients: ${plan.local.join(', ')} cannot be searched natively in FHIR `
      + 'and this filter is too selective on them to list cases page by page (its cohort is still counted; raise maxCandidates to list them)',
      { argument: 'where' });
  }
}

/** The index of the first id after `after` in code-point order (ids sorted that way). */
function firstAfter(ids: readonly string[], after: string): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (ids[mid] <= after) low = mid + 1;
    else high = mid;
  }
  return low;
}
