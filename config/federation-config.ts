/**
 * The federation config: which repositories exist, where their native API and subgraph run. Validation names the
 * entry and the field at fault, so a repository owner who registers an entry sees exactly what to fix.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ALL_CANCER_SITES } from '../schema/codes/cancer-site';
import type { CancerSite } from '../schema/generated/graphql';
import type { AdapterKind } from '../subgraphs/sdk/adapter';
import type { CollectionMetadata, SimulatedRepository, SimulatedRepositoryEntry } from '../subgraphs/sdk/entry';
import { privacySettingsProblems, type PrivacySettings } from '../subgraphs/sdk/privacy';
import { REPOSITORY_ID_PATTERN } from '../subgraphs/sdk/type-name';
import { ISO_3166_ALPHA_2 } from './iso-3166';
import { parseAuthConfig, type AuthConfig } from '../gateway/plugins/auth/auth-config';
import { parseCorsConfig, type CorsConfig } from '../gateway/plugins/http/cors-config';
import type { TrustedDocumentsConfig } from '../gateway/plugins/limits/trusted-documents';
import { isJsonObject } from '../subgraphs/sdk/parse';

export interface FederationConfig {
  /** Where the config came from (a path), for messages. */
  source: string;
  repositories: SimulatedRepositoryEntry[];
  /**
   * Who may see what (gateway/plugins/auth/auth-config.ts): trusted OpenID issuers and whether anonymous callers get counts.
   * Absent: the gateway authenticates nobody (development only: refused when NODE_ENV=production; npm start runs
   * its built-in demo issuer instead).
   */
  auth?: AuthConfig;
  /** Browser origins (portals) allowed to call the GraphQL endpoint (gateway/plugins/http/cors-config.ts). Absent: none. */
  cors?: CorsConfig;
  /**
   * The allow-list of operations for production portals (gateway/plugins/limits/trusted-documents.ts): the manifest, its
   * path resolved against the config file's folder, and whether only its operations run. Absent: every operation.
   */
  trustedDocuments?: TrustedDocumentsConfig;
}

export class ConfigError extends Error {
  constructor(readonly source: string, readonly problems: string[]) {
    super(`invalid federation config ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_TIMEOUT_MS = 10_000;
/** Names of the federation's own subgraphs, which repository ids must not take. */
const RESERVED_IDS = ['catalog', 'europe'];
export const DEFAULT_CACHE_TTL_SECONDS = 60;
/** After its TTL, how long an answer is still served while it is refreshed in the background (use-cache.ts). */
export const DEFAULT_STALE_WHILE_REVALIDATE_SECONDS = 60;
export const DEFAULT_RETRIES = 2;
/** Calls to one repository the gateway runs at once (gateway/plugins/datasources/use-fair-share.ts). */
export const DEFAULT_MAX_CONCURRENT_CALLS = 4;
export const DEFAULT_CIRCUIT_BREAKER = { failureThreshold: 5, resetAfterMs: 30_000 };

export function loadFederationConfig(path: string, kinds: readonly AdapterKind[]): FederationConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [`cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, [`not valid JSON: ${(error as Error).message}`]);
  }
  return parseFederationConfig(json, path, kinds);
}

type Json = Record<string, unknown>;


export function parseFederationConfig(json: unknown, source: string, kinds: readonly AdapterKind[]): FederationConfig {
  const problems: string[] = [];
  if (!isJsonObject(json) || !Array.isArray(json.repositories)) {
    throw new ConfigError(source, ['the file must be an object with a "repositories" array']);
  }
  const seen = new Map<string, number>();
  const repositories: SimulatedRepositoryEntry[] = [];
  json.repositories.forEach((raw: unknown, index: number) => {
    const id = isJsonObject(raw) && typeof raw.id === 'string' ? raw.id : undefined;
    const label = id !== undefined ? `repositories[${index}] ("${id}")` : `repositories[${index}]`;
    if (id !== undefined) {
      const previous = seen.get(id);
      if (previous !== undefined) problems.push(`${label}.id: duplicate id "${id}", already used by repositories[${previous}]`);
      else seen.set(id, index);
    }
    const entry = parseEntry(raw, label, kinds, problems);
    if (entry) repositories.push(entry);
  });
  const auth = parseAuthConfig(json.auth, problems);
  const cors = parseCorsConfig(json.cors, problems);
  const trustedDocuments = parseTrustedDocumentsConfig(json.trustedDocuments, source, problems);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return { source, repositories, ...(auth ? { auth } : {}), ...(cors ? { cors } : {}), ...(trustedDocuments ? { trustedDocuments } : {}) };
}

/**
 * The `trustedDocuments` section: `{ "file": "portal-operations.json", "enforce": true }`, the file relative to the
 * config file, `enforce` true unless set to false. The manifest itself is read and checked when the gateway starts (gateway/plugins/limits/trusted-documents.ts).
 */
