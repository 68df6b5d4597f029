/**
 * The Europe-wide case walk: one page of one flat list across the repositories that list cases, merged k-way in
 * a total order, with a composite cursor of per-repository positions (subgraphs/europe/cursor.ts).
 *
 * A page costs at most two rounds of inner requests through the gateway, in parallel across repositories:
 * 1. each repository that is not exhausted lists `first` cases from its own position, with the case's own fields
 *    only (cheap: adapters answer them from their index);
 * 2. when the client selects studies, each repository that contributed k cases to the merged page lists those k
 *    again, from the same position, with their studies: no repository loads studies for cases the page drops.
 *
 * Failures: a repository that fails (in either round) contributes nothing to the page and keeps its position; the
 * walk goes on with the others and asks it again from there on the next page (`resumed` says so when it answers).
 * Every case still comes exactly once, but the resumed repository's first cases may sort before the end of the
 * previous page. When only failed repositories have cases left, `hasNextPage` is false and the list is not
 * complete; `endCursor` resumes them later.
 */
import type { CaseFilter } from '../../schema/generated/graphql';
import { mayReadSomeRecords, type RequestContext } from '../sdk/context';
import { recordRefusal, recordReleasesOf } from '../sdk/subgraph';
import type { GatewayLink, InnerError } from './gateway-link';
import { badCursor, encodeWalkCursor, type CaseOrderValue, type RepositoryPosition, type WalkState } from './cursor';
import type { CaseSelection } from './selection';
import { dispatchOrder } from './dispatch-order';
import { ErrorCode } from '../sdk/errors';
import {
  answeredStatus, ask, codeOf, failedStatus, firstError, notSupportedStatus, type ListedRepository, type RepositoryStatusRecord,
} from './status';

type CaseJson = Record<string, unknown> & { subjectId: string };

export interface CaseEdgeOut {
  node: CaseJson;
  /** The composite cursor just after this case, computed when asked for. */
  cursor: () => string;
}

export interface RepositoryCasesRecord {
  repositoryId: string;
  repository: { __typename: string; id: string };
  status: RepositoryStatusRecord;
  returned: number;
  totalCount: number | null;
  exhausted: boolean;
  resumed: boolean;
  /** Whether it was asked on this page (not in the schema). */
  asked: boolean;
}

export interface CasePageRecord {
  edges: CaseEdgeOut[];
  nodes: CaseJson[];
  pageInfo: { hasNextPage: boolean; endCursor: string };
  totalCount: number | null;
  repositories: RepositoryCasesRecord[];
  complete: boolean;
  /** The walk's state after this page (the endCursor, decoded). */
  endState: WalkState;
}

export interface CasePageRequest {
  where: CaseFilter | null | undefined;
  selected: readonly ListedRepository[];
  order: CaseOrderValue;
  fingerprint: string;
  first: number;
  /** The decoded `after`; null for the first page. */
  state: WalkState | null;
  selection: CaseSelection;
  typeNameOf: (id: string) => string;
  /** Tell the request's audit tally which cases this page releases (the case walk does; a manifest tallies its own). */
  tallyReleases?: boolean;
}

interface InnerEdge {
  cursor: string;
  node: CaseJson;
}

interface Fetched {
  id: string;
  /** How the repository answered this page; undefined when it was not asked (exhausted, or not needed). */
  status?: RepositoryStatusRecord;
  edges: InnerEdge[];
  hasNextPage: boolean;
  totalCount: number | null;
  /** Cases the merge takes from it. */
  taken: number;
}

const CASE_LIST = (caseFields: string) => `query EuropeCases($id: ID!, $where: CaseFilter, $first: Int!, $after: String) {
  repository(id: $id) { cases(where: $where, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { subjectId collection ${caseFields} } } } }
}`;

const CASE_STUDIES = (studies: string) => `query EuropeCaseStudies($id: ID!, $where: CaseFilter, $first: Int!, $after: String) {
  repository(id: $id) { cases(where: $where, first: $first, after: $after) { nodes { subjectId ${studies} } } }
}`;

