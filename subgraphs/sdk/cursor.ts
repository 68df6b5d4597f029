/**
 * Opaque paging cursors: base64url JSON that names the repository that issued it, so a cursor from another
 * repository or an altered one is rejected with a clear error instead of paging from the wrong place.
 */
import { ErrorCode, RepositoryError } from './errors';

export type CursorPayload = Record<string, string | number>;

export function encodeCursor(repositoryId: string, payload: CursorPayload): string {
  return Buffer.from(JSON.stringify({ r: repositoryId, ...payload }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, repositoryId: string): CursorPayload {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || (parsed as { r?: unknown }).r !== repositoryId) {
    throw new RepositoryError(ErrorCode.BAD_CURSOR, repositoryId, 'argument `after` is not a cursor issued by this repository', { argument: 'after' });
  }
  const { r: _issuer, ...payload } = parsed as Record<string, unknown>;
  for (const value of Object.values(payload)) {
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new RepositoryError(ErrorCode.BAD_CURSOR, repositoryId, 'argument `after` is a damaged cursor', { argument: 'after' });
    }
  }
  return payload as CursorPayload;
}

/** Reads a non-negative integer field of a decoded cursor. */
export function cursorOffset(payload: CursorPayload, key: string, repositoryId: string): number {
  const value = payload[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RepositoryError(ErrorCode.BAD_CURSOR, repositoryId, 'argument `after` is a damaged cursor', { argument: 'after' });
  }
  return value;
}
