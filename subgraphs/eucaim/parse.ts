/**
 * A typed reading of a EUCAIM node's search answer (native-apis README 1.1.2 item 5, Focus' `EucaimResponse`; the
 * EUCAIM front end's recorded provider answers). Tolerates the dirt real nodes send (both `modality` and
 * `modalities`, the camelCase keys of the EUCAIM-Schema `CollectionsMetadata` (1.1.4), numbers as strings, null
 * body parts) but fails on anything that would make a count wrong: a missing collection list, a count that is not a
 * non-negative integer. An age range outside 0-130 years (a real CHAIMELEON answer says `age_range.max: 965`: a
 * broken record or unit) is refused as bad native data by the SDK's checkedAgeYears, for that collection only: the
 * range is left out (it is catalogue metadata; the mediator counts no age criterion), the counts stand.
 */
import { checkedAgeYears } from '../sdk/age';
import { ErrorCode, RepositoryError } from '../sdk/errors';
import { ResponseReader } from '../sdk/parse';

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
  /** Ages in years, each checked to be 0-130. */
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

/** Reads a search answer (see the file comment for what is tolerated and what is refused). */
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
      ageRange: ageRange(reader, first(c, 'age_range', 'ageRange'), `${path}.age_range`, repositoryId),
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

function ageRange(reader: ResponseReader, value: unknown, path: string, repositoryId: string): AgeRange | null {
  if (value === undefined || value === null) return null;
  const range = reader.object(value, path);
  const age = (v: unknown, field: string): number | null => {
    const years = reader.optionalNumber(v, `${path}.${field}`);
    return years === null ? null : checkedAgeYears(years, repositoryId, `${path}.${field}`);
  };
  try {
    return { min: age(range.min, 'min'), max: age(range.max, 'max') };
  } catch (error) {
    if (error instanceof RepositoryError && error.code === ErrorCode.BAD_RESPONSE) return null;
    throw error;
  }
}

/** A list of strings; a lone string is read as a list of one; null entries are skipped. */
function strings(reader: ResponseReader, value: unknown, path: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  return reader.array(value, path).flatMap((v, i) => (v === null ? [] : [reader.string(v, `${path}[${i}]`)]));
}
