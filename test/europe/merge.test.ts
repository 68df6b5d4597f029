/**
 * The pure parts of Europe-wide answers: summing cohorts, the composite cursor, manifest renderings.
 */
import { decodeWalkCursor, encodeWalkCursor, renderManifest, sumCohorts, walkFingerprint } from '../../subgraphs/europe';
import { emptyFacets } from '../../subgraphs/sdk/facets';
import type { CohortRecord } from '../../subgraphs/sdk/records';

function cohort(overrides: Partial<CohortRecord>): CohortRecord {
  return { subjects: 0, studies: 0, series: 0, images: 0, exact: true, facets: emptyFacets(), filtersApplied: [], filtersNotApplied: [], ...overrides };
}

describe('summing cohorts', () => {
  it('adds each count over the repositories that gave it, and names them', () => {
    const { total, contributors } = sumCohorts([
      { repositoryId: 'a', cohort: cohort({ subjects: 10, studies: 20, series: 50, images: 900, filtersApplied: ['SEX'] }) },
      { repositoryId: 'b', cohort: cohort({ subjects: 5, studies: 7, series: null, images: null, filtersApplied: ['SEX'] }) },
      { repositoryId: 'c', cohort: null },
    ], ['SEX'], false);
    expect(total).toMatchObject({ subjects: 15, studies: 27, series: 50, images: 900, exact: false, filtersApplied: ['SEX'], filtersNotApplied: [] });
    expect(contributors).toMatchObject({ subjects: ['a', 'b'], studies: ['a', 'b'], series: ['a'], images: ['a'] });
  });

  it('gives null for a count no repository gave, and is exact only when every repository answered exactly', () => {
    expect(sumCohorts([{ repositoryId: 'a', cohort: null }], [], false).total).toMatchObject({ subjects: null, exact: false });
    expect(sumCohorts([{ repositoryId: 'a', cohort: cohort({ subjects: 3 }) }], [], false).total).toMatchObject({ subjects: 3, exact: true });
    expect(sumCohorts([], [], false).total).toMatchObject({ subjects: null, exact: true });
  });

  it('merges facets bucket by bucket and flags the ones a repository could not count', () => {
    const a = cohort({ subjects: 4, facets: { ...emptyFacets(), sex: [{ value: 'MALE', subjects: 3 }, { value: 'FEMALE', subjects: 1 }], modality: [{ value: 'CT', subjects: 4 }] } });
    const b = cohort({ subjects: 5, incompleteFacets: ['modality'], facets: { ...emptyFacets(), sex: [{ value: 'FEMALE', subjects: 5 }], modality: [{ value: 'MR', subjects: 2 }] } });
    const empty = cohort({ subjects: 0 });
    const { total, contributors } = sumCohorts([{ repositoryId: 'a', cohort: a }, { repositoryId: 'b', cohort: b }, { repositoryId: 'z', cohort: empty }], [], true);
    expect(total.facets.sex).toEqual([{ value: 'FEMALE', subjects: 6 }, { value: 'MALE', subjects: 3 }]);
    expect(total.facets.modality).toEqual([{ value: 'CT', subjects: 4 }, { value: 'MR', subjects: 2 }]);
    // b lists only some modalities; both a and b have subjects but no body part buckets; z has nothing to count.
    expect(total.incompleteFacets).toEqual(['modality', 'cancerSite', 'bodyPart', 'ageBand', 'manufacturer']);
    expect(contributors.facets.find((f) => f.facet === 'sex')?.repositories).toEqual(['a', 'b', 'z']);
    expect(contributors.facets.find((f) => f.facet === 'bodyPart')?.repositories).toEqual(['z']);
  });

  it('names, per criterion, each repository that could not apply it', () => {
    const { total } = sumCohorts([
      { repositoryId: 'a', cohort: cohort({ exact: false, filtersApplied: ['SEX'], filtersNotApplied: [{ criterion: 'AGE_AT_DIAGNOSIS', reason: 'no ages' }] }) },
      { repositoryId: 'b', cohort: cohort({ exact: false, filtersApplied: [], filtersNotApplied: [{ criterion: 'AGE_AT_DIAGNOSIS', reason: 'no ages either' }, { criterion: 'SEX', reason: 'no sex' }] }) },
    ], ['SEX', 'AGE_AT_DIAGNOSIS'], false);
    expect(total.filtersApplied).toEqual([]);
    expect(total.filtersNotApplied).toEqual([
      { criterion: 'SEX', reason: 'repository "b": no sex' },
      { criterion: 'AGE_AT_DIAGNOSIS', reason: 'repository "a": no ages; repository "b": no ages either' },
    ]);
  });
});

