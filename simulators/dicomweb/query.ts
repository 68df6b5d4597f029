/**
 * Reads the query parameters of a QIDO-RS search (PS3.18 8.3.4, Table 8.3.4-1) the way the Orthanc DICOMweb
 * plugin 1.7 does. ORTHANC departures, all measured:
 * - Values arrive as they were sent, NOT percent-decoded: Orthanc 1.10.1 hands plugins the raw query string
 *   values, so `StudyDescription=MR%20PROSTATA` looks for the literal "MR%20PROSTATA" and finds nothing, and
 *   `PatientName=Anon%5EX` misses "Anon^X". Only `%2C`/`%2c` is understood, as a list comma.
 * - Backslashes are dropped, then commas become the list delimiter.
 * - A repeated match key or limit/offset: the last one wins. Repeated includefield: all count.
 * - An unknown keyword (or a keyword in the wrong case) as key or includefield is ignored.
 * - `includefield=all` is ignored. `fuzzymatching` must be true or false and is then ignored.
 */
import { lookupAttribute, type AttributeDefinition } from './dictionary';

export interface MatchKey {
  definition: AttributeDefinition;
  /** The value after the plugin's rewriting (commas to backslashes). */
  value: string;
}

export interface QidoQuery {
  /** By tag. */
  keys: Map<string, MatchKey>;
  /** Tags named by includefield. */
  includeFields: string[];
  /** 0 means no limit. */
  limit: number;
  offset: number;
  /**
   * Whether the query string itself (not the path) has a StudyInstanceUID / SeriesInstanceUID key. The plugin
   * then leaves the study-level (series-level) attributes out of series and instance results.
   */
  studyUidInQuery: boolean;
  seriesUidInQuery: boolean;
}

/** An error Orthanc reports as a JSON body (see server.ts). */
export class OrthancError extends Error {
  constructor(
    readonly status: number,
    readonly orthancMessage: string,
    readonly orthancStatus: number,
    readonly details?: string,
  ) {
    super(details ?? orthancMessage);
  }
}

/** `search` is the raw query string, with or without its leading "?". */
export function parseQidoQuery(search: string): QidoQuery {
  const query: QidoQuery = { keys: new Map(), includeFields: [], limit: 0, offset: 0, studyUidInQuery: false, seriesUidInQuery: false };
  const raw = search.startsWith('?') ? search.slice(1) : search;
  for (const parameter of raw.split('&')) {
    if (parameter === '') continue;
    const equals = parameter.indexOf('=');
    const key = equals < 0 ? parameter : parameter.slice(0, equals);
    const value = equals < 0 ? '' : parameter.slice(equals + 1);
    if (key === 'limit') query.limit = unsignedInteger(value);
    else if (key === 'offset') query.offset = unsignedInteger(value);
    else if (key === 'fuzzymatching') {
      if (value !== 'true' && value !== 'false') {
        throw new OrthancError(400, 'Bad request', 8, `Not a proper value for fuzzy matching (true or false): ${value}`);
      }
    } else if (key === 'includefield') {
      if (value === 'all') continue;
      for (const name of value.split(',')) {
        const definition = lookupAttribute(name);
        if (definition) query.includeFields.push(definition.tag);
      }
    } else {
      const definition = lookupAttribute(key);
      if (!definition) continue;
      const listed = value.replace(/\\/g, '').replace(/,|%2c/gi, '\\');
      query.keys.set(definition.tag, { definition, value: listed });
      if (definition.keyword === 'StudyInstanceUID') query.studyUidInQuery = true;
      if (definition.keyword === 'SeriesInstanceUID') query.seriesUidInQuery = true;
    }
  }
  return query;
}

/**
 * ORTHANC: limit and offset go through boost::lexical_cast<unsigned int>: "+3" is 3, anything not a number is
 * HTTP 400 "Bad file format", and a negative number wraps around and fails later with HTTP 500.
 */
function unsignedInteger(value: string): number {
  const match = /^([+-]?)(\d+)$/.exec(value);
  if (!match) throw new OrthancError(400, 'Bad file format', 15);
  const number = Number(match[2]);
  if (match[1] === '-' && number !== 0) throw new OrthancError(500, 'Error encountered within the plugin engine', 1);
  if (number > 0xffffffff) throw new OrthancError(400, 'Bad file format', 15);
  return number;
}
