/**
 * The FHIR searches the adapter makes, each checked against what the server says it applied:
 * - candidate ids: the patients a plan admits (plan.ts), as a sorted id list. The adapter sorts ids itself, in
 *   code-point order: R4 does not define the order of `_sort=_id`, and servers sort by their database collation
 *   (locale order on Medplum and most PostgreSQL-backed servers), so the server's order is never relied upon.
 * - records: the patients of a list of ids with their ImagingStudies, Conditions, ResearchSubjects and Endpoints,
 *   in one `_id` search with `_revinclude` when the server declares those, else one search per resource type by
 *   subject list. Stage Observations for the cases of a page.
 * - candidate records (a cohort): where the plan is one Patient search and the server reverse-includes, that search
 *   itself with `_revinclude`, its first page's total bounding the read by maxCandidates (candidateRecords); else
 *   the candidate ids, then their records.
 *
 * Every first page's self link is compared with what was sent (applied.ts). A parameter the server left out is
 * remembered on the ServerProfile and the work starts again with a plan that no longer uses it (`Replan`); a
 * parameter without which nothing can be read (`_id`, the subject list) is a REPOSITORY_BAD_RESPONSE. A search whose
 * Bundle.total says there are more matches than it returned, without a `next` link to them, is asked once more
 * with `_count` set to that total (servers without paging links), and is a REPOSITORY_BAD_RESPONSE if still short.
 * Searches ask `_total=accurate`: with the total and next links that address pages by offset (HAPI's paging cache),
 * the later pages are asked `parallelRequests` at a time instead of one after another (pagesByOffset).
 *
 * A server that honours `Prefer: handling=strict` refuses instead of ignoring: HTTP 400 with an OperationOutcome.
 * The parameters it names (applied.ts `refusedParameters`) are handled as ignored ones (remembered, `Replan`); a
 * refusal that names none the adapter can do without is asked again once with `handling=lenient`, whose self link
 * then tells what was applied. A parameter the server does not support never fails the query.
 */
import { chunk, mapWithConcurrency } from '../sdk/concurrency';
import { ReadCache } from '../sdk/read-cache';
import { ErrorCode, RepositoryError } from '../sdk/errors';
import type { FullCaseRecord } from '../sdk/records';
import type { Stage } from '../../schema/generated/graphql';
import { ignoredParameters, refusedParameters } from './applied';
import { SearchRefused, type FhirClient, type Handling } from './client';
import { STAGE_OBSERVATION_CODES } from './codes';
import { caseRecords, referenceId, stageOf, type MappingContext } from './mapping';
import { mergeResourceSets, type ResourceSet, type SearchPage } from './native-types';
import { escapeSearchValue, type CandidatePlan, type IdSetSearch, type SearchParams, type ServerProfile } from './plan';

/** Thrown when a server ignored a parameter the plan relied on: plan again (the profile now knows). */
export class Replan extends Error {}

export interface ReadOptions {
  /** Matches per native page (`_count`) for lists. */
  pageSize: number;
  /** Native requests in flight at once. */
  parallelRequests: number;
}

/** Patients' records, and the primary cancer Condition id of those that have one (to find its stage). */
export interface RecordsRead {
  records: FullCaseRecord[];
  primaryConditions: Map<string, string>;
}

/** One patient's record as read, or null when the server has no such Patient. */
type PatientRead = { record: FullCaseRecord; primaryCondition?: string } | null;

/**
 * What the adapter keeps of its reads (option `readCacheSeconds`, sdk/read-cache.ts): candidate id lists by the
 * native part of their plan, records by patient id. Shared by the adapter's requests; never mutated.
 */
export interface FhirReadCaches {
  candidates: ReadCache<CandidateIds>;
  patients: ReadCache<PatientRead>;
}

export function fhirReadCaches(seconds: number): FhirReadCaches | undefined {
  if (seconds <= 0) return undefined;
  // Bounded in entries: a candidate list holds up to maxCandidates ids (10,000 by default), so 64 lists are at most
  // a few tens of MB; 50,000 records are a large repository's worth of mapped patients.
  return { candidates: new ReadCache(seconds * 1000, 64), patients: new ReadCache(seconds * 1000, 50_000) };
}

