/**
 * The federation config's `cors` section: the browser origins (portals) that may call the GraphQL endpoint from
 * their own pages. Validation names the field at fault, like the rest of the config.
 *
 * ```json
 * "cors": { "allowedOrigins": ["https://portal.example.org"] }
 * ```
 *
 * CORS_ALLOWED_ORIGINS (comma-separated) replaces the list, e.g. for one deployment of a shared config.
 */
import { isJsonObject } from '../../../subgraphs/sdk/parse';

export interface CorsConfig {
  /** Serialised origins (RFC 6454 §6.2: scheme "://" host [":" port]), compared exactly with a request's Origin. */
  allowedOrigins: string[];
}


/** Why `value` is not an origin the allow-list can hold, or undefined when it is one. */
function originProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return 'must be a non-empty string';
  if (value === '*' || value === 'null') return `"${value}" is not allowed: name each portal's origin (e.g. "https://portal.example.org")`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not an origin (scheme://host[:port], e.g. "https://portal.example.org")`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `"${value}" must be an http(s) origin`;
  // Browsers send the Origin header serialised (lower-case host, no default port, no path): the entry must be
  // written the same way, or it would never match.
  if (url.origin !== value) return `"${value}" is not written as browsers send it: use "${url.origin}" (no path, no trailing slash, no default port)`;
  return undefined;
}

function parseOrigins(list: unknown[], where: string, problems: string[]): string[] {
  const origins: string[] = [];
  list.forEach((value, index) => {
    const problem = originProblem(value);
    if (problem) problems.push(`${where}[${index}]: ${problem}`);
    else origins.push(value as string);
  });
  return origins;
}

/** Parses the `cors` section; problems are pushed with their field (`cors.allowedOrigins[0]: ...`). */
export function parseCorsConfig(raw: unknown, problems: string[]): CorsConfig | undefined {
  if (raw === undefined) return undefined;
  if (!isJsonObject(raw)) {
    problems.push('cors: must be an object like { "allowedOrigins": ["https://portal.example.org"] }');
    return undefined;
  }
  for (const key of Object.keys(raw)) if (key !== 'allowedOrigins') problems.push(`cors.${key}: unknown field; the section has "allowedOrigins"`);
  if (!Array.isArray(raw.allowedOrigins)) {
    problems.push(`cors.allowedOrigins: ${raw.allowedOrigins === undefined ? 'missing' : 'must be an array of origins'}`);
    return undefined;
  }
  return { allowedOrigins: parseOrigins(raw.allowedOrigins, 'cors.allowedOrigins', problems) };
}

/**
 * CORS_ALLOWED_ORIGINS from the environment (comma-separated origins; empty: no origin), which replaces the config's
 * list; undefined when the variable is not set. Throws naming the entry at fault.
 */
export function corsFromEnv(env: NodeJS.ProcessEnv): CorsConfig | undefined {
  const value = env.CORS_ALLOWED_ORIGINS;
  if (value === undefined) return undefined;
  const problems: string[] = [];
  const entries = value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  const allowedOrigins = parseOrigins(entries, 'CORS_ALLOWED_ORIGINS', problems);
  if (problems.length > 0) throw new Error(`invalid environment variable CORS_ALLOWED_ORIGINS:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return { allowedOrigins };
}
