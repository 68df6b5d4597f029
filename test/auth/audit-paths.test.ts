/**
 * Every record answer the gateway sends has its audit line, whichever path the records took: the repository's
 * resolvers, the answer cache, an identical call in flight for another request, or a repository subgraph running at
 * its owner's site. Asked with real tokens of the test OpenID provider (test/auth/support.ts).
 */
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { parse } from 'graphql';
import { importJWK, SignJWT, type JWK } from 'jose';
import { bindGatewayKey } from '../../gateway/plugins/auth/forward-grant';
import { createGatewayKey } from '../../gateway/plugins/auth/gateway-key';
import type { SubgraphCall } from '../../gateway/plugins/datasources/middleware';
import { useReleaseAudit } from '../../gateway/plugins/datasources/use-release-audit';
import { useReleaseReport } from '../../gateway/plugins/datasources/use-release-report';
import { demoSimulatorAt, startDemoSimulators } from '../../demo/simulators';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { serveRepositorySubgraph } from '../../subgraphs/sdk/serve';
import { RELEASE_REPORT_EXTENSION, releaseKey } from '../../subgraphs/sdk/release-report';
import { ReleaseTally } from '../../subgraphs/sdk/release-tally';
import { bindRecordReleases } from '../../subgraphs/sdk/subgraph';
import { repositoryTypeName } from '../../subgraphs/sdk/type-name';
import { testConfig } from '../support/federation';
import { jsonLines, PACS, post, REMOTE, startAuthFederation, type AuthAnswer, type AuthFederation } from './support';

interface CaseNode { id: string; subjectId: string; repositoryId?: string; studies: Array<{ uid: string; series: Array<{ uid: string }> }> }
type AuditLine = Record<string, unknown> & { repositories: Array<{ repositoryId: string; collections: string[]; cases: number; series: number }> };

const CASE_FIELDS = 'id subjectId repositoryId studies { uid series { uid } }';
const seriesOf = (nodes: readonly CaseNode[]) => nodes.reduce((sum, n) => sum + n.studies.reduce((s, st) => s + st.series.length, 0), 0);

