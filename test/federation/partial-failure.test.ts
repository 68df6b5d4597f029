import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestFederation, type TestFederation } from '../support/federation';

const COHORT = '{ repositories { id cohort(where: {modalities: [CT, MR]}) { subjects } } }';

describe('one failing repository never takes down the others', () => {
  let federation: TestFederation;

  beforeAll(async () => {
    federation = await startTestFederation([
      { id: 'de-a', country: 'DE', apiKind: 'dicomweb', timeoutMs: 800 },
      { id: 'pt-b', country: 'PT', apiKind: 'nbia', timeoutMs: 800 },
      { id: 'es-c', country: 'ES', apiKind: 'eucaim-mediator', timeoutMs: 800 },
      { id: 'fr-d', country: 'FR', apiKind: 'nbia', timeoutMs: 800 },
    ]);
    // Harvest the indexes once, unhurried: the tight timeouts below are about answering, not harvesting.
    await federation.query(COHORT);
  });

  afterAll(async () => {
    await federation?.close();
  });

  afterEach(() => {
    for (const id of ['de-a', 'pt-b', 'es-c', 'fr-d']) {
      const faults = federation.simulator(id).faults;
      for (const key of Object.keys(faults) as (keyof typeof faults)[]) delete faults[key];
    }
  });

  it('answers every repository when all are up', async () => {
    const { status, body } = await federation.query(COHORT);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const repositories = body.data?.repositories as Array<{ id: string; cohort: { subjects: number } }>;
    expect(repositories.map((r) => r.id)).toEqual(['de-a', 'pt-b', 'es-c', 'fr-d']);
    for (const r of repositories) expect(r.cohort.subjects).toBeGreaterThan(0);
  });

  it.each([
    ['an HTTP 503 error page', { httpStatus: 503 }, 'REPOSITORY_HTTP_ERROR'],
    ['truncated JSON', { malformed: true }, 'REPOSITORY_BAD_RESPONSE'],
    ['no answer at all', { hang: true }, 'REPOSITORY_TIMEOUT'],
  ])('keeps partial data when the third repository sends %s', async (_label, faults, code) => {
    Object.assign(federation.simulator('es-c').faults, faults);
    const { status, body } = await federation.query(COHORT);
    expect(status).toBe(200);
    const repositories = body.data?.repositories as Array<{ id: string; cohort: { subjects: number } | null }>;
    expect(repositories.map((r) => [r.id, r.cohort === null])).toEqual([['de-a', false], ['pt-b', false], ['es-c', true], ['fr-d', false]]);
    expect(body.errors).toHaveLength(1);
    const [error] = body.errors ?? [];
    expect(error.path).toEqual(['repositories', 2, 'cohort']);
    expect(error.extensions).toMatchObject({ code, repositoryId: 'es-c' });
    expect(error.message).toContain('repository "es-c"');
  });

  it('sends no request to a repository the catalog filtered out', async () => {
    for (const id of ['de-a', 'pt-b', 'es-c', 'fr-d']) federation.simulator(id).resetCounts();
    const { body } = await federation.query('{ repositories(where: {countries: ["ES"]}) { id cohort { subjects } } }');
    expect((body.data?.repositories as unknown[]).length).toBe(1);
    expect(federation.simulator('es-c').requests.total).toBeGreaterThan(0);
    for (const id of ['de-a', 'pt-b', 'fr-d']) expect(federation.simulator(id).requests.total).toBe(0);
  });

  it('names an unknown repository id', async () => {
    const { body } = await federation.query('{ repository(id: "xx-nowhere") { id } repositories { id } }');
    expect(body.data?.repository).toBeNull();
    expect((body.data?.repositories as unknown[]).length).toBe(4);
    expect(body.errors?.[0]).toMatchObject({ path: ['repository'], extensions: { code: 'REPOSITORY_NOT_FOUND' } });
    expect(body.errors?.[0].message).toContain('"xx-nowhere"');
  });

  it('rejects a malformed filter in every repository, naming the filter', async () => {
    const { body } = await federation.query('{ repositories { id cohort(where: {ageAtDiagnosis: {min: 90, max: 10}}) { subjects } } }');
    expect(body.errors).toHaveLength(4);
    for (const error of body.errors ?? []) {
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'where.ageAtDiagnosis' });
      expect(error.message).toMatch(/repository "[a-z-]+": filter where.ageAtDiagnosis has min 90 greater than max 10/);
    }
  });

  it('rejects a value outside the Modality enum before asking anyone', async () => {
    for (const id of ['de-a', 'pt-b']) federation.simulator(id).resetCounts();
    const { status, body } = await federation.query('{ repositories { cohort(where: {modalities: [XRAY]}) { subjects } } }');
    expect(status).toBe(400);
    expect(body.errors?.[0].message).toMatch(/"XRAY".*Modality/);
    expect(federation.simulator('de-a').requests.total + federation.simulator('pt-b').requests.total).toBe(0);
  });

  it('rejects a cursor that this repository did not issue', async () => {
    const { body } = await federation.query('{ repository(id: "de-a") { cases(first: 2, after: "bm90LWEtY3Vyc29y") { totalCount } } }');
    expect(body.errors?.[0]).toMatchObject({ path: ['repository', 'cases'], extensions: { code: 'BAD_CURSOR', repositoryId: 'de-a', argument: 'after' } });
  });

  it('says that a count-only repository lists no cases', async () => {
    const { body } = await federation.query('{ repository(id: "es-c") { cases { totalCount } cohort { subjects } } }');
    expect((body.data?.repository as { cohort: { subjects: number } }).cohort.subjects).toBeGreaterThan(0);
    expect(body.errors?.[0]).toMatchObject({ path: ['repository', 'cases'], extensions: { code: 'REPOSITORY_NOT_SUPPORTED', repositoryId: 'es-c' } });
  });
});

