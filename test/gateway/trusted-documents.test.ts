/**
 * The allow-list of operations (trusted documents) as a production portal and an outsider meet it over HTTP: listed
 * operations answer by APQ hash, by GraphQL-over-HTTP `documentId` and by their full text; anything else is refused
 * before any repository is asked; the Europe-wide cohort's inner operations (the gateway's own) keep working; a
 * manifest whose id is not its document's sha256 stops the gateway at start, naming the entry.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { ConfigError, parseFederationConfig, trustedDocumentsWithEnv } from '../../config/federation-config';
import { startGateway } from '../../gateway/server';
import { documentHash, parseTrustedDocumentsManifest } from '../../gateway/plugins/limits/trusted-documents';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { startTestFederation, testConfig, type GraphQLAnswer, type TestFederation } from '../support/federation';

const IDS = ['td-de', 'td-es'];
const REPOSITORIES = IDS.map((id, i) => ({ id, country: ['DE', 'ES'][i], apiKind: ['dicomweb', 'eucaim-mediator'][i] }));

// The portal's operations, as its build tool wrote them.
const PER_REPOSITORY = 'query PortalCounts { repositories { id cohort { subjects } } }';
const EUROPE_WIDE = 'query PortalEurope { cohort { total { subjects } } }';
const UNLISTED = '{ repositories { id cohort { subjects studies } } }';

const apolloManifest = (operations: Array<{ name: string; body: string; id?: string }>) => ({
  format: 'apollo-persisted-query-manifest',
  version: 1,
  operations: operations.map(({ name, body, id }) => ({ id: id ?? documentHash(body), name, type: 'query', body })),
});

async function post(url: string, body: Record<string, unknown>): Promise<GraphQLAnswer & { cacheControl?: string }> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify(body),
  });
  const cacheControl = response.headers['cache-control'];
  return { status: response.statusCode, body: (await response.body.json()) as GraphQLAnswer['body'], cacheControl: typeof cacheControl === 'string' ? cacheControl : undefined };
}

let folder: string;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'trusted-documents-'));
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

function writeManifest(name: string, json: unknown): string {
  const path = join(folder, name);
  writeFileSync(path, JSON.stringify(json));
  return path;
}

function nativeRequests(federation: TestFederation): number {
  return IDS.reduce((sum, id) => sum + federation.simulator(id).requests.total, 0);
}

function subjectsPerRepository(answer: GraphQLAnswer): Record<string, unknown> {
  expect(answer.body.errors).toBeUndefined();
  const repositories = (answer.body.data?.repositories ?? []) as Array<{ id: string; cohort: { subjects: number } | null }>;
  return Object.fromEntries(repositories.filter((r) => IDS.includes(r.id)).map((r) => [r.id, r.cohort?.subjects]));
}

describe('trusted documents, enforced', () => {
  let federation: TestFederation;
  let expected: Record<string, unknown>;

  beforeAll(async () => {
    // The Apollo manifest format here; the plain map of graphql-codegen's client preset in the migration test below.
    const file = writeManifest('portal-operations.json', apolloManifest([{ name: 'PortalCounts', body: PER_REPOSITORY }, { name: 'PortalEurope', body: EUROPE_WIDE }]));
    federation = await startTestFederation(REPOSITORIES, { env: { TRUSTED_DOCUMENTS_FILE: file, TRUSTED_DOCUMENTS_ENFORCE: 'true' } });
    // What each repository holds, asked in full text (a listed operation).
    expected = subjectsPerRepository(await federation.query(PER_REPOSITORY));
    expect(Object.keys(expected).sort()).toEqual([...IDS].sort());
    for (const count of Object.values(expected)) expect(count).toBeGreaterThan(0);
  }, 60_000);

  afterAll(async () => {
    await federation?.close();
  });

  beforeEach(() => IDS.forEach((id) => federation.simulator(id).resetCounts()));

  it('answers a listed operation by its APQ hash, without its text', async () => {
    const answer = await post(federation.url, { extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(PER_REPOSITORY) } } });
    expect(answer.status).toBe(200);
    expect(subjectsPerRepository(answer)).toEqual(expected);
  });

  it('answers a listed operation by its GraphQL-over-HTTP documentId, bare or prefixed', async () => {
    for (const documentId of [documentHash(PER_REPOSITORY), `sha256:${documentHash(PER_REPOSITORY)}`]) {
      const answer = await post(federation.url, { documentId });
      expect(answer.status).toBe(200);
      expect(subjectsPerRepository(answer)).toEqual(expected);
    }
  });

  it('answers a listed operation sent in full text', async () => {
    expect(subjectsPerRepository(await federation.query(PER_REPOSITORY))).toEqual(expected);
    expect(nativeRequests(federation)).toBeGreaterThan(0);
  });

  it('refuses an unlisted operation before any repository is asked, naming nothing of it', async () => {
    const answer = await post(federation.url, { query: UNLISTED, operationName: null });
    expect(answer.status).toBe(400);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors?.[0].extensions?.code).toBe('OPERATION_NOT_TRUSTED');
    expect(answer.body.errors?.[0].message).not.toMatch(/studies|repositories/);
    expect(answer.cacheControl).toContain('no-cache');
    expect(nativeRequests(federation)).toBe(0);
  });

  it('refuses an unlisted operation even when it comes with its own APQ hash (registration)', async () => {
    const answer = await post(federation.url, { query: UNLISTED, extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(UNLISTED) } } });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0].extensions?.code).toBe('OPERATION_NOT_TRUSTED');
    // Not registered either: asked again by hash alone, it is still unknown.
    const again = await post(federation.url, { extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(UNLISTED) } } });
    expect(again.body.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(nativeRequests(federation)).toBe(0);
  });

  it('refuses unknown ids with PERSISTED_QUERY_NOT_FOUND, and a request naming no operation at all', async () => {
    const unknown = documentHash('{ cases(first: 3) { nodes { subjectId } } }');
    for (const body of [{ extensions: { persistedQuery: { version: 1, sha256Hash: unknown } } }, { documentId: `sha256:${unknown}` }]) {
      const answer = await post(federation.url, body);
      expect(answer.status).toBe(400);
      expect(answer.body.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    }
    const nothing = await post(federation.url, { variables: {} });
    expect(nothing.status).toBe(400);
    expect(nothing.body.errors?.[0].extensions?.code).toBe('OPERATION_NOT_TRUSTED');
    expect(nativeRequests(federation)).toBe(0);
  });

  it('answers the listed Europe-wide cohort: its inner operations are the gateway\'s own, not held to the list', async () => {
    const answer = await post(federation.url, { documentId: documentHash(EUROPE_WIDE) });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    const total = (answer.body.data?.cohort as { total: { subjects: number } }).total.subjects;
    const sum = Object.values(expected).reduce((a: number, b) => a + (b as number), 0);
    expect(total).toBe(sum);
  });
});

describe('trusted documents, not enforced (migration)', () => {
  let federation: TestFederation;
  const lines: string[] = [];
  let warn: jest.SpyInstance;

  beforeAll(async () => {
    // graphql-codegen's client preset format: { "<sha256>": "<document>" }.
    const file = writeManifest('persisted-documents.json', { [documentHash(PER_REPOSITORY)]: PER_REPOSITORY });
    warn = jest.spyOn(console, 'warn').mockImplementation((line: unknown) => void lines.push(String(line)));
    federation = await startTestFederation(REPOSITORIES, { env: { TRUSTED_DOCUMENTS_FILE: file, TRUSTED_DOCUMENTS_ENFORCE: 'false' } });
  }, 60_000);

  afterAll(async () => {
    warn?.mockRestore();
    await federation?.close();
  });

  it('serves listed ids and passes unlisted operations, logging each untrusted one once by its hash alone', async () => {
    const byId = await post(federation.url, { documentId: documentHash(PER_REPOSITORY) });
    expect(byId.status).toBe(200);
    const expected = subjectsPerRepository(byId);
    const unlisted = 'query SecretPortalName { repositories { id cohort { subjects } } }';
    expect(subjectsPerRepository(await federation.query(unlisted))).toEqual(expected);
    await federation.query(unlisted);
    const logged = lines.filter((line) => line.includes('trusted documents'));
    expect(logged).toEqual([`gateway: trusted documents: untrusted operation sha256:${documentHash(unlisted)} was served (enforce is off)`]);
    expect(logged.join('\n')).not.toContain('SecretPortalName');
  });

  it('still refuses a documentId it does not know (nothing else could answer it)', async () => {
    const answer = await post(federation.url, { documentId: documentHash('{ nothing }') });
    expect(answer.body.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});

describe('the trusted documents manifest and config', () => {
  it('refuses at start a manifest whose id is not its document\'s sha256, naming the entry', async () => {
    const file = writeManifest('tampered.json', apolloManifest([
      { name: 'PortalCounts', body: PER_REPOSITORY },
      { name: 'Tampered', body: UNLISTED, id: documentHash(PER_REPOSITORY) },
    ]));
    const config = { ...testConfig([]), trustedDocuments: { file, enforce: true } };
    await expect(startGateway({ config, kinds: ADAPTER_KINDS, port: 0, env: {} })).rejects.toThrow(
      `invalid trusted documents manifest ${file}:\n  - operations[1] ("Tampered"): the id is not the sha256 of its document (the document's sha256 is ${documentHash(UNLISTED)}`,
    );
  });

  it('names every wrong entry of a plain map and of an Apollo manifest', () => {
    expect(() => parseTrustedDocumentsManifest({ abc: PER_REPOSITORY, [documentHash('{ a }')]: 42 }, 'm.json')).toThrow(
      'invalid trusted documents manifest m.json:\n'
      + '  - "abc": the id must be the sha256 of the document in lower-case hex (64 characters)\n'
      + `  - "${documentHash('{ a }')}": the document must be a non-empty string`,
    );
    expect(() => parseTrustedDocumentsManifest({ format: 'apollo-persisted-query-manifest', version: 2, operations: [] }, 'm.json'))
      .toThrow('version: 2 is not supported; the gateway reads version 1');
    expect(() => parseTrustedDocumentsManifest({}, 'm.json')).toThrow('lists no operation');
  });

  it('parses the config section (file relative to the config file, enforced unless it says not) and the env overrides', () => {
    const config = parseFederationConfig({ repositories: [], trustedDocuments: { file: 'ops/portal.json' } }, '/etc/eucaim/federation.json', ADAPTER_KINDS);
    expect(config.trustedDocuments).toEqual({ file: '/etc/eucaim/ops/portal.json', enforce: true });
    expect(trustedDocumentsWithEnv(config.trustedDocuments, { TRUSTED_DOCUMENTS_ENFORCE: 'false' })).toEqual({ file: '/etc/eucaim/ops/portal.json', enforce: false });
    expect(trustedDocumentsWithEnv(undefined, { TRUSTED_DOCUMENTS_FILE: '/srv/ops.json' })).toEqual({ file: '/srv/ops.json', enforce: true });
    expect(trustedDocumentsWithEnv(undefined, {})).toBeUndefined();
    expect(() => trustedDocumentsWithEnv(undefined, { TRUSTED_DOCUMENTS_ENFORCE: 'true' })).toThrow('needs a manifest');
    expect(() => trustedDocumentsWithEnv(config.trustedDocuments, { TRUSTED_DOCUMENTS_ENFORCE: 'yes' })).toThrow('TRUSTED_DOCUMENTS_ENFORCE: "yes" must be true or false');
    const problems = (() => {
      try {
        parseFederationConfig({ repositories: [], trustedDocuments: { path: 'x.json', enforce: 'yes' } }, 'f.json', ADAPTER_KINDS);
        return [];
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
    })();
    expect(problems).toEqual([
      'trustedDocuments.path: unknown field; the section has "file" and "enforce"',
      'trustedDocuments.enforce: must be true or false',
      'trustedDocuments.file: missing (the path of the operations manifest)',
    ]);
  });
});
