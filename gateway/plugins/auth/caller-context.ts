/**
 * What a verified token lets its bearer see: who it is (issuer and subject: a subject means someone only within its
 * issuer), and the record grants from the configured claim (each
 * `repository` or `repository/collection`, the outcome of a data access request), honoured only with the issuer's
 * `recordScope` when one is configured. A grant naming a repository twice, once whole and once per collection,
 * gives the whole repository.
 */
import type { JWTPayload } from 'jose';
import type { RecordGrant, RequestContext } from '../../../subgraphs/sdk/context';
import type { IssuerConfig } from './auth-config';
import { TokenRejected } from './verify-token';

export function scopesOf(claims: JWTPayload, claim: string): string[] {
  const value = claims[claim];
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value)) return value.filter((s): s is string => typeof s === 'string');
  return [];
}

/** `["de-x", "es-y/LUNG", "es-y/BREAST"]` → one grant per repository. */
export function parseGrants(values: readonly string[]): RecordGrant[] {
  const byRepository = new Map<string, Set<string> | 'all'>();
  for (const value of values) {
    const [repositoryId, collection, ...rest] = value.split('/');
    if (!repositoryId || rest.length > 0) continue;
    const held = byRepository.get(repositoryId);
    if (collection === undefined || collection === '') byRepository.set(repositoryId, 'all');
    else if (held !== 'all') byRepository.set(repositoryId, new Set([...(held ?? []), collection]));
  }
  return [...byRepository].map(([repositoryId, collections]) => (collections === 'all' ? { repositoryId } : { repositoryId, collections: [...collections].sort() }));
}

export function callerContext(issuer: IssuerConfig, claims: JWTPayload): RequestContext {
  const subject = claims[issuer.claims.subject];
  if (typeof subject !== 'string' || subject === '') throw new TokenRejected(`it names no subject (claim "${issuer.claims.subject}")`);
  const scopes = scopesOf(claims, issuer.claims.scope);
  const rawGrants = claims[issuer.claims.grants];
  const grantValues = Array.isArray(rawGrants) ? rawGrants.filter((g): g is string => typeof g === 'string')
    : typeof rawGrants === 'string' ? rawGrants.split(/\s+/).filter(Boolean) : [];
  const mayHoldGrants = issuer.recordScope === undefined || scopes.includes(issuer.recordScope);
  return { accessLevel: 'researcher', issuer: issuer.issuer, subject, recordGrants: mayHoldGrants ? parseGrants(grantValues) : [] };
}
