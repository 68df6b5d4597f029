/**
 * The federation config's `auth` section: which OpenID Connect issuers the gateway trusts, for which audiences,
 * under which claim names the subject, the scope and the record grants travel, and whether anonymous callers get
 * counts at all. Validation names the field at fault, like the rest of the config.
 *
 * ```json
 * "auth": {
 *   "anonymous": "counts",
 *   "issuers": [{ "issuer": "https://login.aai.lifescience-ri.eu/oidc/", "audiences": ["eucaim-gateway"],
 *                 "claims": { "grants": "eucaim_grants", "scope": "scope", "subject": "sub" }, "recordScope": "cases:read" }]
 * }
 * ```
 */
import { isJsonObject } from '../../../subgraphs/sdk/parse';

/** Asymmetric JWS algorithms (RFC 7518 §3.1, RFC 8037). HS* and `none` are never accepted: see verify-token.ts. */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

export interface IssuerConfig {
  /** The issuer identifier, exactly as the tokens' `iss` and the discovery document's `issuer` say it. */
  issuer: string;
  /** Accepted `aud` values: at least one must be in the token. */
  audiences: string[];
  claims: {
    /** Who the caller is (audit log, per-caller limits). Default `sub`. */
    subject: string;
    /** The list of record grants, each `repository` or `repository/collection`. Default `eucaim_grants`. */
    grants: string;
    /** Space-separated scopes (RFC 8693 §4.2) or a list. Default `scope`. */
    scope: string;
  };
  /** When set, record grants count only in tokens that carry this scope (a counts-only token cannot read records). */
  recordScope?: string;
  /** Leeway for `exp` and `nbf` between the issuer's clock and ours. Default 30 s. */
  clockToleranceSeconds: number;
  /** Signature algorithms accepted from this issuer (asymmetric only). Default: all of ASYMMETRIC_ALGORITHMS. */
  algorithms: string[];
}

export interface AuthConfig {
  issuers: IssuerConfig[];
  /** `counts`: callers without a token get counts; `none`: every request needs a valid token. */
  anonymous: 'counts' | 'none';
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

function isIssuerUrl(value: string): boolean {
  try {
    const url = new URL(value);
    // OpenID Connect Discovery 1.0 §3: https; plain http only on loopback (tests, the demo issuer).
    return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
  } catch {
    return false;
  }
}

/** Parses the `auth` section; problems are pushed with their field (`auth.issuers[0].audiences: ...`). */
export function parseAuthConfig(raw: unknown, problems: string[]): AuthConfig | undefined {
  if (raw === undefined) return undefined;
  if (!isJsonObject(raw)) {
    problems.push('auth: must be an object with "issuers" and "anonymous"');
    return undefined;
  }
  const anonymous = raw.anonymous ?? 'counts';
  if (anonymous !== 'counts' && anonymous !== 'none') problems.push(`auth.anonymous: must be "counts" or "none"`);
  const rawIssuers = raw.issuers ?? [];
  if (!Array.isArray(rawIssuers)) {
    problems.push('auth.issuers: must be an array');
    return undefined;
  }
  const issuers = rawIssuers.flatMap((entry: unknown, index: number): IssuerConfig[] => {
    const where = `auth.issuers[${index}]`;
    if (!isJsonObject(entry)) {
      problems.push(`${where}: must be an object`);
      return [];
    }
    const before = problems.length;
    if (!isString(entry.issuer) || !isIssuerUrl(entry.issuer)) problems.push(`${where}.issuer: must be the issuer's https URL (http only on loopback)`);
    const audiences = entry.audiences;
    if (!Array.isArray(audiences) || audiences.length === 0 || !audiences.every(isString)) problems.push(`${where}.audiences: must be a non-empty list of strings`);
    const claims = entry.claims === undefined ? {} : entry.claims;
    if (!isJsonObject(claims)) problems.push(`${where}.claims: must be an object`);
    const claim = (name: string, fallback: string): string => {
      const value = isJsonObject(claims) ? claims[name] : undefined;
      if (value === undefined) return fallback;
      if (!isString(value)) problems.push(`${where}.claims.${name}: must be a claim name`);
      return isString(value) ? value : fallback;
    };
    const tolerance = entry.clockToleranceSeconds ?? 30;
    if (typeof tolerance !== 'number' || !Number.isInteger(tolerance) || tolerance < 0 || tolerance > 300) {
      problems.push(`${where}.clockToleranceSeconds: must be an integer between 0 and 300`);
    }
    const algorithms = entry.algorithms ?? [...ASYMMETRIC_ALGORITHMS];
    if (!Array.isArray(algorithms) || algorithms.length === 0
      || !algorithms.every((a) => (ASYMMETRIC_ALGORITHMS as readonly unknown[]).includes(a))) {
      problems.push(`${where}.algorithms: must list asymmetric algorithms only (${ASYMMETRIC_ALGORITHMS.join(', ')}); HS* and none are refused`);
    }
    if (entry.recordScope !== undefined && !isString(entry.recordScope)) problems.push(`${where}.recordScope: must be a scope name`);
    if (problems.length > before) return [];
    return [{
      issuer: entry.issuer as string,
      audiences: audiences as string[],
      claims: { subject: claim('subject', 'sub'), grants: claim('grants', 'eucaim_grants'), scope: claim('scope', 'scope') },
      recordScope: entry.recordScope as string | undefined,
      clockToleranceSeconds: tolerance as number,
      algorithms: algorithms as string[],
    }];
  });
  if (anonymous === 'none' && rawIssuers.length === 0) problems.push('auth: anonymous "none" with no issuer would refuse every request');
  return { issuers, anonymous: anonymous as AuthConfig['anonymous'] };
}