describe('two failing repositories', () => {
  let federation: TestFederation;

  beforeAll(async () => {
    federation = await startTestFederation([
      { id: 'de-a', country: 'DE', apiKind: 'dicomweb' },
      { id: 'pt-b', country: 'PT', apiKind: 'nbia' },
      { id: 'es-c', country: 'ES', apiKind: 'eucaim-mediator' },
      { id: 'fr-d', country: 'FR', apiKind: 'nbia' },
    ]);
  });

  afterAll(async () => {
    await federation?.close();
  });

  it('places each error on its own repository (the gateway alone would put both on repositories.0)', async () => {
    federation.simulator('pt-b').faults.httpStatus = 500;
    federation.simulator('fr-d').faults.httpStatus = 502;
    const { body } = await federation.query(COHORT);
    const byPath = Object.fromEntries((body.errors ?? []).map((e) => [JSON.stringify(e.path), e.extensions?.repositoryId]));
    expect(byPath).toEqual({ '["repositories",1,"cohort"]': 'pt-b', '["repositories",3,"cohort"]': 'fr-d' });
    const repositories = body.data?.repositories as Array<{ cohort: unknown }>;
    expect(repositories.map((r) => r.cohort === null)).toEqual([false, true, false, true]);
  });
});

describe('a standalone repository subgraph that is down', () => {
  let federation: TestFederation;
  let silent: Server;

  beforeAll(async () => {
    // Accepts connections and never answers: the gateway must time out on its own.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    federation = await startTestFederation([
      { id: 'de-a', country: 'DE', apiKind: 'dicomweb' },
      { id: 'nl-remote', country: 'NL', apiKind: 'nbia', subgraph: `http://127.0.0.1:${port}/graphql`, timeoutMs: 500 },
      { id: 'be-gone', country: 'BE', apiKind: 'nbia', subgraph: 'http://127.0.0.1:9/graphql' },
    ]);
  });

  afterAll(async () => {
    await federation?.close();
    silent?.closeAllConnections();
    await new Promise((resolve) => silent?.close(resolve));
  });

  it('starts anyway and reports each remote failure on its repository, with a code', async () => {
    const { status, body } = await federation.query('{ repositories { id name cohort { subjects } } }');
    expect(status).toBe(200);
    const repositories = body.data?.repositories as Array<{ id: string; name: string; cohort: { subjects: number } | null }>;
    expect(repositories.map((r) => r.cohort === null)).toEqual([false, true, true]);
    expect(repositories[1].name).toBe('Test nl-remote');
    const errors = Object.fromEntries((body.errors ?? []).map((e) => [e.extensions?.repositoryId, { path: e.path, code: e.extensions?.code }]));
    expect(errors).toEqual({
      'nl-remote': { path: ['repositories', 1, 'cohort'], code: 'REPOSITORY_TIMEOUT' },
      'be-gone': { path: ['repositories', 2, 'cohort'], code: 'REPOSITORY_UNAVAILABLE' },
    });
  });
});