/** Patients per `_id` or subject-list search (POST _search keeps long lists out of URLs). */
const IDS_PER_SEARCH = 100;
/** What a patient's record needs beside the Patient, reverse-included in one search where the server declares it. */
const PATIENT_REVINCLUDES = ['ImagingStudy:subject', 'Condition:subject', 'ResearchSubject:individual'];
/** Most matches one search may list (ids of a huge repository): beyond it the adapter refuses rather than page on. */
const MAX_LISTED = 1_000_000;

/** Parameters without which the adapter cannot read at all: a server ignoring them is broken for this purpose. */
const ESSENTIAL = new Set(['_id', 'subject', 'patient', 'individual']);

/** The ServerProfile key of a parameter a server left out (see ServerProfile). */
function profileKey(type: string, key: string): string {
  const [name, value] = key.split(/=(.*)/s, 2);
  const base = name.split(':')[0];
  if (base === '_revinclude') return `${type}?_revinclude=${value}`;
  if (base === '_include') return `*?_include=${value}`;
  return `${type}?${base}`;
}

export type CandidateIds = { ids: string[] } | { more: number };

export class NativeReads {
  constructor(
    private readonly client: FhirClient,
    private readonly profile: ServerProfile,
    private readonly options: ReadOptions,
    private readonly mapping: MappingContext,
    private readonly caches?: FhirReadCaches,
  ) {}

  private get repositoryId(): string {
    return this.client.repositoryId;
  }

  /**
   * The ids (code-point order) of the patients the plan admits, or how many there are when more than `limit`
   * (null: no limit; the ids are listed whatever their number, up to what one search may list).
   */
  async candidateIds(plan: CandidatePlan, limit: number | null): Promise<CandidateIds> {
    if (!this.caches) return this.readCandidateIds(plan, limit);
    return this.caches.candidates.load(this.candidatesKey(plan, limit), () => this.readCandidateIds(plan, limit));
  }

  /** The native part of the plan decides the list: criteria evaluated locally are not in the key. */
  private candidatesKey(plan: CandidatePlan, limit: number | null): string {
    return JSON.stringify([plan.patientParams, plan.idSets, limit]);
  }

  private async readCandidateIds(plan: CandidatePlan, limit: number | null): Promise<CandidateIds> {
    let admitted: Set<string> | null = null;
    for (const search of plan.idSets) {
      const referenced = await this.referencedPatients(search);
      admitted = intersection(admitted, referenced);
      if (admitted.size === 0) return { ids: [] };
    }
    let ids: string[];
    if (admitted !== null) {
      ids = plan.patientParams.length > 0 ? await this.patientsAmong([...admitted], plan.patientParams) : [...admitted];
    } else {
      if (limit !== null && this.profile.supports('Patient', '_summary')) {
        const count = await this.count('Patient', plan.patientParams);
        if (count > limit) return { more: count };
      }
      ids = (await this.allPages('Patient', [...plan.patientParams, ...this.elements('Patient', 'id')])).matchIds;
    }
    const sorted = [...new Set(ids)].sort(codePointOrder);
    return limit !== null && sorted.length > limit ? { more: sorted.length } : { ids: sorted };
  }