describe('audit lines for every path records take to the client', () => {
  let federation: AuthFederation;
  let token: string;
  /** Every case, subject, study and series id the tests saw in an answer. */
  const identifiers = new Set<string>();
  const firstLine = { gateway: 0, remote: 0 };

  const ask = async (query: string, variables?: Record<string, unknown>): Promise<AuthAnswer> => {
    const answer = await federation.query(query, token, variables);
    expect(answer.body.errors).toBeUndefined();
    return answer;
  };
  /** The case nodes of an answer, at `path` (e.g. ['repository', 'cases']), remembering their identifiers. */
  const nodesAt = (answer: AuthAnswer, ...path: string[]): CaseNode[] => {
    const connection = path.reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], answer.body.data);
    const nodes = (connection as { nodes: CaseNode[] }).nodes;
    for (const n of nodes) {
      identifiers.add(n.id);
      identifiers.add(n.subjectId);
      for (const study of n.studies) {
        identifiers.add(study.uid);
        for (const series of study.series) identifiers.add(series.uid);
      }
    }
    return nodes;
  };
  const newLines = async (work: () => Promise<unknown>): Promise<AuditLine[]> => {
    const before = federation.auditLines.length;
    await work();
    return federation.auditLines.slice(before) as AuditLine[];
  };
  const pacsCases = (first: number) => `query Pacs($where: CaseFilter) { repository(id: "${PACS}") { cases(where: $where, first: ${first}) { nodes { ${CASE_FIELDS} } } } }`;
  const femaleOrMale = { where: { sex: ['FEMALE', 'MALE'] } };

  beforeAll(async () => {
    federation = await startAuthFederation();
    token = await federation.provider.accessToken('researcher', { scope: 'cohort:read cases:read' });
    firstLine.gateway = federation.auditLines.length;
    firstLine.remote = federation.remoteAuditLines.length;
  }, 60_000);

  afterAll(async () => {
    await federation?.close();
  });

  it('an answer served again from the cache writes the same line as the first', async () => {
    const stats = federation.gateway.cache!.stats;
    let nodes: CaseNode[] = [];
    const first = await newLines(async () => { nodes = nodesAt(await ask(pacsCases(7), femaleOrMale), 'repository', 'cases'); });
    const hits = stats.hits;
    const second = await newLines(async () => { nodesAt(await ask(pacsCases(7), femaleOrMale), 'repository', 'cases'); });
    expect(stats.hits).toBeGreaterThan(hits);
    expect(nodes.length).toBeGreaterThan(0);
    const expected = [{ repositoryId: PACS, collections: ['LUNG'], cases: nodes.length, series: seriesOf(nodes) }];
    expect(first).toEqual([expect.objectContaining({ event: 'record-release', by: 'gateway', subject: 'researcher', repositories: expected })]);
    expect(second).toEqual([expect.objectContaining({ event: 'record-release', by: 'gateway', subject: 'researcher', repositories: expected })]);
    expect(second[0].operationHash).toBe(first[0].operationHash);
  });

  it('two identical queries at once, sharing one repository call, write a line each', async () => {
    const simulator = demoSimulatorAt(federation.gateway.federation.config.repositories.find((r) => r.id === PACS)!.endpoint)!;
    const stats = federation.gateway.cache!.stats;
    const [hits, misses] = [stats.hits, stats.misses];
    let answers: AuthAnswer[] = [];
    // The repository answers slowly, so the second request finds the first one's call in flight.
    simulator.faults.latencyMs = 300;
    const lines = await newLines(async () => {
      try {
        answers = await Promise.all([ask(pacsCases(6), femaleOrMale), ask(pacsCases(6), femaleOrMale)]);
      } finally {
        delete simulator.faults.latencyMs;
      }
    });
    // One cache lookup: the second request asked neither the cache nor the repository.
    expect([stats.hits - hits, stats.misses - misses]).toEqual([0, 1]);
    const nodes = nodesAt(answers[0], 'repository', 'cases');
    expect(nodesAt(answers[1], 'repository', 'cases')).toEqual(nodes);
    const expected = [{ repositoryId: PACS, collections: ['LUNG'], cases: nodes.length, series: seriesOf(nodes) }];
    expect(lines).toEqual([
      expect.objectContaining({ subject: 'researcher', repositories: expected }),
      expect.objectContaining({ subject: 'researcher', repositories: expected }),
    ]);
  });

  it('records of a repository whose subgraph runs at its owner\'s site write a gateway line naming it', async () => {
    let nodes: CaseNode[] = [];
    const remoteBefore = federation.remoteAuditLines.length;
    const lines = await newLines(async () => {
      nodes = nodesAt(await ask(`{ repository(id: "${REMOTE}") { cases(first: 5) { nodes { ${CASE_FIELDS} } } } }`), 'repository', 'cases');
    });
    expect(nodes).toHaveLength(5);
    const atSite = federation.remoteAuditLines.slice(remoteBefore) as AuditLine[];
    expect(atSite).toHaveLength(1);
    const expected = [{ repositoryId: REMOTE, collections: atSite[0].repositories[0].collections, cases: 5, series: seriesOf(nodes) }];
    expect(expected[0].collections.length).toBeGreaterThan(0);
    expect(lines).toEqual([expect.objectContaining({ by: 'gateway', subject: 'researcher', issuer: federation.provider.issuer, repositories: expected })]);
    expect(atSite[0].repositories).toEqual(expected);
    // Asked again: from the gateway's cache, the owner's site never hears of it; the gateway still writes its line.
    const again = await newLines(() => ask(`{ repository(id: "${REMOTE}") { cases(first: 5) { nodes { ${CASE_FIELDS} } } } }`));
    expect(federation.remoteAuditLines.length).toBe(remoteBefore + 1);
    expect(again).toEqual([expect.objectContaining({ repositories: expected })]);
  });

  it('records of every repository at once name the local and the remote ones with their own counts', async () => {
    let answer: AuthAnswer | undefined;
    const lines = await newLines(async () => {
      answer = await federation.query(`{ repositories { id cases(first: 3) { nodes { ${CASE_FIELDS} } } } }`, token);
    });
    const repositories = answer!.body.data?.repositories as Array<{ id: string; cases: { nodes: CaseNode[] } | null }>;
    const nodesOf = (id: string) => {
      const index = repositories.findIndex((r) => r.id === id);
      return nodesAt(answer!, 'repositories', String(index), 'cases');
    };
    const [pacs, remote] = [nodesOf(PACS), nodesOf(REMOTE)];
    expect(lines).toHaveLength(1);
    expect(lines[0].repositories).toEqual([
      { repositoryId: PACS, collections: ['LUNG'], cases: pacs.length, series: seriesOf(pacs) },
      { repositoryId: REMOTE, collections: expect.any(Array), cases: remote.length, series: seriesOf(remote) },
    ]);
  });

  it('counts release no records and write no line, whatever path they take', async () => {
    const counts = `{ repositories { id cohort { subjects } } repository(id: "${REMOTE}") { cohort(where: {sex: [FEMALE]}) { subjects } } }`;
    const lines = await newLines(async () => {
      await ask(counts);
      await ask(counts); // from the cache
      await federation.query(`{ repository(id: "${PACS}") { cases(first: 2) { nodes { id } } } }`); // anonymous: refused
    });
    expect(lines).toEqual([]);
  });

  it('a Europe-wide case list is counted once: what it returns, not what its walk asked the repositories for', async () => {
    const europe = `{ cases(first: 9, orderBy: REPOSITORY_ID) { nodes { ${CASE_FIELDS} } } }`;
    for (const round of ['asked', 'from the cache']) {
      let nodes: CaseNode[] = [];
      const lines = await newLines(async () => { nodes = nodesAt(await ask(europe), 'cases'); });
      expect(nodes).toHaveLength(9);
      const byRepository = [...new Set(nodes.map((n) => n.repositoryId!))].sort().map((id) => {
        const mine = nodes.filter((n) => n.repositoryId === id);
        return expect.objectContaining({ repositoryId: id, cases: mine.length, series: seriesOf(mine) });
      });
      expect([round, lines]).toEqual([round, [expect.objectContaining({ repositories: byRepository })]]);
    }
  });

  it('a case released twice in one request, Europe-wide and by its repository, counts once', async () => {
    let answer: AuthAnswer | undefined;
    const lines = await newLines(async () => {
      answer = await ask(`{ cases(first: 6, repositories: {ids: ["${PACS}"]}) { nodes { ${CASE_FIELDS} } } repository(id: "${PACS}") { cases(first: 4) { nodes { ${CASE_FIELDS} } } } }`);
    });
    const both = [...nodesAt(answer!, 'cases'), ...nodesAt(answer!, 'repository', 'cases')];
    const distinct = new Map(both.map((n) => [n.id, n]));
    expect(distinct.size).toBeLessThan(both.length);
    expect(lines).toEqual([expect.objectContaining({
      repositories: [{ repositoryId: PACS, collections: ['LUNG'], cases: distinct.size, series: seriesOf([...distinct.values()]) }],
    })]);
  });

  it('nothing of what a call released reaches the client', async () => {
    const answers = [
      await ask(pacsCases(7), femaleOrMale),
      await ask(`{ repository(id: "${REMOTE}") { cases(first: 5) { nodes { ${CASE_FIELDS} } } } }`),
      await federation.query(`{ repositories { id cases(first: 3) { nodes { id } } } }`, token),
    ];
    for (const answer of answers) {
      expect(answer.body).not.toHaveProperty('extensions');
      expect(JSON.stringify(answer.body)).not.toContain(RELEASE_REPORT_EXTENSION);
    }
    // Nor does it reach @apollo/gateway (which would drop it anyway): the repository's data source hands its tally over.
    const gatewayKey = await createGatewayKey({ GATEWAY_SIGNING_JWK: JSON.stringify(federation.gatewayKey) });
    for (const id of [PACS, REMOTE]) {
      const tally = new ReleaseTally();
      const context = { accessLevel: 'researcher' as const, subject: 'r', recordGrants: [{ repositoryId: id }] };
      bindRecordReleases(context, tally);
      bindGatewayKey(context, gatewayKey);
      const query = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${repositoryTypeName(id)} { cases(first: 2) { nodes { id } } } } }`;
      const response = await federation.gateway.federation.dataSources.get(id)!.process({
        kind: 'incoming operation', request: { query, variables: { representations: [{ __typename: repositoryTypeName(id), id }] } },
        context, document: parse(query), incomingRequestContext: {}, pathInIncomingRequest: ['repository'],
      } as unknown as GraphQLDataSourceProcessOptions);
      expect([id, response.errors, response.extensions]).toEqual([id, undefined, undefined]);
      expect(tally.summary()).toEqual([expect.objectContaining({ repositoryId: id, cases: 2 })]);
    }
  });

  it('a remote subgraph reports what it released only to a caller presenting the gateway\'s grant', async () => {
    const entities = `query { _entities(representations: [{__typename: "${repositoryTypeName(REMOTE)}", id: "${REMOTE}"}]) {
      ... on ${repositoryTypeName(REMOTE)} { cases(first: 2) { nodes { id } } } } }`;
    const kid = ((await (await fetch(`${federation.gateway.origin}/.well-known/jwks.json`)).json()) as { keys: JWK[] }).keys[0].kid!;
    const grant = await new SignJWT({ collections: ['*'] })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer('eucaim-gateway').setAudience(REMOTE).setSubject('someone').setIssuedAt().setExpirationTime('1m')
      .sign(await importJWK(federation.gatewayKey, 'ES256'));
    const granted = await post(federation.remote.url, { query: entities }, { 'x-eucaim-grant': grant });
    expect(granted.body.errors).toBeUndefined();
    const report = (granted.body as { extensions?: Record<string, unknown> }).extensions?.[RELEASE_REPORT_EXTENSION];
    expect(report).toMatchObject({ version: 1, repositories: [{ repositoryId: REMOTE, cases: [expect.any(Array), expect.any(Array)] }] });
    // Keys, not identifiers: the report travels to the gateway and into its cache.
    for (const node of (granted.body.data?._entities as Array<{ cases: { nodes: Array<{ id: string }> } }>)[0].cases.nodes) {
      expect(JSON.stringify(report)).not.toContain(node.id);
    }
    const anonymous = await post(federation.remote.url, { query: entities });
    expect(anonymous.body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(JSON.stringify(anonymous.body)).not.toContain(RELEASE_REPORT_EXTENSION);
    // A subgraph started without the gateway's keys (development) serves records to anyone, and reports to no one.
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const demo = await startDemoSimulators(testConfig([{ id: REMOTE, country: 'NL', apiKind: 'nbia', seed: 7, cases: 40 }]));
    const open = await serveRepositorySubgraph({ entry: demo.config.repositories[0], kind: ADAPTER_KINDS.find((k) => k.apiKind === 'nbia')!, port: 0, auditLog: jsonLines([]) });
    try {
      const released = await post(open.url, { query: entities });
      expect((released.body.data?._entities as Array<{ cases: { nodes: unknown[] } }>)[0].cases.nodes).toHaveLength(2);
      expect(JSON.stringify(released.body)).not.toContain(RELEASE_REPORT_EXTENSION);
    } finally {
      await open.close();
      await demo.close();
      warn.mockRestore();
    }
  });

  it('no line names a case, subject, study or series, or a filter value', () => {
    const lines = [...federation.auditLines.slice(firstLine.gateway), ...federation.remoteAuditLines.slice(firstLine.remote)];
    expect(lines.length).toBeGreaterThan(10);
    expect(identifiers.size).toBeGreaterThan(50);
    for (const line of lines) {
      const text = JSON.stringify(line);
      for (const id of identifiers) expect(text).not.toContain(id);
      expect(text).not.toMatch(/FEMALE|Pacs|where/);
    }
  });
});

describe('what the gateway believes of a remote subgraph\'s report: no more than its answer bears out', () => {
  const entry = {
    id: 'nl-remote', name: 'R', country: 'NL', institution: 'I', apiKind: 'nbia', endpoint: 'http://127.0.0.1:1/', subgraph: 'http://127.0.0.1:2/graphql',
    timeoutMs: 1000, collections: [{ id: 'LUNG', name: 'Lung', cancerSite: 'LUNG' as const }], options: {},
  };
  const query = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on NlRemoteRepository {
    mine: cases(first: 3) { nodes { id studies { uid series { uid } } } } } } }`;
  const node = (id: string, series: number) => ({ id, studies: [{ uid: `${id}.1`, series: Array.from({ length: series }, (_, i) => ({ uid: `${id}.1.${i}` })) }] });
  const answer = (nodes: unknown[], report?: unknown): GatewayGraphQLResponse => ({
    data: { _entities: [{ mine: { nodes } }] }, ...(report ? { extensions: { [RELEASE_REPORT_EXTENSION]: report } } : {}),
  });
  /** The figures the gateway's audit line would have for this answer. */
  const logged = async (response: GatewayGraphQLResponse, collections?: string[]) => {
    const tally = new ReleaseTally();
    const context = { accessLevel: 'researcher', subject: 'r', recordGrants: [{ repositoryId: entry.id, ...(collections ? { collections } : {}) }] };
    bindRecordReleases(context, tally);
    const call = [useReleaseAudit, useReleaseReport].reduceRight<SubgraphCall>((next, middleware) => middleware({ name: entry.id, entry }, next), async () => response);
    const forwarded = await call({ kind: 'incoming operation', request: { query }, context, document: parse(query), incomingRequestContext: {} } as unknown as GraphQLDataSourceProcessOptions);
    expect(forwarded.extensions).toBeUndefined();
    return tally.summary();
  };
  const key = (id: string) => releaseKey(id);

  it('counts no more cases than its answer lists, whatever the report claims, and only for its own repository', async () => {
    const claimed = { version: 1, repositories: [
      { repositoryId: entry.id, cases: [[key('a'), 'LUNG'], [key('b'), 'LUNG'], [key('c'), 'LUNG'], [key('d'), 'LUNG']], series: [[key('a'), 500]] },
      { repositoryId: 'de-other', cases: [[key('x'), 'LUNG']], series: [] },
    ] };
    expect(await logged(answer([node('a', 2), node('b', 1)], claimed))).toEqual([{ repositoryId: entry.id, collections: ['LUNG'], cases: 2, series: 3 }]);
  });

  it('ignores what it reports of another repository', async () => {
    const others = { version: 1, repositories: [
      { repositoryId: 'de-other', cases: [[key('x'), 'LUNG']], series: [[key('x'), 7]] },
      { repositoryId: entry.id, cases: [[key('a'), null]], series: [[key('a'), 2]] },
    ] };
    expect(await logged(answer([node('a', 2)], others))).toEqual([{ repositoryId: entry.id, collections: [], cases: 1, series: 2 }]);
  });

  it('counts them without a report, or with one claiming fewer', async () => {
    expect(await logged(answer([node('a', 2), node('b', 1), node('c', 0)]))).toEqual([{ repositoryId: entry.id, collections: [], cases: 3, series: 3 }]);
    const fewer = { version: 1, repositories: [{ repositoryId: entry.id, cases: [[key('a'), 'LUNG']], series: [] }] };
    expect(await logged(answer([node('a', 2), node('b', 1)], fewer))).toEqual([{ repositoryId: entry.id, collections: ['LUNG'], cases: 2, series: 3 }]);
  });

  it('writes only collection names it knows for the repository, from its config entry or the caller\'s grant', async () => {
    const named = { version: 1, repositories: [{ repositoryId: entry.id, cases: [[key('a'), 'LUNG'], [key('b'), 'PATIENT-4711'], [key('c'), 'BREAST']], series: [] }] };
    expect((await logged(answer([node('a', 0), node('b', 0), node('c', 0)], named), ['BREAST']))[0].collections).toEqual(['BREAST', 'LUNG']);
  });

  it('believes no series for an answer without studies', async () => {
    const claimed = { version: 1, repositories: [{ repositoryId: entry.id, cases: [[key('a'), null]], series: [[key('a'), 9]] }] };
    const withoutStudies = { data: { _entities: [{ mine: { nodes: [{ id: 'a' }] } }] }, extensions: { [RELEASE_REPORT_EXTENSION]: claimed } };
    expect(await logged(withoutStudies)).toEqual([{ repositoryId: entry.id, collections: [], cases: 1, series: 0 }]);
  });
});
