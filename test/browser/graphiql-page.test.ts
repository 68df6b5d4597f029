/**
 * The GraphiQL handler's routing decisions, over real HTTP: it must take browser page loads and its own assets,
 * and leave every GraphQL request (and everything else) to Apollo untouched. Plus the page's escaping and the
 * examples' validity against the unified schema, which the browser test cannot pin down precisely.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  buildASTSchema,
  Kind,
  parse,
  validate,
  type DefinitionNode,
  type DocumentNode,
  type OperationDefinitionNode,
} from 'graphql';
import {
  createGraphiqlHandler,
  EXAMPLE_OPERATIONS,
  GRAPHIQL_ASSETS_PATH,
  GRAPHIQL_PAGE_CSP,
  renderGraphiqlPage,
} from '../../gateway/plugins/graphiql';

// What Chromium sends when the user types the URL into the address bar.
const BROWSER_ACCEPT =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

let server: Server;
let port: number;

beforeAll(async () => {
  const graphiql = createGraphiqlHandler();
  // Stands in for Apollo: marks what the handler passed on, and echoes the body to prove it was not consumed.
  server = createServer((req, res) => {
    if (graphiql(req, res)) return;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.writeHead(299, { 'Content-Type': 'application/json', 'X-Passed-On': 'yes' });
      res.end(JSON.stringify({ method: req.method, url: req.url, body: Buffer.concat(chunks).toString('utf8') }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

// node:http rather than fetch: fetch normalises "../" away, and the traversal tests need the raw path on the wire.
function send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const passedOn = (reply: Reply): boolean => reply.headers['x-passed-on'] === 'yes';

describe('the endpoint URL', () => {
  test('a browser GET gets the GraphiQL page', async () => {
    const reply = await send('GET', '/graphql', { Accept: BROWSER_ACCEPT });
    expect(passedOn(reply)).toBe(false);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    // The same URL serves JSON to API clients: a shared cache must not hand one the other.
    expect(reply.headers.vary).toBe('Accept');
    expect(reply.headers['content-security-policy']).toBe(GRAPHIQL_PAGE_CSP);
    const html = reply.body.toString('utf8');
    expect(html).toContain('GraphiQL.createFetcher({ url: config.endpoint })');
    expect(html).toContain(`${GRAPHIQL_ASSETS_PATH}/graphiql.min.js`);
  });

  test('a browser GET with a query string still gets the page (as with Apollo’s landing page)', async () => {
    const reply = await send('GET', '/graphql?query=%7B__typename%7D', { Accept: BROWSER_ACCEPT });
    expect(passedOn(reply)).toBe(false);
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  test('HEAD from a browser gets the page headers without a body', async () => {
    const reply = await send('HEAD', '/graphql', { Accept: BROWSER_ACCEPT });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(Number(reply.headers['content-length'])).toBeGreaterThan(1000);
    expect(reply.body.length).toBe(0);
  });

  test.each([
    ['application/json', 'application/json'],
    ['GraphQL over HTTP', 'application/graphql-response+json, application/json;q=0.9'],
    ['anything (curl)', '*/*'],
    ['a tie between HTML and JSON', 'text/html, application/json'],
    ['HTML ranked below JSON', 'application/json, text/html;q=0.5'],
    ['HTML refused', 'text/html;q=0, */*'],
  ])('a GET accepting %s is passed on to GraphQL', async (_label, accept) => {
    const reply = await send('GET', '/graphql?query=%7B__typename%7D', { Accept: accept });
    expect(passedOn(reply)).toBe(true);
  });

  test('a GET without an Accept header is passed on', async () => {
    const reply = await send('GET', '/graphql?query=%7B__typename%7D');
    expect(passedOn(reply)).toBe(true);
  });

  test('a POST is passed on with its body unread, whatever it accepts', async () => {
    const query = JSON.stringify({ query: '{ __typename }' });
    for (const accept of ['application/json', BROWSER_ACCEPT]) {
      const reply = await send('POST', '/graphql', { Accept: accept, 'Content-Type': 'application/json' }, query);
      expect(passedOn(reply)).toBe(true);
      expect(JSON.parse(reply.body.toString('utf8'))).toEqual({ method: 'POST', url: '/graphql', body: query });
    }
  });

  test('other paths are passed on, even from a browser', async () => {
    for (const path of ['/', '/graphql/', '/graphqlx', '/health', '/graphiql-assets']) {
      expect(passedOn(await send('GET', path, { Accept: BROWSER_ACCEPT }))).toBe(true);
    }
  });

  test('a custom endpoint path is honoured', async () => {
    const handler = createGraphiqlHandler({ endpoint: '/api/graphql', title: 'Custom' });
    const custom = createServer((req, res) => {
      if (!handler(req, res)) res.writeHead(299).end();
    });
    await new Promise<void>((resolve) => custom.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(custom.address() as AddressInfo).port}`;
      const page = await fetch(`${base}/api/graphql`, { headers: { Accept: BROWSER_ACCEPT } });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<title>Custom</title>');
      expect(html).toContain('"endpoint":"/api/graphql"');
      expect((await fetch(`${base}/graphql`, { headers: { Accept: BROWSER_ACCEPT } })).status).toBe(299);
    } finally {
      custom.closeAllConnections();
      await new Promise<void>((resolve) => custom.close(() => resolve()));
    }
  });

  test('an endpoint that is not a path is refused at startup', () => {
    expect(() => createGraphiqlHandler({ endpoint: 'http://elsewhere.example/graphql' })).toThrow(/must be a path/);
  });
});

describe('the assets', () => {
  // What the browser must receive: the files exactly as installed.
  const inPackage = (name: string, file: string): string => join(dirname(require.resolve(`${name}/package.json`)), file);
  const JS = 'text/javascript; charset=utf-8';
  const files: Array<[string, string, string]> = [
    ['react.production.min.js', JS, inPackage('react', 'umd/react.production.min.js')],
    ['react-dom.production.min.js', JS, inPackage('react-dom', 'umd/react-dom.production.min.js')],
    ['graphiql.min.js', JS, inPackage('graphiql', 'graphiql.min.js')],
    ['graphiql.min.css', 'text/css; charset=utf-8', inPackage('graphiql', 'graphiql.min.css')],
  ];

  test('the asset path carries the package versions', () => {
    const version = (name: string): string => (require(`${name}/package.json`) as { version: string }).version;
    expect(GRAPHIQL_ASSETS_PATH).toBe(`/graphiql-assets/${version('graphiql')}-${version('react')}-${version('react-dom')}`);
  });

  test.each(files)('%s is served as %s, cacheable forever', async (name, contentType, file) => {
    const reply = await send('GET', `${GRAPHIQL_ASSETS_PATH}/${name}`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe(contentType);
    expect(reply.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['content-encoding']).toBeUndefined();
    expect(reply.body.equals(readFileSync(file))).toBe(true);
  });

  test('gzip is used when the browser accepts it', async () => {
    const reply = await send('GET', `${GRAPHIQL_ASSETS_PATH}/graphiql.min.js`, { 'Accept-Encoding': 'gzip, br' });
    expect(reply.headers['content-encoding']).toBe('gzip');
    expect(reply.headers.vary).toBe('Accept-Encoding');
    expect(gunzipSync(reply.body).equals(readFileSync(inPackage('graphiql', 'graphiql.min.js')))).toBe(true);
  });

  test('HEAD answers headers only', async () => {
    const reply = await send('HEAD', `${GRAPHIQL_ASSETS_PATH}/graphiql.min.css`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(reply.body.length).toBe(0);
  });

  test.each([
    `${GRAPHIQL_ASSETS_PATH}/../package.json`,
    `${GRAPHIQL_ASSETS_PATH}/../../package.json`,
    `${GRAPHIQL_ASSETS_PATH}/..%2fpackage.json`,
    `${GRAPHIQL_ASSETS_PATH}/%2e%2e/%2e%2e/package.json`,
    `${GRAPHIQL_ASSETS_PATH}/graphiql.js`, // in the package, but not on the allow-list
    `${GRAPHIQL_ASSETS_PATH}/graphiql.min.js.map`,
    `${GRAPHIQL_ASSETS_PATH}/`,
    `${GRAPHIQL_ASSETS_PATH}/umd/react.production.min.js`,
    '/graphiql-assets/0.0.0/graphiql.min.js', // another version
    '/graphiql-assets/../package.json',
  ])('%s is refused with a 404', async (path) => {
    const reply = await send('GET', path, { Accept: BROWSER_ACCEPT });
    expect(passedOn(reply)).toBe(false);
    expect(reply.status).toBe(404);
    expect(reply.body.toString('utf8')).not.toContain('"version"');
  });

  test('a non-GET under the asset path is passed on', async () => {
    expect(passedOn(await send('POST', `${GRAPHIQL_ASSETS_PATH}/graphiql.min.js`, {}, 'x'))).toBe(true);
  });
});

describe('the page', () => {
  const hostile = '</script><script>alert(1)</script><!-- & "quotes" \u2028';
  const html = renderGraphiqlPage({
    endpoint: '/graphql',
    assetsPath: '/assets/v1/',
    title: `Title ${hostile}`,
    examples: [{ name: 'Hostile', query: `# ${hostile}\nquery Hostile { __typename }`, variables: { text: hostile } }],
  });

  test('loads only from the asset path and references no other origin', () => {
    expect(html).not.toMatch(/https?:/i);
    const urls = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(urls.sort()).toEqual([
      '/assets/v1/graphiql.min.css',
      '/assets/v1/graphiql.min.js',
      '/assets/v1/react-dom.production.min.js',
      '/assets/v1/react.production.min.js',
      'data:,', // the favicon: without it the browser asks the gateway for /favicon.ico
    ]);
  });

  test('inlined text cannot close the script or inject markup, and round-trips exactly', () => {
    // Exactly the five script elements the page is made of: the hostile text opened none.
    expect(html.match(/<script/g)).toHaveLength(5);
    expect(html.match(/<\/script>/g)).toHaveLength(5);
    const json = /<script type="application\/json" id="graphiql-config">([^<]*)<\/script>/.exec(html)?.[1];
    expect(json).toBeDefined();
    expect(JSON.parse(json!)).toEqual({
      endpoint: '/graphql',
      tabs: [{ query: `# ${hostile}\nquery Hostile { __typename }`, variables: JSON.stringify({ text: hostile }, null, 2) }],
    });
    expect(html).toContain('<title>Title &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!-- &amp; &quot;quotes&quot;');
  });

  test('a tab that asks for records carries the demo token in its headers editor, the others none', () => {
    const page = renderGraphiqlPage({
      endpoint: '/graphql', assetsPath: '/assets/v1/', title: 'T', authorization: 'Bearer demo.token.value',
      examples: [{ name: 'Counts', query: '{ __typename }' }, { name: 'Records', query: '{ __typename }', records: true }],
    });
    const config = JSON.parse(/<script type="application\/json" id="graphiql-config">([^<]*)<\/script>/.exec(page)![1]) as { tabs: Array<{ headers?: string }> };
    expect(config.tabs[0].headers).toBeUndefined();
    expect(JSON.parse(config.tabs[1].headers!)).toEqual({ Authorization: 'Bearer demo.token.value' });
  });

  test('the Content-Security-Policy allows exactly the inline boot script', () => {
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    expect(inline).toHaveLength(1);
    const hash = createHash('sha256').update(inline[0]).digest('base64');
    expect(GRAPHIQL_PAGE_CSP).toContain(`script-src 'self' 'sha256-${hash}'`);
    expect(GRAPHIQL_PAGE_CSP).toContain("connect-src 'self'");
    expect(GRAPHIQL_PAGE_CSP).toContain("default-src 'none'");
  });
});

