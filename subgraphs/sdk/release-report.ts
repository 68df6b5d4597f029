/**
 * What one subgraph call released, reported with the call's answer in its `extensions` (RELEASE_REPORT_EXTENSION),
 * so the report goes wherever the answer goes: into the gateway's answer cache and out of it on a hit, to every
 * request sharing a call in flight, and from a repository subgraph at its owner's site to the gateway. The gateway's
 * audit middleware takes it out of every answer before the gateway sees it (gateway/plugins/datasources/use-release-audit.ts);
 * @apollo/gateway 2.14 reads only `ftv1` of a subgraph's extensions and forwards none of them to clients.
 *
 * Cases travel as keys (releaseKey: a truncated sha256 of the case id), never as ids: the report is stored where
 * the answer is (Redis, when the cache is shared) and the answer may not hold the ids at all. A key is the same for
 * the same case in every call, cache entry and process, which is what counting distinct cases across the calls of
 * one request needs.
 */
import { hash } from 'node:crypto';
import { isJsonObject } from './parse';

export const RELEASE_REPORT_EXTENSION = 'eucaimReleases';
const VERSION = 1;
const KEY_LENGTH = 22; // 132 bits of base64url
const MAX_COLLECTION_LENGTH = 200;

export interface RepositoryReleaseReport {
  repositoryId: string;
  /** [case key, its collection]. */
  cases: Array<[string, string | null]>;
  /** [key, series count]: per case (its studies' series) or per series (a manifest row). */
  series: Array<[string, number]>;
}

export interface ReleaseReport {
  version: typeof VERSION;
  repositories: RepositoryReleaseReport[];
}

/** The key of a case (or of a series key such as `<case id>#<series uid>`) in a report. */
export function releaseKey(id: string): string {
  return hash('sha256', id, 'base64url').slice(0, KEY_LENGTH);
}

export function releaseReport(repositories: RepositoryReleaseReport[]): ReleaseReport | undefined {
  return repositories.length === 0 ? undefined : { version: VERSION, repositories };
}

/**
 * The report an answer carries, read as untrusted input (it may come from a remote site): undefined when there is
 * none or it is not in this shape; malformed entries are dropped. It says nothing about whether to believe it.
 */
export function parseReleaseReport(value: unknown): ReleaseReport | undefined {
  if (!isJsonObject(value) || value.version !== VERSION || !Array.isArray(value.repositories)) return undefined;
  const repositories = value.repositories.flatMap((entry): RepositoryReleaseReport[] => {
    if (!isJsonObject(entry) || typeof entry.repositoryId !== 'string' || !Array.isArray(entry.cases) || !Array.isArray(entry.series)) return [];
    const cases = entry.cases.filter((c): c is [string, string | null] => Array.isArray(c) && c.length === 2 && isKey(c[0])
      && (c[1] === null || (typeof c[1] === 'string' && c[1].length <= MAX_COLLECTION_LENGTH)));
    const series = entry.series.filter((s): s is [string, number] => Array.isArray(s) && s.length === 2 && isKey(s[0])
      && Number.isSafeInteger(s[1]) && (s[1] as number) >= 0);
    return [{ repositoryId: entry.repositoryId, cases, series }];
  });
  return releaseReport(repositories);
}

const isKey = (value: unknown): value is string => typeof value === 'string' && /^[A-Za-z0-9_-]+$/.test(value) && value.length <= 64;
