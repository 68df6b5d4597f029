/**
 * Query.cases: one flat list across the repositories that list cases, merged k-way in a total order, paged with
 * a composite cursor. Walking every page yields every matching case exactly once, in order; a repository that
 * fails mid-walk is reported and the walk goes on, resuming it later; a bad cursor is refused with BAD_CURSOR.
 */
import type { CaseFilter } from '../../schema/generated/graphql';
import { nativeRequestOrder } from '../support/native-requests';
import { compareText, matchingCases, startEuropeFederation, type EuropeTestFederation } from './support';

const REPOSITORIES = [
  { id: 'de-pacs', country: 'DE', apiKind: 'dicomweb', cases: 45 },
  { id: 'pt-nbia', country: 'PT', apiKind: 'nbia', cases: 50 },
  { id: 'fr-xnat', country: 'FR', apiKind: 'xnat', cases: 40 },
  { id: 'es-node', country: 'ES', apiKind: 'eucaim-mediator', cases: 30 },
];
const RECORD = ['de-pacs', 'pt-nbia', 'fr-xnat'];

const PAGE = `query Page($where: CaseFilter, $repositories: RepositoryFilter, $first: Int, $after: String, $orderBy: CaseOrder) {
  cases(where: $where, repositories: $repositories, first: $first, after: $after, orderBy: $orderBy) {
    totalCount complete
    pageInfo { hasNextPage endCursor }
    nodes { id repositoryId subjectId }
    repositories { repositoryId returned totalCount exhausted resumed status { state code message } }
  }
}`;

interface Node { id: string; repositoryId: string; subjectId: string }
interface PageJson {
  totalCount: number | null;
  complete: boolean;
  pageInfo: { hasNextPage: boolean; endCursor: string };
  nodes: Node[];
  repositories: Array<{ repositoryId: string; returned: number; totalCount: number | null; exhausted: boolean; resumed: boolean; status: { state: string; code: string | null; message: string | null } }>;
}

type Order = 'SUBJECT_ID' | 'REPOSITORY_ID';

