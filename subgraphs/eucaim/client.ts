/**
 * The one native call of a EUCAIM Tier-2 node: `GET <mediator>/search?gender=&diagnosis=&modality=&bodyPart=&manufacturer=`
 * (native-apis README 1.1.2 item 4, what Focus sends with ENDPOINT_TYPE eucaim-api), and a typed reading of its
 * answer (1.1.2 item 5, Focus' `EucaimResponse`).
 */
import { ErrorCode, RepositoryError } from '../sdk/errors';
import type { NativeHttp } from '../sdk/native-http';
import { ResponseReader } from '../sdk/parse';

/** The mediator's parameters, in the order Focus writes them. */
export const SEARCH_PARAMS = ['gender', 'diagnosis', 'modality', 'bodyPart', 'manufacturer'] as const;
export type SearchParam = (typeof SEARCH_PARAMS)[number];

/** One value per parameter: the mediator takes no lists (1.1.2 item 4, "no OR between values of the same criterion"). */
export type MediatorQuery = Partial<Record<SearchParam, string>>;

export interface AgeRange {
  min: number | null;
  max: number | null;
}

export interface MediatorCollection {
  id: string;
  name: string;
  description: string | null;
  subjectsCount: number;
  studiesCount: number;
  /** As sent, implausible values included (real nodes send `max: 965`). */
  ageRange: AgeRange | null;
  /** As sent, e.g. ["Male", "Female", "Unkown"]. */
  gender: string[];
  /** Raw modality strings from `modalities` and/or `modality`. */
  modalities: string[];
  /** Raw BodyPartExamined strings, e.g. "TORAX", "Pelvis^Masculin". */
  bodyParts: string[];
}

export interface MediatorAnswer {
  provider: string | null;
  collections: MediatorCollection[];
  /** Null when the node leaves `total` out; then the collections are summed. */
  total: { subjectsCount: number; studiesCount: number } | null;
}

/**
 * `/search?…` with the values percent-encoded as Focus sends them (`General%20Electric`, 1.1.2 item 4).
 * NativeHttp's own query builder uses URLSearchParams, which writes a space as `+`: most servers decode that, but
 * a mediator is only known to understand what Focus sends, and one that read `General+Electric` literally would
 * drop the criterion silently (1.1.2: it ignores what it does not understand). So the query goes in the path.
 * Its values come only from the closed vocabulary in mapping.ts, never from user text, so error messages that
 * echo the path carry no identifiers.
 */
export function searchPath(query: MediatorQuery): string {
  const parts = SEARCH_PARAMS.flatMap((param) => {
    const value = query[param];
    return value === undefined ? [] : [`${param}=${encodeURIComponent(value)}`];
  });
  return parts.length === 0 ? '/search' : `/search?${parts.join('&')}`;
}

export class MediatorClient {
  constructor(private readonly http: NativeHttp) {}

  get repositoryId(): string {
    return this.http.repositoryId;
  }

  async search(query: MediatorQuery): Promise<MediatorAnswer> {
    const body = await this.http.getJson(searchPath(query));
    return parseSearchAnswer(body, this.http.repositoryId);
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

/**
 * Reads a search answer. Tolerates the dirt real nodes send (both `modality` and `modalities`, the camelCase keys of
 * the EUCAIM-Schema `CollectionsMetadata` (1.1.4), numbers as strings, null body parts) but fails on anything that
 * would make a count wrong: a missing collection list, a count that is not a non-negative integer.
 */
export function parseSearchAnswer(body: unknown, repositoryId: string): MediatorAnswer {
  const reader = new ResponseReader(repositoryId, 'GET /search');
  const root = reader.object(body);
  const collections = reader.array(root.collections, 'collections').map((item, i) => {
    const path = `collections[${i}]`;
    const c = reader.object(item, path);
    const idValue = c.id;
    const id = typeof idValue === 'number' ? String(idValue) : reader.string(idValue, `${path}.id`);
    return {
      id,
      name: reader.optionalString(c.name, `${path}.name`) ?? id,
      description: reader.optionalString(c.description, `${path}.description`),
      subjectsCount: count(reader, first(c, 'subjects_count', 'subjectsCount'), `${path}.subjects_count`),
      studiesCount: count(reader, first(c, 'studies_count', 'studiesCount'), `${path}.studies_count`),
      ageRange: ageRange(reader, first(c, 'age_range', 'ageRange'), `${path}.age_range`),
      gender: strings(reader, c.gender, `${path}.gender`),
      modalities: [...new Set([...strings(reader, c.modalities, `${path}.modalities`), ...strings(reader, c.modality, `${path}.modality`)])],
      bodyParts: strings(reader, first(c, 'body_parts', 'bodyParts'), `${path}.body_parts`),
    };
  });
  const totalValue = root.total;
  let total: MediatorAnswer['total'] = null;
  if (totalValue !== undefined && totalValue !== null) {
    const t = reader.object(totalValue, 'total');
    total = {
      subjectsCount: count(reader, first(t, 'subjects_count', 'subjectsCount'), 'total.subjects_count'),
      studiesCount: count(reader, first(t, 'studies_count', 'studiesCount'), 'total.studies_count'),
    };
  }
  const ids = new Set<string>();
  for (const c of collections) {
    // A collection listed twice could be counted twice when collections are selected: refuse the answer.
    if (ids.has(c.id)) {
      throw new RepositoryError(ErrorCode.BAD_RESPONSE, repositoryId, `malformed GET /search response: collection id listed twice in collections`);
    }
    ids.add(c.id);
  }
  return { provider: reader.optionalString(root.provider, 'provider'), collections, total };
}

function first(object: Record<string, unknown>, ...keys: string[]): unknown {
  for (const key of keys) if (object[key] !== undefined && object[key] !== null) return object[key];
  return undefined;
}

function count(reader: ResponseReader, value: unknown, path: string): number {
  const n = reader.number(value, path);
  return Number.isInteger(n) && n >= 0 ? n : reader.fail(path, 'a non-negative integer', value);
}

function ageRange(reader: ResponseReader, value: unknown, path: string): AgeRange | null {
  if (value === undefined || value === null) return null;
  const range = reader.object(value, path);
  return { min: reader.optionalNumber(range.min, `${path}.min`), max: reader.optionalNumber(range.max, `${path}.max`) };
}

/** A list of strings; a lone string is read as a list of one; null entries are skipped. */
function strings(reader: ResponseReader, value: unknown, path: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  return reader.array(value, path).flatMap((v, i) => (v === null ? [] : [reader.string(v, `${path}[${i}]`)]));
}