describe('the composite cursor', () => {
  const fingerprint = walkFingerprint({ sex: ['FEMALE'] }, { countries: ['DE'] });

  it('round-trips per-repository positions', () => {
    const positions = new Map([
      ['a', { after: 'eyJyIjoiYSJ9', done: false, failed: false, total: 12 }],
      ['b', { after: null, done: false, failed: true, total: null }],
      ['c', { after: 'xyz', done: true, failed: false, total: 0 }],
    ]);
    const cursor = encodeWalkCursor({ order: 'SUBJECT_ID', fingerprint, positions });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeWalkCursor(cursor, { order: 'SUBJECT_ID', fingerprint }).positions).toEqual(positions);
  });

  it('fingerprints the walk\'s arguments, not their spelling', () => {
    expect(walkFingerprint({ sex: ['FEMALE'], modalities: null }, { countries: ['DE'] })).toBe(fingerprint);
    expect(walkFingerprint({ sex: ['MALE'] }, { countries: ['DE'] })).not.toBe(fingerprint);
    expect(walkFingerprint({ sex: ['FEMALE'] }, null)).not.toBe(fingerprint);
  });

  it.each([
    ['garbage', 'x.y'],
    ['JSON that is not a cursor', Buffer.from('[1,2]').toString('base64url')],
    ['a damaged position', Buffer.from(JSON.stringify({ v: 1, o: 'SUBJECT_ID', q: 'x', p: { a: [1, 0, null] } })).toString('base64url')],
  ])('refuses %s with BAD_CURSOR', (_label, cursor) => {
    expect(() => decodeWalkCursor(cursor, { order: 'SUBJECT_ID', fingerprint: 'x' })).toThrow(expect.objectContaining({ extensions: { code: 'BAD_CURSOR', argument: 'after' } }));
  });
});

describe('manifest renderings', () => {
  const series = [
    { repositoryId: 'pt-nbia', caseId: 'pt-nbia/S1', subjectId: 'S1', studyUid: '1.2', seriesUid: '1.2.3', modality: 'CT' as const, bodyPart: 'CHEST' as const,
      instanceCount: 100, sizeBytes: 5000, retrieve: { protocol: 'NBIA_GET_IMAGE' as const, url: 'http://nbia/v4/getImage?SeriesInstanceUID=1.2.3' } },
    { repositoryId: 'de-pacs', caseId: 'de-pacs/=cmd', subjectId: '=cmd', studyUid: '4.5', seriesUid: '4.5.6', modality: null, bodyPart: 'UNKNOWN' as const,
      instanceCount: null, sizeBytes: null, retrieve: { protocol: 'DICOMWEB_WADO_RS' as const, url: 'http://pacs/studies/4.5/series/4.5.6' } },
    { repositoryId: 'de-pacs', caseId: 'de-pacs/S2', subjectId: 'S2, "x"', studyUid: '7', seriesUid: '7.8', modality: 'MR' as const, bodyPart: 'HEAD' as const,
      instanceCount: 3, sizeBytes: null, retrieve: null },
  ];

  it('lists the URLs it has, one per line, naming repositories in catalogue order', async () => {
    const [file] = await renderManifest(series, 'URL_LIST', ['de-pacs', 'pt-nbia']);
    expect(file).toMatchObject({ repositoryIds: ['de-pacs', 'pt-nbia'], series: 2 });
    expect(file.content).toBe('http://nbia/v4/getImage?SeriesInstanceUID=1.2.3\nhttp://pacs/studies/4.5/series/4.5.6\n');
  });

  it('writes a TCIA manifest for NBIA series only', async () => {
    const files = await renderManifest(series, 'TCIA');
    expect(files).toHaveLength(1);
    expect(files[0].content).toBe('downloadServerUrl=http://nbia/v4/getImage\nincludeAnnotation=true\nnoOfrRetry=4\ndatabasketId=europe-pt-nbia.tcia\nmanifestVersion=3.0\nListOfSeriesToDownload=\n1.2.3\n');
  });

  it('quotes CSV cells and defuses formulas', async () => {
    const lines = (await renderManifest(series, 'CSV'))[0].content.split('\r\n');
    expect(lines[2]).toBe("de-pacs,de-pacs/=cmd,'=cmd,4.5,4.5.6,,UNKNOWN,,,DICOMWEB_WADO_RS,http://pacs/studies/4.5/series/4.5.6");
    expect(lines[3]).toBe('de-pacs,de-pacs/S2,"S2, ""x""",7,7.8,MR,HEAD,3,,,');
  });
});