describe('Europe-wide case list', () => {
  let federation: EuropeTestFederation;

  const page = async (variables: Record<string, unknown>) => {
    const { body } = await federation.query(PAGE, variables);
    return { body, page: body.data?.cases as PageJson };
  };

  /** The ground truth: matching cases of every record repository, in the walk's order. */
  const expected = (where: CaseFilter, order: Order, ids = RECORD): Node[] => ids
    .flatMap((id) => matchingCases(federation.truth(id), where).map((c) => ({ id: c.id, repositoryId: id, subjectId: c.subjectId })))
    .sort((a, b) => order === 'SUBJECT_ID'
      ? compareText(a.subjectId, b.subjectId) || compareText(a.repositoryId, b.repositoryId)
      : compareText(a.repositoryId, b.repositoryId) || compareText(a.subjectId, b.subjectId));

  /** Walks every page; calls `between` before each page after the first. */
  const walk = async (variables: Record<string, unknown>, between?: (index: number) => void) => {
    const pages: PageJson[] = [];
    let after: string | undefined;
    for (let i = 0; i < 200; i++) {
      if (i > 0) between?.(i);
      const { body, page: current } = await page({ ...variables, after });
      expect(body.errors).toBeUndefined();
      pages.push(current);
      if (!current.pageInfo.hasNextPage) break;
      after = current.pageInfo.endCursor;
    }
    return pages;
  };

  beforeAll(async () => {
    federation = await startEuropeFederation(REPOSITORIES);
  }, 60_000);

  afterAll(async () => {
    await federation?.close();
  });

  afterEach(() => federation.clearFaults());

  it('subject ids collide across repositories, so the tie-break is exercised', () => {
    const all = expected({}, 'SUBJECT_ID');
    const collisions = all.filter((n, i) => i > 0 && all[i - 1].subjectId === n.subjectId);
    expect(collisions.length).toBeGreaterThan(10);
  });

  it.each<[string, CaseFilter, Order, number]>([
    ['every case by subject id', {}, 'SUBJECT_ID', 7],
    ['a filter with image criteria', { modalities: ['CT'], sex: ['MALE', 'FEMALE'] }, 'SUBJECT_ID', 4],
    ['every case by repository', {}, 'REPOSITORY_ID', 11],
    ['collections by repository', { collections: ['LUNG', 'BREAST'] }, 'REPOSITORY_ID', 6],
  ])('walking every page yields every matching case exactly once, in order: %s', async (_label, where, orderBy, first) => {
    const truth = expected(where, orderBy);
    const pages = await walk({ where, orderBy, first });
    const nodes = pages.flatMap((p) => p.nodes);
    expect(nodes).toEqual(truth);
    expect(pages.length).toBe(Math.max(1, Math.ceil(truth.length / first)));
    for (const p of pages.slice(0, -1)) expect(p.nodes).toHaveLength(first);
    for (const p of pages) {
      expect(p.complete).toBe(true);
      expect(p.totalCount).toBe(truth.length);
      expect(p.repositories.map((r) => r.repositoryId)).toEqual(['de-pacs', 'pt-nbia', 'fr-xnat', 'es-node']);
      // The count-only node never lists cases, and says so.
      expect(p.repositories[3]).toMatchObject({ returned: 0, totalCount: null, status: { state: 'NOT_SUPPORTED', code: 'REPOSITORY_NOT_SUPPORTED' } });
      for (const r of p.repositories.slice(0, 3)) {
        expect(r.status.state).toBe('OK');
        expect(r.returned).toBe(p.nodes.filter((n) => n.repositoryId === r.repositoryId).length);
      }
    }
    const last = pages[pages.length - 1];
    expect(last.repositories.slice(0, 3).every((r) => r.exhausted)).toBe(true);
  });

  it('serves each case\'s studies as its repository lists them, loading them only for the cases a page keeps', async () => {
    const query = `query ($after: String) { cases(first: 9, after: $after) { pageInfo { hasNextPage endCursor }
      edges { cursor node { id sid: subjectId ...Studies } } } }
      fragment Studies on Case { studies { uid series { uid modality } } }`;
    let after: string | undefined;
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      federation.simulator('de-pacs').resetCounts();
      const { body } = await federation.query(query, { after });
      expect(body.errors).toBeUndefined();
      const connection = body.data?.cases as { pageInfo: { endCursor: string }; edges: Array<{ cursor: string; node: { id: string; sid: string; studies: Array<{ uid: string; series: Array<{ uid: string }> }> } }> };
      for (const { node } of connection.edges) {
        const [repositoryId] = node.id.split('/');
        const truth = federation.truth(repositoryId).find((c) => c.id === node.id)!;
        expect(node.sid).toBe(truth.subjectId);
        expect(node.studies.map((s) => s.uid).sort()).toEqual(truth.studies.map((s) => s.uid).sort());
        expect(node.studies.flatMap((s) => s.series.map((x) => x.uid)).sort()).toEqual(truth.studies.flatMap((s) => s.series.map((x) => x.uid)).sort());
        seen.push(node.id);
      }
      // The PACS was asked for the studies of exactly its cases on this page (by PatientID list), no others.
      const asked = federation.simulator('de-pacs').requests.log.map((line) => new URL(line.split(' ')[1], 'http://x').searchParams.get('PatientID'))
        .filter((ids): ids is string => ids !== null).flatMap((ids) => ids.split(','));
      expect(asked.sort()).toEqual(connection.edges.filter((e) => e.node.id.startsWith('de-pacs/')).map((e) => e.node.sid).sort());
      // Any edge's cursor resumes right after that edge.
      const middle = connection.edges[4];
      const { page: resumed } = await page({ first: 2, after: middle.cursor });
      expect(resumed.nodes.map((n) => n.id)).toEqual(connection.edges.slice(5, 7).map((e) => e.node.id));
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected({}, 'SUBJECT_ID').slice(0, 27).map((n) => n.id));
  });

  it('reports a repository that fails mid-walk, goes on with the others and resumes it later: each case exactly once', async () => {
    const truth = expected({}, 'SUBJECT_ID');
    const pages = await walk({ first: 8 }, (index) => {
      if (index === 2) federation.simulator('pt-nbia').faults.httpStatus = 503;
      if (index === 5) delete federation.simulator('pt-nbia').faults.httpStatus;
    });
    const nbia = (p: PageJson) => p.repositories.find((r) => r.repositoryId === 'pt-nbia')!;
    for (const p of pages.slice(2, 5)) {
      expect(nbia(p)).toMatchObject({ returned: 0, exhausted: false, status: { state: 'FAILED', code: 'REPOSITORY_HTTP_ERROR' } });
      expect(nbia(p).status.message).toContain('repository "pt-nbia"');
      expect(p.complete).toBe(false);
      expect(p.nodes.length).toBe(8); // the others fill the page
      expect(p.nodes.every((n) => n.repositoryId !== 'pt-nbia')).toBe(true);
    }
    expect(nbia(pages[5])).toMatchObject({ resumed: true, status: { state: 'OK' } });
    expect(nbia(pages[5]).returned).toBeGreaterThan(0);
    expect(pages[5].complete).toBe(true);
    // Within each page the order holds; across pages the resumed repository catches up.
    for (const p of pages) {
      const keys = p.nodes.map((n) => `${n.subjectId}\u0000${n.repositoryId}`);
      expect(keys).toEqual([...keys].sort(compareText));
    }
    const nodes = pages.flatMap((p) => p.nodes);
    expect(new Set(nodes.map((n) => n.id)).size).toBe(nodes.length);
    expect([...nodes].sort((a, b) => compareText(a.id, b.id))).toEqual([...truth].sort((a, b) => compareText(a.id, b.id)));
  });

  it('leaves out the cases of a repository whose studies fail, and brings them on the next page', async () => {
    const query = `query ($after: String) { cases(first: 6, after: $after, repositories: {ids: ["de-pacs", "fr-xnat"]}) {
      complete pageInfo { endCursor } nodes { id studies { uid } } repositories { repositoryId resumed status { state code } } } }`;
    interface StudiesPage { complete: boolean; pageInfo: { endCursor: string }; nodes: Array<{ id: string; studies: unknown[] }>; repositories: Array<{ repositoryId: string; resumed: boolean; status: { state: string; code: string } }> }
    const truth = expected({}, 'SUBJECT_ID', ['de-pacs', 'fr-xnat']).map((n) => n.id);
    expect(truth.slice(0, 6).some((id) => id.startsWith('de-pacs/'))).toBe(true);
    // Its cases are listed from its index; their studies need the PACS, which now answers 503.
    federation.simulator('de-pacs').faults.httpStatus = 503;
    const first = (await federation.query(query)).body.data?.cases as StudiesPage;
    expect(first.repositories[0]).toMatchObject({ repositoryId: 'de-pacs', status: { state: 'FAILED', code: 'REPOSITORY_HTTP_ERROR' } });
    expect(first.complete).toBe(false);
    expect(first.nodes.map((n) => n.id)).toEqual(truth.slice(0, 6).filter((id) => id.startsWith('fr-xnat/')));
    delete federation.simulator('de-pacs').faults.httpStatus;
    const second = (await federation.query(query, { after: first.pageInfo.endCursor })).body.data?.cases as StudiesPage;
    expect(second.repositories[0]).toMatchObject({ resumed: true, status: { state: 'OK' } });
    expect(second.complete).toBe(true);
    expect(second.nodes.every((n) => n.studies.length > 0)).toBe(true);
    const listed = [...first.nodes, ...second.nodes].map((n) => n.id);
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed.filter((id) => id.startsWith('de-pacs/'))).toEqual(truth.filter((id) => id.startsWith('de-pacs/')).slice(0, listed.filter((id) => id.startsWith('de-pacs/')).length));
  });

  it('ends a walk whose only cases left belong to a failed repository as incomplete; its endCursor fetches them later', async () => {
    const truth = expected({}, 'SUBJECT_ID');
    federation.simulator('pt-nbia').faults.httpStatus = 500;
    const pages = await walk({ first: 40 });
    const last = pages[pages.length - 1];
    expect(last.pageInfo.hasNextPage).toBe(false);
    expect(last.complete).toBe(false);
    expect(last.repositories.find((r) => r.repositoryId === 'pt-nbia')).toMatchObject({ exhausted: false, status: { state: 'FAILED' } });
    const listed = pages.flatMap((p) => p.nodes);
    expect(listed).toEqual(truth.filter((n) => n.repositoryId !== 'pt-nbia'));

    delete federation.simulator('pt-nbia').faults.httpStatus;
    const rest: Node[] = [];
    let after = last.pageInfo.endCursor;
    for (let i = 0; i < 10; i++) {
      const { page: next } = await page({ first: 40, after });
      rest.push(...next.nodes);
      expect(next.nodes.every((n) => n.repositoryId === 'pt-nbia')).toBe(true);
      if (!next.pageInfo.hasNextPage) {
        expect(next.complete).toBe(true);
        break;
      }
      after = next.pageInfo.endCursor;
    }
    expect(rest).toEqual(truth.filter((n) => n.repositoryId === 'pt-nbia'));
  });

  it('refuses a cursor it did not issue, or one from another walk, with BAD_CURSOR', async () => {
    const { page: first } = await page({ first: 5, where: { sex: ['FEMALE'] } });
    const cursor = first.pageInfo.endCursor;
    const refused = async (variables: Record<string, unknown>, message: RegExp) => {
      const { body } = await federation.query(PAGE, variables);
      expect(body.data).toBeNull();
      expect(body.errors?.[0]).toMatchObject({ path: ['cases'], extensions: { code: 'BAD_CURSOR', argument: 'after' } });
      expect(body.errors?.[0].message).toMatch(message);
    };
    await refused({ after: 'not a cursor' }, /not a cursor of a Europe-wide case list/);
    await refused({ after: Buffer.from('{"v":1}').toString('base64url') }, /not a cursor of a Europe-wide case list/);
    await refused({ after: cursor, where: { sex: ['MALE'] } }, /another `where` or `repositories`/);
    await refused({ after: cursor, where: { sex: ['FEMALE'] }, repositories: { ids: ['de-pacs'] } }, /another `where` or `repositories`/);
    await refused({ after: cursor, where: { sex: ['FEMALE'] }, orderBy: 'REPOSITORY_ID' }, /SUBJECT_ID order/);
    // A repository's own position altered inside the composite cursor: the repository refuses it, so does the walk.
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { p: Record<string, [string | null, number, number | null]> };
    decoded.p['de-pacs'][0] = Buffer.from('{"r":"pt-nbia","o":3}').toString('base64url');
    await refused({ after: Buffer.from(JSON.stringify(decoded)).toString('base64url'), where: { sex: ['FEMALE'] } }, /damaged cursor.*de-pacs/);
  });

  it('refuses a page size out of range', async () => {
    const { body } = await federation.query(PAGE, { first: 0 });
    expect(body.errors?.[0]).toMatchObject({ path: ['cases'], extensions: { code: 'BAD_USER_INPUT', argument: 'first' } });
  });
});

