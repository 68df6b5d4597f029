/**
 * The gateway's own signing key, for the short-lived grants it forwards to remote repository subgraphs
 * (forward-grant.ts), published as a JWK Set at `/.well-known/jwks.json` (RFC 7517 §5) so a subgraph can verify
 * them. ES256 (RFC 7518 §3.4). A new key per process, unless GATEWAY_SIGNING_JWK holds a private JWK: replicas
 * behind one JWKS URL then share it.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, type KeyLike } from 'jose';

export const GATEWAY_KEY_ALGORITHM = 'ES256';
export const GATEWAY_JWKS_PATH = '/.well-known/jwks.json';

export interface GatewayKey {
  kid: string;
  privateKey: KeyLike | Uint8Array;
  /** The public JWK Set to publish. */
  jwks: { keys: JWK[] };
}

export async function createGatewayKey(env: NodeJS.ProcessEnv = process.env): Promise<GatewayKey> {
  let privateJwk: JWK;
  if (env.GATEWAY_SIGNING_JWK) {
    try {
      privateJwk = JSON.parse(env.GATEWAY_SIGNING_JWK) as JWK;
    } catch {
      throw new Error('GATEWAY_SIGNING_JWK is not a JSON Web Key');
    }
    if (privateJwk.kty !== 'EC' || privateJwk.crv !== 'P-256' || !privateJwk.d) throw new Error('GATEWAY_SIGNING_JWK must be a private EC P-256 key (ES256)');
  } else {
    const pair = await generateKeyPair(GATEWAY_KEY_ALGORITHM, { extractable: true });
    privateJwk = await exportJWK(pair.privateKey);
  }
  const { d: _private, ...publicJwk } = privateJwk;
  void _private;
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    privateKey: await importJWK(privateJwk, GATEWAY_KEY_ALGORITHM),
    jwks: { keys: [{ ...publicJwk, kid, alg: GATEWAY_KEY_ALGORITHM, use: 'sig' }] },
  };
}