  /**
   * The records of the patients the plan admits, or how many there are when more than `limit`. Where the plan is
   * one Patient search and the server reverse-includes what a record needs, the candidates' own search pages bring
   * their records (readCandidateRecords): a cold cohort then costs one paged search instead of a count, the pages of
   * ids and then the records a chunk at a time, about half the round trips. Otherwise the ids are listed first.
   */
  async candidateRecords(plan: CandidatePlan, limit: number): Promise<RecordsRead | { more: number }> {
    const caches = this.caches;
    if (!caches) {
      const read = await this.readCandidateRecords(plan, limit);
      if (read !== 'unbounded') return read;
      const candidates = await this.readCandidateIds(plan, limit);
      return 'ids' in candidates ? this.records(candidates.ids) : candidates;
    }
    // With the read caches, the records read in the search are kept per patient as `records` keeps them, and the
    // id list as `candidateIds` keeps it: the next filter with the same native part reads nothing.
    const candidates = await caches.candidates.load(this.candidatesKey(plan, limit), async () => {
      const read = await this.readCandidateRecords(plan, limit);
      if (read === 'unbounded') return this.readCandidateIds(plan, limit);
      if ('more' in read) return read;
      for (const record of read.records) caches.patients.set(record.subjectId, { record, primaryCondition: read.primaryConditions.get(record.subjectId) });
      return { ids: read.records.map((r) => r.subjectId).sort(codePointOrder) };
    });
    return 'ids' in candidates ? this.records(candidates.ids) : candidates;
  }

  /**
   * Every patient's record, for the adapter's index (harvest.ts): the unfiltered Patient search with the reverse
   * includes, bounded by `limit` as a cohort's candidates are; `unbounded` where it cannot be one search.
   */
  everyRecord(limit: number): Promise<RecordsRead | { more: number } | 'unbounded'> {
    return this.readCandidateRecords({ patientParams: [], idSets: [], local: [], exact: true }, limit);
  }

  /** See candidateRecords: `unbounded` when it cannot be one search, or the server gave no total to bound it by. */
  private async readCandidateRecords(plan: CandidatePlan, limit: number): Promise<RecordsRead | { more: number } | 'unbounded'> {
    if (plan.idSets.length > 0 || !this.recordsInOneSearch()) return 'unbounded';
    const read = await this.pages('Patient', [...plan.patientParams, ...this.recordIncludes()], async (page) => {
      await this.addEndpoints(page.resources);
      return caseRecords(page.matchIds, page.resources, this.mapping);
    }, limit);
    if (read === 'unbounded') return read;
    // Too many: the number comes from `_summary=count`, as on the id path, not from a total that may be an estimate
    // or count the included resources.
    if ('more' in read) {
      if (!this.profile.supports('Patient', '_summary')) return 'unbounded';
      const count = await this.count('Patient', plan.patientParams);
      return count > limit ? { more: count } : 'unbounded';
    }
    // A patient on two pages (a server whose order moved between them) is counted once.
    const records: FullCaseRecord[] = [];
    const primaryConditions = new Map<string, string>();
    const seen = new Set<string>();
    for (const part of read.mapped) {
      for (const record of part.records) {
        if (seen.has(record.subjectId)) continue;
        seen.add(record.subjectId);
        records.push(record);
        const condition = part.primaryConditions.get(record.subjectId);
        if (condition !== undefined) primaryConditions.set(record.subjectId, condition);
      }
    }
    return { records, primaryConditions };
  }

  /** How many patients the plan admits: a `_summary=count` when one Patient search says it, else the ids listed. */
  async countCandidates(plan: CandidatePlan): Promise<number> {
    if (plan.idSets.length === 0 && this.profile.supports('Patient', '_summary')) return this.count('Patient', plan.patientParams);
    const candidates = await this.candidateIds(plan, null);
    return 'ids' in candidates ? candidates.ids.length : candidates.more;
  }

  /** The number of `type` resources the parameters match (`_summary=count`), checked against the self link. */
  async count(type: string, params: SearchParams): Promise<number> {
    const { total, self } = await this.strictOrLenient(type, [...params, ['_summary', 'count']], (handling) => this.client.count(type, params, handling));
    this.check(type, params, self);
    return total;
  }

