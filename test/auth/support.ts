/**
 * A federation with authentication for the auth tests: a real OpenID provider (oidc-provider, test/support), a
 * record-level PACS with two collections, a count-only beacon, and an NBIA repository whose subgraph runs
 * standalone (serveRepositorySubgraph) and trusts only grants signed with the gateway's key (its JWKS URL).
 */
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { Writable } from 'node:stream';
import { request } from 'undici';
import type { AuthConfig } from '../../gateway/plugins/auth/auth-config';
import { startDemoSimulators, type RunningDemo } from '../../demo/simulators';
import { startGateway, type RunningGateway } from '../../gateway/server';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { serveRepositorySubgraph, type RunningSubgraph } from '../../subgraphs/sdk/serve';
import { testConfig } from '../support/federation';
import { startOpenIdProvider, type TestOpenIdProvider, type UserFlow } from '../support/oidc-provider';

export const AUDIENCE = 'https://gateway.eucaim.test';
export const PACS = 't-pacs';
export const BEACON = 't-beacon';
export const REMOTE = 't-remote';

export interface AuthAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }> };
}

export interface AuthFederation {
  provider: TestOpenIdProvider;
  gateway: RunningGateway;
  remote: RunningSubgraph;
  /** The private JWK the gateway signs its grants with (given to it through GATEWAY_SIGNING_JWK). */
  gatewayKey: JWK;
  auditLines: Array<Record<string, unknown>>;
  /** The audit lines the remote repository's own subgraph writes at its site. */
  remoteAuditLines: Array<Record<string, unknown>>;
  query(query: string, token?: string, variables?: Record<string, unknown>): Promise<AuthAnswer>;
  close(): Promise<void>;
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<AuthAnswer> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.statusCode, headers: response.headers, body: (await response.body.json()) as AuthAnswer['body'] };
}

/** Collects pino JSON lines (audit logs) into `lines`. */
export function jsonLines(lines: Array<Record<string, unknown>>): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
}

/** `userFlow`: people who may sign in at the provider for a portal (test/auth/user-flow.test.ts). */
export async function startAuthFederation(userFlow?: UserFlow): Promise<AuthFederation> {
  const provider = await startOpenIdProvider(AUDIENCE, [`${PACS}/LUNG`, REMOTE], [PACS], userFlow);
  const remoteDemo: RunningDemo = await startDemoSimulators(testConfig([{ id: REMOTE, country: 'NL', apiKind: 'nbia', seed: 7, cases: 40 }]));
  let gatewayOrigin = '';
  const remoteAuditLines: Array<Record<string, unknown>> = [];
  const remote = await serveRepositorySubgraph({
    entry: remoteDemo.config.repositories[0], kind: ADAPTER_KINDS.find((k) => k.apiKind === 'nbia')!, port: 0,
    gatewayJwksUrl: () => `${gatewayOrigin}/.well-known/jwks.json`, auditLog: jsonLines(remoteAuditLines),
  });
  const demo = await startDemoSimulators(testConfig([
    { id: PACS, country: 'DE', apiKind: 'dicomweb', seed: 5, cases: 60 },
    { id: BEACON, country: 'ES', apiKind: 'beacon', seed: 6, cases: 60 },
    { id: REMOTE, country: 'NL', apiKind: 'nbia', seed: 7, cases: 40, subgraph: remote.url },
  ]));
  const auth: AuthConfig = {
    anonymous: 'counts',
    issuers: [{
      issuer: provider.issuer, audiences: [AUDIENCE], claims: { subject: 'sub', grants: 'eucaim_grants', scope: 'scope' },
      recordScope: 'cases:read', clockToleranceSeconds: 1, algorithms: ['RS256', 'ES256'],
    }],
  };
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const gatewayKey = await exportJWK(privateKey);
  const auditLines: Array<Record<string, unknown>> = [];
  const auditLog = jsonLines(auditLines);
  const gateway = await startGateway({
    config: demo.config, kinds: ADAPTER_KINDS, port: 0, auth, auditLog, cache: {},
    env: { ...process.env, GATEWAY_SIGNING_JWK: JSON.stringify(gatewayKey) },
    rateLimit: { perMinute: 0 },
  });
  gatewayOrigin = gateway.origin;
  return {
    provider, gateway, remote, gatewayKey, auditLines, remoteAuditLines,
    query: (query, token, variables) => post(gateway.url, { query, variables }, token ? { authorization: `Bearer ${token}` } : {}),
    async close() {
      await gateway.close();
      await demo.close();
      await remote.close();
      await remoteDemo.close();
      await provider.close();
    },
  };
}
