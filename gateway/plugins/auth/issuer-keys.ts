/**
 * An issuer's signing keys, found the way OpenID Connect Discovery 1.0 says (§4: GET
 * `<issuer>/.well-known/openid-configuration`, whose `issuer` must equal the configured one, §4.3) and fetched
 * from its `jwks_uri` by jose's remote key set, which caches them and fetches them again when a token names a
 * `kid` it does not hold (key rotation), at most once per cooldown. A failed discovery is tried again on the next
 * token rather than remembered.
 */
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import type { IssuerConfig } from './auth-config';

export class IssuerUnreachable extends Error {}

/** An issuer's keys, discovered on first use and cached. Depends on the issuer URL alone. */
export type IssuerKeys = () => Promise<JWTVerifyGetKey>;

export function issuerKeys(config: Pick<IssuerConfig, 'issuer'>, fetchTimeoutMs = 5_000): IssuerKeys {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  const discover = async (): Promise<JWTVerifyGetKey> => {
    const url = `${config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    let document: unknown;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(fetchTimeoutMs), headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      document = await response.json();
    } catch (error) {
      throw new IssuerUnreachable(`the discovery document of issuer ${config.issuer} could not be read (${(error as Error).message})`);
    }
    const { issuer, jwks_uri: jwksUri } = (document ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
    if (issuer !== config.issuer) throw new IssuerUnreachable(`issuer ${config.issuer} publishes a discovery document for another issuer`);
    if (typeof jwksUri !== 'string') throw new IssuerUnreachable(`issuer ${config.issuer} publishes no jwks_uri`);
    return createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: fetchTimeoutMs, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
  };
  return () => {
    keys ??= discover().catch((error: unknown) => {
      keys = undefined;
      throw error;
    });
    return keys;
  };
}
