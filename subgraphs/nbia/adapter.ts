/**
 * The TCIA/NBIA v4 adapter (README §2a, §7.3).
 * - cohort: exact counts and facets from a harvested index (harvest.ts), evaluated on the SDK's compact case index.
 *   Year of diagnosis does not exist in NBIA and is reported as not applied; age at diagnosis is the PatientAge
 *   of the first study (mapping.ts).
 * - cases: pushed down to getSimpleSearch (sorted by subject, paged with start/size) when every criterion is
 *   expressible natively (plan.ts), otherwise paged from the index with keyset cursors. Case fields NBIA's
 *   search does not return (sex, age) and the studies come from the index, so a page costs one native call. The
 *   native search is checked, not trusted: its total must equal the index's count for the filter. A server that
 *   ignored a criterion (any unknown criterion passes through, §7.3: PhantomCriteria, PatientSexCriteria on an
 *   older server) or an index older than the data gives another total, and the page then comes from the index, as
 *   it does on a server without getSimpleSearch (NBIA v1 has none: HTTP 404). Cursors of both paths carry the
 *   filter's fingerprint and the last subject id, so a walk can continue on the index.
 * - collections: from the index (patients only, phantoms counted apart in the description), with the catalogue
 *   metadata (name, cancer site, licence, DOI) from the federation config, NBIA's DOI link where it has none.
 * Phantom subjects (getPatient `Phantom: "YES"`: quality-control test objects) are never counted or listed.
 */
import { createHash } from 'node:crypto';
import type { FilterCriterion } from '../../schema/generated/graphql';
import type { AdapterEnvironment, CasePage, CohortOptions, PageRequest, RepositoryAdapter } from '../sdk/adapter';
import type { RequestContext } from '../sdk/context';
import { cursorOffset, decodeCursor, encodeCursor } from '../sdk/cursor';
import type { RepositoryEntry } from '../sdk/entry';
import { ErrorCode, RepositoryError } from '../sdk/errors';
import { ALL_CRITERIA, type NormalizedFilter } from '../sdk/filter';
import { firstHarvestWaitMs, HarvestedIndex } from '../sdk/harvested-index';
import { pageOfMatches } from '../sdk/index-pages';
import type { CaseOutline, CaseRecord, CohortRecord, CollectionRecord, StudyRecord } from '../sdk/records';
import { coveringPart, splitFilter } from '../sdk/report';
import { NbiaClient } from './client';
import { harvestIndex, type NbiaIndex } from './harvest';
import { caseFromSearch, collectionRecord, type MappingContext } from './mapping';
import type { SimpleSearchCriterion, SimpleSearchResult } from './native-types';
import { readNbiaOptions } from './options';
import { needsVocabulary, planSearch, type Vocabulary } from './plan';

/** A decoded cursor: `o` (native offset) on the native path, `k` (last subject id) on both. */
interface NbiaCursor {
  offset: number | null;
  lastSubject: string;
}

/** Criteria NBIA can evaluate (natively or on the index): all but the year of diagnosis. */
export const NBIA_CRITERIA: readonly FilterCriterion[] = ALL_CRITERIA.filter((c) => c !== 'YEAR_OF_DIAGNOSIS');

export const YEAR_NOT_AVAILABLE = 'NBIA has no clinical diagnosis fields: the year of diagnosis is not recorded (only imaging metadata is)';

/** An index younger than this is not harvested again because a search named a subject it lacks. */
const MIN_REFRESH_AGE_MS = 10_000;

export class NbiaAdapter implements RepositoryAdapter {
  private readonly client: NbiaClient;
  private readonly mapping: MappingContext;
  private readonly index: HarvestedIndex<NbiaIndex>;
  private readonly vocabulary: HarvestedIndex<Vocabulary>;
  /** False once the server answered getSimpleSearch with 404 (NBIA v1 has no getSimpleSearch). */
  private nativeSearch = true;

