/**
 * Download manifests: the series of the matching cases with their retrieve references, gathered by walking the
 * Europe-wide case list (subgraphs/europe/cases.ts) page by page until `maxSeries`, and rendered for native bulk
 * tools. No image bytes pass through the gateway: a manifest only hands references over.
 */
import type { ManifestFormat } from '../../schema/generated/graphql';
import type { CaseFilter, RetrieveReference } from '../../schema/generated/graphql';
import type { RequestContext } from '../sdk/context';
import { recordReleasesOf } from '../sdk/subgraph';
import { joinInSlices } from '../sdk/concurrency';
import { hasImageCriteria, seriesMatches } from '../sdk/evaluate';
import type { NormalizedFilter } from '../sdk/filter';
import type { SeriesRecord } from '../sdk/records';
import { casePage, type CasePageRecord } from './cases';
import type { WalkState } from './cursor';
import type { GatewayLink } from './gateway-link';
import { notSupportedStatus, type ListedRepository, type RepositoryStatusRecord } from './status';

export type ManifestFormatValue = ManifestFormat;

export const MAX_MANIFEST_SERIES = 50_000;
/**
 * Cases per page of the walk; studies are loaded only for the cases a page keeps. Each page's series come back through
 * the gateway, whose result shaping walks a whole inner answer in one go: the series of 250 cases
 * held the event loop about 100 ms; 100 cases cut the longest delays of the manifest load by about a fifth and left the
 * manifest's own latency unchanged (bench --scenario abuse --abuse-kinds manifest-csv-50000, two runs each).
 */
const PAGE_SIZE = 100;
/** A safety bound on pages (MAX_MANIFEST_SERIES series need far fewer). */
const MAX_PAGES = 2_000;

export interface ManifestSeriesRecord {
  repositoryId: string;
  caseId: string;
  subjectId: string;
  studyUid: string;
  seriesUid: string;
  modality: SeriesRecord['modality'];
  bodyPart: SeriesRecord['bodyPart'];
  instanceCount: number | null;
  sizeBytes: number | null;
  retrieve: Omit<RetrieveReference, '__typename'> | null;
}

export interface ManifestFileRecord {
  name: string;
  mediaType: string;
  repositoryIds: string[];
  series: number;
  content: string;
}

export interface RepositoryManifestRecord {
  repositoryId: string;
  repository: { __typename: string; id: string };
  status: RepositoryStatusRecord;
  cases: number;
  series: number;
  sizeBytes: number;
  exhausted: boolean;
}

export interface ManifestRecord {
  series: ManifestSeriesRecord[];
  seriesCount: number;
  sizeBytes: number;
  seriesWithoutSize: number;
  maxSeries: number;
  truncated: boolean;
  files: ManifestFileRecord[];
  repositories: RepositoryManifestRecord[];
  complete: boolean;
}

export interface ManifestRequest {
  where: CaseFilter | null | undefined;
  filter: NormalizedFilter;
  selected: readonly ListedRepository[];
  fingerprint: string;
  format: ManifestFormatValue;
  maxSeries: number;
  allSeries: boolean;
  typeNameOf: (id: string) => string;
}

const SERIES_FIELDS = 'uid modality bodyPart manufacturer instanceCount sizeBytes retrieve { protocol url }';

interface ManifestCase {
  id: string;
  repositoryId: string;
  subjectId: string;
  studies: Array<{ uid: string; series: SeriesRecord[] }>;
}

