/**
 * Who may see what follows the config file: a gateway started from a config whose `auth` section trusts one real
 * OpenID provider is switched, by rewriting the file, to trust another; a section that does not validate is refused
 * whole; requests already running keep the caller they started with; the demo issuer of npm start gives way to an
 * `auth` section and comes back when it is removed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFederationConfig } from '../../config/federation-config';
import { startDemoSimulators, type RunningDemo } from '../../demo/simulators';
import { startGateway, type RunningGateway } from '../../gateway/server';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { startOpenIdProvider, type TestOpenIdProvider } from '../support/oidc-provider';
import { AUDIENCE, post, type AuthAnswer } from './support';

const PACS = 'r-pacs';
const REPOSITORIES = [{
  id: PACS, name: 'Reload PACS', country: 'DE', institution: 'Test', apiKind: 'dicomweb', endpoint: 'simulator', timeoutMs: 5000,
  simulate: { seed: 11, cases: 30, subjectPrefix: 'RP' }, collections: [{ id: 'LUNG', name: 'Lung', cancerSite: 'LUNG' }],
}];
const RECORDS = `{ repository(id: "${PACS}") { cases(first: 2) { nodes { id } } } }`;
const trusting = (...issuers: string[]) => ({
  anonymous: 'counts',
  issuers: issuers.map((issuer) => ({ issuer, audiences: [AUDIENCE], recordScope: 'cases:read', algorithms: ['RS256'] })),
});

const until = async (condition: () => Promise<boolean>, what: string) => {
  for (const started = Date.now(); Date.now() - started < 10_000;) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not reached within 10 s: ${what}`);
};
const released = (answer: AuthAnswer) => answer.status === 200 && answer.body.errors === undefined
  && ((answer.body.data?.repository as { cases: { nodes: unknown[] } } | null)?.cases.nodes.length ?? 0) > 0;

describe('a config reload changes who may see what', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'auth-reload-')), 'federation.json');
  let issuerA: TestOpenIdProvider;
  let issuerB: TestOpenIdProvider;
  let demo: RunningDemo;
  let gateway: RunningGateway;
  const logged: string[] = [];
  const ask = (token: string, query = RECORDS) => post(gateway.url, { query }, { authorization: `Bearer ${token}` });
  const tokenOf = (issuer: TestOpenIdProvider) => issuer.accessToken('researcher', { scope: 'cohort:read cases:read' });

  beforeAll(async () => {
    [issuerA, issuerB] = await Promise.all([startOpenIdProvider(AUDIENCE, [PACS]), startOpenIdProvider(AUDIENCE, [PACS])]);
    writeFileSync(path, JSON.stringify({ repositories: REPOSITORIES, auth: trusting(issuerA.issuer) }));
    demo = await startDemoSimulators(loadFederationConfig(path, ADAPTER_KINDS));
    jest.spyOn(console, 'log').mockImplementation((line: string) => void logged.push(String(line)));
    gateway = await startGateway({
      config: demo.config, kinds: ADAPTER_KINDS, port: 0, watchConfigPath: path, prepareConfig: demo.prepare,
      auditLog: { write: () => undefined }, rateLimit: { perMinute: 0 },
    });
  }, 60_000);

  afterAll(async () => {
    jest.restoreAllMocks();
    await gateway?.close();
    await demo?.close();
    await Promise.all([issuerA?.close(), issuerB?.close()]);
  });

  it('starts trusting issuer A only', async () => {
    expect(released(await ask(await tokenOf(issuerA)))).toBe(true);
    expect((await ask(await tokenOf(issuerB))).status).toBe(401);
    expect(gateway.auth.heldIssuers()).toEqual([issuerA.issuer]);
  });

  it('refuses a config whose auth section does not validate, whole, and keeps trusting A', async () => {
    const generation = gateway.host.generation;
    logged.length = 0;
    writeFileSync(path, JSON.stringify({
      repositories: REPOSITORIES,
      auth: { anonymous: 'sometimes', issuers: [{ issuer: issuerB.issuer, audiences: [], algorithms: ['HS256'] }] },
    }));
    await until(async () => logged.some((line) => line.startsWith('config change refused')), 'the refusal is logged');
    const refusal = logged.find((line) => line.startsWith('config change refused'))!;
    expect(refusal).toContain(`still serving generation ${generation}`);
    expect(refusal).toMatch(/auth\.anonymous: must be "counts" or "none"/);
    expect(refusal).toMatch(/auth\.issuers\[0\]\.audiences: must be a non-empty list/);
    expect(refusal).toMatch(/auth\.issuers\[0\]\.algorithms: must list asymmetric algorithms only/);
    expect(gateway.host.generation).toBe(generation);
    expect(released(await ask(await tokenOf(issuerA)))).toBe(true);
    expect((await ask(await tokenOf(issuerB))).status).toBe(401);
  });

  it('switches to issuer B: A\'s tokens get 401, B\'s read records, a request already running keeps its caller', async () => {
    const tokenA = await tokenOf(issuerA);
    // A slow repository keeps a request of A's in flight across the reload.
    demo.simulators.get(PACS)!.faults.latencyMs = 1_500;
    let settled = false;
    const inFlight = ask(tokenA, `{ repository(id: "${PACS}") { cases(first: 3) { nodes { id studies { uid } } } } }`).finally(() => { settled = true; });
    await new Promise((resolve) => setTimeout(resolve, 100));
    logged.length = 0;
    writeFileSync(path, JSON.stringify({ repositories: REPOSITORIES, auth: trusting(issuerB.issuer) }));
    await until(async () => logged.some((line) => line.startsWith('config reloaded')), 'the reload');
    expect(settled).toBe(false);
    demo.simulators.get(PACS)!.faults.latencyMs = 0;
    expect(logged).toContain(`auth: now trusting issuers ${issuerB.issuer}, anonymous callers: counts`);

    const refused = await ask(tokenA);
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/issuer is not one this gateway trusts/), extensions: { code: 'UNAUTHENTICATED' } });
    expect(released(await ask(await tokenOf(issuerB)))).toBe(true);
    // A's keys are dropped with it; B's were discovered at the reload.
    expect(gateway.auth.heldIssuers()).toEqual([issuerB.issuer]);

    const started = await inFlight;
    expect(started.status).toBe(200);
    expect(started.body.errors).toBeUndefined();
    expect((started.body.data?.repository as { cases: { nodes: unknown[] } }).cases.nodes).toHaveLength(3);
  });

  it('anonymous "none" in a reload refuses callers without a token from then on', async () => {
    const counts = `{ repository(id: "${PACS}") { cohort { subjects } } }`;
    expect((await post(gateway.url, { query: counts })).status).toBe(200);
    const generation = gateway.host.generation;
    writeFileSync(path, JSON.stringify({ repositories: REPOSITORIES, auth: { ...trusting(issuerB.issuer), anonymous: 'none' } }));
    await until(async () => gateway.host.generation > generation, 'the reload');
    const anonymous = await post(gateway.url, { query: counts });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors?.[0].message).toMatch(/only callers with a bearer token/);
    expect((await ask(await tokenOf(issuerB), counts)).status).toBe(200);
  });
});

describe('the demo issuer of npm start and a reloaded auth section', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'auth-demo-reload-')), 'federation.json');
  let issuer: TestOpenIdProvider;
  let demo: RunningDemo;
  let gateway: RunningGateway;
  const ask = (token: string) => post(gateway.url, { query: RECORDS }, { authorization: `Bearer ${token}` });
  const reloaded = async (config: object) => {
    const generation = gateway.host.generation;
    writeFileSync(path, JSON.stringify(config));
    await until(async () => gateway.host.generation > generation, 'the reload');
  };

  beforeAll(async () => {
    issuer = await startOpenIdProvider(AUDIENCE, [PACS]);
    writeFileSync(path, JSON.stringify({ repositories: REPOSITORIES }));
    demo = await startDemoSimulators(loadFederationConfig(path, ADAPTER_KINDS));
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    gateway = await startGateway({
      config: demo.config, kinds: ADAPTER_KINDS, port: 0, watchConfigPath: path, prepareConfig: demo.prepare,
      auditLog: { write: () => undefined }, rateLimit: { perMinute: 0 }, demoIssuer: true,
    });
  }, 60_000);

  afterAll(async () => {
    jest.restoreAllMocks();
    await gateway?.close();
    await demo?.close();
    await issuer?.close();
  });

  it('an added auth section replaces the demo issuer; removing it again brings the demo issuer back', async () => {
    const demoToken = gateway.demoToken!;
    expect(released(await ask(demoToken))).toBe(true);

    await reloaded({ repositories: REPOSITORIES, auth: trusting(issuer.issuer) });
    expect((await ask(demoToken)).status).toBe(401);
    expect(released(await ask(await issuer.accessToken('researcher', { scope: 'cohort:read cases:read' })))).toBe(true);
    expect(gateway.auth.demoInForce).toBe(false);
    // Its discovery document is gone with it.
    expect((await fetch(`${gateway.origin}/demo/issuer/.well-known/openid-configuration`)).status).toBe(404);

    await reloaded({ repositories: REPOSITORIES });
    expect(gateway.auth.demoInForce).toBe(true);
    expect(released(await ask(demoToken))).toBe(true);
  });
});

describe('a gateway that authenticates nobody without an auth section (development)', () => {
  let issuer: TestOpenIdProvider;
  let demo: RunningDemo;
  let gateway: RunningGateway;

  beforeAll(async () => {
    issuer = await startOpenIdProvider(AUDIENCE, [PACS]);
    const path = join(mkdtempSync(join(tmpdir(), 'auth-dev-reload-')), 'federation.json');
    writeFileSync(path, JSON.stringify({ repositories: REPOSITORIES, auth: trusting(issuer.issuer) }));
    demo = await startDemoSimulators(loadFederationConfig(path, ADAPTER_KINDS));
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    gateway = await startGateway({ config: demo.config, kinds: ADAPTER_KINDS, port: 0, prepareConfig: demo.prepare, auditLog: { write: () => undefined }, rateLimit: { perMinute: 0 } });
  }, 60_000);

  afterAll(async () => {
    jest.restoreAllMocks();
    await gateway?.close();
    await demo?.close();
    await issuer?.close();
  });

  it('refuses a reload that removes the auth section: a config edit never opens every record', async () => {
    const generation = gateway.host.generation;
    const { auth: _auth, ...withoutAuth } = gateway.federation.config;
    void _auth;
    const outcome = await gateway.host.reload(withoutAuth);
    expect(outcome).toEqual({ ok: false, generation, problems: [expect.stringMatching(/^auth: a reload cannot remove the "auth" section/)] });
    const anonymous = await post(gateway.url, { query: RECORDS });
    expect(anonymous.body.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', repositoryId: PACS });
  });
});
