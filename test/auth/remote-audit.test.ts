/**
 * A repository whose subgraph runs at its own site (serveRepositorySubgraph, the REMOTE of the auth federation)
 * writes its own audit line for every call that releases its records, in the gateway's shape: who (the issuer and
 * subject the gateway's grant names), which collections, how many cases and series, the operation's hash; never
 * an identifier, a variable or a filter value.
 */
import { importJWK, SignJWT, type JWK } from 'jose';
import { repositoryTypeName } from '../../subgraphs/sdk/type-name';
import { PACS, post, REMOTE, startAuthFederation, type AuthFederation } from './support';

interface CaseNode { id: string; subjectId: string; studies: Array<{ uid: string; series: Array<{ uid: string }> }> }

describe('the audit log of a remote repository\'s own subgraph', () => {
  let federation: AuthFederation;
  const token = () => federation.provider.accessToken('researcher', { scope: 'cohort:read cases:read' });
  const newRemoteLines = async (work: () => Promise<unknown>) => {
    const before = federation.remoteAuditLines.length;
    await work();
    return federation.remoteAuditLines.slice(before);
  };

  beforeAll(async () => {
    federation = await startAuthFederation();
  }, 60_000);

  afterAll(async () => {
    await federation?.close();
  });

  it('writes one line for records released through the gateway, with no identifiers', async () => {
    let nodes: CaseNode[] = [];
    const lines = await newRemoteLines(async () => {
      const answer = await federation.query(`query Remote($where: CaseFilter) { repository(id: "${REMOTE}") { cases(where: $where, first: 4) { nodes { id subjectId studies { uid series { uid } } } } } }`,
        await token(), { where: { sex: ['FEMALE', 'MALE', 'OTHER', 'UNKNOWN'] } });
      expect(answer.body.errors).toBeUndefined();
      nodes = (answer.body.data?.repository as { cases: { nodes: CaseNode[] } }).cases.nodes;
    });
    expect(nodes).toHaveLength(4);
    const series = nodes.reduce((sum, n) => sum + n.studies.reduce((s, st) => s + st.series.length, 0), 0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      log: 'eucaim-audit', by: 'repository-subgraph', event: 'record-release',
      issuer: federation.provider.issuer, subject: 'researcher', accessLevel: 'researcher',
      operationHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      repositories: [{ repositoryId: REMOTE, collections: expect.any(Array), cases: 4, series }],
    });
    const text = JSON.stringify(lines[0]);
    for (const n of nodes) {
      expect(text).not.toContain(n.subjectId);
      expect(text).not.toContain(n.id);
      for (const study of n.studies) expect(text).not.toContain(study.uid);
    }
    expect(text).not.toMatch(/FEMALE|OTHER|Remote|where/);
  });

  it('writes a line for its part of a Europe-wide case list, and none for counts', async () => {
    const auth = await token();
    const europe = await newRemoteLines(() => federation.query('{ cases(first: 50) { nodes { repositoryId } } }', auth));
    expect(europe).toHaveLength(1);
    expect(europe[0]).toMatchObject({ subject: 'researcher', repositories: [{ repositoryId: REMOTE, cases: expect.any(Number) }] });
    expect((europe[0].repositories as Array<{ cases: number }>)[0].cases).toBeGreaterThan(0);
    // Records of the gateway's own repository are no business of the remote site.
    expect(JSON.stringify(europe)).not.toContain(PACS);
    const counts = await newRemoteLines(() => federation.query(`{ repository(id: "${REMOTE}") { cohort(where: {sex: [FEMALE]}) { subjects } } }`, auth));
    expect(counts).toEqual([]);
  });

  it('writes a line for records released to a direct caller with a grant the gateway signed, and none for refused ones', async () => {
    const entities = `query { _entities(representations: [{__typename: "${repositoryTypeName(REMOTE)}", id: "${REMOTE}"}]) {
      ... on ${repositoryTypeName(REMOTE)} { cases(first: 2) { nodes { id } } } } }`;
    const kid = ((await (await fetch(`${federation.gateway.origin}/.well-known/jwks.json`)).json()) as { keys: JWK[] }).keys[0].kid!;
    const grant = await new SignJWT({ collections: ['*'] })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer('eucaim-gateway').setAudience(REMOTE).setSubject('someone').setIssuedAt().setExpirationTime('1m')
      .sign(await importJWK(federation.gatewayKey, 'ES256'));
    const granted = await newRemoteLines(() => post(federation.remote.url, { query: entities }, { 'x-eucaim-grant': grant }));
    // A grant without the caller's issuer (sub_id) names the subject alone.
    expect(granted).toEqual([expect.objectContaining({ issuer: null, subject: 'someone', repositories: [expect.objectContaining({ repositoryId: REMOTE, cases: 2 })] })]);
    const anonymous = await newRemoteLines(() => post(federation.remote.url, { query: entities }));
    expect(anonymous).toEqual([]);
  });
});