export async function buildManifest(link: GatewayLink, context: RequestContext, request: ManifestRequest): Promise<ManifestRecord> {
  const onlyMatching = !request.allSeries && hasImageCriteria(request.filter);
  const series: ManifestSeriesRecord[] = [];
  const perRepository = new Map<string, { status?: RepositoryStatusRecord; latencyMs: number; cases: number; series: number; sizeBytes: number; cut: boolean }>(
    request.selected.map((r) => [r.id, { latencyMs: 0, cases: 0, series: 0, sizeBytes: 0, cut: false }]));
  let state: WalkState | null = null;
  let page: CasePageRecord | undefined;
  let truncated = false;

  for (let pages = 0; pages < MAX_PAGES; pages++) {
    page = await casePage(link, context, {
      where: request.where, selected: request.selected, order: 'SUBJECT_ID', fingerprint: request.fingerprint, first: PAGE_SIZE, state,
      selection: { caseFields: 'id repositoryId', studies: `studies { uid series { ${SERIES_FIELDS} } }` }, typeNameOf: request.typeNameOf,
    });
    for (const part of page.repositories) {
      const mine = perRepository.get(part.repositoryId)!;
      // Its status is that of its last answer (a repository that failed and then answered on a later page listed
      // everything); its latency adds up over the pages it was asked on.
      if (part.asked || !mine.status) {
        mine.latencyMs += part.status.latencyMs;
        mine.status = { ...part.status, latencyMs: mine.latencyMs };
      }
    }
    const nodes = page.nodes as unknown as ManifestCase[];
    for (let i = 0; i < nodes.length && !truncated; i++) {
      const record = nodes[i];
      const mine = perRepository.get(record.repositoryId)!;
      let listedOfCase = 0;
      for (const study of record.studies) {
        for (const s of study.series) {
          if (onlyMatching && !seriesMatches(s, request.filter)) continue;
          if (series.length >= request.maxSeries) {
            truncated = true;
            break;
          }
          series.push({
            repositoryId: record.repositoryId, caseId: record.id, subjectId: record.subjectId, studyUid: study.uid, seriesUid: s.uid,
            modality: s.modality ?? null, bodyPart: s.bodyPart, instanceCount: s.instanceCount ?? null, sizeBytes: s.sizeBytes ?? null,
            retrieve: s.retrieve ? { protocol: s.retrieve.protocol, url: s.retrieve.url ?? null } : null,
          });
          listedOfCase++;
          mine.series++;
          mine.sizeBytes += s.sizeBytes ?? 0;
        }
        if (truncated) break;
      }
      if (listedOfCase > 0) mine.cases++;
      if (truncated) {
        // This case and every later one of the page are not (fully) listed.
        for (const later of nodes.slice(i)) perRepository.get(later.repositoryId)!.cut = true;
      }
    }
    // A page without cases while some repository has more cannot happen (casePage guarantees progress); stop anyway.
    if (truncated || !page.pageInfo.hasNextPage || nodes.length === 0) break;
    if (series.length >= request.maxSeries) {
      // Full: anything left is beyond the bound.
      truncated = true;
      break;
    }
    state = page.endState;
  }

  const end = page?.endState.positions;
  const repositories: RepositoryManifestRecord[] = request.selected.map((r) => {
    const mine = perRepository.get(r.id)!;
    const repository = { __typename: request.typeNameOf(r.id), id: r.id };
    if (!r.caseListing) {
      return { repositoryId: r.id, repository, status: notSupportedStatus(r.id, 'answers counts only (COUNT granularity): it lists no series'),
        cases: 0, series: 0, sizeBytes: 0, exhausted: false };
    }
    const done = end?.get(r.id)?.done ?? false;
    return {
      repositoryId: r.id, repository, status: mine.status ?? { state: 'OK', code: null, message: null, latencyMs: 0, filtersNotApplied: [] },
      cases: mine.cases, series: mine.series, sizeBytes: mine.sizeBytes, exhausted: done && !mine.cut,
    };
  });
  const failed = page ? !page.complete : false;
  // The audit tally: the cases and series this manifest hands over (README "Who may see what").
  const tally = recordReleasesOf(context);
  for (const s of series) {
    tally?.cases(s.repositoryId, [{ id: s.caseId, collection: null }]);
    tally?.series(s.repositoryId, `${s.caseId}#${s.seriesUid}`, 1);
  }
  return {
    series,
    seriesCount: series.length,
    sizeBytes: series.reduce((sum, s) => sum + (s.sizeBytes ?? 0), 0),
    seriesWithoutSize: series.filter((s) => s.sizeBytes === null).length,
    maxSeries: request.maxSeries,
    truncated,
    files: await renderManifest(series, request.format, request.selected.map((r) => r.id)),
    repositories,
    complete: !truncated && !failed,
  };
}

