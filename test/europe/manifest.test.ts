/**
 * Query.manifest: the matching series of the repositories that list cases, with their retrieve references, and
 * renderings for native bulk tools (URL list, TCIA manifest per NBIA repository, CSV); bounded by maxSeries.
 */
import type { CaseFilter } from '../../schema/generated/graphql';
import { matchCase } from '../../subgraphs/sdk/evaluate';
import { normaliseFilter } from '../../subgraphs/sdk/filter';
import { retrieveUrl } from '../../subgraphs/nbia/mapping';
import { startEuropeFederation, type EuropeTestFederation } from './support';

const REPOSITORIES = [
  { id: 'de-pacs', country: 'DE', apiKind: 'dicomweb', cases: 30 },
  { id: 'pt-nbia', country: 'PT', apiKind: 'nbia', cases: 35 },
  { id: 'nl-nbia', country: 'NL', apiKind: 'nbia', cases: 25 },
  { id: 'fr-xnat', country: 'FR', apiKind: 'xnat', cases: 25 },
  { id: 'es-node', country: 'ES', apiKind: 'eucaim-mediator', cases: 30 },
];
const RECORD = ['de-pacs', 'pt-nbia', 'nl-nbia', 'fr-xnat'];
const PROTOCOL: Record<string, string> = { 'de-pacs': 'DICOMWEB_WADO_RS', 'pt-nbia': 'NBIA_GET_IMAGE', 'nl-nbia': 'NBIA_GET_IMAGE', 'fr-xnat': 'XNAT_REST' };

const MANIFEST = `query Manifest($where: CaseFilter, $repositories: RepositoryFilter, $format: ManifestFormat, $maxSeries: Int, $allSeries: Boolean) {
  manifest(where: $where, repositories: $repositories, format: $format, maxSeries: $maxSeries, allSeries: $allSeries) {
    seriesCount sizeBytes seriesWithoutSize maxSeries truncated complete
    series { repositoryId caseId subjectId studyUid seriesUid modality bodyPart instanceCount sizeBytes retrieve { protocol url } }
    files { name mediaType repositoryIds series content }
    repositories { repositoryId cases series sizeBytes exhausted status { state code message } repository { country } }
  }
}`;

interface SeriesJson {
  repositoryId: string; caseId: string; subjectId: string; studyUid: string; seriesUid: string; modality: string | null; bodyPart: string;
  instanceCount: number | null; sizeBytes: number | null; retrieve: { protocol: string; url: string | null } | null;
}
interface ManifestJson {
  seriesCount: number; sizeBytes: number; seriesWithoutSize: number; maxSeries: number; truncated: boolean; complete: boolean;
  series: SeriesJson[];
  files: Array<{ name: string; mediaType: string; repositoryIds: string[]; series: number; content: string }>;
  repositories: Array<{ repositoryId: string; cases: number; series: number; sizeBytes: number; exhausted: boolean; status: { state: string; code: string | null; message: string | null } }>;
}

