/**
 * Inputs no real question needs are refused before any repository is asked: the requests that froze the gateway
 * (a 300 KB manufacturer string, 1,000 values in one list) are refused (413 for a body over the limit,
 * BAD_USER_INPUT naming the filter below it), and the repositories' native APIs see nothing.
 */
import { once } from 'node:events';
import { connect } from 'node:net';
import { MAX_BODY_BYTES } from '../../subgraphs/sdk/apollo-http';
import { MAX_VALUE_LENGTH, MAX_VALUES_PER_CRITERION } from '../../subgraphs/sdk/filter';
import { until } from '../cache/support';
import { startTestFederation, type TestFederation } from '../support/federation';

const IDS = ['de-a', 'pt-b', 'es-c'];

describe('oversized filters', () => {
  let federation: TestFederation;

  beforeAll(async () => {
    federation = await startTestFederation([
      { id: 'de-a', country: 'DE', apiKind: 'dicomweb' },
      { id: 'pt-b', country: 'PT', apiKind: 'nbia' },
      { id: 'es-c', country: 'ES', apiKind: 'eucaim-mediator' },
    ]);
  });

  afterAll(async () => {
    await federation?.close();
  });

  const ask = async (query: string, variables: Record<string, unknown>) => {
    for (const id of IDS) federation.simulator(id).resetCounts();
    const answer = await federation.query(query, variables);
    const nativeRequests = IDS.reduce((sum, id) => sum + federation.simulator(id).requests.total, 0);
    return { ...answer, nativeRequests };
  };

  it('refuses a 100 KB manufacturer name in every repository, naming the filter, without asking any', async () => {
    const { status, body, nativeRequests } = await ask('query($where: CaseFilter) { repositories { id cohort(where: $where) { subjects } } }',
      { where: { manufacturers: ['x'.repeat(100_000)] } });
    expect(status).toBe(200);
    expect(nativeRequests).toBe(0);
    expect(body.errors?.map((e) => `${e.extensions?.code} ${e.extensions?.repositoryId}`).sort()).toEqual(IDS.map((id) => `BAD_USER_INPUT ${id}`).sort());
    expect(body.errors?.[0].message).toContain(`where.manufacturers[0] is 100000 characters long; at most ${MAX_VALUE_LENGTH} are accepted`);
    expect(JSON.stringify(body).length).toBeLessThan(10_000); // the value is not echoed back
  });

  it('refuses a body over the limit (a 300 KB manufacturer name) with 413 before reading it as GraphQL', async () => {
    const { status, body, nativeRequests } = await ask('query($where: CaseFilter) { repositories { id cohort(where: $where) { subjects } } }',
      { where: { manufacturers: ['x'.repeat(300_000)] } });
    expect(status).toBe(413);
    expect(nativeRequests).toBe(0);
    expect(body.errors?.[0]).toMatchObject({ message: `request body larger than ${MAX_BODY_BYTES} bytes`, extensions: { code: 'BAD_REQUEST' } });
  });

  it('answers 413 to a body over the limit before its rest has arrived (a slow client), then reads the rest and keeps the connection', async () => {
    const { hostname, port, pathname } = new URL(federation.url);
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    const closed = new Promise<string>((resolve) => {
      socket.on('error', (error) => resolve(`error ${(error as NodeJS.ErrnoException).code}`));
      socket.on('close', () => resolve('closed'));
    });
    /** What the gateway sent, once it matches (at most 5 s). */
    const answer = async (pattern: RegExp) => {
      await until(() => pattern.test(received), 5_000, `an answer matching ${pattern}`);
      return received;
    };
    try {
      const length = MAX_BODY_BYTES + 64 * 1024;
      const head = `{"query":"{ repositories { id } }","x":"${'x'.repeat(MAX_BODY_BYTES)}`;
      // The headers and more than the limit, and nothing more for now: the gateway answers without waiting for the rest.
      socket.write(`POST ${pathname} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n${head}`);
      expect((await answer(/larger than/)).split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
      expect(received).toContain(`request body larger than ${MAX_BODY_BYTES} bytes`);
      // The rest of the body is read and dropped, not answered with a reset, and the connection serves the next request.
      received = '';
      socket.write(`${'y'.repeat(length - Buffer.byteLength(head) - 2)}"}GET /healthz HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
      expect((await answer(/"status"/)).split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
      expect(await Promise.race([closed, new Promise((resolve) => setTimeout(() => resolve('open'), 50))])).toBe('open');
    } finally {
      socket.destroy();
    }
  });

  it('refuses 1,000 values in one list for a Europe-wide cohort before the fan-out', async () => {
    const { body, nativeRequests } = await ask('query($where: CaseFilter) { cohort(where: $where) { total { subjects } } }',
      { where: { collections: Array.from({ length: 1000 }, (_, i) => `C${i}`) } });
    expect(nativeRequests).toBe(0);
    expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0].message).toContain(`where.collections has 1000 values; at most ${MAX_VALUES_PER_CRITERION} are accepted`);
  });

  it('still answers a filter at the limits', async () => {
    const { body } = await ask('query($where: CaseFilter) { repositories { id cohort(where: $where) { subjects } } }',
      { where: { manufacturers: ['siemens', 'y'.repeat(MAX_VALUE_LENGTH)], collections: Array.from({ length: MAX_VALUES_PER_CRITERION }, (_, i) => `C${i}`) } });
    expect(body.errors).toBeUndefined();
  });
});
