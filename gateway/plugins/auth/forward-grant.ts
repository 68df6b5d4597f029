/**
 * The grant the gateway forwards to a remote repository subgraph with each call (header GATEWAY_GRANT_HEADER): a
 * JWT signed with the gateway's key, for that repository only (`aud`), valid one minute, naming the caller
 * (`sub`, and with its token's issuer as `sub_id`, RFC 9493 §3.2.5 "iss_sub", since a subject means someone only
 * within its issuer) and the collections it may read there (`collections`: `["*"]` for all, `[]` for none). The subgraph
 * verifies it against the gateway's JWKS and serves records only with it (subgraphs/sdk/serve.ts). An anonymous
 * caller without a grant gets no header: counts only. The key is put on each request's context under a symbol (like
 * the answer cache), so remote data sources reach it without holding it.
 */
import { SignJWT } from 'jose';
import type { RequestContext } from '../../../subgraphs/sdk/context';
import { GATEWAY_GRANT_ISSUER } from '../../../subgraphs/sdk/serve';
import { GATEWAY_KEY_ALGORITHM, type GatewayKey } from './gateway-key';

const KEY = Symbol('eucaim.gatewayKey');
const GRANT_TTL_SECONDS = 60;
const signed = new WeakMap<object, Map<string, Promise<string>>>();

export function bindGatewayKey(context: object, key: GatewayKey): void {
  (context as { [KEY]?: GatewayKey })[KEY] = key;
}

/** The signed grant for this repository, or undefined for an anonymous caller who may read none of its records. */
export function forwardedGrant(context: RequestContext | undefined, repositoryId: string): Promise<string> | undefined {
  const key = context ? (context as { [KEY]?: GatewayKey })[KEY] : undefined;
  const grant = context?.recordGrants?.find((g) => g.repositoryId === repositoryId);
  if (!context || !key || (!grant && context.subject === undefined)) return undefined;
  let mine = signed.get(context);
  if (!mine) signed.set(context, (mine = new Map()));
  let token = mine.get(repositoryId);
  if (!token) {
    token = new SignJWT({
      collections: !grant ? [] : grant.collections ? [...grant.collections] : ['*'],
      ...(context.issuer !== undefined && context.subject !== undefined ? { sub_id: { format: 'iss_sub', iss: context.issuer, sub: context.subject } } : {}),
    })
      .setProtectedHeader({ alg: GATEWAY_KEY_ALGORITHM, kid: key.kid, typ: 'JWT' })
      .setIssuer(GATEWAY_GRANT_ISSUER)
      .setAudience(repositoryId)
      .setSubject(context.subject ?? 'anonymous')
      .setIssuedAt()
      .setExpirationTime(`${GRANT_TTL_SECONDS}s`)
      .sign(key.privateKey);
    mine.set(repositoryId, token);
  }
  return token;
}
