/**
 * The composite cursor of a Europe-wide case walk: base64url JSON holding, per repository, its own cursor (the
 * endCursor of the last of its cases the walk returned, null before its first), whether it is exhausted, whether
 * it failed and is owed a retry, and its last known count. It also holds the order and a fingerprint of `where`
 * and `repositories`, so a cursor is refused when passed with other arguments than the walk it came from.
 */
import type { CaseOrder } from '../../schema/generated/graphql';
import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { CaseFilter, RepositoryFilter } from '../../schema/generated/graphql';
import { ErrorCode } from '../sdk/errors';

export type CaseOrderValue = CaseOrder;
export const CASE_ORDERS: readonly CaseOrderValue[] = ['SUBJECT_ID', 'REPOSITORY_ID'];

export interface RepositoryPosition {
  /** The repository's own cursor to continue from; null: from its first case. */
  after: string | null;
  /** The walk has returned all its cases. */
  done: boolean;
  /** It failed on the page this cursor ends; the next page asks it again from `after`. */
  failed: boolean;
  /** Its matching cases, from its last answer. */
  total: number | null;
}

export interface WalkState {
  order: CaseOrderValue;
  fingerprint: string;
  positions: Map<string, RepositoryPosition>;
}

const VERSION = 1;
const DONE = 1;
const FAILED = 2;

/** Identifies the arguments that define a walk: the same filter and selection give the same fingerprint. */
export function walkFingerprint(where: CaseFilter | null | undefined, repositories: RepositoryFilter | null | undefined): string {
  return createHash('sha256').update(canonical({ where: where ?? null, repositories: repositories ?? null })).digest('base64url').slice(0, 16);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && v !== null).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function encodeWalkCursor(state: WalkState): string {
  const p: Record<string, [string | null, number, number | null]> = {};
  for (const [id, position] of state.positions) {
    p[id] = [position.after, (position.done ? DONE : 0) | (position.failed ? FAILED : 0), position.total];
  }
  return Buffer.from(JSON.stringify({ v: VERSION, o: state.order, q: state.fingerprint, p }), 'utf8').toString('base64url');
}

export function badCursor(message: string): GraphQLError {
  return new GraphQLError(`argument \`after\` ${message}`, { extensions: { code: ErrorCode.BAD_CURSOR, argument: 'after' } });
}

/** Decodes a composite cursor for a walk with these arguments; anything else is refused with BAD_CURSOR. */
export function decodeWalkCursor(cursor: string, expected: { order: CaseOrderValue; fingerprint: string }): WalkState {
  let parsed: unknown;
  try {
    parsed = /^[A-Za-z0-9_-]+$/.test(cursor) ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : undefined;
  } catch {
    parsed = undefined;
  }
  const notOurs = 'is not a cursor of a Europe-wide case list: pass `pageInfo.endCursor` (or an edge\'s `cursor`) of an earlier page, or leave it out to start';
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw badCursor(notOurs);
  const { v, o, q, p } = parsed as Record<string, unknown>;
  if (v !== VERSION || typeof q !== 'string' || !CASE_ORDERS.includes(o as CaseOrderValue) || !p || typeof p !== 'object' || Array.isArray(p)) {
    throw badCursor(notOurs);
  }
  if (o !== expected.order) throw badCursor(`belongs to a walk in ${String(o)} order; this request asks for ${expected.order}`);
  if (q !== expected.fingerprint) {
    throw badCursor('belongs to a walk with another `where` or `repositories`: pass the same arguments as for its first page, or leave `after` out to start a new walk');
  }
  const positions = new Map<string, RepositoryPosition>();
  for (const [id, entry] of Object.entries(p)) {
    if (!Array.isArray(entry) || entry.length !== 3) throw badCursor('is a damaged cursor');
    const [after, flags, total] = entry as unknown[];
    if ((after !== null && typeof after !== 'string') || typeof flags !== 'number' || !Number.isInteger(flags) || flags < 0 || flags > 3
      || (total !== null && (typeof total !== 'number' || !Number.isInteger(total) || total < 0))) {
      throw badCursor('is a damaged cursor');
    }
    positions.set(id, { after, done: (flags & DONE) !== 0, failed: (flags & FAILED) !== 0, total: total as number | null });
  }
  return { order: o as CaseOrderValue, fingerprint: q, positions };
}
