/**
 * Typed readers for native responses: parse what the server sent into typed values, and fail with an error
 * naming the repository, the call and the field when it is not what the protocol promises.
 */
import { ErrorCode, RepositoryError } from './errors';

export class ResponseReader {
  constructor(private readonly repositoryId: string, private readonly call: string) {}

  fail(path: string, expected: string, value: unknown): never {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new RepositoryError(ErrorCode.BAD_RESPONSE, this.repositoryId,
      `malformed ${this.call} response: ${path || 'the body'} is ${got}, expected ${expected}`);
  }

  array(value: unknown, path = ''): unknown[] {
    return Array.isArray(value) ? value : this.fail(path, 'an array', value);
  }

  object(value: unknown, path = ''): Record<string, unknown> {
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : this.fail(path, 'an object', value);
  }

  string(value: unknown, path: string): string {
    return typeof value === 'string' ? value : this.fail(path, 'a string', value);
  }

  optionalString(value: unknown, path: string): string | null {
    return value === undefined || value === null ? null : this.string(value, path);
  }

  /** A number, or a string holding one (NBIA and XNAT send numbers as strings). */
  number(value: unknown, path: string): number {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
    return this.fail(path, 'a number', value);
  }

  optionalNumber(value: unknown, path: string): number | null {
    return value === undefined || value === null || value === '' ? null : this.number(value, path);
  }
}

/** A JSON object (not null, not an array): what a config section or a parsed answer must be before its fields are read. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A column of a native row by name: the exact key first, then any casing of it (NBIA and XNAT vary key case). */
export function column(row: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(row, name)) return row[name];
  const lower = name.toLowerCase();
  const key = Object.keys(row).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : row[key];
}