/**
 * The manifest's series rendered for native bulk tools; files name their repositories in catalogue order. Rows are
 * rendered in slices, the event loop turning in between: 50,000 CSV rows in one go held it for about 200 ms.
 */
export async function renderManifest(
  series: readonly ManifestSeriesRecord[], format: ManifestFormatValue, catalogueOrder: readonly string[] = [],
): Promise<ManifestFileRecord[]> {
  const withUrl = series.filter((s): s is ManifestSeriesRecord & { retrieve: { url: string } } => Boolean(s.retrieve?.url));
  const rank = (id: string) => (catalogueOrder.includes(id) ? catalogueOrder.indexOf(id) : catalogueOrder.length);
  const idsOf = (list: readonly ManifestSeriesRecord[]) => [...new Set(list.map((s) => s.repositoryId))].sort((a, b) => rank(a) - rank(b));
  switch (format) {
    case 'URL_LIST':
      return [{
        name: 'europe-series-urls.txt', mediaType: 'text/plain; charset=utf-8', repositoryIds: idsOf(withUrl), series: withUrl.length,
        content: await joinInSlices(withUrl, (s) => `${s.retrieve.url}\n`),
      }];
    case 'TCIA': {
      const nbia = withUrl.filter((s) => s.retrieve.protocol === 'NBIA_GET_IMAGE');
      return Promise.all(idsOf(nbia).map(async (repositoryId) => {
        const mine = nbia.filter((s) => s.repositoryId === repositoryId);
        return {
          name: `${repositoryId}.tcia`, mediaType: 'application/x-tcia-manifest; charset=utf-8', repositoryIds: [repositoryId], series: mine.length,
          content: await tciaManifest(repositoryId, mine),
        };
      }));
    }
    case 'CSV': {
      const header = ['repositoryId', 'caseId', 'subjectId', 'studyUid', 'seriesUid', 'modality', 'bodyPart', 'instanceCount', 'sizeBytes', 'protocol', 'url'];
      const row = (cells: readonly unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;
      const rows = await joinInSlices(series, (s) => row([s.repositoryId, s.caseId, s.subjectId, s.studyUid, s.seriesUid, s.modality, s.bodyPart,
        s.instanceCount, s.sizeBytes, s.retrieve?.protocol, s.retrieve?.url]));
      return [{
        name: 'europe-series.csv', mediaType: 'text/csv; charset=utf-8; header=present', repositoryIds: idsOf(series), series: series.length,
        content: row(header) + rows,
      }];
    }
  }
}

/**
 * A TCIA manifest (the NBIA Data Retriever's input, manifestVersion 3.0): properties, then one SeriesInstanceUID
 * per line. `downloadServerUrl` is the repository's NBIA getImage endpoint, taken from its retrieve references.
 */
async function tciaManifest(repositoryId: string, series: ReadonlyArray<ManifestSeriesRecord & { retrieve: { url: string } }>): Promise<string> {
  const server = series[0].retrieve.url.split('?')[0];
  const properties = [
    `downloadServerUrl=${server}`,
    'includeAnnotation=true',
    'noOfrRetry=4',
    `databasketId=europe-${repositoryId}.tcia`,
    'manifestVersion=3.0',
    'ListOfSeriesToDownload=',
  ].map((line) => `${line}\n`).join('');
  return properties + await joinInSlices(series, (s) => `${s.seriesUid}\n`);
}

/** RFC 4180 quoting; a cell a spreadsheet would read as a formula is prefixed with an apostrophe (OWASP). */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