describe('the example operations', () => {
  // The unified schema as the supergraph exposes it: the Repository interface is declared by the catalog
  // (catalogue fields) and by the repository subgraphs (data fields); merge the two declarations' fields.
  function unifiedSchema() {
    const files = ['federation-directives', 'cancer-case', 'catalog', 'repository-data', 'europe'];
    const definitions: DefinitionNode[] = [];
    for (const file of files) {
      const document = parse(readFileSync(join(__dirname, '../../schema', `${file}.graphql`), 'utf8'));
      for (const definition of document.definitions) {
        const index =
          definition.kind === Kind.INTERFACE_TYPE_DEFINITION
            ? definitions.findIndex((d) => d.kind === Kind.INTERFACE_TYPE_DEFINITION && d.name.value === definition.name.value)
            : -1;
        if (index < 0 || definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) {
          definitions.push(definition);
          continue;
        }
        const existing = definitions[index] as typeof definition;
        const known = new Set(existing.fields?.map((f) => f.name.value));
        const added = (definition.fields ?? []).filter((f) => !known.has(f.name.value));
        definitions[index] = { ...existing, fields: [...(existing.fields ?? []), ...added] };
      }
    }
    const document: DocumentNode = { kind: Kind.DOCUMENT, definitions };
    return buildASTSchema(document);
  }

  const schema = unifiedSchema();

  test('there are at least the documented examples, in order, the Europe-wide cohort first', () => {
    expect(EXAMPLE_OPERATIONS.map((e) => e.name).slice(0, 4)).toEqual([
      'EuropeWideCohort',
      'CohortByCancerSiteAndModality',
      'CasesWithStudies',
      'RepositoriesByCountry',
    ]);
  });

  test.each(EXAMPLE_OPERATIONS.map((e) => [e.name, e] as const))('%s is valid against the unified schema', (_name, example) => {
    const document = parse(example.query);
    expect(validate(schema, document)).toEqual([]);
    // GraphiQL titles the tab with the operation name; `name` must match or the docs lie.
    const operations = document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    expect(operations.map((o) => o.name?.value)).toEqual([example.name]);
    expect(example.query.startsWith('#')).toBe(true);
  });
});