function parseTrustedDocumentsConfig(raw: unknown, source: string, problems: string[]): TrustedDocumentsConfig | undefined {
  if (raw === undefined) return undefined;
  if (!isJsonObject(raw)) {
    problems.push('trustedDocuments: must be an object like { "file": "portal-operations.json", "enforce": true }');
    return undefined;
  }
  for (const key of Object.keys(raw)) if (key !== 'file' && key !== 'enforce') problems.push(`trustedDocuments.${key}: unknown field; the section has "file" and "enforce"`);
  // A list is enforced unless it says otherwise: `"enforce": false` is the migration mode, chosen on purpose.
  if (raw.enforce !== undefined && typeof raw.enforce !== 'boolean') problems.push('trustedDocuments.enforce: must be true or false');
  if (typeof raw.file !== 'string' || raw.file.trim() === '') {
    problems.push(`trustedDocuments.file: ${raw.file === undefined ? 'missing' : 'must be a non-empty string'} (the path of the operations manifest)`);
    return undefined;
  }
  return { file: resolve(dirname(source), raw.file), enforce: raw.enforce !== false };
}

/**
 * TRUSTED_DOCUMENTS_FILE (a path, relative to the working directory) and TRUSTED_DOCUMENTS_ENFORCE (true/false)
 * override the config's section, e.g. for one deployment of a shared config. Throws naming the variable at fault.
 */
export function trustedDocumentsWithEnv(configured: TrustedDocumentsConfig | undefined, env: NodeJS.ProcessEnv): TrustedDocumentsConfig | undefined {
  const file = env.TRUSTED_DOCUMENTS_FILE?.trim();
  const enforce = env.TRUSTED_DOCUMENTS_ENFORCE?.trim().toLowerCase();
  if (enforce !== undefined && enforce !== '' && enforce !== 'true' && enforce !== 'false') {
    throw new Error(`invalid environment variable TRUSTED_DOCUMENTS_ENFORCE: "${env.TRUSTED_DOCUMENTS_ENFORCE}" must be true or false`);
  }
  const path = file ? resolve(file) : configured?.file;
  if (!path) {
    if (enforce === 'true') throw new Error('TRUSTED_DOCUMENTS_ENFORCE=true needs a manifest: set TRUSTED_DOCUMENTS_FILE or the config\'s trustedDocuments.file');
    return undefined;
  }
  return { file: path, enforce: enforce ? enforce === 'true' : configured?.enforce ?? true };
}

function parseEntry(raw: unknown, label: string, kinds: readonly AdapterKind[], problems: string[]): SimulatedRepositoryEntry | null {
  if (!isJsonObject(raw)) {
    problems.push(`${label}: must be an object`);
    return null;
  }
  const before = problems.length;
  const text = (field: string, required = true): string => {
    const value = raw[field];
    if (value === undefined && !required) return '';
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push(`${label}.${field}: ${value === undefined ? 'missing' : 'must be a non-empty string'}`);
      return '';
    }
    return value;
  };
  const id = text('id');
  if (id && !REPOSITORY_ID_PATTERN.test(id)) problems.push(`${label}.id: "${id}" must be lower-case letters, digits and dashes, starting with a letter`);
  if (RESERVED_IDS.includes(id)) problems.push(`${label}.id: "${id}" is the name of one of the federation's own subgraphs; choose another`);
  const name = text('name');
  const country = text('country');
  if (country && !ISO_3166_ALPHA_2.has(country)) problems.push(`${label}.country: "${country}" is not an ISO 3166-1 alpha-2 code (e.g. "DE", "ES")`);
  const institution = text('institution');
  const apiKind = text('apiKind');
  const kind = kinds.find((k) => k.apiKind === apiKind);
  if (apiKind && !kind) problems.push(`${label}.apiKind: unknown apiKind "${apiKind}"; known: ${kinds.map((k) => k.apiKind).join(', ')}`);
  const simulate = parseSimulate(raw.simulate, label, problems);
  const endpoint = text('endpoint');
  if (endpoint && endpoint !== 'simulator' && !isHttpUrl(endpoint)) problems.push(`${label}.endpoint: "${endpoint}" is not an http(s) URL`);
  if (endpoint === 'simulator' && !simulate) problems.push(`${label}.endpoint: "simulator" needs a "simulate" block`);
  const subgraph = raw.subgraph === undefined ? 'local' : text('subgraph');
  if (subgraph && subgraph !== 'local' && !isHttpUrl(subgraph)) problems.push(`${label}.subgraph: must be "local" or the http(s) URL of a standalone subgraph`);
  const timeoutMs = raw.timeoutMs === undefined ? DEFAULT_TIMEOUT_MS : raw.timeoutMs;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000) {
    problems.push(`${label}.timeoutMs: must be an integer number of milliseconds between 1 and 600000`);
  }
  const credentialsEnv = raw.credentialsEnv === undefined ? undefined : text('credentialsEnv');
  if (credentialsEnv && !/^[A-Z_][A-Z0-9_]*$/.test(credentialsEnv)) problems.push(`${label}.credentialsEnv: "${credentialsEnv}" must name an environment variable (A-Z, 0-9, _), never hold the secret`);
  const integer = (field: string, fallback: number, min: number, max: number): number => {
    const value = raw[field] === undefined ? fallback : raw[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`${label}.${field}: must be an integer between ${min} and ${max}`);
      return fallback;
    }
    return value;
  };
  const cacheTtlSeconds = integer('cacheTtlSeconds', DEFAULT_CACHE_TTL_SECONDS, 0, 86_400);
  const staleWhileRevalidateSeconds = integer('staleWhileRevalidateSeconds', DEFAULT_STALE_WHILE_REVALIDATE_SECONDS, 0, 86_400);
  const retries = integer('retries', DEFAULT_RETRIES, 0, 5);
  const maxConcurrentCalls = integer('maxConcurrentCalls', DEFAULT_MAX_CONCURRENT_CALLS, 1, 256);
  const circuitBreaker = parseCircuitBreaker(raw.circuitBreaker, label, problems);
  const collections = parseCollections(raw.collections, label, problems);
  const options = raw.options === undefined ? {} : raw.options;
  if (!isJsonObject(options)) problems.push(`${label}.options: must be an object`);
  else if (kind?.validateOptions) for (const problem of kind.validateOptions(options)) problems.push(`${label}.options.${problem}`);
  // How its counts are protected (k, noise, rounding): checked by the SDK, which applies them in the subgraph.
  for (const problem of privacySettingsProblems(raw.privacy)) problems.push(`${label}.${problem}`);
  // Checks across fields (options naming the entry's collections) only once each part is valid on its own.
  if (problems.length === before && kind?.validateEntry && isJsonObject(options)) {
    for (const problem of kind.validateEntry({ collections, options })) problems.push(`${label}.${problem}`);
  }
  if (problems.length > before) return null;
  return {
    id, name, country, institution, apiKind, endpoint, subgraph, credentialsEnv,
    timeoutMs: timeoutMs as number, collections, options: options as Json, simulate: simulate ?? undefined,
    cacheTtlSeconds, staleWhileRevalidateSeconds, retries, circuitBreaker, maxConcurrentCalls,
    ...(raw.privacy === undefined ? {} : { privacy: raw.privacy as PrivacySettings }),
  };
}

