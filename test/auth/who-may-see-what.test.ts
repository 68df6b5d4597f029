/**
 * Who may see what, asked as portals and attackers would: tokens from a real OpenID provider (oidc-provider on
 * loopback), anonymous callers, hostile tokens, and a remote repository subgraph that checks the gateway's grant.
 */
import { createHmac, createPublicKey, type JsonWebKey } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { repositoryTypeName } from '../../subgraphs/sdk/type-name';
import { AUDIENCE, BEACON, PACS, post, REMOTE, startAuthFederation, type AuthAnswer, type AuthFederation } from './support';
import { startOpenIdProvider } from '../support/oidc-provider';

const errorsOf = (answer: AuthAnswer) => answer.body.errors ?? [];
const codesByRepository = (answer: AuthAnswer) => Object.fromEntries(errorsOf(answer).map((e) => [e.extensions?.repositoryId, e.extensions?.code]));

describe('who may see what', () => {
  let federation: AuthFederation;

  beforeAll(async () => {
    federation = await startAuthFederation();
  }, 60_000);

  afterAll(async () => {
    await federation?.close();
  });

  describe('anonymous callers', () => {
    it('get the counts of every repository', async () => {
      const answer = await federation.query('{ repositories { id cohort { subjects } } }');
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      const repositories = answer.body.data?.repositories as Array<{ id: string; cohort: { subjects: number | null } }>;
      expect(repositories.map((r) => r.id)).toEqual([PACS, BEACON, REMOTE]);
      expect(repositories.find((r) => r.id === PACS)?.cohort.subjects).toBeGreaterThan(0);
    });

    it('are refused records with UNAUTHENTICATED naming each repository, counts still answering beside them', async () => {
      const answer = await federation.query('{ repositories { id cohort { subjects } cases(first: 2) { nodes { id sex } } } }');
      expect(answer.status).toBe(200);
      expect(codesByRepository(answer)).toEqual({ [PACS]: 'UNAUTHENTICATED', [REMOTE]: 'UNAUTHENTICATED', [BEACON]: 'REPOSITORY_NOT_SUPPORTED' });
      expect(errorsOf(answer).find((e) => e.extensions?.repositoryId === PACS)?.message).toMatch(/repository "t-pacs": its records need a bearer token/);
      const repositories = answer.body.data?.repositories as Array<{ id: string; cohort: { subjects: number } | null; cases: unknown }>;
      expect(repositories.every((r) => r.cases === null && r.cohort !== null)).toBe(true);
    });

    it('get no Europe-wide case list or manifest: the repositories are not even asked, and say why', async () => {
      const answer = await federation.query('{ cases(first: 5) { nodes { id } complete repositories { repository { id } status { state code } } } manifest(allSeries: true) { seriesCount files { content } } }');
      expect(answer.body.errors).toBeUndefined();
      const cases = answer.body.data?.cases as { nodes: unknown[]; complete: boolean; repositories: Array<{ repository: { id: string }; status: { state: string; code: string } }> };
      expect(cases.nodes).toEqual([]);
      expect(cases.complete).toBe(false);
      expect(Object.fromEntries(cases.repositories.map((r) => [r.repository.id, r.status.code]))).toEqual({
        [PACS]: 'UNAUTHENTICATED', [BEACON]: 'REPOSITORY_NOT_SUPPORTED', [REMOTE]: 'UNAUTHENTICATED',
      });
      expect((answer.body.data?.manifest as { seriesCount: number }).seriesCount).toBe(0);
    });
  });

  describe('tokens from the OpenID provider', () => {
    it('a counts-only token (cohort:read) gets counts, and FORBIDDEN for records', async () => {
      const token = await federation.provider.accessToken('counts-only', { scope: 'cohort:read' });
      const answer = await federation.query(`{ repository(id: "${PACS}") { cohort { subjects } cases(first: 1) { nodes { id } } } }`, token);
      expect(answer.status).toBe(200);
      expect(codesByRepository(answer)).toEqual({ [PACS]: 'FORBIDDEN' });
      expect((answer.body.data?.repository as { cohort: { subjects: number } }).cohort.subjects).toBeGreaterThan(0);
    });

    it('scope escalation: the provider refuses cases:read to a counts-only client, and grants without the scope open nothing', async () => {
      const refused = await federation.provider.token('counts-only', { scope: 'cohort:read cases:read' });
      expect([refused.status, refused.body.error]).toEqual([400, 'invalid_scope']);
      // This client's token lists grants, but only with the cohort:read scope: the gateway honours no grant.
      const token = await federation.provider.accessToken('over-granted', { scope: 'cohort:read' });
      const answer = await federation.query(`{ repository(id: "${REMOTE}") { cases(first: 1) { nodes { id } } } }`, token);
      expect(codesByRepository(answer)).toEqual({ [REMOTE]: 'FORBIDDEN' });
    });

    it('a grant for collection LUNG lists LUNG cases only, and FORBIDDEN for PROSTATE', async () => {
      const token = await federation.provider.accessToken('researcher', { scope: 'cohort:read cases:read' });
      const all = await federation.query(`{ repository(id: "${PACS}") { cases(first: 100) { totalCount nodes { collection } } } }`, token);
      expect(all.body.errors).toBeUndefined();
      const nodes = (all.body.data?.repository as { cases: { nodes: Array<{ collection: string }> } }).cases.nodes;
      expect(nodes.length).toBeGreaterThan(0);
      expect(new Set(nodes.map((n) => n.collection))).toEqual(new Set(['LUNG']));
      const prostate = await federation.query(`{ repository(id: "${PACS}") { cases(where: {collections: ["PROSTATE"]}, first: 5) { nodes { id } } } }`, token);
      expect(codesByRepository(prostate)).toEqual({ [PACS]: 'FORBIDDEN' });
      expect(errorsOf(prostate)[0].message).toMatch(/collection PROSTATE/);
    });

    it('a remote repository serves records through the gateway with the grant the gateway forwards', async () => {
      const token = await federation.provider.accessToken('researcher', { scope: 'cohort:read cases:read' });
      const answer = await federation.query(`{ repository(id: "${REMOTE}") { cases(first: 3) { totalCount nodes { id studies { uid } } } } }`, token);
      expect(answer.body.errors).toBeUndefined();
      const cases = (answer.body.data?.repository as { cases: { totalCount: number; nodes: Array<{ id: string; studies: unknown[] }> } }).cases;
      expect(cases.totalCount).toBe(40);
      expect(cases.nodes).toHaveLength(3);
      expect(cases.nodes.every((n) => n.id.startsWith(`${REMOTE}/`) && n.studies.length > 0)).toBe(true);
    });

    it('Europe-wide cases with a grant: the granted repositories answer, the count-only one says NOT_SUPPORTED', async () => {
      const token = await federation.provider.accessToken('researcher', { scope: 'cohort:read cases:read' });
      const answer = await federation.query('{ cases(first: 100, orderBy: REPOSITORY_ID) { nodes { repositoryId collection } repositories { repository { id } status { code } } } }', token);
      expect(answer.body.errors).toBeUndefined();
      const cases = answer.body.data?.cases as { nodes: Array<{ repositoryId: string; collection: string }>; repositories: Array<{ repository: { id: string }; status: { code: string | null } }> };
      expect(Object.fromEntries(cases.repositories.map((r) => [r.repository.id, r.status.code]))).toEqual({ [PACS]: null, [BEACON]: 'REPOSITORY_NOT_SUPPORTED', [REMOTE]: null });
      expect(new Set(cases.nodes.filter((n) => n.repositoryId === PACS).map((n) => n.collection))).toEqual(new Set(['LUNG']));
      expect(cases.nodes.some((n) => n.repositoryId === REMOTE)).toBe(true);
    });

    it('two callers with different grants never share a cached record answer', async () => {
      const lungOnly = await federation.provider.accessToken('researcher', { scope: 'cohort:read cases:read' });
      const whole = await federation.provider.accessToken('whole-repository', { scope: 'cohort:read cases:read' });
      const query = `{ repository(id: "${PACS}") { cases(first: 100) { nodes { collection } } } }`;
      const collections = async (token: string) => new Set(((await federation.query(query, token)).body.data?.repository as { cases: { nodes: Array<{ collection: string }> } }).cases.nodes.map((n) => n.collection));
      expect(await collections(lungOnly)).toEqual(new Set(['LUNG']));
      expect(await collections(whole)).toEqual(new Set(['LUNG', 'PROSTATE']));
      expect(await collections(lungOnly)).toEqual(new Set(['LUNG']));
      const counts = await federation.provider.accessToken('counts-only', { scope: 'cohort:read' });
      expect(codesByRepository(await federation.query(query, counts))).toEqual({ [PACS]: 'FORBIDDEN' });
    });

    it('writes one audit line per record release: who, which repositories and collections, how many; no identifiers', async () => {
      const token = await federation.provider.accessToken('researcher', { scope: 'cohort:read cases:read' });
      const before = federation.auditLines.length;
      const answer = await federation.query(`query Mine($where: CaseFilter) { repository(id: "${PACS}") { cases(where: $where, first: 4) { nodes { id subjectId studies { series { uid } } } } } }`,
        token, { where: { sex: ['FEMALE', 'MALE'] } });
      expect(answer.body.errors).toBeUndefined();
      const nodes = (answer.body.data?.repository as { cases: { nodes: Array<{ id: string; subjectId: string; studies: Array<{ series: Array<{ uid: string }> }> }> } }).cases.nodes;
      const lines = federation.auditLines.slice(before);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        event: 'record-release', subject: 'researcher', operationHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        repositories: [{ repositoryId: PACS, collections: ['LUNG'], cases: nodes.length, series: nodes.reduce((sum, n) => sum + n.studies.reduce((s, st) => s + st.series.length, 0), 0) }],
      });
      const text = JSON.stringify(lines[0]);
      for (const n of nodes) expect(text).not.toContain(n.subjectId);
      expect(text).not.toMatch(/FEMALE|Mine|where/);
      // Counts release no records: no audit line.
      await federation.query('{ repositories { cohort { subjects } } }', token);
      expect(federation.auditLines.length).toBe(before + 1);
    });
  });

  describe('hostile tokens get 401 UNAUTHENTICATED saying why, never echoing the token', () => {
    const refused = async (token: string, reason: RegExp) => {
      const answer = await post(federation.gateway.url, { query: `{ repository(id: "${PACS}") { cases(first: 1) { nodes { id } } } }` }, { authorization: `Bearer ${token}` });
      expect(answer.status).toBe(401);
      expect(answer.body.data).toBeUndefined();
      expect(errorsOf(answer).map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect(errorsOf(answer)[0].message).toMatch(reason);
      expect(String(answer.headers['www-authenticate'])).toMatch(/^Bearer error="invalid_token"/);
      expect(JSON.stringify(answer.body)).not.toContain(token.slice(0, 20));
      expect(federation.auditLines.every((line) => !JSON.stringify(line).includes(token.slice(-20)))).toBe(true);
    };
    const parts = async () => (await federation.provider.accessToken('researcher', { scope: 'cohort:read cases:read' })).split('.');

    it('forged: the same claims signed with another RSA key under the issuer\'s kid', async () => {
      const [header, payload] = await parts();
      const { privateKey } = await generateKeyPair('RS256');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const forged = await new SignJWT(claims).setProtectedHeader(JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg: string }).sign(privateKey);
      await refused(forged, /signature does not verify/);
    });

    it('expired: a real token of the provider, past its expiry and the 1 s leeway', async () => {
      const token = await federation.provider.accessToken('short-lived', { scope: 'cohort:read cases:read' });
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await refused(token, /has expired/);
    });

    it('wrong audience: a real token for another resource server', async () => {
      await refused(await federation.provider.accessToken('researcher', { scope: 'cohort:read cases:read', resource: 'https://other.eucaim.test' }), /not meant for this gateway \(audience\)/);
    });

    it('wrong issuer: a real token of another OpenID provider', async () => {
      const other = await startOpenIdProvider(AUDIENCE, [PACS]);
      try {
        await refused(await other.accessToken('researcher', { scope: 'cohort:read cases:read' }), /issuer is not one this gateway trusts/);
      } finally {
        await other.close();
      }
    });

    it('alg none: a real token\'s claims, unsigned', async () => {
      const [, payload] = await parts();
      await refused(`${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`, /alg none/);
    });

    it('algorithm confusion: HS256 with the issuer\'s RSA public key (from its JWKS) as the secret', async () => {
      const [header, payload] = await parts();
      const jwks = (await (await fetch(`${federation.provider.issuer}/jwks`)).json()) as { keys: JWK[] };
      const pem = createPublicKey({ key: jwks.keys[0] as JsonWebKey, format: 'jwk' }).export({ format: 'pem', type: 'spki' });
      const confusedHeader = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(header, 'base64url').toString()), alg: 'HS256' })).toString('base64url');
      const signature = createHmac('sha256', pem).update(`${confusedHeader}.${payload}`).digest('base64url');
      await refused(`${confusedHeader}.${payload}.${signature}`, /algorithm HS256 is not accepted/);
    });

    it('not a JWT at all', async () => {
      await refused('not-a-jwt', /not a well-formed JWT/);
    });
  });

  describe('a remote repository subgraph called directly, not through the gateway', () => {
    const entityQuery = `query { _entities(representations: [{__typename: "${repositoryTypeName(REMOTE)}", id: "${REMOTE}"}]) {
      ... on ${repositoryTypeName(REMOTE)} { cohort { subjects } cases(first: 2) { nodes { id } } } } }`;
    const grant = async (key: JWK, audience: string, collections: string[] = ['*']) => new SignJWT({ collections })
      .setProtectedHeader({ alg: 'ES256', kid: await gatewayKid() })
      .setIssuer('eucaim-gateway').setAudience(audience).setSubject('attacker').setIssuedAt().setExpirationTime('1m')
      .sign(await importJWK(key, 'ES256'));
    const gatewayKid = async () => ((await (await fetch(`${federation.gateway.origin}/.well-known/jwks.json`)).json()) as { keys: JWK[] }).keys[0].kid!;

    it('the gateway publishes its public key only', async () => {
      const jwks = (await (await fetch(`${federation.gateway.origin}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
      expect(jwks.keys).toHaveLength(1);
      expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
      expect(jwks.keys[0].d).toBeUndefined();
    });

    it('without a grant: counts, and UNAUTHENTICATED for records', async () => {
      const answer = await post(federation.remote.url, { query: entityQuery });
      expect(answer.status).toBe(200);
      expect(codesByRepository(answer)).toEqual({ [REMOTE]: 'UNAUTHENTICATED' });
      expect(((answer.body.data?._entities as Array<{ cohort: { subjects: number } }>)[0]).cohort.subjects).toBe(40);
    });

    it('with a forged grant (another key under the gateway\'s kid): 401, nothing answered', async () => {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      const answer = await post(federation.remote.url, { query: entityQuery }, { 'x-eucaim-grant': await grant(await exportJWK(privateKey), REMOTE) });
      expect(answer.status).toBe(401);
      expect(answer.body.data).toBeUndefined();
      expect(errorsOf(answer)[0]).toMatchObject({ message: expect.stringMatching(/not signed by the gateway/), extensions: { code: 'UNAUTHENTICATED' } });
    });

    it('with a gateway grant for another repository: 401', async () => {
      const answer = await post(federation.remote.url, { query: entityQuery }, { 'x-eucaim-grant': await grant(federation.gatewayKey, PACS) });
      expect(answer.status).toBe(401);
      expect(errorsOf(answer)[0].message).toMatch(/not for repository "t-remote"/);
    });

    it('with a grant signed by the gateway\'s key for it: records', async () => {
      const answer = await post(federation.remote.url, { query: entityQuery }, { 'x-eucaim-grant': await grant(federation.gatewayKey, REMOTE) });
      expect(answer.body.errors).toBeUndefined();
      expect(((answer.body.data?._entities as Array<{ cases: { nodes: unknown[] } }>)[0]).cases.nodes).toHaveLength(2);
    });
  });
});