  constructor(private readonly entry: RepositoryEntry, environment: AdapterEnvironment = {}) {
    this.client = new NbiaClient({
      repositoryId: entry.id, baseUrl: entry.endpoint, timeoutMs: entry.timeoutMs, credentials: environment.credentials,
    });
    this.mapping = { repositoryId: entry.id, baseUrl: entry.endpoint, collections: new Map(entry.collections.map((c) => [c.id, c])) };
    const ttlMs = readNbiaOptions(entry.options).indexTtlSeconds * 1000;
    this.index = new HarvestedIndex((_, progress) => harvestIndex(this.client, this.mapping, progress), ttlMs, {
      large: true, firstHarvest: { repositoryId: entry.id, waitMs: firstHarvestWaitMs(entry.timeoutMs), answered: () => this.client.answered },
    });
    // The raw values the pushed-down criteria are expanded to; they change with the data, so the same TTL.
    this.vocabulary = new HarvestedIndex<Vocabulary>(async () => {
      const [modalities, bodyParts, manufacturers] = await Promise.all([
        this.client.modalityValues(), this.client.bodyPartValues(), this.client.manufacturerValues(),
      ]);
      return { modalities, bodyParts, manufacturers };
    }, ttlMs);
  }

  async cohort(filter: NormalizedFilter, _context: RequestContext, _options: CohortOptions): Promise<CohortRecord> {
    // Facets cost nothing extra on the index, so they are always counted.
    const { evaluable, report } = splitFilter(filter, NBIA_CRITERIA, () => YEAR_NOT_AVAILABLE);
    // Shortly after the start, the collections harvested so far answer rather than none (marked: Cohort.coverage).
    const index = await this.index.get({ partial: true });
    return coveringPart(index.cases.cohort(evaluable, report), index.coverage);
  }

  async cases(filter: NormalizedFilter, page: PageRequest, _context: RequestContext): Promise<CasePage> {
    if (filter.yearOfDiagnosis) {
      // A page has no room to report a criterion as not applied; listing cases that ignore it would mislead.
      throw new RepositoryError(ErrorCode.NOT_SUPPORTED, this.entry.id,
        `cannot list cases by year of diagnosis: ${YEAR_NOT_AVAILABLE}; leave where.yearOfDiagnosis out (cohort reports it as not applied)`,
        { argument: 'where.yearOfDiagnosis' });
    }
    const fingerprint = filterFingerprint(filter);
    const cursor = page.after ? this.readCursor(page.after, fingerprint) : null;
    const vocabulary = needsVocabulary(filter) ? await this.vocabulary.get() : null;
    const plan = planSearch(filter, this.entry.collections, vocabulary);
    if (plan.kind === 'empty') return { edges: [], hasNextPage: false, totalCount: 0 };
    // An index cursor continues on the index, whatever the plan: the walk left the native path.
    if (plan.kind === 'index' || !this.nativeSearch || (cursor && cursor.offset === null)) return this.indexPage(filter, page, fingerprint);
    const start = cursor?.offset ?? 0;
    let result: SimpleSearchResult;
    try {
      result = await this.searchPage(plan.criteria, start, page.first);
    } catch (error) {
      if (!(error instanceof RepositoryError) || error.extensions.httpStatus !== 404) throw error;
      this.nativeSearch = false;
      return this.indexPage(filter, page, fingerprint);
    }
    if (!(await this.agreesWithIndex(filter, result))) return this.indexPage(filter, page, fingerprint);
    const nodes = await this.casesNamed(result);
    return {
      edges: nodes.map((node, i) => ({ cursor: encodeCursor(this.entry.id, { o: start + i + 1, f: fingerprint, k: node.subjectId }), node })),
      hasNextPage: start + result.resultSet.length < result.totalPatients,
      totalCount: result.totalPatients,
    };
  }

  async loadStudies(cases: readonly CaseRecord[], _context: RequestContext): Promise<StudyRecord[][]> {
    const index = await this.indexHolding(cases.map((c) => c.subjectId));
    // A subject NBIA no longer lists (even after a refresh) has no studies to show.
    return cases.map((c) => {
      const at = index.cases.find(c.subjectId);
      return at < 0 ? [] : index.cases.studiesOf(at);
    });
  }

  async collections(_context: RequestContext): Promise<CollectionRecord[]> {
    const index = await this.index.get();
    const members = new Map<string, CaseOutline[]>();
    for (const record of index.cases.outlines()) {
      const key = record.collection ?? '';
      let list = members.get(key);
      if (!list) members.set(key, (list = []));
      list.push(record);
    }
    return index.collections.map((c) => collectionRecord(c.id, members.get(c.id) ?? [], c.phantomSubjects, c.doi, this.mapping.collections.get(c.id)));
  }