  /** The full records of the given patients (sorted ids), in that order; ids without a Patient are left out. */
  async records(ids: readonly string[]): Promise<RecordsRead> {
    if (!this.caches) return this.readRecords(ids);
    const patients = this.caches.patients;
    // Read what is neither kept nor being read for another request, in one go.
    const missing = ids.filter((id) => patients.get(id) === undefined && !patients.loading(id));
    if (missing.length > 0) {
      const reading = this.readRecords(missing).then((read) => ({
        byId: new Map(read.records.map((record) => [record.subjectId, record])), primaryConditions: read.primaryConditions,
      }));
      await Promise.all(missing.map((id) => patients.load(id, async () => {
        const { byId, primaryConditions } = await reading;
        const record = byId.get(id);
        return record ? { record, primaryCondition: primaryConditions.get(id) } : null;
      })));
    }
    const records: FullCaseRecord[] = [];
    const primaryConditions = new Map<string, string>();
    for (const id of ids) {
      const read = patients.get(id) ?? await patients.load(id, async () => {
        const again = await this.readRecords([id]);
        return again.records[0] ? { record: again.records[0], primaryCondition: again.primaryConditions.get(id) } : null;
      });
      if (!read) continue;
      records.push(read.record);
      if (read.primaryCondition !== undefined) primaryConditions.set(id, read.primaryCondition);
    }
    return { records, primaryConditions };
  }

  private async readRecords(ids: readonly string[]): Promise<RecordsRead> {
    const parts = await mapWithConcurrency(chunk(ids, IDS_PER_SEARCH), this.parallelPerChunk(), async (part) => {
      const wanted = new Set(part);
      const resources = await this.resourcesOf(part);
      const found = new Set(resources.patients.map((p) => p.id));
      return caseRecords(part.filter((id) => wanted.has(id) && found.has(id)), resources, this.mapping);
    });
    return {
      records: parts.flatMap((p) => p.records),
      primaryConditions: new Map(parts.flatMap((p) => [...p.primaryConditions])),
    };
  }

  /** The ImagingStudies (with their Endpoints) of the given patients. */
  async studiesOf(ids: readonly string[]): Promise<ResourceSet> {
    const sets = await mapWithConcurrency(chunk(ids, IDS_PER_SEARCH), this.options.parallelRequests, async (part) => {
      const set = await this.studiesOfChunk(part);
      await this.addEndpoints(set);
      return set;
    });
    return mergeResourceSets(sets);
  }