function parseCollections(raw: unknown, label: string, problems: string[]): CollectionMetadata[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push(`${label}.collections: must be an array`);
    return [];
  }
  return raw.flatMap((c: unknown, i: number) => {
    const where = `${label}.collections[${i}]`;
    if (!isJsonObject(c) || typeof c.id !== 'string' || typeof c.name !== 'string') {
      problems.push(`${where}: needs string "id" and "name"`);
      return [];
    }
    if (!ALL_CANCER_SITES.includes(c.cancerSite as CancerSite)) {
      problems.push(`${where}.cancerSite: "${String(c.cancerSite)}" is not a CancerSite (e.g. LUNG, BREAST, PROSTATE)`);
      return [];
    }
    const optional = (field: string) => (typeof c[field] === 'string' ? (c[field] as string) : undefined);
    return [{
      id: c.id, name: c.name, cancerSite: c.cancerSite as CancerSite,
      description: optional('description'), licence: optional('licence'), doi: optional('doi'), landingPage: optional('landingPage'),
    }];
  });
}

function parseCircuitBreaker(raw: unknown, label: string, problems: string[]): { failureThreshold: number; resetAfterMs: number } {
  if (raw === undefined) return { ...DEFAULT_CIRCUIT_BREAKER };
  const ok = (v: unknown, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max;
  if (!isJsonObject(raw) || !ok(raw.failureThreshold ?? DEFAULT_CIRCUIT_BREAKER.failureThreshold, 1000) || !ok(raw.resetAfterMs ?? DEFAULT_CIRCUIT_BREAKER.resetAfterMs, 3_600_000)) {
    problems.push(`${label}.circuitBreaker: needs integers failureThreshold (1-1000) and resetAfterMs (1-3600000)`);
    return { ...DEFAULT_CIRCUIT_BREAKER };
  }
  return {
    failureThreshold: (raw.failureThreshold as number | undefined) ?? DEFAULT_CIRCUIT_BREAKER.failureThreshold,
    resetAfterMs: (raw.resetAfterMs as number | undefined) ?? DEFAULT_CIRCUIT_BREAKER.resetAfterMs,
  };
}

function parseSimulate(raw: unknown, label: string, problems: string[]): SimulatedRepository | null {
  if (raw === undefined) return null;
  if (!isJsonObject(raw) || typeof raw.seed !== 'number' || typeof raw.cases !== 'number' || typeof raw.subjectPrefix !== 'string') {
    problems.push(`${label}.simulate: needs numbers "seed" and "cases" and a string "subjectPrefix"`);
    return null;
  }
  return raw as unknown as SimulatedRepository;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
