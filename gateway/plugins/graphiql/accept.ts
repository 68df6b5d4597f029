// Content negotiation for the endpoint URL, which answers browsers with GraphiQL and everything else with GraphQL.
// Same rule as Apollo Server's landing page: a request gets HTML only when it prefers text/html over the GraphQL
// response types. Browsers navigating send "text/html,...,*/*;q=0.8" and get the page; fetch() and curl send
// JSON types or "*/*" and get GraphQL, and a tie goes to GraphQL so that no API client is ever handed HTML.

const GRAPHQL_TYPES = ['application/json', 'application/graphql-response+json', 'multipart/mixed'];
const HTML = 'text/html';

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  return header.split(',').flatMap((part) => {
    const [range, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const [type, subtype] = range.split('/');
    if (!type || !subtype) return [];
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    return Number.isFinite(q) ? [{ type, subtype, q }] : [];
  });
}

// Quality and specificity (2 exact, 1 "type/*", 0 "*/*") of the most specific range matching `mediaType`;
// q 0 when nothing matches.
function match(ranges: MediaRange[], mediaType: string): { q: number; specificity: number } {
  const [type, subtype] = mediaType.split('/');
  let best = { q: 0, specificity: -1 };
  for (const range of ranges) {
    const specificity =
      range.type === type && range.subtype === subtype
        ? 2
        : range.type === type && range.subtype === '*'
          ? 1
          : range.type === '*' && range.subtype === '*'
            ? 0
            : -1;
    if (specificity > best.specificity) best = { q: range.q, specificity };
  }
  return best;
}

/** True when the Accept header ranks text/html strictly above every GraphQL response type. */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = parseAccept(accept);
  const html = match(ranges, HTML);
  if (html.q <= 0) return false;
  return GRAPHQL_TYPES.every((mediaType) => {
    const other = match(ranges, mediaType);
    return html.q > other.q || (html.q === other.q && html.specificity > other.specificity);
  });
}