describe('Europe-wide case list: the order repositories are asked in', () => {
  // Two repositories that list cases live (GDC keeps no index), so every page sends each of them a native request.
  const LIVE = [{ id: 'at-gdc', country: 'AT', apiKind: 'gdc' }, { id: 'be-gdc', country: 'BE', apiKind: 'gdc' }];
  const COHORT = 'query Cohort($where: CaseFilter) { cohort(where: $where) { repositories { repositoryId inTotal } } }';
  let federation: EuropeTestFederation;

  beforeAll(async () => {
    federation = await startEuropeFederation(LIVE);
  }, 60_000);

  afterAll(async () => {
    await federation?.close();
  });

  it('asks the repository its cohorts found slowest first, as a Europe-wide cohort does, and learns when that changes', async () => {
    const origins = new Map(LIVE.map(({ id }) => [new URL(federation.simulator(id).baseUrl).origin, id]));
    // Distinct filters that GDC counts natively (no image criteria: a GDC without DICOM answers those without asking),
    // so that every answer is a native one; the median of a repository's last five answers ranks it.
    const teach = async (minimumAges: readonly number[]) => {
      for (const min of minimumAges) {
        const { body } = await federation.query(COHORT, { where: { ageAtDiagnosis: { min } } });
        const { cohort } = body.data as { cohort: { repositories: Array<{ inTotal: boolean }> } };
        expect(cohort.repositories.every((r) => r.inTotal)).toBe(true);
      }
    };
    const firstAsked = async (where: CaseFilter) => (await nativeRequestOrder(origins, async () => {
      const { body } = await federation.query(PAGE, { where, first: 5 });
      expect(body.errors).toBeUndefined();
      expect((body.data?.cases as PageJson).repositories.map((r) => r.status.state)).toEqual(['OK', 'OK']);
    }))[0];

    // be-gdc comes after at-gdc in the catalogue: once it has been the slower, its native request leaves first.
    federation.simulator('be-gdc').faults.latencyMs = 150;
    await teach([10, 11, 12]);
    expect(await firstAsked({ sex: ['MALE'] })).toBe('be-gdc');
    federation.simulator('be-gdc').faults.latencyMs = 0;
    federation.simulator('at-gdc').faults.latencyMs = 150;
    await teach([20, 21, 22, 23, 24]);
    expect(await firstAsked({ sex: ['FEMALE'] })).toBe('at-gdc');
  }, 30_000);
});