describe('Europe-wide download manifest', () => {
  let federation: EuropeTestFederation;

  const manifest = async (variables: Record<string, unknown>) => {
    const { body } = await federation.query(MANIFEST, variables);
    expect(body.errors).toBeUndefined();
    return body.data?.manifest as ManifestJson;
  };

  /** The series a manifest must list: those of matching cases that satisfy the filter's image criteria. */
  const expectedSeries = (where: CaseFilter, allSeries = false) => RECORD.flatMap((id) => {
    const filter = normaliseFilter(where, id);
    return federation.truth(id).flatMap((record) => {
      const matched = matchCase(record, allSeries ? { ...filter, modalities: undefined, bodyParts: undefined, manufacturers: undefined } : filter);
      if (!matchCase(record, filter)) return [];
      return (matched ?? []).flatMap((m) => m.series.map((s) => ({ repositoryId: id, caseId: record.id, studyUid: m.study.uid, seriesUid: s.uid, sizeBytes: s.sizeBytes })));
    });
  });
  const key = (s: { repositoryId: string; seriesUid: string }) => `${s.repositoryId} ${s.seriesUid}`;

  beforeAll(async () => {
    federation = await startEuropeFederation(REPOSITORIES);
  }, 60_000);

  afterAll(async () => {
    await federation?.close();
  });

  afterEach(() => federation.clearFaults());

  it.each<[string, CaseFilter]>([
    ['an image filter: only the series that satisfy it', { modalities: ['MR', 'CT'], sex: ['FEMALE'] }],
    ['a clinical filter: every series of the matching cases', { cancerSites: ['PROSTATE'] }],
  ])('lists exactly the matching series of the record repositories with their retrieve references (%s)', async (_label, where) => {
    const result = await manifest({ where });
    const truth = expectedSeries(where);
    expect(truth.length).toBeGreaterThan(20);
    expect(result.series.map(key).sort()).toEqual(truth.map(key).sort());
    expect(result.seriesCount).toBe(truth.length);
    expect(result.truncated).toBe(false);
    expect(result.complete).toBe(true);
    const byKey = new Map(truth.map((s) => [key(s), s]));
    for (const s of result.series) {
      const t = byKey.get(key(s))!;
      expect([s.caseId, s.studyUid]).toEqual([t.caseId, t.studyUid]);
      expect(s.retrieve?.protocol).toBe(PROTOCOL[s.repositoryId]);
      const base = federation.config.repositories.find((r) => r.id === s.repositoryId)!.endpoint;
      if (s.retrieve?.protocol === 'NBIA_GET_IMAGE') expect(s.retrieve.url).toBe(retrieveUrl(base, s.seriesUid));
      if (s.retrieve?.protocol === 'DICOMWEB_WADO_RS') expect(s.retrieve.url).toBe(`${base}/studies/${s.studyUid}/series/${s.seriesUid}`);
      if (s.retrieve?.protocol === 'XNAT_REST') expect(s.retrieve.url?.startsWith(base)).toBe(true);
    }
    // Sizes where the repository reports them: NBIA does, QIDO does not.
    for (const s of result.series.filter((x) => x.repositoryId.endsWith('nbia'))) expect(s.sizeBytes).toBe(byKey.get(key(s))!.sizeBytes);
    for (const s of result.series.filter((x) => x.repositoryId === 'de-pacs')) expect(s.sizeBytes).toBeNull();
    expect(result.sizeBytes).toBe(result.series.reduce((sum, s) => sum + (s.sizeBytes ?? 0), 0));
    expect(result.seriesWithoutSize).toBe(result.series.filter((s) => s.sizeBytes === null).length);
    // Per repository: its series, and the count-only node that lists none.
    for (const part of result.repositories.filter((r) => RECORD.includes(r.repositoryId))) {
      expect(part).toMatchObject({ status: { state: 'OK' }, exhausted: true, series: truth.filter((t) => t.repositoryId === part.repositoryId).length });
    }
    expect(result.repositories.find((r) => r.repositoryId === 'es-node')).toMatchObject({ series: 0, status: { state: 'NOT_SUPPORTED' } });
    // Ordered by subject id, then repository (a Europe-wide walk).
    const caseOrder = result.series.map((s) => `${s.subjectId}\u0000${s.repositoryId}`);
    expect(caseOrder).toEqual([...caseOrder].sort());
  });

  it('lists every series of the matching cases with allSeries', async () => {
    const where: CaseFilter = { modalities: ['MR'] };
    const all = await manifest({ where, allSeries: true });
    expect(all.series.map(key).sort()).toEqual(expectedSeries(where, true).map(key).sort());
    expect(all.seriesCount).toBeGreaterThan((await manifest({ where })).seriesCount);
  });

  it('renders a URL list, one TCIA manifest per NBIA repository, and CSV', async () => {
    const where: CaseFilter = { collections: ['LUNG'] };
    const urls = await manifest({ where, format: 'URL_LIST' });
    expect(urls.files).toHaveLength(1);
    expect(urls.files[0]).toMatchObject({ name: 'europe-series-urls.txt', repositoryIds: RECORD, series: urls.seriesCount });
    expect(urls.files[0].content.trimEnd().split('\n')).toEqual(urls.series.map((s) => s.retrieve?.url));

    const tcia = await manifest({ where, format: 'TCIA' });
    expect(tcia.files.map((f) => f.name).sort()).toEqual(['nl-nbia.tcia', 'pt-nbia.tcia']);
    for (const file of tcia.files) {
      const [repositoryId] = file.repositoryIds;
      const lines = file.content.trimEnd().split('\n');
      const base = federation.config.repositories.find((r) => r.id === repositoryId)!.endpoint.replace(/\/+$/, '');
      expect(lines.slice(0, 6)).toEqual([`downloadServerUrl=${base}/getImage`, 'includeAnnotation=true', 'noOfrRetry=4',
        `databasketId=europe-${repositoryId}.tcia`, 'manifestVersion=3.0', 'ListOfSeriesToDownload=']);
      expect(lines.slice(6)).toEqual(tcia.series.filter((s) => s.repositoryId === repositoryId).map((s) => s.seriesUid));
      expect(file.series).toBe(lines.length - 6);
    }

    const csv = await manifest({ where, format: 'CSV' });
    const rows = csv.files[0].content.split('\r\n').filter((line) => line.length > 0);
    expect(rows[0]).toBe('repositoryId,caseId,subjectId,studyUid,seriesUid,modality,bodyPart,instanceCount,sizeBytes,protocol,url');
    expect(rows).toHaveLength(csv.seriesCount + 1);
    const first = csv.series[0];
    expect(rows[1]).toBe([first.repositoryId, first.caseId, first.subjectId, first.studyUid, first.seriesUid, first.modality, first.bodyPart,
      first.instanceCount, first.sizeBytes ?? '', first.retrieve?.protocol, first.retrieve?.url].join(','));
  });

  it('stops at maxSeries and says it is truncated', async () => {
    const full = await manifest({});
    const bounded = await manifest({ maxSeries: 25 });
    expect(full.seriesCount).toBeGreaterThan(25);
    expect(bounded).toMatchObject({ seriesCount: 25, maxSeries: 25, truncated: true, complete: false });
    expect(bounded.series).toEqual(full.series.slice(0, 25));
    expect(bounded.repositories.some((r) => RECORD.includes(r.repositoryId) && !r.exhausted)).toBe(true);
    const { body } = await federation.query(MANIFEST, { maxSeries: 0 });
    expect(body.errors?.[0]).toMatchObject({ path: ['manifest'], extensions: { code: 'BAD_USER_INPUT', argument: 'maxSeries' } });
  });

  it('reports a failing repository and lists the others\' series', async () => {
    const where: CaseFilter = { cancerSites: ['LUNG'] };
    federation.simulator('pt-nbia').faults.httpStatus = 503;
    const result = await manifest({ where });
    expect(result.repositories.find((r) => r.repositoryId === 'pt-nbia')).toMatchObject({ series: 0, exhausted: false, status: { state: 'FAILED', code: 'REPOSITORY_HTTP_ERROR' } });
    expect(result.complete).toBe(false);
    expect(result.series.map(key).sort()).toEqual(expectedSeries(where).filter((s) => s.repositoryId !== 'pt-nbia').map(key).sort());
  });
});