  /** The TNM stage of each patient with a primary Condition, from its stage-group and T/N/M Observations. */
  async stagesOf(records: readonly FullCaseRecord[], primaryConditions: ReadonlyMap<string, string>): Promise<Map<string, Stage | null>> {
    const ids = records.map((r) => r.subjectId).filter((id) => primaryConditions.has(id));
    const stages = new Map<string, Stage | null>();
    if (ids.length === 0) return stages;
    const sets = await mapWithConcurrency(chunk(ids, IDS_PER_SEARCH), this.options.parallelRequests, (part) => this.allPages('Observation', [
      [this.patientReference('Observation'), patientList(part)],
      // Without a code search the subjects' every Observation comes, and stageOf picks the staging ones.
      ...(this.profile.supports('Observation', 'code') ? [['code', STAGE_OBSERVATION_CODES.join(',')] as [string, string]] : []),
    ]));
    const observations = mergeResourceSets(sets.map((s) => s.resources)).observations;
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

  /** Every match of a search, all pages (for bounded searches: ResearchStudies, enrolments of some studies). */
  async all(type: string, params: SearchParams): Promise<ResourceSet> {
    return (await this.allPages(type, params)).resources;
  }

  /** The parameters that ask for only the given elements, when the server declares `_elements`. */
  elements(type: string, ...names: string[]): SearchParams {
    return this.profile.supports(type, '_elements') ? [['_elements', names.join(',')]] : [];
  }

  private parallelPerChunk(): number {
    // A chunk is one search where the server reverse-includes (resourcesOf), else up to four at once (patients,
    // studies, conditions, enrolments).
    if (this.recordsInOneSearch()) return this.options.parallelRequests;
    return Math.max(1, Math.floor(this.options.parallelRequests / 2));
  }

  private async referencedPatients(search: IdSetSearch): Promise<Set<string>> {
    const { resources } = await this.allPages(search.type, [...search.params, ...this.elements(search.type, search.reference)]);
    const references = search.type === 'ImagingStudy' ? resources.imagingStudies.map((s) => s.subject)
      : search.type === 'Condition' ? resources.conditions.map((c) => c.subject)
        : resources.researchSubjects.map((r) => r.individual);
    return new Set(references.map((r) => referenceId(r, 'Patient')).filter((id): id is string => id !== null));
  }

  private async patientsAmong(ids: string[], params: SearchParams): Promise<string[]> {
    const parts = await mapWithConcurrency(chunk(ids.sort(codePointOrder), IDS_PER_SEARCH), this.options.parallelRequests, async (part) => {
      const wanted = new Set(part);
      const { matchIds } = await this.allPages('Patient', [['_id', part.map(escapeSearchValue).join(',')], ...params, ...this.elements('Patient', 'id')]);
      return matchIds.filter((id) => wanted.has(id));
    });
    return parts.flat();
  }

  private async resourcesOf(ids: readonly string[]): Promise<ResourceSet> {
    const idList: [string, string] = ['_id', ids.map(escapeSearchValue).join(',')];
    let set: ResourceSet;
    if (this.recordsInOneSearch()) {
      set = (await this.allPages('Patient', [idList, ...this.recordIncludes()])).resources;
    } else {
      const list = patientList(ids);
      const sets = await Promise.all([
        this.all('Patient', [idList]),
        this.studiesOfChunk(ids),
        this.all('Condition', [[this.patientReference('Condition'), list]]),
        this.all('ResearchSubject', [[this.patientReference('ResearchSubject'), list]]),
      ]);
      set = mergeResourceSets(sets);
    }
    await this.addEndpoints(set);
    return set;
  }

  /** Whether a Patient search can bring whole records: the server declares every reverse include they need. */
  private recordsInOneSearch(): boolean {
    return PATIENT_REVINCLUDES.every((value) => this.profile.revIncludes('Patient', value));
  }

  /** What a Patient search adds to bring whole records (where recordsInOneSearch). */
  private recordIncludes(): SearchParams {
    const endpoint: SearchParams = this.profile.includes('ImagingStudy:endpoint') ? [['_include:iterate', 'ImagingStudy:endpoint']] : [];
    return [...PATIENT_REVINCLUDES.map((value): [string, string] => ['_revinclude', value]), ...endpoint];
  }

  private async studiesOfChunk(ids: readonly string[]): Promise<ResourceSet> {
    const endpoint = this.profile.includes('ImagingStudy:endpoint') ? [['_include', 'ImagingStudy:endpoint'] as [string, string]] : [];
    return this.all('ImagingStudy', [[this.patientReference('ImagingStudy'), patientList(ids)], ...endpoint]);
  }

  /** Fetches the Endpoints the studies of a set reference but the set lacks (no `_include` on this server). */
  private async addEndpoints(set: ResourceSet): Promise<void> {
    const have = new Set(set.endpoints.map((e) => e.id));
    const missing = [...new Set(set.imagingStudies.flatMap((s) => [...s.endpoints, ...s.series.flatMap((x) => x.endpoints)])
      .map((ref) => referenceId(ref, 'Endpoint')).filter((id): id is string => id !== null && !have.has(id)))];
    if (missing.length === 0) return;
    set.endpoints.push(...(await this.all('Endpoint', [['_id', missing.map(escapeSearchValue).join(',')]])).endpoints);
  }

  /** The parameter by which `type` resources are searched by patient: `subject`/`individual`, else `patient`. */
  private patientReference(type: string): string {
    const own = type === 'ResearchSubject' ? 'individual' : 'subject';
    return this.profile.supports(type, own) || !this.profile.supports(type, 'patient') ? own : 'patient';
  }

  /** Every page of a search, its first page checked; a server that drops matches without a next link is refused. */
  private async allPages(type: string, params: SearchParams): Promise<{ matchIds: string[]; resources: ResourceSet }> {
    const read = await this.pages(type, params, (page) => page.resources, null);
    if (typeof read !== 'object' || !('mapped' in read)) throw new Error('unreachable: a search without a limit lists every page');
    return { matchIds: read.matchIds, resources: mergeResourceSets(read.mapped) };
  }

  /**
   * Every page of a search, each handed to `map` as it arrives (so its resources need not wait for the last page),
   * its first page checked. With a `limit`: `more` with the first page's total when that is above the limit (the
   * caller confirms it), and `unbounded` when nothing bounds the read by it: no total while more pages follow, more
   * matches seen than the limit whatever the total said, or a server that must be asked again for everything at once.
   */
  private async pages<T>(type: string, params: SearchParams, map: (page: SearchPage) => T | Promise<T>, limit: number | null):
    Promise<{ matchIds: string[]; mapped: T[] } | { more: number } | 'unbounded'> {
    let pageSize = this.options.pageSize;
    for (let attempt = 0; ; attempt++) {
      // The total (§7.4, `_total=accurate`) says how many pages follow, so that pages addressed by offset can be
      // asked together (pagesByOffset); a server may ignore it, and then its pages are followed one by one.
      const sent: SearchParams = [...params, ['_count', String(pageSize)], ['_total', 'accurate']];
      let page = this.complete(type, await this.strictOrLenient(type, sent, (handling) => this.client.search(type, sent, handling)));
      const firstPage = page;
      this.check(type, params, page.self);
      const total = page.total;
      if (limit !== null && total !== null && total > limit) return { more: total };
      if (limit !== null && total === null && page.next) return 'unbounded';
      const matchIds = [...page.matchIds];
      const mapped: Array<Promise<T>> = [awaitedLater(map(page))];
      // Offsets must follow on from what the first page held, or the links are not what they seem: followed one by one.
      const offsets = page.next && total !== null && total <= MAX_LISTED ? pagesByOffset(this.client.relativeLink(page.next), total, page.matchIds.length) : null;
      // None addressed (the first page already held the total yet links on): the rest is followed one by one.
      const addressed = offsets && offsets.length > 0 ? offsets : null;
      if (addressed) {
        // The server's pages are addressed by offset and it said how many there are: asked together.
        const later = await mapWithConcurrency(addressed, this.options.parallelRequests, async (link) => {
          const checked = this.complete(type, await this.client.page(link, type));
          return { page: checked, mapped: await map(checked) };
        });
        for (const each of later) {
          matchIds.push(...each.page.matchIds);
          mapped.push(Promise.resolve(each.mapped));
        }
        // A total that undercounted (an estimate): the last page still links on, and the rest is followed.
        page = later[later.length - 1]?.page ?? page;
        if (matchIds.length > MAX_LISTED) throw this.tooMany(type);
      }
      // A bounded read stops once it has seen more matches than its limit, whatever the total said.
      if (limit !== null && matchIds.length > limit) return 'unbounded';
      while (page.next && (!addressed || page !== firstPage)) {
        page = this.complete(type, await this.client.page(this.client.relativeLink(page.next), type));
        matchIds.push(...page.matchIds);
        mapped.push(awaitedLater(map(page)));
        if (limit !== null && matchIds.length > limit) return 'unbounded';
        if (matchIds.length > MAX_LISTED) throw this.tooMany(type);
      }
      const distinct = new Set(matchIds).size;
      if (total === null || distinct >= total) return { matchIds, mapped: await Promise.all(mapped) };
      // A bounded read is not asked again in one page of everything: the id path lists ids, then reads in chunks.
      if (limit !== null) return 'unbounded';
      // The server stopped short of its own total without a next link (Medplum's router writes no paging links).
      if (attempt > 0 || total > MAX_LISTED) {
        throw new RepositoryError(ErrorCode.BAD_RESPONSE, this.repositoryId,
          `malformed ${type} search response: the server returned ${distinct} of ${total} matches and no next link to the others`);
      }
      pageSize = total;
    }
  }

  /** A search asked strictly; a refusal (HTTP 400, OperationOutcome) handled as the module comment says. */
  private async strictOrLenient<T>(type: string, sent: SearchParams, search: (handling: Handling) => Promise<T>): Promise<T> {
    try {
      return await search('strict');
    } catch (error) {
      if (!(error instanceof SearchRefused)) throw error;
      const refused = refusedParameters(sent, error.texts);
      if (refused.length > 0) this.dropParameters(type, refused, 'refused');
      return search('lenient');
    }
  }

  /** Compares a first page's self link with what was sent: see the module comment. */
  private check(type: string, sent: SearchParams, self: string | null): void {
    const ignored = ignoredParameters(sent, self);
    if (!ignored || ignored.length === 0) return;
    this.dropParameters(type, ignored, 'ignored');
  }

  /** Remembers parameters the server ignored or refused, and plans again; without an essential one nothing can be read. */
  private dropParameters(type: string, ignored: string[], how: 'ignored' | 'refused'): never {
    const essential = ignored.filter((key) => ESSENTIAL.has(key.split(/[:=]/)[0]));
    if (essential.length > 0) {
      throw new RepositoryError(ErrorCode.BAD_RESPONSE, this.repositoryId,
        `the server ${how} the search parameter ${essential.map((k) => `"${k.split('=')[0]}"`).join(', ')} of a ${type} search (${how === 'ignored' ? 'left out of the self link' : 'HTTP 400 under Prefer: handling=strict'}), without which the adapter cannot read`);
    }
    for (const key of ignored) this.profile.ignore(profileKey(type, key));
    throw new Replan(`the server ${how} ${ignored.join(', ')} of a ${type} search`);
  }

  /**
   * A page whose OperationOutcome warns is refused: the searches send only declared parameters, so a warning means
   * the server cut the page short (HAPI: "not all _include resources were actually included"), and counting
   * patients without all their studies would be wrong.
   */
  private complete(type: string, page: SearchPage): SearchPage {
    if (page.warnings > 0) {
      throw new RepositoryError(ErrorCode.BAD_RESPONSE, this.repositoryId,
        `the server flagged a ${type} search page as incomplete (an OperationOutcome warning, such as an include limit); lower the pageSize option`);
    }
    return page;
  }

  private tooMany(type: string): RepositoryError {
    return new RepositoryError(ErrorCode.NOT_SUPPORTED, this.repositoryId,
      `a ${type} search of this filter matches more than ${MAX_LISTED} resources; narrow the filter`, { argument: 'where' });
  }
}

/**
 * A page's mapping, awaited once every page is in: marked handled now, so that its failure while a later page is
 * still being read is not an unhandled rejection (the failure still reaches the caller through Promise.all).
 */
function awaitedLater<T>(value: T | Promise<T>): Promise<T> {
  const promise = Promise.resolve(value);
  promise.catch(() => undefined);
  return promise;
}

function intersection(a: ReadonlySet<string> | null, b: Set<string>): Set<string> {
  return a === null ? b : new Set([...a].filter((id) => b.has(id)));
}

function patientList(ids: readonly string[]): string {
  return ids.map((id) => escapeSearchValue(`Patient/${id}`)).join(',');
}

/** Code-point order of ids: what the adapter's cursors rely on, whatever order the server sorts in. */
export function codePointOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Every later page of a search whose `next` link addresses pages by offset in a paging cache the server keeps
 * (HAPI FHIR's `?_getpages=<search id>&_getpagesoffset=<n>&_count=<c>`, random access by design), up to the total
 * the server gave: these can be asked together instead of following one link after another. Null for any other
 * form of link (opaque cursors, Medplum's, Firely's), which are followed one by one.
 */
export function pagesByOffset(nextLink: string, total: number, firstPageMatches?: number): string[] | null {
  const [path, search = ''] = nextLink.split(/\?(.*)/s, 2);
  const params = new URLSearchParams(search);
  const offset = params.get('_getpagesoffset');
  const count = params.get('_count');
  if (!params.get('_getpages') || offset === null || count === null || !/^\d+$/.test(offset) || !/^[1-9]\d*$/.test(count)) return null;
  if (firstPageMatches !== undefined && Number(offset) !== firstPageMatches) return null;
  const links: string[] = [];
  for (let at = Number(offset); at < total; at += Number(count)) {
    params.set('_getpagesoffset', String(at));
    links.push(`${path}?${params.toString()}`);
  }
  return links;
}
