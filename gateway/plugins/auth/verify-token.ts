/**
 * Verifies a caller's bearer token (RFC 6750) as an OpenID Connect access token in JWT form (RFC 9068): signed by
 * a trusted issuer's published key, with one of the configured audiences, not expired (with clock leeway). `alg:
 * none` and HS/RS confusion (a token MAC-ed with the issuer's public key as secret) are refused: only the
 * issuer's configured asymmetric algorithms are accepted (RFC 8725 §3.1, §3.2), checked before any key is used.
 * A refusal says why in words, never echoing the token or any of its values.
 */
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ASYMMETRIC_ALGORITHMS, type AuthConfig, type IssuerConfig } from './auth-config';
import { issuerKeys, IssuerUnreachable, type IssuerKeys } from './issuer-keys';

export class TokenRejected extends Error {
  constructor(readonly reason: string, readonly issuerDown = false) {
    super(`the bearer token was refused: ${reason}`);
  }
}

export interface VerifiedToken {
  issuer: IssuerConfig;
  claims: JWTPayload;
}

export type TokenVerifier = (token: string) => Promise<VerifiedToken>;

/** `keysOf`: where an issuer's keys come from (auth-switch.ts keeps them across config reloads). Default: discovered anew. */
export function createTokenVerifier(config: AuthConfig, keysOf: (issuer: IssuerConfig) => IssuerKeys = issuerKeys): TokenVerifier {
  const issuers = config.issuers.map((issuer) => ({ issuer, keys: keysOf(issuer) }));
  return async (token) => {
    let alg: unknown;
    let iss: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
      iss = decodeJwt(token).iss;
    } catch {
      throw new TokenRejected('it is not a well-formed JWT');
    }
    if (alg === 'none' || alg === undefined) throw new TokenRejected('unsigned tokens (alg none) are not accepted');
    const trusted = issuers.find((candidate) => candidate.issuer.issuer === iss);
    if (!trusted) throw new TokenRejected('its issuer is not one this gateway trusts');
    if (typeof alg !== 'string' || !trusted.issuer.algorithms.includes(alg)) {
      const named = (ASYMMETRIC_ALGORITHMS as readonly unknown[]).includes(alg) || (typeof alg === 'string' && /^HS(256|384|512)$/.test(alg));
      throw new TokenRejected(`${named ? `algorithm ${alg as string}` : 'its algorithm'} is not accepted from this issuer (accepted: ${trusted.issuer.algorithms.join(', ')})`);
    }
    let keys: JWTVerifyGetKey;
    try {
      keys = await trusted.keys();
    } catch (error) {
      throw new TokenRejected(error instanceof IssuerUnreachable ? error.message : 'the issuer\'s keys could not be read', true);
    }
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: trusted.issuer.issuer,
        audience: trusted.issuer.audiences,
        algorithms: trusted.issuer.algorithms,
        clockTolerance: trusted.issuer.clockToleranceSeconds,
        requiredClaims: ['exp'],
      });
      return { issuer: trusted.issuer, claims: payload };
    } catch (error) {
      throw new TokenRejected(describe(error), error instanceof errors.JWKSTimeout);
    }
  };
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'it has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'aud': return 'it is not meant for this gateway (audience)';
      case 'iss': return 'its issuer is not one this gateway trusts';
      case 'nbf': return 'it is not valid yet (nbf)';
      case 'exp': return 'it has no expiry (exp)';
      case 'iat': return 'its issue time (iat) is in the future';
      default: return `its claim "${error.claim}" is invalid`;
    }
  }
  if (error instanceof errors.JWKSNoMatchingKey) return 'it is signed with a key its issuer does not publish';
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'its key id matches several of the issuer\'s keys';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'its signature does not verify against the issuer\'s keys';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'its algorithm is not accepted from this issuer';
  if (error instanceof errors.JWKSTimeout) return 'the issuer\'s keys could not be fetched in time';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'it is not a well-formed JWT';
  return 'it could not be verified';
}
