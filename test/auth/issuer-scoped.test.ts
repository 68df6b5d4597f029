/**
 * A subject names someone only within its issuer (OpenID Connect Core 1.0 §2): two trusted OpenID providers both
 * issue tokens with `sub: "researcher"` (their client-credentials client of that name), and the gateway keeps them
 * apart: each has its own rate-limit budget, and the audit log names the issuer beside the subject.
 */
import type { IncomingMessage } from 'node:http';
import { callerOf } from '../../gateway/plugins/limits/rate-limit';
import { callerKey } from '../../subgraphs/sdk/context';
import { startTestFederation, type TestFederation } from '../support/federation';
import { startOpenIdProvider, type TestOpenIdProvider } from '../support/oidc-provider';
import { AUDIENCE, jsonLines, post } from './support';

const PACS = 'is-pacs';
const RECORDS = `{ repository(id: "${PACS}") { cases(first: 2) { nodes { id } } } }`;

describe('callers are keyed by issuer and subject', () => {
  it('the same subject of two issuers gives two keys, and no pair of values spells another pair', () => {
    const req = { headers: {}, socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage;
    const key = (issuer: string, subject: string) => callerOf(req, callerKey({ issuer, subject }), false);
    expect(key('https://a.example', 'alice')).not.toBe(key('https://b.example', 'alice'));
    expect(key('https://a.example', 'b alice')).not.toBe(key('https://a.example b', 'alice'));
    expect(key('https://a.example', 'alice')).toBe(key('https://a.example', 'alice'));
    expect(callerKey({ subject: undefined })).toBeUndefined();
  });
});

describe('two trusted issuers that both name a "researcher"', () => {
  let issuerA: TestOpenIdProvider;
  let issuerB: TestOpenIdProvider;
  let federation: TestFederation;
  const auditLines: Array<Record<string, unknown>> = [];
  const ask = async (issuer: TestOpenIdProvider, query = '{ repositories { id } }') =>
    post(federation.url, { query }, { authorization: `Bearer ${await issuer.accessToken('researcher', { scope: 'cohort:read cases:read' })}` });

  beforeAll(async () => {
    [issuerA, issuerB] = await Promise.all([startOpenIdProvider(AUDIENCE, [PACS]), startOpenIdProvider(AUDIENCE, [PACS])]);
    const issuer = (url: string) => ({
      issuer: url, audiences: [AUDIENCE], claims: { subject: 'sub', grants: 'eucaim_grants', scope: 'scope' },
      recordScope: 'cases:read', clockToleranceSeconds: 5, algorithms: ['RS256'],
    });
    federation = await startTestFederation([{ id: PACS, country: 'DE', apiKind: 'dicomweb', cases: 30 }], {
      auth: { anonymous: 'counts', issuers: [issuer(issuerA.issuer), issuer(issuerB.issuer)] },
      rateLimit: { perMinute: 3 }, auditLog: jsonLines(auditLines),
    });
  }, 60_000);

  afterAll(async () => {
    await federation?.close();
    await Promise.all([issuerA?.close(), issuerB?.close()]);
  });

  it('are two callers: A\'s researcher spending its budget leaves B\'s untouched, and the audit log tells them apart', async () => {
    const fromA = [await ask(issuerA, RECORDS), await ask(issuerA), await ask(issuerA), await ask(issuerA)];
    expect(fromA.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
    expect(fromA[3].body.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    const fromB = await ask(issuerB, RECORDS);
    expect(fromB.status).toBe(200);
    expect(fromB.body.errors).toBeUndefined();
    expect(auditLines.map((line) => [line.issuer, line.subject])).toEqual([[issuerA.issuer, 'researcher'], [issuerB.issuer, 'researcher']]);
  });
});