  async warmUp(): Promise<void> {
    await this.index.warm();
  }

  async close(): Promise<void> {
    this.index.close();
    await this.client.close();
  }

  /** A cursor of either path issued for this filter; BAD_CURSOR for anything else. */
  private readCursor(after: string, fingerprint: string): NbiaCursor {
    const payload = decodeCursor(after, this.entry.id);
    if (payload.f !== fingerprint) {
      // Offsets and keys only mean something for the filter that produced them.
      throw new RepositoryError(ErrorCode.BAD_CURSOR, this.entry.id, 'argument `after` is a cursor issued for another filter', { argument: 'after' });
    }
    if (typeof payload.k !== 'string') throw new RepositoryError(ErrorCode.BAD_CURSOR, this.entry.id, 'argument `after` is a damaged cursor', { argument: 'after' });
    return { offset: payload.o === undefined ? null : cursorOffset(payload, 'o', this.entry.id), lastSubject: payload.k };
  }

  /** A page from the index, with cursors that carry the filter's fingerprint (pageOfMatches reads their key). */
  private async indexPage(filter: NormalizedFilter, page: PageRequest, fingerprint: string): Promise<CasePage> {
    const index = await this.index.get();
    const result = pageOfMatches(index.cases, filter, page, this.entry.id, { withStudies: false });
    return { ...result, edges: result.edges.map((edge) => ({ ...edge, cursor: encodeCursor(this.entry.id, { f: fingerprint, k: edge.node.subjectId }) })) };
  }

  /**
   * Whether a native search applied what it was sent: its total equals the number of patients the index holds for
   * the filter. A server that ignored PhantomCriteria counts the phantoms too; one that ignored another criterion
   * counts more patients.
   */
  private async agreesWithIndex(filter: NormalizedFilter, result: SimpleSearchResult): Promise<boolean> {
    const index = await this.index.get();
    return result.totalPatients === index.cases.matching(filter).length;
  }

  /**
   * One getSimpleSearch page, sorted by subject id. NBIA throws (HTTP 500) when start is beyond the total (§7.3);
   * a cursor issued before subjects were removed can do that, so a 500 at start > 0 is checked with a one-row probe
   * and answered as the end of the list.
   */
  private async searchPage(criteria: SimpleSearchCriterion[], start: number, size: number): Promise<SimpleSearchResult> {
    try {
      return await this.client.simpleSearch(criteria, { sortField: 'subject', sortDirection: 'ascending', start, size });
    } catch (error) {
      if (start === 0 || !(error instanceof RepositoryError) || error.extensions.httpStatus !== 500) throw error;
      const probe = await this.client.simpleSearch(criteria, { sortField: 'subject', sortDirection: 'ascending', start: 0, size: 1 });
      if (start > probe.totalPatients) return { resultSet: [], totalPatients: probe.totalPatients };
      throw error;
    }
  }

  /** Case records for the subjects of a search page, their fields from the index. */
  private async casesNamed(result: SimpleSearchResult): Promise<CaseRecord[]> {
    const index = await this.indexHolding(result.resultSet.map((s) => s.subjectId));
    return result.resultSet.map((subject) => {
      const at = index.cases.find(subject.subjectId);
      return at >= 0 ? index.cases.head(at) : caseFromSearch(subject, this.mapping);
    });
  }

  /**
   * The index, harvested again once if it lacks a subject the native search named and is not brand new. The caller
   * waits for the new copy; other queries go on answering from the old one meanwhile.
   */
  private async indexHolding(subjectIds: readonly string[]): Promise<NbiaIndex> {
    const index = await this.index.get();
    const missing = subjectIds.some((id) => index.cases.find(id) < 0);
    if (!missing || Date.now() - index.harvestedAt < MIN_REFRESH_AGE_MS) return index;
    return this.index.refresh();
  }
}

function filterFingerprint(filter: NormalizedFilter): string {
  return createHash('sha256').update(JSON.stringify(filter)).digest('base64url').slice(0, 12);
}