/** Code-unit comparison, the order every adapter lists its cases in (subgraphs/sdk/index-pages.ts). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareKeys(order: CaseOrderValue, a: { id: string; subjectId: string }, b: { id: string; subjectId: string }): number {
  return order === 'SUBJECT_ID'
    ? compareText(a.subjectId, b.subjectId) || compareText(a.id, b.id)
    : compareText(a.id, b.id) || compareText(a.subjectId, b.subjectId);
}

const START: RepositoryPosition = { after: null, done: false, failed: false, total: null };

export async function casePage(link: GatewayLink, context: RequestContext, request: CasePageRequest): Promise<CasePageRecord> {
  // Who may see what, before any fan-out: a repository whose records the caller may not read is not asked at all;
  // its status says why (UNAUTHENTICATED or FORBIDDEN, naming it). The repository subgraph checks again.
  const refused = new Map(request.selected.filter((r) => r.caseListing && !mayReadSomeRecords(context, r.id))
    .map((r) => [r.id, recordRefusal(context, r.id)!]));
  const listing = request.selected.filter((r) => r.caseListing && !refused.has(r.id));
  const start = new Map<string, RepositoryPosition>(listing.map((r) => [r.id, request.state?.positions.get(r.id) ?? START]));
  // A repository selected now that the cursor does not know (the config changed) starts from its first case: it is
  // treated as resumed, since its cases may sort before the pages already returned.
  const resumedIds = new Set(listing.filter((r) => request.state && (!request.state.positions.has(r.id) || start.get(r.id)!.failed)).map((r) => r.id));

  const fetched = new Map<string, Fetched>();
  const listQuery = CASE_LIST(request.selection.caseFields);
  const fetchList = async (id: string, first: number): Promise<Fetched> => {
    const position = start.get(id)!;
    const { answer, latencyMs } = await ask(link, context, {
      query: listQuery, operationName: 'EuropeCases', variables: { id, where: request.where, first, after: position.after },
    });
    const error = firstError(answer);
    const cases = (answer.data?.repository as { cases?: { totalCount: number | null; pageInfo: { hasNextPage: boolean }; edges: InnerEdge[] } | null } | null | undefined)?.cases;
    if (error || !cases) return failed(id, error, latencyMs);
    if (cases.edges.length === 0 && cases.pageInfo.hasNextPage) {
      // It would stall the walk: treated as a failure (and asked again on the next page).
      return failed(id, { message: `repository "${id}": said it has more cases but listed none`, extensions: { code: ErrorCode.BAD_RESPONSE } }, latencyMs);
    }
    return { id, status: answeredStatus(latencyMs), edges: cases.edges, hasNextPage: cases.pageInfo.hasNextPage, totalCount: cases.totalCount, taken: 0 };
  };

  const pending = listing.filter((r) => !start.get(r.id)!.done).map((r) => r.id);
  if (request.order === 'SUBJECT_ID') {
    // Slowest first, as a Europe-wide cohort asks (dispatch-order.ts; the order its cohorts taught): the page waits for
    // the slowest list, so its native request leaves before the others' work.
    for (const result of await dispatchOrder.askAll(pending, (id) => id, (id) => fetchList(id, request.first))) fetched.set(result.id, result);
  } else {
    // Repository order: repositories are consumed one after the other, so ask them in turn until the page is full.
    // A repository owed a retry, or not yet counted in this walk, is asked anyway (one case), so that its status
    // and count are current; its cases sort after the page's.
    let needed = request.first;
    let blocked = false;
    const extra: string[] = [];
    for (const id of [...pending].sort(compareText)) {
      if (needed <= 0 || blocked) {
        if (start.get(id)!.failed || !request.state?.positions.has(id)) extra.push(id);
        continue;
      }
      const result = await fetchList(id, needed);
      fetched.set(id, result);
      if (result.status?.state !== 'OK') continue;
      if (result.hasNextPage && result.edges.length < needed) blocked = true; // it has more than it gave
      needed -= result.edges.length;
    }
    for (const result of await dispatchOrder.askAll(extra, (id) => id, (id) => fetchList(id, 1))) fetched.set(result.id, result);
  }

  // K-way merge of the answered repositories' lists.
  const lists = [...fetched.values()].filter((f) => f.status?.state === 'OK');
  const taken: Array<{ from: Fetched; edge: InnerEdge }> = [];
  while (taken.length < request.first) {
    // A repository with more cases than it gave blocks the merge once its list is used up.
    if (lists.some((f) => f.taken >= f.edges.length && f.hasNextPage)) break;
    let best: Fetched | undefined;
    for (const f of lists) {
      if (f.taken >= f.edges.length) continue;
      if (!best || compareKeys(request.order, { id: f.id, subjectId: f.edges[f.taken].node.subjectId }, { id: best.id, subjectId: best.edges[best.taken].node.subjectId }) < 0) best = f;
    }
    if (!best) break;
    taken.push({ from: best, edge: best.edges[best.taken] });
    best.taken++;
  }

  // Studies, for exactly the cases the page keeps.
  if (request.selection.studies && taken.length > 0) {
    const studiesQuery = CASE_STUDIES(request.selection.studies);
    await dispatchOrder.askAll(lists.filter((f) => f.taken > 0), (f) => f.id, async (f) => {
      const mine = taken.filter((t) => t.from === f);
      const { answer, latencyMs } = await ask(link, context, {
        query: studiesQuery, operationName: 'EuropeCaseStudies', variables: { id: f.id, where: request.where, first: mine.length, after: start.get(f.id)!.after },
      });
      const error = firstError(answer);
      const nodes = (answer.data?.repository as { cases?: { nodes: CaseJson[] } | null } | null | undefined)?.cases?.nodes;
      const consistent = nodes && nodes.length === mine.length && nodes.every((n, i) => n.subjectId === mine[i].edge.node.subjectId);
      if (error || !consistent) {
        const reason = error ?? { message: `repository "${f.id}": listed other cases when asked for their studies (its data changed during the page)`, extensions: { code: ErrorCode.BAD_RESPONSE } };
        Object.assign(f, failed(f.id, reason, f.status!.latencyMs + latencyMs));
        return;
      }
      f.status = answeredStatus(f.status!.latencyMs + latencyMs);
      mine.forEach((t, i) => {
        t.edge = { cursor: t.edge.cursor, node: { ...t.edge.node, studies: nodes[i].studies } };
      });
    });
  }
  const kept = taken.filter((t) => t.from.status?.state === 'OK');

  // Positions: before the page, then after each kept case.
  const base = new Map<string, RepositoryPosition>();
  for (const [id, position] of start) {
    const f = fetched.get(id);
    if (!f?.status) base.set(id, position);
    else if (f.status.state !== 'OK') base.set(id, { ...position, failed: true, done: false });
    else base.set(id, { after: position.after, done: f.edges.length === 0 && !f.hasNextPage, failed: false, total: f.totalCount ?? position.total });
  }
  const lastIndexOf = new Map<string, number>();
  kept.forEach((t, i) => lastIndexOf.set(t.from.id, i));
  const stateAt = (index: number): WalkState => {
    const positions = new Map([...base].map(([id, p]) => [id, { ...p }]));
    for (let i = 0; i <= index; i++) {
      const { from, edge } = kept[i];
      const p = positions.get(from.id)!;
      p.after = edge.cursor;
      p.done = !from.hasNextPage && from.edges[from.edges.length - 1] === edge;
    }
    return { order: request.order, fingerprint: request.fingerprint, positions };
  };
  const endState = stateAt(kept.length - 1);

  const edges: CaseEdgeOut[] = kept.map((t, i) => {
    let cursor: string | undefined;
    return { node: t.edge.node, cursor: () => (cursor ??= encodeWalkCursor(stateAt(i))) };
  });
  const repositories: RepositoryCasesRecord[] = request.selected.map((r) => {
    const repository = { __typename: request.typeNameOf(r.id), id: r.id };
    if (!r.caseListing) {
      return { repositoryId: r.id, repository, status: notSupportedStatus(r.id, 'answers counts only (COUNT granularity): it lists no cases'),
        returned: 0, totalCount: null, exhausted: false, resumed: false, asked: false };
    }
    const refusal = refused.get(r.id);
    if (refusal) {
      return { repositoryId: r.id, repository, status: failedStatus({ message: refusal.message, extensions: refusal.extensions }, 0),
        returned: 0, totalCount: null, exhausted: false, resumed: false, asked: false };
    }
    const f = fetched.get(r.id);
    const end = endState.positions.get(r.id)!;
    const ok = !f?.status || f.status.state === 'OK';
    return {
      repositoryId: r.id, repository, status: f?.status ?? answeredStatus(0),
      returned: kept.filter((t) => t.from.id === r.id).length,
      totalCount: end.total, exhausted: end.done, resumed: ok && f?.status !== undefined && resumedIds.has(r.id), asked: f?.status !== undefined,
    };
  });
  const positions = [...endState.positions.values()];
  if (request.tallyReleases) {
    const tally = recordReleasesOf(context);
    for (const { from, edge } of kept) {
      const caseId = `${from.id}/${edge.node.subjectId}`;
      tally?.cases(from.id, [{ id: caseId, collection: typeof edge.node.collection === 'string' ? edge.node.collection : null }]);
      const studies = edge.node.studies as Array<{ series?: unknown[] }> | undefined;
      if (Array.isArray(studies)) tally?.series(from.id, caseId, studies.reduce((sum, study) => sum + (Array.isArray(study.series) ? study.series.length : 0), 0));
    }
  }
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: { hasNextPage: positions.some((p) => !p.done && !p.failed), endCursor: encodeWalkCursor(endState) },
    totalCount: positions.every((p) => p.total !== null) ? positions.reduce((sum, p) => sum + (p.total ?? 0), 0) : null,
    repositories,
    complete: positions.every((p) => !p.failed) && refused.size === 0,
    endState,
  };
}

function failed(id: string, error: InnerError | undefined, latencyMs: number): Fetched {
  const reason = error ?? { message: `repository "${id}": answered no case list`, extensions: { code: ErrorCode.BAD_RESPONSE } };
  // The repository refused the cursor the walk holds for it: the composite cursor was altered.
  if (codeOf(reason) === 'BAD_CURSOR') throw badCursor(`is a damaged cursor: ${reason.message}`);
  return { id, status: failedStatus(reason, latencyMs), edges: [], hasNextPage: false, totalCount: null, taken: 0 };
}
