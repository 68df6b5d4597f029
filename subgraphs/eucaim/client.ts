/**
 * The one native call of a EUCAIM Tier-2 node: `GET <mediator>/search?gender=&diagnosis=&modality=&bodyPart=&manufacturer=`
 * (native-apis README 1.1.2 item 4, what Focus sends with ENDPOINT_TYPE eucaim-api), over NativeHttp; parse.ts reads
 * its answer (1.1.2 item 5, Focus' `EucaimResponse`).
 */
import type { NativeHttp } from '../sdk/native-http';
import { parseSearchAnswer, type MediatorAnswer } from './parse';

/** The mediator's parameters, in the order Focus writes them. */
export const SEARCH_PARAMS = ['gender', 'diagnosis', 'modality', 'bodyPart', 'manufacturer'] as const;
export type SearchParam = (typeof SEARCH_PARAMS)[number];

/** One value per parameter: the mediator takes no lists (1.1.2 item 4, "no OR between values of the same criterion"). */
export type MediatorQuery = Partial<Record<SearchParam, string>>;

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

